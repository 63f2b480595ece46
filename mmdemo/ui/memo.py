"""`remembered`: the one memo of the pages' results, shared for bundled data, per session for a user's data.

A result computed from a bundled dataset is a pure function of bundled data and
its settings, so every session may share it (thirty students clicking the same
button wait for one computation). A result computed from a user's own dataset
stays in that user's session, and is forgotten when their dataset changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from mmdemo.datasets import MultimodalDataset
from mmdemo.ui import state
from mmdemo.ui.data import is_bundled

__all__ = ["remembered"]

T = TypeVar("T")

#: At most this many results of a kind per session (a user's results are theirs alone, and so is their memory).
SESSION_LIMIT = 4
#: Results on bundled data, shared by every session of this process.
_SHARED: dict[tuple, object] = {}
_LOCK = threading.Lock()  # guards _SHARED and _COMPUTING
_COMPUTING: dict[tuple, threading.Lock] = {}  # one lock per key being computed: the same key is computed once


def _keep(store: dict, key: tuple, value: object, limit: int) -> None:
    """Store ``value``, forgetting the oldest results of the same kind (``key[0]``) beyond ``limit``."""
    same_kind = [k for k in store if k[0] == key[0]]
    for old in same_kind[: max(0, len(same_kind) - limit + 1)]:
        store.pop(old, None)
    store[key] = value


def remembered(dataset: MultimodalDataset, key: tuple, compute: Callable[[], T], *, limit: int = 8) -> T:
    """``compute()`` once per ``(kind, *settings)`` ``key`` and dataset; kept for later calls.

    Bundled data: shared by every session (at most ``limit`` results of a kind
    per process). The user's data: kept in this session (at most
    `SESSION_LIMIT` of a kind), dropped by `mmdemo.ui.data.set_user_dataset`. ``compute`` shows its
    own progress; it runs only on a miss.
    """
    if not is_bundled(dataset):
        store = state.get("memo")
        if key not in store:
            _keep(store, key, compute(), min(limit, SESSION_LIMIT))
        return store[key]
    key = (key[0], dataset.name, *key[1:])
    with _LOCK:
        if key in _SHARED:
            return _SHARED[key]
        computing = _COMPUTING.setdefault(key, threading.Lock())
    with computing:  # a second session asking for the same key waits here for the first one's result
        with _LOCK:
            if key in _SHARED:
                return _SHARED[key]
        value = compute()
        with _LOCK:
            _keep(_SHARED, key, value, limit)
            _COMPUTING.pop(key, None)
    return value
