"""Screenshots of the main pages, in English and Chinese, for the README (keeps them current).

Starts `streamlit run app.py` on loopback, drives each page in headless Chromium
the way a teacher would (train, type a query, …) and writes
``docs/screenshots/<page>-<lang>.jpg``. Needs Debian's chromium and fonts-noto-cjk.

Run: ``python tools/screenshots.py [STEM ...]`` (about two minutes for all; the stems of `SHOTS`, or ``classroom``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mmdemo.ui.classroom import REFRESH_SECONDS as REFRESH  # noqa: E402
from tests.browser.helpers import click_cell, draw_strokes  # noqa: E402
from tests.live_server import launch, serve, wait_idle  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def _draw_a_seven(page) -> None:
    import numpy as np

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


def _drill_down(page) -> None:
    """Train the page's default model on av-digits, click its largest off-diagonal cell, show its samples."""
    import numpy as np

    from mmdemo.datasets import load_dataset
    from mmdemo.experiments.evaluate import train_and_evaluate

    _train(page)
    matrix = np.array(train_and_evaluate(load_dataset("av-digits"), seed=0)[0].confusion_matrix)  # the page's defaults
    np.fill_diagonal(matrix, -1)
    true, pred = np.unravel_index(matrix.argmax(), matrix.shape)
    title = "Confusion matrix" if "lang=en" in page.url else "混淆矩阵"
    click_cell(page, len(matrix), int(true), int(pred), title=title)
    page.locator("[data-testid='stTable']").first.wait_for()
    page.locator("[data-testid='stPlotlyChart']").filter(has_text=title).first.scroll_into_view_if_needed()
    page.mouse.wheel(0, 420)  # the matrix's lower half, the clicked cell, and the samples behind it
    wait_idle(page, after_action=True)


def _lang(page) -> str:
    return "zh" if "lang=zh" in page.url else "en"


def _compare_groups(page) -> None:
    """Pick cross-modal fusion, compare every method: the table with each method's group and the best of each."""
    from mmdemo.ui.i18n import catalogue

    said = catalogue(_lang(page))
    page.get_by_text(said["widgets.group_name.cross-modal"], exact=True).first.click()
    wait_idle(page, after_action=True)
    page.locator("[data-testid='stButton'] button").nth(1).click()  # "Compare all fusion methods"
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=300_000)
    wait_idle(page, after_action=True)
    page.locator("[data-testid='stDataFrame']").first.evaluate("el => el.scrollIntoView({block: 'end'})")
    wait_idle(page, after_action=True)


def _learn_groups(page) -> None:
    """The Learn page's section on multimodal vs cross-modal fusion, with its live numbers."""
    from mmdemo.ui.i18n import catalogue

    header = page.get_by_text(catalogue(_lang(page))["learn.groups.header"], exact=True).first
    header.wait_for(timeout=300_000)
    page.get_by_text("seed 0" if _lang(page) == "en" else "随机种子 0").last.wait_for(timeout=300_000)
    header.evaluate("el => el.scrollIntoView({block: 'start'})")
    wait_idle(page, after_action=True)


#: (file stem, URL path, what to do before the picture)
SHOTS = [
    ("home", "", None),
    ("train", "Train_and_compare", _train),
    ("drilldown", "Train_and_compare", _drill_down),
    ("robustness", "Robustness_lab", None),
    ("crossmodal", "Cross_modal_lab", None),
    ("compare-groups", "Train_and_compare", _compare_groups),
    ("learn", "Learn", None),
    ("learn-groups", "Learn", _learn_groups),
    ("try", "Try_it_yourself", _draw_a_seven),
]


#: What the classroom pictures type and click, per language.
_CLASS = {
    "en": {"labels": "cat, dog, bird", "words": ["meow", "woof", "tweet"], "add": "Add this sample"},
    "zh": {"labels": "猫, 狗, 鸟", "words": ["喵", "汪", "啾"], "add": "添加这个样本"},
}


#: What the students draw for each label: a cat's ears and face, a dog's long ear, a bird's wings (a unit box).
_SHAPES = [
    [[(0.25, 0.45), (0.3, 0.15), (0.45, 0.35), (0.55, 0.35), (0.7, 0.15), (0.75, 0.45), (0.5, 0.8), (0.25, 0.45)]],
    [[(0.3, 0.3), (0.7, 0.3), (0.75, 0.7), (0.3, 0.7), (0.3, 0.3)], [(0.3, 0.3), (0.15, 0.75)]],
    [[(0.1, 0.4), (0.3, 0.6), (0.5, 0.45), (0.7, 0.6), (0.9, 0.4)]],
]


def _classroom(browser, url: str, lang: str) -> None:
    """A teacher starts a class, two students give samples; pictures of the dashboard and a student's view."""
    import re

    said = _CLASS[lang]
    teacher = browser.new_page(viewport={"width": 1280, "height": 900})
    teacher.goto(f"{url}/Classroom?lang={lang}")
    wait_idle(teacher)
    boxes = teacher.locator("[data-testid='stTextInput'] input:visible")
    boxes.nth(0).fill("3B")
    boxes.nth(1).fill(said["labels"])
    teacher.locator("[data-testid='stFormSubmitButton'] button:visible").first.click()
    wait_idle(teacher, after_action=True)
    teacher.locator("[data-testid='stImage']").first.wait_for()  # the QR code: the class exists
    shown = " ".join(teacher.locator("[data-testid='stMarkdown']").all_inner_texts())
    link = re.search(r"http://[^\s\"'<>]+/Classroom\?join=[A-Z0-9]{8}", shown).group(0)
    for name, picks in (("Ada", [0, 1]), ("Bob", [2])):
        student = browser.new_page(viewport={"width": 1280, "height": 1800})  # the form, the counts, the gallery
        student.goto(f"{link}&lang={lang}")
        wait_idle(student)
        student.locator("[data-testid='stTextInput'] input:visible").nth(1).fill(name)  # the code is filled in
        student.locator("[data-testid='stFormSubmitButton'] button:visible").first.click()
        wait_idle(student, after_action=True)
        for k in picks:
            student.locator("[data-testid='stSelectbox']").first.click()
            student.get_by_role("option").nth(k).click()
            wait_idle(student, after_action=True)
            draw_strokes(student, _SHAPES[k])
            box = student.locator("[data-testid='stTextInput'] input:visible").last
            box.fill(said["words"][k])
            box.press("Enter")
            wait_idle(student, after_action=True)
            student.get_by_role("button", name=said["add"]).click()
            wait_idle(student, after_action=True)
        if name == "Bob":
            student.wait_for_timeout(1000)
            _save(student, f"classroom-student-{lang}")
        student.close()
    teacher.wait_for_timeout((REFRESH + 1) * 1000)  # the dashboard refreshes by itself
    _save(teacher, f"classroom-teacher-{lang}")
    teacher.close()


def _save(page, stem: str) -> None:
    target = OUT / f"{stem}.jpg"
    page.screenshot(path=str(target), type="jpeg", quality=70, full_page=False)
    print(target.relative_to(ROOT))


def main(only: list[str]) -> None:
    """Every picture, or only the stems named (``python tools/screenshots.py train learn-groups``)."""
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with serve("app.py") as (url, _), sync_playwright() as p:
        browser = launch(p)
        for lang in ("en", "zh"):
            for stem, path, action in SHOTS:
                if only and stem not in only:
                    continue
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{url}/{path}?lang={lang}")
                wait_idle(page)
                if action is not None:
                    action(page)
                page.wait_for_timeout(1500)  # let plotly finish drawing
                _save(page, f"{stem}-{lang}")
                page.close()
            if not only or "classroom" in only:
                _classroom(browser, url, lang)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
