"""Try it yourself in a real browser: the fake microphone, the fake camera and the drawing canvas."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    choose,
    draw_strokes,
    no_exception,
    open_page,
    prediction,
    record_word,
    take_photo,
    wait_idle,
)
from tests.data.strokes import digit_strokes

pytestmark = pytest.mark.browser


def test_record_a_word_with_the_microphone(media_page, app_url):
    page = media_page
    open_page(page, f"{app_url}/Try_it_yourself")
    record_word(page)
    # the fake microphone plays "three" by espeak-ng in a noisy room (tests/data/heldout/speech), never trained on
    assert prediction(page) == "3"
    page.get_by_text("Trimmed, normalised clip").first.wait_for()
    assert no_exception(page)


def test_take_a_photo_with_the_camera(media_page, app_url):
    page = media_page
    open_page(page, f"{app_url}/Try_it_yourself")
    choose(page, "Camera")
    take_photo(page)
    assert prediction(page) == "4"
    assert no_exception(page)


@pytest.mark.parametrize(("digit", "style"), [(7, "print"), (7, "european"), (8, "print")])
def test_draw_a_digit_on_the_canvas(page, app_url, digit, style):
    # Every 7 used to be read as 4 and every 8 as 9: the digit drawn must be the digit predicted.
    open_page(page, f"{app_url}/Try_it_yourself")
    choose(page, "Draw")
    page.locator("canvas").last.wait_for()
    draw_strokes(page, digit_strokes(digit, style=style, rng=np.random.default_rng(digit)))
    assert prediction(page) == str(digit)
    page.get_by_text(re.compile(r"^\d+x\d+ digit form$")).first.wait_for()  # the picture of what the model sees
    assert no_exception(page)


def test_bad_files_show_a_clear_error_and_the_session_carries_on(page, app_url):
    from tests.data.make_bad_inputs import CASES

    cases = {c.name: c for c in CASES}
    open_page(page, f"{app_url}/Try_it_yourself")
    page.get_by_role("textbox", name="Text").first.fill("sieben")
    page.get_by_role("textbox", name="Text").first.press("Enter")
    wait_idle(page, after_action=True)
    assert prediction(page) == "7"
    uploads = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    for name in ("html-named.png", "huge-20000x20000.png", "truncated.jpg"):
        case = cases[name]
        uploads.first.set_input_files({"name": name, "mimeType": "image/png", "buffer": case.make()})
        wait_idle(page, after_action=True)
        alert = page.locator("[data-testid='stAlertContentError']").first
        alert.wait_for()
        assert name in alert.inner_text() and case.expect in alert.inner_text()
        assert prediction(page) == "7"  # the typed text still predicts: nothing lost
        assert no_exception(page)


def test_a_recorded_digit_is_imagined_as_a_picture_of_it(media_page, app_url):
    """The fake microphone says "three" (espeak-ng in a noisy room, never trained on): the picture the app
    imagines from it is nearer the average bundled 3 than any other digit's average."""
    from mmdemo.datasets import load_dataset

    page = media_page
    open_page(page, f"{app_url}/Try_it_yourself")
    record_word(page)
    assert prediction(page) == "3"
    page.get_by_text("Imagine its picture").first.wait_for(timeout=180_000)
    page.get_by_text("Left: the picture imagined from the query").first.wait_for(timeout=120_000)
    page.wait_for_function(  # the chart's text shows before plotly has attached its data
        """() => [...document.querySelectorAll('.js-plotly-plot')].some(p =>
            (p.layout && p.layout.annotations || []).some(a => a.text === 'imagined') && p.data)"""
    )
    z = page.evaluate(
        """() => {
            const plot = [...document.querySelectorAll('.js-plotly-plot')].find(p =>
                (p.layout.annotations || []).some(a => a.text === 'imagined'));
            return plot.data[0].z;
        }"""
    )
    from tests.browser.test_cross_modal import _matrix

    picture = _matrix(z)[::-1]
    ds = load_dataset("av-digits")
    images = np.stack(ds.data["image"])
    means = np.stack([images[ds.y == d].mean(axis=0).ravel() for d in range(10)])
    assert int(np.argmin(np.linalg.norm(means - picture.ravel(), axis=1))) == 3
    assert no_exception(page)


def test_a_cross_modal_model_trained_with_every_modality_answers_a_recording_alone(media_page, app_url):
    """Train shared-CCA fusion on av-digits with image, audio and text; on Try it yourself the fake microphone's
    held-out "three" (espeak-ng, noisy room) alone is read by the same classifier, nothing filled in."""
    page = media_page
    open_page(page, f"{app_url}/Train_and_compare")
    page.get_by_text("Cross-modal fusion", exact=True).first.click()
    wait_idle(page, after_action=True)
    fusion = page.get_by_label("Fusion", exact=True)
    expect(fusion).to_have_value(re.compile(r"^shared CCA space \(generalised CCA for 3 modalities\)"))
    page.get_by_role("button", name="Train", exact=True).click()
    wait_idle(page, after_action=True)
    page.get_by_text("Held-out results").first.wait_for(timeout=180_000)
    assert float(page.locator("[data-testid='stMetricValue']").first.inner_text()) >= 0.97
    page.get_by_role("link", name="Try it yourself", exact=True).click()  # a sidebar link keeps the session
    wait_idle(page, after_action=True)
    page.get_by_text("fusion shared-cca").first.wait_for()  # the model trained in this session
    record_word(page)
    assert prediction(page) == "3"
    answer = page.locator("[data-testid='stAlertContentSuccess']", has_text="Cross-modal fusion (shared-cca)")
    answer.first.wait_for()
    assert "the same classifier answers from audio alone" in answer.first.inner_text()
    assert "nothing was filled in for image, text" in answer.first.inner_text()
    page.get_by_text(
        "the mean of the present modalities' points in the shared space (nothing imputed)"
    ).first.wait_for()
    assert no_exception(page)
