"""Zip datasets: the folder format (root/<class name>/<stem>.<ext>) inside a .zip, read and written in memory.

Nothing is ever extracted to disk: members are checked from the zip's
directory first (count, sizes, compression ratio, paths, links, passwords),
then read one at a time into memory and decoded like the files of a folder.
"""

from __future__ import annotations

import io as _io
import re
import stat
import zipfile
from pathlib import Path

import numpy as np

from mmdemo.datasets.base import MODALITIES, MultimodalDataset
from mmdemo.datasets.layout import MAX_FILES, MAX_TOTAL_BYTES, SampleFile, build_dataset, check_totals, plan_layout
from mmdemo.errors import DatasetError, InputError, Message
from mmdemo.features.audio import SAMPLE_RATE
from mmdemo.io import KINDS, MAX_FILE_BYTES, check_size, encode_audio, encode_image, sniff

__all__ = ["MAX_COMPRESSION_RATIO", "load_zip", "export_zip"]

#: A member unpacking to more than this many times its packed size is refused (zip bomb),
#: once it is over `_RATIO_FLOOR` bytes: small files cannot do harm, and a short silent WAV packs well.
MAX_COMPRESSION_RATIO = 100
_RATIO_FLOOR = 1024 * 1024
_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same dataset always exports to the same bytes


def _open(source: bytes | str | Path, label: str) -> zipfile.ZipFile:
    if isinstance(source, (bytes, bytearray, memoryview)):
        target: _io.BytesIO | Path = _io.BytesIO(bytes(source))
        size = len(source)
    else:
        target = Path(source)
        if not target.is_file():
            raise InputError(
                "archive.no_file", "{label}: no such file; give a .zip holding one folder per class.", label=label
            )
        size = target.stat().st_size
    if size == 0:
        raise InputError("archive.empty", "{label}: the file is empty (0 bytes).", label=label)
    try:
        return zipfile.ZipFile(target)
    except Exception:  # BadZipFile, EOFError, OSError, ValueError, struct errors on damaged archives
        pass
    if isinstance(target, _io.BytesIO):
        head = target.getvalue()[:64]
    else:
        with target.open("rb") as fh:
            head = fh.read(64)
    kind = sniff(head)
    if kind != "zip":
        raise InputError(
            "archive.not_zip",
            "{label}: this is not a zip archive (it looks like {kind}); a .zip holding one folder per class is accepted.",
            label=label,
            kind=KINDS[kind].description,
        )
    raise InputError(
        "archive.damaged", "{label}: the zip archive is damaged or cut off; make it again and retry.", label=label
    )


def _check_members(zf: zipfile.ZipFile, label: str) -> list[zipfile.ZipInfo]:
    """Refuse hostile archives from the zip's directory alone, before any member is unpacked."""
    infos = zf.infolist()
    check_totals(len(infos), 0, label)
    for info in infos:
        name = info.filename
        path = name.replace("\\", "/")
        if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
            raise InputError(
                "archive.absolute_path",
                "{label}: the entry {entry!r} has an absolute path; refused (entries must stay inside the archive).",
                label=label,
                entry=name,
            )
        if ".." in path.split("/"):
            raise InputError(
                "archive.outside",
                "{label}: the entry {entry!r} points outside the archive ('..'); refused, it could overwrite other files.",
                label=label,
                entry=name,
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(
                "archive.symlink",
                "{label}: the entry {entry!r} is a symbolic link; links are refused, put the file itself in the zip.",
                label=label,
                entry=name,
            )
        if info.flag_bits & 0x1:
            raise InputError(
                "archive.password",
                "{label}: the entry {entry!r} is password-protected; make the zip without a password.",
                label=label,
                entry=name,
            )
    check_totals(len(infos), sum(i.file_size for i in infos), label)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_COMPRESSION_RATIO:
            raise InputError(
                "archive.zip_bomb",
                "{label}: the entry {entry!r} unpacks from {packed_kb:,.0f} kB to {unpacked_mb:,.0f} MB "
                "({ratio:,.0f}:1); refused as a possible zip bomb (up to {max_ratio}:1 is accepted).",
                label=label,
                entry=info.filename,
                packed_kb=info.compress_size / 1e3,
                unpacked_mb=info.file_size / 1e6,
                ratio=ratio,
                max_ratio=MAX_COMPRESSION_RATIO,
            )
    return infos


def _reader(zf: zipfile.ZipFile):
    def read(f: SampleFile) -> bytes:
        info: zipfile.ZipInfo = f.handle
        check_size(info.file_size, f.path)
        try:
            with zf.open(info) as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except Exception:  # bad CRC, damaged deflate stream, unsupported compression method
            raise InputError(
                "archive.member_damaged", "{path}: this file is damaged inside the zip.", path=f.path
            ) from None
        check_size(len(data), f.path)
        return data

    return read


def load_zip(
    source: bytes | str | Path, *, sample_rate: int = SAMPLE_RATE, name: str | None = None
) -> tuple[MultimodalDataset, list[str]]:
    """Read a zipped folder dataset; return it and the list of problems found.

    The zip holds ``<class name>/<stem>.<ext>`` (see DESIGN.md), optionally
    inside one top-level folder (``mydata/cat/a.png``). Files with the same
    stem in one class folder are one sample. Nothing is extracted to disk.

    Problems (files in odd places, hidden and system files, ``__MACOSX/``,
    unknown or unreadable files) are reported and skipped. A class folder
    without any readable sample (an empty ``cat/`` entry, or only broken
    files) is reported as "class cat has no readable samples" and left out;
    loading still succeeds with one usable class, as the "Your own dataset"
    page can add more, and training then says it needs two
    (`mmdemo.splits.split_indices`).

    Parameters
    ----------
    source : bytes, str or Path
        The zip's content, or its path.
    sample_rate : int
        Audio is brought to this rate, mono, trimmed and normalised.
    name : str, optional
        The zip's name for messages (default: the path's name, or "the zip").

    Returns
    -------
    dataset : MultimodalDataset
        Named after the top-level folder, else after the zip.
    problems : list of str

    Raises
    ------
    InputError
        Not a zip, damaged or cut off; over 5,000 entries or 200 MB unpacked;
        a member packed more than 100:1 (zip bomb); an absolute path or ``..``
        (zip-slip); a symbolic link; a password-protected member.
    DatasetError
        No class folder, or no readable sample.

    Examples
    --------
    >>> import zipfile, io
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as zf:
    ...     zf.writestr("pets/cat/tom.txt", "meow"); zf.writestr("pets/dog/rex.txt", "woof")
    ...     zf.writestr("pets/.DS_Store", b"\\0\\0\\0\\1Bud1")
    >>> ds, problems = load_zip(buf.getvalue(), name="pets.zip")
    >>> ds.name, ds.class_names, ds.data["text"], problems
    ('pets', ['cat', 'dog'], ['meow', 'woof'], ['pets/.DS_Store: skipped (hidden or system file).'])
    """
    label = name or (Path(source).name if isinstance(source, (str, Path)) else Message("archive.the_zip", "the zip"))
    with _open(source, label) as zf:
        infos = _check_members(zf, label)
        layout = plan_layout((i.filename.replace("\\", "/"), i.is_dir(), i) for i in infos)
        stem = re.sub(r"\.zip$", "", str(label), flags=re.IGNORECASE)
        return build_dataset(layout, _reader(zf), name=stem, source=label, sample_rate=sample_rate)


# ------------------------------------------------------------------------ export


def _folder_name(class_name: str) -> str:
    if not class_name or class_name.startswith(".") or class_name == "__MACOSX" or re.search(r"[/\\]", class_name):
        raise DatasetError(
            "archive.bad_folder_name",
            "Class name {name!r} cannot be a folder name in a zip: "
            "use a name without / or \\ that does not start with a dot.",
            name=class_name,
        )
    return class_name


def _stems(sample_ids: list[str]) -> list[str]:
    """A file stem per sample from its id: readable, safe in a zip, unique ignoring case."""
    out, seen = [], set()
    for i, sid in enumerate(sample_ids):
        stem = re.sub(r"[^\w.-]+", "_", sid.rsplit("/", 1)[-1]).strip("._")[:60] or f"sample{i + 1}"
        candidate, k = stem, 1
        while candidate.lower() in seen:
            k += 1
            candidate = f"{stem}-{k}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def _entry(path: str, *, folder: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=_DATE)
    info.create_system = 3  # Unix, so that external_attr holds the permission bits
    info.external_attr = ((0o40755 << 16) | 0x10) if folder else (0o100644 << 16)
    return info


def export_zip(dataset: MultimodalDataset) -> bytes:
    """The dataset as zip bytes in the folder format, which `load_zip` reads back.

    One folder per class (an empty class keeps its empty folder, which
    `load_zip` then reports and leaves out), one file stem per sample, so a
    multimodal sample's files share their name: images as PNG (8 bits),
    audio as 16-bit FLAC at the dataset's rate, text as UTF-8 ``.txt``.
    Stems come from the sample ids. The same dataset always gives the same bytes.

    ``load_zip(export_zip(ds))`` gives back the same classes (sorted by name),
    samples and texts, images within 1/255 and audio within 16-bit
    quantisation, for audio that is already prepared (mono, trimmed,
    normalised: what every imported or recorded dataset holds; loading
    prepares audio, and preparing twice changes nothing). Samples without
    any value are left out.

    Raises
    ------
    DatasetError
        A class name that cannot be a folder name, or a dataset too large for
        `load_zip` to read back (over 5,000 files or 200 MB).

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> ds = make_xor_shapes(8)
    >>> back, problems = load_zip(export_zip(ds))
    >>> back.class_names == ds.class_names, back.n_samples, problems
    (True, 8, [])
    """
    buf = _io.BytesIO()
    n_files, n_bytes = 0, 0
    with zipfile.ZipFile(buf, "w") as zf:
        for c, class_name in enumerate(dataset.class_names):
            folder = _folder_name(class_name)
            rows = np.flatnonzero(dataset.y == c)
            if len(rows) == 0:
                zf.writestr(_entry(f"{folder}/", folder=True), b"")
                n_files += 1
            for i, stem in zip(rows, _stems([dataset.sample_ids[i] for i in rows])):
                for m in MODALITIES:
                    value = dataset.data.get(m, [None] * dataset.n_samples)[i]
                    if value is None:
                        continue
                    if m == "image":
                        data, ext, packing = encode_image(value), ".png", zipfile.ZIP_STORED
                    elif m == "audio":
                        data, ext = encode_audio(value, dataset.sample_rate), ".flac"
                        packing = zipfile.ZIP_STORED
                    else:
                        data, ext, packing = str(value).encode("utf-8"), ".txt", zipfile.ZIP_DEFLATED
                    zf.writestr(_entry(f"{folder}/{stem}{ext}"), data, compress_type=packing)
                    n_files, n_bytes = n_files + 1, n_bytes + len(data)
    if n_files > MAX_FILES or n_bytes > MAX_TOTAL_BYTES:
        raise DatasetError(
            "archive.too_big",
            "Dataset {name!r} makes {n_files:,} files, {n_mb:,.0f} MB: more than a zip mmdemo "
            "imports ({max_files:,} files, {max_mb} MB); export a subset.",
            name=dataset.name,
            n_files=n_files,
            n_mb=n_bytes / 1e6,
            max_files=MAX_FILES,
            max_mb=MAX_TOTAL_BYTES // 2**20,
        )
    return buf.getvalue()
