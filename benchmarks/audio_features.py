"""Batched MFCCs (`mmdemo.features.mfcc_frames`) against the per-file librosa loop a tutorial writes.

Both paths compute the same features on the bundled av-digits clips (8 kHz
FLAC): the tutorial loop calls ``librosa.load`` and ``librosa.feature.mfcc``
once per file; mmdemo reads with soundfile, as `load_digit_clips` does, and
computes the mel spectrograms of 256 clips per matrix product. mmdemo divides
each clip by its peak (a constant dB shift: only c0 changes), so c1..c12 of
its untrimmed frames must equal the tutorial's.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks.common import median_seconds
from mmdemo.datasets.av_digits import AUDIO_DIR, SAMPLE_RATE
from mmdemo.features.audio import HOP, N_FFT, N_MELS, TOP_DB, mfcc_frames

__all__ = ["run", "tutorial_mfcc", "read_clips", "compare_features"]

N_MFCC = 13
#: Largest |Δ| over c1..c12 (dB-scaled cepstral units) still called "the same features".
TOLERANCE = 1e-2
#: mmdemo end to end must be at least this many times faster than the loop.
TARGET_SPEEDUP = 5.0


def tutorial_mfcc(y: np.ndarray, sr: int) -> np.ndarray:
    """MFCCs of one clip the way a tutorial computes them, with mmdemo's parameters; shape=(13, t).

    ``librosa.feature.mfcc(y=..., n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS)``
    is exactly this, with ``top_db`` fixed at 80; spelt out so it follows
    mmdemo's ``TOP_DB``. Periodic Hann window, centred frames, zero padding,
    power 2, Slaney mel filters up to sr/2, dB relative to 1.0, orthonormal DCT-II.
    """
    import librosa

    power = librosa.feature.melspectrogram(
        y=y, sr=sr, n_fft=N_FFT, hop_length=HOP, window="hann", center=True, pad_mode="constant", power=2.0,
        n_mels=N_MELS, fmax=sr / 2, htk=False, norm="slaney",
    )  # fmt: skip
    return librosa.feature.mfcc(S=librosa.power_to_db(power, ref=1.0, top_db=TOP_DB), n_mfcc=N_MFCC)


def _tutorial_load(paths: Sequence[Path]) -> list[np.ndarray]:
    import librosa

    return [librosa.load(p, sr=SAMPLE_RATE)[0] for p in paths]


def _tutorial_features(signals: Sequence[np.ndarray]) -> list[np.ndarray]:
    return [tutorial_mfcc(y, SAMPLE_RATE) for y in signals]


def read_clips(paths: Sequence[Path]) -> list[np.ndarray]:
    """Read clips the way `mmdemo.datasets.av_digits.load_digit_clips` does (soundfile, float32, mono)."""
    import soundfile as sf

    return [sf.read(p, dtype="float32", always_2d=False)[0] for p in paths]


def _mmdemo_features(clips: Sequence[np.ndarray]) -> list[np.ndarray]:
    return mfcc_frames(clips=clips, sr=SAMPLE_RATE, n_mfcc=N_MFCC)


def compare_features(tutorial: Sequence[np.ndarray], untrimmed: Sequence[np.ndarray]) -> dict:
    """Worst clip of max |Δ| over c1..c12, and how far c0 departs from a constant shift per clip."""
    worst, worst_rel, worst_i, c0_spread = 0.0, 0.0, 0, 0.0
    for i, (a, b) in enumerate(zip(tutorial, untrimmed)):
        if a.shape != b.shape:
            return {"max_abs_difference": float("inf"), "relative_difference": float("inf"), "worst_index": i}
        diff = float(np.abs(a[1:] - b[1:]).max())
        if diff > worst:
            worst, worst_i = diff, i
        worst_rel = max(worst_rel, diff / max(float(np.abs(a[1:]).max()), 1e-12))
        shift = a[0] - b[0]
        c0_spread = max(c0_spread, float(shift.max() - shift.min()))
    return {
        "max_abs_difference": worst,
        "relative_difference": worst_rel,
        "worst_index": worst_i,
        "c0_shift_spread": c0_spread,
    }


def _interleaved_medians(fns: dict[tuple[str, str], Callable[[], object]], repeat: int) -> dict[tuple[str, str], float]:
    """Median seconds of each function, runs alternating so drifting machine load hits all alike."""
    times: dict[tuple[str, str], list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            times[name].append(median_seconds(fn, repeat=1, warmup=0))
    return {name: statistics.median(ts) for name, ts in times.items()}


_COLD = """
import json, sys, time
start = time.perf_counter()
import soundfile as sf
{imports}
imported = time.perf_counter()
y = {read}
{call}
done = time.perf_counter()
print(json.dumps({{"import": imported - start, "first_call": done - imported}}))
"""

_COLD_PATHS = {
    "tutorial": {
        "imports": "import librosa",
        "read": f"librosa.load(sys.argv[1], sr={SAMPLE_RATE})[0]",
        "call": f"librosa.feature.mfcc(y=y, sr={SAMPLE_RATE}, n_mfcc={N_MFCC}, n_fft={N_FFT}, hop_length={HOP}, n_mels={N_MELS})",
    },
    "mmdemo": {
        "imports": "from mmdemo.features import mfcc_frames",
        "read": "sf.read(sys.argv[1], dtype='float32')[0]",
        "call": f"mfcc_frames(clips=[y], sr={SAMPLE_RATE}, n_mfcc={N_MFCC})",
    },
}


def _fresh_process(path: Path, *, empty_numba_cache: bool) -> dict[str, dict]:
    """Seconds for imports and the first clip in a new interpreter, per path.

    With an empty numba cache, librosa compiles its vectorised helpers while
    its submodules load (on first use: ``import librosa`` itself is lazy).
    """
    root = Path(__file__).resolve().parents[1]
    out = {}
    for name, parts in _COLD_PATHS.items():
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "PYTHONPATH": str(root)}
            if empty_numba_cache:
                env["NUMBA_CACHE_DIR"] = cache
            proc = subprocess.run(
                [sys.executable, "-c", _COLD.format(**parts), str(path)],
                cwd=root, env=env, capture_output=True, text=True, check=True, timeout=600,
            )  # fmt: skip
            timing = json.loads(proc.stdout.strip().splitlines()[-1])
            compiled = sum(len(files) for _, _, files in os.walk(cache)) if empty_numba_cache else None
            out[name] = {**timing, "total": timing["import"] + timing["first_call"], "numba_cache_files": compiled}
    return out


def _manifest_paths() -> list[str]:
    with (AUDIO_DIR / "manifest.csv").open(newline="", encoding="utf-8") as fh:
        return [row["path"] for row in csv.DictReader(fh)]


def _verdict(ok: bool, missed: str) -> str:
    return "met" if ok else f"missed by {missed}"


def run(*, quick: bool) -> dict:
    """Time read + MFCC and MFCC alone for both paths; compare the features clip by clip."""
    names = _manifest_paths()
    if quick:
        names = names[:: max(1, len(names) // 50)][:50]  # every digit and engine, 50 clips
    paths = [AUDIO_DIR / n for n in names]
    repeat = 1 if quick else 3

    # The comparison doubles as the warm-up of both paths (imports, mel basis, caches).
    signals, clips = _tutorial_load(paths), read_clips(paths)
    agreement = compare_features(
        _tutorial_features(signals), mfcc_frames(clips=clips, sr=SAMPLE_RATE, n_mfcc=N_MFCC, trim_db=None)
    )
    _mmdemo_features(clips)

    seconds = _interleaved_medians(
        {
            ("tutorial", "end_to_end"): lambda: _tutorial_features(_tutorial_load(paths)),
            ("mmdemo", "end_to_end"): lambda: _mmdemo_features(read_clips(paths)),
            ("tutorial", "features"): lambda: _tutorial_features(signals),
            ("mmdemo", "features"): lambda: _mmdemo_features(clips),
            ("tutorial", "read"): lambda: _tutorial_load(paths),
            ("mmdemo", "read"): lambda: read_clips(paths),
        },
        repeat,
    )
    fresh = {"numba cache warm": _fresh_process(paths[0], empty_numba_cache=False)}
    if not quick:  # ~45 s per path on 2 busy cores
        fresh["empty numba cache"] = _fresh_process(paths[0], empty_numba_cache=True)

    steps = {"end_to_end": "read + MFCC (end to end)", "features": "MFCC only", "read": "read only"}
    rows = [
        _row(label, len(paths), seconds["tutorial", key], seconds["mmdemo", key]) for key, label in steps.items()
    ] + [
        _row(f"fresh process: imports + first clip ({cache})", 1, t["tutorial"]["total"], t["mmdemo"]["total"])
        for cache, t in fresh.items()
    ]

    diff, speedup = agreement["max_abs_difference"], rows[0]["mmdemo speed-up (x)"]
    worst_clip = names[agreement["worst_index"]]
    checks = [
        f"features agree: max |Δ| {diff:.1e} over c1–c12 of {len(paths)} clips, untrimmed (worst clip {worst_clip}; "
        f"relative {agreement['relative_difference']:.1e}; tolerance {TOLERANCE:.0e}): "
        + _verdict(diff <= TOLERANCE, f"{diff - TOLERANCE:.1e}"),
        f"c0 differs by a constant per clip (peak normalisation): spread over frames ≤ {agreement['c0_shift_spread']:.1e}",
        f"end to end (read + MFCC, {len(paths)} clips, median of {repeat}): mmdemo x{speedup:.1f} faster than the "
        f"tutorial loop (target ≥ {TARGET_SPEEDUP:.0f}x): "
        + _verdict(speedup >= TARGET_SPEEDUP, f"{TARGET_SPEEDUP - speedup:.1f}x"),
        f"MFCC step alone: x{rows[1]['mmdemo speed-up (x)']:.1f}; reading alone: x{rows[2]['mmdemo speed-up (x)']:.1f}",
    ]
    if "empty numba cache" in fresh:
        cold = fresh["empty numba cache"]
        checks.append(
            f"first use with an empty numba cache: {cold['tutorial']['total']:.0f} s (tutorial) and "
            f"{cold['mmdemo']['total']:.0f} s (mmdemo) before the first clip's features, vs "
            f"{fresh['numba cache warm']['mmdemo']['total']:.1f} s warm; numba cache files written: "
            f"{cold['tutorial']['numba_cache_files']} by librosa, {cold['mmdemo']['numba_cache_files']} by mmdemo "
            "(its spectra are NumPy/SciPy)"
        )
    return {
        "title": f"Audio features: batched MFCC vs the per-file librosa loop ({len(paths)} clips)",
        "rows": rows,
        "checks": checks,
        "n_clips": len(paths),
        "repeat": repeat,
        "tolerance": TOLERANCE,
        **agreement,
        "worst_clip": worst_clip,
        "features_agree": diff <= TOLERANCE,
        "speedup_end_to_end": speedup,
        "target_speedup": TARGET_SPEEDUP,
        "fresh_process": fresh,
    }


def _row(step: str, clips: int, tutorial: float, mmdemo: float) -> dict:
    return {
        "step": step,
        "clips": clips,
        "tutorial loop (s)": tutorial,
        "mmdemo batched (s)": mmdemo,
        "mmdemo speed-up (x)": tutorial / mmdemo,
    }
