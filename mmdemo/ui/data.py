"""Datasets and feature caches for the pages: bundled data shared, user data per session."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from mmdemo.datasets import BUNDLED, MultimodalDataset, load_dataset
from mmdemo.featurecache import bundled_feature_cache
from mmdemo.ui import state
from mmdemo.ui.i18n import t

if TYPE_CHECKING:  # the home page does not need scikit-learn: importing it costs ~2 s of start-up
    from mmdemo.model import FeatureCache

__all__ = [
    "USER_DATASET",
    "bundled_dataset",
    "current_dataset",
    "dataset_options",
    "feature_cache",
    "is_bundled",
    "set_user_dataset",
    "spinner",
]

USER_DATASET = "your dataset"


def spinner(key: str) -> contextlib.AbstractContextManager:
    """A spinner saying ``key`` in the session's language; nothing outside a page run (the warm-up thread).

    Streamlit shows a spinner only after half a second, so a cache hit shows none.
    """
    if get_script_run_ctx(suppress_warning=True) is None:
        return contextlib.nullcontext()
    return st.spinner(t(key))


@st.cache_resource(show_spinner=False)
def _load_bundled(name: str) -> MultimodalDataset:
    """The shared cache behind `bundled_dataset` (no spinner of its own: its text would be fixed in one language)."""
    return load_dataset(name)


def bundled_dataset(name: str) -> MultimodalDataset:
    """A bundled dataset, loaded once per server and shared (it is read-only)."""
    with spinner("common.loading_dataset"):
        return _load_bundled(name)


@st.cache_resource
def _bundled_features(name: str) -> FeatureCache:
    """Image/audio features of a bundled dataset, shared by every session and kept on disk for the next process."""
    return bundled_feature_cache(name)


def dataset_options() -> list[str]:
    """Names offered in the dataset picker: bundled ones, then the user's if any."""
    names = list(BUNDLED)
    if state.get("user_dataset") is not None:
        names.append(USER_DATASET)
    return names


def current_dataset() -> MultimodalDataset:
    """The dataset picked in the sidebar."""
    name = state.get("dataset_name")
    if name == USER_DATASET and state.get("user_dataset") is not None:
        return state.get("user_dataset")
    if name not in BUNDLED:
        state.put("dataset_name", "av-digits")
        name = "av-digits"
    return bundled_dataset(name)


def is_bundled(dataset: MultimodalDataset) -> bool:
    """True for the shared bundled dataset itself; False for the user's own (even one named like a bundled set)."""
    return dataset.name in BUNDLED and dataset is bundled_dataset(dataset.name)


def feature_cache(dataset: MultimodalDataset) -> FeatureCache:
    """Where this dataset's features are kept: global for bundled data, the session for the user's."""
    if is_bundled(dataset):
        return _bundled_features(dataset.name)
    return state.get("user_feature_cache")


def set_user_dataset(dataset: MultimodalDataset | None) -> None:
    """Store the user's dataset in this session and drop what was computed from its previous version."""
    state.put("user_dataset", dataset)
    state.put("user_feature_cache", {})
    state.put("memo", {})
