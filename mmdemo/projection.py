"""2-D/3-D projections of feature matrices (PCA, t-SNE) for the feature-space view."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from mmdemo.errors import Message, ParameterError
from mmdemo.fusion import EarlyFusion, TensorFusion
from mmdemo.registry import Registry

__all__ = ["PROJECTIONS", "fused_view", "project"]


def _pca(Z: np.ndarray, n_components: int, seed: int) -> np.ndarray:
    return PCA(n_components=min(n_components, *Z.shape), random_state=seed).fit_transform(Z)


def _tsne(Z: np.ndarray, n_components: int, seed: int) -> np.ndarray:
    Z = _pca(Z, 50, seed)
    perplexity = float(min(30.0, max(2.0, (len(Z) - 1) / 3)))
    return TSNE(n_components=n_components, perplexity=perplexity, init="pca", random_state=seed).fit_transform(Z)


#: Projection name -> one line a user sees; ``make(Z, n_components, seed)`` projects standardised rows.
PROJECTIONS = Registry("names.projection", Message("registry.what.projection", "projection"))
PROJECTIONS.add("pca", "PCA (linear, fast)", make=_pca)
PROJECTIONS.add("tsne", "t-SNE (non-linear, keeps neighbours)", make=_tsne)


def project(X: np.ndarray, *, method: str = "pca", n_components: int = 2, seed: int = 0) -> np.ndarray:
    """Standardise the columns, then project to ``n_components`` dimensions.

    Missing values (NaN) are filled with the column mean first. t-SNE first
    reduces to 50 PCA dimensions, as its authors recommend.

    Parameters
    ----------
    X : ndarray, shape=(n, d)
    method : {"pca", "tsne"}
    n_components : {2, 3}

    Returns
    -------
    ndarray, shape=(n, n_components)

    Examples
    --------
    >>> project(np.random.default_rng(0).normal(size=(30, 5))).shape
    (30, 2)
    """
    PROJECTIONS.check(method)
    if n_components not in (2, 3):
        raise ParameterError(
            "projection.bad_dimensions", "Projections are 2-D or 3-D; got {n_components}.", n_components=n_components
        )
    X = np.asarray(X, dtype=np.float64)
    if len(X) < n_components + 1:
        raise ParameterError(
            "projection.too_few_samples",
            "A projection needs at least {needed} samples; got {n_samples}.",
            needed=n_components + 1,
            n_samples=len(X),
        )
    col_mean = np.nan_to_num(np.nanmean(np.where(np.isnan(X).all(axis=0), 0.0, X), axis=0))
    X = np.where(np.isnan(X), col_mean, X)
    Z = StandardScaler().fit_transform(X)
    # One thread (BLAS and OpenMP), as in MultimodalModel.fit: on 2 shared cores a second
    # thread made t-SNE of 45 points take 0.2-4 s instead of 0.2 s.
    with threadpool_limits(limits=1):
        out = PROJECTIONS.make(method, Z, n_components, seed)
    if out.shape[1] < n_components:  # fewer features than dimensions asked for
        out = np.hstack([out, np.zeros((len(out), n_components - out.shape[1]))])
    return out


def fused_view(X: np.ndarray, blocks: dict[str, tuple[int, int]], *, fusion: str) -> np.ndarray:
    """The fused feature matrix of ``fusion`` ("early" or "tensor"), unsupervised, for pictures.

    Examples
    --------
    >>> fused_view(np.random.default_rng(0).normal(size=(20, 4)), {"a": (0, 2), "b": (2, 4)}, fusion="tensor").shape
    (20, 9)
    """
    if fusion == "early":
        return EarlyFusion(blocks=blocks).fit_transform(X)
    if fusion == "tensor":
        return TensorFusion(blocks=blocks).fit_transform(X)
    raise ParameterError(
        "projection.unknown_fused_view", "Unknown fused view {fusion!r}; use early or tensor.", fusion=fusion
    )
