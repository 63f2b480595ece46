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
    server w1 127.0.0.1:8502 cookie w1 check inter 2s fall 3 rise 1
"""

from __future__ import annotations

import contextlib
import ctypes
import os
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
from dataclasses import dataclass
from pathlib import Path

from mmdemo.errors import ParameterError

__all__ = ["COOKIE", "SchoolServer", "haproxy_config", "parse_backends", "streamlit_command"]

#: The cookie HAProxy sets to keep a browser on its worker (its value names the worker: w1, w2…).
COOKIE = "mmdemo_worker"
#: The home page's script, started by every worker.
APP = Path(__file__).resolve().parents[1] / "app.py"
#: How long a worker may take to answer its health check after it starts.
START_TIMEOUT = 120.0


def haproxy_config(host: str, port: int, backends: Sequence[tuple[str, int]]) -> str:
    """HAProxy's configuration: listen on ``host:port``, balance new browsers over ``backends``, keep each on its own.

    Websockets pass through HTTP mode as tunnels (``timeout tunnel``: a lesson
    may keep a page open for hours); a worker is taken out after three failed
    health checks in a row (6 s), and a browser whose worker is gone is sent to another
    (``option redispatch``: it starts a new session there).
    """
    servers = [
        f"    server w{i} {h}:{p} cookie w{i} check inter 2s fall 3 rise 1" for i, (h, p) in enumerate(backends, 1)
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
            "    timeout check 5s",  # a worker busy with a class answers its health check late, not never
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


def _free_ports(n: int, *, taken: int) -> list[int]:
    """``n`` different free loopback ports, none of them ``taken`` (each socket is held until all are chosen)."""
    with contextlib.ExitStack() as stack:
        ports: list[int] = []
        while len(ports) < n:
            s = stack.enter_context(socket.socket())
            s.bind(("127.0.0.1", 0))
            if s.getsockname()[1] != taken:
                ports.append(s.getsockname()[1])
        return ports


def _healthy(port: int, host: str = "127.0.0.1") -> bool:
    with (
        contextlib.suppress(OSError),
        urllib.request.urlopen(f"http://{host}:{port}/_stcore/health", timeout=2) as r,
    ):
        return r.status == 200
    return False


def streamlit_command(script: str | Path, port: int) -> list[str]:
    """``streamlit run script`` on 127.0.0.1:``port``, headless, with no file watcher (a file saved during a lesson
    must not reload modules under running sessions).

    Examples
    --------
    >>> streamlit_command("app.py", 8502)[-6:]
    ['--server.address', '127.0.0.1', '--server.headless', 'true', '--server.fileWatcherType', 'none']
    """
    return [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
    ]  # fmt: skip


def _die_with_parent() -> None:
    """In a child, before it runs: ask Linux for SIGTERM when `serve` itself dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class _Stopped(Exception):
    """A signal arrived while the server was starting."""


@dataclass
class _Child:
    """One process the server keeps running: how to start it, the running process, where its output goes."""

    name: str
    command: list[str]
    log: Path
    process: subprocess.Popen | None = None
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
                env=os.environ,
                start_new_session=True,  # Ctrl-C reaches the server, which stops its children in order
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
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
        self.worker_ports = _free_ports(workers, taken=port)
        self.workers = [
            _Child(f"worker {i}", streamlit_command(APP, p), self.log_dir / f"worker-{i}.log")
            for i, p in enumerate(self.worker_ports, 1)
        ]
        config = self.log_dir / "haproxy.cfg"
        config.write_text(haproxy_config(host, port, [("127.0.0.1", p) for p in self.worker_ports]) + "\n")
        self.haproxy = _Child("HAProxy", [self.proxy, "-db", "-f", str(config)], self.log_dir / "haproxy.log")
        self._stop = threading.Event()

    @property
    def _reach(self) -> str:
        """The proxy's address as seen from this machine."""
        return "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host

    @property
    def url(self) -> str:
        """Where browsers go (the proxy)."""
        return f"http://{self._reach}:{self.port}"

    def start(self) -> SchoolServer:
        """Start every worker, wait until each answers its health check, then the proxy until it answers too; say so
        in one line. Anything that goes wrong on the way (or a signal, or Ctrl-C) stops what was started."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        ports = ", ".join(str(p) for p in self.worker_ports)
        self.say(
            f"mmdemo serve: {self.url} -> {self.n_workers} app worker{'s' * (self.n_workers > 1)} "
            f"on 127.0.0.1:{ports} behind HAProxy (sticky cookie {COOKIE}); logs in {self.log_dir}; "
            "Ctrl-C stops them"
        )
        return self

    def _start(self) -> None:
        for w in self.workers:
            w.start()
        deadline = time.monotonic() + START_TIMEOUT
        checks = [(w, "127.0.0.1", p) for w, p in zip(self.workers, self.worker_ports, strict=True)]
        for child, host, port in [*checks, (self.haproxy, self._reach, self.port)]:
            if child is self.haproxy:
                child.start()
            while not _healthy(port, host):
                if self._stop.is_set():
                    raise _Stopped
                if child.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{child.name} did not start on port {port}; see {child.log}")
                time.sleep(0.2)

    def check(self) -> list[str]:
        """Start again whatever has exited (a worker, the proxy); return the names of those restarted."""
        restarted = []
        for child in [*self.workers, self.haproxy]:
            if self._stop.is_set() or not child.due():
                continue
            code = child.process.returncode
            child.start()
            restarted.append(child.name)
            self.say(f"mmdemo serve: {child.name} exited (code {code}); started again (see {child.log})")
        return restarted

    def run(self, *, every: float = 0.5) -> None:
        """Start (unless started), keep everything up until SIGINT or SIGTERM, then stop it all (main thread only)."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self._stop.set())
        try:
            if self.haproxy.process is None:
                self.start()
            while not self._stop.wait(every):
                self.check()
        except _Stopped:  # a signal while starting: nothing more to start
            pass
        finally:
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
