"""Shared spaces between modalities (CCA, PLS, kernel CCA, contrastive) as scikit-learn transformers.

Two modalities are linked by each method's two-view estimator; three or more by its
multi-view generalisation (generalised CCA / multi-view PLS by MAXVAR, InfoNCE over every pair).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cross_decomposition import CCA, PLSCanonical
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.kernel_approximation import Nystroem
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from mmdemo.crossmodal.contrastive import InfoNCE
from mmdemo.crossmodal.gcca import MaxVar
from mmdemo.errors import Message, ParameterError, modality_word
from mmdemo.fusion._blocks import Blocks, present_rows, resolve_blocks
from mmdemo.registry import Registry

__all__ = ["SHARED_SPACES", "CCASpace", "ContrastiveSpace", "KernelCCASpace", "PLSSpace", "make_shared_space"]

#: Fewest rows with both modalities a shared space is fitted on.
_MIN_PAIRED_ROWS = 3


def _fit_pca(Z: np.ndarray, n_components: int | None, rng: np.random.RandomState) -> PCA:
    """PCA to at most ``n_components``, dropping directions without variance.

    CCA divides by each direction's spread: a direction of (nearly) zero
    variance would turn rounding errors into a "perfectly correlated" component.
    """
    k = min(n_components or Z.shape[1], *Z.shape)
    pca = PCA(n_components=k, random_state=rng).fit(Z)
    rank = int(np.sum(pca.explained_variance_ > 1e-6 * max(pca.explained_variance_[0], 1e-300)))
    return PCA(n_components=max(rank, 1), random_state=rng).fit(Z) if rank < k else pca


class _SharedSpace(TransformerMixin, BaseEstimator):
    """Base: per-view impute -> standardise -> PCA, then a cross-decomposition of the views.

    Subclasses say which estimator links the views (`_cross_decomposition`:
    a two-view one for two modalities, a multi-view one for more) and may
    extend a view's preprocessing (`_fit_view`).

    The output components are sorted by their canonical correlation on the
    training rows (descending), oriented so that every correlation is >= 0,
    and standardised (mean 0, variance 1 on the training rows, per view): the
    modalities then live in one centred space in which cosine similarity
    between an image and a sound is meaningful. With three views or more, a
    component's correlation is the mean over every pair of views.
    """

    _parameter_constraints: dict = {
        "blocks": [dict, None],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "pca_components": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self, blocks: Blocks | None = None, n_components: int = 8, pca_components: int | None = 32, random_state=None
    ) -> None:
        self.blocks = blocks
        self.n_components = n_components
        self.pca_components = pca_components
        self.random_state = random_state

    def _cross_decomposition(self, n_components: int, n_views: int):
        """The unfitted estimator linking ``n_views`` views: the subclass's choice.

        ``fit(*views)``, then ``weights_`` (one array per view) or, for two
        views, ``x_weights_``/``y_weights_`` (scikit-learn's CCA and PLS).
        """
        raise NotImplementedError

    # ----------------------------------------------------------------- fitting
    def _resolve(self, n_features: int) -> list[tuple[str, int, int]]:
        if self.blocks is None:
            if n_features < 2:
                raise ParameterError(
                    "crossmodal.too_few_features",
                    "A shared space needs two views; X has {n_features} feature(s), too few to split in halves.",
                    n_features=n_features,
                )
            half = n_features // 2
            return [("a", 0, half), ("b", half, n_features)]
        blocks = resolve_blocks(self.blocks, n_features)
        if len(blocks) < 2:
            raise ParameterError(
                "crossmodal.one_block",
                "A shared space links two modalities or more; blocks names only {names}.",
                names=[modality_word(name) for name, _, _ in blocks],
            )
        return blocks

    def fit(self, X, y=None):
        """Fit the space on the rows of ``X`` where every modality is present.

        Parameters
        ----------
        X : array-like, shape=(n_samples, n_features)
            Every modality's columns; a missing modality is a row of NaN in its block.
        y : array-like of shape (n_samples,), optional
            Class labels, for a space that uses them: the contrastive one takes
            samples of the same class as positives (data paired by label only).
            CCA, PLS and kernel CCA ignore it.

        Returns
        -------
        self
        """
        # One BLAS thread, as in MultimodalModel.fit: with 2 busy cores a second
        # thread made these small SVDs about 10x slower, not faster.
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(X, y)

    def _fit(self, X, y=None) -> _SharedSpace:
        self._validate_params()
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        self.blocks_ = self._resolve(X.shape[1])
        self.modalities_ = tuple(name for name, _, _ in self.blocks_)
        views = [X[:, start:stop] for _, start, stop in self.blocks_]
        rows = self._paired_rows(views)
        n = int(rows.sum())
        if n < _MIN_PAIRED_ROWS:
            raise ParameterError(
                "crossmodal.space_too_few_paired",
                "A shared space needs at least {needed} samples that have each of {modalities}; got {n} sample(s).",
                needed=_MIN_PAIRED_ROWS,
                modalities=[modality_word(m) for m in self.modalities_],
                n=n,
            )
        rng = check_random_state(self.random_state)
        self.views_ = [self._fit_view(V[rows], rng) for V in views]
        inputs = [view.transform(V[rows]) for view, V in zip(self.views_, views)]
        self.input_means_ = [Z.mean(axis=0) for Z in inputs]
        k = int(min(self.n_components, n - 1, *(Z.shape[1] for Z in inputs)))
        groups = None if y is None else np.asarray(y)[rows]
        self.cross_ = self._fit_cross(max(k, 1), inputs, groups)
        self._fit_output(inputs)
        return self

    @staticmethod
    def _paired_rows(views: list[np.ndarray]) -> np.ndarray:
        return np.logical_and.reduce([present_rows(V) for V in views])

    def _rotations(self) -> list[np.ndarray]:
        """Per view: centred PCA scores -> raw shared scores."""
        if hasattr(self.cross_, "weights_"):
            return list(self.cross_.weights_)
        return [
            getattr(self.cross_, "x_rotations_", self.cross_.x_weights_),
            getattr(self.cross_, "y_rotations_", self.cross_.y_weights_),
        ]

    def _fit_cross(self, n_components: int, inputs: list[np.ndarray], groups: np.ndarray | None):
        """The fitted link of the views; ``groups`` (labels of the rows) for one that uses them."""
        return self._cross_decomposition(n_components, len(inputs)).fit(*inputs)

    def _fit_view(self, V: np.ndarray, rng: np.random.RandomState) -> Pipeline:
        prep = Pipeline([("impute", SimpleImputer(keep_empty_features=True)), ("scale", StandardScaler())]).fit(V)
        return Pipeline([*prep.steps, ("pca", _fit_pca(prep.transform(V), self.pca_components, rng))])

    def _raw_scores(self, view: int, Z: np.ndarray) -> np.ndarray:
        return (Z - self.input_means_[view]) @ self.rotations_[view]

    def _fit_output(self, inputs: list[np.ndarray]) -> None:
        """Standardise the scores per view, orient each view's components like the first's, sort by correlation."""
        self.rotations_ = self._rotations()
        raw = [self._raw_scores(view, Z) for view, Z in enumerate(inputs)]
        self.score_means_ = [S.mean(axis=0) for S in raw]
        self.score_stds_ = [np.where(S.std(axis=0) > 1e-12, S.std(axis=0), 1.0) for S in raw]
        std = [(S - m) / s for S, m, s in zip(raw, self.score_means_, self.score_stds_)]
        # All standardised: the mean product is Pearson's r. Each view is oriented like the first.
        self.signs_ = [np.ones(std[0].shape[1])] + [np.where((std[0] * S).mean(axis=0) < 0, -1.0, 1.0) for S in std[1:]]
        std = [S * sign for S, sign in zip(std, self.signs_)]
        pairs = [(i, j) for i in range(len(std)) for j in range(i + 1, len(std))]
        corr = np.mean([(std[i] * std[j]).mean(axis=0) for i, j in pairs], axis=0)
        # NIPALS finds components one by one: their correlations are not exactly in order.
        self.order_ = np.argsort(-corr, kind="stable")
        self.correlations_ = np.clip(corr[self.order_], 0.0, 1.0)
        self.n_components_ = len(self.order_)
        self._n_features_out = len(std) * self.n_components_

    def _scores(self, view: int, Z: np.ndarray) -> np.ndarray:
        S = (self._raw_scores(view, Z) - self.score_means_[view]) / self.score_stds_[view] * self.signs_[view]
        return S[:, self.order_]

    # --------------------------------------------------------------- transform
    def transform_view(self, X, modality: str) -> np.ndarray:
        """Project one modality's block of ``X`` into the shared space.

        Parameters
        ----------
        X : array-like, shape=(n_samples, n_features)
            The same columns as in `fit`; only ``modality``'s block is read.
        modality : str
            One of `modalities_`.

        Returns
        -------
        Z : ndarray, shape=(n_samples, n_components_)
            Standardised canonical variates; NaN rows where the modality is missing.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        if modality not in self.modalities_:
            raise ParameterError(
                "crossmodal.cannot_project",
                "This shared space links {modalities}; it cannot project {modality!r}.",
                modalities=[modality_word(m) for m in self.modalities_],
                modality=modality,
            )
        view = self.modalities_.index(modality)
        _, start, stop = self.blocks_[view]
        V = X[:, start:stop]
        rows = present_rows(V)
        out = np.full((len(X), self.n_components_), np.nan)
        if rows.any():
            out[rows] = self._scores(view, self.views_[view].transform(V[rows]))
        return out

    def canonical_correlations(self, X) -> np.ndarray:
        """Correlation of the views' projections, per component, on the rows of ``X`` that have every view
        (with three views or more, the mean over every pair).

        On the training rows this is `correlations_`; on held-out rows it is
        usually lower, and the gap shows how much the space fitted noise.

        Returns
        -------
        ndarray, shape=(n_components_,)
            Pearson correlation per component (may be negative on new rows); NaN with fewer than 2 rows.
        """
        Z = [self.transform_view(X, m) for m in self.modalities_]
        rows = self._paired_rows(Z)
        if rows.sum() < 2:
            return np.full(self.n_components_, np.nan)
        Z = [V[rows] - V[rows].mean(axis=0) for V in Z]
        out = []
        for i in range(len(Z)):
            for Za, Zb in ((Z[i], Zb) for Zb in Z[i + 1 :]):
                norms = np.sqrt((Za**2).sum(axis=0) * (Zb**2).sum(axis=0))
                out.append((Za * Zb).sum(axis=0) / np.where(norms > 0, norms, 1.0))
        return np.mean(out, axis=0)

    def transform(self, X) -> np.ndarray:
        """Every view's projection side by side; shape=(n_samples, n_views * n_components_), in block order."""
        check_is_fitted(self)
        return np.hstack([self.transform_view(X, m) for m in self.modalities_])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


_DOC_SECTIONS = """    Parameters
    ----------
    blocks : dict of str -> (start, stop), default=None
        Columns of two modalities or more in ``X``; their order gives the
        order of `modalities_` (the space itself is symmetric). ``None`` splits
        the columns in two halves, views named ``"a"`` and ``"b"``, as
        scikit-learn's common checks need.
    n_components : int, default=8
        Dimensions of the shared space (fewer when the views or rows are fewer).
    pca_components : int or None, default=32
        Each view is standardised and reduced to this many principal components
        first: with a few hundred samples, CCA on hundreds of raw columns finds
        perfect but meaningless correlations; the PCA also regularises.
        ``None`` keeps every column.
    random_state : int, RandomState or None
        Seed of the randomised PCA solver and the kernel landmarks.{extra}

    Attributes
    ----------
    modalities_ : tuple of str
        The view names, in the order of ``blocks``.
    correlations_ : ndarray, shape=(n_components_,)
        Correlation of the views' projections on the training rows, per
        component (mean over pairs of views), sorted descending, in [0, 1].
    n_components_ : int
    blocks_ : list of (name, start, stop)
    views_ : list of Pipeline
        The fitted per-view preprocessing.
    cross_ : estimator
        The fitted link of the views."""


class CCASpace(_SharedSpace):
    __doc__ = f"""Canonical correlation analysis: the directions in which two modalities correlate most.

    Component j maximises corr(a w_a, b w_b), uncorrelated with components
    before it. Fitted with `sklearn.cross_decomposition.CCA` on the per-view
    PCA scores; `fit` uses only the rows where every modality is present.
    Three modalities or more are linked by generalised CCA (`MaxVar`: an SVD
    of the whitened, stacked views).

{_DOC_SECTIONS.format(extra="")}

    See Also
    --------
    PLSSpace : covariance instead of correlation.
    KernelCCASpace : non-linear views.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> latent = rng.normal(size=(200, 2))
    >>> X = np.hstack([latent @ rng.normal(size=(2, 5)), latent @ rng.normal(size=(2, 4))])
    >>> X += 0.1 * rng.normal(size=X.shape)
    >>> space = CCASpace(blocks={{"image": (0, 5), "audio": (5, 9)}}, n_components=2).fit(X)
    >>> bool(space.correlations_[0] > 0.95), space.transform_view(X, "audio").shape
    (True, (200, 2))
    """

    def _cross_decomposition(self, n_components: int, n_views: int):
        if n_views > 2:
            return MaxVar(n_components=n_components)
        return CCA(n_components=n_components, scale=False, max_iter=1000)


class PLSSpace(_SharedSpace):
    __doc__ = f"""Partial least squares: the directions in which two modalities co-vary most.

    Unlike CCA, PLS also rewards directions of large variance, so it ignores
    faint but perfectly shared details; it inverts no covariance matrix, which
    makes it steadier when samples are few.
    Fitted with `sklearn.cross_decomposition.PLSCanonical` (symmetric PLS,
    uncorrelated scores; `PLSSVD` gave the same retrieval scores on av-digits).
    Components are reported by their correlation all the same. Three
    modalities or more: `MaxVar` without whitening (an SVD of the stacked
    views, each scaled to unit variance: multi-view PLS).

{_DOC_SECTIONS.format(extra="")}

    See Also
    --------
    CCASpace, KernelCCASpace

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(50, 10))
    >>> PLSSpace(n_components=3).fit_transform(X).shape
    (50, 6)
    """

    def _cross_decomposition(self, n_components: int, n_views: int):
        if n_views > 2:
            return MaxVar(n_components=n_components, whiten=False)
        return PLSCanonical(n_components=n_components, scale=False, max_iter=1000)


_KERNEL_PARAMETERS = """
    gamma : float or None, default=None
        RBF width; ``None`` means 1 / (total variance of the view's PCA
        scores), so that a typical pair of samples has kernel value about e^-2.
    n_kernel_features : int, default=256
        Nystroem landmarks per view (at most the number of training rows)."""


_CONTRASTIVE_PARAMETERS = """
    temperature : float, default=0.2
        Divides the cosine similarities before the softmax: lower is sharper (on
        av-digits image->audio, mAP 0.57 at 0.05, 0.60 at 0.1, 0.81 at 0.2; CCA 0.77).
    epochs : int, default=60
        Passes over the training pairs."""


class KernelCCASpace(_SharedSpace):
    __doc__ = f"""Kernel CCA, approximated: RBF kernel features per view, then CCA.

    Each view is standardised and PCA-reduced, mapped by a Nystroem
    approximation of the RBF kernel (``n_kernel_features`` landmarks), and
    reduced again to ``pca_components`` (kernel PCA); CCA then links the two.
    The last reduction is the regularisation kernel CCA needs: without it,
    hundreds of kernel features correlate perfectly on any training set.
    Three modalities or more: generalised CCA (`MaxVar`) of the kernel views.

{_DOC_SECTIONS.format(extra=_KERNEL_PARAMETERS)}

    See Also
    --------
    CCASpace

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = rng.uniform(-2, 2, size=(300, 1))
    >>> X = np.hstack([t, t**2, np.cos(t), np.sin(t)]) + 0.05 * rng.normal(size=(300, 4))
    >>> space = KernelCCASpace(n_components=2, random_state=0).fit(X)
    >>> bool(space.correlations_[0] > 0.9)
    True
    """

    _parameter_constraints = {
        **_SharedSpace._parameter_constraints,
        "gamma": [Interval(Real, 0, None, closed="neither"), None],
        "n_kernel_features": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        blocks: Blocks | None = None,
        n_components: int = 8,
        pca_components: int | None = 32,
        random_state=None,
        gamma: float | None = None,
        n_kernel_features: int = 256,
    ) -> None:
        super().__init__(blocks, n_components, pca_components, random_state)
        self.gamma = gamma
        self.n_kernel_features = n_kernel_features

    def _fit_view(self, V: np.ndarray, rng: np.random.RandomState) -> Pipeline:
        view = super()._fit_view(V, rng)
        Z = view.transform(V)
        gamma = self.gamma if self.gamma is not None else 1.0 / max(float(Z.var(axis=0).sum()), 1e-12)
        n_kernel = min(self.n_kernel_features, len(V))
        kernel = Nystroem(kernel="rbf", gamma=gamma, n_components=n_kernel, random_state=rng).fit(Z)
        kpca = _fit_pca(kernel.transform(Z), self.pca_components, rng)
        return Pipeline([*view.steps, ("kernel", kernel), ("kpca", kpca)])

    def _cross_decomposition(self, n_components: int, n_views: int):
        if n_views > 2:
            return MaxVar(n_components=n_components)
        return CCA(n_components=n_components, scale=False, max_iter=1000)


class ContrastiveSpace(_SharedSpace):
    __doc__ = f"""A contrastive (CLIP-style) space: one linear encoder per modality, trained with InfoNCE.

    After each view's standardisation and PCA, the two encoders are trained so
    that, in a batch of pairs, each sample's own partner is the most similar
    (cosine similarity over ``temperature``) in both directions: the symmetric
    InfoNCE loss of `mmdemo.crossmodal.contrastive.InfoNCE`, by Adam on
    mini-batches. Given class labels (``fit(X, y)``, for data paired by label
    only) every pair of the same class is a positive instead. With three
    modalities or more the loss is the mean over every pair of them.

{_DOC_SECTIONS.format(extra=_CONTRASTIVE_PARAMETERS)}

    See Also
    --------
    CCASpace

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = rng.normal(size=(300, 3))
    >>> X = np.hstack([t @ rng.normal(size=(3, 6)), t @ rng.normal(size=(3, 5))])
    >>> space = ContrastiveSpace(n_components=3, random_state=0).fit(X)
    >>> bool(space.correlations_[0] > 0.9)
    True
    """

    _parameter_constraints = {
        **_SharedSpace._parameter_constraints,
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        blocks: Blocks | None = None,
        n_components: int = 8,
        pca_components: int | None = 32,
        random_state=None,
        temperature: float = 0.2,
        epochs: int = 60,
    ) -> None:
        super().__init__(blocks, n_components, pca_components, random_state)
        self.temperature = temperature
        self.epochs = epochs

    def _cross_decomposition(self, n_components: int, n_views: int):
        return InfoNCE(
            n_components=n_components, temperature=self.temperature, epochs=self.epochs, random_state=self.random_state
        )

    def _fit_cross(self, n_components: int, inputs: list[np.ndarray], groups: np.ndarray | None):
        cross = self._cross_decomposition(n_components, len(inputs))
        return cross.partial_fit(*inputs, groups=groups) if self._one_epoch else cross.fit(*inputs, groups=groups)

    _one_epoch = False

    def partial_fit(self, X, y=None) -> ContrastiveSpace:
        """One more epoch of training on the pairs of ``X`` (the first call also fits each view's PCA).

        Give the same ``X`` (and ``y``) every time: a page calls this once per
        epoch to show the training as it goes; ``cross_.history_`` holds the
        loss of every epoch so far.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> t = rng.normal(size=(200, 3))
        >>> X = np.hstack([t @ rng.normal(size=(3, 6)), t @ rng.normal(size=(3, 5))])
        >>> space = ContrastiveSpace(n_components=3, random_state=0)
        >>> for _ in range(5):
        ...     space = space.partial_fit(X)
        >>> len(space.cross_.history_), bool(space.cross_.history_[-1] < space.cross_.history_[0])
        (5, True)
        """
        if not hasattr(self, "cross_"):
            self._one_epoch = True
            try:
                return self.fit(X, y)
            finally:
                del self._one_epoch
        with threadpool_limits(limits=1, user_api="blas"):
            X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
            views = [X[:, start:stop] for _, start, stop in self.blocks_]
            rows = self._paired_rows(views)
            inputs = [view.transform(V[rows]) for view, V in zip(self.views_, views)]
            self.cross_.partial_fit(*inputs, groups=None if y is None else np.asarray(y)[rows])
            self._fit_output(inputs)
        return self


#: Shared-space method name -> one line a user sees (CLI --help, UI select box); ``make`` is the estimator class.
SHARED_SPACES = Registry("names.space", Message("registry.what.space", "shared-space method"))
SHARED_SPACES.add(
    "cca", "CCA: linear projections of the two modalities that are as correlated as possible", make=CCASpace
)
SHARED_SPACES.add(
    "pls", "PLS: linear projections with the largest covariance (favours strong, common directions)", make=PLSSpace
)
SHARED_SPACES.add("kcca", "kernel CCA: CCA on non-linear (RBF kernel) features of each modality", make=KernelCCASpace)
SHARED_SPACES.add(
    "contrastive",
    "contrastive (CLIP-style): an encoder per modality trained so each sample's partner is its nearest (InfoNCE)",
    make=ContrastiveSpace,
)


def make_shared_space(
    method: str,
    blocks: Blocks,
    *,
    n_components: int = 8,
    pca_components: int | None = 32,
    random_state: int | None = 0,
) -> _SharedSpace:
    """An unfitted shared space by name (see `SHARED_SPACES`); the other parameters are the estimators' own.

    Examples
    --------
    >>> type(make_shared_space("pls", {"image": (0, 64), "text": (64, 192)})).__name__
    'PLSSpace'
    """
    return SHARED_SPACES.make(
        method, blocks=dict(blocks), n_components=n_components, pca_components=pca_components, random_state=random_state
    )
