"""Column blocks: which columns of one feature matrix belong to which modality."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mmdemo.errors import Message, ParameterError

Blocks = Mapping[str, tuple[int, int]]

#: What early and tensor fusion do with a missing modality, in words (``missing_strategy``).
MEAN_IMPUTATION = Message("fusion.mean_imputation", "mean imputation")


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
            raise ParameterError(
                "fusion.bad_block",
                "Block {name!r} spans columns {start}..{stop} but X has {n_features} columns.",
                name=name,
                start=start,
                stop=stop,
                n_features=n_features,
            )
        out.append((str(name), int(start), int(stop)))
    if not out:
        raise ParameterError("fusion.no_blocks", "blocks is empty; give at least one modality's columns.")
    return out


def present_rows(Xb: np.ndarray) -> np.ndarray:
    """Rows of a block that hold a value: a missing modality is a row of NaN.

    Examples
    --------
    >>> present_rows(np.array([[1.0, 2.0], [np.nan, np.nan], [np.nan, 3.0]]))
    array([ True, False,  True])
    """
    return ~np.isnan(Xb).all(axis=1)
