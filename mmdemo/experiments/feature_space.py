"""`feature_map`: a 2-D/3-D picture of one modality's features or of fused features, for the Feature space page."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.fusion import present_rows
from mmdemo.model import FeatureCache, featurize_dataset
from mmdemo.projection import fused_view, project

__all__ = ["FeatureMap", "feature_map"]


@dataclass
class FeatureMap:
    """Projected samples: ``coords`` (shape=(n, n_components)) of the dataset's rows ``rows``, from
    ``n_features`` features per sample."""

    coords: np.ndarray
    rows: np.ndarray
    n_features: int


def feature_map(
    dataset: MultimodalDataset,
    view: str,
    *,
    method: str = "pca",
    n_components: int = 2,
    n_max: int = 600,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
) -> FeatureMap:
    """Project up to ``n_max`` samples (drawn with ``seed``) of ``view``: a modality, or ``"early"``/``"tensor"``
    for the fused features of every modality; samples without the view's modalities are left out.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> fm = feature_map(make_xor_shapes(120), "tensor", n_max=50)
    >>> fm.coords.shape, len(fm.rows)
    ((50, 2), 50)
    """
    fused = view in ("early", "tensor")
    X, blocks = featurize_dataset(dataset, dataset.modalities if fused else [view], feature_cache=feature_cache)
    if fused:
        X = fused_view(X, blocks, fusion=view)
    rows = np.random.default_rng(seed).permutation(dataset.n_samples)[:n_max]
    rows = rows[present_rows(X[rows])]
    return FeatureMap(project(X[rows], method=method, n_components=n_components, seed=seed), rows, X.shape[1])
