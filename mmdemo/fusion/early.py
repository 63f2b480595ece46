"""Early fusion: concatenation (⊕) of scaled, weighted modality blocks."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from mmdemo.fusion._blocks import MEAN_IMPUTATION, Blocks, resolve_blocks
from mmdemo.fusion.scaling import block_spread

__all__ = ["EarlyFusion"]


class EarlyFusion(TransformerMixin, BaseEstimator):
    """Concatenate modality blocks after per-block scaling: x = [w_1 s(x_1) ⊕ w_2 s(x_2) ⊕ ...].

    Each block is centred column-wise and divided by its spread (`block_spread`:
    one number per block, so a nearly constant pixel is not blown up), then by
    the square root of its width, and multiplied by its weight, so a 360-column audio block does not
    drown a 64-column image block. Missing values (a modality absent for a
    sample, a row of NaN) are filled with the training mean (strategy
    ``"mean imputation"``).

    Parameters
    ----------
    blocks : dict of str -> (start, stop), default=None
        Columns of each modality in ``X``; ``None`` treats ``X`` as one block.
    weights : dict of str -> float, default=None
        Weight of each block (1 when not given).

    Attributes
    ----------
    blocks_ : list of (name, start, stop)
    mean_, scale_ : ndarray, shape=(n_features,)
        Per-column mean and the combined scale (block spread * sqrt(width) / weight).

    See Also
    --------
    TensorFusion : multiplicative interactions (⊗) instead of concatenation.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(20, 5))
    >>> EarlyFusion(blocks={"a": (0, 2), "b": (2, 5)}).fit_transform(X).shape
    (20, 5)
    """

    missing_strategy = MEAN_IMPUTATION

    def __init__(self, blocks: Blocks | None = None, weights: Mapping[str, float] | None = None) -> None:
        self.blocks = blocks
        self.weights = weights

    def fit(self, X, y=None) -> EarlyFusion:
        """Learn per-column mean and scale from the rows where each block is present."""
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        self.blocks_ = resolve_blocks(self.blocks, X.shape[1])
        weights = dict(self.weights or {})
        mean = np.zeros(X.shape[1])
        scale = np.ones(X.shape[1])
        for name, start, stop in self.blocks_:
            Xb = X[:, start:stop]
            with np.errstate(all="ignore"):
                m = np.nanmean(Xb, axis=0) if np.isfinite(Xb).any() else np.zeros(stop - start)
            m = np.nan_to_num(m)
            s = block_spread(Xb)
            w = float(weights.get(name, 1.0))
            mean[start:stop] = m
            scale[start:stop] = s * np.sqrt(stop - start) / max(w, 1e-12)
        self.mean_, self.scale_ = mean, scale
        return self

    def transform(self, X) -> np.ndarray:
        """Scaled, weighted, concatenated blocks; shape=(n, n_features)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        X = np.where(np.isnan(X), self.mean_, X)
        return (X - self.mean_) / self.scale_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
