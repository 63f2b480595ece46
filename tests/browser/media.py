"""Fake media for Chromium: a WAV the fake microphone plays, a Y4M video the fake camera shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from PIL import Image, ImageDraw
from scipy.signal import resample_poly

HELDOUT_SPEECH = Path(__file__).resolve().parents[1] / "data" / "heldout" / "speech"
HELDOUT_VOICE = "en-us+m3"


def fake_mic_wav(recording: Path, path: Path, *, tail_s: float = 4.0) -> Path:
    """``recording`` as the 48 kHz 16-bit WAV Chromium's fake microphone reads, with quiet room noise after it.

    The fake microphone loops its file: the tail keeps a 2.5 s recording from
    hearing the word twice. The tail's noise has the level of the recording's
    first 0.2 s (room noise before the word).
    """
    y, sr = sf.read(recording, dtype="float32", always_2d=False)
    y = resample_poly(y, 48_000, sr)
    lead = y[: int(0.2 * 48_000)]
    tail = np.random.default_rng(0).normal(0, float(np.std(lead)), int(tail_s * 48_000))
    sf.write(path, np.r_[y, tail].astype(np.float32), 48_000, subtype="PCM_16")
    return path


def spoken_digit_wav(path: Path, label: str = "3", *, voice: str = HELDOUT_VOICE) -> Path:
    """A held-out espeak-ng recording of ``label`` in a noisy room (tests/data/heldout/speech), for the fake mic."""
    return fake_mic_wav(HELDOUT_SPEECH / label / f"{voice}-0.flac", path)


def digit_photo_y4m(path: Path, *, width: int = 640, height: int = 480, frames: int = 10) -> Path:
    """A Y4M video of a dark "4" on light paper, the picture the fake camera shows."""
    page = Image.new("L", (width, height), 230)
    draw = ImageDraw.Draw(page)
    draw.line([(330, 80), (250, 290), (410, 290)], fill=20, width=24)
    draw.line([(370, 190), (370, 400)], fill=20, width=24)
    y = np.asarray(page, dtype=np.uint8)
    uv = np.full((height // 2, width // 2), 128, dtype=np.uint8)
    with path.open("wb") as fh:
        fh.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            fh.write(b"FRAME\n" + y.tobytes() + uv.tobytes() + uv.tobytes())
    return path
