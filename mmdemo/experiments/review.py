"""From a number to the samples behind it: a model's held-out predictions, per sample, with why.

`review_model` scores a fitted `MultimodalModel` on its held-out rows and
keeps, for every row, the fused probabilities, what each modality alone says
and what the fused model says with each modality hidden. A cell of the
confusion matrix (`HeldOutReview.cell`) and the most confident mistakes
(`HeldOutReview.confident_mistakes`) are lists of those rows; `explain` gives
the same "why" for one sample a user gave.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.fusion import LateFusionClassifier, present_rows
from mmdemo.fusion.missing import present_modalities
from mmdemo.model import FeatureCache, MultimodalModel
from mmdemo.splits import split_indices

__all__ = ["HeldOutReview", "Explanation", "review_model", "held_out_review", "explain"]


@dataclass
class Explanation:
    """Why the fused model answered as it did, for some samples.

    Attributes
    ----------
    proba : ndarray, shape=(n, n_classes)
        The fused probabilities.
    alone : dict of str -> ndarray, shape=(n, n_classes)
        What each modality's own model says (NaN rows where the sample lacks it).
    without : dict of str -> ndarray, shape=(n, n_classes)
        The fused probabilities with that modality hidden ("fusion default"); NaN
        rows where the sample lacks it or has nothing else.
    late_rule : str or None
        For late fusion, how the per-modality probabilities are combined
        (``"mean"``, ``"product"``, ``"stacking"``): then ``alone`` is the fusion itself.
    """

    proba: np.ndarray
    alone: dict[str, np.ndarray]
    without: dict[str, np.ndarray]
    late_rule: str | None

    def rows(self, i: int, class_names: Sequence[str]) -> list[dict]:
        """One dict per modality the sample ``i`` has: ``modality``, ``alone`` (its top class), ``alone_p``,
        and ``without`` / ``change``: the fused probability of the predicted class with it hidden, and how
        much hiding it changes that probability (None where nothing else is left)."""
        pred = int(np.argmax(self.proba[i]))
        out = []
        for m, p in self.alone.items():
            if np.isnan(p[i]).all():
                continue
            w = self.without[m][i]
            hidden = None if np.isnan(w).all() else float(w[pred])
            out.append(
                {
                    "modality": m,
                    "alone": str(class_names[int(np.argmax(p[i]))]),
                    "alone_p": float(p[i].max()),
                    "without": hidden,
                    "change": None if hidden is None else hidden - float(self.proba[i, pred]),
                }
            )
        return out


def explain(model: MultimodalModel, X: np.ndarray) -> Explanation:
    """The fused probabilities of rows of a feature matrix, each modality's own, and the fused ones with
    each modality hidden.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> ds = make_xor_shapes(120)
    >>> model = MultimodalModel(["image", "audio"], fusion="tensor").fit(ds)
    >>> why = explain(model, model.matrix(ds, [0, 1]))
    >>> why.proba.shape, sorted(why.without), why.late_rule
    ((2, 2), ['audio', 'image'], None)
    """
    proba = model.proba_from_features(X)
    present = present_modalities(X, model.blocks_)
    alone, without = {}, {}
    for k, (m, (a, b)) in enumerate(model.blocks_.items()):
        has = present[:, k]
        alone[m] = np.full_like(proba, np.nan)
        without[m] = np.full_like(proba, np.nan)
        if m in model.unimodal_ and has.any():
            alone[m][has] = model.modality_proba(m, X[has])
        elif len(model.blocks_) == 1:
            alone[m] = proba.copy()
        others = has & (present.sum(axis=1) > 1)
        if others.any():
            hidden = X[others].copy()
            hidden[:, a:b] = np.nan
            without[m][others] = model.proba_from_features(hidden)
    rule = model.estimator_.rule if isinstance(model.estimator_, LateFusionClassifier) else None
    return Explanation(proba=proba, alone=alone, without=without, late_rule=rule)


@dataclass
class HeldOutReview:
    """A fitted model's predictions on its held-out rows, with the "why" of each (see `review_model`).

    Attributes
    ----------
    rows : ndarray of int
        The dataset rows scored (held-out rows with at least one modality).
    y_true, y_pred : ndarray of int
    why : Explanation
        Of every row of ``rows``, in the same order.
    class_names : list of str
    fusion : str
    """

    rows: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    why: Explanation
    class_names: list[str]
    fusion: str

    @property
    def confidence(self) -> np.ndarray:
        """The fused probability of the predicted class, per row."""
        return self.why.proba.max(axis=1)

    def cell(self, true: int, pred: int) -> np.ndarray:
        """Positions (into ``rows``) of the samples of class ``true`` predicted as ``pred``, most confident first."""
        where = np.flatnonzero((self.y_true == true) & (self.y_pred == pred))
        return where[np.argsort(-self.confidence[where], kind="stable")]

    def confident_mistakes(self, k: int = 12) -> np.ndarray:
        """Positions of up to ``k`` wrong predictions, the most confident first."""
        wrong = np.flatnonzero(self.y_true != self.y_pred)
        return wrong[np.argsort(-self.confidence[wrong], kind="stable")][:k]

    def records(self, positions: Sequence[int], sample_ids: Sequence[str]) -> list[dict]:
        """JSON-ready samples: ``id``, ``row``, ``true``, ``predicted``, ``confidence`` and ``why``
        (the rows of `Explanation.rows`), for the positions given."""
        out = []
        for pos in positions:
            row = int(self.rows[pos])
            out.append(
                {
                    "id": str(sample_ids[row]) if len(sample_ids) else str(row),
                    "row": row,
                    "true": self.class_names[int(self.y_true[pos])],
                    "predicted": self.class_names[int(self.y_pred[pos])],
                    "confidence": round(float(self.confidence[pos]), 4),
                    "why": [
                        {k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}
                        for r in self.why.rows(int(pos), self.class_names)
                    ],
                }
            )
        return out


def review_model(
    model: MultimodalModel, X: np.ndarray, y: np.ndarray, rows: Sequence[int] | np.ndarray
) -> HeldOutReview:
    """The held-out predictions of ``model`` on ``rows`` of the feature matrix ``X`` (one row per dataset row),
    the same rows `mmdemo.experiments.evaluate.score_model` counts.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> ds = make_xor_shapes(200)
    >>> model = MultimodalModel(["image", "audio"], fusion="tensor")
    >>> X = model.fit_matrix(ds, range(150))
    >>> review = review_model(model, X, ds.y, np.arange(150, 200))
    >>> int(np.sum(review.y_true == review.y_pred)) > 40, len(review.rows)
    (True, 50)
    """
    rows = np.asarray(rows, dtype=int)
    return _review_rows(model, X[rows], np.asarray(y)[rows], rows)


def _review_rows(model: MultimodalModel, X_rows: np.ndarray, y_rows: np.ndarray, rows: np.ndarray) -> HeldOutReview:
    """`review_model` of the feature rows ``X_rows`` of the dataset rows ``rows``."""
    kept = present_rows(X_rows)
    rows, X_rows, y_rows = rows[kept], X_rows[kept], y_rows[kept]
    why = explain(model, X_rows)
    return HeldOutReview(
        rows=rows,
        y_true=y_rows,
        y_pred=np.argmax(why.proba, axis=1),
        why=why,
        class_names=list(model.class_names_),
        fusion=model.fusion_,
    )


def held_out_review(
    model: MultimodalModel,
    dataset: MultimodalDataset,
    *,
    test_size: float,
    seed: int,
    feature_cache: FeatureCache | None = None,
) -> HeldOutReview:
    """`review_model` on the held-out part of the seeded split ``model`` was trained on (as
    `mmdemo.experiments.evaluate.train_and_evaluate` made it)."""
    _, test = split_indices(dataset.y, test_size=test_size, seed=seed, class_names=dataset.class_names)
    return _review_rows(model, model.matrix(dataset, test, feature_cache=feature_cache), dataset.y[test], test)
