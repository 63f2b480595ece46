"""Missing modality at prediction time: the strategies, the model's `missing=` argument, the report."""

from __future__ import annotations

import numpy as np
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from mmdemo.datasets import load_dataset, make_xor_shapes
from mmdemo.errors import InputError, ParameterError
from mmdemo.experiments.evaluate import missing_modality_report
from mmdemo.fusion import FUSIONS, make_fusion_model
from mmdemo.fusion.missing import (
    MISSING_STRATEGIES,
    BlockMeanImputer,
    SharedSpaceImputer,
    SubsetFallbackClassifier,
    present_modalities,
)
from mmdemo.model import MultimodalModel
from mmdemo.splits import split_indices

STRATEGIES = list(MISSING_STRATEGIES)


@parametrize_with_checks([BlockMeanImputer(), SharedSpaceImputer(), SubsetFallbackClassifier()])
def test_scikit_learn_common_checks(estimator, check):
    check(estimator)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def xor():
    return make_xor_shapes(200)


@pytest.fixture(scope="module")
def av():
    """A small av-digits (20 samples a class): three modalities."""
    ds = load_dataset("av-digits")
    return ds.subset(np.concatenate([np.flatnonzero(ds.y == c)[:20] for c in range(ds.n_classes)]))


@pytest.fixture(scope="module")
def av_cache():
    return {}


def _fit_all(ds, cache=None) -> dict[str, MultimodalModel]:
    train, _ = split_indices(ds.y, seed=0)
    return {f: MultimodalModel(ds.modalities, fusion=f).fit(ds, train, feature_cache=cache) for f in FUSIONS}


@pytest.fixture(scope="module")
def xor_models(xor):
    return _fit_all(xor)


@pytest.fixture(scope="module")
def av_models(av, av_cache):
    return _fit_all(av, av_cache)


def _raw(ds, rows, missing=()) -> dict[str, list]:
    """Raw values of ``rows``, with the modalities ``missing`` given as None."""
    return {m: [None if m in missing else ds.data[m][i] for i in rows] for m in ds.modalities}


def _sample(ds, i, present) -> dict:
    """Keyword arguments of `predict_sample` for sample ``i`` with only the modalities ``present``."""
    given = {m: ds.data[m][i] for m in present}
    if "audio" in given:
        given["audio"] = (given["audio"], ds.sample_rate)
    return given


# --------------------------------------------------- every fusion x strategy


def _check_probabilities(proba: np.ndarray, n: int, n_classes: int) -> None:
    assert proba.shape == (n, n_classes)
    assert np.isfinite(proba).all() and (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("fusion", FUSIONS)
def test_two_modalities_one_missing(fusion, strategy, xor, xor_models):
    model = xor_models[fusion]
    for missing in ("image", "audio"):
        proba = model.predict_proba(_raw(xor, range(8), missing=[missing]), missing=strategy)
        _check_probabilities(proba, 8, 2)
        present = [m for m in xor.modalities if m != missing]
        out = model.predict_sample(**_sample(xor, 0, present), missing=strategy)
        assert out["missing_strategy"].startswith(f"{strategy}: ")
        assert out["label"] in xor.class_names and out["used"] == present


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("fusion", FUSIONS)
def test_three_modalities_one_or_two_missing(fusion, strategy, av, av_models):
    model = av_models[fusion]
    for present in (["audio", "text"], ["image", "text"], ["image", "audio"], ["image"], ["audio"], ["text"]):
        missing = [m for m in av.modalities if m not in present]
        proba = model.predict_proba(_raw(av, range(0, 200, 40), missing=missing), missing=strategy)
        _check_probabilities(proba, 5, 10)
        out = model.predict_sample(**_sample(av, 3, present), missing=strategy)
        assert out["missing_strategy"].startswith(f"{strategy}: ") and out["used"] == present


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_all_modalities_missing_raises_input_error(strategy, av, av_models):
    model = av_models["late-stacking"]
    with pytest.raises(InputError, match="image, audio, text"):
        model.predict_sample(missing=strategy)
    raw = _raw(av, [0, 1])
    raw = {m: [v[0], None] for m, v in raw.items()}
    with pytest.raises(InputError, match="Sample.* 1 "):
        model.predict_proba(raw, missing=strategy)


def test_every_strategy_equals_the_fused_model_when_nothing_is_missing(av, av_models):
    model = av_models["tensor"]
    raw = _raw(av, range(0, 200, 20))
    expected = model.predict_proba(raw)
    for strategy in STRATEGIES:
        np.testing.assert_array_equal(model.predict_proba(raw, missing=strategy), expected)
    out = model.predict_sample(**_sample(av, 0, av.modalities), missing="shared space")
    assert out["missing_strategy"] == "none (all modalities given)"


def test_the_strategy_used_is_named(av, av_models):
    model = av_models["early"]
    given = _sample(av, 5, ["image", "text"])
    said = {s: model.predict_sample(**given, missing=s)["missing_strategy"] for s in STRATEGIES}
    assert said == {
        "fusion default": "fusion default: mean imputation",
        "mean": "mean: audio filled with the training mean",
        "fallback": "fallback: image+text model",
        "shared space": "shared space: audio predicted from image+text through PLS",
    }
    only_audio = av_models["late"].predict_sample(**_sample(av, 5, ["audio"]), missing="mean")
    assert only_audio["missing_strategy"] == "mean: image and text filled with the training mean"


# ------------------------------------------------------------------ fallback


@pytest.mark.parametrize("fusion", FUSIONS)
def test_fallback_with_only_the_image_is_the_unimodal_image_model(fusion, av, av_models):
    model = av_models[fusion]
    out = model.predict_sample(**_sample(av, 7, ["image"]), missing="fallback")
    assert out["missing_strategy"] == "fallback: image model"
    assert out["probabilities"] == out["per_modality"]["image"]
    X = model.transform_raw(_raw(av, range(0, 200, 10), missing=["audio", "text"]))
    a, b = model.blocks_["image"]
    np.testing.assert_allclose(  # the same model: equal up to round-off in the row order of BLAS sums
        model.proba_from_features(X, missing="fallback"),
        model.unimodal_["image"].predict_proba(X[:, a:b]),
        rtol=1e-9,
        atol=1e-12,
    )


def test_fallback_reuses_the_fitted_models_and_fits_only_the_pairs(av_models):
    model = av_models["early"]
    fallback = model.missing_["fallback"]
    assert sorted(fallback.estimators_) == sorted(
        ["image+audio+text", "image+audio", "image+text", "audio+text", "image", "audio", "text"]
    )
    assert fallback.estimators_["image+audio+text"] is model.estimator_
    assert all(fallback.estimators_[m] is model.unimodal_[m] for m in ("image", "audio", "text"))


def test_fallback_uses_the_largest_subset_that_has_a_model():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 30)
    X = rng.normal(size=(60, 4)) + y[:, None]
    X[:, 2:] = np.nan  # b is never seen in training
    clf = SubsetFallbackClassifier(blocks={"a": (0, 2), "b": (2, 4)}).fit(X, y)
    assert sorted(clf.estimators_) == ["a"]
    assert clf.model_for(["a", "b"]) == "a" and clf.model_for(["b"]) is None
    Xb = rng.normal(size=(3, 4))
    Xb[:, :2] = np.nan
    np.testing.assert_allclose(clf.predict_proba(Xb), 0.5)  # class frequencies
    assert clf.describe(["b"]) == "class frequencies (no model for these modalities)"


# -------------------------------------------------------------- shared space


def test_shared_space_beats_mean_when_one_block_is_a_noisy_linear_function_of_the_other():
    """Tensor fusion learns the class from products a_i * b_j; without b the mean leaves only chance."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(600, 4))
    b = a @ rng.normal(size=(4, 6)) + 0.1 * rng.normal(size=(600, 6))
    X, y = np.hstack([a, b]), (a[:, 0] * a[:, 1] > 0).astype(int)
    blocks = {"a": (0, 4), "b": (4, 10)}
    train, test = slice(0, 400), slice(400, None)
    fused = make_fusion_model("tensor", LogisticRegression(max_iter=2000), blocks).fit(X[train], y[train])
    Xm = X[test].copy()
    Xm[:, 4:] = np.nan
    scores, errors = {}, {}
    for name, imputer in [("mean", BlockMeanImputer(blocks=blocks)), ("shared", SharedSpaceImputer(blocks=blocks))]:
        filled = imputer.fit(X[train]).transform(Xm)
        scores[name] = np.mean(fused.predict(filled) == y[test])
        errors[name] = np.mean((filled[:, 4:] - X[test, 4:]) ** 2)
    assert scores["mean"] < 0.65 and scores["shared"] > 0.85
    assert errors["shared"] < 0.1 * errors["mean"]


def test_shared_space_learns_from_rows_where_both_blocks_are_present():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(80, 2))
    X = np.hstack([a, 2 * a])
    X[:30, 2:] = np.nan  # these rows cannot teach a -> b
    X[30:40, :2] = np.nan
    imputer = SharedSpaceImputer(blocks={"a": (0, 2), "b": (2, 4)}, n_components=2).fit(X)
    assert sorted(imputer.regressions_) == ["a -> b", "b -> a"]
    out = imputer.transform(X)
    np.testing.assert_allclose(out[:30, 2:], 2 * a[:30], atol=1e-6)
    np.testing.assert_allclose(out[30:40, :2], a[30:40], atol=1e-6)
    assert not np.isnan(out).any()


def test_present_modalities_marks_blocks_that_are_not_all_nan():
    X = np.array([[1.0, np.nan, np.nan], [np.nan, np.nan, 2.0]])
    assert present_modalities(X, {"a": (0, 2), "b": (2, 3)}).tolist() == [[True, False], [False, True]]


# ----------------------------------------------------------- the model's API


def test_unknown_strategy_and_unfitted_parts_are_parameter_errors(xor):
    train, _ = split_indices(xor.y, seed=0)
    model = MultimodalModel(["image", "audio"], fusion="late").fit(xor, train, fit_missing=False)
    assert model.missing_ == {}
    raw = _raw(xor, range(4), missing=["audio"])
    with pytest.raises(ParameterError, match="fit_missing=False"):
        model.predict_proba(raw, missing="fallback")
    with pytest.raises(ParameterError, match="Unknown missing-modality strategy 'median'"):
        model.predict_proba(raw, missing="median")
    # Nothing missing: every strategy is the fused model, no extra parts needed.
    assert model.predict(_raw(xor, range(4)), missing="shared space").shape == (4,)
    assert model.predict(raw).shape == (4,)


def test_save_and_load_keep_the_missing_modality_parts(av, av_models, tmp_path):
    model = av_models["late-stacking"]
    path = model.save(tmp_path / "av.skops")
    assert all(t.startswith(("mmdemo.", "sklearn.", "numpy.", "scipy.")) for t in sio.get_untrusted_types(file=path))
    loaded = MultimodalModel.load(path)
    raw = _raw(av, range(0, 200, 25), missing=["audio"])
    for strategy in STRATEGIES:
        np.testing.assert_array_equal(
            loaded.predict_proba(raw, missing=strategy), model.predict_proba(raw, missing=strategy)
        )
    # skops keeps shared references: the fallback's unimodal models are the model's own, not copies.
    assert loaded.missing_["fallback"].estimators_["image"] is loaded.unimodal_["image"]


# -------------------------------------------------------------------- report


def test_report_of_two_modalities(xor):
    rows = missing_modality_report(xor, fusions=["early", "tensor"])
    assert all(set(r) == {"fusion", "missing", "present", "strategy", "accuracy", "n_test"} for r in rows)
    keys = [(r["fusion"], r["missing"], r["strategy"]) for r in rows]
    expected = []
    for fusion in ("early", "tensor"):
        expected += [(fusion, "none", "none")] + [(fusion, m, s) for m in ("image", "audio") for s in STRATEGIES]
    assert keys == expected + [("single", "audio", "none"), ("single", "image", "none")]
    by_key = {(r["fusion"], r["missing"], r["strategy"]): r for r in rows}
    # With the audio blanked out, the fallback is the image model: the image baseline exactly.
    assert by_key["tensor", "audio", "fallback"]["accuracy"] == by_key["single", "audio", "none"]["accuracy"]
    assert by_key["tensor", "none", "none"]["accuracy"] > 0.8  # xor needs both modalities ...
    assert by_key["tensor", "audio", "fusion default"]["accuracy"] < 0.75  # ... and one alone is near chance
    assert {r["n_test"] for r in rows} == {50}


def test_report_of_three_modalities_blanks_each_modality_and_each_pair(av, av_cache):
    rows = missing_modality_report(av, fusions=["late"], strategies=["fallback", "mean"], feature_cache=av_cache)
    missing = [r["missing"] for r in rows if r["fusion"] == "late"]
    assert missing == ["none"] + [
        m for m in ["image", "audio", "text", "image+audio", "image+text", "audio+text"] for _ in range(2)
    ]
    present = {r["missing"]: r["present"] for r in rows if r["fusion"] == "late"}
    assert present["image+text"] == "audio" and present["none"] == "image+audio+text"
    singles = {r["present"]: r["accuracy"] for r in rows if r["fusion"] == "single"}
    fallback = {r["present"]: r["accuracy"] for r in rows if r["strategy"] == "fallback"}
    assert all(fallback[m] == singles[m] for m in ("image", "audio", "text"))


def test_report_rejects_an_unknown_strategy(xor):
    with pytest.raises(ParameterError, match="Unknown missing-modality strategy"):
        missing_modality_report(xor, fusions=["early"], strategies=["guess"])
