"""Accuracy with modalities missing at test time, per fusion method and missing-modality strategy.

Trains every fusion method once on the split (all modalities present), then
blanks out each modality (and each pair, for 3 modalities) on the held-out
rows and scores each strategy of `mmdemo.fusion.missing.MISSING_STRATEGIES`
with `mmdemo.experiments.evaluate.missing_modality_report`. Prints a Markdown table, and
the unimodal models on the same split for comparison.

Run: ``python tools/missing_figures.py [--dataset av-digits] [--classifier logreg] [--seed 0]``
(about a minute for av-digits).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmdemo.datasets import load_dataset  # noqa: E402
from mmdemo.experiments.evaluate import missing_modality_report  # noqa: E402
from mmdemo.fusion.missing import MISSING_STRATEGIES  # noqa: E402


def _markdown(header: list[str], body: list[list[str]], n_text: int) -> str:
    """A Markdown table; the first ``n_text`` columns left-aligned, the rest (numbers) right-aligned."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * n_text + "---:|" * (len(header) - n_text)]
    return "\n".join(lines + ["| " + " | ".join(cells) + " |" for cells in body])


def markdown_table(rows: list[dict]) -> str:
    """One line per (fusion, missing set), one column per strategy; the row with nothing missing first."""
    strategies = list(MISSING_STRATEGIES)
    cells: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in rows:
        if r["fusion"] == "single":
            continue
        acc = "-" if r["accuracy"] is None else f"{r['accuracy']:.3f}"
        # Nothing missing: every strategy is the fused model itself.
        update = dict.fromkeys(strategies, acc) if r["strategy"] == "none" else {r["strategy"]: acc}
        cells.setdefault((r["fusion"], r["missing"], r["present"]), {}).update(update)
    body = [[*key, *(by.get(s, "") for s in strategies)] for key, by in cells.items()]
    return _markdown(["fusion", "missing", "present", *strategies], body, 3)


def summary_table(rows: list[dict]) -> str:
    """Mean accuracy per fusion and strategy over the missing sets of each size (1 missing, 2 missing)."""
    strategies = list(MISSING_STRATEGIES)
    scores: dict[tuple[str, int], dict[str, list[float]]] = {}
    for r in rows:
        if r["fusion"] != "single" and r["strategy"] != "none" and r["accuracy"] is not None:
            key = (r["fusion"], r["missing"].count("+") + 1)
            scores.setdefault(key, {}).setdefault(r["strategy"], []).append(r["accuracy"])
    body = [
        [fusion, str(k), *(f"{np.mean(by[s]):.3f}" if s in by else "" for s in strategies)]
        for (fusion, k), by in scores.items()
    ]
    return _markdown(["fusion", "n missing", *strategies], body, 2)


def one_modality_table(rows: list[dict]) -> str:
    """Train with every modality, predict from one: one line per fusion (its own rule for a gap), one column per
    modality given; the unimodal models (trained on that modality alone) last, for comparison."""
    single = {r["present"]: r["accuracy"] for r in rows if r["fusion"] == "single"}
    mods = list(single)
    given: dict[str, dict[str, float]] = {}
    for r in rows:
        alone = r["fusion"] != "single" and r["strategy"] == "fusion default" and r["present"] in single
        if alone and r["accuracy"] is not None:
            given.setdefault(r["fusion"], {})[r["present"]] = r["accuracy"]
    body = [[fusion, *(f"{by[m]:.3f}" if m in by else "" for m in mods)] for fusion, by in given.items()]
    body.append(["(trained on it alone)", *(f"{single[m]:.3f}" for m in mods)])
    return _markdown(["fusion", *(f"{m} alone" for m in mods)], body, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="av-digits")
    parser.add_argument("--classifier", default="logreg")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-size", type=float, default=0.25)
    args = parser.parse_args()
    start = time.perf_counter()
    rows = missing_modality_report(
        load_dataset(args.dataset), classifier=args.classifier, test_size=args.test_size, seed=args.seed
    )
    n_test = rows[0]["n_test"]
    print(f"{args.dataset}, {args.classifier}, seed {args.seed}, {n_test} held-out samples (accuracy)\n")
    print(markdown_table(rows))
    print("\nMean over the modalities (or pairs) left out:\n")
    print(summary_table(rows))
    print("\nTrained with every modality, given one (each method's own rule for the gap, `fusion default`):\n")
    print(one_modality_table(rows))
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
