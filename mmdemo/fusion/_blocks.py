"""Column blocks: which columns of one feature matrix belong to which modality."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mmdemo.errors import ParameterError

Blocks = Mapping[str, tuple[int, int]]


def resolve_blocks(blocks: Blocks | None, n_features: int) -> list[tuple[str, int, int]]:
    """Validate ``blocks`` against ``n_features``; ``None`` means one block of every column.

    Examples
    --------
    >>> resolve_blocks({"image": (0, 64), "text": (64, 100)}, 100)
    [('image', 0, 64), ('text', 64, 100)]
    """
    if blocks is None:
        return [("all", 0, n_features)]
    out = []
    for name, (start, stop) in blocks.items():
        if not 0 <= start < stop <= n_features:
            raise ParameterError(f"Block {name!r} spans columns {start}..{stop} but X has {n_features} columns.")
        out.append((str(name), int(start), int(stop)))
    if not out:
        raise ParameterError("blocks is empty; give at least one modality's columns.")
    return out


def present_rows(Xb: np.ndarray) -> np.ndarray:
    """Rows of a block that hold a value: a missing modality is a row of NaN."""
    return ~np.isnan(Xb).all(axis=1)
