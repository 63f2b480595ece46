"""`python -m mmdemo serve`: app workers behind a real HAProxy on 127.0.0.1, with the class in a real database.

Students on different workers see only their own data, a class's samples written
through one worker are read through another, a crowd spreads over the workers,
two browsers on two workers both train and predict (their uploads reach the
process that holds their session), a dead worker is started again, and SIGTERM
stops everything. The crowd itself is `tests/browser/test_load.py`.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from benchmarks.load import Journey, class_samples, journey, school
from benchmarks.st_client import Session
from mmdemo.serve import COOKIE
from tests.browser.helpers import (
    click,
    need_haproxy,
    no_exception,
    open_page,
    prediction,
    record_word,
    type_text,
    wait_idle,
)
from tests.live_server import ROOT, free_port

pytestmark = pytest.mark.browser


def _run(coro):
    """Run ``coro`` in a thread of its own: the session's Playwright (sync API) holds an event loop in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="module")
def two_workers():
    """`mmdemo serve` with 2 workers and a class of cats and dogs (PostgreSQL under CI)."""
    need_haproxy()
    with school(2, warm=False) as s:
        yield s


def _first_cookie(url: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url + "/", timeout=30) as r:
        found = re.search(rf"{COOKIE}=(w\d)", r.headers.get("Set-Cookie", ""))
    return found.group(1) if found else ""


def test_the_proxy_sends_new_browsers_to_both_workers_with_a_sticky_cookie(two_workers):
    assert {_first_cookie(two_workers.server.url) for _ in range(4)} == {"w1", "w2"}


def _in_process_prediction() -> str:
    """What Train's defaults (early fusion, logreg, seed 0, 25% held out) predict for the journey's typed word."""
    from benchmarks.load import TYPED
    from mmdemo.datasets import load_dataset
    from mmdemo.experiments.evaluate import train_and_evaluate

    _, model = train_and_evaluate(load_dataset("av-digits"), fusion="early", classifier="logreg", seed=0)
    return model.predict_sample(text=TYPED)["label"]


@pytest.fixture(scope="module")
def two_students(two_workers) -> tuple[Journey, Journey]:
    """Student 1 on worker 1 and student 2 on worker 2, at the same time: train, predict, add a sample each."""

    async def both():
        url, code = two_workers.server.url, two_workers.code
        return await asyncio.gather(journey(url, code, n=1, worker="w1"), journey(url, code, n=2, worker="w2"))

    return tuple(_run(both()))


def test_students_on_two_workers_each_train_predict_and_see_only_their_own_sample(two_students):
    one, two = two_students
    assert (one.errors, two.errors) == ([], [])
    assert (one.worker, two.worker) == ("w1", "w2")
    assert one.session_id != two.session_id
    assert one.prediction == two.prediction == _in_process_prediction()
    for n, j in enumerate(two_students, 1):  # each predicts with the model it trained itself, in its own worker
        assert j.model.startswith("Predicting with trained in this session"), j.model
        assert len(j.my_samples) == 1 and j.my_samples[0].startswith(f"sample {n} ")


def test_a_sample_written_through_one_worker_is_read_through_the_other(two_workers, two_students):
    one, two = two_students

    async def teacher_on(worker: str) -> list[str]:
        async with Session.connect(two_workers.server.url, worker=worker) as tab:
            shown = await tab.open("Classroom", query=f"teacher={two_workers.teacher}")
            assert shown.errors == []
            return [x.body for x in shown.of_kind("text")]

    on_w2, on_w1 = _run(teacher_on("w2")), _run(teacher_on("w1"))
    assert one.my_samples[0] in on_w2 and two.my_samples[0] in on_w1  # the gallery of the teacher, on each worker
    assert class_samples(two_workers) >= 2


def test_two_browsers_on_two_workers_both_train_and_predict(two_workers, media_browser):
    """Two browser contexts through the proxy land on different workers; each records a word (an upload, which
    must reach the process holding its session), trains, and predicts with its own model."""
    url = two_workers.server.url
    contexts = [
        media_browser.new_context(viewport={"width": 1400, "height": 1200}, permissions=["microphone"])
        for _ in range(2)
    ]
    try:
        pages = []
        for context in contexts:  # the first one's websocket is open when the second arrives: least connections
            pg = context.new_page()
            pg.set_default_timeout(120_000)
            open_page(pg, f"{url}/Try_it_yourself")
            pages.append(pg)
        workers = [next(c["value"] for c in context.cookies() if c["name"] == COOKIE) for context in contexts]
        assert sorted(workers) == ["w1", "w2"]
        for pg in pages:
            record_word(pg)  # the fake microphone's held-out "three" (espeak-ng, noisy room)
            assert prediction(pg) == "3"
        for pg in pages:
            pg.get_by_role("link", name="Train & compare", exact=True).click()
            wait_idle(pg, after_action=True)
            click(pg, "Train")
            pg.get_by_text("Held-out results").first.wait_for(timeout=180_000)
            pg.get_by_role("link", name="Try it yourself", exact=True).click()
            wait_idle(pg, after_action=True)
            pg.get_by_text("trained in this session").first.wait_for()
            type_text(pg, "Text", "seven")
            # a word alone: the model trained on exactly the modalities given reads it
            pg.get_by_label("A modality is missing: predict by").first.click()
            pg.get_by_role("option", name=re.compile(r"^fallback — ")).first.click()
            wait_idle(pg, after_action=True)
            assert prediction(pg) == "7"
            assert no_exception(pg)
        assert [next(c["value"] for c in ctx.cookies() if c["name"] == COOKIE) for ctx in contexts] == workers
    finally:
        for context in contexts:
            context.close()


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def test_serve_says_what_it_started_restarts_a_dead_worker_and_stops_on_sigterm(tmp_path):
    need_haproxy()
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mmdemo", "serve", "--workers", "2", "--port", str(port), "--host", "127.0.0.1",
         "--log-dir", str(tmp_path / "logs")],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait(lambda: "Ctrl-C stops them" in (tmp_path / "serve.log").read_text(), 180, "serve said what it started")
        first = (tmp_path / "serve.log").read_text().splitlines()[0]
        found = re.fullmatch(
            rf"mmdemo serve: http://127\.0\.0\.1:{port} -> 2 app workers on 127\.0\.0\.1:(\d+), (\d+) .*", first
        )
        assert found, first
        ports = [int(p) for p in found.groups()]
        assert _first_cookie(f"http://127.0.0.1:{port}") in {"w1", "w2"}
        pids = subprocess.run(["pgrep", "-f", "--", f"--server.port {ports[0]}"], capture_output=True, text=True)
        os.kill(int(pids.stdout.split()[0]), signal.SIGKILL)
        _wait(lambda: "worker 1 exited (code -9); started again" in (tmp_path / "serve.log").read_text(), 10, "restart")
        _wait(lambda: _health(ports[0]), 120, "the restarted worker answers")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert (tmp_path / "serve.log").read_text().splitlines()[-1] == "mmdemo serve: stopped"
        assert not any(_health(p) for p in ports)
        left = subprocess.run(["pgrep", "-f", str(tmp_path / "logs" / "haproxy.cfg")], capture_output=True, text=True)
        assert left.stdout.strip() == ""
    finally:
        if proc.poll() is None:  # a failed check above: stop the workers and the proxy too, not only serve
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()
