"""Robustness lab in a real browser: a slider moves, the chart and the scores follow; the XOR lesson draws."""

from __future__ import annotations

import pytest

from tests.browser.helpers import no_exception, open_page, wait_idle

pytestmark = pytest.mark.browser


def _svg_texts(page) -> list[str]:
    return page.locator(".js-plotly-plot text").evaluate_all("els => els.map(e => e.textContent)")


def test_moving_the_image_slider_updates_the_chart_and_the_scores(page, app_url):
    open_page(page, f"{app_url}/Robustness_lab")
    page.get_by_text("your slider: 0.0").first.wait_for(timeout=180_000)
    bars_before = [t for t in _svg_texts(page) if t.startswith("0.") or t == "1.00"]
    slider = page.locator("input[type=range][aria-label='image: level']").first
    slider.focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    wait_idle(page, after_action=True)
    page.get_by_text("your slider: 0.6").first.wait_for(timeout=60_000)
    assert float(slider.input_value()) == pytest.approx(0.6)
    bars_after = [t for t in _svg_texts(page) if t.startswith("0.") or t == "1.00"]
    assert bars_after != bars_before  # the accuracies at these settings changed
    assert no_exception(page)


def test_xor_lesson_tab_shows_regions_and_outer_product(page, app_url):
    open_page(page, f"{app_url}/Robustness_lab")
    page.get_by_role("tab", name="⊕ vs ⊗: when modalities interact").click()
    page.get_by_text("What the ⊗ classifier weighs").first.wait_for(timeout=180_000)
    texts = _svg_texts(page)
    assert any(t.startswith("tensor ⊗: ") and "held-out" in t for t in texts), texts
    assert no_exception(page)
