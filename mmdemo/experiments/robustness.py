"""Robustness: how the accuracy of each fusion method falls as a modality is corrupted or goes missing.

Two questions, two tools:

- `RobustnessLab` trains each method once on clean training rows and scores
  it on held-out rows corrupted at test time (the sliders of the Robustness
  lab page; each setting costs one feature extraction of the held-out rows).
- `robustness_curves` draws accuracy against the corruption level of one
  modality (or of all), at test time, training time or both; the last two
  retrain every method at every level.

Each curve is summarised by `normalised_auc`, the area under accuracy versus
level divided by the width of the level range (1.0 = perfect at every level).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial

import numpy as np

from mmdemo.corrupt import DEFAULT_KIND, corrupt_dataset
from mmdemo.datasets.base import MultimodalDataset
from mmdemo.errors import Message, ParameterError, modality_word
from mmdemo.features import SPEECH_KINDS
from mmdemo.fusion import FUSIONS, present_rows
from mmdemo.model import FeatureCache, MultimodalModel, modality_features
from mmdemo.registry import Registry
from mmdemo.splits import split_indices

__all__ = [
    "LEVELS",
    "DEFAULT_FUSIONS",
    "WHERE",
    "alone",
    "RobustnessCurves",
    "RobustnessLab",
    "corruption_spec",
    "curve_levels",
    "normalised_auc",
    "robustness_curves",
]

#: Corruption levels of a curve.
LEVELS: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
#: The methods compared unless told otherwise: one of each family.
DEFAULT_FUSIONS: tuple[str, ...] = ("early", "late", "tensor")
#: Where the corruption is applied -> what it means, in words.
WHERE = Registry("names.where", Message("registry.what.where", "place to corrupt"))
WHERE.add("test", "test time only (models trained on clean data)")
WHERE.add("both", "training and test time (models retrained on corrupted data)")
WHERE.add("train", "training time only (clean held-out data)")

Progress = Callable[[int, int, str], None]


def normalised_auc(levels: Sequence[float], accuracy: Sequence[float]) -> float:
    """Area under accuracy versus corruption level, divided by the level range (trapezoid rule).

    1.0 means perfect accuracy at every level; a method at chance everywhere
    scores the chance rate.

    Examples
    --------
    >>> normalised_auc([0, 0.5, 1], [1.0, 1.0, 0.5])
    0.875
    """
    x, a = np.asarray(levels, dtype=float), np.asarray(accuracy, dtype=float)
    if len(x) < 2 or x[-1] <= x[0]:
        raise ParameterError("robustness.too_few_levels", "A curve needs at least two increasing corruption levels.")
    return float(np.sum((a[1:] + a[:-1]) / 2 * np.diff(x)) / (x[-1] - x[0]))


def corruption_spec(
    modalities: Sequence[str], level: float | Mapping[str, float], kinds: Mapping[str, str] | None = None
) -> dict[str, float]:
    """The `corrupt_dataset` levels that corrupt each of ``modalities`` at ``level`` (one, or one per modality)
    with its kind.

    Examples
    --------
    >>> corruption_spec(["image", "audio"], 0.5, {"image": "blur"})
    {'image:blur': 0.5, 'audio:noise': 0.5}
    >>> corruption_spec(["image", "audio"], {"image": 0.2, "audio": 0.6})
    {'image:mix': 0.2, 'audio:noise': 0.6}
    """
    kinds = kinds or {}
    levels = level if isinstance(level, Mapping) else dict.fromkeys(modalities, level)
    return {f"{m}:{kinds.get(m) or DEFAULT_KIND[m]}": float(levels[m]) for m in modalities}


def alone(modality: str) -> str:
    """The name of a modality's own model in the lab's scores and curves ("image alone")."""
    return f"{modality} alone"


@dataclass
class RobustnessCurves:
    """Held-out accuracy of each method at each corruption level, on one seeded split.

    ``fused`` maps a fusion method to its accuracies, ``single`` a modality to
    the accuracy of its own model (trained on the same rows); a sample whose
    modalities are all missing is answered with the majority training class,
    as a model with no input would. ``chance`` is the majority-class rate of
    the held-out rows.
    """

    dataset: str
    corrupted: str
    kinds: dict[str, str]
    where: str
    levels: list[float]
    fused: dict[str, list[float]]
    single: dict[str, list[float]]
    classifier: str
    seed: int
    test_size: float
    n_train: int
    n_test: int
    chance: float
    corruption: list[dict[str, float]] = field(default_factory=list)

    @property
    def curves(self) -> dict[str, list[float]]:
        """Every curve by name: fused methods first, then "<modality> alone"."""
        return {**self.fused, **{alone(m): a for m, a in self.single.items()}}

    def lines(self) -> list[tuple[str, str | None, list[float]]]:
        """``(name, modality, accuracies)`` per curve, as in `curves`; ``modality`` is None for a fusion method."""
        return [(f, None, a) for f, a in self.fused.items()] + [(alone(m), m, a) for m, a in self.single.items()]

    def auc(self) -> dict[str, float]:
        """Normalised area under each curve (see `normalised_auc`), by name as in `curves`."""
        return {name: round(normalised_auc(self.levels, acc), 4) for name, acc in self.curves.items()}

    def summary(self) -> list[dict]:
        """One row per curve: method, accuracy when clean, at the highest level, and the normalised AUC."""
        auc = self.auc()
        return [
            {"method": name, "modality": m, "clean": acc[0], "worst level": acc[-1], "auc": auc[name]}
            for name, m, acc in self.lines()
        ]

    def to_dict(self) -> dict:
        """JSON-ready dict, with the AUC of each curve."""
        return asdict(self) | {"auc": self.auc()}


#: What the lab hears audio through instead of a dataset's recommended speech kind: corrupted audio is
#: new audio at every level, and decoding it with the recognizer costs ~8 ms a clip each time.
LAB_AUDIO_FEATURES = "frames"


class RobustnessLab:
    """Fusion methods trained once on clean data, scored under test-time corruption of the held-out rows.

    Each fusion method, and one model per modality, is fitted on the training
    rows of a seeded stratified split. `score` corrupts the held-out rows
    (deterministically with ``seed``), extracts features of the corrupted
    modalities only, and scores every model; results are kept, so moving a
    slider back costs nothing.

    Parameters
    ----------
    dataset : MultimodalDataset
    modalities : sequence of str, optional
        Default: every modality of the dataset (at least two).
    fusions : sequence of str
        Fusion methods, from `mmdemo.fusion.FUSIONS`.
    classifier, features, test_size, seed
        As in `mmdemo.experiments.evaluate.train_and_evaluate`, except that audio defaults to the
        MFCC ``"frames"`` (`LAB_AUDIO_FEATURES`): every corruption level is new audio, and the
        speech recognizer's evidence would decode every held-out clip again at each one.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> lab = RobustnessLab(make_xor_shapes(200), fusions=["tensor"]).fit()
    >>> clean, noisy = lab.score({})["tensor"], lab.score({"image:missing": 1.0})["tensor"]
    >>> clean > 0.8 and noisy < 0.7
    True
    """

    def __init__(
        self,
        dataset: MultimodalDataset,
        *,
        modalities: Sequence[str] | None = None,
        fusions: Sequence[str] = DEFAULT_FUSIONS,
        classifier: str = "logreg",
        features: Mapping[str, str] | None = None,
        test_size: float = 0.25,
        seed: int = 0,
    ) -> None:
        self.dataset = dataset
        self.modalities = list(modalities or dataset.modalities)
        self.fusions = list(fusions)
        self.classifier = classifier
        self.features = dict(features or {})
        self.test_size = test_size
        self.seed = seed

    def _features(self) -> dict[str, str]:
        """The kinds given; a dataset's recommended speech kind becomes `LAB_AUDIO_FEATURES`."""
        recommended = {m: LAB_AUDIO_FEATURES if k in SPEECH_KINDS else k for m, k in self.dataset.features.items()}
        return recommended | self.features

    def fit(self, *, feature_cache: FeatureCache | None = None, progress: Progress | None = None) -> RobustnessLab:
        """Split, then fit every fusion method and the per-modality models on the clean training rows."""
        if len(self.modalities) < 2:
            raise ParameterError("robustness.one_modality", "Robustness of fusion needs at least two modalities.")
        if not self.fusions:
            raise ParameterError(
                "robustness.no_fusion", "Choose fusion methods among {accepted}; got none.", accepted=list(FUSIONS)
            )
        for fusion in self.fusions:
            FUSIONS.check(fusion)
        ds = self.dataset
        self.train_, self.test_ = split_indices(
            ds.y, test_size=self.test_size, seed=self.seed, class_names=ds.class_names
        )
        self.models_: dict[str, MultimodalModel] = {}
        for k, fusion in enumerate(self.fusions):
            model = MultimodalModel(
                self.modalities,
                features=self._features(),
                fusion=fusion,
                classifier=self.classifier,
                random_state=self.seed,
            )
            X = model.fit_matrix(ds, self.train_, feature_cache=feature_cache, fit_unimodal=k == 0, fit_missing=False)
            self.models_[fusion] = model
            if progress is not None:
                progress(k + 1, len(self.fusions), f"{fusion} trained")
        first = self.models_[self.fusions[0]]
        self.unimodal_ = first.unimodal_
        self.blocks_ = dict(first.blocks_)
        self.y_test_ = ds.y[self.test_]
        self.prior_ = int(np.argmax(np.bincount(ds.y[self.train_], minlength=len(ds.class_names))))
        self.chance_ = float(np.mean(self.y_test_ == np.bincount(self.y_test_).argmax()))
        self._matrices: dict[tuple, np.ndarray] = {(): X[self.test_]}
        self._scores: dict[tuple, dict[str, float]] = {}
        return self

    @staticmethod
    def _key(corruption: Mapping[str, float]) -> tuple:
        return tuple(sorted((k, round(float(v), 6)) for k, v in corruption.items() if float(v) > 0))

    def corrupted_test(self, corruption: Mapping[str, float]) -> MultimodalDataset:
        """The held-out samples after ``corruption`` (`corrupt_dataset` levels), as the models see them."""
        return corrupt_dataset(self.dataset.subset(self.test_), dict(corruption), seed=self.seed)

    def _test_matrix(self, corruption: Mapping[str, float]) -> np.ndarray:
        key = self._key(corruption)
        if key not in self._matrices:
            clean = self._matrices[()]
            X = clean.copy()
            corrupted = self.corrupted_test(dict(key))
            featurizers = self.models_[self.fusions[0]].featurizers_
            for m in {k.partition(":")[0] for k, _ in key}:
                a, b = self.blocks_[m]
                X[:, a:b] = modality_features(featurizers[m], corrupted.data[m])
            if len(self._matrices) > 64:  # a long slider session: forget the oldest settings
                self._matrices.pop(next(k for k in list(self._matrices) if k), None)
            self._matrices[key] = X
        return self._matrices[key]

    def _accuracy(
        self, proba: Callable[[np.ndarray], np.ndarray], X: np.ndarray, have: np.ndarray | None = None
    ) -> float:
        """Accuracy of ``proba`` on the rows ``have`` (default: those with any modality); the others get the prior."""
        pred = np.full(len(X), self.prior_)
        have = present_rows(X) if have is None else have
        if have.any():
            pred[have] = np.argmax(proba(X[have]), axis=1)
        return float(np.mean(pred == self.y_test_))

    def score(self, corruption: Mapping[str, float]) -> dict[str, float]:
        """Held-out accuracy of each fusion method, then of each "<modality> alone", under ``corruption``."""
        key = self._key(corruption)
        if key not in self._scores:
            X = self._test_matrix(corruption)
            out = {f: self._accuracy(model.proba_from_features, X) for f, model in self.models_.items()}
            first = self.models_[self.fusions[0]]
            for m in self.unimodal_:
                a, b = self.blocks_[m]
                out[alone(m)] = self._accuracy(partial(first.modality_proba, m), X, have=present_rows(X[:, a:b]))
            self._scores[key] = {k: round(v, 4) for k, v in out.items()}
        return dict(self._scores[key])

    @property
    def feature_dims(self) -> dict[str, int]:
        """Feature width of each modality."""
        return {m: b - a for m, (a, b) in self.blocks_.items()}

    def rows(self, corruption: Mapping[str, float]) -> list[dict]:
        """One row per model, each modality alone first: ``name``, ``modality`` (None for a fusion method),
        ``kind`` ("single" or "fusion"), ``accuracy`` under ``corruption`` and ``clean`` accuracy."""
        now, clean = self.score(corruption), self.score({})
        models = [(alone(m), m, "single") for m in self.modalities] + [(f, None, "fusion") for f in self.fusions]
        return [
            {"name": name, "modality": m, "kind": kind, "accuracy": now[name], "clean": clean[name]}
            for name, m, kind in models
        ]

    def curve(
        self,
        corrupted: str,
        *,
        kinds: Mapping[str, str] | None = None,
        levels: Sequence[float] = LEVELS,
        progress: Progress | None = None,
    ) -> RobustnessCurves:
        """Accuracy of every model as ``corrupted`` (a modality, or ``"all"``) is corrupted at test time."""
        mods = _corrupted_modalities(corrupted, self.modalities)
        rows = []
        for k, level in enumerate(levels):
            rows.append(self.score(corruption_spec(mods, level, kinds)))
            if progress is not None:
                progress(k + 1, len(levels), f"level {level:g} scored")
        return self._curves(corrupted, mods, kinds, "test", levels, rows)

    def _curves(self, corrupted, mods, kinds, where, levels, rows) -> RobustnessCurves:
        return RobustnessCurves(
            dataset=self.dataset.name,
            corrupted=corrupted,
            kinds={m: (kinds or {}).get(m) or DEFAULT_KIND[m] for m in mods},
            where=where,
            levels=[float(v) for v in levels],
            fused={f: [r[f] for r in rows] for f in self.fusions},
            single={m: [r[alone(m)] for r in rows] for m in self.unimodal_},
            classifier=self.classifier,
            seed=self.seed,
            test_size=self.test_size,
            n_train=int(len(self.train_)),
            n_test=int(len(self.test_)),
            chance=round(self.chance_, 4),
            corruption=[corruption_spec(mods, level, kinds) for level in levels],
        )


def curve_levels(kinds: Mapping[str, str], where: str) -> tuple[float, ...]:
    """`LEVELS`, except that training data keeps 10% of a modality made "missing" (0.9 instead of 1).

    A model cannot learn a modality from training rows that all lack it.

    Examples
    --------
    >>> curve_levels({"audio": "missing"}, "both")[-1], curve_levels({"audio": "missing"}, "test")[-1]
    (0.9, 1.0)
    """
    if where != "test" and "missing" in kinds.values():
        return tuple(min(v, 0.9) for v in LEVELS)
    return LEVELS


def _corrupted_modalities(corrupted: str, modalities: Sequence[str]) -> list[str]:
    if corrupted == "all":
        return list(modalities)
    if corrupted not in modalities:
        raise ParameterError(
            "robustness.cannot_corrupt",
            "Cannot corrupt {modality!r}: choose one of {modalities} or 'all'.",
            modality=corrupted,
            modalities=[modality_word(m) for m in modalities],
        )
    return [corrupted]


def robustness_curves(
    dataset: MultimodalDataset,
    corrupted: str,
    *,
    kinds: Mapping[str, str] | None = None,
    levels: Sequence[float] = LEVELS,
    where: str = "test",
    modalities: Sequence[str] | None = None,
    fusions: Sequence[str] = DEFAULT_FUSIONS,
    classifier: str = "logreg",
    features: Mapping[str, str] | None = None,
    test_size: float = 0.25,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
    progress: Progress | None = None,
) -> RobustnessCurves:
    """Accuracy of each fusion method and each single modality as ``corrupted`` degrades.

    ``where="test"`` trains once on clean data and corrupts the held-out rows;
    ``"both"`` corrupts every row and retrains at each level; ``"train"``
    corrupts the training rows only and scores on clean held-out rows. The
    split is the same at every level. ``feature_cache`` serves the clean data.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> c = robustness_curves(make_xor_shapes(200), "audio", levels=[0, 1], fusions=["tensor"])
    >>> c.fused["tensor"][0] > c.fused["tensor"][1]
    True
    """
    WHERE.check(where)
    modalities = list(modalities or dataset.modalities)
    mods = _corrupted_modalities(corrupted, modalities)
    if (
        where != "test"
        and max(levels) >= 1
        and any(corruption_spec([m], 1, kinds).popitem()[0].endswith(":missing") for m in mods)
    ):
        raise ParameterError(
            "robustness.all_missing_in_training",
            "With every training sample missing a modality there is nothing to learn it from: "
            "keep 'missing' at training time below level 1 (e.g. up to 0.9).",
        )
    options = dict(
        modalities=modalities, fusions=fusions, classifier=classifier, features=features, test_size=test_size, seed=seed
    )
    if where == "test":
        lab = RobustnessLab(dataset, **options).fit(feature_cache=feature_cache)
        return lab.curve(corrupted, kinds=kinds, levels=levels, progress=progress)
    train, _ = split_indices(dataset.y, test_size=test_size, seed=seed, class_names=dataset.class_names)
    rows, lab = [], None
    for k, level in enumerate(levels):
        spec = corruption_spec(mods, level, kinds)
        data = corrupt_dataset(dataset, spec, seed=seed, rows=train if where == "train" else None)
        cache = feature_cache if level == 0 else {}
        lab = RobustnessLab(data, **options).fit(feature_cache=cache)
        rows.append(lab.score({}))
        if progress is not None:
            progress(k + 1, len(levels), f"level {level:g} trained and scored")
    lab.dataset = dataset
    return lab._curves(corrupted, mods, kinds, where, levels, rows)
