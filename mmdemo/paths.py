"""Where mmdemo keeps what lasts between runs on this machine: ``MMDEMO_DATA_DIR``, by default ``~/.mmdemo``."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir"]


def data_dir(*parts: str) -> Path:
    """``MMDEMO_DATA_DIR`` (default ``~/.mmdemo``), or a folder inside it; made if missing, readable by its owner only
    (other users of the machine must not plant feature files or read the classroom database).

    Examples
    --------
    >>> data_dir("cache").name
    'cache'
    """
    root = Path(os.environ.get("MMDEMO_DATA_DIR") or Path.home() / ".mmdemo")
    folder = root.joinpath(*parts)
    for made in (root, folder):
        made.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder
