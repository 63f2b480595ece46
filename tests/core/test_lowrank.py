"""Low-rank fusion (LMF): the written-out gradient, what rank one can solve, missing modalities, weight counts."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from mmdemo.fusion import FUSIONS, LowRankFusionClassifier, make_fusion_model
from mmdemo.fusion.lowrank import lmf_loss, n_parameters

BLOCKS = {"a": (0, 3), "b": (3, 5), "c": (5, 9)}


@pytest.mark.parametrize("rank", [1, 3])
@pytest.mark.parametrize("n_modalities", [1, 2, 3])
def test_the_gradient_matches_finite_differences(rank, n_modalities):
    rng = np.random.default_rng(rank * 10 + n_modalities)
    factors = [np.column_stack([rng.normal(size=(12, d)), np.ones(12)]) for d in (3, 2, 4)[:n_modalities]]
    Y = np.eye(3)[rng.integers(0, 3, size=12)]
    size = rank * sum(f.shape[1] for f in factors) * 3 + 3
    params = rng.normal(scale=0.7, size=size)
    loss, grad = lmf_loss(params, factors, Y, rank, 0.05)
    numeric = approx_fprime(params, lambda p: lmf_loss(p, factors, Y, rank, 0.05)[0], 1e-6)
    assert np.isfinite(loss) and grad.shape == params.shape
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-6)


def test_the_loss_is_the_penalised_cross_entropy_of_the_product_scores():
    """Rank one, two modalities, one class score: b + <f_a, w_a> <f_b, w_b>, by hand."""
    f_a, f_b = np.array([[1.0, 2.0, 1.0]]), np.array([[-1.0, 1.0]])
    w_a = np.array([0.5, -1.0, 2.0])  # <f_a, w_a> = 0.5
    w_b = np.array([1.0, 3.0])  # <f_b, w_b> = 2
    params = np.concatenate([np.column_stack([w_a, -w_a]).ravel(), np.column_stack([w_b, w_b]).ravel(), [0.1, 0.0]])
    loss, _ = lmf_loss(params, [f_a, f_b], np.array([[1.0, 0.0]]), 1, 0.2)
    scores = np.array([0.1 + 0.5 * 2, 0.0 - 0.5 * 2])
    cross_entropy = -(scores[0] - np.log(np.exp(scores).sum()))
    penalty = 0.1 * (2 * w_a @ w_a + 2 * w_b @ w_b)
    assert loss == pytest.approx(cross_entropy + penalty)


@pytest.fixture(scope="module")
def xor():
    """The class is the sign of a product of one direction of block a and one of block b: a rank-one interaction."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    y = ((X[:, 0] + X[:, 1]) * X[:, 4] > 0).astype(int)
    return X, y


def test_rank_one_solves_a_rank_one_interaction_that_adding_up_cannot(xor):
    X, y = xor
    blocks = {"a": (0, 3), "b": (3, 5)}
    lmf = LowRankFusionClassifier(blocks=blocks, rank=1, n_components=3, random_state=0).fit(X[:300], y[:300])
    early = make_fusion_model("early", _logreg(), blocks).fit(X[:300], y[:300])
    assert lmf.score(X[300:], y[300:]) > 0.9
    assert early.score(X[300:], y[300:]) < 0.65
    assert lmf.n_parameters_ == n_parameters("lmf", [3, 2], 2, rank=1) == 1 * (4 + 3) * 2 + 2


def test_the_seed_fixes_the_fit_and_another_seed_starts_elsewhere(xor):
    X, y = xor
    fit = lambda seed: LowRankFusionClassifier(blocks={"a": (0, 3), "b": (3, 5)}, rank=2, random_state=seed).fit(X, y)  # noqa: E731
    np.testing.assert_array_equal(fit(3).predict_proba(X), fit(3).predict_proba(X))
    assert not np.allclose(fit(3).factors_[0], fit(4).factors_[0])


def test_a_missing_modality_gets_its_training_mean(xor):
    """z_m = 0 for the missing block: the same scores as a sample whose block sits at the training mean."""
    X, y = xor
    blocks = {"a": (0, 3), "b": (3, 5)}
    lmf = LowRankFusionClassifier(blocks=blocks, rank=2, random_state=0).fit(X, y)
    hidden, at_mean = X[:5].copy(), X[:5].copy()
    hidden[:, 3:5] = np.nan
    at_mean[:, 3:5] = X[:, 3:5].mean(axis=0)
    np.testing.assert_allclose(lmf.predict_proba(hidden), lmf.predict_proba(at_mean), atol=1e-9)
    assert str(lmf.missing_strategy) == "mean imputation"


def test_it_is_a_registered_fusion_with_its_seed():
    model = make_fusion_model("lmf", _logreg(), BLOCKS, random_state=7)
    assert "lmf" in FUSIONS and isinstance(model, LowRankFusionClassifier) and model.random_state == 7


def test_weight_counts_grow_with_the_sum_of_widths_not_their_product():
    dims = [24, 24, 24]
    counts = [n_parameters("lmf", dims, 10, rank=r) for r in (1, 2, 4, 8)]
    assert counts == [760, 1510, 3010, 6010]
    assert max(counts) < n_parameters("tensor", dims, 10) == (25**3 + 1) * 10


def _logreg():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=1000)


@pytest.fixture(scope="module")
def small_xor():
    from mmdemo.datasets import make_xor_shapes

    return make_xor_shapes(240)


def test_it_joins_compare_and_saves_and_loads_like_any_model(small_xor, tmp_path):
    from mmdemo.experiments.evaluate import compare, train_and_evaluate
    from mmdemo.model import MultimodalModel

    by_fusion = {r.fusion: r.accuracy for r in compare(small_xor, fusions=["early", "lmf"])}
    assert by_fusion["lmf"] > 0.9 > 0.7 > by_fusion["early"]
    _, model = train_and_evaluate(small_xor, fusion="lmf")
    model.save(tmp_path / "lmf.skops")
    back = MultimodalModel.load(tmp_path / "lmf.skops")
    X = model.matrix(small_xor, range(20))
    np.testing.assert_allclose(back.proba_from_features(X), model.proba_from_features(X))


def test_it_joins_the_missing_modality_strategies_and_the_robustness_lab(small_xor):
    from mmdemo.experiments.evaluate import missing_modality_report
    from mmdemo.experiments.robustness import RobustnessLab

    rows = missing_modality_report(small_xor, fusions=["lmf"])
    strategies = {r["strategy"] for r in rows if r["fusion"] == "lmf"}
    assert strategies >= {"none", "fusion default", "mean", "fallback", "shared space"}
    full = next(r["accuracy"] for r in rows if r["fusion"] == "lmf" and r["strategy"] == "none")
    hidden = [r["accuracy"] for r in rows if r["fusion"] == "lmf" and r["strategy"] == "fusion default"]
    assert full > 0.9 and max(hidden) < 0.7  # the class is an interaction: one modality alone cannot tell it
    lab = RobustnessLab(small_xor, fusions=["lmf"]).fit()
    assert lab.score({})["lmf"] > 0.9 > 0.7 > lab.score({"audio:missing": 1.0})["lmf"]
