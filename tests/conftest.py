"""Fixtures shared by every test folder (tests/core, tests/ui, tests/browser): keep this file small."""

from __future__ import annotations

import io
import os
import tempfile

import numpy as np
import pytest

# The classroom database of the app under test (AppTest and the servers the browser tests start) lives in a
# folder of this run, never in the user's ~/.mmdemo.
os.environ.setdefault("MMDEMO_DATA_DIR", tempfile.mkdtemp(prefix="mmdemo-test-data-"))


@pytest.fixture
def png_bytes():
    """Encode an array in [0, 1] (H, W), (H, W, 3) or (H, W, 4) as PNG bytes."""
    from PIL import Image

    def encode(array: np.ndarray) -> bytes:
        buf = io.BytesIO()
        Image.fromarray((np.clip(array, 0, 1) * 255).round().astype(np.uint8)).save(buf, "PNG")
        return buf.getvalue()

    return encode


@pytest.fixture
def wav_bytes():
    """Encode samples (n,) or (n, channels) at ``sr`` as 16-bit WAV bytes."""
    import soundfile as sf

    def encode(y: np.ndarray, sr: int = 8000) -> bytes:
        buf = io.BytesIO()
        sf.write(buf, np.asarray(y, dtype=np.float32), sr, format="WAV", subtype="PCM_16")
        return buf.getvalue()

    return encode


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a real PostgreSQL server this run started on 127.0.0.1 (tests/pg_server.py)."""
    from tests.pg_server import postgres_url

    with postgres_url() as url:
        yield url


@pytest.fixture
def postgres_db(postgres_server):
    """The PostgreSQL server's database, emptied for this test."""
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_server)
    with engine.begin() as conn:
        conn.exec_driver_sql("drop schema public cascade; create schema public")
    engine.dispose()
    return postgres_server
