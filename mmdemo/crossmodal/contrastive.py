"""A contrastive (CLIP-style) link between two views: linear encoders trained with the symmetric InfoNCE loss."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy.special import log_softmax
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

__all__ = ["InfoNCE", "info_nce_loss"]


def info_nce_loss(
    Wa: np.ndarray, Wb: np.ndarray, A: np.ndarray, B: np.ndarray, temperature: float, targets: np.ndarray | None = None
) -> tuple[float, np.ndarray, np.ndarray]:
    """The symmetric InfoNCE loss of a batch of pairs and its gradient with respect to both encoders.

    Row i of ``A`` and row i of ``B`` are one pair. Each view is encoded
    linearly (``A @ Wa``, ``B @ Wb``) and L2-normalised; the similarity matrix
    ``S = Ua Ub^T / temperature`` is scored by the cross-entropy of each row
    (image -> text) and each column (text -> image) against ``targets``, a
    row-stochastic matrix of positives (the identity: each sample's own partner;
    for data paired by label only, the samples of the same class).

    Parameters
    ----------
    Wa : ndarray, shape=(d_a, k)
    Wb : ndarray, shape=(d_b, k)
    A : ndarray, shape=(n, d_a)
    B : ndarray, shape=(n, d_b)
    temperature : float
    targets : ndarray, shape=(n, n), optional
        Defaults to the identity.

    Returns
    -------
    loss : float
    grad_a : ndarray, shape=(d_a, k)
    grad_b : ndarray, shape=(d_b, k)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> A = rng.normal(size=(8, 3)); W = np.eye(3)
    >>> paired, ga, gb = info_nce_loss(W, W, A, A, 0.1)  # each sample's partner is itself
    >>> bool(paired < info_nce_loss(W, W, A, A[::-1], 0.1)[0]), ga.shape
    (True, (3, 3))
    """
    n = len(A)
    T = np.eye(n) if targets is None else targets
    Za, Zb = A @ Wa, B @ Wb
    na = np.maximum(np.linalg.norm(Za, axis=1, keepdims=True), 1e-12)
    nb = np.maximum(np.linalg.norm(Zb, axis=1, keepdims=True), 1e-12)
    Ua, Ub = Za / na, Zb / nb
    S = Ua @ Ub.T / temperature
    log_rows, log_cols = log_softmax(S, axis=1), log_softmax(S, axis=0)
    loss = -0.5 * (float(np.sum(T * log_rows)) + float(np.sum(T.T * log_cols))) / n
    # d loss / d S: each direction's softmax minus its targets, averaged over the two directions and the batch.
    dS = 0.5 * ((np.exp(log_rows) - T) + (np.exp(log_cols) - T.T)) / n
    dUa, dUb = dS @ Ub / temperature, dS.T @ Ua / temperature
    # Through the normalisation u = z / |z|: du -> (du - u (u . du)) / |z|.
    dZa = (dUa - Ua * np.sum(Ua * dUa, axis=1, keepdims=True)) / na
    dZb = (dUb - Ub * np.sum(Ub * dUb, axis=1, keepdims=True)) / nb
    return loss, A.T @ dZa, B.T @ dZb


class InfoNCE(BaseEstimator):
    """Two linear encoders into one space, trained so that each sample's two views are nearest each other.

    The two-view estimator behind `mmdemo.crossmodal.spaces.ContrastiveSpace` (it
    plays the part CCA plays there: ``fit(A, B)``, then ``x_weights_`` and
    ``y_weights_``; ``fit(A, B, C)`` for three views, then ``weights_``). Trained with Adam on mini-batches of pairs, one `partial_fit`
    per epoch, so a page can show the training as it happens; ``history_`` keeps
    the loss of every epoch.

    Parameters
    ----------
    n_components : int, default=8
    temperature : float, default=0.1
    epochs : int, default=60
        Epochs `fit` runs.
    batch_size : int, default=256
    learning_rate : float, default=0.02
    alpha : float, default=1e-4
        L2 penalty on the encoders.
    random_state : int, RandomState or None

    Attributes
    ----------
    weights_ : list of ndarray, shape=(d_v, k)
        One encoder per view; ``x_weights_`` and ``y_weights_`` name the first two.
    history_ : list of float
        Mean training loss of each epoch.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = rng.normal(size=(300, 4))
    >>> A, B = t @ rng.normal(size=(4, 6)), t @ rng.normal(size=(4, 5))
    >>> model = InfoNCE(n_components=4, random_state=0).fit(A, B)
    >>> bool(model.history_[-1] < model.history_[0] / 2)
    True
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 2, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components: int = 8,
        temperature: float = 0.1,
        epochs: int = 60,
        batch_size: int = 256,
        learning_rate: float = 0.02,
        alpha: float = 1e-4,
        random_state=None,
    ) -> None:
        self.n_components = n_components
        self.temperature = temperature
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.alpha = alpha
        self.random_state = random_state

    def fit(self, *views, groups=None) -> InfoNCE:
        """Train for ``epochs`` from a seeded start on two views or more (one array per view, same rows).

        ``groups`` (one label per row) makes every pair of the same group a
        positive (for data paired by label only). With three views or more the
        loss is the mean of the pairwise losses (every pair of views).
        """
        self._validate_params()
        for attr in ("weights_", "history_"):
            self.__dict__.pop(attr, None)
        for _ in range(self.epochs):
            self.partial_fit(*views, groups=groups)
        return self

    @property
    def x_weights_(self) -> np.ndarray:
        """The first view's encoder (two-view naming, as scikit-learn's CCA)."""
        return self.weights_[0]

    @property
    def y_weights_(self) -> np.ndarray:
        """The second view's encoder."""
        return self.weights_[1]

    def partial_fit(self, *views, groups=None) -> InfoNCE:
        """One epoch over the pairs in a seeded random order."""
        views = [np.asarray(V, dtype=np.float64) for V in views]
        if not hasattr(self, "weights_"):
            self._start([V.shape[1] for V in views])
        n, losses = len(views[0]), []
        pairs = [(i, j) for i in range(len(views)) for j in range(i + 1, len(views))]
        order = self._rng.permutation(n)
        for lo in range(0, n, self.batch_size):
            batch = order[lo : lo + self.batch_size]
            if len(batch) < 2:
                continue
            targets = None
            if groups is not None:
                same = (np.asarray(groups)[batch][:, None] == np.asarray(groups)[batch][None, :]).astype(float)
                targets = same / same.sum(axis=1, keepdims=True)
            grads = [self.alpha * W for W in self.weights_]
            loss = 0.0
            for i, j in pairs:
                part, gi, gj = info_nce_loss(
                    self.weights_[i], self.weights_[j], views[i][batch], views[j][batch], self.temperature, targets
                )
                loss += part / len(pairs)
                grads[i] += gi / len(pairs)
                grads[j] += gj / len(pairs)
            losses.append(loss)
            self._adam(grads)
        self.history_.append(float(np.mean(losses)) if losses else float("nan"))
        return self

    def _start(self, widths: list[int]) -> None:
        self._rng = check_random_state(self.random_state)
        k = self.n_components
        self.weights_ = [self._rng.normal(scale=1 / np.sqrt(d), size=(d, k)) for d in widths]
        self._moments = [[np.zeros_like(w), np.zeros_like(w)] for w in self.weights_]
        self._step = 0
        self.history_ = []

    def _adam(self, grads: list[np.ndarray], beta1: float = 0.9, beta2: float = 0.999) -> None:
        self._step += 1
        for w, g, (m, v) in zip(self.weights_, grads, self._moments):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            m_hat, v_hat = m / (1 - beta1**self._step), v / (1 - beta2**self._step)
            w -= self.learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
