"""Cross-modal lab in a real browser: a typed query retrieves pictures, shown with their similarity."""

from __future__ import annotations

import numpy as np
import pytest

from tests.browser.helpers import no_exception, open_page, select, wait_idle
from tests.ui.conftest import array

pytestmark = pytest.mark.browser


def test_typed_text_query_shows_an_image_gallery(page, app_url):
    open_page(page, f"{app_url}/Cross_modal_lab")
    page.get_by_text("Canonical correlation per component").first.wait_for(timeout=120_000)
    select(page, "Query modality", "text")
    select(page, "Target modality", "image")
    page.get_by_role("tab", name="Retrieval").click()
    page.get_by_text("my own").first.click()
    wait_idle(page, after_action=True)
    box = page.get_by_role("textbox", name="Text").first
    box.fill("sieben")
    box.press("Enter")
    wait_idle(page, after_action=True)
    page.get_by_text("sim ").first.wait_for()
    captions = page.locator("text.annotation-text").evaluate_all("els => els.map(e => e.textContent)")  # SVG text
    sevens = [c for c in captions if "class 7" in c]
    assert len(sevens) >= 6, captions
    page.get_by_role("tab", name="Transfer").click()
    page.get_by_text("text → image (transfer)").first.wait_for()
    page.get_by_role("tab", name="Shared space").click()
    page.get_by_text("Canonical correlation per component").first.wait_for()
    assert no_exception(page)


def _matrix(z) -> np.ndarray:
    """A heatmap's z as the browser holds it: nested lists, or plotly's typed array (dtype, bdata, shape)."""
    if isinstance(z, dict):
        return np.asarray(array({k: v for k, v in z.items() if k in ("dtype", "bdata", "shape")}), dtype=float)
    return np.array(z, dtype=float)


def _plot_data(page, title_start: str) -> list:
    """The traces of the plotly chart whose title (without Streamlit's <b> tags) starts with ``title_start``."""
    return page.evaluate(
        """(start) => {
            const plot = [...document.querySelectorAll('.js-plotly-plot')]
                .find(p => String(((p.layout || {}).title || {}).text || '').replace(/<[^>]*>/g, '').startsWith(start));
            return plot ? plot.data.map(t => ({z: t.z, type: t.type})) : null;
        }""",
        title_start,
    )


def test_contrastive_training_on_scenes_turns_the_matrix_diagonal(page, app_url):
    open_page(page, f"{app_url}/Cross_modal_lab?dataset=scenes")
    page.get_by_text("Canonical correlation per component").first.wait_for(timeout=180_000)
    select(page, "Target modality", "text")
    page.get_by_role("tab", name="Contrastive training").click()
    page.get_by_role("button", name="Train the contrastive space").click()
    page.get_by_text("Held-out pairs after epoch 60").first.wait_for(timeout=120_000)
    wait_idle(page, after_action=True)
    z = _plot_data(page, "Held-out pairs after epoch 60")[0]["z"]
    S = _matrix(z)
    off = S[~np.eye(len(S), dtype=bool)]
    assert S.shape == (10, 10) and np.diag(S).mean() > off.mean() + 0.3
    page.get_by_text("At the end, beside CCA on the same 250 held-out pairs").first.wait_for()
    assert no_exception(page)


def test_a_typed_caption_imagines_a_scene(page, app_url):
    open_page(page, f"{app_url}/Cross_modal_lab?dataset=scenes")
    page.get_by_text("Canonical correlation per component").first.wait_for(timeout=180_000)
    select(page, "Query modality", "text")
    select(page, "Target modality", "image")
    page.get_by_role("tab", name="Imagine").click()
    page.get_by_text("imagined pictures read as the query's class").first.wait_for(timeout=120_000)
    page.locator("[data-testid='stTabPanel']:visible").get_by_text("my own").first.click()
    wait_idle(page, after_action=True)
    box = page.locator("[data-testid='stTabPanel']:visible").get_by_role("textbox", name="Text").first
    box.fill("a large black square above a small red circle")
    box.press("Enter")
    wait_idle(page, after_action=True)
    page.get_by_text("Left: the picture imagined from the query").first.wait_for()
    captions = page.locator("text.annotation-text").evaluate_all("els => els.map(e => e.textContent)")
    assert "imagined" in captions
    squares = [c for c in captions if c.endswith("· square")]
    assert len(squares) >= 3, captions  # the real scenes the caption finds start with a square
    assert no_exception(page)
