"""Session state: every per-user value and its default, in one place."""

from __future__ import annotations

from typing import Any

import streamlit as st

__all__ = ["DATASET_WIDGET_PREFIXES", "DEFAULTS", "forget_dataset_widgets", "init_session", "get", "put"]

#: Session key -> default. Per-user data lives here, never in a global cache.
DEFAULTS: dict[str, Any] = {
    "dataset_name": "av-digits",
    "user_dataset": None,  # a MultimodalDataset the user built or imported
    "user_feature_cache": {},  # features of the user's dataset, this session only
    "trained": None,  # {"result": Result, "model": MultimodalModel, "dataset": name}
    "comparison": None,  # {"results": [Result], "dataset": name, ...}
    "robust_memo": {},  # Robustness lab labs and curves of the user's dataset, this session only
    "missing_report": None,  # {"dataset": name, "seed": int, "rows": [dict]} from the Cross-modal lab
}


#: Widget keys whose options depend on the dataset: reset when the dataset changes,
#: so a class or modality of the old dataset never lingers as an invalid choice.
DATASET_WIDGET_PREFIXES = ("explore_", "train_modalities", "train_feat_", "train_corrupt_", "space_view")


def forget_dataset_widgets() -> None:
    """Drop the values of dataset-dependent widgets (called when another dataset is picked)."""
    for key in list(st.session_state):
        if str(key).startswith(DATASET_WIDGET_PREFIXES):
            del st.session_state[key]


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
