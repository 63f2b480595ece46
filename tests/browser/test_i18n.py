"""Both languages in a real browser: every page in Chinese with CJK fonts, the switch, and a shared link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import no_exception, open_page, wait_idle
from tests.browser.test_journeys import PAGES

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_page_switches_to_chinese_with_no_missing_string_and_a_cjk_font(page, app_url):
    """On every page: open it in English, switch the sidebar to 简体中文, and find everything there."""
    for path in PAGES:
        open_page(page, f"{app_url}/{path}?lang=en")
        assert not CJK.search(page.locator("h1").first.inner_text()), path
        page.locator("[data-testid='stSidebar']").get_by_text("简体中文", exact=True).first.click()
        wait_idle(page, after_action=True)
        page.wait_for_function("() => /[\\u4e00-\\u9fff]/.test(document.querySelector('h1').innerText)", timeout=60_000)
        assert no_exception(page), path
        assert page.locator("[data-testid='stAlertContentError']").count() == 0, path
        assert "KeyError" not in page.content(), path
    assert page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK SC\"')"), (
        "no CJK font: apt-get install fonts-noto-cjk"
    )


def test_the_sidebar_switch_turns_the_page_to_english_and_back(page, app_url):
    open_page(page, f"{app_url}/Train_and_compare?lang=zh")
    assert CJK.search(page.locator("h1").first.inner_text())
    page.get_by_text("English", exact=True).first.click()
    wait_idle(page, after_action=True)
    page.get_by_role("heading", name=re.compile("Train & compare")).first.wait_for()
    assert "lang=en" in page.url
    page.get_by_text("简体中文", exact=True).first.click()
    wait_idle(page, after_action=True)
    assert CJK.search(page.locator("h1").first.inner_text())


def test_a_shared_link_opens_the_same_experiment(page, app_url):
    link = f"{app_url}/Train_and_compare?dataset=xor-shapes&modalities=image,audio&fusion=tensor&classifier=knn&lang=en"
    open_page(page, link)
    page.locator("[data-testid='stSidebar']").get_by_text("600 samples · 2 classes").first.wait_for()
    # each picker holds the link's value (waited for: the page may still be drawing its first run)
    expect(page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox'] input").first).to_have_value(
        "xor-shapes"
    )
    expect(page.get_by_role("combobox", name="Fusion")).to_have_value(re.compile(r"^tensor ⊗"))
    expect(page.get_by_role("combobox", name="Classifier")).to_have_value(re.compile(r"^knn — "))
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Held-out results").first.wait_for(timeout=180_000)
    caption = page.get_by_text(re.compile("xor-shapes: image, audio · fusion tensor · knn")).first
    caption.wait_for()
    assert no_exception(page)


def test_a_robustness_link_opens_the_same_lab_and_the_url_follows_it(page, app_url):
    from urllib.parse import parse_qs, urlparse

    linked = {
        "dataset": "xor-shapes",
        "fusions": "early,tensor",
        "classifier": "knn",
        "seed": "3",
        "test_corrupt": "image:blur=0.6,audio=0.3",
        "curve": "audio",
        "where": "test",
        "lang": "zh",
    }
    open_page(page, f"{app_url}/Robustness_lab?" + "&".join(f"{k}={v}" for k, v in linked.items()))
    page.wait_for_function("() => /[\\u4e00-\\u9fff]/.test(document.querySelector('h1').innerText)", timeout=60_000)
    page.locator("[data-testid='stPlotlyChart']").first.wait_for(timeout=180_000)
    wait_idle(page)
    assert no_exception(page) and page.locator("[data-testid='stAlertContentWarning']").count() == 0

    def url() -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}

    assert url() == linked  # written back from the widgets the link set: the same lesson
    chosen = page.locator("[data-testid='stMultiSelect']").first.inner_text().split()
    assert "early" in chosen and "tensor" in chosen and "late" not in chosen, chosen
    sliders = page.locator("[data-testid='stSlider'] input[type=range]:visible")  # the open tab's (not ⊕ vs ⊗'s rank)
    assert [float(sliders.nth(i).input_value()) for i in range(sliders.count())] == [0.6, 0.3]
    sliders.nth(1).focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('audio=0.4')", timeout=60_000)
    assert url()["test_corrupt"] == "image:blur=0.6,audio=0.4"
