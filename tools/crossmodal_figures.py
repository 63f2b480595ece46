"""The Cross-modal lab's figures: retrieval on av-digits and on scenes, and cross-modal imagination.

1. av-digits (paired by label): for each (query, target) and each method of
   `mmdemo.crossmodal.SHARED_SPACES` on one seeded split, class-level mAP and
   precision@1 of the held-out queries against the held-out targets (with the
   chance levels), and transfer accuracy (a classifier trained on the query
   modality's projections, tested on the target's) next to the target
   modality's own classifier in the shared space and on its raw features.
2. scenes (paired by instance), ``--scenes-test-size`` (20%) held out: image <->
   text and image <-> audio, every method: instance Recall@1/10 and median rank
   of each picture's own caption / recording, with chance (k / n, (n + 1) / 2).
3. Imagination (`mmdemo.experiments.imagine`): the share of held-out queries
   whose imagined picture the image classifier reads as the query's class, per
   dataset, query and method; on scenes the attributes read too; and on the 30
   held-out espeak-ng recordings in a noisy room (tests/data/heldout/speech).

Run: ``python tools/crossmodal_figures.py [--seed 0] [--test-size 0.25] [--pca-components 64] [--only av,scenes,imagine]``
(about 5 minutes; prints Markdown tables).
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
    parser.add_argument("--scenes-test-size", type=float, default=0.2)
    parser.add_argument("--only", default="av,scenes,imagine")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    parts = args.only.split(",")
    if "av" in parts:
        av_digits_table(args)
    if "scenes" in parts:
        scenes_table(args)
    if "imagine" in parts:
        imagination_tables(args)
    print(f"({time.perf_counter() - start:.0f} s)")


def av_digits_table(args: argparse.Namespace) -> None:
    """Class-level retrieval and transfer on av-digits, every ordered pair and method."""
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


def scenes_table(args: argparse.Namespace) -> None:
    """Instance-level retrieval on scenes: each picture's own caption and recording, and back."""
    dataset, cache = load_dataset("scenes"), {}
    print(f"\nscenes, seed {args.seed}, {args.scenes_test_size:.0%} held out (instance pairs)")
    print("| query -> target | method | R@1 | R@10 | median rank | chance R@10 | chance median rank |")
    print("|---|---|---|---|---|---|---|")
    for query, target in (("image", "text"), ("text", "image"), ("image", "audio"), ("audio", "image")):
        for method in SHARED_SPACES:
            rep = shared_space_experiment(
                dataset,
                query=query,
                target=target,
                method=method,
                test_size=args.scenes_test_size,
                seed=args.seed,
                feature_cache=cache,
                pca_components=args.pca_components,
            ).retrieval
            print(
                f"| {query} -> {target} | {method} | {rep['recall_at_1']:.3f} | {rep['recall_at_10']:.3f} | "
                f"{rep['median_rank']:g} | {rep['chance_recall_at_10']:.3f} | {rep['chance_median_rank']:g} |"
            )


def imagination_tables(args: argparse.Namespace) -> None:
    """How often an imagined picture shows the query's class (and, on scenes, its attributes)."""
    import numpy as np
    import soundfile as sf

    from mmdemo.experiments.imagine import imagination_experiment, imagine

    print(f"\nimagination, seed {args.seed}, {args.test_size:.0%} held out: imagined picture read as the query's class")
    print("| dataset | query -> image | method | read as the query's class | chance | real pictures | attributes |")
    print("|---|---|---|---|---|---|---|")
    spoken = None  # av-digits audio -> image through CCA: read again on the held-out voices
    for name in ("av-digits", "scenes"):
        dataset, cache = load_dataset(name), {}
        for query in ("audio", "text"):
            for method in ("cca", "pls", "contrastive"):
                out = imagination_experiment(
                    dataset, query=query, method=method, test_size=args.test_size, seed=args.seed, feature_cache=cache
                )
                attributes = ", ".join(
                    f"{k} {d['accuracy']:.2f} (real {d['real']:.2f}, chance {d['chance']:.2f})"
                    for k, d in out.attributes.items()
                )
                print(
                    f"| {name} | {query} -> image | {method} | {out.accuracy:.3f} | {out.chance:.3f} | "
                    f"{out.real_accuracy:.3f} | {attributes or '-'} |"
                )
                if name == "av-digits" and query == "audio" and method == "cca":
                    spoken = out
    out, reader = spoken, spoken.reader
    describe = out.result.feature_model.featurizers_["image"].describe
    heldout = sorted((Path(__file__).resolve().parents[1] / "tests" / "data" / "heldout" / "speech").glob("*/*.flac"))
    right = 0
    for path in heldout:
        y, sr = sf.read(path, dtype="float32")
        picture = imagine(out, (y, sr))
        right += int(np.argmax(reader.proba_from_features(describe([picture]))[0]) == int(path.parent.name))
    print(
        f"\nheld-out voices (espeak-ng in a noisy room, {len(heldout)} recordings): imagined picture (CCA, audio -> "
        f"image) read as the spoken digit {right}/{len(heldout)} = {right / len(heldout):.3f}"
    )


if __name__ == "__main__":
    main()
