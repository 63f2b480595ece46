"""Your own dataset in a real browser: build from uploads, microphone and camera; train; export; re-import.

Also proves that two browser sessions never see each other's data.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw

from tests.browser.helpers import click, no_exception, open_page, record_word, select, take_photo, type_text, wait_idle

pytestmark = pytest.mark.browser

CLASSES = {"cat": ["meow", "purr", "whiskers"], "dog": ["woof", "bark", "fetch"], "bird": ["tweet", "wings", "feather"]}


def _png(kind: int) -> bytes:
    img = Image.new("L", (100, 100), 255)
    draw = ImageDraw.Draw(img)
    [draw.ellipse, draw.rectangle, draw.line][kind](
        [20, 20, 80, 80], fill=None if kind < 2 else 0, width=10, **({} if kind == 2 else {"outline": 0})
    )
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _fill(page, label: str, text: str) -> None:
    """Type into a form's field; the form's button then sends it."""
    page.get_by_role("textbox", name=label).first.fill(text)


def _create(page, app_url: str, name: str) -> None:
    open_page(page, f"{app_url}/Your_own_dataset")
    _fill(page, "Dataset name", name)
    click(page, "Create")


def test_build_train_export_and_reimport(media_page, app_url, tmp_path):
    page = media_page
    _create(page, app_url, "class-project")
    for cls in CLASSES:
        _fill(page, "New class name", cls)
        click(page, "Add class")
    for k, (cls, words) in enumerate(CLASSES.items()):
        select(page, "to class", cls)
        files = [
            {"name": f"{cls}{i}.txt", "mimeType": "text/plain", "buffer": f"{words[i % 3]} {i}".encode()}
            for i in range(5)
        ]
        files += [{"name": f"{cls}{i}.png", "mimeType": "image/png", "buffer": _png(k)} for i in range(5)]
        page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(files)
        page.get_by_text(f"{cls}4.png").first.wait_for()
        wait_idle(page, after_action=True)
        click(page, "Add the files")
        page.get_by_text(f"Added 5 sample(s) to class {cls}.").wait_for()

    # One more sample for "bird" from the fake camera, one from the fake microphone.
    page.get_by_role("tab", name=re.compile("Record, photograph")).click()
    take_photo(page)
    record_word(page, seconds=2)
    click(page, "Add this sample")
    page.get_by_text("Added 1 sample to class bird.").wait_for()
    page.get_by_text("class-project: 16 samples in 3 classes").wait_for()

    click(page, "Train on my dataset")
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=120_000)
    assert float(page.locator("[data-testid='stMetricValue']").first.inner_text()) > 0.34  # chance is 1/3
    assert no_exception(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download dataset (.zip)").click()
    exported = tmp_path / "exported.zip"
    download.value.save_as(exported)

    click(page, "Start over (forget this dataset)")
    page.get_by_role("tab", name="Import a zip").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(exported))
    page.get_by_text("exported.zip").first.wait_for()
    wait_idle(page, after_action=True)
    click(page, "Import")
    page.get_by_text("exported: 16 samples in 3 classes").wait_for()

    page.get_by_role("link", name="Try it yourself").click()  # a sidebar link keeps the session; page.goto would not
    wait_idle(page, after_action=True)
    page.get_by_text("Predicting with").first.wait_for()
    assert "trained in this session" in page.locator("[data-testid='stAlert']").first.inner_text()
    type_text(page, "Text", "meow 2")
    page.get_by_text("Prediction: cat").wait_for()
    assert no_exception(page)


def test_two_sessions_never_see_each_others_data(browser, app_url):
    a = browser.new_context().new_page()
    b = browser.new_context().new_page()
    try:
        _create(a, app_url, "secret-of-a")
        _fill(a, "New class name", "alpha")
        click(a, "Add class")
        a.get_by_text("secret-of-a: 0 samples in 1 classes").wait_for()

        open_page(b, f"{app_url}/Your_own_dataset")
        assert b.get_by_role("tab", name="Start a new dataset").count() == 1
        assert "secret-of-a" not in b.content() and "alpha" not in b.content()
        open_page(b, f"{app_url}/Train_and_compare")
        b.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
        b.get_by_role("option").first.wait_for()
        options = [o.inner_text() for o in b.get_by_role("option").all()]
        assert options == ["av-digits", "xor-shapes", "scenes"]  # no "your dataset" from the other session
    finally:
        a.context.close()
        b.context.close()
