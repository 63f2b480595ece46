"""A `streamlit run` server on 127.0.0.1 and a headless Chromium: for the browser tests, the benchmarks and the tools."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from mmdemo.serve import streamlit_command

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

__all__ = ["ROOT", "free_port", "serve", "launch", "wait_idle"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(
    script: str | Path = "app.py",
    *,
    wait: bool = True,
    log: Path | None = None,
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start ``streamlit run script`` on ``port`` (default a free one) of 127.0.0.1; yield (url, process);
    stop it afterwards.

    With ``wait=False`` the caller times the start-up itself (the URL may not
    answer yet). ``log`` receives the server's output; ``env`` is added to this
    process's environment. The file watcher is off: a file saved during a run
    must not reload modules under running sessions.
    """
    port = port or free_port()
    cmd = streamlit_command(script, port)
    out = subprocess.DEVNULL
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        out = log.open("w")
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=None if env is None else {**os.environ, **env}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while wait:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit run {script} did not start within 120 s" + (f"; see {log}" if log else "")
                )
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not None:
            out.close()


def launch(playwright):
    """Headless Debian Chromium with the project's flags."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_idle(page, *, after_action: bool = False, timeout: float = 300) -> None:
    """Wait until Streamlit has finished the script run (after an action, first see it start)."""
    page.wait_for_selector("h1", timeout=timeout * 1000)
    if after_action:
        with contextlib.suppress(Exception):
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=3000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout * 1000)
