"""The bundled av-digits dataset: real handwritten digits, synthetic spoken digits, text clues."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile as sf

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.datasets.clues import make_clue
from mmdemo.errors import DatasetError

__all__ = ["AUDIO_DIR", "load_av_digits", "load_digit_clips"]

AUDIO_DIR = Path(__file__).resolve().parent.parent / "data" / "av_digits" / "audio"
SAMPLE_RATE = 8000

DESCRIPTION = (
    "Digits 0-9 in three modalities. Images: scikit-learn's 1,797 real handwritten 8x8 digits "
    "(UCI optdigits). Audio: the spoken words 'zero'…'nine', synthesised offline with several "
    "text-to-speech engines and voices at varied pitch and speed (tools/make_av_digits_audio.py). "
    "Text: short clues in several languages and forms, some ambiguous, some with typos. "
    "The three modalities of a sample are paired by label only (like AV-MNIST): "
    "the voice did not read that handwritten digit."
)


@lru_cache(maxsize=1)
def load_digit_clips() -> tuple[tuple[np.ndarray, ...], np.ndarray, tuple[str, ...]]:
    """All bundled spoken-digit clips: (clips, labels, voice of each clip).

    Returns float32 mono clips at 8 kHz, read once per process (bundled data only).
    """
    manifest = AUDIO_DIR / "manifest.csv"
    if not manifest.exists():
        raise DatasetError(
            "av_digits.no_audio",
            "The bundled audio is missing ({manifest}); run tools/make_av_digits_audio.py.",
            manifest=str(manifest),
        )
    clips, labels, voices = [], [], []
    with manifest.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            y, sr = sf.read(AUDIO_DIR / row["path"], dtype="float32", always_2d=False)
            if sr != SAMPLE_RATE:
                raise DatasetError(
                    "av_digits.bad_rate",
                    "Bundled clip {path} is at {sr} Hz, expected {expected}.",
                    path=row["path"],
                    sr=sr,
                    expected=SAMPLE_RATE,
                )
            clips.append(y)
            labels.append(int(row["label"]))
            voices.append(f"{row['engine']}-{row['voice']}")
    return tuple(clips), np.asarray(labels), tuple(voices)


def load_av_digits(*, seed: int = 0) -> MultimodalDataset:
    """The av-digits dataset, paired by label with a fixed seed.

    For each digit, as many samples are made as there are both images and clips
    of it, and every image and every clip is used once, so no recording appears
    in both the training and the test split. Each sample gets a fresh text clue.

    Examples
    --------
    >>> ds = load_av_digits()
    >>> ds.class_names[:3], ds.modalities
    (['0', '1', '2'], ['image', 'audio', 'text'])
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    clips, clip_labels, voices = load_digit_clips()
    rng = np.random.default_rng(seed)
    images, audio, texts, y, ids = [], [], [], [], []
    for digit in range(10):
        img_idx = rng.permutation(np.flatnonzero(digits.target == digit))
        clip_idx = rng.permutation(np.flatnonzero(clip_labels == digit))
        for i, j in zip(img_idx, clip_idx):
            images.append((digits.images[i] / 16.0).astype(np.float32))
            audio.append(clips[j])
            texts.append(make_clue(digit, rng))
            y.append(digit)
            ids.append(f"digit{i}/{voices[j]}#{j}")
    order = rng.permutation(len(y))
    return MultimodalDataset(
        name="av-digits",
        data={
            "image": [images[k] for k in order],
            "audio": [audio[k] for k in order],
            "text": [texts[k] for k in order],
        },
        y=np.asarray(y)[order],
        class_names=[str(d) for d in range(10)],
        sample_rate=SAMPLE_RATE,
        pairing="label",
        description=DESCRIPTION,
        sample_ids=[ids[k] for k in order],
    )
