"""Load: a class of concurrent sessions through `mmdemo serve`'s proxy, with 1, 2 and 4 app workers.

Each session is a `benchmarks.st_client.Session` (one browser tab, no browser:
60 Chromium pages on 2 cores would measure the browsers, not the server). It
first loads the page through HAProxy, which sets the sticky cookie, then opens
the websocket with it, as a browser does. Its journey: open the home page,
open *Train & compare* and press **Train** (the defaults: av-digits, early
fusion, logreg), open *Try it yourself* and type "seven", open the class's join
link on *Classroom*, join, type a word and add it as a sample. A step's latency
runs from sending the request to ``script_finished``. An error is an exception
element, an error alert, a missing result, a step timeout or a websocket
failure; a session that sees another's sample in "My samples" is an error too.

Each worker is warmed by one journey of its own, one after the other: the first
extracts the av-digits features and writes them to the disk cache, the others
read them (their warm-up journeys are reported). The baseline is one more
journey alone on the same server, in the same run. Sessions start spread evenly
over 2 s. The class lives in PostgreSQL when the machine has it (started here
on 127.0.0.1), else in SQLite; every worker reads and writes the same one.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from websockets.exceptions import WebSocketException

from benchmarks.common import RESULTS
from benchmarks.st_client import Session, WidgetNotFound
from mmdemo.classroom import ClassroomStore
from mmdemo.serve import SchoolServer
from tests.live_server import free_port

__all__ = ["Journey", "School", "crowd", "journey", "run", "school"]

WORKERS, SESSIONS = (1, 2, 4), (30, 60)
QUICK_WORKERS, QUICK_SESSIONS = (2,), (6,)
#: Starts are spread evenly over this many seconds, as users do not click in the same millisecond.
STAGGER_SECONDS = 2.0
#: A step that has not finished after this long is an error.
STEP_TIMEOUT = 120.0
#: The whole crowd is cut off after this long; unfinished sessions count as errors.
CROWD_TIMEOUT = 900.0
#: With 2 workers, the slowest step's p95 must stay below these (sessions -> seconds).
TARGET_P95 = {30: 5.0, 60: 10.0}

STEPS = (
    "open home",
    "open Train & compare",
    "train",
    "open Try it yourself",
    "predict",
    "open the class's link",
    "join",
    "type a sample",
    "add it",
)
ACCURACY = "Accuracy (held-out)"
TYPED = "seven"
LABELS = ("cat", "dog")


@dataclass
class Journey:
    """One session's journey: step latencies, what it was shown, what went wrong."""

    session_id: str = ""
    worker: str = ""  # the proxy's sticky cookie: which app process served the session
    seconds: dict[str, float] = field(default_factory=dict)
    total: float | None = None  # connect to the last step's end; None unless every step ran
    accuracy: str | None = None  # the held-out accuracy metric after Train
    model: str = ""  # the line saying which model *Try it yourself* predicts with
    prediction: str | None = None  # the label shown after typing
    saved: str = ""  # the success line after adding the sample
    my_samples: list[str] = field(default_factory=list)  # the texts "My samples" shows afterwards
    errors: list[str] = field(default_factory=list)


def _plan(tab: Session, code: str, name: str, word: str) -> tuple:
    async def join():
        tab.fill("Your name (as the class will see it)", name)
        return await tab.click("Join")

    async def add_it():
        return await tab.click("Add this sample")

    return (
        ("open home", lambda: tab.open("")),
        ("open Train & compare", lambda: tab.open("Train_and_compare")),
        ("train", lambda: tab.click("Train")),
        ("open Try it yourself", lambda: tab.open("Try_it_yourself")),
        ("predict", lambda: tab.type_text("Text", TYPED)),
        ("open the class's link", lambda: tab.open("Classroom", query=f"join={code}")),
        ("join", join),
        ("type a sample", lambda: tab.type_text("Text", word)),
        ("add it", add_it),
    )


def _read(j: Journey, step: str, shown) -> None:
    """Keep what a step showed that the journey checks."""
    if step == "train":
        j.accuracy = shown.metrics.get(ACCURACY)
    elif step == "open Try it yourself":
        j.model = next((a.body for a in shown.of_kind("alert") if a.body.startswith("Predicting")), "")
    elif step == "predict":
        j.prediction = next(
            (h.removeprefix("Prediction: ") for h in shown.headings if h.startswith("Prediction: ")), None
        )
    elif step == "add it":
        j.saved = next((a.body for a in shown.of_kind("alert") if a.body.startswith("Saved")), "")
        j.my_samples = [x.body for x in shown.of_kind("text")]


async def journey(
    base_url: str,
    code: str,
    *,
    n: int = 0,
    delay: float = 0.0,
    timeout: float = STEP_TIMEOUT,
    worker: str | None = None,
) -> Journey:
    """Session ``n``'s journey through the app at ``base_url`` (the class of join ``code``), after ``delay`` seconds.

    ``worker`` pins the session to one app process (the proxy's cookie value, ``"w1"``).
    """
    await asyncio.sleep(delay)
    j, word = Journey(), f"sample {n} {os.urandom(3).hex()}"
    start = time.perf_counter()
    try:
        async with Session.connect(base_url, timeout=timeout, worker=worker) as tab:
            j.worker = tab.worker
            for name, act in _plan(tab, code, f"student {n}", word):
                shown = await act()
                j.session_id = tab.session_id
                j.seconds[name] = shown.seconds
                j.errors += [f"{name}: {e}" for e in shown.errors]
                if shown.errors:
                    break
                _read(j, name, shown)
            else:
                j.total = time.perf_counter() - start
    except (OSError, WebSocketException, WidgetNotFound) as exc:
        j.errors.append(f"{type(exc).__name__}: {exc}")
    if j.total is not None:
        if j.accuracy is None:
            j.errors.append(f"train: no {ACCURACY!r} metric")
        if j.prediction is None:
            j.errors.append(f"predict: no prediction after typing {TYPED!r}")
        if not j.saved:
            j.errors.append("add it: no 'Saved' line")
        if j.my_samples != [word]:
            j.errors.append(f"add it: My samples shows {j.my_samples}, not only {word!r}")
    return j


async def crowd(
    base_url: str, code: str, sessions: int, *, stagger: float = STAGGER_SECONDS, deadline: float = CROWD_TIMEOUT
) -> list[Journey]:
    """``sessions`` journeys at once, started evenly over ``stagger`` seconds; cut off after ``deadline``."""
    tasks = [asyncio.create_task(journey(base_url, code, n=i, delay=i * stagger / sessions)) for i in range(sessions)]
    done, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    return [t.result() if t in done else Journey(errors=[f"unfinished after {deadline:.0f} s"]) for t in tasks]


@dataclass
class School:
    """A running `SchoolServer`, its class (join code, teacher token) and the store every worker shares."""

    server: SchoolServer
    store: ClassroomStore
    code: str
    teacher: str
    database: str  # "PostgreSQL" or "SQLite"
    warmups: list[Journey] = field(default_factory=list)  # one per worker, in order
    saved: int = 0  # samples the journeys were told were saved


def class_samples(s: School) -> int:
    """How many samples the class holds, as the teacher's counts say (read from the shared database)."""
    counts = s.store.teacher_counts(s.teacher)
    return sum(per["text"] for student in counts.values() for per in student.values())


@contextlib.contextmanager
def _database() -> Iterator[tuple[str, str]]:
    """(SQLAlchemy URL, engine name): a PostgreSQL server of our own when the machine has one, else SQLite."""
    import pytest

    from tests.pg_server import postgres_url

    try:
        with postgres_url() as url:
            yield url, "PostgreSQL"
            return
    except (pytest.skip.Exception, pytest.fail.Exception):
        pass
    with tempfile.TemporaryDirectory(prefix="mmdemo-load-db-") as folder:
        yield f"sqlite:///{folder}/classroom.db", "SQLite"


@contextlib.contextmanager
def school(workers: int, *, log_dir: Path | None = None, warm: bool = True) -> Iterator[School]:
    """`mmdemo serve` with ``workers`` on a free port of 127.0.0.1, a fresh data folder and a class of cats and dogs.

    With ``warm``, each worker is sent one journey of its own, one worker after the other.
    """
    with _database() as (url, engine), tempfile.TemporaryDirectory(prefix="mmdemo-load-data-") as data:
        saved = {k: os.environ.get(k) for k in ("MMDEMO_CLASSROOM_URL", "MMDEMO_DATA_DIR")}
        os.environ.update(MMDEMO_CLASSROOM_URL=url, MMDEMO_DATA_DIR=data)
        try:
            store = ClassroomStore(url)
            codes = store.create_class("load test", LABELS, per_student=10, per_class=5_000)
            with SchoolServer(workers, port=free_port(), host="127.0.0.1", log_dir=log_dir, on_line=print) as server:
                s = School(server, store, codes.code, codes.teacher_token, engine)
                for i in range(1, workers + 1) if warm else ():
                    s.warmups.append(asyncio.run(journey(server.url, codes.code, n=-i, worker=f"w{i}")))
                s.saved = sum(bool(w.saved) for w in s.warmups)
                yield s
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def _stat(path: Path) -> tuple[str, list[str]]:
    """A process's name and the fields after it in ``/proc/PID/stat`` (Linux); ``("", [])`` once it is gone."""
    try:
        name, rest = path.read_text().split("(", 1)[1].rsplit(")", 1)
    except OSError:
        return "", []
    return name, rest.split()


def _cpu_seconds(pid: int, *, children: bool = False) -> float:
    """User + system CPU time of a process so far (with ``children``, also of those it has reaped); 0 once gone."""
    fields = _stat(Path(f"/proc/{pid}/stat"))[1]
    return sum(int(x) for x in fields[11 : 15 if children else 13]) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def _postgres_cpu_seconds() -> float:
    """CPU time of every PostgreSQL process on this machine (live ones, and the backends they have reaped)."""
    pids = [int(p.parent.name) for p in Path("/proc").glob("[0-9]*/stat") if _stat(p)[0] == "postgres"]
    return sum(_cpu_seconds(pid, children=True) for pid in pids)


def _cpu(s: School) -> dict[str, float]:
    """CPU seconds so far of the app workers, HAProxy and this process, and the wall clock (a worker restarted during
    a crowd would count from its new start: the benchmark fails such a crowd, as its sessions see errors)."""
    return {
        "workers": sum(_cpu_seconds(w.process.pid) for w in s.server.workers),
        "proxy": _cpu_seconds(s.server.haproxy.process.pid),
        "database": _postgres_cpu_seconds() if s.database == "PostgreSQL" else 0.0,
        "clients": time.process_time(),
        "wall": time.perf_counter(),
    }


def _p(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _measure(s: School, sessions: int) -> dict:
    """One crowd on a warm school: per-step percentiles, errors, spread over workers, CPU used."""
    alone = asyncio.run(journey(s.server.url, s.code, n=-100 - sessions, worker="w1"))
    before = _cpu(s)
    journeys = asyncio.run(crowd(s.server.url, s.code, sessions))
    used = {k: v - before[k] for k, v in _cpu(s).items()}
    steps = {name: [j.seconds[name] for j in journeys if name in j.seconds] for name in STEPS}
    p95 = {name: _p(v, 95) for name, v in steps.items()}
    slowest = max(STEPS, key=lambda k: -math.inf if math.isnan(p95[k]) else p95[k])
    totals = [j.total for j in journeys if j.total is not None]
    errors = [e for j in journeys for e in j.errors] + [f"alone: {e}" for e in alone.errors]
    per_worker = {w: sum(j.worker == w for j in journeys) for w in sorted({j.worker for j in journeys} - {""})}
    s.saved += sum(bool(j.saved) for j in [alone, *journeys])
    return {
        "workers": len(s.server.workers),
        "sessions": sessions,
        "errors": errors,
        "sessions_ok": len(totals),
        "distinct_session_ids": len({j.session_id for j in journeys if j.session_id}),
        "per_worker": per_worker,
        "steps": {
            name: {
                "p50": _p(v, 50),
                "p95": p95[name],
                "max": max(v, default=float("nan")),
                "alone": alone.seconds.get(name),
            }
            for name, v in steps.items()
        },
        "slowest_step": slowest,
        "slowest_p95": p95[slowest],
        "journey_p50": _p(totals, 50),
        "journey_p95": _p(totals, 95),
        "journey_alone": alone.total,
        "cpu_seconds": used,
        "class_samples": class_samples(s),
        "samples_saved": s.saved,
    }


def _row(m: dict) -> dict:
    cpu = m["cpu_seconds"]
    return {
        "workers": m["workers"],
        "sessions": m["sessions"],
        "ok": f"{m['sessions_ok']}/{m['sessions']}",
        "errors": len(m["errors"]),
        "slowest step": m["slowest_step"],
        "its p95 (s)": m["slowest_p95"],
        "journey p50 (s)": m["journey_p50"],
        "journey p95 (s)": m["journey_p95"],
        "journey alone (s)": m["journey_alone"] if m["journey_alone"] is not None else "",
        "sessions per worker": " / ".join(str(n) for n in m["per_worker"].values()),
        "CPU s: app / proxy / database / clients": (
            f"{cpu['workers']:.0f} / {cpu['proxy']:.1f} / {cpu['database']:.1f} / {cpu['clients']:.0f}"
        ),
        "wall (s)": cpu["wall"],
    }


def run(*, quick: bool) -> dict:
    """Each worker count of `WORKERS` (`QUICK_WORKERS`), each crowd of `SESSIONS` (`QUICK_SESSIONS`) on it."""
    worker_counts, session_counts = (QUICK_WORKERS, QUICK_SESSIONS) if quick else (WORKERS, SESSIONS)
    measured, warmups, database = [], {}, ""
    for workers in worker_counts:
        with school(workers, log_dir=RESULTS / "load-logs" / f"workers-{workers}") as s:
            database = s.database
            warmups[workers] = [round(w.total or float("nan"), 1) for w in s.warmups]
            measured += [_measure(s, n) for n in session_counts]
            measured[-1]["warmup_errors"] = [e for w in s.warmups for e in w.errors]
    by = {(m["workers"], m["sessions"]): m for m in measured}
    biggest = max(session_counts)
    checks = [
        f"{n} sessions on {w} worker{'s' * (w > 1)}: {len(m['errors'])} errors (target 0): "
        + ("met" if not m["errors"] else f"missed — first: {m['errors'][0]}")
        for (w, n), m in by.items()
        if n == biggest
    ]
    for n, target in TARGET_P95.items():
        if (2, n) in by:
            m = by[(2, n)]
            checks.append(
                f"2 workers, {n} sessions: p95 of the slowest step ({m['slowest_step']}) {m['slowest_p95']:.1f} s "
                f"(target < {target:.0f} s): " + ("met" if m["slowest_p95"] < target else "missed")
            )
        if (1, n) in by and (2, n) in by:
            one, two = by[(1, n)], by[(2, n)]
            step = two["slowest_step"]
            checks.append(
                f"{n} sessions, p95 1 worker / 2 workers: whole journey {one['journey_p95'] / two['journey_p95']:.2f}, "
                f"{step} (the slowest step on 2) {one['steps'][step]['p95'] / two['steps'][step]['p95']:.2f} "
                "(ideal 2 on 2 cores)"
            )
    for (w, n), m in by.items():
        if w == 2:
            steps = ", ".join(f"{name} {v['p95']:.1f}" for name, v in m["steps"].items())
            checks.append(f"2 workers, {n} sessions, p95 per step (s): {steps}")
    for w, times in warmups.items():
        if len(times) > 1:
            checks.append(
                f"{w} workers: first journey per worker {' / '.join(f'{x:.1f}' for x in times)} s — the first "
                "extracts the av-digits features, the others read them from the disk cache (reported, no target)"
            )
    last = measured[-1]
    checks.append(
        f"the class in {database}: {last['class_samples']} samples in the teacher's counts, "
        f"{last['samples_saved']} saved by the journeys through their workers: "
        + ("met" if last["class_samples"] == last["samples_saved"] else "missed")
    )
    return {
        "title": "Load through `mmdemo serve` (HAProxy, sticky cookie): concurrent sessions (starts spread over "
        f"{STAGGER_SECONDS:.0f} s), each opens the app, trains, predicts and adds a sample to a class — "
        f"{os.cpu_count()} cores, websocket on loopback",
        "rows": [_row(m) for m in measured],
        "checks": checks,
        "measured": measured,
        "warmup_seconds": warmups,
        "database": database,
    }
