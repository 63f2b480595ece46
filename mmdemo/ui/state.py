"""Session state: every per-user value and its default, in one place."""

from __future__ import annotations

from typing import Any

import streamlit as st

__all__ = ["DEFAULTS", "init_session", "get", "put"]

#: Session key -> default. Per-user data lives here, never in a global cache.
DEFAULTS: dict[str, Any] = {
    "dataset_name": "av-digits",
    "user_dataset": None,  # a MultimodalDataset the user built or imported
    "user_feature_cache": {},  # features of the user's dataset, this session only
    "trained": None,  # {"result": Result, "model": MultimodalModel, "dataset": name}
    "comparison": None,  # {"results": [Result], "dataset": name, ...}
}


def init_session() -> None:
    """Put every default into ``st.session_state`` that is not there yet."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value.copy() if isinstance(value, dict) else value


def get(key: str) -> Any:
    """A session value (its default when unset)."""
    init_session()
    return st.session_state[key]


def put(key: str, value: Any) -> None:
    """Store a session value."""
    st.session_state[key] = value
