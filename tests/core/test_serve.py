"""`mmdemo.serve`: a process that keeps dying young is started again ever more slowly; one that ran long, at once."""

from __future__ import annotations

import signal
import sys
import time

from mmdemo.serve import _Child


def _dying(tmp_path) -> _Child:
    child = _Child("worker 1", [sys.executable, "-c", "raise SystemExit(3)"], tmp_path / "w.log")
    child.start()
    child.process.wait()
    return child


def test_a_worker_that_dies_at_once_waits_1_then_2_seconds_before_each_start(tmp_path):
    child = _dying(tmp_path)
    assert not child.due() and child.wait == 1.0
    time.sleep(1.05)
    assert child.due()
    child.start()
    child.process.wait()
    assert not child.due() and child.wait == 2.0


def test_a_worker_that_ran_for_minutes_is_started_again_at_once(tmp_path):
    child = _dying(tmp_path)
    child.started -= 600  # as if it had run for ten minutes
    assert child.due() and child.wait == 0.0


def test_a_running_worker_is_not_due(tmp_path):
    child = _Child("worker 1", [sys.executable, "-c", "import time; time.sleep(30)"], tmp_path / "w.log")
    child.start()
    try:
        assert not child.due()
    finally:
        child.stop()
    assert child.process.returncode == -signal.SIGTERM  # stopped by our SIGTERM, not left to run out
