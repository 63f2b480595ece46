"""Normalised AUC of accuracy vs corruption level, per fusion method and corrupted modality.

Trains every fusion method once on clean data (`mmdemo.experiments.robustness.RobustnessLab`),
then corrupts the held-out rows of each modality (and of all at once) at levels
0, 0.2, …, 1 with the default kind and with "missing", and prints Markdown tables
of the normalised AUC (1.0 = perfect at every level), plus the xor-shapes
accuracies of the ⊕ vs ⊗ lesson.

Run: ``python tools/robustness_figures.py [--dataset av-digits] [--classifier logreg] [--seed 0]``
(under a minute for av-digits).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmdemo.corrupt import DEFAULT_KIND  # noqa: E402
from mmdemo.datasets import load_dataset  # noqa: E402
from mmdemo.experiments.interactions import interaction_lesson  # noqa: E402
from mmdemo.experiments.robustness import RobustnessLab  # noqa: E402
from mmdemo.fusion import FUSIONS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="av-digits")
    parser.add_argument("--classifier", default="logreg")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    ds = load_dataset(args.dataset)
    lab = RobustnessLab(ds, fusions=list(FUSIONS), classifier=args.classifier, seed=args.seed).fit()
    for kind in ("default", "missing"):
        columns = [*ds.modalities, "all"]
        curves = {
            c: lab.curve(c, kinds={m: DEFAULT_KIND[m] if kind == "default" else kind for m in ds.modalities})
            for c in columns
        }
        first = curves[columns[0]]
        label = ", ".join(f"{m} {DEFAULT_KIND[m]}" for m in ds.modalities) if kind == "default" else "missing"
        print(
            f"\n{ds.name}, corruption: {label}; normalised AUC over levels {', '.join(f'{v:g}' for v in first.levels)}; "
            f"{args.classifier}, seed {args.seed}, {first.n_train} train / {first.n_test} held-out\n"
        )
        print("| method | " + " | ".join(f"{c} corrupted" for c in columns) + " |")
        print("|---|" + "---:|" * len(columns))
        for name in first.curves:
            print(f"| {name} | " + " | ".join(f"{curves[c].auc()[name]:.3f}" for c in columns) + " |")
    if args.dataset != "xor-shapes":
        lesson = interaction_lesson(load_dataset("xor-shapes"), classifier=args.classifier, seed=args.seed)
        r = lesson.results
        alone = ", ".join(f"{m} {a:.3f}" for m, a in r[0].per_modality.items())
        print(
            f"\nxor-shapes, seed {args.seed}, {r[0].n_test} held-out: alone {alone}; "
            + ", ".join(f"{x.fusion} {x.accuracy:.3f}" for x in r)
        )
        print("toy 2-D models: " + ", ".join(f"{k} {v:.3f}" for k, v in lesson.toy_accuracy.items()))
        print(f"interaction weights, singular values: {', '.join(f'{v:.2f}' for v in lesson.singular_values[:4])}")
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
