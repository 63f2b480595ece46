"""``python -m benchmarks --quick --only load``: a few sessions at once through `mmdemo serve` with 2 workers.

No timing is asserted: each session trains, predicts and adds a sample to the class, none sees another's
sample, the crowd spreads over both workers and the class's counts (read from the shared database) hold
every sample the journeys were told was saved.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks.load import QUICK_SESSIONS
from tests.browser.helpers import need_haproxy
from tests.live_server import ROOT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def load(tmp_path_factory) -> dict:
    need_haproxy()
    out = tmp_path_factory.mktemp("load")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "load", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return json.loads((out / "load.json").read_text())


def test_every_session_finishes_without_errors_on_both_workers(load):
    (m,) = load["measured"]
    assert (m["workers"], m["sessions"]) == (2, QUICK_SESSIONS[0])
    assert m["errors"] == []
    assert m["sessions_ok"] == m["sessions"] == m["distinct_session_ids"]
    assert set(m["per_worker"]) == {"w1", "w2"} and sum(m["per_worker"].values()) == m["sessions"]


def test_the_class_holds_every_sample_written_through_either_worker(load):
    (m,) = load["measured"]
    assert m["class_samples"] == m["samples_saved"] >= m["sessions"] + 2  # the crowd, the lone journey, the warm-ups
    assert load["checks"][-1].endswith(": met")


def test_the_table_has_a_row_per_crowd_and_says_what_was_measured(load):
    assert [(r["workers"], r["sessions"], r["errors"]) for r in load["rows"]] == [(2, QUICK_SESSIONS[0], 0)]
    assert load["database"] in {"PostgreSQL", "SQLite"}
    assert all(step["p95"] > 0 for step in load["measured"][0]["steps"].values())
