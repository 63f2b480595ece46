"""Fake media for Chromium: a WAV the fake microphone plays, a Y4M video the fake camera shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from PIL import Image, ImageDraw

from mmdemo.datasets import load_av_digits
from mmdemo.evaluate import split_indices


def spoken_digit_wav(path: Path, label: str = "3") -> Path:
    """A held-out bundled clip of ``label`` at 48 kHz, with silence around it (the fake mic loops the file)."""
    ds = load_av_digits()
    _, test = split_indices(ds.y, seed=0)
    i = next(i for i in test if ds.class_names[ds.y[i]] == label)
    y = ds.data["audio"][i]
    up = np.interp(np.arange(int(len(y) * 6)) / 6, np.arange(len(y)), y)
    sig = np.r_[np.zeros(int(0.3 * 48000)), 0.5 * up, np.zeros(4 * 48000)]
    sf.write(path, sig.astype(np.float32), 48000, subtype="PCM_16")
    return path


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
