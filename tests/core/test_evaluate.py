"""Splits, metrics and comparisons, including the xor-shapes proof that ⊗ differs from ⊕."""

from __future__ import annotations

import numpy as np
import pytest

from mmdemo.datasets import make_xor_shapes
from mmdemo.errors import DatasetError, ParameterError
from mmdemo.experiments.evaluate import compare, cross_validate, train_and_evaluate
from mmdemo.fusion import FUSIONS
from mmdemo.splits import split_indices
from tests.contract import TRAIN_KEYS as CONTRACT_KEYS

CHANCE_BAND = 0.65


@pytest.fixture(scope="module")
def xor_comparison():
    """Every fusion method with logistic regression on the default xor-shapes (600 samples)."""
    calls = []
    results = compare(
        make_xor_shapes(), classifier="logreg", progress=lambda done, total, name: calls.append((done, total, name))
    )
    return results, calls


@pytest.fixture(scope="module")
def small_xor():
    return make_xor_shapes(200, seed=1)


# ------------------------------------------------------------------ split


def test_split_indices_is_stratified_and_complete():
    y = np.repeat([0, 1, 2], [20, 40, 60])
    train, test = split_indices(y, test_size=0.25, seed=0)
    assert len(np.intersect1d(train, test)) == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(len(y)))
    np.testing.assert_array_equal(np.bincount(y[test]), [5, 10, 15])


def test_split_indices_is_deterministic_given_the_seed():
    y = np.repeat([0, 1], 50)
    first, again = split_indices(y, seed=3), split_indices(y, seed=3)
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[1], split_indices(y, seed=4)[1])


def test_split_indices_refuses_a_class_with_one_sample():
    y = np.array([0] * 10 + [1] * 10 + [2])
    with pytest.raises(DatasetError, match="at least 2 samples"):
        split_indices(y)


@pytest.mark.parametrize(
    "y,test_size,error",
    [
        (np.zeros(10, dtype=int), 0.25, DatasetError),  # one class
        (np.repeat([0, 1], 10), 0.95, ParameterError),
        (np.repeat([0, 1], 10), 0.0, ParameterError),
    ],
)
def test_split_indices_other_errors(y, test_size, error):
    with pytest.raises(error):
        split_indices(y, test_size=test_size)


# ------------------------------------------------------ train and evaluate


def test_train_and_evaluate_result_is_self_consistent(small_xor):
    result, model = train_and_evaluate(small_xor, fusion="early", test_size=0.3, seed=2)
    cm = np.asarray(result.confusion_matrix)
    assert result.n_train + result.n_test == small_xor.n_samples
    assert cm.shape == (2, 2) and cm.sum() == result.n_test
    assert result.accuracy == pytest.approx(np.trace(cm) / cm.sum(), abs=1e-4)
    _, test = split_indices(small_xor.y, test_size=0.3, seed=2)
    np.testing.assert_array_equal(cm.sum(axis=1), np.bincount(small_xor.y[test]))  # rows are the true classes
    assert 0.0 <= result.macro_f1 <= 1.0
    assert set(result.per_modality) == {"image", "audio"}
    assert result.modalities == ["image", "audio"] and result.fusion == "early" and result.classifier == "logreg"
    assert result.fit_seconds >= 0 and result.class_names == ["agree", "differ"]
    assert result.fusion_gain == pytest.approx(result.accuracy - max(result.per_modality.values()))
    assert set(result.to_dict()) >= CONTRACT_KEYS
    assert model.class_names_ == small_xor.class_names


def test_single_modality_reports_itself_as_per_modality(small_xor):
    result, _ = train_and_evaluate(small_xor, modalities=["image"], fusion="tensor")
    assert result.fusion == "single"
    assert result.per_modality == {"image": result.accuracy}
    assert result.fusion_gain is None


# ------------------------------------------------------------ compare


def test_compare_runs_every_fusion_on_the_same_split(xor_comparison):
    results, calls = xor_comparison
    assert [r.fusion for r in results] == list(FUSIONS)
    assert len({(r.n_train, r.n_test) for r in results}) == 1
    assert results[0].n_train + results[0].n_test == 600
    # Same test rows: the true-class counts (confusion-matrix rows) are identical.
    assert len({tuple(np.sum(r.confusion_matrix, axis=1)) for r in results}) == 1
    assert all(r.per_modality == results[0].per_modality for r in results)
    assert set(results[0].per_modality) == {"image", "audio"}
    assert calls == [(k + 1, len(FUSIONS), name) for k, name in enumerate(FUSIONS)]


def test_xor_shapes_each_modality_alone_is_at_chance(xor_comparison):
    results, _ = xor_comparison
    for modality, accuracy in results[0].per_modality.items():
        assert accuracy <= CHANCE_BAND, f"{modality} alone should not predict an XOR label"


@pytest.mark.parametrize(
    "fusion", ["early", "late", "late-product", "late-stacking", "shared-cca", "shared-pls", "shared-contrastive"]
)
def test_xor_shapes_additive_fusion_stays_at_chance(xor_comparison, fusion):
    results, _ = xor_comparison
    accuracy = {r.fusion: r.accuracy for r in results}[fusion]
    assert accuracy <= CHANCE_BAND


def test_xor_shapes_tensor_fusion_solves_the_interaction(xor_comparison):
    results, _ = xor_comparison
    accuracy = {r.fusion: r.accuracy for r in results}
    assert accuracy["tensor"] >= 0.90
    assert accuracy["tensor-sketch"] > CHANCE_BAND  # the compact approximation still sees the interaction


def test_compare_with_one_modality_has_one_result(small_xor):
    results = compare(small_xor, modalities=["audio"])
    assert [r.fusion for r in results] == ["single"]


# ---------------------------------------------------------- cross-validate


def test_cross_validate_returns_k_folds(small_xor):
    scores = cross_validate(small_xor, fusion="early", n_splits=3)
    assert len(scores["folds"]) == 3
    assert all(0.0 <= s <= 1.0 for s in scores["folds"])
    assert scores["mean"] == pytest.approx(np.mean(scores["folds"]), abs=1e-3)
    assert scores["std"] == pytest.approx(np.std(scores["folds"]), abs=1e-3)


def test_cross_validate_needs_k_samples_per_class(small_xor):
    tiny = small_xor.subset(np.r_[np.flatnonzero(small_xor.y == 0)[:3], np.flatnonzero(small_xor.y == 1)[:10]])
    with pytest.raises(DatasetError, match="5-fold"):
        cross_validate(tiny, n_splits=5)
