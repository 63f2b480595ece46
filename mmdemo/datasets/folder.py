"""Folder datasets: root/<class name>/<stem>.<ext>, same stem in one class = one sample."""

from __future__ import annotations

from pathlib import Path

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.datasets.layout import MAX_FILES, SampleFile, build_dataset, check_totals, plan_layout
from mmdemo.errors import DatasetError, Message
from mmdemo.features.audio import SAMPLE_RATE
from mmdemo.io import read_bytes

__all__ = ["load_folder"]

_LISTED_DEPTH = 4  # root/top/class/folder: deep enough to see the layout and what is misplaced


def _list_folder(root: Path) -> tuple[list[tuple[str, bool, Path]], list[str]]:
    """(relative path, is_dir, path) of what the layout needs to see, and the links and specials skipped.

    Links are never followed. Hidden folders and ``__MACOSX`` are not walked
    (one child is listed, so that a folder with something in it is reported).
    """
    entries: list[tuple[str, bool, Path]] = []
    problems: list[str] = []

    def visit(folder: Path, rel: str, depth: int) -> None:
        try:
            children = sorted(folder.iterdir())
        except OSError as exc:
            problems.append(
                Message(
                    "folder.unreadable",
                    "{path}: skipped (cannot be read: {error}).",
                    path=rel or folder.name,
                    error=exc.strerror or type(exc).__name__,
                )
            )
            return
        for p in children:
            r = f"{rel}{p.name}"
            if p.is_symlink():
                problems.append(
                    Message("folder.symlink", "{path}: skipped (a symbolic link; links are not followed).", path=r)
                )
            elif p.is_dir():
                entries.append((f"{r}/", True, p))
                if p.name.startswith(".") or p.name == "__MACOSX":
                    entries.extend((f"{r}/{c.name}", False, c) for c in list(p.iterdir())[:1])
                elif depth < _LISTED_DEPTH:
                    visit(p, f"{r}/", depth + 1)
            elif p.is_file():
                entries.append((r, False, p))
            else:
                problems.append(Message("folder.not_regular", "{path}: skipped (not a regular file).", path=r))
            if len(entries) > MAX_FILES:
                check_totals(len(entries), 0, f"{root.name}/")

    visit(root, "", 1)
    return entries, problems


def _read(f: SampleFile) -> bytes:
    return read_bytes(f.handle, f.path)[0]


def load_folder(root: str | Path, *, sample_rate: int = SAMPLE_RATE) -> tuple[MultimodalDataset, list[str]]:
    """Read a folder dataset; return it and the list of problems found (files skipped and why).

    The layout and its rules are those of `load_zip` (see
    `mmdemo.datasets.layout.plan_layout`): one optional top-level folder, files
    in odd places reported, a class without readable samples reported and left
    out. Links are not followed. Audio is brought to ``sample_rate`` mono,
    trimmed and normalised on loading. Class names are the folder names,
    sorted (so "0" … "9" line up with av-digits).

    Raises
    ------
    DatasetError
        No such folder, no class folder, or no readable sample.
    InputError
        More than 5,000 files and folders, or sample files over 200 MB in all.

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
        raise DatasetError(
            "folder.no_folder",
            "{root}: no such folder; a dataset folder holds one sub-folder per class.",
            root=str(root),
        )
    entries, problems = _list_folder(root)
    layout = plan_layout(entries)
    layout.problems[:0] = problems
    try:
        total = sum(f.handle.stat().st_size for f in layout.files)
    except OSError:
        total = 0  # a file vanished meanwhile: reading it will say so
    check_totals(len(entries), total, f"{root.name}/")
    return build_dataset(layout, _read, name=root.name, source=f"{root.name}/", sample_rate=sample_rate)
