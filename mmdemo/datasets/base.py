"""The multimodal dataset container shared by every page, the CLI and the core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from mmdemo.errors import DatasetError, modality_word
from mmdemo.features.audio import SAMPLE_RATE
from mmdemo.registry import MODALITIES

__all__ = ["MODALITIES", "MultimodalDataset"]


@dataclass
class MultimodalDataset:
    """Labelled samples with zero or one raw value per modality.

    Raw values follow DESIGN.md: images are float32 arrays in [0, 1] of shape
    ``(H, W)`` or ``(H, W, 3)``; audio is float32 mono in [-1, 1] at
    ``sample_rate``; text is ``str``. A missing value is ``None``.

    Parameters
    ----------
    name : str
        Short identifier (``"av-digits"``).
    data : dict of str -> list
        Modality -> list of raw values (or ``None``), one per sample.
    y : ndarray of int, shape (n_samples,)
        Class index of each sample.
    class_names : list of str
        Name of each class index.
    sample_rate : int
        Sample rate of every audio value.
    pairing : {"instance", "label"}
        How the modalities of one sample were put together: recorded from one
        instance, or drawn at random from the same class (as in AV-MNIST).
    description : str
        One paragraph for the UI.
    sample_ids : list of str, optional
        A readable identifier per sample (file stem, source index).
    features : dict of str -> str, optional
        Recommended feature kind per modality when it differs from the default
        (xor-shapes' steady tones need pooled MFCCs: per-clip normalisation of
        frames would erase the pitch).

    Examples
    --------
    >>> ds = MultimodalDataset("toy", {"text": ["one", "two"]}, np.array([0, 1]), ["1", "2"])
    >>> ds.n_samples, ds.modalities
    (2, ['text'])
    """

    name: str
    data: dict[str, list[Any]]
    y: np.ndarray
    class_names: list[str]
    sample_rate: int = SAMPLE_RATE
    pairing: Literal["instance", "label"] = "instance"
    description: str = ""
    sample_ids: list[str] = field(default_factory=list)
    features: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.y = np.asarray(self.y, dtype=int)
        n = len(self.y)
        for mod, values in self.data.items():
            MODALITIES.check(mod, error=DatasetError)
            if len(values) != n:
                raise DatasetError(
                    "base.length_mismatch",
                    "Modality {modality!r} has {n_values} values for {n_labels} labels.",
                    modality=modality_word(mod),
                    n_values=len(values),
                    n_labels=n,
                )
        if not self.sample_ids:
            self.sample_ids = [f"{self.name}#{i}" for i in range(n)]

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return len(self.y)

    @property
    def n_classes(self) -> int:
        """Number of class names."""
        return len(self.class_names)

    @property
    def modalities(self) -> list[str]:
        """Modalities that have at least one value, in the canonical order."""
        return [m for m in MODALITIES if m in self.data and any(v is not None for v in self.data[m])]

    def present(self, modality: str) -> np.ndarray:
        """Boolean mask of the samples that have a value for ``modality``."""
        values = self.data.get(modality, [None] * self.n_samples)
        return np.array([v is not None for v in values], dtype=bool)

    def value(self, modality: str, index: int) -> Any:
        """The raw value of one sample for ``modality``, or None when it is missing."""
        values = self.data.get(modality)
        return None if values is None else values[index]

    def labels(self) -> list[str]:
        """Class name of every sample."""
        return [self.class_names[i] for i in self.y]

    def subset(self, indices: Sequence[int] | np.ndarray) -> MultimodalDataset:
        """A new dataset holding the samples at ``indices`` (raw values are shared, not copied)."""
        idx = np.asarray(indices, dtype=int)
        return MultimodalDataset(
            name=self.name,
            data={m: [v[i] for i in idx] for m, v in self.data.items()},
            y=self.y[idx],
            class_names=list(self.class_names),
            sample_rate=self.sample_rate,
            pairing=self.pairing,
            description=self.description,
            sample_ids=[self.sample_ids[i] for i in idx],
            features=dict(self.features),
        )

    def counts(self) -> dict[str, dict[str, int]]:
        """Class name -> modality -> number of present values (for count tables)."""
        out: dict[str, dict[str, int]] = {}
        for c, cname in enumerate(self.class_names):
            mask = self.y == c
            out[cname] = {m: int(self.present(m)[mask].sum()) for m in self.modalities}
        return out

    def require_modalities(self, modalities: Sequence[str]) -> None:
        """Raise `DatasetError` naming any requested modality this dataset lacks."""
        missing = [m for m in modalities if m not in self.modalities]
        if missing and not self.modalities:
            raise DatasetError(
                "base.no_modalities",
                "Dataset {name!r} has no {missing} samples; it has no modalities.",
                name=self.name,
                missing=[modality_word(m) for m in missing],
            )
        if missing:
            raise DatasetError(
                "base.missing_modalities",
                "Dataset {name!r} has no {missing} samples; it has {available}.",
                name=self.name,
                missing=[modality_word(m) for m in missing],
                available=[modality_word(m) for m in self.modalities],
            )
