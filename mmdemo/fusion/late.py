"""Late (decision) fusion: one classifier per modality, their probabilities combined."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from mmdemo.errors import Message
from mmdemo.fusion._blocks import Blocks, present_rows, resolve_blocks
from mmdemo.fusion.scaling import BlockScaler

__all__ = ["LateFusionClassifier"]


class LateFusionClassifier(ClassifierMixin, BaseEstimator):
    """Decision fusion: a classifier per modality, combined at the level of class probabilities.

    "Late" here means combining *decisions* (probabilities), not features:

    - ``rule="mean"``: weighted mean of the probabilities, p = Σ w_m p_m / Σ w_m.
    - ``rule="product"``: product of experts, p ∝ Π p_m^w_m (a confident "no"
      from one modality vetoes a class).
    - ``rule="stacking"``: a logistic regression learns how to combine the
      modalities' out-of-fold probabilities.

    A sample with a modality missing (a row of NaN in that block) is decided by
    the modalities it has (strategy ``"present modalities only"``).

    Parameters
    ----------
    blocks : dict of str -> (start, stop), default=None
        Columns of each modality; ``None`` treats ``X`` as one block.
    estimator : classifier with predict_proba, default=None
        Cloned for each block (after standardisation); ``None`` means logistic regression.
    rule : {"mean", "product", "stacking"}, default="mean"
    weights : dict of str -> float, default=None
        Weight of each modality for "mean" and "product" (1 when not given).
    cv : int, default=3
        Folds used to make the stacking meta-classifier's training inputs
        (3: on av-digits' 3,750 training rows 5 folds cost 1.7x the time for the same accuracy).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    blocks_ : list of (name, start, stop)
    estimators_ : list of fitted per-block pipelines (None for a block with no data)
    meta_ : LogisticRegression or None
    prior_ : ndarray of shape (n_classes,)
        Class frequencies, used for a modality a sample lacks in stacking.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 20); X = rng.normal(size=(40, 4)) + y[:, None]
    >>> clf = LateFusionClassifier(blocks={"a": (0, 2), "b": (2, 4)}).fit(X, y)
    >>> clf.predict_proba(X).shape
    (40, 2)
    """

    missing_strategy = Message("fusion.present_only", "present modalities only")
    _parameter_constraints = {
        "blocks": [dict, None],
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "rule": [StrOptions({"mean", "product", "stacking"})],
        "weights": [dict, None],
        "cv": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(
        self,
        blocks: Blocks | None = None,
        estimator=None,
        rule: str = "mean",
        weights: Mapping[str, float] | None = None,
        cv: int = 3,
    ) -> None:
        self.blocks = blocks
        self.estimator = estimator
        self.rule = rule
        self.weights = weights
        self.cv = cv

    def _base(self):
        est = self.estimator if self.estimator is not None else LogisticRegression(max_iter=2000)
        return make_pipeline(BlockScaler(), clone(est))

    def fit(self, X, y) -> LateFusionClassifier:
        """Fit one classifier per block on the rows where that block is present."""
        self._validate_params()
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        check_classification_targets(y)
        self._encoder = LabelEncoder().fit(y)
        self.classes_ = self._encoder.classes_
        yi = self._encoder.transform(y)
        self.prior_ = np.bincount(yi, minlength=len(self.classes_)) / len(yi)
        self.blocks_ = resolve_blocks(self.blocks, X.shape[1])
        self.estimators_ = []
        for _, start, stop in self.blocks_:
            rows = present_rows(X[:, start:stop])
            if len(np.unique(yi[rows])) < 2:
                self.estimators_.append(None)
                continue
            self.estimators_.append(self._base().fit(np.nan_to_num(X[rows, start:stop]), yi[rows]))
        self.meta_ = None
        if self.rule == "stacking":
            self.meta_ = LogisticRegression(max_iter=2000).fit(self._oof_inputs(X, yi), yi)
        return self

    def _oof_inputs(self, X: np.ndarray, yi: np.ndarray) -> np.ndarray:
        """Out-of-fold log-probabilities of every block: the stacker's training input."""
        n_splits = int(min(self.cv, np.bincount(yi).min()))
        cols = []
        for (_, start, stop), est in zip(self.blocks_, self.estimators_):
            proba = np.tile(self.prior_, (len(X), 1))
            rows = present_rows(X[:, start:stop])
            if (
                est is not None
                and n_splits >= 2
                and np.bincount(yi[rows], minlength=len(self.classes_)).min() >= n_splits
            ):
                cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
                part = cross_val_predict(
                    self._base(), np.nan_to_num(X[rows, start:stop]), yi[rows], cv=cv, method="predict_proba"
                )
                proba[rows] = self._align(part, est)
            elif est is not None:
                proba[rows] = self._align(est.predict_proba(np.nan_to_num(X[rows, start:stop])), est)
            cols.append(np.log(np.clip(proba, 1e-6, 1.0)))
        return np.hstack(cols)

    def _align(self, proba: np.ndarray, est) -> np.ndarray:
        """Put a block classifier's columns in the order of ``classes_`` (it may have seen fewer)."""
        out = np.zeros((len(proba), len(self.classes_)))
        out[:, est.classes_] = proba
        return out

    def predict_proba_per_block(self, X) -> dict[str, np.ndarray]:
        """Each modality's own probabilities; NaN rows where that modality is missing.

        Returns
        -------
        dict of str -> ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        out = {}
        for (name, start, stop), est in zip(self.blocks_, self.estimators_):
            proba = np.full((len(X), len(self.classes_)), np.nan)
            rows = present_rows(X[:, start:stop])
            if est is not None and rows.any():
                proba[rows] = self._align(est.predict_proba(np.nan_to_num(X[rows, start:stop])), est)
            out[name] = proba
        return out

    def predict_proba(self, X) -> np.ndarray:
        """Fused class probabilities; shape=(n_samples, n_classes)."""
        check_is_fitted(self)
        per_block = self.predict_proba_per_block(X)
        weights = dict(self.weights or {})
        names = [name for name, _, _ in self.blocks_]
        n = next(iter(per_block.values())).shape[0]
        if self.rule == "stacking":
            feats = [
                np.log(np.clip(np.where(np.isnan(per_block[m]), self.prior_, per_block[m]), 1e-6, 1.0)) for m in names
            ]
            return self.meta_.predict_proba(np.hstack(feats))
        score = np.zeros((n, len(self.classes_)))
        total = np.zeros((n, 1))
        for m in names:
            p = per_block[m]
            have = ~np.isnan(p[:, :1])
            w = float(weights.get(m, 1.0)) * have
            if self.rule == "mean":
                score += w * np.nan_to_num(p)
            else:
                score += w * np.log(np.clip(np.nan_to_num(p, nan=1.0), 1e-9, 1.0))
            total += w
        if self.rule == "mean":
            out = np.where(total > 0, score / np.maximum(total, 1e-12), self.prior_)
        else:
            score = np.where(total > 0, score, np.log(self.prior_))
            score -= score.max(axis=1, keepdims=True)
            out = np.exp(score)
        return out / out.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        """Most probable class per sample."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
