"""Fusion methods as scikit-learn estimators, and the factory that names them.

Every method takes one 2-D ``X`` plus ``blocks`` (modality -> column range) and
composes with any scikit-learn classifier. The methods come in two groups
(`FUSION_GROUPS`): multimodal fusion of features, decisions or interactions, and
cross-modal (shared-space) fusion.
"""

from __future__ import annotations

from collections.abc import Mapping

from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from mmdemo.errors import Message
from mmdemo.fusion._blocks import present_rows
from mmdemo.fusion.early import EarlyFusion
from mmdemo.fusion.late import LateFusionClassifier
from mmdemo.fusion.lowrank import LowRankFusionClassifier
from mmdemo.fusion.scaling import BlockScaler
from mmdemo.fusion.shared import SharedSpaceClassifier
from mmdemo.fusion.tensor import TensorFusion, TensorSketchFusion
from mmdemo.registry import Registry

__all__ = [
    "FUSIONS",
    "FUSION_GROUPS",
    "SharedSpaceClassifier",
    "BlockScaler",
    "EarlyFusion",
    "LateFusionClassifier",
    "LowRankFusionClassifier",
    "TensorFusion",
    "TensorSketchFusion",
    "make_fusion_model",
    "present_rows",
]


def _piped(*steps: tuple[str, BaseEstimator]) -> Pipeline:
    return Pipeline(list(steps))


#: Group of fusion methods -> one line a user sees (what the methods of the group do).
FUSION_GROUPS = Registry("names.fusion_group", Message("registry.what.fusion_group", "group of fusion methods"))
FUSION_GROUPS.add("multimodal", "multimodal: fuse the modalities' features, decisions or interactions, then classify")
FUSION_GROUPS.add(
    "cross-modal",
    "cross-modal: first learn a space the modalities share, then classify the mean of their points there",
)

#: Fusion name -> one line a user sees (CLI --help, UI select box); ``make(classifier, blocks, random_state=)``;
#: its group is one of `FUSION_GROUPS`.
FUSIONS = Registry("names.fusion", Message("registry.what.fusion", "fusion"))
FUSIONS.add(
    "early",
    "early ⊕: concatenate the scaled features of every modality",
    make=lambda clf, blocks, random_state: _piped(("fusion", EarlyFusion(blocks=blocks)), ("clf", clf)),
    group="multimodal",
)
for _name, _rule, _line in (
    ("late", "mean", "late: average the class probabilities of one classifier per modality"),
    ("late-product", "product", "late, product of experts: multiply the per-modality probabilities"),
    ("late-stacking", "stacking", "late, stacking: a logistic regression learns to combine per-modality probabilities"),
):
    FUSIONS.add(
        _name,
        _line,
        make=lambda clf, blocks, random_state, rule=_rule: LateFusionClassifier(
            blocks=blocks, estimator=clf, rule=rule
        ),
        group="multimodal",
    )
FUSIONS.add(
    "tensor",
    "tensor ⊗: outer product of per-modality PCA vectors [z;1] (all interactions)",
    make=lambda clf, blocks, random_state: _piped(
        ("fusion", TensorFusion(blocks=blocks)), ("scale", StandardScaler()), ("clf", clf)
    ),
    group="multimodal",
)
FUSIONS.add(
    "lmf",
    "low-rank ⊗ (LMF): the ⊗ weights as a sum of 4 rank-one terms, one factor per modality;"
    " its own softmax, so the classifier choice is not used",
    make=lambda clf, blocks, random_state: LowRankFusionClassifier(blocks=blocks, random_state=random_state),
    group="multimodal",
)
FUSIONS.add(
    "tensor-sketch",
    "tensor sketch: a compact 512-wide approximation of the ⊗ outer product",
    make=lambda clf, blocks, random_state: _piped(
        ("fusion", TensorSketchFusion(blocks=blocks, random_state=random_state)),
        ("scale", StandardScaler()),
        ("clf", clf),
    ),
    group="multimodal",
)
for _space, _line in (
    ("cca", "shared CCA space (generalised CCA for 3 modalities): each modality's point, averaged, classified"),
    ("pls", "shared PLS space (multi-view PLS for 3 modalities): each modality's point, averaged, classified"),
    ("kcca", "shared kernel-CCA space: each modality's point after RBF kernel features, averaged, classified"),
    ("contrastive", "shared contrastive space (InfoNCE over every pair): each modality's point, averaged, classified"),
):
    FUSIONS.add(
        f"shared-{_space}",
        _line,
        make=lambda clf, blocks, random_state, space=_space: SharedSpaceClassifier(
            blocks=blocks, space=space, estimator=clf, random_state=random_state
        ),
        group="cross-modal",
    )


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
    >>> make_fusion_model("middle", LogisticRegression(), {"a": (0, 2), "b": (2, 4)})
    Traceback (most recent call last):
    ...
    mmdemo.errors.ParameterError: Unknown fusion 'middle'; use one of early, late, late-product, late-stacking, tensor, lmf, tensor-sketch, shared-cca, shared-pls, shared-kcca, shared-contrastive.
    """
    blocks = dict(blocks)
    if fusion == "single" or len(blocks) == 1:
        return _piped(("scale", BlockScaler()), ("clf", classifier))
    return FUSIONS.make(fusion, classifier, blocks, random_state=random_state)
