"""AppTest helpers: run a page script headless, as Streamlit would (in English or Chinese), drive it, read its text."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from mmdemo.ui.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
#: A Chinese character (CJK Unified Ideographs).
CJK = re.compile(r"[\u4e00-\u9fff]")
#: The widgets whose label (and options, where they have some) a reader sees.
LABELLED = ("button", "selectbox", "multiselect", "slider", "radio", "checkbox", "toggle", "text_input", "number_input")


def open_page(
    name: str,
    *,
    dataset: str | None = None,
    lang: str | None = None,
    query: dict[str, str] | None = None,
    timeout: float = 240,
) -> AppTest:
    """Run ``app.py`` or ``pages/<name>`` once and return the AppTest.

    ``lang`` is put in the session and ``query`` in the URL before the first run; ``dataset`` is picked after it.
    """
    path = ROOT / ("app.py" if name == "app.py" else f"pages/{name}")
    at = AppTest.from_file(str(path), default_timeout=timeout)
    if lang is not None:
        at.session_state["lang"] = lang
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if dataset is not None:
        at.selectbox(key="dataset_picker").set_value(dataset).run()
    return at


def open_page_zh(name: str, *, dataset: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    """`open_page` with the session in Chinese from the first run."""
    return open_page(name, dataset=dataset, lang="zh", query=query)


def open_from_home(page: str, *, lang: str | None = None, timeout: float = 300) -> AppTest:
    """``pages/<page>`` reached from the home page, as in the app: page links resolve against the entry point.

    ``lang`` is chosen with the sidebar's language switch on the home page, as a visitor would.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.run()
    if lang is not None:
        at.radio(key="lang_picker").set_value(lang).run()
    at.switch_page(f"pages/{page}").run()
    return at


def figures(at: AppTest) -> list[go.Figure]:
    """The plotly figures on the page, rebuilt as figures (arrays decoded)."""
    return [pio.from_json(el.proto.spec) for el in at.get("plotly_chart")]


def array(value) -> np.ndarray:
    """A figure array as numpy, decoding plotly's typed-array form ({"dtype", "bdata", "shape"})."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return data.reshape([int(n) for n in str(shape).split(",")]) if shape else data
    return np.asarray(value)


def assert_clean(at: AppTest) -> None:
    """No exception element and no error box on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def visible_texts(at: AppTest) -> list[str]:
    """Every text a reader sees: headings, prose, message boxes, the labels (and options) of buttons and widgets,
    tabs, expanders, metrics and page links."""
    texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption") for e in at.get(kind)]
    texts += [e.value for kind in ("info", "warning", "success", "error") for e in at.get(kind)]
    for kind in LABELLED:
        for w in at.get(kind):
            texts += [w.label, *(str(o) for o in getattr(w, "options", []))]
    texts += [e.label for e in (*at.tabs, *at.expander, *at.metric)]
    texts += [e.proto.label for e in at.get("page_link")]
    return [x for x in texts if x]


@cache
def english_only() -> frozenset[str]:
    """The English strings that the Chinese catalogue does not share: seeing one on a Chinese page is a leak."""
    return frozenset(catalogue("en").values()) - frozenset(catalogue("zh").values())


def assert_speaks_chinese(at: AppTest, *, kept: Iterable[str] = ()) -> None:
    """A clean page with a Chinese title and no visible text that exists only in English.

    ``kept`` are names the page shows as they are on purpose (identifiers such as fusion methods).
    """
    assert_clean(at)
    assert CJK.search(at.title[0].value), at.title[0].value
    leaks = [x for x in visible_texts(at) if x in english_only() - set(kept)]
    assert not leaks, f"English left on a Chinese page: {leaks}"


@pytest.fixture
def page():
    return open_page
