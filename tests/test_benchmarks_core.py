"""`python -m benchmarks --quick` runs the in-process benchmarks end to end (no timings asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.growth import QUICK_SIZES

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("audio_features", "retrain", "contrastive", "growth")


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    """The JSON of one quick run of both benchmarks, by name."""
    out = tmp_path_factory.mktemp("benchmarks")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", ",".join(NAMES), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {name: json.loads((out / f"{name}.json").read_text()) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_each_result_has_a_table_and_checks(results, name):
    result = results[name]
    assert result["quick"] is True
    assert result["rows"] and all(isinstance(row, dict) for row in result["rows"])
    assert result["checks"] and all(isinstance(line, str) and line for line in result["checks"])


def test_batched_mfcc_matches_the_librosa_loop(results):
    audio = results["audio_features"]
    assert audio["max_abs_difference"] <= audio["tolerance"], audio["worst_clip"]
    assert any(line.startswith("features agree") and line.endswith(": met") for line in audio["checks"])


def test_growth_has_one_row_per_quick_size(results):
    growth = results["growth"]
    assert [row["samples"] for row in growth["rows"]] == list(QUICK_SIZES)
    assert growth["notes"]


def test_retrain_times_every_fusion_method_against_its_baseline(results):
    from mmdemo.fusion import FUSIONS

    retrain = results["retrain"]
    assert set(retrain["per_method_seconds"]) == set(FUSIONS)
    assert retrain["rows"][0]["x baseline"] == 1.0
    assert any(line.startswith("compare over") for line in retrain["checks"])


def test_contrastive_training_is_timed_against_cca_on_the_same_pairs(results):
    rows = results["contrastive"]["rows"]
    assert [row["what"].split(":")[1].split()[0] for row in rows] == ["CCA", "contrastive,"]
    assert rows[0]["x baseline"] == 1.0 and rows[1]["x baseline"] > 0
    assert "60 epochs" in rows[1]["what"] and "loss" in results["contrastive"]["checks"][0]
