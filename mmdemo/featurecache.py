"""`DiskFeatureCache`: a bundled dataset's image and audio features kept on disk, so a new app process starts warm.

A `mmdemo.model.FeatureCache` is a mapping; this one also writes every whole-dataset
feature matrix (a NumPy array under a stateless key such as ``("audio", "speech", …)``)
to ``<folder>/<digest>.npy`` and reads it back in the next process. Fitted
entries (text features, fitted on a split) stay in memory. The folder's name
carries a fingerprint of the bundled data and of the code that makes features,
so a changed file or library is a new folder rather than a stale matrix. Files are written under
a temporary name and renamed, so processes filling the same cache at once never
read half a file; they are read with ``allow_pickle=False`` (arrays only).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator, MutableMapping
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from mmdemo import __version__
from mmdemo.paths import data_dir

__all__ = ["DiskFeatureCache", "bundled_feature_cache", "code_fingerprint"]

_CORE = Path(__file__).resolve().parent


class DiskFeatureCache(MutableMapping):
    """A dict whose NumPy-array values under keys without a ``"fitted on"`` part also live in ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> DiskFeatureCache(folder)[("audio", "mfcc")] = np.zeros((3, 2))
    >>> DiskFeatureCache(folder)[("audio", "mfcc")].shape  # another process, later
    (3, 2)
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._memory: dict[tuple, Any] = {}

    @staticmethod
    def _lasting(key: tuple, value: Any = None) -> bool:
        return "fitted on" not in key and (value is None or isinstance(value, np.ndarray) and value.dtype != object)

    def _path(self, key: tuple) -> Path:
        return self.folder / (hashlib.sha1(repr(key).encode()).hexdigest()[:20] + ".npy")

    def __getitem__(self, key: tuple) -> Any:
        if key in self._memory:
            return self._memory[key]
        path = self._path(key)
        if self._lasting(key) and path.is_file():
            try:
                value = np.load(path, allow_pickle=False)
            except (OSError, ValueError, EOFError):  # a damaged or empty file is computed again
                path.unlink(missing_ok=True)
            else:
                self._memory[key] = value
                return value
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __setitem__(self, key: tuple, value: Any) -> None:
        self._memory[key] = value
        if self._lasting(key, value):
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    np.save(out, value, allow_pickle=False)
                    out.flush()
                    os.fsync(out.fileno())  # on disk before it has its name: a crash leaves no half file
                os.replace(tmp, self._path(key))
            except OSError:  # a full or read-only disk: the cache stays in memory
                Path(tmp).unlink(missing_ok=True)

    def __delitem__(self, key: tuple) -> None:
        self._memory.pop(key, None)
        self._path(key).unlink(missing_ok=True)

    def __iter__(self) -> Iterator[tuple]:
        return iter(list(self._memory))

    def __len__(self) -> int:
        return len(self._memory)


#: The libraries whose versions the features depend on.
_LIBRARIES = ("numpy", "scipy", "scikit-learn", "soundfile", "soxr", "pillow", "scikit-image", "pocketsphinx")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of what bundled features depend on: mmdemo's version, the feature, dataset, io and model code,
    the bundled files' contents and the libraries' versions.

    Examples
    --------
    >>> len(code_fingerprint())
    16
    """
    digest = hashlib.sha1(__version__.encode())
    code = [*(_CORE / "features").glob("*.py"), *(_CORE / "datasets").glob("*.py"), _CORE / "io.py", _CORE / "model.py"]
    for path in sorted(code):
        digest.update(path.name.encode() + path.read_bytes())
    for path in sorted((_CORE / "data").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(_CORE)).encode() + path.read_bytes())
    for name in _LIBRARIES:
        with contextlib.suppress(PackageNotFoundError):
            digest.update(f"{name}=={version(name)}".encode())
    return digest.hexdigest()[:16]


def bundled_feature_cache(name: str) -> DiskFeatureCache:
    """The disk-backed feature cache of the bundled dataset ``name``, in ``MMDEMO_DATA_DIR/cache/features``."""
    return DiskFeatureCache(data_dir("cache", "features", f"{name}-{code_fingerprint()}"))
