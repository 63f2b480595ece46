"""Folder datasets: root/<class name>/<stem>.<ext>, same stem in one class = one sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mmdemo.datasets.base import MODALITIES, MultimodalDataset
from mmdemo.errors import DatasetError, InputError
from mmdemo.features.audio import prepare_audio
from mmdemo.io import decode_audio, decode_image, decode_text, modality_of

__all__ = ["load_folder"]


def load_folder(root: str | Path, *, sample_rate: int = 8000) -> tuple[MultimodalDataset, list[str]]:
    """Read a folder dataset; return it and the list of problems found (files skipped and why).

    Audio is brought to ``sample_rate`` mono, trimmed and normalised on loading.
    Class names are the folder names, sorted (so "0" … "9" line up with av-digits).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp()); (root / "cat").mkdir(); (root / "dog").mkdir()
    >>> _ = (root / "cat" / "a.txt").write_text("meow"); _ = (root / "dog" / "b.txt").write_text("woof")
    >>> ds, problems = load_folder(root)
    >>> ds.class_names, ds.modalities, problems
    (['cat', 'dog'], ['text'], [])
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: no such folder; a dataset folder holds one sub-folder per class.")
    class_dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and not p.is_symlink())
    if not class_dirs:
        raise DatasetError(f"{root}: no class folders found; expected root/<class name>/<sample>.<png|wav|txt>.")
    problems: list[str] = []
    samples: dict[tuple[int, str], dict[str, object]] = {}
    decoders = {"image": decode_image, "text": decode_text}
    for c, cdir in enumerate(class_dirs):
        for f in sorted(cdir.iterdir()):
            rel = f"{cdir.name}/{f.name}"
            if f.is_symlink() or not f.is_file():
                problems.append(f"{rel}: skipped (not a regular file).")
                continue
            mod = modality_of(f.name)
            if mod is None:
                problems.append(
                    f"{rel}: skipped (unknown kind of file; use png/jpg/bmp/gif/webp, wav/flac/ogg or txt)."
                )
                continue
            try:
                if mod == "audio":
                    y, sr = decode_audio(f, rel)
                    value: object = prepare_audio(y, sr=sr, target_sr=sample_rate)
                else:
                    value = decoders[mod](f, rel)
            except InputError as exc:
                problems.append(f"{exc} (skipped)")
                continue
            entry = samples.setdefault((c, f.stem), {})
            if mod in entry:
                problems.append(f"{rel}: skipped (a second {mod} file for sample {f.stem!r}).")
                continue
            entry[mod] = value
    if not samples:
        raise DatasetError(f"{root}: no readable samples found. " + (problems[0] if problems else ""))
    keys = sorted(samples)
    data = {m: [samples[k].get(m) for k in keys] for m in MODALITIES if any(m in samples[k] for k in keys)}
    ds = MultimodalDataset(
        name=root.name,
        data=data,
        y=np.array([c for c, _ in keys]),
        class_names=[d.name for d in class_dirs],
        sample_rate=sample_rate,
        pairing="instance",
        description=f"Folder dataset read from {root.name}/ ({len(keys)} samples).",
        sample_ids=[f"{class_dirs[c].name}/{stem}" for c, stem in keys],
    )
    return ds, problems
