"""Load: concurrent sessions open the app, train once and predict once, over Streamlit's websocket on loopback.

Each session is a `benchmarks.st_client.Session` (one browser tab, no browser:
30 Chromium pages on 2 cores would measure the browsers, not the server). Its
journey: open the home page, open *Train & compare* and press **Train** (the
defaults: av-digits, early fusion, logreg), open *Try it yourself* and type
"seven". A step's latency runs from sending the request to ``script_finished``.
An error is an exception element, an error alert, a missing result, a step
timeout or a websocket failure.

The server is warmed with one journey (dataset, features and imports are then
cached, as on a server that has been up a while); the baseline is one more
journey alone, in the same run. Sessions start spread evenly over 2 s.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from websockets.exceptions import WebSocketException

from benchmarks.common import RESULTS, rss_mb
from benchmarks.st_client import Session, WidgetNotFound
from tests.live_server import serve

__all__ = ["Journey", "crowd", "journey", "run"]

SESSIONS = 30
QUICK_SESSIONS = 5
#: Starts are spread evenly over this many seconds, as users do not click in the same millisecond.
STAGGER_SECONDS = 2.0
#: A step that has not finished after this long is an error.
STEP_TIMEOUT = 120.0
#: The whole crowd is cut off after this long; unfinished sessions count as errors.
CROWD_TIMEOUT = 900.0
#: Every step's p95 under load must stay below this.
TARGET_P95 = 10.0

STEPS = ("open home", "open Train & compare", "train", "open Try it yourself", "predict")
ACCURACY = "Accuracy (held-out)"
TYPED = "seven"


@dataclass
class Journey:
    """One session's journey: step latencies, what it was shown, what went wrong."""

    session_id: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    total: float | None = None  # connect to the last step's end; None unless every step ran
    accuracy: str | None = None  # the held-out accuracy metric after Train
    model: str = ""  # the line saying which model *Try it yourself* predicts with
    prediction: str | None = None  # the label shown after typing
    errors: list[str] = field(default_factory=list)


async def journey(base_url: str, *, delay: float = 0.0, timeout: float = STEP_TIMEOUT) -> Journey:
    """One session's journey through the app at ``base_url``, after waiting ``delay`` seconds."""
    await asyncio.sleep(delay)
    j = Journey()
    start = time.perf_counter()
    try:
        async with Session.connect(base_url, timeout=timeout) as tab:
            plan = (
                ("open home", lambda: tab.open("")),
                ("open Train & compare", lambda: tab.open("Train_and_compare")),
                ("train", lambda: tab.click("Train")),
                ("open Try it yourself", lambda: tab.open("Try_it_yourself")),
                ("predict", lambda: tab.type_text("Text", TYPED)),
            )
            for name, act in plan:
                shown = await act()
                j.session_id = tab.session_id
                j.seconds[name] = shown.seconds
                j.errors += [f"{name}: {e}" for e in shown.errors]
                if shown.errors:
                    break
                if name == "train":
                    j.accuracy = shown.metrics.get(ACCURACY)
                elif name == "open Try it yourself":
                    j.model = next((a.body for a in shown.of_kind("alert") if a.body.startswith("Predicting")), "")
                elif name == "predict":
                    j.prediction = next(
                        (h.removeprefix("Prediction: ") for h in shown.headings if h.startswith("Prediction: ")), None
                    )
            else:
                j.total = time.perf_counter() - start
    except (OSError, WebSocketException, WidgetNotFound) as exc:
        j.errors.append(f"{type(exc).__name__}: {exc}")
    if j.total is not None and j.accuracy is None:
        j.errors.append(f"train: no {ACCURACY!r} metric")
    if j.total is not None and j.prediction is None:
        j.errors.append(f"predict: no prediction after typing {TYPED!r}")
    return j


async def crowd(
    base_url: str, sessions: int, *, stagger: float = STAGGER_SECONDS, deadline: float = CROWD_TIMEOUT
) -> list[Journey]:
    """``sessions`` journeys at once, started evenly over ``stagger`` seconds; cut off after ``deadline``."""
    tasks = [asyncio.create_task(journey(base_url, delay=i * stagger / sessions)) for i in range(sessions)]
    done, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    return [t.result() if t in done else Journey(errors=[f"unfinished after {deadline:.0f} s"]) for t in tasks]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _row(name: str, under_load: list[float], alone: float | None, sessions: int) -> dict:
    """One table row: percentiles under load, the same step alone, their ratio."""
    if not under_load:
        return {"step": name, "sessions ok": f"0/{sessions}"}
    p50, p95 = np.percentile(under_load, [50, 95])
    return {
        "step": name,
        "sessions ok": f"{len(under_load)}/{sessions}",
        "p50 (s)": float(p50),
        "p95 (s)": float(p95),
        "max (s)": max(under_load),
        "alone (s)": alone if alone is not None else "",
        "p95 / alone": float(p95) / alone if alone else "",
    }


def run(*, quick: bool) -> dict:
    """Warm the server, time one journey alone, then ``30`` (``5`` with ``quick``) at once."""
    sessions = QUICK_SESSIONS if quick else SESSIONS
    log = RESULTS / "load_server.log"
    with serve("app.py", log=log) as (url, proc):
        pid = proc.pid
        warmup = asyncio.run(journey(url))
        alone = asyncio.run(journey(url))
        rss_before = rss_mb(pid)
        server_cpu, client_cpu, wall = _cpu_seconds(pid), time.process_time(), time.perf_counter()
        journeys = asyncio.run(crowd(url, sessions))
        server_cpu = _cpu_seconds(pid) - server_cpu
        client_cpu, wall = time.process_time() - client_cpu, time.perf_counter() - wall
        rss_after = rss_mb(pid)

    rows = [_row(s, [j.seconds[s] for j in journeys if s in j.seconds], alone.seconds.get(s), sessions) for s in STEPS]
    rows.append(_row("whole journey", [j.total for j in journeys if j.total is not None], alone.total, sessions))
    errors = [e for j in journeys for e in j.errors]
    slowest = max(rows[:-1], key=lambda r: r.get("p95 (s)", float("inf")))
    p95 = slowest.get("p95 (s)", float("inf"))
    checks = [
        f"{sessions} sessions: {len(errors)} errors (target 0): {'met' if not errors else 'missed'}"
        + (f" — first: {errors[0]} (server log: {log})" if errors else ""),
        f"p95 of the slowest step ({slowest['step']}) {p95:.1f} s (target < {TARGET_P95:.0f} s): "
        + ("met" if p95 < TARGET_P95 else "missed"),
        f"server RSS {rss_before:.0f} MB before the crowd, {rss_after:.0f} MB after (reported, no target)",
        f"CPU during the crowd: server {server_cpu:.0f} s, these clients {client_cpu:.0f} s, "
        f"in {wall:.0f} s of wall time on {os.cpu_count()} cores (reported, no target)",
    ]
    if warmup.errors or alone.errors:
        checks.append(f"warm-up or lone journey failed: {(warmup.errors + alone.errors)[0]}")
    return {
        "title": f"Load: {sessions} concurrent sessions (starts spread over {STAGGER_SECONDS:.0f} s), "
        "each opens the app, trains once and predicts once — websocket on loopback",
        "rows": rows,
        "checks": checks,
        "sessions": sessions,
        "errors": errors,
        "warmup_errors": warmup.errors + alone.errors,
        "rss_mb": {"before": rss_before, "after": rss_after},
        "crowd_cpu_seconds": {"server": server_cpu, "clients": client_cpu, "wall": wall},
        "distinct_session_ids": len({j.session_id for j in journeys if j.session_id}),
    }
