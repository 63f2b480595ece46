"""Main journeys in a real headless Chromium against `streamlit run`."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import wait_idle

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "Data_explorer",
    "Train_and_compare",
    "Feature_space",
    "Cross_modal_lab",
    "Robustness_lab",
    "Try_it_yourself",
    "Your_own_dataset",
    "Classroom",
    "Learn",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_without_exception(page, app_url, path):
    page.goto(f"{app_url}/{path}")
    wait_idle(page)
    page.wait_for_selector("h1")
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()


def test_train_page_trains_and_shows_chart(page, app_url, tmp_path):
    page.goto(f"{app_url}/Train_and_compare")
    wait_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    wait_idle(page, after_action=True)
    page.wait_for_selector("text=Held-out results")
    charts = page.locator("[data-testid='stPlotlyChart']")
    charts.first.wait_for()
    assert charts.count() >= 2  # comparison bars and confusion matrix
    metric = page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert re.fullmatch(r"0\.\d{3}|1\.000", metric.strip())
    assert float(metric) > 0.5  # av-digits with every modality is far above chance (0.1)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(tmp_path / "train.png"), full_page=True)
