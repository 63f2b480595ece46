#!/usr/bin/env python3
"""Spoken scene captions the bundled scenes never used: espeak-ng voices in a noisy, reverberant room.

The bundled scene recordings (tools/make_scenes_audio.py) are flite and festival
voices. This script says scene captions with **espeak-ng** voices only, in the
room of tools/make_heldout_speech.py (reverberation, pink noise, mains hum,
babble at 15-25 dB speech-to-noise), padded with 0.2-0.6 s of room either side.
The captions are drawn from scenes of another seed than the bundled ones.

Output: ``OUT/<n>.flac`` (16-bit, 16 kHz mono) and ``OUT/manifest.csv`` with
each clip's caption, voice and settings. Deterministic given the arguments
(and the espeak-ng version). The committed fixture is::

    python tools/make_heldout_captions.py    # = --out tests/data/heldout/captions --n 12
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_heldout_speech import FIXTURE_VOICES, PEAK, SAMPLE_RATE, espeak, reverb, room_noise, trim  # noqa: E402

from mmdemo.datasets.scenes import scene_specs  # noqa: E402
from mmdemo.features.captions import caption  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "data" / "heldout" / "captions"


def recording(text: str, voice: str, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """A noisy, reverberant recording of ``text`` in ``voice``; (samples, the settings drawn)."""
    pitch, speed = int(rng.integers(30, 71)), int(rng.integers(140, 181))
    said = reverb(trim(espeak(text, voice, pitch=pitch, speed=speed)), rng)
    before, after = (int(rng.uniform(0.2, 0.6) * SAMPLE_RATE) for _ in range(2))
    speech = np.concatenate([np.zeros(before), said, np.zeros(after)])
    snr = rng.uniform(15.0, 25.0)
    noise = room_noise(len(speech), rng) * np.sqrt((said**2).mean() / 10 ** (snr / 10))
    y = speech + noise
    return (PEAK * y / np.abs(y).max()).astype(np.float32), {"pitch": pitch, "speed": speed, "snr_db": round(snr, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FIXTURE)
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    rows = []
    for i, spec in enumerate(scene_specs(args.n, seed=args.seed)):
        text = caption(spec["first"], spec["relation"], spec["second"])
        voice = FIXTURE_VOICES[i % len(FIXTURE_VOICES)]
        y, settings = recording(text, voice, rng)
        path = f"{i:02d}.flac"
        sf.write(args.out / path, y, SAMPLE_RATE, subtype="PCM_16")
        rows.append({"path": path, "text": text, "voice": voice, **settings})
    with (args.out / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} captions to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
