"""`MultimodalModel`: raw samples in, class out; features, fusion and classifier in one object."""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from mmdemo import __version__
from mmdemo.classifiers import CLASSIFIERS, make_classifier
from mmdemo.datasets.base import MultimodalDataset
from mmdemo.errors import InputError, Message, ParameterError, modality_word
from mmdemo.features import DEFAULT_FEATURES, IMAGE_SIZE, SPEECH_KINDS, make_features, prepare_audio
from mmdemo.fusion import FUSIONS, LateFusionClassifier, make_fusion_model, present_rows
from mmdemo.fusion.missing import MISSING_STRATEGIES, fit_missing_strategies, present_modalities
from mmdemo.io import check_text

__all__ = ["MultimodalModel", "ModelVersionWarning", "FeatureCache", "featurize_dataset", "modality_features"]

#: (modality, feature kind) -> feature matrix of a whole dataset, NaN rows where missing; and
#: (modality, kind, "fitted on", digest of the training rows) -> (fitted featurizer, matrix) for
#: text, whose features are fitted on the training rows (the last few splits are kept).
FeatureCache = MutableMapping[tuple, Any]

_FITTED_KEPT = 4

_STATELESS = ("image", "audio")
_TRUSTED_PREFIXES = ("mmdemo.", "sklearn.", "numpy.", "scipy.")
#: Key of the version stamp in a saved model's state.
_VERSION_KEY = "mmdemo_version"


class ModelVersionWarning(UserWarning):
    """A saved model was written by another mmdemo version (it loads; its answers may differ)."""


def _image_size(dataset: MultimodalDataset) -> int:
    first = next((v for v in dataset.data.get("image", []) if v is not None), None)
    square = first is not None and first.ndim == 2 and first.shape[0] == first.shape[1]
    return int(first.shape[0]) if square and first.shape[0] <= IMAGE_SIZE else IMAGE_SIZE


def modality_features(featurizer, values: Sequence[Any]) -> np.ndarray:
    """Apply a fitted featurizer to values that may be None; missing rows are NaN."""
    present = [i for i, v in enumerate(values) if v is not None]
    if not present:
        width = len(featurizer.transform([_placeholder(featurizer)])[0])
        return np.full((len(values), width), np.nan)
    F = featurizer.transform([values[i] for i in present])
    out = np.full((len(values), F.shape[1]), np.nan)
    out[present] = F
    return out


def _placeholder(featurizer) -> Any:
    name = type(featurizer).__name__
    if name == "TextFeatures":
        return ""
    if name == "AudioFeatures":
        return np.zeros(800, dtype=np.float32)
    return np.zeros((featurizer.size, featurizer.size), dtype=np.float32)


def featurize_dataset(
    dataset: MultimodalDataset,
    modalities: Sequence[str],
    *,
    features: Mapping[str, str] | None = None,
    feature_cache: FeatureCache | None = None,
) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """Feature matrix of every sample (NaN rows where a modality is missing) and its column blocks.

    Text features are fitted on the whole dataset here: use it for pictures of
    the feature space, not for scores (scores come from `mmdemo.experiments.evaluate`).

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> X, blocks = featurize_dataset(make_xor_shapes(20), ["image", "audio"])
    >>> blocks["image"], X.shape[0]
    ((0, 256), 20)
    """
    model = MultimodalModel(modalities, features=features)
    dataset.require_modalities(model.modalities)
    X = model.fit_features(dataset, np.arange(dataset.n_samples), feature_cache=feature_cache)
    return X, dict(model.blocks_)


def _block_model(estimator: Any, k: int) -> Any:
    """Late fusion's own model of block ``k``, when it can stand for that modality alone, else None.

    A late fusion fits one classifier per modality on the rows where it is
    present: the same model the unimodal evidence needs (a block-scaled copy
    of the classifier), so it is reused instead of fitted twice. Its labels are
    the fusion's encoded classes, equal to the model's when every class was in
    the training rows.
    """
    if not isinstance(estimator, LateFusionClassifier) or not np.array_equal(
        estimator.classes_, np.arange(len(estimator.classes_))
    ):
        return None
    return estimator.estimators_[k]


def _remember_fitted(cache: FeatureCache, key: tuple, value: tuple) -> None:
    """Keep a fitted featurizer and its matrix; forget the oldest beyond `_FITTED_KEPT`."""
    fitted = [k for k in list(cache) if len(k) == 4 and k[2] == "fitted on"]  # list(): other sessions may add
    for old in fitted[: max(0, len(fitted) - _FITTED_KEPT + 1)]:
        cache.pop(old, None)
    cache[key] = value


class MultimodalModel:
    """Features per modality -> fusion -> classifier, applied to raw samples.

    The model keeps its own preprocessing: images are brought to the digit form
    (`prepare_image`), audio is resampled, mixed down, trimmed and normalised
    (`prepare_audio`), so a photo or a phone recording can be given as is.
    Besides the fused classifier it fits one classifier per modality on the
    same training rows, to show each modality's own evidence.

    A sample with a modality missing is predicted with one of the strategies
    of `mmdemo.fusion.missing.MISSING_STRATEGIES`, chosen per call
    (``missing=``): ``"fusion default"`` (what the fusion method does itself),
    ``"mean"``, ``"fallback"`` (a model of exactly the present modalities) or
    ``"shared space"`` (the missing features predicted from the present ones).
    The pieces the last three need are fitted in `fit` (``fit_missing=True``).

    Parameters
    ----------
    modalities : sequence of str
        Modalities used, e.g. ``["image", "audio"]``.
    features : dict of str -> str, optional
        Feature kind per modality (defaults: the dataset's recommendation, else
        pixels / frames / char).
    fusion : str
        One of `mmdemo.fusion.FUSIONS`; ignored for a single modality.
    classifier : str
        One of `mmdemo.classifiers.CLASSIFIERS`.
    random_state : int

    Attributes
    ----------
    class_names_, sample_rate_, featurizers_, blocks_, estimator_, unimodal_, fit_seconds_
    missing_ : dict of str -> fitted estimator
        Strategy name -> its fitted piece (empty when fitted with ``fit_missing=False``).

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> ds = make_xor_shapes(200)
    >>> model = MultimodalModel(["image", "audio"], fusion="tensor").fit(ds)
    >>> model.predict_sample(image=ds.data["image"][0], audio=(ds.data["audio"][0], ds.sample_rate))["label"] in ds.class_names
    True
    >>> model.predict_sample(image=ds.data["image"][0], missing="fallback")["missing_strategy"]
    'fallback: image model'
    """

    def __init__(
        self,
        modalities: Sequence[str],
        *,
        features: Mapping[str, str] | None = None,
        fusion: str = "early",
        classifier: str = "logreg",
        random_state: int = 0,
    ) -> None:
        self.modalities = modalities
        self.features = features
        self.fusion = fusion
        self.classifier = classifier
        self.random_state = random_state

    # ----------------------------------------------------------------- fitting
    def _resolve_features(self, dataset: MultimodalDataset) -> dict[str, str]:
        asked = self.features or {}
        return {m: asked.get(m) or dataset.features.get(m) or DEFAULT_FEATURES[m] for m in self.modalities}

    @property
    def fusion_(self) -> str:
        """The fusion method in use: ``fusion``, or ``"single"`` for one modality (nothing to fuse)."""
        return self.fusion if len(self.modalities) > 1 else "single"

    def fit(
        self, dataset: MultimodalDataset, indices: Sequence[int] | np.ndarray | None = None, **options: Any
    ) -> MultimodalModel:
        """Fit on ``dataset`` (only the rows ``indices``, all rows when None); ``options`` as in `fit_matrix`."""
        self.fit_matrix(dataset, indices, **options)
        return self

    def fit_matrix(
        self,
        dataset: MultimodalDataset,
        indices: Sequence[int] | np.ndarray | None = None,
        *,
        feature_cache: FeatureCache | None = None,
        fit_unimodal: bool = True,
        fit_missing: bool = True,
    ) -> np.ndarray:
        """Fit like `fit` and return the feature matrix of every row of ``dataset``.

        The same as `fit_features` then `fit_from_features` on the rows
        ``indices``. The matrix lets an evaluation score the held-out rows
        without extracting their features again; the model does not keep it.
        ``fit_unimodal`` fits one classifier per modality (each modality's own
        evidence); ``fit_missing`` fits what the missing-modality strategies
        other than "fusion default" need (the fallback models of each subset of
        two modalities or more, reusing the unimodal ones, and the imputation
        regressions). Both may be skipped when only the fused score matters.
        """
        self.check_settings(dataset)
        idx = np.arange(dataset.n_samples) if indices is None else np.asarray(indices, dtype=int)
        X = self.fit_features(dataset, idx, feature_cache=feature_cache)
        self.fit_from_features(X, dataset.y, idx, fit_unimodal=fit_unimodal, fit_missing=fit_missing)
        return X

    def check_settings(self, dataset: MultimodalDataset) -> None:
        """Refuse unknown names or modalities the dataset lacks, before any work (`ParameterError`, `DatasetError`)."""
        if not self.modalities:
            raise ParameterError("model.no_modality", "Choose at least one modality.")
        if len(self.modalities) > 1:
            FUSIONS.check(self.fusion)
        dataset.require_modalities(self.modalities)
        CLASSIFIERS.check(self.classifier)

    def fit_from_features(
        self,
        X: np.ndarray,
        y: np.ndarray,
        rows: np.ndarray,
        *,
        fit_unimodal: bool = True,
        fit_missing: bool = True,
    ) -> MultimodalModel:
        """Fit the fusion model (and, as asked, the per-modality and missing-modality ones) on ``rows`` of ``X``.

        ``X`` is the matrix `fit_features` returned (the featurizers stay as
        they are), so several fusion methods can share one feature extraction.

        Examples
        --------
        >>> from mmdemo.datasets import make_xor_shapes
        >>> ds = make_xor_shapes(120)
        >>> model = MultimodalModel(["image", "audio"], fusion="tensor")
        >>> X = model.fit_features(ds, range(90))
        >>> model.fit_from_features(X, ds.y, np.arange(90)).proba_from_features(X[90:]).shape
        (30, 2)
        """
        # One BLAS thread: these problems are small, and on 2 cores a second
        # thread made logistic regression ~7x slower (and the server is shared).
        with threadpool_limits(limits=1, user_api="blas"):
            self._fit_models(X, y, np.asarray(rows, dtype=int), fit_unimodal, fit_missing)
        return self

    def _fit_models(self, X: np.ndarray, y: np.ndarray, idx: np.ndarray, fit_unimodal: bool, fit_missing: bool) -> None:
        start = time.perf_counter()
        self.estimator_, self.unimodal_ = None, {}
        fused_rows = idx[present_rows(X[idx])]
        clf = make_classifier(self.classifier, random_state=self.random_state)
        self.estimator_ = make_fusion_model(self.fusion, clf, self.blocks_, random_state=self.random_state)
        self.estimator_.fit(X[fused_rows], y[fused_rows])
        self.fit_seconds_ = time.perf_counter() - start
        if fit_unimodal and len(self.modalities) > 1:
            for k, (m, (a, b)) in enumerate(self.blocks_.items()):
                shared = _block_model(self.estimator_, k)
                if shared is not None:  # late fusion fitted exactly this model already
                    self.unimodal_[m] = shared
                    continue
                rows = idx[present_rows(X[idx, a:b])]
                single = make_fusion_model(
                    "single", make_classifier(self.classifier, random_state=self.random_state), {m: (0, b - a)}
                )
                self.unimodal_[m] = single.fit(X[rows, a:b], y[rows])
        self.missing_ = {}
        if fit_missing and len(self.modalities) > 1:
            self._fit_missing(X[idx], y[idx])

    def _fit_missing(self, X: np.ndarray, y: np.ndarray) -> None:
        self.missing_ = fit_missing_strategies(
            X,
            y,
            self.blocks_,
            fusion=self.fusion,
            classifier=make_classifier(self.classifier, random_state=self.random_state),
            prefitted={"+".join(self.modalities): self.estimator_, **self.unimodal_},
            random_state=self.random_state,
        )

    def add_missing_strategies(
        self,
        dataset: MultimodalDataset,
        indices: Sequence[int] | np.ndarray,
        *,
        feature_cache: FeatureCache | None = None,
    ) -> MultimodalModel:
        """Fit the missing-modality pieces later, for a model fitted with ``fit_missing=False``.

        ``dataset`` and ``indices`` must be the training data and rows of the
        model's fit; the result is the same as fitting with ``fit_missing=True``.

        Examples
        --------
        >>> from mmdemo.datasets import make_xor_shapes
        >>> ds = make_xor_shapes(120)
        >>> model = MultimodalModel(["image", "audio"]).fit(ds, fit_missing=False)
        >>> sorted(model.add_missing_strategies(ds, range(120)).missing_)
        ['fallback', 'mean', 'shared space']
        """
        idx = np.asarray(indices, dtype=int)
        if len(self.modalities) < 2:
            return self
        X = self.matrix(dataset, idx, feature_cache=feature_cache)
        with threadpool_limits(limits=1, user_api="blas"):
            self._fit_missing(X, dataset.y[idx])
        return self

    def matrix(
        self,
        dataset: MultimodalDataset,
        indices: Sequence[int] | np.ndarray,
        *,
        feature_cache: FeatureCache | None = None,
    ) -> np.ndarray:
        """Feature matrix of the rows ``indices`` of ``dataset`` with the fitted featurizers (NaN rows where missing).

        Image and audio features come from ``feature_cache`` when it holds the whole
        dataset's (as `fit_features` left them), so nothing is extracted twice.

        Examples
        --------
        >>> from mmdemo.datasets import make_xor_shapes
        >>> ds = make_xor_shapes(60)
        >>> model = MultimodalModel(["image", "audio"]).fit(ds)
        >>> model.matrix(ds, [0, 5]).shape
        (2, 282)
        """
        idx = np.asarray(indices, dtype=int)
        parts = []
        for m in self.modalities:
            cached = None if feature_cache is None else feature_cache.get(self._cache_key(m))
            if m in _STATELESS and cached is not None and len(cached) == dataset.n_samples:
                parts.append(cached[idx])
            else:
                parts.append(modality_features(self.featurizers_[m], [dataset.data[m][i] for i in idx]))
        return np.hstack(parts)

    def _cache_key(self, modality: str) -> tuple:
        """Key of a stateless modality's features in a `FeatureCache`.

        The recognizer's evidence depends on the words it listens for, so the
        class names are part of the key for the speech kinds.
        """
        kind = self.features_[modality]
        return (modality, kind, tuple(self.class_names_)) if kind in SPEECH_KINDS else (modality, kind)

    def fit_features(
        self,
        dataset: MultimodalDataset,
        train_idx: Sequence[int] | np.ndarray,
        *,
        feature_cache: FeatureCache | None = None,
    ) -> np.ndarray:
        """Fit the featurizers (text on the rows ``train_idx``) and return the feature matrix of every row.

        ``feature_cache`` holds image/audio features of the whole dataset
        between calls (they need no fitting); text features are fitted on the
        training rows only, so no test vocabulary leaks into training.
        """
        with threadpool_limits(limits=1, user_api="blas"):
            return self._featurize(dataset, np.asarray(train_idx, dtype=int), feature_cache)

    def _featurize(self, dataset: MultimodalDataset, train_idx: np.ndarray, feature_cache: FeatureCache | None):
        self.class_names_ = list(dataset.class_names)
        self.sample_rate_ = int(dataset.sample_rate)
        self.image_size_ = _image_size(dataset)
        self.features_ = self._resolve_features(dataset)
        self.featurizers_, self.blocks_ = {}, {}
        parts, col = [], 0
        for m in self.modalities:
            kind = self.features_[m]
            feat = make_features(
                m, kind, sample_rate=self.sample_rate_, image_size=self.image_size_, class_names=self.class_names_
            )
            values = dataset.data[m]
            if m in _STATELESS:
                feat.fit([])
                key = self._cache_key(m)
                if feature_cache is not None and key in feature_cache and len(feature_cache[key]) == dataset.n_samples:
                    F = feature_cache[key]
                else:
                    F = modality_features(feat, values)
                    if feature_cache is not None:
                        feature_cache[key] = F
            else:
                key = (m, kind, "fitted on", hashlib.sha1(np.asarray(train_idx, dtype=np.int64).tobytes()).hexdigest())
                if feature_cache is not None and key in feature_cache:
                    feat, F = feature_cache[key]
                else:
                    train_values = [values[i] for i in train_idx if values[i] is not None]
                    if not train_values:
                        raise InputError(
                            "model.no_training_samples",
                            "No {modality} samples in the training rows; add some or leave {modality} out.",
                            modality=modality_word(m),
                        )
                    feat.fit(train_values)
                    F = modality_features(feat, values)
                    if feature_cache is not None:
                        _remember_fitted(feature_cache, key, (feat, F))
            self.featurizers_[m] = feat
            self.blocks_[m] = (col, col + F.shape[1])
            col += F.shape[1]
            parts.append(F)
        return np.hstack(parts)

    # -------------------------------------------------------------- prediction
    def transform_raw(self, data: Mapping[str, Sequence[Any]]) -> np.ndarray:
        """Feature matrix of raw samples (``modality -> list``; a missing modality may be absent)."""
        n = len(next(iter(data.values())))
        parts = [modality_features(self.featurizers_[m], list(data.get(m, [None] * n))) for m in self.modalities]
        return np.hstack(parts)

    def predict_proba(self, data: Mapping[str, Sequence[Any]], *, missing: str = "fusion default") -> np.ndarray:
        """Fused class probabilities of raw samples; shape=(n, n_classes).

        ``missing`` names the strategy for samples that lack a modality (one
        of `mmdemo.fusion.missing.MISSING_STRATEGIES`); a sample with no
        modality at all raises `InputError`.
        """
        return self.proba_from_features(self.transform_raw(data), missing=missing)

    def proba_from_features(self, X: np.ndarray, *, missing: str = "fusion default") -> np.ndarray:
        """Fused class probabilities of a feature matrix, shape=(n, n_classes), with ``missing`` for rows
        that lack a modality (a row of NaN in its block); a row with no modality at all raises `InputError`."""
        MISSING_STRATEGIES.check(missing)
        present = present_modalities(X, self.blocks_)
        empty = np.flatnonzero(~present.any(axis=1))
        if len(empty):
            rows = ", ".join(str(i) for i in empty[:5]) + (" …" if len(empty) > 5 else "")
            raise InputError(
                "model.empty_samples",
                "Sample(s) {rows} have none of {modalities}: give at least one.",
                rows=rows,
                modalities=[modality_word(m) for m in self.modalities],
            )
        est = self.estimator_
        if missing != "fusion default" and not present.all():
            piece = self._missing_piece(missing)
            if missing == "fallback":
                est = piece
            else:
                X = piece.transform(X)
        return self._aligned(est, X)

    def modality_proba(self, modality: str, X: np.ndarray) -> np.ndarray:
        """Class probabilities of the ``modality``-alone model for rows of the full feature matrix ``X``.

        Shape=(n, n_classes), in the order of ``class_names_`` (a class the
        training rows lacked gets 0). Rows must have the modality.
        """
        a, b = self.blocks_[modality]
        return self._aligned(self.unimodal_[modality], X[:, a:b])

    def _aligned(self, est: Any, X: np.ndarray) -> np.ndarray:
        """``est``'s probabilities as columns of every class of the dataset (``est.classes_`` may lack some)."""
        out = np.zeros((len(X), len(self.class_names_)))
        out[:, est.classes_] = est.predict_proba(X)
        return out

    def _missing_piece(self, missing: str) -> Any:
        """The fitted piece behind a strategy, or a `ParameterError` saying how to get it."""
        piece = getattr(self, "missing_", {}).get(missing)
        if piece is None:
            raise ParameterError(
                "model.no_missing_strategy",
                "This model has no {strategy!r} strategy: it was trained with fit_missing=False "
                "(or by an older mmdemo). Retrain it, or use 'fusion default'.",
                strategy=missing,
            )
        return piece

    def predict(self, data: Mapping[str, Sequence[Any]], *, missing: str = "fusion default") -> np.ndarray:
        """Class index of each raw sample (``missing`` as in `predict_proba`)."""
        return np.argmax(self.predict_proba(data, missing=missing), axis=1)

    @property
    def missing_strategy(self) -> str:
        """How the fused model treats a missing modality, in words (a `Message`)."""
        est = self.estimator_
        fusion = getattr(est, "named_steps", {}).get("fusion", est)
        return getattr(fusion, "missing_strategy", None) or Message(
            "model.one_modality_strategy", "not applicable (one modality)"
        )

    def predict_sample(
        self,
        *,
        image: np.ndarray | None = None,
        audio: tuple[np.ndarray, int] | None = None,
        text: str | None = None,
        missing: str = "fusion default",
    ) -> dict[str, Any]:
        """Predict one sample from whatever modalities are given.

        ``audio`` is ``(samples, sample_rate)`` at any rate and channel count.
        ``missing`` is the strategy for the modalities not given (see `predict_proba`).

        Returns
        -------
        dict with ``label``, ``probabilities`` (class name -> p), ``per_modality``
        (modality -> class name -> p, for the modalities given), ``used`` (the
        modalities used), ``ignored`` and ``missing_strategy``: the strategy
        name and what it did, e.g. ``"fallback: image+text model"`` or
        ``"fusion default: mean imputation"``.
        """
        given = {"image": image, "audio": audio, "text": text}
        out = self.predict_prepared(self.prepare_inputs(image=image, audio=audio, text=text), missing=missing)
        out["ignored"] = [m for m, v in given.items() if v is not None and m not in self.modalities]
        return out

    def prepared_features(self, values: Mapping[str, Any]) -> np.ndarray:
        """The feature row of inputs `prepare_inputs` made, shape=(1, n_features) (NaN blocks where not given)."""
        return self.transform_raw({m: [values.get(m)] for m in self.modalities})

    def predict_prepared(
        self, values: Mapping[str, Any], *, missing: str = "fusion default", features: np.ndarray | None = None
    ) -> dict[str, Any]:
        """`predict_sample` of inputs `prepare_inputs` made (a page that shows them prepares them once).

        ``features``: their `prepared_features`, when the caller has them already (a page
        that also explains the answer extracts them once). Returns the keys of
        `predict_sample` but ``ignored``.
        """
        if not values:
            raise InputError(
                "model.no_input",
                "Give at least one of: {modalities} (this model uses only those).",
                modalities=[modality_word(m) for m in self.modalities],
            )
        X = self.prepared_features(values) if features is None else features
        proba = self.proba_from_features(X, missing=missing)[0]
        per_modality = {
            m: dict(zip(self.class_names_, self.modality_proba(m, X)[0].round(6).tolist()))
            for m in self.unimodal_
            if m in values
        }
        return {
            "label": self.class_names_[int(np.argmax(proba))],
            "probabilities": dict(zip(self.class_names_, proba.round(6).tolist())),
            "per_modality": per_modality,
            "used": list(values),
            "missing_strategy": self._describe_missing(missing, list(values)),
        }

    def _describe_missing(self, missing: str, present: list[str]) -> str:
        """``"<strategy>: <what it did>"`` for a sample with the modalities ``present``."""
        if len(present) == len(self.modalities):
            return Message("model.all_given", "none (all modalities given)")
        did = self.missing_strategy if missing == "fusion default" else self._missing_piece(missing).describe(present)
        return Message("model.strategy_did", "{strategy}: {what}", strategy=missing, what=did)

    # ------------------------------------------------------------- persistence
    def save(self, path: str | Path) -> Path:
        """Write the fitted model as a skops file (no pickle)."""
        path = Path(path)
        path.write_bytes(self.to_bytes())
        return path

    def to_bytes(self) -> bytes:
        """The skops file as bytes (for a download button), stamped with the mmdemo version that wrote it."""
        import skops.io as sio

        return sio.dumps({**self.__dict__, _VERSION_KEY: __version__})

    def prepare_inputs(
        self, *, image: np.ndarray | None = None, audio: tuple[np.ndarray, int] | None = None, text: str | None = None
    ) -> dict[str, Any]:
        """The given inputs this model uses, as raw samples of its dataset's form.

        Audio ``(samples, rate)`` is resampled, mixed down, trimmed and
        normalised (`prepare_audio`); text is checked (`check_text`); an image
        is kept as it is (its features prepare it). Unused modalities are left out.
        """
        given = {"image": image, "audio": audio, "text": text}
        out: dict[str, Any] = {}
        for m in self.modalities:
            v = given[m]
            if v is None:
                continue
            if m == "audio":
                v = prepare_audio(np.asarray(v[0]), sr=int(v[1]), target_sr=self.sample_rate_)
                if len(v) == 0:
                    raise InputError(
                        "model.empty_recording", "The recording is empty after trimming silence; speak a little longer."
                    )
            elif m == "text":
                v = check_text(str(v))
            out[m] = v
        return out

    def as_seen(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """What the model sees of inputs `prepare_inputs` made: the 28x28 digit form, the trimmed clip, the known n-grams."""
        out = dict(values)
        if "image" in out:
            out["image"] = self.featurizers_["image"].prepare(out["image"])
        if "text" in out:
            out["text"] = self.featurizers_["text"].known_ngrams(out["text"])
        return out

    @classmethod
    def load(cls, source: str | Path | bytes) -> MultimodalModel:
        """Read a skops model file, refusing any type outside scikit-learn, NumPy, SciPy and mmdemo."""
        import skops.io as sio

        kw = {"data": source} if isinstance(source, (bytes, bytearray)) else {"file": source}
        label = Message("model.the_model_file", "the model file") if "data" in kw else str(source)
        if "file" in kw and not Path(source).is_file():
            raise InputError(
                "model.no_such_file",
                "{label}: no such file; give the path of a .skops model saved by mmdemo.",
                label=label,
            )
        try:
            untrusted = sio.get_untrusted_types(**kw)
        except Exception as exc:  # skops raises zip/json errors of many kinds on garbage
            raise InputError(
                "model.not_skops",
                "{label}: not a skops model file mmdemo can read ({exc_type}).",
                label=label,
                exc_type=type(exc).__name__,
            ) from None
        refused = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
        if refused:
            raise InputError(
                "model.untrusted_types",
                "{label}: refused, it contains types outside scikit-learn/NumPy/mmdemo: {types}.",
                label=label,
                types=refused[:3],
            )
        try:
            state = sio.loads(source, trusted=untrusted) if "data" in kw else sio.load(source, trusted=untrusted)
        except Exception as exc:
            raise InputError(
                "model.damaged",
                "{label}: the model file is damaged ({exc_type}).",
                label=label,
                exc_type=type(exc).__name__,
            ) from None
        if not isinstance(state, dict) or "estimator_" not in state:
            raise InputError("model.not_mmdemo", "{label}: this skops file does not hold an mmdemo model.", label=label)
        saved_by = state.pop(_VERSION_KEY, None)
        if saved_by != __version__:
            warnings.warn(
                Message(
                    "model.other_version",
                    "{label} was saved by mmdemo {saved_by}, this is {version}: its answers may differ "
                    "(features change between versions); retrain it to be sure.",
                    label=label,
                    saved_by=saved_by or Message("model.older_version", "older than 0.2.0"),
                    version=__version__,
                ),
                ModelVersionWarning,
                stacklevel=2,
            )
        model = cls.__new__(cls)
        model.__dict__.update(state)
        return model
