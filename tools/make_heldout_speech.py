#!/usr/bin/env python3
"""Spoken digits the model never trained on: espeak-ng voices in a noisy, reverberant room, as 2 s recordings.

The bundled av-digits clips come from flite, festival and freetts (plus, in some
versions of the data, a few espeak-ng voices: see tools/README-audio.md). This
script speaks "zero" ... "nine" with **espeak-ng only**, by default with voice
variants the bundled set does not use, and makes each one sound like a
recording made in a room:

1. espeak-ng ``-v VOICE -p PITCH -s SPEED --stdout`` says ``word``, ``word.`` or
   ``word!`` (pitch 30-70, 140-190 words a minute); resampled to 16 kHz;
   leading/trailing silence trimmed.
2. A short reverberation: a direct path, 3-5 early reflections (3-30 ms) and an
   exponentially decaying noise tail with RT60 0.15-0.45 s, mixed 20-50 % wet.
3. Padded to a 2 s "recording", the word starting 0.25-0.8 s in (never at the start).
4. Room noise of our own making over the whole 2 s: mains hum (50 or 60 Hz and
   harmonics), pink noise, and a faint babble of espeak-ng sentences with no
   digit words in other voices, at a speech-to-noise ratio of 15-25 dB (speech
   power over the word, noise power over the whole recording).
5. Peak-normalised to 0.4 and written as 16-bit, 16 kHz mono FLAC.

Output: ``OUT/<digit>/<voice>-<n>.flac`` (a folder dataset with class folders
``0`` ... ``9``, readable by ``python -m mmdemo evaluate --data-dir OUT``) and
``OUT-manifest.csv`` beside it with every clip's settings (outside the folder,
which then holds only samples). Every random draw comes from a
generator seeded by (``--seed``, digit, voice, n), and espeak-ng, numpy and the
FLAC encoder are deterministic, so the output depends only on the arguments
(and the espeak-ng version).

The committed fixture (``tests/data/heldout/speech``, 3 voices x 10 digits) is::

    python tools/make_heldout_speech.py            # = --out tests/data/heldout/speech --voices en-us+m3,en-gb+f3,en-gb-x-gbcwmd

A bigger set for `tools/check_real_inputs.py`::

    python tools/make_heldout_speech.py --out /tmp/heldout --voices all --per-voice 3 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import subprocess
import sys
import zlib
from functools import cache
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import fftconvolve, resample_poly

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "heldout" / "speech"
SAMPLE_RATE = 16_000
DURATION_S = 2.0
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
#: Voices of the committed fixture: espeak-ng variants the bundled clips do not use.
FIXTURE_VOICES = ("en-us+m3", "en-gb+f3", "en-gb-x-gbcwmd")
#: Every voice ``--voices all`` speaks with.
ALL_VOICES = (
    "en-us",
    "en-gb-x-rp",
    "en-gb-scotland",
    "en-029",
    "en-us+f2",
    "en-us+m3",
    "en-gb+f3",
    "en-gb-x-gbcwmd",
    "en-us-nyc",
)
#: The babble: what people in the room say (no digit words), and who says it.
BABBLE_LINES = (
    "could you pass me the blue folder please",
    "I think the meeting moved to the afternoon",
    "the coffee machine is broken again",
    "we should ask the teacher about the homework",
    "did you see the match last night",
    "the bus was late this morning",
)
BABBLE_VOICES = ("en-gb+m2", "en-us+f4", "en-029+m1", "en-gb-scotland+f1")
PITCH = (30, 70)
SPEED = (140, 190)
ONSET_S = (0.25, 0.8)
SNR_DB = (15.0, 25.0)
RT60_S = (0.15, 0.45)
WET = (0.2, 0.5)
PEAK = 0.4


def espeak(text: str, voice: str, *, pitch: int = 50, speed: int = 175) -> np.ndarray:
    """espeak-ng's rendering of ``text``, mono float32 at 16 kHz."""
    out = subprocess.run(
        ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "--stdout", text],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    y, sr = sf.read(io.BytesIO(out), dtype="float32", always_2d=True)
    y = y.mean(axis=1)
    if sr != SAMPLE_RATE:
        from math import gcd

        g = gcd(SAMPLE_RATE, sr)
        y = resample_poly(y, SAMPLE_RATE // g, sr // g).astype(np.float32)
    return y


def trim(y: np.ndarray, *, top_db: float = 40.0, frame: int = 160) -> np.ndarray:
    """Drop leading/trailing frames more than ``top_db`` below the loudest 10 ms frame."""
    n = len(y) // frame
    energy = (y[: n * frame].reshape(n, frame) ** 2).mean(axis=1) + 1e-12
    loud = np.flatnonzero(10 * np.log10(energy / energy.max()) > -top_db)
    if len(loud) == 0:
        return y
    return y[loud[0] * frame : (loud[-1] + 1) * frame]


def reverb(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A small room: early reflections and an exponential noise tail (RT60 0.15-0.45 s)."""
    rt60 = rng.uniform(*RT60_S)
    n = int(rt60 * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    ir = rng.normal(0, 1, n) * np.exp(-6.9 * t / rt60)  # -60 dB at rt60
    ir[: int(0.004 * SAMPLE_RATE)] = 0  # the tail starts after the direct sound
    ir /= np.sqrt((ir**2).sum())
    for _ in range(rng.integers(3, 6)):
        ir[int(rng.uniform(0.003, 0.03) * SAMPLE_RATE)] += rng.uniform(0.2, 0.6) * rng.choice([-1, 1])
    wet = rng.uniform(*WET)
    out = (1 - wet) * np.r_[y, np.zeros(n - 1)] + wet * fftconvolve(y, ir)
    return out.astype(np.float32)


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS pink (1/f power) noise, shaped in the frequency domain."""
    spec = np.fft.rfft(rng.normal(0, 1, n))
    f = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
    spec /= np.sqrt(np.maximum(f, 20.0))
    y = np.fft.irfft(spec, n)
    return y / np.sqrt((y**2).mean())


def mains_hum(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS hum of 50 or 60 Hz mains with its 2nd, 3rd and 5th harmonics."""
    base = rng.choice([50.0, 60.0])
    t = np.arange(n) / SAMPLE_RATE
    y = sum(
        a * np.sin(2 * np.pi * base * k * t + rng.uniform(0, 2 * np.pi))
        for k, a in ((1, 1), (2, 0.5), (3, 0.3), (5, 0.15))
    )
    return y / np.sqrt((y**2).mean())


@cache
def _babble_sources() -> tuple[np.ndarray, ...]:
    return tuple(trim(espeak(line, voice)) for line in BABBLE_LINES for voice in BABBLE_VOICES)


def babble(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS babble: 3-5 overlapping sentences from around the room (reverberant, muffled)."""
    sources = _babble_sources()
    y = np.zeros(n)
    for _ in range(rng.integers(3, 6)):
        s = sources[rng.integers(len(sources))]
        start = rng.integers(0, max(1, len(s) - n)) if len(s) > n else 0
        piece = s[start : start + n]
        at = rng.integers(0, max(1, n - len(piece) + 1))
        y[at : at + len(piece)] += piece * rng.uniform(0.5, 1.0)
    y = fftconvolve(y, np.ones(4) / 4)[:n]  # muffled: further away than the speaker
    return y / max(np.sqrt((y**2).mean()), 1e-9)


def room_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS background: pink noise, mains hum 8-14 dB below it, babble 4-10 dB below it."""
    y = pink_noise(n, rng)
    y = y + 10 ** (-rng.uniform(8, 14) / 20) * mains_hum(n, rng)
    y = y + 10 ** (-rng.uniform(4, 10) / 20) * babble(n, rng)
    return y / np.sqrt((y**2).mean())


def recording(digit: int, voice: str, n: int, *, seed: int) -> tuple[np.ndarray, dict]:
    """A 2 s noisy, reverberant recording of ``digit`` in ``voice``; (samples, the settings drawn)."""
    rng = np.random.default_rng([seed, digit, zlib.crc32(voice.encode()), n])
    text = WORDS[digit] + ["", ".", "!"][rng.integers(3)]
    pitch, speed = int(rng.integers(PITCH[0], PITCH[1] + 1)), int(rng.integers(SPEED[0], SPEED[1] + 1))
    word = reverb(trim(espeak(text, voice, pitch=pitch, speed=speed)), rng)
    total = int(DURATION_S * SAMPLE_RATE)
    word = word[: total - int(0.2 * SAMPLE_RATE)]  # at least 0.2 s of room before the word
    onset = min(rng.uniform(*ONSET_S), (total - len(word)) / SAMPLE_RATE)
    onset = max(onset, 0.2)
    at = int(onset * SAMPLE_RATE)
    speech = np.zeros(total)
    speech[at : at + len(word)] = word[: total - at]
    snr = rng.uniform(*SNR_DB)
    speech_power = (word**2).mean()
    noise = room_noise(total, rng) * np.sqrt(speech_power / 10 ** (snr / 10))
    y = speech + noise
    y = PEAK * y / np.abs(y).max()
    settings = {"text": text, "pitch": pitch, "speed": speed, "onset_s": round(onset, 3), "snr_db": round(snr, 1)}
    return y.astype(np.float32), settings


def manifest_path(out: Path) -> Path:
    """Where the manifest of ``out`` goes: beside the folder, so the folder holds only samples."""
    return out.parent / f"{out.name}-manifest.csv"


def make(out: Path, voices: tuple[str, ...], *, per_voice: int = 1, seed: int = 0) -> list[dict]:
    """Write ``out/<digit>/<voice>-<n>.flac`` and its manifest (`manifest_path`); return the manifest rows."""
    if shutil.which("espeak-ng") is None:
        raise SystemExit("make_heldout_speech: espeak-ng is not installed (apt-get install espeak-ng)")
    rows = []
    for digit in range(10):
        folder = out / str(digit)
        folder.mkdir(parents=True, exist_ok=True)
        for voice in voices:
            for n in range(per_voice):
                y, settings = recording(digit, voice, n, seed=seed)
                path = folder / f"{voice}-{n}.flac"
                sf.write(path, y, SAMPLE_RATE, format="FLAC", subtype="PCM_16", compression_level=1.0)
                rows.append({"path": f"{digit}/{path.name}", "label": digit, "voice": voice, **settings})
    with manifest_path(out).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=FIXTURE, help=f"output folder (default {FIXTURE.relative_to(ROOT)})")
    p.add_argument(
        "--voices",
        default=",".join(FIXTURE_VOICES),
        help=f"comma-separated espeak-ng voices, or 'all' ({','.join(ALL_VOICES)})",
    )
    p.add_argument("--per-voice", type=int, default=1, help="recordings per voice and digit (default 1)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    voices = ALL_VOICES if args.voices == "all" else tuple(v.strip() for v in args.voices.split(",") if v.strip())
    rows = make(args.out, voices, per_voice=args.per_voice, seed=args.seed)
    size = sum((args.out / r["path"]).stat().st_size for r in rows)
    print(
        f"{len(rows)} recordings ({len(voices)} voices x 10 digits x {args.per_voice}) in {args.out}: {size / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
