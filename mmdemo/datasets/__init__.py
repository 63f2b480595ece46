"""Raw samples per modality with labels: bundled sets, folder and zip import/export, generators."""

from __future__ import annotations

from collections.abc import Callable

from mmdemo.datasets.archive import export_zip, load_zip
from mmdemo.datasets.av_digits import load_av_digits
from mmdemo.datasets.base import MODALITIES, MultimodalDataset
from mmdemo.datasets.folder import load_folder
from mmdemo.datasets.scenes import load_scenes
from mmdemo.datasets.xor_shapes import make_xor_shapes
from mmdemo.errors import DatasetError

__all__ = [
    "BUNDLED",
    "MODALITIES",
    "MultimodalDataset",
    "export_zip",
    "load_av_digits",
    "load_dataset",
    "load_folder",
    "load_scenes",
    "load_zip",
    "make_xor_shapes",
]

#: Bundled dataset name -> (loader, one-line summary). All work offline.
BUNDLED: dict[str, tuple[Callable[[], MultimodalDataset], str]] = {
    "av-digits": (load_av_digits, "digits 0-9: handwritten images, spoken words, text clues (paired by label)"),
    "xor-shapes": (make_xor_shapes, "circle/square x low/high tone; the class is their XOR (needs ⊗)"),
    "scenes": (load_scenes, "two coloured shapes, their own caption, the caption spoken (paired by instance)"),
}


def load_dataset(name: str) -> MultimodalDataset:
    """A bundled dataset by name.

    Examples
    --------
    >>> load_dataset("xor-shapes").class_names
    ['agree', 'differ']
    """
    if name not in BUNDLED:
        raise DatasetError(
            "datasets.unknown",
            "Unknown dataset {name!r}; bundled datasets are {names}.",
            name=name,
            names=list(BUNDLED),
        )
    return BUNDLED[name][0]()
