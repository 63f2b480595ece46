"""The two catalogues: the same keys, the same placeholders, and a language switch that sticks."""

from __future__ import annotations

import string

from mmdemo.ui.i18n import LANGUAGES, catalogue, untranslated
from tests.ui.conftest import open_page


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _page_keys(lang: str) -> set[str]:
    """Keys of the pages' strings; the core's messages ([errors]) are checked against the source by test_messages."""
    return {k for k in catalogue(lang) if not k.startswith("errors.")}


def test_every_key_exists_in_every_language():
    keys = {lang: _page_keys(lang) for lang in LANGUAGES}
    for lang, have in keys.items():
        missing = untranslated(lang)
        extra = have - keys["en"]
        assert not missing, f"{lang} lacks {sorted(missing)}"
        assert not extra, f"{lang} has keys English lacks: {sorted(extra)}"


def test_placeholders_match_across_languages():
    en = catalogue("en")
    for lang in LANGUAGES:
        for key in _page_keys(lang):
            assert _fields(catalogue(lang)[key]) == _fields(en[key]), f"{lang}:{key} placeholders differ from English"


def test_the_sidebar_switch_changes_the_language_for_the_session():
    at = open_page("app.py")
    assert at.radio(key="lang_picker").value == "en"
    at.radio(key="lang_picker").set_value("zh").run()
    assert at.session_state["lang"] == "zh"
    at.switch_page("pages/1_Data_explorer.py").run()
    assert at.radio(key="lang_picker").value == "zh"  # remembered on another page


def test_bold_and_italic_markers_render_in_every_language():
    """CommonMark ignores ``**`` next to CJK punctuation in some places: none may be left showing."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    for lang in LANGUAGES:
        for key, text in catalogue(lang).items():
            html = md.render(text.replace("{", "").replace("}", ""))
            assert "**" not in html, f"{lang}:{key} shows literal ** : {text[:80]}"
