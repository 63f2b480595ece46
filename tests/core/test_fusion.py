"""Fusion methods: scikit-learn compatibility, the documented maths, and missing modalities."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from mmdemo.errors import ParameterError
from mmdemo.fusion import (
    FUSIONS,
    EarlyFusion,
    LateFusionClassifier,
    LowRankFusionClassifier,
    TensorFusion,
    TensorSketchFusion,
    make_fusion_model,
)

BLOCKS = {"a": (0, 3), "b": (3, 7)}


@parametrize_with_checks(
    [
        EarlyFusion(),
        TensorFusion(),
        TensorSketchFusion(random_state=0),
        LateFusionClassifier(rule="mean"),
        LateFusionClassifier(rule="product"),
        LateFusionClassifier(rule="stacking"),
        LowRankFusionClassifier(random_state=0),
    ]
)
def test_scikit_learn_common_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def toy():
    """Two blocks (3 and 4 columns) on different scales; the class depends on both."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(160, 7)) * [1, 5, 0.1, 2, 3, 10, 0.5] + [5, -2, 0, 1, 100, 3, 0]
    y = ((X[:, 0] > 5) ^ (X[:, 3] > 1)).astype(int)
    return X, y


def _drop(X: np.ndarray, rows: slice, block: tuple[int, int]) -> np.ndarray:
    """A copy of X where ``rows`` lack the modality in columns ``block`` (rows of NaN)."""
    out = X.copy()
    out[rows, block[0] : block[1]] = np.nan
    return out


# ---------------------------------------------------------------- early fusion


def test_early_fusion_gives_each_block_equal_total_variance(toy):
    """Block-scaled, then divided by sqrt(width): a wide block does not drown a narrow one."""
    X, _ = toy
    Z = EarlyFusion(blocks=BLOCKS).fit_transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-10)
    assert Z[:, :3].var(axis=0).sum() == pytest.approx(1.0)
    assert Z[:, 3:].var(axis=0).sum() == pytest.approx(1.0)


def test_early_fusion_keeps_a_nearly_constant_column_small():
    """A border pixel that is almost always dark is not blown up to the spread of the busy ones."""
    rng = np.random.default_rng(0)
    X = np.c_[rng.random((200, 5)), np.r_[np.zeros(199), 1.0]]  # the last column: ink once in 200
    Z = EarlyFusion(blocks={"image": (0, 6)}).fit_transform(X)
    assert np.abs(Z[:, 5]).max() < 2 * np.abs(Z[:, :5]).max()
    assert np.abs(StandardScaler().fit_transform(X)[:, 5]).max() > 10  # what per-column scaling did


def test_early_fusion_weight_multiplies_only_its_block(toy):
    X, _ = toy
    plain = EarlyFusion(blocks=BLOCKS).fit_transform(X)
    weighted = EarlyFusion(blocks=BLOCKS, weights={"a": 3.0, "b": 0.5}).fit_transform(X)
    np.testing.assert_allclose(weighted[:, :3], 3.0 * plain[:, :3])
    np.testing.assert_allclose(weighted[:, 3:], 0.5 * plain[:, 3:])
    only_a = EarlyFusion(blocks=BLOCKS, weights={"a": 2.0}).fit_transform(X)
    np.testing.assert_allclose(only_a[:, 3:], plain[:, 3:])


def test_early_fusion_fills_a_missing_block_with_the_training_mean(toy):
    X, _ = toy
    fusion = EarlyFusion(blocks=BLOCKS).fit(X)
    Z = fusion.transform(_drop(X[:10], slice(0, 5), BLOCKS["a"]))
    np.testing.assert_allclose(Z[:5, :3], 0.0)  # the mean, after centring
    np.testing.assert_allclose(Z[:5, 3:], fusion.transform(X[:5])[:, 3:])


# --------------------------------------------------------------- tensor fusion


def test_tensor_fusion_width_is_product_of_k_plus_one():
    X = np.random.default_rng(1).normal(size=(50, 10))
    blocks = {"a": (0, 2), "b": (2, 5), "c": (5, 10)}
    fusion = TensorFusion(blocks=blocks, n_components=3).fit(X)
    ks = [pca.n_components_ for _, _, pca in fusion.projections_]
    assert ks == [2, 3, 3]  # a block narrower than n_components keeps its width
    assert fusion.transform(X).shape == (50, 3 * 4 * 4)
    assert fusion.n_features_out_ == 48


def test_tensor_fusion_holds_unimodal_terms_and_all_products(toy):
    X, _ = toy
    k = 2
    T = TensorFusion(blocks=BLOCKS, n_components=k).fit_transform(X).reshape(len(X), k + 1, k + 1)
    # Each modality alone: the same projection, [z; 1].
    za = TensorFusion(n_components=k).fit_transform(X[:, :3])
    zb = TensorFusion(n_components=k).fit_transform(X[:, 3:])
    np.testing.assert_allclose(za[:, -1], 1.0)
    np.testing.assert_allclose(T[:, :k, k], za[:, :k])  # z_a times the appended 1
    np.testing.assert_allclose(T[:, k, :k], zb[:, :k])  # z_b times the appended 1
    np.testing.assert_allclose(T[:, k, k], 1.0)
    np.testing.assert_allclose(T, za[:, :, None] * zb[:, None, :])  # every pairwise product


def test_tensor_fusion_missing_block_keeps_only_present_terms(toy):
    X, _ = toy
    k = 2
    fusion = TensorFusion(blocks=BLOCKS, n_components=k).fit(X)
    full = fusion.transform(X[:4]).reshape(4, k + 1, k + 1)
    T = fusion.transform(_drop(X[:4], slice(None), BLOCKS["a"])).reshape(4, k + 1, k + 1)
    np.testing.assert_allclose(T[:, :k, :], 0.0)  # z_a = 0: its products vanish
    np.testing.assert_allclose(T[:, k, :], full[:, k, :])  # b's own terms are untouched


def test_tensor_sketch_inner_products_approximate_the_outer_product():
    X = np.random.default_rng(2).normal(size=(60, 10))
    blocks = {"a": (0, 5), "b": (5, 10)}
    T = TensorFusion(blocks=blocks, n_components=4).fit_transform(X)
    upper = np.triu_indices(len(X))
    exact = (T @ T.T)[upper]

    def correlation(sketch_dim: int) -> float:
        S = TensorSketchFusion(blocks=blocks, n_components=4, sketch_dim=sketch_dim, random_state=0).fit_transform(X)
        assert S.shape == (60, sketch_dim)
        return float(np.corrcoef(exact, (S @ S.T)[upper])[0, 1])

    wide, narrow = correlation(2048), correlation(8)
    assert wide > 0.98
    assert narrow < wide  # collisions of a tiny sketch blur the products


def test_tensor_sketch_is_reproducible_with_a_seed(toy):
    X, _ = toy
    a = TensorSketchFusion(blocks=BLOCKS, sketch_dim=32, random_state=3).fit_transform(X)
    b = TensorSketchFusion(blocks=BLOCKS, sketch_dim=32, random_state=3).fit_transform(X)
    c = TensorSketchFusion(blocks=BLOCKS, sketch_dim=32, random_state=4).fit_transform(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


# ----------------------------------------------------------- missing modality


@pytest.mark.parametrize(
    "transformer",
    [EarlyFusion(blocks=BLOCKS), TensorFusion(blocks=BLOCKS), TensorSketchFusion(blocks=BLOCKS, random_state=0)],
    ids=type,
)
def test_fusion_transformers_accept_a_missing_modality(transformer, toy):
    X, _ = toy
    transformer.fit(X)
    Xm = _drop(_drop(X[:20], slice(0, 10), BLOCKS["a"]), slice(10, 20), BLOCKS["b"])
    assert np.isfinite(transformer.transform(Xm)).all()


@pytest.mark.parametrize("fusion", list(FUSIONS))
def test_every_fusion_model_predicts_with_one_modality_missing(fusion, toy):
    X, y = toy
    model = make_fusion_model(fusion, LogisticRegression(max_iter=1000), BLOCKS).fit(X, y)
    Xm = _drop(_drop(X[:20], slice(0, 10), BLOCKS["a"]), slice(10, 20), BLOCKS["b"])
    proba = model.predict_proba(Xm)
    assert proba.shape == (20, 2)
    assert np.isfinite(proba).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(Xm)) <= {0, 1}


def test_make_fusion_model_rejects_an_unknown_fusion():
    with pytest.raises(ParameterError, match="Unknown fusion 'sum'"):
        make_fusion_model("sum", LogisticRegression(), BLOCKS)


# ------------------------------------------------------------------ late fusion


@pytest.mark.parametrize("rule", ["mean", "product"])
def test_late_fusion_per_block_probabilities_are_nan_where_missing(rule, toy):
    X, y = toy
    clf = LateFusionClassifier(blocks=BLOCKS, rule=rule).fit(X, y)
    Xm = _drop(_drop(X[:20], slice(0, 10), BLOCKS["a"]), slice(10, 20), BLOCKS["b"])
    per = clf.predict_proba_per_block(Xm)
    assert set(per) == {"a", "b"}
    assert np.isnan(per["a"][:10]).all() and np.isfinite(per["a"][10:]).all()
    assert np.isnan(per["b"][10:]).all() and np.isfinite(per["b"][:10]).all()
    # A sample is decided by the modality it has.
    fused = clf.predict_proba(Xm)
    np.testing.assert_allclose(fused[:10], per["b"][:10], atol=1e-6)
    np.testing.assert_allclose(fused[10:], per["a"][10:], atol=1e-6)


def test_late_fusion_rules_combine_block_probabilities_as_documented(toy):
    X, y = toy
    mean = LateFusionClassifier(blocks=BLOCKS, rule="mean", weights={"a": 3.0}).fit(X, y)
    per = mean.predict_proba_per_block(X[:20])
    np.testing.assert_allclose(mean.predict_proba(X[:20]), (3 * per["a"] + per["b"]) / 4)
    product = LateFusionClassifier(blocks=BLOCKS, rule="product").fit(X, y)
    per = product.predict_proba_per_block(X[:20])
    expected = per["a"] * per["b"]
    np.testing.assert_allclose(product.predict_proba(X[:20]), expected / expected.sum(axis=1, keepdims=True), rtol=1e-6)
