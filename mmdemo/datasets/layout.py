"""The folder/zip dataset layout, shared by `load_folder` and `load_zip`.

``root/<class name>/<stem>.<ext>``: `plan_layout` sorts a listing of paths into
class folders, sample files and problems (files in odd places); `build_dataset`
reads and decodes the sample files and pairs them by stem. Where the paths come
from (a folder on disk, the members of a zip) and how a file is read are the
only things the two loaders do differently.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import numpy as np

from mmdemo.datasets.base import MODALITIES, MultimodalDataset
from mmdemo.errors import DatasetError, InputError, Message, modality_word
from mmdemo.features.audio import SAMPLE_RATE, prepare_audio
from mmdemo.io import decode_file, modality_of

__all__ = ["MAX_FILES", "MAX_TOTAL_BYTES", "SampleFile", "Layout", "check_totals", "plan_layout", "build_dataset"]

MAX_FILES = 5_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024

_FORMAT = Message("layout.format", "expected <class name>/<sample>.<png|jpg|wav|flac|txt>")
_SYSTEM_FILES = {"thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class SampleFile:
    """One file that is part of a sample: where it is, its class, stem and modality."""

    path: str  # as listed, shown in messages
    class_name: str
    stem: str
    modality: str
    handle: Hashable  # what the loader's ``read`` needs: a Path, a ZipInfo, ...


@dataclass
class Layout:
    """What a listing holds: class folders (sorted), sample files, and problems with odd entries."""

    classes: list[str]
    files: list[SampleFile]
    problems: list[str] = field(default_factory=list)  # `Message`s, said in the app's language
    top: str | None = None  # the single top-level folder the classes were found in, if any


def check_totals(n_entries: int, n_bytes: int, label: str) -> None:
    """Raise `InputError` when a folder or zip holds too many entries, or its files too many bytes.

    Examples
    --------
    >>> check_totals(6000, 10, "pets.zip")
    Traceback (most recent call last):
    ...
    mmdemo.errors.InputError: pets.zip: it holds 6,000 files and folders; up to 5,000 are accepted.
    """
    if n_entries > MAX_FILES:
        raise InputError(
            "layout.too_many_entries",
            "{label}: it holds {n_entries:,} files and folders; up to {max_files:,} are accepted.",
            label=label,
            n_entries=n_entries,
            max_files=MAX_FILES,
        )
    if n_bytes > MAX_TOTAL_BYTES:
        raise InputError(
            "layout.too_many_bytes",
            "{label}: its files add up to {n_mb:,.0f} MB unpacked; up to {max_mb} MB are accepted.",
            label=label,
            n_mb=n_bytes / 1e6,
            max_mb=MAX_TOTAL_BYTES // 2**20,
        )


def _junk_reason(part: str, is_last_file: bool) -> Message | None:
    if part == "__MACOSX":
        return Message("layout.macos_metadata", "macOS metadata, not data")
    if is_last_file and (part.startswith(".") or part.lower() in _SYSTEM_FILES):
        return Message("layout.hidden_file", "hidden or system file")
    if part.startswith("."):
        return Message("layout.hidden_folder", "hidden folder")
    return None


def plan_layout(entries: Iterable[tuple[str, bool, Hashable]]) -> Layout:
    """Sort a listing into classes, sample files and problems.

    Parameters
    ----------
    entries : iterable of (path, is_dir, handle)
        Relative paths with ``/`` separators, already checked to stay inside
        the root. ``handle`` is passed on to the loader's ``read``.

    Notes
    -----
    - One top-level folder holding the class folders (``mydata/cat/a.png``)
      is allowed: a single top-level folder is taken as such when more files
      lie in its sub-folders than directly in it (``cat/a.png`` alone is a class).
    - Reported, not fatal: files outside a class folder, folders inside a
      class folder (reported once each), hidden and system files, hidden
      folders and ``__MACOSX/`` (once each, when not empty), unknown extensions.

    Examples
    --------
    >>> layout = plan_layout([("pets/cat/a.png", False, 1), ("pets/cat/a.txt", False, 2),
    ...                       ("pets/dog/", True, 3), ("pets/cat/.DS_Store", False, 4)])
    >>> layout.top, layout.classes, [(f.class_name, f.stem, f.modality) for f in layout.files]
    ('pets', ['cat', 'dog'], [('cat', 'a', 'image'), ('cat', 'a', 'text')])
    >>> layout.problems
    ['pets/cat/.DS_Store: skipped (hidden or system file).']
    """
    rows, problems, reported = [], [], set()
    for path, is_dir, handle in entries:
        parts = tuple(unicodedata.normalize("NFC", p) for p in path.split("/") if p)
        if not parts:
            continue
        for i, part in enumerate(parts):
            reason = _junk_reason(part, is_last_file=i == len(parts) - 1 and not is_dir)
            if reason is None:
                continue
            prefix = "/".join(parts[: i + 1])
            if i == len(parts) - 1 and not is_dir:
                problems.append(Message("layout.skipped", "{path}: skipped ({reason}).", path=path, reason=reason))
            elif i < len(parts) - 1 and prefix not in reported:  # a folder with something in it
                reported.add(prefix)
                problems.append(
                    Message("layout.skipped", "{path}: skipped ({reason}).", path=f"{prefix}/", reason=reason)
                )
            break
        else:
            rows.append((parts, is_dir, handle, path))

    tops = {parts[0] for parts, *_ in rows}
    top = next(iter(tops)) if len(tops) == 1 else None
    n_files = Counter(len(parts) for parts, is_dir, *_ in rows if not is_dir)
    if top is not None and n_files[3] > n_files[2]:  # mydata/<class>/<file> rather than <class>/<file>
        rows = [(parts[1:], is_dir, handle, path) for parts, is_dir, handle, path in rows if len(parts) > 1]
        prefix = f"{top}/"
    else:
        top, prefix = None, ""

    classes: set[str] = set()
    files: list[SampleFile] = []
    for parts, is_dir, handle, path in rows:
        if len(parts) == 1 and not is_dir:
            problems.append(
                Message(
                    "layout.not_in_class",
                    "{path}: skipped (not inside a class folder; {expected}).",
                    path=path,
                    expected=_FORMAT,
                )
            )
            continue
        classes.add(parts[0])
        nested = prefix + "/".join(parts[:2])
        if len(parts) >= 3 and nested not in reported:
            reported.add(nested)
            problems.append(
                Message(
                    "layout.nested_folder",
                    "{folder}/: skipped (a folder inside a class folder; put its files directly in {class_folder}/).",
                    folder=nested,
                    class_folder=f"{prefix}{parts[0]}",
                )
            )
        if len(parts) >= 3 or is_dir:
            continue
        modality = modality_of(parts[1])
        if modality is None:
            problems.append(
                Message(
                    "layout.unknown_kind",
                    "{path}: skipped (unknown kind of file; use png/jpg/bmp/gif/webp, wav/flac/ogg/mp3 or txt).",
                    path=path,
                )
            )
            continue
        files.append(SampleFile(path, parts[0], PurePosixPath(parts[1]).stem, modality, handle))
    return Layout(sorted(classes), files, problems, top)


def build_dataset(
    layout: Layout,
    read: Callable[[SampleFile], bytes],
    *,
    name: str,
    source: str,
    sample_rate: int = SAMPLE_RATE,
) -> tuple[MultimodalDataset, list[str]]:
    """Read, decode and pair the sample files of ``layout``; return the dataset and all problems.

    Files with the same stem in one class folder are one sample. A file that
    cannot be read or decoded is reported and skipped (``read`` may raise
    `InputError`). Audio is brought to ``sample_rate`` mono, trimmed and
    normalised (`mmdemo.features.prepare_audio`). A class left without any
    readable sample is reported and left out. The dataset is called ``name``,
    or after the top-level folder when there is one; ``source`` ("pets/",
    "pets.zip") names the origin in messages.

    Raises
    ------
    DatasetError
        When no class folder or no readable sample is found.

    Examples
    --------
    >>> layout = plan_layout([("cat/a.txt", False, b"meow"), ("dog/b.txt", False, b"woof"), ("fish/", True, None)])
    >>> ds, problems = build_dataset(layout, lambda f: f.handle, name="pets", source="pets/")
    >>> ds.class_names, ds.sample_ids, problems
    (['cat', 'dog'], ['cat/a', 'dog/b'], ['fish/: class fish has no readable samples; left out.'])
    """
    if not layout.classes:
        raise DatasetError(
            "layout.no_classes", "{source}: no class folders found; {expected}.", source=source, expected=_FORMAT
        )
    problems = list(layout.problems)
    samples: dict[tuple[str, str], dict[str, object]] = {}
    for f in layout.files:
        entry = samples.get((f.class_name, f.stem), {})
        if f.modality in entry:
            problems.append(
                Message(
                    "layout.second_file",
                    "{path}: skipped (a second {modality} file for sample {stem!r}).",
                    path=f.path,
                    modality=modality_word(f.modality),
                    stem=f.stem,
                )
            )
            continue
        try:
            _, value = decode_file(read(f), f.path)
            if f.modality == "audio":
                value = prepare_audio(value[0], sr=value[1], target_sr=sample_rate)
        except InputError as exc:
            problems.append(Message("layout.skipped_error", "{error} (skipped)", error=exc.message))
            continue
        samples.setdefault((f.class_name, f.stem), entry)[f.modality] = value
    used = [c for c in layout.classes if any(k[0] == c for k in samples)]
    top = f"{layout.top}/" if layout.top else ""
    problems += [
        Message(
            "layout.empty_class",
            "{folder}/: class {name} has no readable samples; left out.",
            folder=f"{top}{c}",
            name=c,
        )
        for c in layout.classes
        if c not in used
    ]
    if not samples:  # then every class was reported just above: there is a first problem to show
        no_samples = Message(
            "layout.no_samples", "{source}: no readable samples found. {problem}", source=source, problem=problems[0]
        )
        raise DatasetError(no_samples)
    keys = sorted(samples, key=lambda k: (used.index(k[0]), k[1]))
    data = {m: [samples[k].get(m) for k in keys] for m in MODALITIES if any(m in samples[k] for k in keys)}
    ds = MultimodalDataset(
        name=layout.top or name,
        data=data,
        y=np.array([used.index(c) for c, _ in keys], dtype=int),
        class_names=used,
        sample_rate=sample_rate,
        pairing="instance",
        description=Message(
            "layout.description",
            "Imported from {source}: {n} samples, files with one name in a class folder paired.",
            source=source,
            n=len(keys),
        ),
        sample_ids=[f"{c}/{stem}" for c, stem in keys],
    )
    return ds, problems
