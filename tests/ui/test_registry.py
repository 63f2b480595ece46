"""One registry entry is the whole of a new fusion method: compare, the CLI, the Train page and the catalogues see it."""

from __future__ import annotations

import pytest
from sklearn.pipeline import Pipeline

from mmdemo.cli import main
from mmdemo.datasets import make_xor_shapes
from mmdemo.errors import ParameterError
from mmdemo.experiments.evaluate import compare
from mmdemo.fusion import FUSIONS, EarlyFusion
from mmdemo.registry import REGISTRIES
from mmdemo.ui.i18n import catalogue, untranslated
from tests.ui.conftest import open_page

NAME, LINE = "throwaway", "throwaway: early fusion under another name, added by a test"


@pytest.fixture
def throwaway():
    FUSIONS.add(
        NAME,
        LINE,
        make=lambda clf, blocks, random_state: Pipeline([("fusion", EarlyFusion(blocks=blocks)), ("clf", clf)]),
        group="multimodal",
    )
    yield NAME
    FUSIONS.remove(NAME)


def test_compare_runs_it_beside_the_others(throwaway):
    results = {r.fusion: r for r in compare(make_xor_shapes(200), fusions=["early", throwaway])}
    assert set(results) == {"early", throwaway}
    assert results[throwaway].accuracy == pytest.approx(results["early"].accuracy)  # the same model, the same split


def test_the_cli_offers_and_describes_it(throwaway, capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert f"{throwaway}: {LINE}" in " ".join(capsys.readouterr().out.split())
    assert main(["train", "--dataset", "xor-shapes", "--fusion", throwaway, "--json"]) == 0


def test_the_train_page_picker_lists_it(throwaway):
    at = open_page("2_Train_and_compare.py", dataset="xor-shapes")
    picker = at.selectbox(key="train_fusion")
    assert picker.options[-1] == LINE  # shown by its description, last of its group in the registry's order
    picker.set_value(throwaway)
    at.button(key="train_button").click().run()
    assert not at.exception
    assert at.session_state["trained"].model.fusion == throwaway


def test_the_catalogues_name_it_in_english_and_ask_for_chinese(throwaway):
    assert catalogue("en")[f"names.fusion.{throwaway}"] == LINE
    assert untranslated("zh") == {f"names.fusion.{throwaway}"}  # the catalogue check asks for its Chinese line


def test_without_it_every_choice_is_named_in_both_languages_and_unknown_names_list_the_choices():
    assert untranslated("zh") == set()
    for table, registry in REGISTRIES.items():
        assert len(registry) >= 2, table
        with pytest.raises(ParameterError, match="use one of " + ", ".join(list(registry)[:2])):
            registry.check("no-such-choice")
