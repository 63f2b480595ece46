"""AppTest helpers: run a page script headless, as Streamlit would, and drive its widgets."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def open_page(name: str, *, dataset: str | None = None, timeout: float = 240) -> AppTest:
    """Run ``app.py`` or ``pages/<name>`` once and return the AppTest (optionally after picking a dataset)."""
    path = ROOT / ("app.py" if name == "app.py" else f"pages/{name}")
    at = AppTest.from_file(str(path), default_timeout=timeout)
    at.run()
    if dataset is not None:
        at.selectbox(key="dataset_picker").set_value(dataset).run()
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


@pytest.fixture
def page():
    return open_page
