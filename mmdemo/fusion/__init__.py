"""Fusion methods as scikit-learn estimators, and the factory that names them.

Every method takes one 2-D ``X`` plus ``blocks`` (modality -> column range) and
composes with any scikit-learn classifier.
"""

from __future__ import annotations

from collections.abc import Mapping

from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from mmdemo.errors import ParameterError
from mmdemo.fusion._blocks import present_rows
from mmdemo.fusion.early import EarlyFusion
from mmdemo.fusion.late import LateFusionClassifier
from mmdemo.fusion.scaling import BlockScaler
from mmdemo.fusion.tensor import TensorFusion, TensorSketchFusion

__all__ = [
    "FUSIONS",
    "BlockScaler",
    "EarlyFusion",
    "LateFusionClassifier",
    "TensorFusion",
    "TensorSketchFusion",
    "check_fusion",
    "make_fusion_model",
    "present_rows",
]

#: Fusion name -> one line a user sees (CLI --help, UI select box).
FUSIONS: dict[str, str] = {
    "early": "early ⊕: concatenate the scaled features of every modality",
    "late": "late: average the class probabilities of one classifier per modality",
    "late-product": "late, product of experts: multiply the per-modality probabilities",
    "late-stacking": "late, stacking: a logistic regression learns to combine per-modality probabilities",
    "tensor": "tensor ⊗: outer product of per-modality PCA vectors [z;1] (all interactions)",
    "tensor-sketch": "tensor sketch: a compact 512-wide approximation of the ⊗ outer product",
}


def check_fusion(fusion: str) -> str:
    """Return ``fusion`` if it is one of `FUSIONS`, else raise `ParameterError` naming them.

    Examples
    --------
    >>> check_fusion("late")
    'late'
    >>> check_fusion("middle")
    Traceback (most recent call last):
    ...
    mmdemo.errors.ParameterError: Unknown fusion 'middle'; use one of early, late, late-product, late-stacking, tensor, tensor-sketch.
    """
    if fusion not in FUSIONS:
        raise ParameterError(
            "fusion.unknown", "Unknown fusion {fusion!r}; use one of {accepted}.", fusion=fusion, accepted=list(FUSIONS)
        )
    return fusion


def make_fusion_model(
    fusion: str, classifier: BaseEstimator, blocks: Mapping[str, tuple[int, int]], *, random_state: int = 0
) -> BaseEstimator:
    """A classifier over the fused feature matrix.

    ``fusion="single"`` (or a single block) means no fusion: scale the block (`BlockScaler`) and classify.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> make_fusion_model("early", LogisticRegression(), {"a": (0, 2), "b": (2, 4)}).steps[0][0]
    'fusion'
    """
    blocks = dict(blocks)
    if fusion == "single" or len(blocks) == 1:
        return Pipeline([("scale", BlockScaler()), ("clf", classifier)])
    check_fusion(fusion)
    if fusion == "early":
        return Pipeline([("fusion", EarlyFusion(blocks=blocks)), ("clf", classifier)])
    if fusion.startswith("late"):
        rule = {"late": "mean", "late-product": "product", "late-stacking": "stacking"}[fusion]
        return LateFusionClassifier(blocks=blocks, estimator=classifier, rule=rule)
    if fusion == "tensor":
        return Pipeline([("fusion", TensorFusion(blocks=blocks)), ("scale", StandardScaler()), ("clf", classifier)])
    return Pipeline(  # tensor-sketch
        [
            ("fusion", TensorSketchFusion(blocks=blocks, random_state=random_state)),
            ("scale", StandardScaler()),
            ("clf", classifier),
        ]
    )
