"""Train/test splits: stratified, seeded, with errors that name the classes too small to split.

Below the model and the experiments: everything that holds samples out uses this one splitter.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.model_selection import train_test_split

from mmdemo.errors import DatasetError, ParameterError

__all__ = ["split_indices"]


def split_indices(
    y: np.ndarray, *, test_size: float = 0.25, seed: int = 0, class_names: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Stratified train/test indices, deterministic given ``seed``.

    ``class_names`` (optional) lets the errors name the classes that are too small.

    Examples
    --------
    >>> tr, te = split_indices(np.repeat([0, 1], 8), test_size=0.25, seed=0)
    >>> len(tr), len(te)
    (12, 4)
    >>> split_indices(np.array([0, 0, 1]), class_names=["cat", "dog"])
    Traceback (most recent call last):
    ...
    mmdemo.errors.DatasetError: Every class needs at least 2 samples (one to train on, one to test); dog has only 1: add samples to it.
    """
    if not 0.05 <= test_size <= 0.9:
        raise ParameterError(
            "evaluate.bad_test_size", "test size must be between 0.05 and 0.9; got {test_size}.", test_size=test_size
        )
    y = np.asarray(y)
    counts = np.bincount(y)
    present = counts[counts > 0]
    names = list(class_names) if class_names is not None else [str(c) for c in range(len(counts))]
    if len(present) == 1:
        raise DatasetError(
            "evaluate.one_class",
            "Training needs at least two classes with samples; the data has only {name}.",
            name=names[int(np.argmax(counts))],
        )
    if len(present) < 2:
        raise DatasetError("evaluate.no_classes", "Training needs at least two classes with samples.")
    if present.min() < 2:
        small = [names[c] for c in np.flatnonzero(counts == 1)]
        if len(small) == 1:
            raise DatasetError(
                "evaluate.too_few_in_class",
                "Every class needs at least 2 samples (one to train on, one to test); "
                "{name} has only 1: add samples to it.",
                name=small[0],
            )
        raise DatasetError(
            "evaluate.too_few_per_class",
            "Every class needs at least 2 samples (one to train on, one to test); "
            "{classes} have only 1 each: add samples to them.",
            classes=small[:3] + (["…"] if len(small) > 3 else []),
        )
    n_test = max(int(round(test_size * len(y))), len(present))
    if len(y) - n_test < len(present):
        raise DatasetError(
            "evaluate.too_few_to_split",
            "{n_samples} samples are too few to split into training and test sets for {n_classes} classes.",
            n_samples=len(y),
            n_classes=len(present),
        )
    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=n_test, stratify=y, random_state=seed)
    return np.sort(tr), np.sort(te)
