"""Interactive retrain: with features cached, train + evaluate each fusion method, and `compare` over all.

This is what a Train click does on av-digits once the caches are warm:
`train_and_evaluate` (the fused model and one model per modality, scored on
the held-out split). The baseline is what a notebook would do with the same
cached features: one `LogisticRegression` on the standardised concatenation.
Targets (issue 6): median under 0.5 s per method, `compare` under 5 s.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from benchmarks.common import median_seconds
from mmdemo.datasets import load_dataset, make_xor_shapes
from mmdemo.experiments.evaluate import compare, train_and_evaluate
from mmdemo.fusion import FUSIONS
from mmdemo.model import featurize_dataset
from mmdemo.splits import split_indices

PER_METHOD_TARGET, COMPARE_TARGET = 0.5, 5.0


def run(*, quick: bool) -> dict:
    ds = make_xor_shapes(200) if quick else load_dataset("av-digits")
    repeat = 1 if quick else 5
    cache: dict = {}
    compare(ds, feature_cache=cache)  # warm: image/audio features and the split's text features
    X, _ = featurize_dataset(ds, ds.modalities, feature_cache=cache)
    train, test = split_indices(ds.y, seed=0)

    def baseline() -> float:
        clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X[train], ds.y[train])
        return clf.score(X[test], ds.y[test])

    base = median_seconds(baseline, repeat=repeat)
    rows = [{"what": "baseline: LogisticRegression on the concatenation", "median s": base, "x baseline": 1.0}]
    per_method = {}
    for fusion in FUSIONS:
        t = median_seconds(
            lambda fusion=fusion: train_and_evaluate(ds, fusion=fusion, feature_cache=cache, fit_missing=False),
            repeat=repeat,
        )
        per_method[fusion] = t
        rows.append({"what": f"Train: {fusion}", "median s": t, "x baseline": t / base})
    t_compare = median_seconds(lambda: compare(ds, feature_cache=cache), repeat=max(1, repeat // 2))
    rows.append({"what": "compare: every method", "median s": t_compare, "x baseline": t_compare / base})
    slowest = max(per_method, key=per_method.get)
    median_method = float(np.median(list(per_method.values())))

    def verdict(value: float, target: float) -> str:
        return "met" if value < target else f"missed by {value - target:.2f} s"

    checks = [
        f"median over methods {median_method:.2f} s per Train (target < {PER_METHOD_TARGET} s): "
        f"{verdict(median_method, PER_METHOD_TARGET)}; slowest {slowest} {per_method[slowest]:.2f} s",
        f"compare over {len(FUSIONS)} methods {t_compare:.2f} s (target < {COMPARE_TARGET} s): "
        f"{verdict(t_compare, COMPARE_TARGET)}",
    ]
    return {
        "title": f"Interactive retrain on {ds.name} (logreg, features cached, median of {repeat})",
        "rows": rows,
        "checks": checks,
        "per_method_seconds": per_method,
        "compare_seconds": t_compare,
        "baseline_seconds": base,
    }
