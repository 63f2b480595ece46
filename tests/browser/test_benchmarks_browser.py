"""`python -m benchmarks --quick --only startup,memory`: the browser benchmarks run end to end (no timings asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_startup_and_memory_benchmarks_run_and_report_against_their_baselines(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "startup,memory", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    startup = json.loads((tmp_path / "startup.json").read_text())
    assert [r["ratio"] for r in startup["rows"] if r["what"].startswith("bare")] == [1.0]
    assert any(line.startswith("home page interactive") for line in startup["checks"])
    answered = next(r for r in startup["rows"] if r["what"].startswith("Try it yourself: upload a recording"))
    assert answered["seconds"] > 0 and any(line.startswith("a recording answered") for line in startup["checks"])
    firsts = [r["what"] for r in startup["rows"] if r["what"].startswith("Train click to chart, first")]
    assert firsts == [
        "Train click to chart, first on a fresh server (empty feature cache)",
        "Train click to chart, first on a new server, features on disk",
    ]
    memory = json.loads((tmp_path / "memory.json").read_text())
    rows = {r["what"]: r for r in memory["rows"]}
    assert rows["mmdemo, one session through every page"]["RSS MB"] > rows["mmdemo server just started"]["RSS MB"]
    assert any(line.startswith("each extra session adds") for line in memory["checks"])
    assert "| what |" in proc.stdout  # the tables are printed
