"""The app's two languages: one catalogue per language, the session's choice, and `t` to look strings up.

Catalogues are TOML files in ``mmdemo/ui/locales/`` (``en.toml``, ``zh.toml``),
one table per page or area; a key is ``table.name`` (``learn.title``).
Values are `str.format` templates. The language is chosen in the sidebar of
every page and kept for the session; it starts from ``?lang=en|zh`` in the
URL, else the browser's language where Streamlit exposes it, else English.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import streamlit as st

# Every module that registers named choices, so that their English names are in the catalogue.
import mmdemo.classifiers  # noqa: F401
import mmdemo.corrupt  # noqa: F401
import mmdemo.crossmodal.spaces  # noqa: F401
import mmdemo.experiments.interactions  # noqa: F401
import mmdemo.experiments.robustness  # noqa: F401
import mmdemo.fusion.missing  # noqa: F401
import mmdemo.parallel  # noqa: F401
import mmdemo.projection  # noqa: F401
from mmdemo.errors import Message
from mmdemo.registry import REGISTRIES, Registry
from mmdemo.ui import state
from mmdemo.viz import TEXT

__all__ = [
    "LANGUAGES",
    "catalogue",
    "untranslated",
    "language",
    "t",
    "say",
    "table",
    "described",
    "figure_text",
    "listing",
    "modality_name",
    "modality_list",
    "language_picker",
]

#: Language code -> its own name, as shown in the picker.
LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}
_LOCALES = Path(__file__).resolve().parent / "locales"


def _merge(into: dict, new: dict) -> None:
    """Merge TOML tables key by key (the figures' English joins the [viz] table without replacing it)."""
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


def catalogue(lang: str) -> dict[str, str]:
    """Every string of a language, flattened to ``table.name`` keys.

    English names of choices (``names.fusion.early``...) are read from their registries, live, so a choice
    registered after start-up is named too; the other languages say them in their own file.
    """
    strings = _file_strings(lang)
    if lang != "en":
        return strings
    names = {f"{table}.{name}": line for table, registry in REGISTRIES.items() for name, line in registry.items()}
    return strings | names


def untranslated(lang: str) -> set[str]:
    """Keys of the pages' strings (not the core's messages) that English has and ``lang`` lacks."""
    return {k for k in catalogue("en").keys() - catalogue(lang).keys() if not k.startswith("errors.")}


@cache
def _file_strings(lang: str) -> dict[str, str]:
    data = tomllib.loads((_LOCALES / f"{lang}.toml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}

    def walk(prefix: str, node: dict) -> None:
        for k, v in node.items():
            key = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                walk(key, v)
            else:
                out[key] = str(v)

    if lang == "en":  # the figures' English lives with the figures
        _merge(data, {"viz": TEXT})
    walk("", data)
    return out


def table(name: str) -> dict[str, str]:
    """Every string of one table in the session's language (English where it lacks one), without the prefix."""
    prefix = f"{name}."
    english = {k.removeprefix(prefix): v for k, v in catalogue("en").items() if k.startswith(prefix)}
    return english | {k.removeprefix(prefix): v for k, v in catalogue(language()).items() if k.startswith(prefix)}


def _initial_language() -> str:
    asked = st.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    locale = (getattr(st.context, "locale", None) or "").lower()
    return "zh" if locale.startswith("zh") else "en"


def language() -> str:
    """The session's language code."""
    if state.get("lang") not in LANGUAGES:
        state.put("lang", _initial_language())
    return state.get("lang")


def t(key: str, **values) -> str:
    """The string ``key`` in the session's language (English if that language lacks it), formatted."""
    text = catalogue(language()).get(key) or catalogue("en").get(key)
    if text is None:
        raise KeyError(f"No string {key!r} in the catalogues")
    return text.format(**values) if values else text


def say(message: str) -> str:
    """A message from the core (`mmdemo.errors.Message`, e.g. ``str(exc)``'s source) in the session's language."""
    if isinstance(message, Message) and language() != "en":  # English: as raised (its template is the source's)
        prefix = "errors."
        strings = {k.removeprefix(prefix): v for k, v in catalogue(language()).items() if k.startswith(prefix)}
        return message.translate(strings, sep=t("common.list_separator"))
    return str(message)


def described(choices: Registry) -> dict[str, str]:
    """Each choice of a registry -> its description in the session's language (English where it lacks one)."""
    said = table(choices.table)
    return {name: said.get(name, line) for name, line in choices.items()}


def figure_text() -> dict[str, str]:
    """The figures' fixed texts in the session's language: the ``text=`` of every `mmdemo.viz` figure."""
    return table("viz")


def modality_name(modality: str) -> str:
    """A modality as the session's language names it ("image" / "图像"; the value itself if unknown)."""
    return table("names.modality").get(modality, modality)


def listing(items: Iterable[str]) -> str:
    """Items joined as the session's language writes a list ("a, b" / "a、b")."""
    return t("common.list_separator").join(items)


def modality_list(modalities) -> str:
    """Modalities named and joined as the session's language writes a list."""
    return listing(modality_name(m) for m in modalities)


def language_picker() -> None:
    """The language switch in the sidebar; the choice is kept for the session and written to the URL."""
    current = language()
    st.sidebar.radio(
        "Language · 语言",
        list(LANGUAGES),
        index=list(LANGUAGES).index(current),
        format_func=LANGUAGES.get,
        horizontal=True,
        key="lang_picker",
        on_change=lambda: state.put("lang", st.session_state["lang_picker"]),
    )
    st.query_params["lang"] = language()
