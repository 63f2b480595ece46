"""`SchoolServer`: several `streamlit run` workers behind HAProxy, with sticky sessions, for a class at once.

One Streamlit process runs every session's script under one interpreter lock, so
a class clicking together queues behind itself. ``python -m mmdemo serve
--workers N`` starts N app processes on free loopback ports and HAProxy in front
of them: a cookie keeps each browser on the process that holds its session (its
websocket, its uploads, its trained models), new browsers go to the worker with
the fewest connections, and a worker that dies is started again. What users
share lives outside the workers: bundled data is rebuilt per process (its
features read from the disk cache, `mmdemo.featurecache`) and classes live in
the classroom database (``MMDEMO_CLASSROOM_URL``; by default SQLite in
``MMDEMO_DATA_DIR``, which processes on one machine share).

Examples
--------
>>> print(haproxy_config("0.0.0.0", 8501, [("127.0.0.1", 8502)]).splitlines()[-1])
    server w1 127.0.0.1:8502 cookie w1 check inter 1s fall 2 rise 1
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mmdemo.errors import ParameterError

__all__ = ["COOKIE", "SchoolServer", "haproxy_config", "parse_backends"]

#: The cookie HAProxy sets to keep a browser on its worker (its value names the worker: w1, w2…).
COOKIE = "mmdemo_worker"
#: The home page's script, started by every worker.
APP = Path(__file__).resolve().parents[1] / "app.py"
#: How long a worker may take to answer its health check after it starts.
START_TIMEOUT = 120.0


def haproxy_config(host: str, port: int, backends: Sequence[tuple[str, int]]) -> str:
    """HAProxy's configuration: listen on ``host:port``, balance new browsers over ``backends``, keep each on its own.

    Websockets pass through HTTP mode as tunnels (``timeout tunnel``: a lesson
    may keep a page open for hours); a worker is taken out while its health
    check fails, and a browser whose worker is gone is sent to another
    (``option redispatch``: it starts a new session there).
    """
    servers = [
        f"    server w{i} {h}:{p} cookie w{i} check inter 1s fall 2 rise 1" for i, (h, p) in enumerate(backends, 1)
    ]
    return "\n".join(
        [
            "global",
            "    maxconn 4096",
            "defaults",
            "    mode http",
            "    option redispatch",
            "    retries 2",
            "    timeout connect 5s",
            "    timeout client 120s",
            "    timeout server 300s",
            "    timeout tunnel 12h",
            "    timeout http-keep-alive 10s",
            "frontend mmdemo",
            f"    bind {host}:{port}",
            "    default_backend workers",
            "backend workers",
            "    balance leastconn",
            f"    cookie {COOKIE} insert indirect nocache httponly",
            "    option httpchk GET /_stcore/health",
            "    http-check expect status 200",
            *servers,
        ]
    )


def parse_backends(text: str) -> list[tuple[str, int]]:
    """``"10.0.0.5:8501,10.0.0.6:8501"`` -> ``[("10.0.0.5", 8501), ("10.0.0.6", 8501)]``.

    Examples
    --------
    >>> parse_backends("10.0.0.5:8501, app2:8502")
    [('10.0.0.5', 8501), ('app2', 8502)]
    """
    found = []
    for item in (s.strip() for s in text.split(",")):
        host, _, port = item.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ParameterError(
                "serve.bad_backend", "--backends: {item!r} is not HOST:PORT (e.g. 10.0.0.5:8501).", item=item
            )
        found.append((host, int(port)))
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    with (
        contextlib.suppress(OSError),
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r,
    ):
        return r.status == 200
    return False


@dataclass
class _Child:
    """One process the server keeps running: how to start it, the running process, where its output goes."""

    name: str
    command: list[str]
    log: Path
    process: subprocess.Popen | None = None
    restarts: int = 0
    env: dict[str, str] = field(default_factory=dict)
    started: float = 0.0  # time.monotonic() of the last start
    died: float | None = None  # when it was first seen exited
    wait: float = 0.0  # how long to wait before starting it again: doubles while it keeps dying young

    def due(self) -> bool:
        """Exited, and waited long enough to start again: at once after a long run, 1, 2, 4… up to 30 s while it
        keeps dying within a minute (a worker that cannot start does not spin)."""
        if self.process is None or self.process.poll() is None:
            return False
        if self.died is None:
            self.died = time.monotonic()
            self.wait = min(30.0, max(1.0, 2 * self.wait)) if self.died - self.started < 60 else 0.0
        return time.monotonic() - self.died >= self.wait

    def start(self) -> None:
        self.started, self.died = time.monotonic(), None
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=APP.parent,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
                start_new_session=True,  # Ctrl-C reaches the server, which stops its children in order
            )

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class SchoolServer:
    """N app workers on loopback and HAProxy on ``host:port`` in front of them; `run` keeps them up until a signal.

    Parameters
    ----------
    workers : int
        How many ``streamlit run app.py`` processes (one per core is the usual choice).
    port : int
        Where the proxy listens; browsers open ``http://HOST:port``.
    host : str
        The proxy's address: ``0.0.0.0`` for the school's network, ``127.0.0.1`` for this machine only.
    log_dir : Path, optional
        Each process's output (``worker-1.log``…, ``haproxy.log``, ``haproxy.cfg``); a new temporary folder by default.
    on_line : callable, optional
        Where the server's own lines go (what it started, which worker it restarted); stderr by default.

    Examples
    --------
    >>> with SchoolServer(workers=2, port=8501) as server:  # doctest: +SKIP
    ...     server.run()  # until Ctrl-C or SIGTERM
    """

    def __init__(
        self,
        workers: int = 2,
        *,
        port: int = 8501,
        host: str = "0.0.0.0",
        log_dir: Path | None = None,
        on_line: Callable[[str], None] | None = None,
    ) -> None:
        if workers < 1:
            raise ParameterError("serve.bad_workers", "--workers: give 1 or more (got {n}).", n=workers)
        self.proxy = shutil.which("haproxy")
        if self.proxy is None:
            raise ParameterError(
                "serve.no_proxy",
                "HAProxy is not installed (Debian: apt-get install haproxy); for one process run streamlit run app.py.",
            )
        self.n_workers, self.port, self.host = workers, port, host
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="mmdemo-serve-"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.say = on_line or (lambda line: print(line, file=sys.stderr, flush=True))
        self.worker_ports = [_free_port() for _ in range(workers)]
        # One cookie secret for every worker: the upload's XSRF cookie made by one is good for another after a restart.
        env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
        self.workers = [
            _Child(f"worker {i}", self._worker_command(p), self.log_dir / f"worker-{i}.log", env=env)
            for i, p in enumerate(self.worker_ports, 1)
        ]
        config = self.log_dir / "haproxy.cfg"
        config.write_text(haproxy_config(host, port, [("127.0.0.1", p) for p in self.worker_ports]) + "\n")
        self.haproxy = _Child("HAProxy", [self.proxy, "-db", "-f", str(config)], self.log_dir / "haproxy.log")
        self._stop = threading.Event()

    @staticmethod
    def _worker_command(port: int) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
        ]  # fmt: skip

    @property
    def url(self) -> str:
        """Where browsers go (the proxy)."""
        return f"http://{'127.0.0.1' if self.host in ('0.0.0.0', '') else self.host}:{self.port}"

    def start(self) -> SchoolServer:
        """Start every worker, wait until each answers its health check, then start the proxy; say so in one line."""
        for w in self.workers:
            w.start()
        deadline = time.monotonic() + START_TIMEOUT
        for w, p in zip(self.workers, self.worker_ports, strict=True):
            while not _healthy(p):
                if w.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{w.name} (port {p}) did not start; see {w.log}")
                time.sleep(0.2)
        self.haproxy.start()
        time.sleep(0.3)
        if self.haproxy.process.poll() is not None:
            self.stop()
            raise RuntimeError(f"HAProxy did not start on {self.host}:{self.port}; see {self.haproxy.log}")
        ports = ", ".join(str(p) for p in self.worker_ports)
        self.say(
            f"mmdemo serve: {self.url} -> {self.n_workers} app worker{'s' * (self.n_workers > 1)} "
            f"on 127.0.0.1:{ports} behind HAProxy (sticky cookie {COOKIE}); logs in {self.log_dir}; "
            "Ctrl-C stops them"
        )
        return self

    def check(self) -> list[str]:
        """Start again whatever has exited (a worker, the proxy); return the names of those restarted."""
        restarted = []
        for child in [*self.workers, self.haproxy]:
            if self._stop.is_set() or not child.due():
                continue
            code = child.process.returncode
            child.restarts += 1
            child.start()
            restarted.append(child.name)
            self.say(f"mmdemo serve: {child.name} exited (code {code}); started again (see {child.log})")
        return restarted

    def run(self, *, every: float = 0.5) -> None:
        """Keep everything up until SIGINT or SIGTERM, then stop it all (call from the main thread)."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self._stop.set())
        while not self._stop.wait(every):
            self.check()
        self.stop()
        self.say("mmdemo serve: stopped")

    def stop(self) -> None:
        """Stop the proxy first (no new requests), then every worker (each is waited for)."""
        self._stop.set()
        self.haproxy.stop()
        threads = [threading.Thread(target=w.stop) for w in self.workers]
        for th in threads:
            th.start()
        for th in threads:
            th.join()

    def __enter__(self) -> SchoolServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
