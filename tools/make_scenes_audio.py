#!/usr/bin/env python3
"""Speak every caption of the bundled ``scenes`` dataset and store the recordings and their evidence.

Each scene's caption (``mmdemo.datasets.scenes.scene_specs``, "a large red circle
left of a small blue square") is synthesised offline by one of the flite and
festival voices that ``tools/make_av_digits_audio.py`` uses (espeak-ng stays out:
it is the held-out engine of the checks on real-like speech), the voice taken in
turn, then varied by sox: a pitch shift uniform in -300 ... +300 cents and a tempo
uniform in 0.85 ... 1.15 (seeded per scene). The clip is mixed to mono at 16 kHz,
its leading and trailing silence (40 dB under the peak) cut, peak-normalised to 0.9
and written as Ogg Opus (about 10 KB per three-second caption), with a
``manifest.csv`` (path, text, voice, pitch_cents, tempo). The speech recognizer's
slot-by-slot evidence of every clip (``mmdemo.features.speech.slot_evidence``) is
stored beside them in ``caption_evidence.npz``, so a server starts without
decoding 1,000 sentences (about 40 s).

Install the engines as ``tools/make_av_digits_audio.py`` says, then::

    python tools/make_scenes_audio.py
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from make_av_digits_audio import VOICES, sox_stretch, synthesise  # noqa: E402

from mmdemo.datasets.scenes import AUDIO_DIR, EVIDENCE_FILE, SAMPLE_RATE, load_scenes, scene_specs  # noqa: E402
from mmdemo.features.captions import CAPTION_SLOTS, caption  # noqa: E402
from mmdemo.features.speech import heard_keys, slot_evidence  # noqa: E402

SCENE_VOICES = tuple(v for v in VOICES if v.engine in ("flite", "festival"))
PITCH_CENTS = (-300, 300)
TEMPO = (0.85, 1.15)
TRIM_DB = 40.0
PEAK = 0.9


def _trim(y: np.ndarray, sr: int) -> np.ndarray:
    frame = int(0.01 * sr)
    n = len(y) // frame
    db = 10 * np.log10(np.maximum((y[: n * frame].reshape(n, frame) ** 2).mean(axis=1), 1e-12))
    loud = np.flatnonzero(db > db.max() - TRIM_DB)
    return y[max(0, loud[0] * frame - frame * 3) : min(len(y), (loud[-1] + 4) * frame)]


def speak(i: int, text: str) -> dict:
    """Record scene ``i``'s caption; the row of the manifest."""
    rng = np.random.default_rng([7, i])
    voice = SCENE_VOICES[i % len(SCENE_VOICES)]
    pitch, tempo = int(rng.integers(*PITCH_CENTS)), float(rng.uniform(*TEMPO))
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        synthesise(voice, text, raw)
        y = sox_stretch(raw, Path(tmp) / "stretched.wav", pitch, tempo)
    y = _trim(np.asarray(y, dtype=np.float64), SAMPLE_RATE)
    y = (PEAK * y / np.abs(y).max()).astype(np.float32)
    path = f"{i:04d}.ogg"
    sf.write(AUDIO_DIR / path, y, SAMPLE_RATE, format="OGG", subtype="OPUS")
    return {"path": path, "text": text, "voice": voice.key, "pitch_cents": pitch, "tempo": f"{tempo:.3f}"}


def main() -> int:
    start = time.perf_counter()
    AUDIO_DIR.mkdir(parents=True, exist_ok=True)
    texts = [caption(s["first"], s["relation"], s["second"]) for s in scene_specs()]
    with ProcessPoolExecutor(2) as pool:
        rows = list(pool.map(speak, range(len(texts)), texts, chunksize=8))
    with (AUDIO_DIR / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    EVIDENCE_FILE.unlink(missing_ok=True)
    clips = load_scenes().data["audio"]
    evidence = slot_evidence(clips=clips, sr=SAMPLE_RATE, slots=CAPTION_SLOTS, memo=False)
    keys = np.frombuffer(b"".join(heard_keys(clips=clips, sr=SAMPLE_RATE)), dtype=np.uint8).reshape(len(clips), -1)
    np.savez_compressed(EVIDENCE_FILE, keys=keys, evidence=evidence.astype(np.float32))
    size = sum(f.stat().st_size for f in AUDIO_DIR.iterdir()) / 1e6
    print(f"{len(rows)} captions spoken and heard in {time.perf_counter() - start:.0f} s, {size:.1f} MB -> {AUDIO_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
