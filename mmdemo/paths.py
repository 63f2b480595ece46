"""Where mmdemo keeps what lasts between runs on this machine: ``MMDEMO_DATA_DIR``, by default ``~/.mmdemo``."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir"]


def data_dir(*parts: str) -> Path:
    """``MMDEMO_DATA_DIR`` (default ``~/.mmdemo``), or a folder inside it; made if missing.

    Examples
    --------
    >>> data_dir("cache").name
    'cache'
    """
    folder = Path(os.environ.get("MMDEMO_DATA_DIR") or Path.home() / ".mmdemo", *parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
