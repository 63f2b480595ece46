"""Screenshots of the main pages, in English and Chinese, for the README (keeps them current).

Starts `streamlit run app.py` on loopback, drives each page in headless Chromium
the way a teacher would (train, type a query, …) and writes
``docs/screenshots/<page>-<lang>.jpg``. Needs Debian's chromium and fonts-noto-cjk.

Run: ``python tools/screenshots.py`` (about two minutes).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live_server import launch, serve, wait_idle  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def _draw_a_seven(page) -> None:
    import numpy as np

    from tests.browser.helpers import draw_strokes
    from tests.data.strokes import digit_strokes

    page.locator("[data-testid='stButtonGroup'] button").nth(2).click()  # "Draw" in either language
    wait_idle(page, after_action=True)
    page.locator("canvas").last.wait_for()
    draw_strokes(page, digit_strokes(7, style="european", rng=np.random.default_rng(7)))
    page.locator("[data-testid='stPlotlyChart']").nth(1).wait_for(timeout=180_000)
    page.mouse.wheel(0, 520)  # down to what the model sees and its prediction
    wait_idle(page, after_action=True)


def _train(page) -> None:
    page.locator("[data-testid='stButton'] button").first.click()  # "Train" in either language
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=180_000)
    wait_idle(page, after_action=True)


#: (file stem, URL path, what to do before the picture)
SHOTS = [
    ("home", "", None),
    ("train", "Train_and_compare", _train),
    ("robustness", "Robustness_lab", None),
    ("crossmodal", "Cross_modal_lab", None),
    ("learn", "Learn", None),
    ("try", "Try_it_yourself", _draw_a_seven),
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with serve("app.py") as (url, _), sync_playwright() as p:
        browser = launch(p)
        for lang in ("en", "zh"):
            for stem, path, action in SHOTS:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{url}/{path}?lang={lang}")
                wait_idle(page)
                if action is not None:
                    action(page)
                page.wait_for_timeout(1500)  # let plotly finish drawing
                target = OUT / f"{stem}-{lang}.jpg"
                page.screenshot(path=str(target), type="jpeg", quality=70, full_page=False)
                print(target.relative_to(ROOT))
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
