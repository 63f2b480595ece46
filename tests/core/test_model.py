"""MultimodalModel: saving and loading with skops' trusted types, and predicting one sample."""

from __future__ import annotations

import collections
import datetime
import io
import zipfile

import numpy as np
import pytest
import skops.io as sio

from mmdemo.datasets import make_xor_shapes
from mmdemo.errors import InputError, ParameterError
from mmdemo.features.audio import SAMPLE_RATE
from mmdemo.model import MultimodalModel
from mmdemo.splits import split_indices


@pytest.fixture(scope="module")
def xor():
    return make_xor_shapes(400, seed=2)


@pytest.fixture(scope="module")
def split(xor):
    return split_indices(xor.y, seed=0)


@pytest.fixture(scope="module")
def tensor_model(xor, split):
    return MultimodalModel(["image", "audio"], fusion="tensor").fit(xor, split[0])


@pytest.fixture(scope="module")
def saved(tensor_model, tmp_path_factory):
    return tensor_model.save(tmp_path_factory.mktemp("model") / "xor.skops")


def _raw(ds, rows):
    return {m: [ds.data[m][i] for i in rows] for m in ("image", "audio")}


# ------------------------------------------------------------------ persistence


def test_save_and_load_give_identical_predictions(xor, split, tensor_model, saved):
    loaded = MultimodalModel.load(saved)
    raw = _raw(xor, split[1])
    np.testing.assert_array_equal(loaded.predict_proba(raw), tensor_model.predict_proba(raw))
    assert loaded.class_names_ == tensor_model.class_names_
    assert loaded.modalities == ["image", "audio"] and loaded.fusion == "tensor"
    from_bytes = MultimodalModel.load(saved.read_bytes())
    np.testing.assert_array_equal(from_bytes.predict(raw), tensor_model.predict(raw))


def test_the_model_is_accurate_on_held_out_raw_samples(xor, split, tensor_model):
    test = split[1]
    assert np.mean(tensor_model.predict(_raw(xor, test)) == xor.y[test]) >= 0.9


def test_saved_file_holds_only_trusted_types(saved):
    untrusted = sio.get_untrusted_types(file=saved)
    assert all(t.startswith(("mmdemo.", "sklearn.", "numpy.", "scipy.")) for t in untrusted)


def _zip_without_skops_schema() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "this is a zip, not a model")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data,message",
    [
        (b"certainly not a model", "not a skops model file"),
        (_zip_without_skops_schema(), "not a skops model file"),
        (sio.dumps({"learning_rate": 0.1}), "does not hold an mmdemo model"),
    ],
    ids=["garbage", "plain-zip", "skops-but-not-a-model"],
)
def test_load_refuses_files_that_are_not_models(data, message):
    with pytest.raises(InputError, match=message):
        MultimodalModel.load(data)


@pytest.mark.parametrize("foreign", [collections.Counter("abc"), datetime.date(2020, 1, 1)], ids=type)
def test_load_refuses_types_outside_the_trusted_libraries(foreign, tmp_path):
    path = tmp_path / "sneaky.skops"
    sio.dump({"estimator_": foreign, "class_names_": ["a", "b"]}, path)
    type_name = f"{type(foreign).__module__}.{type(foreign).__qualname__}"
    assert type_name in sio.get_untrusted_types(file=path)  # skops would not load it silently either
    with pytest.raises(InputError, match=f"refused.*{type_name}"):
        MultimodalModel.load(path)
    with pytest.raises(InputError, match="refused"):
        MultimodalModel.load(path.read_bytes())


def test_load_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        MultimodalModel.load(tmp_path / "missing.skops")


# ------------------------------------------------------------------- prediction


def test_predict_sample_with_every_modality(xor, split, tensor_model):
    held_out = split[1][:20]
    said = [
        tensor_model.predict_sample(image=xor.data["image"][i], audio=(xor.data["audio"][i], xor.sample_rate))["label"]
        for i in held_out
    ]
    assert sum(s == xor.labels()[i] for s, i in zip(said, held_out)) >= 18  # ⊗ reads the XOR: 0.98 held out
    out = tensor_model.predict_sample(image=xor.data["image"][0], audio=(xor.data["audio"][0], xor.sample_rate))
    assert out["used"] == ["image", "audio"] and out["ignored"] == []
    assert out["missing_strategy"] == "none (all modalities given)"
    assert sum(out["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
    assert out["label"] == max(out["probabilities"], key=out["probabilities"].get)
    assert set(out["per_modality"]) == {"image", "audio"}


def test_predict_sample_with_one_modality_reports_the_missing_strategy(xor, tensor_model):
    out = tensor_model.predict_sample(image=xor.data["image"][1])
    assert out["used"] == ["image"]
    assert out["missing_strategy"] == "fusion default: mean imputation"
    assert set(out["per_modality"]) == {"image"}
    assert set(out["probabilities"]) == {"agree", "differ"}
    assert sum(out["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)


def test_predict_sample_of_late_fusion_uses_present_modalities(xor, split):
    model = MultimodalModel(["image", "audio"], fusion="late").fit(xor, split[0])
    out = model.predict_sample(audio=(xor.data["audio"][3], xor.sample_rate))
    assert out["missing_strategy"] == "fusion default: present modalities only"
    # Decided by the audio alone: the fused probabilities are the audio classifier's.
    assert out["probabilities"] == pytest.approx(out["per_modality"]["audio"], abs=1e-3)


def test_predict_sample_accepts_a_phone_recording_and_ignores_unused_modalities(xor, tensor_model):
    import librosa

    clip = xor.data["audio"][5]
    phone = librosa.resample(clip, orig_sr=SAMPLE_RATE, target_sr=44100)
    stereo = np.stack([0.1 * phone, 0.1 * phone], axis=1)
    out = tensor_model.predict_sample(image=xor.data["image"][5], audio=(stereo, 44100), text="ignored")
    assert out["label"] == xor.labels()[5]
    assert out["ignored"] == ["text"] and out["used"] == ["image", "audio"]


def test_predict_sample_with_nothing_raises(tensor_model):
    with pytest.raises(InputError, match="image, audio"):
        tensor_model.predict_sample()
    with pytest.raises(InputError):
        tensor_model.predict_sample(text="only text, which this model does not use")


def test_fit_rejects_unknown_names(xor):
    with pytest.raises(ParameterError, match="Unknown fusion"):
        MultimodalModel(["image", "audio"], fusion="glue").fit(xor)
    with pytest.raises(ParameterError, match="Unknown classifier"):
        MultimodalModel(["image"], classifier="oracle").fit(xor)


# ------------------------------------------------------------------ the public surface


def test_the_constructor_keeps_its_arguments_as_given(xor):
    """scikit-learn's rule (``clone`` refuses otherwise): settings are stored as given, derived in fit."""
    model = MultimodalModel(("audio",), fusion="tensor", features={"audio": "pooled"})
    assert model.modalities == ("audio",) and model.fusion == "tensor" and model.features == {"audio": "pooled"}
    assert model.fusion_ == "single"  # one modality: nothing to fuse
    assert MultimodalModel(["image", "audio"], fusion="tensor").fusion_ == "tensor"


def test_features_once_then_several_fusions_score_like_fit(xor, split, tensor_model):
    train, test = split
    model = MultimodalModel(["image", "audio"], fusion="tensor")
    X = model.fit_features(xor, train)
    model.fit_from_features(X, xor.y, train)
    np.testing.assert_allclose(
        model.proba_from_features(X[test]), tensor_model.predict_proba(_raw(xor, test)), rtol=0, atol=1e-6
    )
    per_image = model.modality_proba("image", X[test])
    assert per_image.shape == (len(test), 2) and np.allclose(per_image.sum(axis=1), 1)
    early = model.fit_from_features(X, xor.y, train, fit_missing=False)
    assert early is model  # fitted in place, like scikit-learn's fit


def test_a_page_prepares_its_inputs_once_and_predicts_what_it_showed(xor, tensor_model):
    clip = (xor.data["audio"][3], xor.sample_rate)
    values = tensor_model.prepare_inputs(audio=clip, image=xor.data["image"][3])
    seen = tensor_model.as_seen(values)
    assert seen["audio"] is values["audio"] and seen["image"].shape == (tensor_model.image_size_,) * 2
    out = tensor_model.predict_prepared(values)
    direct = tensor_model.predict_sample(audio=clip, image=xor.data["image"][3])
    assert out["label"] == direct["label"] == xor.class_names[xor.y[3]]
    assert out["probabilities"] == direct["probabilities"]


def test_a_saved_model_carries_its_version_and_another_version_warns(tensor_model, saved, tmp_path):
    import warnings

    from mmdemo import __version__
    from mmdemo.model import ModelVersionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same version loads silently
        loaded = MultimodalModel.load(saved)
    assert not hasattr(loaded, "mmdemo_version")  # the stamp is the file's, not the model's
    state = {k: v for k, v in tensor_model.__dict__.items()}
    old = tmp_path / "old.skops"
    old.write_bytes(sio.dumps(state))  # no stamp: written before versions were stamped
    with pytest.warns(ModelVersionWarning, match=f"older than 0.2.0, this is {__version__}.*retrain"):
        again = MultimodalModel.load(old)
    assert again.predict_sample(image=np.zeros((28, 28)))["label"] in again.class_names_
