"""AppTest tests for the Try it yourself page: every way of giving a sample, and bad files."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf
from PIL import Image, ImageDraw

from mmdemo.datasets import load_av_digits, make_xor_shapes
from mmdemo.experiments.evaluate import train_and_evaluate
from mmdemo.splits import split_indices
from mmdemo.ui.models import Trained
from tests.ui.conftest import array, assert_clean, figures, open_page

PAGE = "6_Try_it_yourself.py"


def photo_of_four(fmt: str = "PNG") -> bytes:
    page = Image.new("RGB", (600, 600), (236, 232, 225))
    draw = ImageDraw.Draw(page)
    draw.line([(300, 120), (200, 360), (390, 360)], fill=(25, 25, 40), width=26)
    draw.line([(340, 250), (340, 480)], fill=(25, 25, 40), width=26)
    buf = io.BytesIO()
    page.save(buf, fmt)
    return buf.getvalue()


def phone_recording(label: str) -> tuple[bytes, float]:
    """A held-out bundled clip of ``label`` as a phone would record it: 44.1 kHz stereo, quiet, late start."""
    ds = load_av_digits()
    _, test = split_indices(ds.y, seed=0)
    i = next(i for i in test if ds.class_names[ds.y[i]] == label)
    y = ds.data["audio"][i]
    up = np.interp(np.arange(int(len(y) * 44100 / ds.sample_rate)) * ds.sample_rate / 44100, np.arange(len(y)), y)
    stereo = np.stack([np.r_[np.zeros(22050), 0.05 * up]] * 2, axis=1)
    buf = io.BytesIO()
    sf.write(buf, stereo, 44100, format="WAV")
    return buf.getvalue(), len(y) / ds.sample_rate


def prediction(at) -> str:
    return next(h.value for h in at.subheader if h.value.startswith("Prediction:")).split(": ")[1]


@pytest.fixture
def at():
    return open_page(PAGE)


def test_default_model_is_named_with_its_held_out_score_and_asks_for_input(at):
    assert_clean(at)
    assert "default model" in at.info[0].value and "held-out accuracy" in at.info[0].value
    assert "at least one input" in at.info[1].value
    assert not any(h.value.startswith("Prediction") for h in at.subheader)


def test_typed_text_alone_predicts_and_shows_the_known_ngrams(at):
    at.text_input(key="try_text").input("sieben").run()
    assert_clean(at)
    assert prediction(at) == "7"
    assert "present modalities only" in " ".join(c.value for c in at.caption)
    at.selectbox(key="try_missing").set_value("fallback").run()
    assert "fallback: text model" in " ".join(c.value for c in at.caption)
    assert prediction(at) == "7"
    assert "sieb" in at.code[0].value
    titles = [f.layout.title.text for f in figures(at)]
    assert titles[:2] == ["Fused model", "text alone"]


def test_a_typed_digit_is_imagined_as_a_picture_of_it(at):
    """The imagined picture looks like a seven: nearer the average bundled 7 than any other digit's average."""
    from mmdemo.datasets import load_dataset
    from tests.ui.conftest import array

    at.text_input(key="try_text").input("seven").run()
    assert_clean(at)
    assert "Imagine its picture" in [h.value for h in at.subheader]
    grid = figures(at)[-1]
    titles = [a.text for a in grid.layout.annotations]
    assert titles[0] == "imagined" and len(titles) == 5  # beside the 4 real pictures the text finds
    picture = array(grid.data[0].z)[::-1]
    assert picture.shape == (28, 28) and picture.min() >= 0 and picture.max() <= 1
    ds = load_dataset("av-digits")
    images = np.stack(ds.data["image"])
    means = np.stack([images[ds.y == d].mean(axis=0).ravel() for d in range(10)])
    distances = np.linalg.norm(means - picture.ravel(), axis=1)
    assert int(np.argmin(distances)) == 7
    assert "reads" in at.caption[-1].value and "held-out av-digits queries" in at.caption[-1].value


def test_why_shows_each_given_modality_alone_and_hidden(at):
    at.text_input(key="try_text").input("sieben").run()
    assert not at.table  # one modality: its bars say it all
    at.file_uploader(key="try_image_upload").upload("four.png", photo_of_four(), "image/png").run()
    assert_clean(at)
    why = at.table[0].value
    assert list(why["modality"]) == ["image", "text"]
    assert list(why["alone"].str[0]) == ["4", "7"]  # the photo says 4, the word says 7
    assert all(v != "—" for v in why["without it"])  # hide either one: the other still answers
    assert "Late fusion: the fused probabilities are the mean" in " ".join(c.value for c in at.caption)


def test_uploaded_photo_is_shown_in_digit_form_and_recognised(at):
    at.file_uploader(key="try_image_upload").upload("four.png", photo_of_four(), "image/png").run()
    assert_clean(at)
    assert prediction(at) == "4"
    assert figures(at)[0].layout.annotations[0].text == "28x28 digit form"


def test_camera_photo_is_recognised(at):
    at.button_group(key="try_image_source").set_value("Camera").run()
    at.camera_input(key="try_image_camera").upload("photo.jpg", photo_of_four("JPEG")).run()
    assert_clean(at)
    assert prediction(at) == "4"


def test_microphone_recording_is_trimmed_and_recognised(at):
    wav, seconds = phone_recording("3")
    at.audio_input(key="try_audio_record").upload("rec.wav", wav).run()
    assert_clean(at)
    assert prediction(at) == "3"
    seen = next(f for f in figures(at) if f.layout.title.text == "Trimmed, normalised clip")
    assert array(seen.data[0].x).max() <= seconds + 0.02  # the half second of silence is gone
    assert np.abs(array(seen.data[0].y)).max() == pytest.approx(0.9, abs=0.01)  # normalised
    assert len(at.get("audio")) == 1


def test_a_bad_file_shows_an_error_and_the_rest_still_works(at):
    at.text_input(key="try_text").input("sieben").run()
    at.file_uploader(key="try_image_upload").upload(
        "evil.png", b"<html><body>not a picture</body></html>", "image/png"
    ).run()
    assert not at.exception
    assert "evil.png" in at.error[0].value
    assert prediction(at) == "7"  # the text still predicts; nothing was lost


def test_a_model_trained_in_the_session_is_used_with_only_its_modalities():
    at = open_page(PAGE)
    result, model = train_and_evaluate(make_xor_shapes(), fusion="tensor")
    at.session_state["trained"] = Trained(model=model, result=result)
    at.run()
    assert_clean(at)
    assert "trained in this session" in at.info[0].value and "xor-shapes" in at.info[0].value
    assert [h.value for h in at.subheader] == ["Image", "Audio"]


def test_missing_modality_extras_are_fitted_when_first_asked_for():
    """Train & compare trains without them (seconds saved); Try it fits them on the same rows when picked."""
    at = open_page("app.py")
    at.switch_page("pages/2_Train_and_compare.py").run()
    at.multiselect(key="train_modalities").set_value(["image", "text"]).run()
    at.button(key="train_button").click().run()
    model = at.session_state["trained"].model
    assert model.missing_ == {}
    at.switch_page("pages/6_Try_it_yourself.py").run()
    at.text_input(key="try_text").input("sieben").run()
    at.selectbox(key="try_missing").set_value("fallback").run()
    assert_clean(at)
    assert "fallback" in at.session_state["trained"].model.missing_
    assert any("fallback: text model" in c.value for c in at.caption)
    assert prediction(at) == "7"


def test_an_imported_model_without_extras_falls_back_with_a_warning():
    at = open_page(PAGE)
    result, model = train_and_evaluate(make_xor_shapes(120), fusion="early", fit_missing=False)
    at.session_state["trained"] = Trained(model=model)
    at.run()
    at.file_uploader(key="try_image_upload").upload("shape.png", photo_of_four(), "image/png").run()
    at.selectbox(key="try_missing").set_value("mean").run()
    assert not at.exception
    assert "came from a file" in at.warning[0].value
    assert any("Missing-modality strategy" in c.value for c in at.caption)


def test_a_cross_modal_model_answers_a_recording_alone_with_the_same_classifier():
    at = open_page(PAGE)
    result, model = train_and_evaluate(load_av_digits(), fusion="shared-cca", fit_missing=False)
    at.session_state["trained"] = Trained(model=model, result=result)
    at.run()
    wav, _ = phone_recording("3")
    at.audio_input(key="try_audio_record").upload("rec.wav", wav).run()
    assert_clean(at)
    assert prediction(at) == "3"
    (said,) = [s.value for s in at.success if "Cross-modal fusion" in s.value]
    assert said.startswith("Cross-modal fusion (shared-cca): the same classifier answers from audio alone")
    assert "nothing was filled in for image, text" in said
    assert any("the mean of the present modalities' points in the shared space" in c.value for c in at.caption)
