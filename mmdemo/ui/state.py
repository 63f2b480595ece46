"""Session state: every per-user value and its default, in one place.

Widgets keep their own values under their keys (``train_fusion``...); a shared link sets those
(`mmdemo.ui.share.apply_link`). Everything else a session holds is a key of `DEFAULTS`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

__all__ = ["DATASET_WIDGET_PREFIXES", "DEFAULTS", "forget_dataset_widgets", "init_session", "get", "put", "pop"]

#: Session key -> default. Per-user data lives here, never in a global cache.
DEFAULTS: dict[str, Any] = {
    "dataset_name": "av-digits",
    "user_dataset": None,  # a MultimodalDataset the user built or imported
    "user_feature_cache": {},  # features of the user's dataset, this session only
    "trained": None,  # a mmdemo.ui.models.Trained: the model this session trained or imported
    "comparison": None,  # {"results": [Result], "settings": ModelSettings}: the last comparison of every fusion method
    "rank_curve": None,  # Train & compare: the (dataset name, modalities, seed, test size) whose LMF rank curve is shown
    "memo": {},  # results computed from the user's dataset, this session only (mmdemo.ui.memo)
    "lang": None,  # the session's language code, chosen by mmdemo.ui.i18n.language on first use
    "link_applied": False,  # a shared link's settings were applied (once per session)
    "link_notice": None,  # what a shared link asked for that could not be used, said on the next run
    "own_nonce": 0,  # Your own dataset: bumped to clear the sample inputs after an add
    "own_added": None,  # Your own dataset: what the last action added, said once after the rerun
    "classroom_teacher": None,  # Classroom: the teacher token of the class this session runs
    "classroom_student": None,  # Classroom: the mmdemo.classroom.Student this session contributes as
    "classroom_model": None,  # Classroom: (published at, MultimodalModel) of the class's model, read once
    "classroom_failures": 0,  # Classroom: wrong join codes tried in this session (each slows the next try)
    "classroom_added": None,  # Classroom: what the last action did, said once after the rerun
    "own_problems": [],  # Your own dataset: messages of what the last import skipped or warned about
    "own_errors": [],  # Your own dataset: uploaded files that were not added, and why
    "missing_report": None,  # {"dataset": name, "seed": int, "rows": [dict]} from the Cross-modal lab
    "contrastive_trained": [],  # Cross-modal lab: the (dataset, query, target, temperature, seed) trained here
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
            st.session_state[key] = value.copy() if isinstance(value, (dict, list)) else value


def get(key: str) -> Any:
    """A session value (its default when unset)."""
    init_session()
    return st.session_state[key]


def put(key: str, value: Any) -> None:
    """Store a session value (a key of `DEFAULTS`: every per-user value is declared there)."""
    if key not in DEFAULTS:
        raise KeyError(f"{key!r} is not a session value of mmdemo.ui.state.DEFAULTS")
    st.session_state[key] = value


def pop(key: str) -> Any:
    """A session value, reset to its default (a notice said once)."""
    value = get(key)
    default = DEFAULTS[key]
    st.session_state[key] = default.copy() if isinstance(default, (dict, list)) else default
    return value
