"""Benchmarks of mmdemo: speed and memory as ratios against baselines measured in the same run.

Run them all with ``python -m benchmarks`` (``--quick`` for a tiny size, as the
test suite does; ``--only NAME,...`` for some). Each module holds one benchmark
with ``run(*, quick: bool) -> dict``: ``title``, ``rows`` (the table),
``checks`` (one line per target: what was measured against what, and whether
the target is met) and anything else worth keeping in its JSON.
"""
