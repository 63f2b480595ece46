"""Scaling per block: centre every column, divide a whole modality block by one spread."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from mmdemo.fusion._blocks import Blocks, present_rows, resolve_blocks

__all__ = ["BlockScaler", "block_spread"]


def block_spread(Xb: np.ndarray) -> float:
    """One spread for a block of columns: the root mean of their variances (1 when they are constant).

    Examples
    --------
    >>> block_spread(np.array([[0.0, 0.0], [2.0, 0.0]]))
    0.7071067811865476
    """
    with np.errstate(all="ignore"):
        spread = float(np.sqrt(np.nanmean(np.nanvar(Xb, axis=0)))) if np.isfinite(Xb).any() else 1.0
    return spread if np.isfinite(spread) and spread > 1e-12 else 1.0


class BlockScaler(TransformerMixin, BaseEstimator):
    """Centre each column and divide each block by its `block_spread`.

    Per-column standardisation divides a pixel that is almost always dark (the
    border of a digit) by a tiny deviation, so any ink there swamps every other
    feature of a picture drawn a little off-centre. Scaling a modality's block as
    a whole keeps the columns' own proportions (a pixel stays a pixel) while
    still putting modalities of different units on one footing. Missing rows
    (NaN) are ignored when fitting and left as NaN.

    Parameters
    ----------
    blocks : dict of str -> (start, stop), default=None
        Columns of each modality; ``None`` treats ``X`` as one block.

    Attributes
    ----------
    mean_ : ndarray, shape=(n_features,)
    scale_ : ndarray, shape=(n_features,)
        The spread of the block each column belongs to.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0, 10.0], [2.0, 0.001, 30.0]])
    >>> BlockScaler(blocks={"pixels": (0, 2), "other": (2, 3)}).fit_transform(X).round(2)
    array([[-1.41, -0.  , -1.  ],
           [ 1.41,  0.  ,  1.  ]])
    """

    def __init__(self, blocks: Blocks | None = None) -> None:
        self.blocks = blocks

    def fit(self, X, y=None) -> BlockScaler:
        """Learn each column's mean and each block's spread from the rows where the block is present."""
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        self.blocks_ = resolve_blocks(self.blocks, X.shape[1])
        self.mean_ = np.zeros(X.shape[1])
        self.scale_ = np.ones(X.shape[1])
        for _, start, stop in self.blocks_:
            Xb = X[:, start:stop]
            Xb = Xb[present_rows(Xb)]
            if len(Xb):
                self.mean_[start:stop] = np.nan_to_num(np.nanmean(Xb, axis=0))
                self.scale_[start:stop] = block_spread(Xb)
        return self

    def transform(self, X) -> np.ndarray:
        """Centred and block-scaled ``X``; shape=(n, n_features)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        return (X - self.mean_) / self.scale_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
