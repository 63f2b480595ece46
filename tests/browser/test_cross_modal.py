"""Cross-modal lab in a real browser: a typed query retrieves pictures, shown with their similarity."""

from __future__ import annotations

import pytest

from tests.browser.helpers import no_exception, open_page, select, wait_idle

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
