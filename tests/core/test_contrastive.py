"""The contrastive (InfoNCE) link: its written-out gradient, and what training does."""

from __future__ import annotations

import numpy as np
import pytest

from mmdemo.crossmodal.contrastive import InfoNCE, info_nce_loss


@pytest.mark.parametrize("grouped", [False, True])
def test_the_gradient_matches_finite_differences(grouped):
    rng = np.random.default_rng(int(grouped))
    A, B = rng.normal(size=(10, 4)), rng.normal(size=(10, 3))
    Wa, Wb = rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    targets = None
    if grouped:
        g = rng.integers(0, 3, size=10)
        same = (g[:, None] == g[None, :]).astype(float)
        targets = same / same.sum(axis=1, keepdims=True)
    _, ga, gb = info_nce_loss(Wa, Wb, A, B, 0.3, targets)
    num_a = _central(lambda w: info_nce_loss(w.reshape(4, 2), Wb, A, B, 0.3, targets)[0], Wa.ravel())
    num_b = _central(lambda w: info_nce_loss(Wa, w.reshape(3, 2), A, B, 0.3, targets)[0], Wb.ravel())
    np.testing.assert_allclose(ga.ravel(), num_a, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gb.ravel(), num_b, rtol=1e-6, atol=1e-8)


def _central(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central finite differences of a scalar function."""
    out = np.zeros_like(x)
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def test_training_finds_each_samples_partner_among_held_out_pairs():
    rng = np.random.default_rng(0)
    t = rng.normal(size=(600, 6))  # what both views share
    A = t @ rng.normal(size=(6, 20)) + 0.3 * rng.normal(size=(600, 20))
    B = t @ rng.normal(size=(6, 12)) + 0.3 * rng.normal(size=(600, 12))
    model = InfoNCE(n_components=6, random_state=0).fit(A[:500], B[:500])
    Ua, Ub = (
        Z / np.linalg.norm(Z, axis=1, keepdims=True) for Z in (A[500:] @ model.x_weights_, B[500:] @ model.y_weights_)
    )
    hits = np.mean(np.argmax(Ua @ Ub.T, axis=1) == np.arange(100))
    assert hits > 0.8  # chance is 0.01
    assert model.history_[-1] < 0.5 * model.history_[0] and len(model.history_) == model.epochs


def test_the_seed_fixes_the_training():
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(80, 5)), rng.normal(size=(80, 4))
    first, again = (InfoNCE(n_components=3, epochs=5, random_state=7).fit(A, B) for _ in range(2))
    np.testing.assert_array_equal(first.x_weights_, again.x_weights_)
    assert first.history_ == again.history_
