"""Small helpers shared by the browser tests."""

from __future__ import annotations

import contextlib


def wait_idle(page, *, after_action: bool = False) -> None:
    """Wait until Streamlit has finished running the script (after an action, first see it start)."""
    page.wait_for_selector("h1", timeout=120_000)
    if after_action:
        with contextlib.suppress(Exception):  # the run may already be over
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=3_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=300_000)


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


def no_exception(page) -> bool:
    return page.locator("[data-testid='stException']").count() == 0 and "Traceback" not in page.content()
