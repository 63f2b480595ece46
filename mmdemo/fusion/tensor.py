"""Tensor fusion (⊗): outer products of per-modality projections, exact or sketched."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from mmdemo.fusion._blocks import MEAN_IMPUTATION, Blocks, present_rows, resolve_blocks
from mmdemo.fusion.scaling import block_spread

__all__ = ["TensorFusion", "TensorSketchFusion"]


class _ProjectedBlocks(TransformerMixin, BaseEstimator):
    """Base: centre and block-scale, then PCA-whiten each block to ``n_components``, append a 1.

    Subclasses combine the per-block vectors [z_m; 1]. A missing block (row of
    NaN) gets z_m = 0, the training mean, so its products vanish and only the
    present modalities' terms remain (strategy ``"mean imputation"``).
    """

    missing_strategy = MEAN_IMPUTATION
    _parameter_constraints: dict = {
        "blocks": [dict, None],
        "n_components": [Interval(Integral, 1, None, closed="left")],
    }

    def _fit_blocks(self, X) -> np.ndarray:
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        self.blocks_ = resolve_blocks(self.blocks, X.shape[1])
        self.projections_ = []
        for _, start, stop in self.blocks_:
            Xb = X[:, start:stop]
            rows = present_rows(Xb)
            Xp = np.nan_to_num(Xb[rows]) if rows.any() else np.zeros((2, stop - start))
            mean = Xp.mean(axis=0)
            std = block_spread(Xp)  # one spread per block: a nearly constant pixel is not blown up
            k = int(max(1, min(self.n_components, stop - start, len(Xp) - 1)))
            Z = (Xp - mean) / std
            pca = PCA(n_components=k, whiten=True, random_state=0).fit(Z)
            # Whitening divides by each component's spread: a direction the block has no variance in (the
            # caption evidence sums to 1 per slot) would be blown up to noise of any size. Keep the real ones.
            real = int(np.sum(pca.explained_variance_ > 1e-6 * pca.explained_variance_[0]))
            if real < pca.n_components_:
                pca = PCA(n_components=max(1, real), whiten=True, random_state=0).fit(Z)
            self.projections_.append((mean, std, pca))
        return X

    def _project(self, X) -> list[np.ndarray]:
        """[z_m; 1] per block, each shape=(n, k_m + 1)."""
        out = []
        for (_, start, stop), (mean, std, pca) in zip(self.blocks_, self.projections_):
            Xb = X[:, start:stop]
            rows = present_rows(Xb)
            z = np.zeros((len(X), pca.n_components_))
            if rows.any():
                z[rows] = pca.transform((np.nan_to_num(Xb[rows]) - mean) / std)
            out.append(np.hstack([z, np.ones((len(X), 1))]))
        return out

    def factors(self, X) -> list[np.ndarray]:
        """The per-modality vectors [z_m; 1] whose outer product is fused; each shape=(n, k_m + 1).

        Examples
        --------
        >>> X = np.random.default_rng(0).normal(size=(30, 6))
        >>> [f.shape for f in TensorFusion(blocks={"a": (0, 3), "b": (3, 6)}, n_components=2).fit(X).factors(X)]
        [(30, 3), (30, 3)]
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        return self._project(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class TensorFusion(_ProjectedBlocks):
    """Tensor Fusion Network style ⊗: flatten the outer product of [z_m; 1] over modalities.

    With two modalities the output holds z_a, z_b (the unimodal terms, thanks
    to the appended 1) and every product z_a,i * z_b,j, so a linear classifier
    on it can express interactions such as XOR that concatenation cannot.
    The width is prod(k_m + 1): 81 for two blocks of 8 components, 729 for three.

    Parameters
    ----------
    blocks : dict of str -> (start, stop), default=None
        Columns of each modality; ``None`` treats ``X`` as one block.
    n_components : int, default=8
        PCA components kept per block before the outer product.

    Attributes
    ----------
    blocks_ : list of (name, start, stop)
    projections_ : list of (mean, std, PCA), one per block
    n_features_out_ : int

    See Also
    --------
    TensorSketchFusion : a compact approximation of the same products.
    EarlyFusion : concatenation (⊕).

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(30, 6))
    >>> TensorFusion(blocks={"a": (0, 3), "b": (3, 6)}, n_components=2).fit_transform(X).shape
    (30, 9)
    """

    def __init__(self, blocks: Blocks | None = None, n_components: int = 8) -> None:
        self.blocks = blocks
        self.n_components = n_components

    def fit(self, X, y=None) -> TensorFusion:
        """Fit the per-block scaling and PCA."""
        self._validate_params()
        self._fit_blocks(X)
        self.n_features_out_ = int(np.prod([p.n_components_ + 1 for _, _, p in self.projections_]))
        return self

    def transform(self, X) -> np.ndarray:
        """Flattened outer product; shape=(n, prod(k_m + 1))."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        parts = self._project(X)
        out = parts[0]
        for z in parts[1:]:
            out = (out[:, :, None] * z[:, None, :]).reshape(len(X), -1)
        return out


class TensorSketchFusion(_ProjectedBlocks):
    """Compact ⊗: a Tensor Sketch of the outer product of [z_m; 1], of fixed width.

    Each [z_m; 1] is count-sketched to ``sketch_dim`` values with its own random
    hash and signs; the sketches are multiplied in the Fourier domain (circular
    convolution). Inner products of the result approximate those of the full
    outer product (Pham & Pagh 2013; compact bilinear pooling), so the width no
    longer grows as the product of the block sizes.

    Parameters
    ----------
    blocks : dict of str -> (start, stop), default=None
    n_components : int, default=8
    sketch_dim : int, default=512
    random_state : int, RandomState or None
        Seed of the hashes and signs.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(30, 6))
    >>> TensorSketchFusion(blocks={"a": (0, 3), "b": (3, 6)}, sketch_dim=16).fit_transform(X).shape
    (30, 16)
    """

    _parameter_constraints = {
        **_ProjectedBlocks._parameter_constraints,
        "sketch_dim": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self, blocks: Blocks | None = None, n_components: int = 8, sketch_dim: int = 512, random_state=None
    ) -> None:
        self.blocks = blocks
        self.n_components = n_components
        self.sketch_dim = sketch_dim
        self.random_state = random_state

    def fit(self, X, y=None) -> TensorSketchFusion:
        """Fit the per-block projections and draw the count-sketch hashes."""
        self._validate_params()
        self._fit_blocks(X)
        rng = check_random_state(self.random_state)
        self.hashes_ = [rng.randint(0, self.sketch_dim, size=p.n_components_ + 1) for _, _, p in self.projections_]
        self.signs_ = [rng.choice([-1.0, 1.0], size=p.n_components_ + 1) for _, _, p in self.projections_]
        self.n_features_out_ = self.sketch_dim
        return self

    def transform(self, X) -> np.ndarray:
        """Tensor sketch of the outer product; shape=(n, sketch_dim)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        product = np.ones((len(X), self.sketch_dim // 2 + 1), dtype=complex)
        for z, h, s in zip(self._project(X), self.hashes_, self.signs_):
            sketch = np.zeros((len(X), self.sketch_dim))
            np.add.at(sketch.T, h, (z * s).T)
            product *= np.fft.rfft(sketch, axis=1)
        out = np.fft.irfft(product, n=self.sketch_dim, axis=1)
        # Sketch slots no product lands in are 0 up to FFT round-off (~1e-16); a later
        # StandardScaler would blow that noise up to unit variance, so make them exact zeros.
        out[np.abs(out) < 1e-9] = 0.0
        return out
