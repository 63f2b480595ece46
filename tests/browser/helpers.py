"""Small helpers shared by the browser tests."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from tests.live_server import wait_idle as wait_idle  # one wait for the tests, the benchmarks and the tools


def need_haproxy() -> None:
    """Skip without HAProxy (a failure under CI=true, where `.ci/run` installs it)."""
    if shutil.which("haproxy") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("HAProxy must be installed under CI (apt-get install haproxy)")
        pytest.skip("HAProxy is not installed (apt-get install haproxy)")


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


def no_exception(page) -> bool:
    return page.locator("[data-testid='stException']").count() == 0 and "Traceback" not in page.content()


def click(page, name: str) -> None:
    """Click the button called ``name`` and wait for the rerun it starts."""
    page.get_by_role("button", name=name, exact=True).first.click()
    wait_idle(page, after_action=True)


def type_text(page, label: str, text: str) -> None:
    """Type into a text field and press Enter (which commits it)."""
    box = page.get_by_role("textbox", name=label).first
    box.fill(text)
    box.press("Enter")
    wait_idle(page, after_action=True)


def select(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option, exact=True).first.click()
    wait_idle(page, after_action=True)


def choose(page, option: str) -> None:
    """Click an option of the first segmented control showing it, and wait for the rerun."""
    page.locator("[data-testid='stButtonGroup'] button", has_text=option).first.click()
    wait_idle(page, after_action=True)


def record_word(page, seconds: float = 2.5) -> None:
    """Record with the (fake) microphone of the first audio input for ``seconds``."""
    page.get_by_role("button", name="Record").first.click()
    page.wait_for_timeout(seconds * 1000)
    page.get_by_role("button", name=re.compile("Stop recording", re.I)).first.click()
    wait_idle(page, after_action=True)


def take_photo(page) -> None:
    """Take a photo with the (fake) camera of the first camera input, once it delivers frames."""
    page.locator("[data-testid='stCameraInput'] video").wait_for()
    page.wait_for_timeout(2500)
    page.get_by_role("button", name=re.compile("Take photo", re.I)).first.click()
    wait_idle(page, after_action=True)


def prediction(page, timeout_ms: float = 120_000) -> str:
    """The label of Try it yourself's "Prediction: X" heading, once it shows."""
    heading = page.get_by_text(re.compile(r"^Prediction: ")).first
    heading.wait_for(timeout=timeout_ms)
    return heading.inner_text().split(": ")[1].strip()


def draw_strokes(page, strokes, *, side: float = 280) -> None:
    """Draw ``strokes`` (polylines in a unit box, y down) on the page's drawing canvas with the mouse.

    Each stroke sends the drawing to the server: its run finishes before the next stroke.
    """
    canvas = page.locator("canvas").last
    canvas.wait_for()  # after a rerun that made a new canvas (new key), the old one may still be going
    box = canvas.bounding_box()
    for (x, y), *rest in strokes:
        page.mouse.move(box["x"] + x * side, box["y"] + y * side)
        page.mouse.down()
        for x, y in rest:
            page.mouse.move(box["x"] + x * side, box["y"] + y * side, steps=2)
        page.mouse.up()
        wait_idle(page, after_action=True)


def click_cell(page, n_classes: int, true: int, pred: int, *, title: str = "Confusion matrix") -> None:
    """Click the centre of cell (true row, predicted column) of the first confusion matrix on the page."""
    chart = page.locator("[data-testid='stPlotlyChart']").filter(has_text=title).first
    area = chart.locator(".nsewdrag").first  # plotly's plot area
    area.wait_for()
    area.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = area.bounding_box()
    x = box["x"] + (pred + 0.5) * box["width"] / n_classes
    y = box["y"] + (true + 0.5) * box["height"] / n_classes  # row 0 on top: the y axis is reversed
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    wait_idle(page, after_action=True)
