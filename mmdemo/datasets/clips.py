"""Bundled recordings: a manifest.csv beside the clips it lists, read once and checked."""

from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import soundfile as sf

from mmdemo.errors import DatasetError
from mmdemo.features.audio import SAMPLE_RATE

__all__ = ["read_clips"]


def read_clips(audio_dir: Path, *, tool: str) -> tuple[list[dict[str, str]], list[np.ndarray]]:
    """The rows of ``audio_dir/manifest.csv`` and the float32 mono clip each names (its ``path``), at 16 kHz.

    ``tool`` is the script that makes them, named in the message when they are missing.
    Decoding (Ogg Opus, FLAC) runs in a few threads: libsndfile decodes them side by side.

    Examples
    --------
    >>> from mmdemo.datasets.av_digits import AUDIO_DIR
    >>> rows, clips = read_clips(AUDIO_DIR, tool="tools/make_av_digits_audio.py")
    >>> len(rows) == len(clips), clips[0].dtype
    (True, dtype('float32'))
    """
    manifest = audio_dir / "manifest.csv"
    if not manifest.exists():
        raise DatasetError(
            "clips.no_audio",
            "The bundled audio is missing ({manifest}); run {tool}.",
            manifest=str(manifest),
            tool=tool,
        )
    with manifest.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with ThreadPoolExecutor(max_workers=4) as pool:
        decoded = list(pool.map(lambda row: sf.read(audio_dir / row["path"], dtype="float32", always_2d=False), rows))
    for row, (_, sr) in zip(rows, decoded):
        if sr != SAMPLE_RATE:
            raise DatasetError(
                "clips.bad_rate",
                "Bundled clip {path} is at {sr} Hz, expected {expected}.",
                path=row["path"],
                sr=sr,
                expected=SAMPLE_RATE,
            )
    return rows, [y for y, _ in decoded]
