"""Memory: server RSS with one session that has visited every page, and what each extra session adds.

Each session is a headless Chromium tab that goes through every page by the
sidebar (one Streamlit session), trains once on Train & compare and keeps the
tab open. Bundled data, its features and the models trained on it are shared
caches, so an extra session should add little more than its own state.
Baseline: a bare one-line Streamlit app's server with one session, same run.
Targets (issue 6): under 500 MB with one session, under 40 MB per extra session.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.common import RESULTS, rss_mb
from tests.live_server import launch, serve, wait_idle

ONE_SESSION_TARGET, PER_SESSION_TARGET = 500.0, 40.0
PAGES = (
    "Data explorer",
    "Train & compare",
    "Feature space",
    "Cross-modal lab",
    "Robustness lab",
    "Try it yourself",
    "Your own dataset",
)


def _visit_every_page(browser, url: str):
    """One session through every page; returns the open tab (the session lives while it is open)."""
    page = browser.new_page()
    page.goto(url)
    wait_idle(page)
    for name in PAGES:
        page.locator("[data-testid='stSidebar'] a", has_text=name).first.click()
        try:
            wait_idle(page, after_action=True)
        except Exception:
            page.screenshot(path=str(RESULTS / f"memory-failed-{name.replace(' ', '_')}.png"), full_page=True)
            raise
        if name == "Train & compare":
            page.get_by_role("button", name="Train", exact=True).click()
            wait_idle(page, after_action=True)
            page.get_by_text("Held-out results").first.wait_for(timeout=300_000)
    return page


def _settled_rss(pid: int) -> float:
    time.sleep(2)  # let the last run's garbage go
    return rss_mb(pid)


def run(*, quick: bool) -> dict:
    from playwright.sync_api import sync_playwright

    extra = 2 if quick else 5
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = launch(p)
        bare = Path(tmp) / "bare.py"
        bare.write_text('import streamlit as st\n\nst.title("hello")\n')
        with serve(bare) as (url, proc):
            tab = browser.new_page()
            tab.goto(url)
            wait_idle(tab)
            bare_rss = _settled_rss(proc.pid)
            tab.close()
        with serve("app.py") as (url, proc):
            started = _settled_rss(proc.pid)
            tabs = [_visit_every_page(browser, url)]
            one = _settled_rss(proc.pid)
            tabs += [_visit_every_page(browser, url) for _ in range(extra)]
            many = _settled_rss(proc.pid)
            for tab in tabs:
                tab.close()
        browser.close()
    per_session = (many - one) / extra
    rows = [
        {"what": "bare one-line app, one session", "RSS MB": bare_rss, "x bare": 1.0},
        {"what": "mmdemo server just started", "RSS MB": started, "x bare": started / bare_rss},
        {"what": "mmdemo, one session through every page", "RSS MB": one, "x bare": one / bare_rss},
        {"what": f"mmdemo, {1 + extra} sessions through every page", "RSS MB": many, "x bare": many / bare_rss},
        {"what": "added per extra session", "RSS MB": per_session, "x bare": per_session / bare_rss},
    ]

    def verdict(value: float, target: float) -> str:
        return "met" if value < target else f"missed by {value - target:.0f} MB"

    return {
        "title": "Server memory (RSS of the streamlit process)",
        "rows": rows,
        "checks": [
            f"one session through every page {one:.0f} MB (target < {ONE_SESSION_TARGET:.0f} MB): "
            f"{verdict(one, ONE_SESSION_TARGET)}",
            f"each extra session adds {per_session:.1f} MB (target < {PER_SESSION_TARGET:.0f} MB): "
            f"{verdict(per_session, PER_SESSION_TARGET)}",
        ],
    }
