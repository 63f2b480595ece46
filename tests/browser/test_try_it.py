"""Try it yourself in a real browser: the fake microphone, the fake camera and the drawing canvas."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import no_exception, open_page, record_word, take_photo, wait_idle

pytestmark = pytest.mark.browser


def _prediction(page) -> str:
    heading = page.get_by_text(re.compile(r"^Prediction: ")).first
    heading.wait_for(timeout=120_000)
    return heading.inner_text().split(": ")[1]


def _choose(page, option: str) -> None:
    """Click an option of the first segmented control showing it."""
    page.locator("[data-testid='stButtonGroup'] button", has_text=option).first.click()


def test_record_a_word_with_the_microphone(media_page, app_url):
    page = media_page
    open_page(page, f"{app_url}/Try_it_yourself")
    record_word(page)
    assert _prediction(page) == "3"  # the fake microphone plays a held-out clip of "three"
    page.get_by_text("Trimmed, normalised clip").first.wait_for()
    assert no_exception(page)


def test_take_a_photo_with_the_camera(media_page, app_url):
    page = media_page
    open_page(page, f"{app_url}/Try_it_yourself")
    _choose(page, "Camera")
    wait_idle(page, after_action=True)
    take_photo(page)
    assert _prediction(page) == "4"
    assert no_exception(page)


def test_draw_a_digit_on_the_canvas(media_page, app_url):
    page = media_page
    open_page(page, f"{app_url}/Try_it_yourself")
    _choose(page, "Draw")
    wait_idle(page, after_action=True)
    canvas = page.locator("canvas").last
    canvas.wait_for()
    box = canvas.bounding_box()
    x0, y0 = box["x"], box["y"]
    # A "7": a bar across the top, then a long stroke down to the bottom left.
    page.mouse.move(x0 + 70, y0 + 50)
    page.mouse.down()
    for x, y in [(140, 50), (210, 50), (180, 130), (150, 200), (125, 250)]:
        page.mouse.move(x0 + x, y0 + y, steps=8)
    page.mouse.up()
    wait_idle(page, after_action=True)
    label = _prediction(page)
    assert label in {str(d) for d in range(10)}
    page.get_by_text("8x8 digit form").first.wait_for()  # the picture of what the model sees
    assert no_exception(page)


def test_bad_files_show_a_clear_error_and_the_session_carries_on(page, app_url):
    from tests.data.make_bad_inputs import CASES

    cases = {c.name: c for c in CASES}
    open_page(page, f"{app_url}/Try_it_yourself")
    page.get_by_role("textbox", name="Text").first.fill("sieben")
    page.get_by_role("textbox", name="Text").first.press("Enter")
    wait_idle(page, after_action=True)
    assert _prediction(page) == "7"
    uploads = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    for name in ("html-named.png", "huge-20000x20000.png", "truncated.jpg"):
        case = cases[name]
        uploads.first.set_input_files({"name": name, "mimeType": "image/png", "buffer": case.make()})
        wait_idle(page, after_action=True)
        alert = page.locator("[data-testid='stAlertContentError']").first
        alert.wait_for()
        assert name in alert.inner_text() and case.expect in alert.inner_text()
        assert _prediction(page) == "7"  # the typed text still predicts: nothing lost
        assert no_exception(page)
