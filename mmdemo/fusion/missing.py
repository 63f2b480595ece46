"""Predicting with a modality missing: four named strategies, each a small scikit-learn piece.

A missing modality is a row of NaN in its column block (see `mmdemo.fusion`).
"fusion default" needs nothing beyond the fused model; the other three are
fitted here on the training rows:

- "mean": `BlockMeanImputer` fills the block with its training mean;
- "fallback": `SubsetFallbackClassifier` holds one model per subset of
  modalities and answers each sample with the model of exactly what it has;
- "shared space": `SharedSpaceImputer` predicts the missing block from the
  present ones through a PLS regression (a shared latent space learned on
  training rows where both sides are present).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from itertools import combinations
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from mmdemo.errors import Message, modality_word
from mmdemo.fusion import FUSIONS, EarlyFusion, make_fusion_model
from mmdemo.fusion._blocks import Blocks, present_rows, resolve_blocks
from mmdemo.registry import Registry

__all__ = [
    "MISSING_STRATEGIES",
    "BlockMeanImputer",
    "SharedSpaceImputer",
    "SubsetFallbackClassifier",
    "fit_missing_strategies",
    "present_modalities",
]

#: Strategy name -> one line a user sees (UI select box, report tables).
MISSING_STRATEGIES = Registry("names.strategy", Message("registry.what.strategy", "missing-modality strategy"))
MISSING_STRATEGIES.add(
    "fusion default",
    "what the fusion method does itself: mean imputation (early, tensor, LMF), present modalities only (late),"
    " the mean of the present modalities' points (shared-space fusion)",
)
MISSING_STRATEGIES.add(
    "mean", "fill the missing modality's features with their training mean, then use the fused model"
)
MISSING_STRATEGIES.add("fallback", "use a model trained on exactly the modalities that are present")
MISSING_STRATEGIES.add(
    "shared space",
    "predict the missing features from the present ones through a PLS shared space, then use the fused model",
)


def present_modalities(X: np.ndarray, blocks: Blocks | Sequence[tuple[str, int, int]]) -> np.ndarray:
    """Which modality each row has: shape=(n_samples, n_blocks), True where the block is not all NaN.

    Examples
    --------
    >>> X = np.array([[1.0, 2.0, np.nan], [np.nan, np.nan, 3.0]])
    >>> present_modalities(X, {"a": (0, 2), "b": (2, 3)}).tolist()
    [[True, False], [False, True]]
    """
    spans = [(a, b) for _, a, b in blocks] if not isinstance(blocks, Mapping) else list(blocks.values())
    return np.column_stack([present_rows(X[:, a:b]) for a, b in spans])


def _joined(names: Sequence[str]) -> str:
    return "+".join(names)


def _said(names: Sequence[str], key: str) -> Message | str:
    """Modality names as one phrase: ``"image and text"`` (key ``"and"``) or ``"image+text"`` (``"plus"``)."""
    words = [modality_word(n) for n in names]
    out = words[0] if words else ""
    for word in words[1:]:
        if key == "and":
            out = Message("crossmodal.and", "{a} and {b}", a=out, b=word)
        else:
            out = Message("crossmodal.plus", "{a}+{b}", a=out, b=word)
    return out


def _columns(blocks_: Sequence[tuple[str, int, int]], names: Sequence[str]) -> np.ndarray:
    """Column indices of the blocks ``names``, in block order."""
    return np.concatenate([np.arange(a, b) for n, a, b in blocks_ if n in names])


def _relative_blocks(blocks_: Sequence[tuple[str, int, int]], names: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Blocks of the matrix ``X[:, _columns(blocks_, names)]``."""
    out, col = {}, 0
    for n, a, b in blocks_:
        if n in names:
            out[n] = (col, col + b - a)
            col += b - a
    return out


def _subsets(names: Sequence[str]) -> list[tuple[str, ...]]:
    """Every non-empty subset of ``names``, largest first, in block order within a size."""
    return [s for r in range(len(names), 0, -1) for s in combinations(names, r)]


def _patterns(present: np.ndarray) -> list[np.ndarray]:
    """The distinct rows of a boolean presence matrix."""
    return list(np.unique(present, axis=0)) if len(present) else []


class _BlockImputer(TransformerMixin, BaseEstimator):
    """Base: fill each missing block (row of NaN) of ``X``; subclasses say how.

    The base fills with the training mean of each column (over the rows where
    the column holds a value); `_fill_from_present` may overwrite that with
    something learnt from the present blocks.
    """

    _parameter_constraints: dict = {"blocks": [dict, None]}

    def fit(self, X, y=None) -> _BlockImputer:
        """Learn the column means (and whatever the subclass learns from present blocks)."""
        self._validate_params()
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        self.blocks_ = resolve_blocks(self.blocks, X.shape[1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column has no mean: 0
            self.mean_ = np.nan_to_num(np.nanmean(X, axis=0))
        self._fit_from_present(np.where(np.isnan(X), self.mean_, X), present_modalities(X, self.blocks_))
        return self

    def _fit_from_present(self, X: np.ndarray, present: np.ndarray) -> None:
        """Hook: learn from the mean-filled ``X`` and its presence matrix."""

    def transform(self, X) -> np.ndarray:
        """``X`` with every NaN filled; shape=(n_samples, n_features)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        present = present_modalities(X, self.blocks_)
        out = np.where(np.isnan(X), self.mean_, X)
        self._fill_from_present(out, present)
        return out

    def _fill_from_present(self, X: np.ndarray, present: np.ndarray) -> None:
        """Hook: overwrite missing blocks of the mean-filled ``X`` in place."""

    def describe(self, present: Sequence[str]) -> str:
        """What this imputer does for a sample that has only the modalities ``present`` (a `Message`)."""
        missing = [n for n, _, _ in self.blocks_ if n not in present]
        return Message(
            "crossmodal.filled_with_mean", "{missing} filled with the training mean", missing=_said(missing, "and")
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class BlockMeanImputer(_BlockImputer):
    """Fill a missing modality's features with their training mean (strategy ``"mean"``).

    For early and tensor fusion this is what the fusion already does; for late
    fusion it differs: the missing modality's classifier then votes on the
    average sample instead of abstaining.

    Parameters
    ----------
    blocks : dict of str -> (start, stop), default=None
        Columns of each modality in ``X``; ``None`` treats ``X`` as one block.

    Attributes
    ----------
    blocks_ : list of (name, start, stop)
    mean_ : ndarray, shape=(n_features,)

    See Also
    --------
    SharedSpaceImputer : predicts the missing block from the present ones instead.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, np.nan]])
    >>> BlockMeanImputer(blocks={"a": (0, 1), "b": (1, 2)}).fit(X).transform(X)[2].tolist()
    [4.0, 2.0]
    """

    def __init__(self, blocks: Blocks | None = None) -> None:
        self.blocks = blocks


class SharedSpaceImputer(_BlockImputer):
    """Predict a missing modality from the present ones through a PLS shared space (strategy ``"shared space"``).

    For every non-empty set S of modalities and every modality t outside it, a
    partial least squares regression S -> t is fitted on the training rows that
    hold both. S is standardised block by block (`EarlyFusion` scaling, so a
    wide block does not drown a narrow one), t is standardised column by column,
    and PLS finds ``n_components`` latent directions of S that covary most with
    t: the space the two modalities share. A missing t is then read back from
    that space. With 3 modalities this is 9 small regressions (2 with 2).
    Where no regression could be fitted (fewer than 3 paired rows), the
    training mean is used.

    Parameters
    ----------
    blocks : dict of str -> (start, stop), default=None
        Columns of each modality; ``None`` treats ``X`` as one block (nothing to impute from).
    n_components : int, default=10
        Latent components per regression (capped by the rows and the columns of S).

    Attributes
    ----------
    blocks_ : list of (name, start, stop)
    mean_ : ndarray, shape=(n_features,)
    regressions_ : dict of str -> TransformedTargetRegressor
        ``"image+audio -> text"`` -> fitted regression of text on image and audio.

    See Also
    --------
    sklearn.cross_decomposition.PLSRegression
    BlockMeanImputer : the same interface, filling with the mean.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(100, 3)); X = np.hstack([a, a @ rng.normal(size=(3, 2))])
    >>> imp = SharedSpaceImputer(blocks={"a": (0, 3), "b": (3, 5)}, n_components=3).fit(X)
    >>> Xm = X.copy(); Xm[:, 3:] = np.nan
    >>> bool(np.allclose(imp.transform(Xm), X, atol=1e-6))
    True
    """

    _parameter_constraints = {
        **_BlockImputer._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, blocks: Blocks | None = None, n_components: int = 10) -> None:
        self.blocks = blocks
        self.n_components = n_components

    def _fit_from_present(self, X: np.ndarray, present: np.ndarray) -> None:
        names = [n for n, _, _ in self.blocks_]
        self.regressions_ = {}
        for sources in _subsets(names)[1:]:  # every proper subset (the first one is all of them)
            src = [names.index(s) for s in sources]
            cols = _columns(self.blocks_, sources)
            for t, (target, a, b) in enumerate(self.blocks_):
                if target in sources:
                    continue
                rows = present[:, src].all(axis=1) & present[:, t]
                if rows.sum() < 3:
                    continue
                k = int(min(self.n_components, rows.sum() - 1, len(cols)))
                reg = TransformedTargetRegressor(
                    regressor=make_pipeline(
                        EarlyFusion(blocks=_relative_blocks(self.blocks_, sources)),
                        PLSRegression(n_components=k, scale=False),
                    ),
                    transformer=StandardScaler(),
                )
                with warnings.catch_warnings():
                    # PLS warns when t is explained before k components: harmless, the rest are zero.
                    warnings.simplefilter("ignore", UserWarning)
                    reg.fit(X[rows][:, cols], X[rows, a:b])
                self.regressions_[f"{_joined(sources)} -> {target}"] = reg

    def _fill_from_present(self, X: np.ndarray, present: np.ndarray) -> None:
        names = [n for n, _, _ in self.blocks_]
        for pattern in _patterns(present):
            sources = tuple(n for n, p in zip(names, pattern) if p)
            if not sources:
                continue
            rows = (present == pattern).all(axis=1)
            cols = _columns(self.blocks_, sources)
            for target, a, b in self.blocks_:
                reg = self.regressions_.get(f"{_joined(sources)} -> {target}")
                if target not in sources and reg is not None:
                    X[rows, a:b] = reg.predict(X[rows][:, cols]).reshape(rows.sum(), b - a)

    def describe(self, present: Sequence[str]) -> str:
        """What this imputer does for a sample that has only the modalities ``present`` (a `Message`)."""
        missing = [n for n, _, _ in self.blocks_ if n not in present]
        sources = [n for n, _, _ in self.blocks_ if n in present]
        done = [m for m in missing if f"{_joined(sources)} -> {m}" in self.regressions_]
        rest = [m for m in missing if m not in done]
        if done and rest:
            return Message(
                "crossmodal.predicted_and_filled",
                "{predicted} predicted from {source} through PLS; {filled} filled with the training mean (no paired rows)",
                predicted=_said(done, "and"),
                source=_said(sources, "plus"),
                filled=_said(rest, "and"),
            )
        if done:
            return Message(
                "crossmodal.predicted",
                "{predicted} predicted from {source} through PLS",
                predicted=_said(done, "and"),
                source=_said(sources, "plus"),
            )
        if rest:
            return Message(
                "crossmodal.filled_no_pairs",
                "{filled} filled with the training mean (no paired rows)",
                filled=_said(rest, "and"),
            )
        return ""


class SubsetFallbackClassifier(ClassifierMixin, BaseEstimator):
    """One model per subset of modalities; a sample is answered by the model of what it has (strategy ``"fallback"``).

    For every non-empty subset S of the blocks, a model of the chosen fusion
    method (a plain standardised classifier for a single block) is fitted on
    the rows where every block of S is present, using only S's columns. A
    sample with image and text but no audio is then predicted by the
    image+text model. A subset with no model (no training rows of two classes)
    falls back to the largest subset inside it that has one, else to the class
    frequencies.

    Parameters
    ----------
    blocks : dict of str -> (start, stop), default=None
        Columns of each modality; ``None`` treats ``X`` as one block.
    fusion : str, default="early"
        One of `mmdemo.fusion.FUSIONS`, used for every subset of two blocks or more.
    estimator : classifier with predict_proba, default=None
        Cloned for each subset; ``None`` means logistic regression.
    random_state : int, RandomState or None, default=0
        Passed to the fusion methods that draw random numbers (tensor sketch).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    blocks_ : list of (name, start, stop)
    estimators_ : dict of str -> fitted classifier
        ``"image+text"`` -> the model of that subset, taking its columns in block order.
    prior_ : ndarray of shape (n_classes,)

    See Also
    --------
    mmdemo.fusion.LateFusionClassifier : its "present modalities only" is a fallback without refitting.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 30); X = rng.normal(size=(60, 4)) + y[:, None]
    >>> clf = SubsetFallbackClassifier(blocks={"a": (0, 2), "b": (2, 4)}).fit(X, y)
    >>> sorted(clf.estimators_)
    ['a', 'a+b', 'b']
    >>> X[:5, 2:] = np.nan
    >>> clf.predict_proba(X[:5]).shape, clf.model_for(["a"])
    ((5, 2), 'a')
    """

    _parameter_constraints = {
        "blocks": [dict, None],
        "fusion": [StrOptions(FUSIONS.keys())],  # a live view: a fusion registered later is accepted
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "random_state": ["random_state"],
    }

    def __init__(self, blocks: Blocks | None = None, fusion: str = "early", estimator=None, random_state=0) -> None:
        self.blocks = blocks
        self.fusion = fusion
        self.estimator = estimator
        self.random_state = random_state

    def fit(self, X, y, prefitted: Mapping[str, BaseEstimator] | None = None) -> SubsetFallbackClassifier:
        """Fit a model per subset of blocks, except those given fitted in ``prefitted``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), NaN rows in a block where it is missing
        y : array-like of shape (n_samples,)
        prefitted : dict of str -> fitted classifier, optional
            Models to reuse, keyed like `estimators_` (``"image"``, ``"image+audio"``):
            each takes the columns of its subset in block order, and its
            ``classes_`` are labels of ``y``.
        """
        self._validate_params()
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        check_classification_targets(y)
        self.classes_, counts = np.unique(y, return_counts=True)
        self.prior_ = counts / counts.sum()
        self.blocks_ = resolve_blocks(self.blocks, X.shape[1])
        names = [n for n, _, _ in self.blocks_]
        present = present_modalities(X, self.blocks_)
        base = self.estimator if self.estimator is not None else LogisticRegression(max_iter=2000)
        reuse = dict(prefitted or {})
        self.estimators_ = {}
        for subset in _subsets(names):
            key = _joined(subset)
            if key in reuse:
                self.estimators_[key] = reuse[key]
                continue
            rows = present[:, [names.index(s) for s in subset]].all(axis=1)
            if len(np.unique(y[rows])) < 2:
                continue
            model = make_fusion_model(
                self.fusion, clone(base), _relative_blocks(self.blocks_, subset), random_state=self.random_state
            )
            self.estimators_[key] = model.fit(np.nan_to_num(X[rows][:, _columns(self.blocks_, subset)]), y[rows])
        return self

    def model_for(self, present: Sequence[str]) -> str | None:
        """Key of the model that answers a sample with the modalities ``present`` (None: class frequencies)."""
        check_is_fitted(self)
        have = [n for n, _, _ in self.blocks_ if n in present]
        return next((_joined(s) for s in _subsets(have) if _joined(s) in self.estimators_), None)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, each row from the model of its present blocks; shape=(n_samples, n_classes)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        present = present_modalities(X, self.blocks_)
        names = [n for n, _, _ in self.blocks_]
        out = np.tile(self.prior_, (len(X), 1))
        for pattern in _patterns(present):
            key = self.model_for([n for n, p in zip(names, pattern) if p])
            if key is None:
                continue
            rows = (present == pattern).all(axis=1)
            est = self.estimators_[key]
            proba = est.predict_proba(np.nan_to_num(X[rows][:, _columns(self.blocks_, key.split("+"))]))
            part = np.zeros((rows.sum(), len(self.classes_)))
            part[:, np.searchsorted(self.classes_, est.classes_)] = proba
            out[rows] = part
        return out

    def predict(self, X) -> np.ndarray:
        """Most probable class per sample."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def describe(self, present: Sequence[str]) -> str:
        """Which model answers a sample that has only the modalities ``present``."""
        key = self.model_for(present)
        if key is None:
            return Message("crossmodal.class_frequencies", "class frequencies (no model for these modalities)")
        return Message("crossmodal.subset_model", "{modalities} model", modalities=_said(key.split("+"), "plus"))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def fit_missing_strategies(
    X: np.ndarray,
    y: np.ndarray,
    blocks: Blocks,
    *,
    fusion: str,
    classifier: BaseEstimator,
    prefitted: Mapping[str, BaseEstimator] | None = None,
    random_state: int = 0,
) -> dict[str, BaseEstimator]:
    """The fitted pieces behind "mean", "fallback" and "shared space" ("fusion default" needs none).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training rows, NaN rows in a block where that modality is missing.
    y : ndarray of shape (n_samples,)
    blocks : dict of str -> (start, stop)
    fusion : str
        Fusion method of the fallback models (one of `mmdemo.fusion.FUSIONS`).
    classifier : classifier with predict_proba
        Unfitted; cloned for every fallback model.
    prefitted : dict of str -> fitted classifier, optional
        Fallback models already fitted (the fused model, the unimodal ones), see
        `SubsetFallbackClassifier.fit`.
    random_state : int

    Returns
    -------
    dict of str -> fitted estimator, keyed by strategy name.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 20); X = rng.normal(size=(40, 4)) + y[:, None]
    >>> sorted(fit_missing_strategies(X, y, {"a": (0, 2), "b": (2, 4)}, fusion="early", classifier=LogisticRegression()))
    ['fallback', 'mean', 'shared space']
    """
    blocks = dict(blocks)
    return {
        "mean": BlockMeanImputer(blocks=blocks).fit(X),
        "fallback": SubsetFallbackClassifier(
            blocks=blocks, fusion=fusion, estimator=classifier, random_state=random_state
        ).fit(X, y, prefitted=prefitted),
        "shared space": SharedSpaceImputer(blocks=blocks).fit(X),
    }
