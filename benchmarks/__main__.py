"""``python -m benchmarks [--quick] [--only NAME,...] [--out DIR]``: run, print tables, write JSON."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import RESULTS, markdown_table, write_result  # noqa: E402

#: Benchmark modules, in the order they run (the cheap ones first).
BENCHMARKS = ("audio_features", "retrain", "contrastive", "growth", "startup", "memory", "load")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that everything runs")
    parser.add_argument("--only", default="", help=f"comma-separated, from {','.join(BENCHMARKS)}")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON files go")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    for name in names:
        start = time.perf_counter()
        result = importlib.import_module(f"benchmarks.{name}").run(quick=args.quick)
        result["wall_seconds"] = round(time.perf_counter() - start, 1)
        print(f"\n## {result['title']}\n")
        print(markdown_table(result["rows"], result.get("columns")))
        for line in result.get("checks", []):
            print(f"- {line}")
        path = write_result(name, {"quick": args.quick, **result}, directory=args.out)
        print(f"\n({result['wall_seconds']} s; {path})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
