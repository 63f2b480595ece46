"""What every benchmark shares: median timings, ratios against a baseline of the same run, tables, JSON, RSS.

Absolute times drift on shared machines, so each benchmark reports its result
as a ratio against a simple baseline measured in the same run, next to the
median seconds.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["RESULTS", "median_seconds", "markdown_table", "write_result", "rss_mb", "machine"]

#: Where the JSON of each benchmark goes (full runs are committed: the README is rendered from them).
RESULTS = Path(__file__).resolve().parent / "results"


def median_seconds(fn: Callable[[], Any], *, repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeat`` runs, after ``warmup`` untimed runs.

    Examples
    --------
    >>> median_seconds(lambda: sum(range(10)), repeat=3) >= 0
    True
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def markdown_table(rows: Sequence[dict], columns: Sequence[str] | None = None) -> str:
    """A Markdown table of ``rows`` (floats with 3 significant decimals), for the terminal and the README.

    Examples
    --------
    >>> print(markdown_table([{"step": "mfcc", "seconds": 0.12345}]))
    | step | seconds |
    | --- | --- |
    | mfcc | 0.123 |
    """
    columns = list(columns or rows[0].keys())

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 100 else f"{v:,.0f}"
        return str(v)

    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    lines += ["| " + " | ".join(cell(r.get(c, "")) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def machine() -> dict:
    """What the numbers were measured on."""
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def write_result(name: str, payload: dict, *, directory: Path | None = None) -> Path:
    """Write ``payload`` (plus the machine) as ``<directory>/<name>.json``; return the path."""
    directory = directory or RESULTS
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps({"benchmark": name, "machine": machine(), **payload}, indent=2, default=float))
    return path


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default) in MB, from /proc (Linux)."""
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return kb / 1024
