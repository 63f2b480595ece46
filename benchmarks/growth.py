"""Time and memory of feature extraction and training as xor-shapes grows from 1k to 100k samples.

Samples are generated and featurized in chunks of 5k with the model's own
`MultimodalModel.fit_features`; only the feature rows are kept, so the raw
audio of 100k clips (~1 GB) is never in memory at once. The three fusions are
then trained on the matrix under one BLAS thread, as `MultimodalModel.fit` does.
The linearity ratio is the time per sample at a size over the time per sample
at the smallest size: 1 means linear growth.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks.common import rss_mb
from mmdemo.classifiers import make_classifier
from mmdemo.datasets import make_xor_shapes
from mmdemo.fusion import make_fusion_model
from mmdemo.model import MultimodalModel

__all__ = ["run", "featurize_in_chunks", "train_fusions"]

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (200, 1_000)
CHUNK = 5_000
FUSIONS = ("early", "late", "tensor")
#: Time per sample at the largest size over the smallest may grow this much and still count as linear.
TARGET_LINEARITY = 1.3
SEED = 0


def featurize_in_chunks(n: int, *, seed: int = SEED, chunk: int = CHUNK) -> dict:
    """Feature matrix of ``n`` xor-shapes samples, made ``chunk`` samples at a time.

    Rows land at seeded random positions, so the first 75% of the rows are a
    random training split and the rest a held-out split, both views (no copy).

    Returns
    -------
    dict with X (ndarray, shape=(n, n_features)), y, blocks, seconds for
    generating and for features, raw MB generated, and the largest RSS seen.
    """
    rng = np.random.default_rng(seed)
    position = rng.permutation(n)
    X = y = blocks = None
    generate_s = features_s = raw_mb = rss_peak = 0.0
    for index, start in enumerate(range(0, n, chunk)):
        size = min(chunk, n - start)
        t0 = time.perf_counter()
        ds = make_xor_shapes(size, seed=seed * 100_003 + index)
        t1 = time.perf_counter()
        model = MultimodalModel(ds.modalities)
        F = model.fit_features(ds, np.arange(size))
        features_s += time.perf_counter() - t1
        generate_s += t1 - t0
        raw_mb += sum(v.nbytes for values in ds.data.values() for v in values) / 2**20
        if X is None:
            X, y, blocks = np.empty((n, F.shape[1])), np.empty(n, dtype=int), dict(model.blocks_)
        rows = position[start : start + size]
        X[rows], y[rows] = F, ds.y
        rss_peak = max(rss_peak, rss_mb())  # the raw chunk is still alive here: the per-chunk peak
        del ds, F, model
    return {
        "X": X,
        "y": y,
        "blocks": blocks,
        "generate_s": generate_s,
        "features_s": features_s,
        "raw_mb": raw_mb,
        "rss_mb": rss_peak,
    }


def train_fusions(X: np.ndarray, y: np.ndarray, blocks: dict, *, seed: int = SEED) -> dict[str, dict]:
    """Fit each fusion with logistic regression on the first 75% of rows; seconds and held-out accuracy."""
    cut = int(0.75 * len(y))
    out = {}
    for fusion in FUSIONS:
        estimator = make_fusion_model(fusion, make_classifier("logreg", random_state=seed), blocks, random_state=seed)
        start = time.perf_counter()
        estimator.fit(X[:cut], y[:cut])
        out[fusion] = {"seconds": time.perf_counter() - start, "accuracy": float(estimator.score(X[cut:], y[cut:]))}
    return out


def _measure(n: int, repeat: int) -> dict:
    """Median seconds over ``repeat`` runs of generate + featurize + train at size ``n``; largest RSS."""
    runs = []
    for _ in range(repeat):
        feats = featurize_in_chunks(n)
        fits = train_fusions(feats["X"], feats["y"], feats["blocks"])
        runs.append({**{k: v for k, v in feats.items() if k not in ("X", "y", "blocks")}, "fits": fits})
        matrix_mb = feats["X"].nbytes / 2**20
        del feats
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    fit_s = {f: statistics.median(r["fits"][f]["seconds"] for r in runs) for f in FUSIONS}
    return {
        "samples": n,
        "repeat": repeat,
        "generate_s": med("generate_s"),
        "features_s": med("features_s"),
        "fit_s": fit_s,
        "total_s": med("features_s") + sum(fit_s.values()),
        "accuracy": {f: runs[-1]["fits"][f]["accuracy"] for f in FUSIONS},
        "rss_mb": max(r["rss_mb"] for r in runs),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KB on Linux
        "matrix_mb": matrix_mb,
        "raw_mb": runs[-1]["raw_mb"],
    }


def _mem_total_mb() -> float:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    return next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:")) / 1024


def _notes(first: dict, last: dict) -> str:
    """Where one machine stops being enough, projected linearly from the two ends of the run."""
    per_sample = last["total_s"] / last["samples"]
    mb_per_sample = (last["max_rss_mb"] - first["max_rss_mb"]) / (last["samples"] - first["samples"])
    matrix_per_sample = last["matrix_mb"] / last["samples"]
    ram = _mem_total_mb()
    fits_in_ram = ram / mb_per_sample if mb_per_sample > 0 else float("inf")
    minute = 60 / per_sample
    return (
        f"At {last['samples']:,} samples: features {last['features_s']:.0f} s + training "
        f"{sum(last['fit_s'].values()):.0f} s (3 fusions) on {os.cpu_count()} cores, plus {last['generate_s']:.0f} s to "
        f"generate the raw samples. Projected linearly to 1M: ~{1e6 * per_sample / 60:.0f} min of features + training "
        f"(~{1e6 * (per_sample + last['generate_s'] / last['samples']) / 60:.0f} min with generation), a "
        f"{1e6 * matrix_per_sample / 1024:.1f} GB float64 feature matrix and ~{1e6 * mb_per_sample / 1024:.1f} GB peak "
        f"memory with training copies. This machine has {ram / 1024:.0f} GB of RAM, so memory runs out near "
        f"{fits_in_ram / 1e6:.1f}M samples. Time is the first limit for interactive use: past ~{minute / 1e3:,.0f}k "
        f"samples, featurizing and fitting the three fusions takes over a minute. Beyond that: keep the features as "
        f"float32, train with partial_fit (SGDClassifier) over the chunks, or spread the chunks over processes or "
        f"machines."
    )


def run(*, quick: bool) -> dict:
    """Measure every size; rows, checks and a note on where one machine stops being enough."""
    sizes = QUICK_SIZES if quick else SIZES
    with threadpool_limits(limits=1, user_api="blas"):
        _measure(200, 1)  # warm-up: imports, mel basis, first BLAS calls
        results = [_measure(n, 1 if quick or n > 10_000 else 3) for n in sizes]
    first, last = results[0], results[-1]
    base = first["total_s"] / first["samples"]
    rows = []
    for r in results:
        per_sample = r["total_s"] / r["samples"]
        rows.append(
            {
                "samples": r["samples"],
                "generate (s)": r["generate_s"],
                "features (s)": r["features_s"],
                **{f"fit {f} (s)": r["fit_s"][f] for f in FUSIONS},
                "features + fits (s)": r["total_s"],
                "s per 1k": 1000 * per_sample,
                "linearity (x)": per_sample / base,
                "held-out acc " + "/".join(FUSIONS): "/".join(f"{r['accuracy'][f]:.2f}" for f in FUSIONS),
                "RSS featurizing (MB)": r["rss_mb"],
                "peak RSS (MB)": r["max_rss_mb"],
                "matrix (MB)": r["matrix_mb"],
                "raw (MB)": r["raw_mb"],
            }
        )
    ratio = rows[-1]["linearity (x)"]
    parts = {
        "features": (last["features_s"] / last["samples"]) / (first["features_s"] / first["samples"]),
        **{
            f: (last["fit_s"][f] / last["samples"]) / (first["fit_s"][f] / first["samples"])
            for f in FUSIONS
            if first["fit_s"][f] > 0
        },
    }
    growth = last["rss_mb"] - first["rss_mb"]
    raw_chunk_mb = last["raw_mb"] * min(CHUNK, last["samples"]) / last["samples"]
    allowed = last["matrix_mb"] - first["matrix_mb"] + 2 * raw_chunk_mb
    span = f"{first['samples'] // 1000 or first['samples']}{'k' if first['samples'] >= 1000 else ''}"
    span += f"→{last['samples'] // 1000}k"
    checks = [
        f"growth {span}: time per sample x{ratio:.2f} (features + 3 fits; target ≤ ~{TARGET_LINEARITY} = no worse "
        f"than linear): " + ("met" if ratio <= TARGET_LINEARITY else f"missed by {ratio - TARGET_LINEARITY:.2f}"),
        f"time per sample {span} by part: " + ", ".join(f"{k} x{v:.2f}" for k, v in parts.items()),
        f"peak RSS while featurizing {last['samples']:,}: {last['rss_mb']:.0f} MB vs {first['samples']:,}: "
        f"{first['rss_mb']:.0f} MB; growth {growth:.0f} MB vs the {last['matrix_mb']:.0f} MB feature matrix + 2 raw "
        f"chunks ({2 * raw_chunk_mb:.0f} MB), not the {last['raw_mb']:.0f} MB of raw samples (bounded: chunks of "
        f"{CHUNK // 1000}k): " + ("met" if growth <= allowed else f"missed by {growth - allowed:.0f} MB"),
        f"peak RSS with training (ru_maxrss) at {last['samples']:,}: {last['max_rss_mb']:.0f} MB",
        f"held-out accuracy at {last['samples']:,}: "
        + ", ".join(f"{f} {last['accuracy'][f]:.2f}" for f in FUSIONS)
        + " (xor: early and late stay near chance by design, tensor solves it)",
    ]
    return {
        "title": f"Growth: features + training time and memory, xor-shapes {span} (chunks of {CHUNK:,})",
        "rows": rows,
        "checks": checks,
        "notes": _notes(first, last),
        "sizes": list(sizes),
        "chunk": CHUNK,
        "linearity": ratio,
        "linearity_parts": parts,
        "target_linearity": TARGET_LINEARITY,
        "measurements": results,
    }
