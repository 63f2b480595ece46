#!/usr/bin/env python3
r"""Generate the spoken-digit audio set of the bundled ``av-digits`` dataset.

The clips are the words "zero" ... "nine" synthesised fully offline with the
text-to-speech engines packaged in Debian, then varied (pitch, tempo, room
reverberation, background noise, phone band limit, gain), trimmed to the word
by voice activity, resampled and stored as small FLAC files together with a
``manifest.csv``.

Engines and voices
------------------
Install them with::

    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
        festival festlex-cmu festlex-poslex \\
        festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts flite sox freetts

* ``flite``: ``kal``, ``kal16``, ``awb``, ``rms``, ``slt``
* ``festival`` (via ``text2wave``): ``kal_diphone``, ``ked_diphone``,
  ``cmu_us_slt_arctic_hts``
* ``freetts`` (Java, ``/usr/share/java/freetts.jar``): ``kevin``, ``kevin16``
  (used only if Java and the jar work; skipped with a warning otherwise)

espeak-ng is deliberately **not** used: it is the held-out engine of the
project's checks on real-like input, and, measured on these machines, a digit
classifier trained on espeak-ng (a formant synthesiser) transferred badly to
real human speech and adding it to the other engines lowered accuracy, while
flite, festival and freetts (diphone / HTS voices built from recorded speech)
transferred best. MBROLA voices and ``pico2wave`` are not installable on the
build machines and are not used.

Per-clip variation and processing
---------------------------------
Each clip draws, from a random generator seeded by ``(--seed, digit, voice,
clip index)`` (a redraw, see below, continues the same generator):

* one of the texts ``"<word>"``, ``"<word>."``, ``"<word>!"``, ``"<word>?"``
  (different prosody per punctuation),
* a sox ``pitch`` shift uniform in -400 ... +400 cents,
* a sox ``tempo -s`` factor (time stretch) uniform in 0.75 ... 1.3,
* with probability 1/2, room reverberation: a synthetic room impulse response
  made of a direct path, 3 ... 5 early reflections (3 ... 30 ms, gain
  0.2 ... 0.6, random sign) and a late tail of Gaussian noise decaying
  exponentially with RT60 uniform in 0.15 ... 0.6 s (tail onset 5 ... 15 ms,
  tail energy equal to the direct path's); the reverberant signal is mixed
  with the dry one, wet share uniform in 0.3 ... 1.0,
* independently with probability 1/2, additive background noise: white, pink
  (1/f) or brown (1/f^2, above 20 Hz) at an SNR uniform in 10 ... 30 dB
  (speech power measured over the frames within 30 dB of the loudest one),
* with probability 1/4, a phone-like band limit: 4th-order Butterworth
  band-pass 300 ... 3400 Hz (applied after the noise, like a phone channel),
* a random gain: a level uniform in -6 ... +6 dB plus a linear level ramp
  over the clip uniform in -3 ... +3 dB (the speaker moving relative to the
  microphone). The constant part is undone by the final peak normalisation;
  the ramp remains.

The processing chain is: engine -> temporary wav -> sox (mix to mono, pitch,
tempo, resample to 16 kHz, 32-bit float) -> 0.3 s of digital silence padded on
both sides -> reverberation -> noise -> band limit -> gain -> voice-activity
trimming -> peak normalised to 0.9 -> 16-bit FLAC via ``soundfile``.

Voice-activity trimming (``vad_trim``): frame energies are computed on a copy
high-passed at 200 Hz (2nd-order Butterworth, zero phase, so that brown noise
does not dominate) over 10 ms hops, smoothed over 3 hops (30 ms). The noise
floor is the 10th percentile of those energies (the padding makes sure there
are noise-only frames). A frame is active if it is more than 6 dB above the
floor and within 45 dB of the loudest frame (on a clean clip the floor is
digital silence, so this reduces to the old 45 dB level threshold). Active
runs separated by less than 150 ms are merged and the run with the most
energy is kept, with a 30 ms margin on each side. Speech buried in the noise
(a weak "s" at 10 dB SNR) is cut, as it would be from a noisy recording. A
clip whose trimmed duration falls outside 0.15 ... 1.5 s is redrawn
(deterministically, up to 8 times).

Every draw is recorded in ``manifest.csv``: ``path,label,engine,voice,
pitch_cents,tempo`` (as before) and ``text,reverb_rt60,reverb_wet,
reverb_early,noise,snr_db,band,gain_db,gain_ramp_db,duration_s``;
``reverb_*`` and ``snr_db`` are empty when that augmentation is not applied,
``noise`` is ``none``/``white``/``pink``/``brown``, ``band`` is ``full`` or
``300-3400``.

Balance and robustness
----------------------
Every digit gets ``--per-digit`` clips (default 500). Voices are balanced: the
remainder of an uneven split is rotated over the digits so each voice has
(nearly) the same total. Every voice is first probed on every digit; a voice
(or one of its texts) that fails to produce audio is skipped with a warning and
the clips are rebalanced over the remaining voices. The output is deterministic
given ``--seed``: the engines, sox and the FLAC encoder are deterministic and
all random draws (including the noise and impulse-response samples) come from
the per-clip seeded generator, so any ``--jobs`` gives byte-identical files.

Usage::

    python tools/make_av_digits_audio.py [--seed 0] [--per-digit 500]
        [--out mmdemo/data/av_digits/audio] [--jobs 2]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "mmdemo" / "data" / "av_digits" / "audio"

DIGIT_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
)
TEXT_TEMPLATES = ("{w}", "{w}.", "{w}!", "{w}?")

SAMPLE_RATE = 16000
PITCH_CENTS = (-400, 400)
TEMPO = (0.75, 1.3)
PAD_S = 0.3

REVERB_P = 0.5
RT60_S = (0.15, 0.6)
REVERB_WET = (0.3, 1.0)
EARLY_N = (3, 5)
EARLY_DELAY_S = (0.003, 0.030)
EARLY_GAIN = (0.2, 0.6)
TAIL_ONSET_S = (0.005, 0.015)

NOISE_P = 0.5
NOISE_COLOURS = ("white", "pink", "brown")
SNR_DB = (10.0, 30.0)
SPEECH_DB = 30.0

BAND_P = 0.25
BAND_HZ = (300.0, 3400.0)
BAND_ORDER = 4

GAIN_DB = (-6.0, 6.0)
GAIN_RAMP_DB = (-3.0, 3.0)

PEAK = 0.9
TRIM_TOP_DB = 45.0
TRIM_FRAME_S = 0.010
TRIM_MARGIN_S = 0.030
VAD_FLOOR_PERCENTILE = 10.0
VAD_ABOVE_FLOOR_DB = 6.0
VAD_MERGE_GAP_S = 0.150
VAD_HIGHPASS_HZ = 200.0
VAD_SMOOTH = 3
MIN_DUR_S = 0.15
MAX_DUR_S = 1.5
MAX_DRAWS = 8
TIMEOUT_S = 60
FREETTS_JAR = Path("/usr/share/java/freetts.jar")


@dataclass(frozen=True)
class Voice:
    """One engine/voice combination."""

    engine: str
    name: str

    @property
    def slug(self) -> str:
        """Return the file-name-safe voice id used in paths and the manifest."""
        return self.name.replace("-", "_").replace("+", "_")

    @property
    def key(self) -> str:
        """Return ``engine-slug``, the prefix of this voice's clip file names."""
        return f"{self.engine}-{self.slug}"


VOICES = (
    Voice("flite", "kal"),
    Voice("flite", "kal16"),
    Voice("flite", "awb"),
    Voice("flite", "rms"),
    Voice("flite", "slt"),
    Voice("festival", "kal_diphone"),
    Voice("festival", "ked_diphone"),
    Voice("festival", "cmu_us_slt_arctic_hts"),
    Voice("freetts", "kevin"),
    Voice("freetts", "kevin16"),
)


def warn(msg: str) -> None:
    """Print a warning to stderr."""
    print(f"WARNING: {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a command, raising ``RuntimeError`` with its stderr on failure."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeError(f"{cmd[0]}: {exc}") from exc
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return proc


def synthesise(voice: Voice, text: str, wav: Path) -> None:
    """Synthesise ``text`` with ``voice`` into ``wav``; raise on failure."""
    if voice.engine == "flite":
        run(["flite", "-voice", voice.name, "-t", text, "-o", str(wav)])
    elif voice.engine == "festival":
        txt = wav.with_suffix(".txt")
        txt.write_text(text + "\n", encoding="utf-8")
        proc = run(["text2wave", "-eval", f"(voice_{voice.name})", str(txt), "-o", str(wav)])
        if "SIOD ERROR" in proc.stderr or "SIOD ERROR" in proc.stdout:
            raise RuntimeError(f"festival: {proc.stderr.strip()[-300:]}")
    elif voice.engine == "freetts":
        run(
            [
                "java",
                "-jar",
                str(FREETTS_JAR),
                "-voice",
                voice.name,
                "-dumpAudio",
                str(wav),
                "-text",
                text,
            ]
        )
    else:
        raise ValueError(f"unknown engine {voice.engine}")
    check_audio(wav)


def check_audio(wav: Path) -> None:
    """Raise ``RuntimeError`` unless ``wav`` holds finite, audible audio."""
    if not wav.exists() or wav.stat().st_size < 100:
        raise RuntimeError(f"no audio written to {wav.name}")
    data, sr = sf.read(wav, dtype="float32", always_2d=True)
    if len(data) < 0.1 * sr or not np.all(np.isfinite(data)) or np.abs(data).max() < 0.01:
        raise RuntimeError(f"empty or silent audio in {wav.name}")


def frame_db(x: np.ndarray, sr: int) -> tuple[np.ndarray, int]:
    """Return the energy (dB) of consecutive ``TRIM_FRAME_S`` frames and the frame length."""
    frame = max(1, int(TRIM_FRAME_S * sr))
    n_frames = max(1, int(np.ceil(len(x) / frame)))
    padded = np.zeros(n_frames * frame, dtype=np.float64)
    padded[: len(x)] = x
    power = np.mean(padded.reshape(n_frames, frame) ** 2, axis=1)
    return 10 * np.log10(np.maximum(power, 1e-24)), frame


def vad_trim(x: np.ndarray, sr: int) -> np.ndarray:
    """Keep the word: the strongest run of frames clearly above the noise floor.

    Frame energies are taken on a copy high-passed at ``VAD_HIGHPASS_HZ`` and
    smoothed over ``VAD_SMOOTH`` frames. Active frames are more
    than ``VAD_ABOVE_FLOOR_DB`` above the floor (the ``VAD_FLOOR_PERCENTILE``-th
    percentile) and within ``TRIM_TOP_DB`` of the loudest frame; runs closer
    than ``VAD_MERGE_GAP_S`` are merged and the run with the most energy is
    returned with a ``TRIM_MARGIN_S`` margin.
    """
    if len(x) == 0:
        return x
    sos = signal.butter(2, VAD_HIGHPASS_HZ, btype="highpass", fs=sr, output="sos")
    db, frame = frame_db(signal.sosfiltfilt(sos, x), sr)
    db = 10 * np.log10(np.convolve(10 ** (db / 10), np.ones(VAD_SMOOTH) / VAD_SMOOTH, mode="same"))
    peak = db.max()
    if peak <= -200:
        return x[:0]
    floor = np.percentile(db, VAD_FLOOR_PERCENTILE)
    threshold = max(floor + VAD_ABOVE_FLOOR_DB, peak - TRIM_TOP_DB)
    active = np.flatnonzero(db > threshold)
    if len(active) == 0:
        return x[:0]
    max_gap = int(round(VAD_MERGE_GAP_S / TRIM_FRAME_S))
    breaks = np.flatnonzero(np.diff(active) > max_gap)
    starts = np.concatenate([active[:1], active[breaks + 1]])
    stops = np.concatenate([active[breaks], active[-1:]]) + 1
    excess = 10 ** ((db - threshold) / 10)
    energy = [excess[a:b][db[a:b] > threshold].sum() for a, b in zip(starts, stops, strict=True)]
    best = int(np.argmax(energy))
    margin = int(TRIM_MARGIN_S * sr)
    start = max(0, int(starts[best]) * frame - margin)
    stop = min(len(x), int(stops[best]) * frame + margin)
    return x[start:stop]


def sox_stretch(src: Path, tmp_wav: Path, pitch: int, tempo: float) -> np.ndarray:
    """Pitch/tempo, mono mix and 16 kHz resampling with sox; return float64 samples."""
    run(
        [
            "sox",
            "-V1",
            "-G",
            str(src),
            "-e",
            "floating-point",
            "-b",
            "32",
            str(tmp_wav),
            "remix",
            "-",
            "pitch",
            str(pitch),
            "tempo",
            "-s",
            f"{tempo:.3f}",
            "rate",
            "-v",
            str(SAMPLE_RATE),
        ]
    )
    data, sr = sf.read(tmp_wav, dtype="float64")
    if sr != SAMPLE_RATE or data.ndim != 1:
        raise RuntimeError(f"sox produced sr={sr} shape={data.shape}")
    return np.nan_to_num(data)


@dataclass(frozen=True)
class Params:
    """All random draws of one clip attempt (``None``: augmentation not applied)."""

    source: int
    pitch: int
    tempo: float
    rt60: float | None
    wet: float | None
    early: int | None
    noise: str
    snr_db: float | None
    band: bool
    gain_db: float
    gain_ramp_db: float
    signal_seed: int


def draw_params(rng: np.random.Generator, n_sources: int) -> Params:
    """Draw one attempt's parameters; always the same number of draws from ``rng``."""
    source = int(rng.integers(n_sources))
    pitch = int(rng.integers(PITCH_CENTS[0], PITCH_CENTS[1] + 1))
    tempo = round(float(rng.uniform(*TEMPO)), 3)
    reverb = bool(rng.random() < REVERB_P)
    rt60 = round(float(rng.uniform(*RT60_S)), 3)
    wet = round(float(rng.uniform(*REVERB_WET)), 3)
    early = int(rng.integers(EARLY_N[0], EARLY_N[1] + 1))
    noisy = bool(rng.random() < NOISE_P)
    colour = NOISE_COLOURS[int(rng.integers(len(NOISE_COLOURS)))]
    snr = round(float(rng.uniform(*SNR_DB)), 2)
    band = bool(rng.random() < BAND_P)
    gain = round(float(rng.uniform(*GAIN_DB)), 2)
    ramp = round(float(rng.uniform(*GAIN_RAMP_DB)), 2)
    signal_seed = int(rng.integers(2**63))
    return Params(
        source=source,
        pitch=pitch,
        tempo=tempo,
        rt60=rt60 if reverb else None,
        wet=wet if reverb else None,
        early=early if reverb else None,
        noise=colour if noisy else "none",
        snr_db=snr if noisy else None,
        band=band,
        gain_db=gain,
        gain_ramp_db=ramp,
        signal_seed=signal_seed,
    )


def room_impulse_response(rt60: float, n_early: int, rng: np.random.Generator, sr: int) -> np.ndarray:
    """Direct path + early reflections + exponentially decaying noise tail (RT60 ``rt60``)."""
    n = int(round(rt60 * sr)) + 1
    t = np.arange(n) / sr
    onset = float(rng.uniform(*TAIL_ONSET_S))
    tail = rng.standard_normal(n) * 10 ** (-3.0 * t / rt60)  # -60 dB after rt60
    tail[t < onset] = 0.0
    tail *= 1.0 / np.sqrt(np.sum(tail**2))  # tail energy = direct path energy
    h = tail
    h[0] += 1.0
    delays = rng.uniform(*EARLY_DELAY_S, size=n_early)
    gains = rng.uniform(*EARLY_GAIN, size=n_early) * rng.choice([-1.0, 1.0], size=n_early)
    for d, g in zip(delays, gains, strict=True):
        h[int(round(d * sr))] += g
    return h


def coloured_noise(colour: str, n: int, rng: np.random.Generator, sr: int) -> np.ndarray:
    """Unit-RMS white, pink (1/f) or brown (1/f^2 above 20 Hz) noise of ``n`` samples."""
    noise = rng.standard_normal(n)
    if colour != "white" and n > 2:
        spec = np.fft.rfft(noise)
        f = np.maximum(np.fft.rfftfreq(n, 1 / sr), 20.0)
        spec *= f ** (-0.5 if colour == "pink" else -1.0)
        spec[0] = 0.0
        noise = np.fft.irfft(spec, n)
    return noise / max(float(np.sqrt(np.mean(noise**2))), 1e-12)


def speech_power(x: np.ndarray, sr: int) -> float:
    """Mean power of the frames within ``SPEECH_DB`` of the loudest frame."""
    db, _ = frame_db(x, sr)
    return float(np.mean(10 ** (db[db > db.max() - SPEECH_DB] / 10)))


def augment(x: np.ndarray, p: Params, sr: int) -> np.ndarray:
    """Pad, then reverberation, noise, band limit and gain as drawn in ``p``."""
    rng = np.random.default_rng(p.signal_seed)
    pad = np.zeros(int(PAD_S * sr))
    x = np.concatenate([pad, x, pad])
    if p.rt60 is not None and p.wet is not None and p.early is not None:
        h = room_impulse_response(p.rt60, p.early, rng, sr)
        wet = signal.fftconvolve(x, h)[: len(x)]
        x = (1.0 - p.wet) * x + p.wet * wet
    if p.snr_db is not None:
        noise = coloured_noise(p.noise, len(x), rng, sr)
        x = x + noise * np.sqrt(speech_power(x, sr) / 10 ** (p.snr_db / 10))
    if p.band:
        sos = signal.butter(BAND_ORDER, BAND_HZ, btype="bandpass", fs=sr, output="sos")
        x = signal.sosfilt(sos, x)
    ramp = np.linspace(-0.5, 0.5, len(x)) * p.gain_ramp_db
    return x * 10 ** ((p.gain_db + ramp) / 20)


def process(src: Path, tmp_wav: Path, p: Params) -> np.ndarray:
    """Full chain for one attempt: sox, augmentations, VAD trimming, peak normalisation."""
    data = augment(sox_stretch(src, tmp_wav, p.pitch, p.tempo), p, SAMPLE_RATE)
    data = vad_trim(data, SAMPLE_RATE)
    peak = np.abs(data).max() if len(data) else 0.0
    if peak < 1e-6:
        raise RuntimeError("silent after processing")
    return data * (PEAK / peak)


def clip_rng(seed: int, digit: int, voice: Voice, index: int) -> np.random.Generator:
    """Return the generator for one clip, independent of which other voices exist."""
    return np.random.default_rng([seed, digit, zlib.crc32(voice.key.encode()), index])


def probe_voices(voices: list[Voice], tmp: Path, jobs: int) -> dict[Voice, dict[int, list[Path]]]:
    """Synthesise every digit/text per voice; return the base wavs of usable voices."""
    tasks = [
        (v, d, t, tmp / "base" / f"{v.key}-{d}-{t}.wav")
        for v in voices
        for d in range(10)
        for t in range(len(TEXT_TEMPLATES))
    ]
    (tmp / "base").mkdir(parents=True, exist_ok=True)

    def job(task: tuple[Voice, int, int, Path]) -> str | None:
        """Synthesise one base wav; return an error message or ``None``."""
        v, d, t, wav = task
        try:
            synthesise(v, TEXT_TEMPLATES[t].format(w=DIGIT_WORDS[d]), wav)
        except (RuntimeError, sf.LibsndfileError) as exc:
            return str(exc)
        return None

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        errors = list(pool.map(job, tasks))

    bases: dict[Voice, dict[int, list[Path]]] = {}
    for v in voices:
        per_digit: dict[int, list[Path]] = {d: [] for d in range(10)}
        failed: list[str] = []
        for (tv, d, t, wav), err in zip(tasks, errors, strict=True):
            if tv != v:
                continue
            if err is None:
                per_digit[d].append(wav)
            else:
                failed.append(f"{TEXT_TEMPLATES[t].format(w=DIGIT_WORDS[d])!r}: {err}")
        if all(per_digit.values()):
            bases[v] = per_digit
            if failed:
                n = len(failed)
                warn(f"{v.key}: {n} text variants failed, skipped; e.g. {failed[0]}")
        else:
            warn(f"{v.key}: voice skipped ({len(failed)} failures, e.g. {failed[0]})")
    return bases


def split_counts(total: int, n: int, rotate: int) -> list[int]:
    """Split ``total`` over ``n`` slots; the remainder starts at slot ``rotate``."""
    base, rem = divmod(total, n)
    counts = [base] * n
    for j in range(rem):
        counts[(rotate + j) % n] += 1
    return counts


def allocate(voices: list[Voice], per_digit: int) -> dict[int, list[Voice]]:
    """Return, per digit, the voice of every clip slot, balanced over ``voices``."""
    if not voices:
        raise SystemExit("no working TTS voice found; install the engines (see docstring)")
    rem = per_digit % len(voices)
    slots: dict[int, list[Voice]] = {}
    for d in range(10):
        slots[d] = []
        for v, c in zip(voices, split_counts(per_digit, len(voices), d * rem), strict=True):
            slots[d] += [v] * c
    return slots


@dataclass(frozen=True)
class Clip:
    """Identity of one output clip: digit, voice and per-(digit, voice) index."""

    digit: int
    voice: Voice
    index: int

    @property
    def rel_path(self) -> str:
        """Return the clip path relative to the audio folder."""
        return f"{self.digit}/{self.voice.key}-{self.index:03d}.flac"


@dataclass(frozen=True)
class Rendered:
    """Processed audio of one clip, its text and the variation parameters used."""

    data: np.ndarray
    text: str
    params: Params


def make_clip(clip: Clip, seed: int, bases: list[Path], tmp: Path) -> Rendered:
    """Draw variation parameters and render one clip; redraw if the duration is off."""
    rng = clip_rng(seed, clip.digit, clip.voice, clip.index)
    tmp_wav = tmp / "proc" / clip.rel_path.replace("/", "-").replace(".flac", ".wav")
    last = "no draw"
    for _ in range(MAX_DRAWS):
        p = draw_params(rng, len(bases))
        try:
            data = process(bases[p.source], tmp_wav, p)
        except (RuntimeError, sf.LibsndfileError) as exc:
            last = str(exc)
            continue
        dur = len(data) / SAMPLE_RATE
        if MIN_DUR_S <= dur <= MAX_DUR_S:
            text_index = int(bases[p.source].stem.rsplit("-", 1)[1])
            return Rendered(data, TEXT_TEMPLATES[text_index].format(w=DIGIT_WORDS[clip.digit]), p)
        last = f"duration {dur:.2f}s"
    raise RuntimeError(f"{clip.rel_path}: {last}")


MANIFEST_FIELDS = (
    "path",
    "label",
    "engine",
    "voice",
    "pitch_cents",
    "tempo",
    "text",
    "reverb_rt60",
    "reverb_wet",
    "reverb_early",
    "noise",
    "snr_db",
    "band",
    "gain_db",
    "gain_ramp_db",
    "duration_s",
)


def _opt(value: float | int | None, fmt: str) -> str:
    """Format an optional number; ``None`` becomes an empty field."""
    return "" if value is None else format(value, fmt)


def write_clip(out: Path, clip: Clip, rendered: Rendered) -> dict[str, object]:
    """Write one clip as 16-bit mono FLAC and return its manifest row."""
    dest = out / clip.rel_path
    dest.parent.mkdir(parents=True, exist_ok=True)
    sf.write(dest, rendered.data, SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    p = rendered.params
    return {
        "path": clip.rel_path,
        "label": clip.digit,
        "engine": clip.voice.engine,
        "voice": clip.voice.slug,
        "pitch_cents": p.pitch,
        "tempo": f"{p.tempo:.3f}",
        "text": rendered.text,
        "reverb_rt60": _opt(p.rt60, ".3f"),
        "reverb_wet": _opt(p.wet, ".3f"),
        "reverb_early": _opt(p.early, "d"),
        "noise": p.noise,
        "snr_db": _opt(p.snr_db, ".2f"),
        "band": f"{BAND_HZ[0]:.0f}-{BAND_HZ[1]:.0f}" if p.band else "full",
        "gain_db": f"{p.gain_db:.2f}",
        "gain_ramp_db": f"{p.gain_ramp_db:.2f}",
        "duration_s": f"{len(rendered.data) / SAMPLE_RATE:.3f}",
    }


def clear_output(out: Path) -> None:
    """Remove clips and manifest written by a previous run (only our own files)."""
    for d in range(10):
        for f in (out / str(d)).glob("*.flac"):
            f.unlink()
    (out / "manifest.csv").unlink(missing_ok=True)


def plan_clips(slots: dict[int, list[Voice]]) -> list[Clip]:
    """Turn per-digit voice slots into numbered clips."""
    clips: list[Clip] = []
    for d, voices in slots.items():
        seen: dict[Voice, int] = {}
        for v in voices:
            clips.append(Clip(d, v, seen.get(v, 0)))
            seen[v] = seen.get(v, 0) + 1
    return clips


def refill(
    failed: list[Clip],
    done: list[Clip],
    voices: list[Voice],
    render: Callable[[Clip], Rendered],
) -> list[tuple[Clip, Rendered]]:
    """Replace failed clips by new clips of the same digit from other voices."""
    used = {(c.digit, c.voice, c.index) for c in done + failed}
    extra: list[tuple[Clip, Rendered]] = []
    for d in sorted({c.digit for c in failed}):
        missing = sum(c.digit == d for c in failed)
        for k in range(4 * len(voices) * missing):
            if not missing:
                break
            v = voices[(d + k) % len(voices)]
            i = next(i for i in range(10_000) if (d, v, i) not in used)
            used.add((d, v, i))
            clip = Clip(d, v, i)
            try:
                extra.append((clip, render(clip)))
                missing -= 1
            except RuntimeError as exc:
                warn(str(exc))
        if missing:
            warn(f"digit {d}: {missing} clips short of --per-digit")
    return extra


def generate(out: Path, seed: int, per_digit: int, jobs: int) -> list[dict[str, object]]:
    """Generate all clips into ``out`` and return the manifest rows."""
    if shutil.which("sox") is None:
        raise SystemExit("sox not found; apt-get install sox")
    candidates = [v for v in VOICES if v.engine != "freetts" or FREETTS_JAR.exists()]
    if not FREETTS_JAR.exists():
        warn(f"{FREETTS_JAR} missing: freetts voices skipped")
    with tempfile.TemporaryDirectory(prefix="av_digits_audio_") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "proc").mkdir()
        print(f"probing {len(candidates)} voices ...", flush=True)
        bases = probe_voices(candidates, tmp, jobs)
        voices = [v for v in VOICES if v in bases]
        print(f"usable voices: {', '.join(v.key for v in voices)}", flush=True)
        clips = plan_clips(allocate(voices, per_digit))

        def render(clip: Clip) -> Rendered:
            """Render one clip from its voice's base recordings."""
            return make_clip(clip, seed, bases[clip.voice][clip.digit], tmp)

        def job(clip: Clip) -> Rendered | str:
            """Render one clip; return it or an error message."""
            try:
                return render(clip)
            except RuntimeError as exc:
                return str(exc)

        print(f"rendering {len(clips)} clips ...", flush=True)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(job, clips))

        good: list[tuple[Clip, Rendered]] = []
        failed: list[Clip] = []
        for clip, res in zip(clips, results, strict=True):
            if isinstance(res, str):
                warn(res)
                failed.append(clip)
            else:
                good.append((clip, res))
        if failed:
            done = [c for c, _ in good]
            good += refill(failed, done, voices, render)

    clear_output(out)
    rows = [write_clip(out, clip, rendered) for clip, rendered in good]
    rows.sort(key=lambda r: (r["label"], str(r["path"])))
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=MANIFEST_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output folder (default {DEFAULT_OUT})",
    )
    p.add_argument("--per-digit", type=int, default=500, help="clips per digit (default 500)")
    p.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="parallel workers (default 2; output is identical)",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point: generate the set and print a short summary."""
    args = parse_args(argv)
    if args.per_digit < 1:
        raise SystemExit("--per-digit must be >= 1")
    args.out.mkdir(parents=True, exist_ok=True)
    rows = generate(args.out, args.seed, args.per_digit, max(1, args.jobs))
    total = sum((args.out / str(r["path"])).stat().st_size for r in rows)
    counts: dict[str, int] = {}
    for r in rows:
        key = f"{r['engine']}-{r['voice']}"
        counts[key] = counts.get(key, 0) + 1
    print(f"wrote {len(rows)} clips ({total / 1e6:.2f} MB) to {args.out}")
    for key, n in sorted(counts.items()):
        print(f"  {key}: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
