"""Every file of the bad-input corpus, uploaded through the pages: a clear st.error, nothing lost."""

from __future__ import annotations

import pytest

from mmdemo.datasets import MultimodalDataset
from mmdemo.datasets.builder import add_sample, empty_dataset
from tests.data.make_bad_inputs import CASES
from tests.ui.conftest import open_page

PAGE = "7_Your_own_dataset.py"
FILES = [c for c in CASES if c.use != "zip" and not c.big]
ZIPS = [c for c in CASES if c.use == "zip" and not c.big]


def _two_samples() -> MultimodalDataset:
    ds = add_sample(empty_dataset("kept"), "cat", text="meow")
    return add_sample(ds, "dog", text="woof")


@pytest.mark.parametrize("case", FILES, ids=lambda c: c.name)
def test_uploading_a_file_adds_it_or_says_why_not(case):
    at = open_page(PAGE)
    at.session_state["user_dataset"] = _two_samples()
    at.run()
    at.file_uploader(key="own_files_0").set_value((case.name, case.make(), "application/octet-stream")).run()
    at.button(key="own_add_files").click().run()
    assert not at.exception
    ds = at.session_state["user_dataset"]
    assert ds.data["text"][:2] == ["meow", "woof"]  # the session's data is intact
    if case.expect is None:
        assert ds.n_samples == 3 and not at.error
    else:
        assert ds.n_samples == 2
        assert len(at.error) == 1 and case.name in at.error[0].value and case.expect in at.error[0].value


@pytest.mark.parametrize("case", ZIPS, ids=lambda c: c.name)
def test_importing_a_zip_loads_it_or_says_why_not(case):
    at = open_page(PAGE)
    at.file_uploader(key="own_zip_0").set_value((case.name, case.make(), "application/zip")).run()
    at.button(key="own_import").click().run()
    assert not at.exception
    if case.expect is None:
        assert at.session_state["user_dataset"] is not None
        if case.problem:
            assert any(case.problem in w.value for w in at.warning)
    else:
        assert at.session_state["user_dataset"] is None  # still on the start screen
        assert case.name in at.error[0].value and case.expect in at.error[0].value
