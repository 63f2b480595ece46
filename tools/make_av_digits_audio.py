#!/usr/bin/env python3
r"""Generate the spoken-digit audio set of the bundled ``av-digits`` dataset.

The clips are the words "zero" ... "nine" synthesised fully offline with the
text-to-speech engines packaged in Debian, then varied, trimmed, resampled and
stored as small FLAC files together with a ``manifest.csv``.

Engines and voices
------------------
Install them with::

    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
        espeak-ng espeak-ng-data festival festlex-cmu festlex-poslex \\
        festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts flite sox freetts

* ``flite``: ``kal``, ``kal16``, ``awb``, ``rms``, ``slt``
* ``festival`` (via ``text2wave``): ``kal_diphone``, ``ked_diphone``,
  ``cmu_us_slt_arctic_hts``
* ``freetts`` (Java, ``/usr/share/java/freetts.jar``): ``kevin``, ``kevin16``
  (used only if Java and the jar work; skipped with a warning otherwise)
* ``espeak-ng``: ``en-us``, ``en-gb-x-rp``, ``en-gb-scotland``, ``en-029``
  and ``en-us+f2`` (a female variant); stored with ``-``/``+`` replaced by
  ``_`` in file names and the manifest (e.g. ``en_us_f2``).

MBROLA voices and ``pico2wave`` are not installable on the build machines and
are not used.

Why espeak-ng is a minority
---------------------------
espeak-ng is a formant synthesiser whose spectra differ strongly from natural
speech. Measured on these machines, a digit classifier trained on espeak-ng
clips transferred badly to real human recordings, whereas flite, festival and
freetts (diphone / HTS voices built from recorded speech) transferred best.
espeak-ng therefore only contributes about 10 % of the clips
(``ESPEAK_SHARE``), for accent variety; the rest is split evenly over the other
voices.

Per-clip variation and processing
---------------------------------
Each clip draws, from a random generator seeded by ``(--seed, digit, voice,
clip index)``:

* one of the texts ``"<word>"``, ``"<word>."``, ``"<word>!"``, ``"<word>?"``
  (different prosody per punctuation),
* a sox ``pitch`` shift uniform in -400 ... +400 cents,
* a sox ``tempo -s`` factor uniform in 0.8 ... 1.25.

The processing chain is: engine -> temporary wav -> sox (mix to mono, pitch,
tempo, resample to 8 kHz, 32-bit float) -> leading/trailing silence trimmed
(frame energy more than 45 dB below the loudest 10 ms frame, 30 ms margin
kept) -> peak normalised to 0.9 -> 16-bit FLAC via ``soundfile``. A clip whose
trimmed duration falls outside 0.15 ... 1.5 s is redrawn (deterministically).

Balance and robustness
----------------------
Every digit gets ``--per-digit`` clips (default 150). Voices are balanced: the
remainder of an uneven split is rotated over the digits so each voice has
(nearly) the same total. Every voice is first probed on every digit; a voice
(or one of its texts) that fails to produce audio is skipped with a warning and
the clips are rebalanced over the remaining voices. The output is deterministic
given ``--seed``: the engines, sox and the FLAC encoder are deterministic and
all random draws come from the seeded generator.

Usage::

    python tools/make_av_digits_audio.py [--seed 0] [--per-digit 150]
        [--out mmdemo/data/av_digits/audio]
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

ESPEAK_SHARE = 0.10
PITCH_CENTS = (-400, 400)
TEMPO = (0.8, 1.25)
SAMPLE_RATE = 8000
PEAK = 0.9
TRIM_TOP_DB = 45.0
TRIM_FRAME_S = 0.010
TRIM_MARGIN_S = 0.030
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


MAIN_VOICES = (
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
ESPEAK_VOICES = (
    Voice("espeak", "en-us"),
    Voice("espeak", "en-gb-x-rp"),
    Voice("espeak", "en-gb-scotland"),
    Voice("espeak", "en-029"),
    Voice("espeak", "en-us+f2"),
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
    elif voice.engine == "espeak":
        run(["espeak-ng", "-v", voice.name, "-w", str(wav), text])
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


def trim_silence(x: np.ndarray, sr: int) -> np.ndarray:
    """Trim edge frames more than ``TRIM_TOP_DB`` below the loudest frame."""
    frame = max(1, int(TRIM_FRAME_S * sr))
    n_frames = int(np.ceil(len(x) / frame))
    padded = np.zeros(n_frames * frame, dtype=np.float64)
    padded[: len(x)] = x
    rms = np.sqrt(np.mean(padded.reshape(n_frames, frame) ** 2, axis=1))
    if rms.max() <= 0:
        return x[:0]
    loud = np.flatnonzero(20 * np.log10(np.maximum(rms, 1e-12) / rms.max()) > -TRIM_TOP_DB)
    margin = int(TRIM_MARGIN_S * sr)
    start = max(0, loud[0] * frame - margin)
    stop = min(len(x), (loud[-1] + 1) * frame + margin)
    return x[start:stop]


def process(src: Path, tmp_wav: Path, pitch: int, tempo: float) -> np.ndarray:
    """Pitch/tempo, mono mix, 8 kHz resampling, trimming, peak normalisation."""
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
    data = trim_silence(np.nan_to_num(data), sr)
    peak = np.abs(data).max() if len(data) else 0.0
    if peak < 1e-4:
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


def allocate(main: list[Voice], espeak: list[Voice], per_digit: int) -> dict[int, list[Voice]]:
    """Return, per digit, the voice of every clip slot (espeak ~``ESPEAK_SHARE``)."""
    if not main and not espeak:
        raise SystemExit("no working TTS voice found; install the engines (see docstring)")
    n_esp = round(per_digit * ESPEAK_SHARE) if espeak else 0
    if not main:
        n_esp = per_digit
    slots: dict[int, list[Voice]] = {}
    for d in range(10):
        voices: list[Voice] = []
        for group, total in ((main, per_digit - n_esp), (espeak, n_esp)):
            if group and total:
                rem = total % len(group)
                for v, c in zip(group, split_counts(total, len(group), d * rem), strict=True):
                    voices += [v] * c
        slots[d] = voices
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
    """Processed audio of one clip and the variation parameters used."""

    data: np.ndarray
    pitch: int
    tempo: float


def make_clip(clip: Clip, seed: int, bases: list[Path], tmp: Path) -> Rendered:
    """Draw variation parameters and render one clip; redraw if the duration is off."""
    rng = clip_rng(seed, clip.digit, clip.voice, clip.index)
    tmp_wav = tmp / "proc" / clip.rel_path.replace("/", "-").replace(".flac", ".wav")
    last = "no draw"
    for _ in range(MAX_DRAWS):
        src = bases[int(rng.integers(len(bases)))]
        pitch = int(rng.integers(PITCH_CENTS[0], PITCH_CENTS[1] + 1))
        tempo = round(float(rng.uniform(*TEMPO)), 3)
        try:
            data = process(src, tmp_wav, pitch, tempo)
        except (RuntimeError, sf.LibsndfileError) as exc:
            last = str(exc)
            continue
        dur = len(data) / SAMPLE_RATE
        if MIN_DUR_S <= dur <= MAX_DUR_S:
            return Rendered(data, pitch, tempo)
        last = f"duration {dur:.2f}s"
    raise RuntimeError(f"{clip.rel_path}: {last}")


def write_clip(out: Path, clip: Clip, rendered: Rendered) -> dict[str, object]:
    """Write one clip as 16-bit mono FLAC and return its manifest row."""
    dest = out / clip.rel_path
    dest.parent.mkdir(parents=True, exist_ok=True)
    sf.write(dest, rendered.data, SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    return {
        "path": clip.rel_path,
        "label": clip.digit,
        "engine": clip.voice.engine,
        "voice": clip.voice.slug,
        "pitch_cents": rendered.pitch,
        "tempo": f"{rendered.tempo:.3f}",
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
    candidates = [v for v in MAIN_VOICES + ESPEAK_VOICES if v.engine != "freetts" or FREETTS_JAR.exists()]
    if not FREETTS_JAR.exists():
        warn(f"{FREETTS_JAR} missing: freetts voices skipped")
    with tempfile.TemporaryDirectory(prefix="av_digits_audio_") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "proc").mkdir()
        print(f"probing {len(candidates)} voices ...", flush=True)
        bases = probe_voices(candidates, tmp, jobs)
        main = [v for v in MAIN_VOICES if v in bases]
        espeak = [v for v in ESPEAK_VOICES if v in bases]
        print(f"usable voices: {', '.join(v.key for v in main + espeak)}", flush=True)
        clips = plan_clips(allocate(main, espeak, per_digit))

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
            good += refill(failed, done, main or espeak, render)

    clear_output(out)
    rows = [write_clip(out, clip, rendered) for clip, rendered in good]
    rows.sort(key=lambda r: (r["label"], str(r["path"])))
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        fields = ["path", "label", "engine", "voice", "pitch_cents", "tempo"]
        writer = csv.DictWriter(fh, fieldnames=fields)
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
    p.add_argument("--per-digit", type=int, default=150, help="clips per digit (default 150)")
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
