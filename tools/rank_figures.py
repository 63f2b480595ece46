"""The README's rank table: low-rank fusion (LMF) per rank on both bundled datasets, beside ⊕ and ⊗.

Held-out accuracy, trained weights and fit time of LMF at each rank of
`mmdemo.experiments.rank.RANKS` (seed 0, 25% held out), then early and tensor
fusion (logistic regression) on the same split. Prints Markdown.

Run: ``python tools/rank_figures.py`` (about half a minute).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmdemo.datasets import load_dataset  # noqa: E402
from mmdemo.experiments.rank import rank_curve  # noqa: E402

DATASETS = ("av-digits", "xor-shapes")


def main() -> None:
    curves = {name: rank_curve(load_dataset(name)) for name in DATASETS}
    header = " | ".join(f"{name}: accuracy / weights / fit" for name in DATASETS)
    print(f"| method | {header} |")
    print("| --- |" + " --- |" * len(DATASETS))
    first = curves[DATASETS[0]]
    for i, rank in enumerate(first.ranks):
        cells = [f"{c.accuracy[i]:.3f} / {c.n_parameters[i]:,} / {c.fit_seconds[i]:.2f} s" for c in curves.values()]
        print(f"| LMF rank {rank} | " + " | ".join(cells) + " |")
    for key, name in (("early", "early ⊕"), ("tensor", "tensor ⊗ (PCA to 8)")):
        cells = [
            f"{c.references[key]['accuracy']:.3f} / {c.references[key]['n_parameters']:,} / "
            f"{c.references[key]['fit_seconds']:.2f} s"
            for c in curves.values()
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    cells = [f"— / {c.full_tensor_parameters:,} / —" for c in curves.values()]
    print("| full ⊗ of LMF's vectors | " + " | ".join(cells) + " |")
    print()
    for name, c in curves.items():
        k = ", ".join(f"{m} {v}" for m, v in c.n_components.items())
        print(f"{name}: {c.n_train:,} training / {c.n_test:,} held-out samples, seed {c.seed}; LMF components: {k}")


if __name__ == "__main__":
    main()
