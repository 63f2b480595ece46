"""The Cross-modal lab's figures on av-digits: every ordered pair of modalities, every shared-space method.

For each (query, target) and each method of `mmdemo.crossmodal.SHARED_SPACES`
on one seeded split: class-level mAP and precision@1 of the held-out queries
against the held-out targets (with the chance levels), and transfer accuracy
(a classifier trained on the query modality's projections, tested on the
target's) next to the target modality's own classifier in the shared space and
on its raw features.

Run: ``python tools/crossmodal_figures.py [--seed 0] [--test-size 0.25] [--pca-components 64]``
(about 30 s; prints a Markdown table).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmdemo.crossmodal import SHARED_SPACES  # noqa: E402
from mmdemo.datasets import load_dataset  # noqa: E402
from mmdemo.experiments.crossmodal import shared_space_experiment  # noqa: E402

COLUMNS = (
    "query -> target",
    "method",
    "mAP",
    "chance mAP",
    "P@1",
    "chance P",
    "transfer",
    "target own (space)",
    "target own (raw)",
    "corr 1 train/test",
)


def main(argv: list[str] | None = None) -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-size", type=float, default=0.25)
    parser.add_argument("--pca-components", type=int, default=64, help="as the lab's default")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    dataset, cache = load_dataset("av-digits"), {}
    print(
        f"av-digits, seed {args.seed}, {args.test_size:.0%} held out, pca_components {args.pca_components}, "
        "8 components, logreg"
    )
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for query, target in itertools.permutations(dataset.modalities, 2):
        for method in SHARED_SPACES:
            r = shared_space_experiment(
                dataset,
                query=query,
                target=target,
                method=method,
                test_size=args.test_size,
                seed=args.seed,
                feature_cache=cache,
                pca_components=args.pca_components,
            )
            rep, tr = r.retrieval, r.transfer
            cells = [
                f"{query} -> {target}",
                method,
                *(
                    f"{v:.3f}"
                    for v in (
                        rep["mean_average_precision"],
                        rep["chance_map"],
                        rep["precision_at_1"],
                        rep["chance_precision"],
                        tr["transfer_accuracy"],
                        tr["target_accuracy"],
                        tr["target_raw_accuracy"],
                    )
                ),
                f"{r.correlations[0]:.2f}/{r.test_correlations[0]:.2f}",
            ]
            print("| " + " | ".join(cells) + " |")
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
