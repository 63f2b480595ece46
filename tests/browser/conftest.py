"""Fixtures for real-browser tests: a `streamlit run` server on 127.0.0.1 and headless Debian Chromium.

Under CI=true a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import CHROMIUM, CHROMIUM_ARGS, launch, serve

SHOTS = Path(os.environ.get("MMDEMO_SHOTS", "/tmp/mmdemo-failed-shots"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome so page fixtures can screenshot failed tests."""
    outcome = yield
    setattr(item, f"rep_{call.when}", outcome.get_result())


def _shoot_if_failed(request, pg) -> None:
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{request.node.name}.png"
        try:
            pg.screenshot(path=str(path), full_page=True)
            print(f"screenshot of the failure: {path}")
        except Exception:  # the page may be gone; the failure itself is what matters
            pass


def _missing_browser(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """Start `streamlit run app.py` on a free loopback port; yield its URL."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with contextlib.ExitStack() as stack:
        try:
            url, _ = stack.enter_context(serve("app.py", log=log))
        except RuntimeError:
            pytest.fail(f"streamlit did not start; log:\n{log.read_text()[-2000:]}")
        yield url


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright, or a skip (a failure under CI=true) when it or Chromium is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("playwright is not installed (pip install -r requirements-test.txt)")
    if not Path(CHROMIUM).exists():
        _missing_browser(f"{CHROMIUM} not found (apt-get install chromium)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """Headless Debian Chromium driven by Playwright."""
    b = launch(playwright_driver)
    yield b
    b.close()


@pytest.fixture(scope="session")
def media_browser(playwright_driver, tmp_path_factory):
    """Chromium with a fake microphone (a spoken "3") and a fake camera (a photo of a "4")."""
    from tests.browser.media import digit_photo_y4m, spoken_digit_wav

    folder = tmp_path_factory.mktemp("media")
    wav = spoken_digit_wav(folder / "three.wav")
    video = digit_photo_y4m(folder / "four.y4m")
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
        f"--use-file-for-fake-video-capture={video}",
    ]
    b = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
    yield b
    b.close()


@pytest.fixture
def media_page(media_browser, app_url, request):
    """A page allowed to use the fake microphone and camera."""
    context = media_browser.new_context(viewport={"width": 1400, "height": 1400}, permissions=["microphone", "camera"])
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    _shoot_if_failed(request, pg)
    context.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context (its own Streamlit session) and page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    _shoot_if_failed(request, pg)
    context.close()
