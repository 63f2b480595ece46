"""From a number to the samples behind it, in a real browser: click a confusion-matrix cell, see its samples."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mmdemo.datasets import MultimodalDataset, export_zip, load_dataset
from mmdemo.experiments.evaluate import train_and_evaluate
from tests.browser.helpers import click, click_cell, no_exception, open_page, wait_idle

pytestmark = pytest.mark.browser


def _cards(page, *, in_expander: bool = False):
    """The sample cards of a clicked cell (or, ``in_expander``, of the most confident mistakes): the block
    around each card's title line ("✅ dog (0.93), true: dog")."""
    titles = page.locator("[data-testid='stMarkdown']").filter(has_text=re.compile(r"\(\d\.\d\d\), true: "))
    where = "ancestor::details" if in_expander else "not(ancestor::details)"
    return titles.locator(f"xpath=ancestor::div[@data-testid='stVerticalBlock'][1][{where}]")


def test_a_cell_of_the_confusion_matrix_shows_its_held_out_samples_on_bundled_data(page, app_url):
    expected, _ = train_and_evaluate(load_dataset("xor-shapes"), fusion="early", classifier="logreg", seed=0)
    n_wrong = expected.confusion_matrix[0][1]  # agree predicted as differ: early fusion is at chance here
    open_page(
        page, f"{app_url}/Train_and_compare?dataset=xor-shapes&modalities=image,audio&fusion=early&classifier=logreg"
    )
    click(page, "Train")
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=120_000)
    wait_idle(page)  # the whole run drawn (the cards come after the metrics) before the next click
    page.get_by_text("Click a cell of the matrix").wait_for()
    click_cell(page, 2, true=0, pred=1)
    page.get_by_text(f"{n_wrong} held-out samples of agree predicted as differ.").wait_for(timeout=30_000)
    page.get_by_text("The 12 the model was most sure of:").wait_for()
    cards = _cards(page)
    assert cards.count() == 12
    first = cards.first
    assert "differ" in first.inner_text() and "true: agree" in first.inner_text()
    assert first.locator("[data-testid='stImage']").count() == 1 and first.locator("[data-testid='stAudio']").count()
    assert "without it" in first.inner_text()  # the why table: each modality hidden in turn

    page.get_by_text("The most confident mistakes of early").click()
    mistakes = _cards(page, in_expander=True)
    mistakes.first.wait_for()
    assert mistakes.count() == 12 and all("❌" in c for c in mistakes.all_inner_texts())
    assert no_exception(page)


def _pets() -> bytes:
    """A small user dataset: a typed word and a picture per sample, two classes told apart by their words."""
    rng = np.random.default_rng(0)
    words = {"cat": ["meow", "purr", "whiskers"], "dog": ["woof", "bark", "fetch"]}
    texts, images, y = [], [], []
    for c, name in enumerate(words):
        for i in range(20):
            texts.append(f"{words[name][i % 3]} {i}")
            images.append(rng.uniform(size=(28, 28)).astype(np.float32))
            y.append(c)
    ds = MultimodalDataset(
        name="pets", class_names=list(words), y=np.array(y), data={"image": images, "text": texts}, sample_rate=16000
    )
    return export_zip(ds)


def test_a_cell_shows_the_samples_of_the_users_own_dataset(page, app_url, tmp_path):
    (tmp_path / "pets.zip").write_bytes(_pets())
    open_page(page, f"{app_url}/Your_own_dataset")
    page.get_by_role("tab", name="Import a zip").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(tmp_path / "pets.zip"))
    page.get_by_text("pets.zip").first.wait_for()
    wait_idle(page, after_action=True)
    click(page, "Import")
    page.get_by_text("pets: 40 samples in 2 classes").wait_for()
    click(page, "Train on my dataset")
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=120_000)
    wait_idle(page)  # the whole run drawn (the cards come after the metrics) before the next click
    click_cell(page, 2, true=1, pred=1)
    page.get_by_text(re.compile(r"\d+ held-out samples of dog predicted right\.")).wait_for(timeout=30_000)
    cards = _cards(page)
    assert cards.count() >= 1
    said = " ".join(cards.all_inner_texts())
    assert re.search(r"“(woof|bark|fetch) \d+”", said) and not re.search(r"meow|purr|whiskers", said)
    assert no_exception(page)
