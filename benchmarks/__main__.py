"""``python -m benchmarks [--quick] [--only NAME,...] [--out DIR] [--readme]``: run, print tables, write JSON.

``--readme`` runs nothing: it rewrites the README's benchmark blocks from the JSON in ``--out``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import readme  # noqa: E402
from benchmarks.common import RESULTS, write_result  # noqa: E402

#: Benchmark modules, in the order they run (the cheap ones first).
BENCHMARKS = ("audio_features", "retrain", "contrastive", "growth", "startup", "memory", "load")


def rewrite_readme(path: Path, results_dir: Path) -> int:
    """Rewrite the benchmark blocks of the README at ``path`` from ``results_dir``; print which changed."""
    before = path.read_text()
    try:
        after = readme.update(before, results_dir)
    except (FileNotFoundError, ValueError) as exc:
        print(f"python -m benchmarks --readme: {exc}", file=sys.stderr)
        return 2
    old, new = readme.blocks(before), readme.blocks(after)
    changed = [name for name in new if old[name] != new[name]]
    if after != before:
        path.write_text(after)
    print(f"{path}: {'changed ' + ', '.join(changed) if changed else 'no block changed'} (of {len(new)} blocks)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that everything runs")
    parser.add_argument("--only", default="", help=f"comma-separated, from {','.join(BENCHMARKS)}")
    parser.add_argument(
        "--out", type=Path, help=f"where the JSON files go (default {RESULTS}; with --quick, its quick/ folder)"
    )
    parser.add_argument("--readme", action="store_true", help="run nothing: rewrite the README's tables from --out")
    parser.add_argument("--readme-file", type=Path, default=readme.README, help="the README --readme rewrites")
    args = parser.parse_args(argv)
    if args.readme:
        if args.quick or args.only:
            parser.error("--readme runs nothing: it takes no --quick or --only")
        return rewrite_readme(args.readme_file, args.out or RESULTS)
    # A quick run never lands beside the committed full-run JSON the README is generated from.
    out = args.out or (RESULTS / "quick" if args.quick else RESULTS)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    for name in names:
        start = time.perf_counter()
        result = importlib.import_module(f"benchmarks.{name}").run(quick=args.quick)
        result["wall_seconds"] = round(time.perf_counter() - start, 1)
        path = write_result(name, {"quick": args.quick, **result}, directory=out)
        # Printed from the JSON just written, so the terminal shows exactly what the README would.
        print(f"\n{readme.render(json.loads(path.read_text()))}\n\n({path})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
