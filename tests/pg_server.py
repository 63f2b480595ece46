"""A real PostgreSQL server for the tests: Debian's binaries, a fresh cluster in a temporary folder, on 127.0.0.1.

`.ci/run` installs the ``postgresql`` package; locally a missing server is a skip,
under ``CI=true`` a failure. PostgreSQL refuses to run as root, so as root the
cluster is made and run by the ``postgres`` user the package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["postgres_url"]


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests must run under CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_url() -> Iterator[str]:
    """Start a throwaway PostgreSQL server; yield its SQLAlchemy URL (database ``mmdemo``); stop and remove it."""
    bin_dir = _binaries()
    if bin_dir is None:
        _unavailable("PostgreSQL is not installed (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'psycopg[binary]')")
    root = os.geteuid() == 0
    as_user = ["runuser", "-u", "postgres", "--"] if root else []
    folder = Path(tempfile.mkdtemp(prefix="mmdemo-pg-"))
    data, sock = folder / "data", folder / "sock"
    sock.mkdir()
    if root:
        shutil.chown(folder, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    run = dict(check=True, capture_output=True, text=True)
    subprocess.run(
        [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"], **run
    )
    options = f"-p {port} -k {sock} -h 127.0.0.1 -c fsync=on"
    subprocess.run(
        [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        **run,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            done = subprocess.run(
                [
                    str(bin_dir / "psql"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "-c",
                    "create database mmdemo",
                ],
                capture_output=True,
                text=True,
            )
            if done.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not answer: {done.stderr}")
            time.sleep(0.3)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/mmdemo"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)
