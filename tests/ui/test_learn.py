"""AppTest tests for the Learn page: sections, formulas, links, live numbers, and both languages."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from mmdemo.ui.i18n import LANGUAGES, catalogue
from mmdemo.ui.models import default_model
from mmdemo.ui.robustness import lesson
from tests.ui.conftest import CJK, ROOT, assert_clean, assert_speaks_chinese, open_from_home, visible_texts

PAGE = "8_Learn.py"


@pytest.fixture(scope="module")
def en() -> AppTest:
    return open_from_home(PAGE)


@pytest.fixture(scope="module")
def zh() -> AppTest:
    return open_from_home(PAGE, lang="zh")


def test_english_page_renders_with_formulas_and_faq(en):
    assert_clean(en)
    assert en.title[0].value.endswith(catalogue("en")["learn.title"])
    assert len(en.latex) >= 4
    formulas = " ".join(x.value for x in en.latex)
    for symbol in (
        r"\oplus",
        r"\otimes",
        r"\frac{1}{M}",
        r"\operatorname{corr}",
        r"\sqrt{d_m}",
        r"S_{ii}",
        r"N_3(z_q)",
    ):
        assert symbol in formulas
    headers = [h.value for h in en.header]
    keys = ("what", "pipeline", "fusion", "live", "scaling", "cca", "pairing", "contrastive", "generation")
    for key in (*keys, "challenges", "faq"):
        assert catalogue("en")[f"learn.{key}.header"] in headers
    questions = [e.label for e in en.expander]
    assert 5 <= len(questions) <= 7
    assert catalogue("en")["learn.faq.q2"] in questions


def test_links_lead_to_every_other_page(en):
    others = {p.stem.split("_", 1)[1] for p in (ROOT / "pages").glob("*.py") if p.name != PAGE}
    assert len(others) >= 7
    assert others <= {p.proto.page for p in en.get("page_link")}


def test_live_numbers_are_the_apps_own(en):
    xor = lesson(0)  # cached: the very results the page showed
    metrics = [(m.label, m.value) for m in en.metric]
    tensor = next(r for r in xor.results if r.fusion == "tensor")
    assert ("tensor ⊗", f"{tensor.accuracy:.3f}") in metrics
    assert tensor.accuracy > 0.9 > 0.6 > max(tensor.per_modality.values())  # the lesson the page tells
    for m, acc in tensor.per_modality.items():
        assert (f"{m} alone", f"{acc:.3f}") in metrics
    captions = " ".join(c.value for c in en.caption)
    assert f"{tensor.n_test} xor-shapes samples" in captions and f"seed {tensor.seed}" in captions

    av, _ = default_model()
    assert ("late", f"{av.accuracy:.3f}") in metrics
    assert ("text alone", f"{av.per_modality['text']:.3f}") in metrics
    assert f"{av.n_test} av-digits samples" in captions
    prose = " ".join(m.value for m in en.markdown)
    assert f"learned from {av.n_train:,} training samples" in prose  # the FAQ quotes the live split


def test_contrastive_and_generation_quote_the_labs_own_numbers(en):
    from mmdemo.datasets import load_dataset
    from mmdemo.experiments.crossmodal import shared_space_experiment
    from mmdemo.experiments.imagine import imagination_experiment

    prose = " ".join(m.value for m in en.markdown)
    scenes = load_dataset("scenes")
    cca, con = (shared_space_experiment(scenes, query="image", target="text", method=m) for m in ("cca", "contrastive"))
    r10 = con.retrieval["recall_at_10"]
    assert f"**{r10:.0%}** of the pictures, CCA for **{cca.retrieval['recall_at_10']:.0%}**" in prose
    assert r10 >= cca.retrieval["recall_at_10"] > 5 * cca.retrieval["chance_recall_at_10"]
    imagined = imagination_experiment(load_dataset("av-digits"), query="audio")
    assert f"reads **{imagined.accuracy:.0%}** of the pictures imagined from 1,250 held-out recordings" in prose
    assert imagined.accuracy >= 0.8


def test_chinese_page_leaves_nothing_untranslated(zh):
    assert_speaks_chinese(zh)
    assert zh.session_state["lang"] == "zh"
    texts = visible_texts(zh)
    assert len(texts) > 40
    assert not [s for s in texts if not CJK.search(s) and s not in LANGUAGES.values()]  # formatted strings too
    assert len(zh.latex) >= 4 and len(zh.expander) >= 5


def test_every_learn_string_is_translated():
    en, zh = catalogue("en"), catalogue("zh")
    learn = [k for k in en if k.startswith("learn.")]
    assert len(learn) > 50
    untranslated = [k for k in learn if zh[k] == en[k] or not CJK.search(zh[k])]
    assert untranslated == ["learn.separator"]  # "; " becomes "；", which is no ideograph


def test_every_key_the_page_names_exists():
    source = (ROOT / "pages" / PAGE).read_text(encoding="utf-8") + (ROOT / "mmdemo/ui/learn.py").read_text(
        encoding="utf-8"
    )
    named = set(re.findall(r"""["'](learn\.[a-z_.0-9]+[a-z0-9_])["']""", source))
    assert len(named) > 20
    assert not named - set(catalogue("en"))
