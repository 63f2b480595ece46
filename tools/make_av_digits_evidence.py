#!/usr/bin/env python3
"""Decode every bundled spoken digit once and store the recognizer's evidence beside the clips.

The "speech" audio features (``mmdemo.features.speech.word_evidence``) cost about
8 ms of one core per clip: 40 s for av-digits' 5,000 clips, on every server start
and in every test process. This script computes them once and writes
``mmdemo/data/av_digits/speech_evidence.npz`` (the clips' `heard_keys`, the words,
the evidence rows). `load_digit_clips` seeds the memo of `word_evidence` from it; a
clip whose key differs (another resampler version) is simply decoded again, and
``tests/core/test_speech.py`` checks the stored rows against a fresh decoding.

Run after ``tools/make_av_digits_audio.py``::

    python tools/make_av_digits_evidence.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmdemo.datasets.av_digits import EVIDENCE_FILE, SAMPLE_RATE, load_digit_clips  # noqa: E402
from mmdemo.features.speech import heard_keys, spoken_words, word_evidence  # noqa: E402


def main() -> int:
    start = time.perf_counter()
    clips, _, _ = load_digit_clips(with_evidence=False)
    words = spoken_words([str(d) for d in range(10)])  # what AudioFeatures listens for with classes 0-9
    evidence = word_evidence(clips=clips, sr=SAMPLE_RATE, words=words, memo=False)
    keys = np.frombuffer(b"".join(heard_keys(clips=clips, sr=SAMPLE_RATE)), dtype=np.uint8).reshape(len(clips), -1)
    np.savez_compressed(EVIDENCE_FILE, keys=keys, words=np.array(words), evidence=evidence.astype(np.float32))
    print(f"{len(clips)} clips decoded in {time.perf_counter() - start:.0f} s -> {EVIDENCE_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
