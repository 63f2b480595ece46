"""Build a dataset sample by sample (the "Your own dataset" page, or a script).

Functions return a new `MultimodalDataset` and never change the one given, so
a page can keep the previous state if a step fails.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import numpy as np

from mmdemo.datasets.base import MODALITIES, MultimodalDataset
from mmdemo.datasets.layout import build_dataset, plan_layout
from mmdemo.errors import DatasetError, Message, modality_word
from mmdemo.features.audio import SAMPLE_RATE, prepare_audio

__all__ = [
    "MAX_CLASSES",
    "MAX_SAMPLES",
    "check_class_name",
    "empty_dataset",
    "add_class",
    "add_sample",
    "remove_sample",
]

MAX_CLASSES = 50
MAX_SAMPLES = 5_000


def empty_dataset(name: str = "my-dataset", *, sample_rate: int = SAMPLE_RATE) -> MultimodalDataset:
    """A dataset with no classes and no samples.

    Examples
    --------
    >>> empty_dataset().n_samples
    0
    """
    return MultimodalDataset(
        name=name,
        data={m: [] for m in MODALITIES},
        y=np.zeros(0, dtype=int),
        class_names=[],
        sample_rate=sample_rate,
        pairing="instance",
        description=Message("builder.description", "Built in the app from uploads and recordings."),
    )


def check_class_name(name: str) -> str:
    """``name`` stripped, if it can name a class (and its folder in an exported zip), else `DatasetError`.

    Examples
    --------
    >>> check_class_name(" cat ")
    'cat'
    """
    name = str(name).strip()
    if not name:
        raise DatasetError("builder.no_name", "A class needs a name; type one, e.g. 'cat' or '7'.")
    if len(name) > 40 or any(c in name for c in '/\\:*?"<>|') or name in {".", ".."}:
        raise DatasetError(
            "builder.bad_name",
            'Class name {name!r} is not allowed: use up to {max_chars} characters, without / \\ : * ? " < > |.',
            name=name,
            max_chars=40,
        )
    return name


def add_class(dataset: MultimodalDataset, name: str) -> MultimodalDataset:
    """A copy with one more (empty) class.

    Examples
    --------
    >>> add_class(empty_dataset(), "cat").class_names
    ['cat']
    """
    name = check_class_name(name)
    if name in dataset.class_names:
        raise DatasetError("builder.class_exists", "There is already a class called {name!r}.", name=name)
    if len(dataset.class_names) >= MAX_CLASSES:
        raise DatasetError(
            "builder.too_many_classes", "A dataset can have up to {max_classes} classes.", max_classes=MAX_CLASSES
        )
    out = dataset.subset(np.arange(dataset.n_samples))
    out.class_names = [*dataset.class_names, name]
    return out


def add_sample(
    dataset: MultimodalDataset, class_name: str, *, sample_id: str | None = None, **values: Any
) -> MultimodalDataset:
    """A copy with one more sample of ``class_name`` (created if new); give at least one modality.

    Values are raw samples (see `mmdemo.io` to decode files); audio may be a
    ``(samples, rate)`` recording at any rate, brought to the dataset's rate,
    mixed down and trimmed (`mmdemo.features.prepare_audio`).

    Examples
    --------
    >>> ds = add_sample(empty_dataset(), "cat", text="meow")
    >>> ds.n_samples, ds.modalities
    (1, ['text'])
    >>> beep = (np.sin(np.arange(8000) / 3.0), 8000)
    >>> len(add_sample(ds, "cat", audio=beep).value("audio", 1)) == ds.sample_rate  # one second at the dataset's rate
    True
    """
    if isinstance(values.get("audio"), tuple):
        y, rate = values["audio"]
        values["audio"] = prepare_audio(np.asarray(y), sr=int(rate), target_sr=dataset.sample_rate)
    for m in values:
        MODALITIES.check(m, error=DatasetError)
    if all(v is None for v in values.values()):
        raise DatasetError(
            "builder.empty_sample",
            "A sample needs at least one of: {modalities}.",
            modalities=[modality_word(m) for m in MODALITIES],
        )
    if dataset.n_samples >= MAX_SAMPLES:
        raise DatasetError(
            "builder.too_many_samples",
            "A dataset built in the app can hold up to {max_samples:,} samples.",
            max_samples=MAX_SAMPLES,
        )
    ds = dataset if class_name in dataset.class_names else add_class(dataset, class_name)
    c = ds.class_names.index(class_name)
    data = {m: [*ds.data.get(m, [None] * ds.n_samples), values.get(m)] for m in MODALITIES}
    sid = sample_id or f"{class_name}/{int((ds.y == c).sum()) + 1:03d}"
    return MultimodalDataset(
        name=ds.name,
        data=data,
        y=np.r_[ds.y, c].astype(int),
        class_names=list(ds.class_names),
        sample_rate=ds.sample_rate,
        pairing="instance",
        description=ds.description,
        sample_ids=[*ds.sample_ids, sid],
    )


def remove_sample(dataset: MultimodalDataset, index: int) -> MultimodalDataset:
    """A copy without the sample at ``index`` (its class stays, even if now empty)."""
    if not 0 <= index < dataset.n_samples:
        raise DatasetError(
            "builder.no_sample",
            "There is no sample number {index}; the dataset has {n_samples}.",
            index=index,
            n_samples=dataset.n_samples,
        )
    return dataset.subset(np.delete(np.arange(dataset.n_samples), index))


def add_files(
    dataset: MultimodalDataset, class_name: str, files: list[tuple[str, bytes]]
) -> tuple[MultimodalDataset, list[str]]:
    """A copy with the uploaded ``files`` (name, bytes) added to ``class_name``; and the problems found.

    The files are read as one class folder of the folder format: files
    sharing a stem ("cat1.png" and "cat1.wav") become one multimodal sample.
    A file that cannot be read is reported and skipped; the others are still
    added. Audio is brought to the dataset's sample rate (mono, trimmed,
    normalised).

    Examples
    --------
    >>> ds, problems = add_files(empty_dataset(), "cat", [("a.txt", b"meow"), ("b.txt", b"")])
    >>> ds.n_samples, problems
    (1, ['cat/b.txt: the file is empty (0 bytes). (skipped)'])
    """
    class_name = check_class_name(class_name)
    layout = plan_layout([(f"{class_name}/{PurePath(name).name}", False, data) for name, data in files])
    try:
        new, problems = build_dataset(
            layout,
            lambda f: f.handle,
            name=dataset.name,
            source=Message("builder.the_upload", "the upload"),
            sample_rate=dataset.sample_rate,
        )
    except DatasetError as exc:
        return dataset, [exc.message]
    for i in range(new.n_samples):
        values = {m: new.value(m, i) for m in MODALITIES}
        dataset = add_sample(dataset, class_name, sample_id=new.sample_ids[i], **values)
    return dataset, problems
