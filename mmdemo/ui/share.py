"""Shareable lessons: the experiment a teacher sets up lives in the URL, so one link opens it for everyone.

``?dataset=xor-shapes&modalities=image,audio&fusion=tensor&classifier=logreg&corrupt=image=0.4&lang=zh``
on any page: the page is the URL's path, the rest is read once when a session
starts (`apply_link`) and written back as the settings change (`share_settings`,
and the language picker). A value that is not valid falls back to the default,
with a notice saying what was ignored and why.
"""

from __future__ import annotations

import streamlit as st

from mmdemo.classifiers import CLASSIFIERS
from mmdemo.corrupt import parse_corruption
from mmdemo.datasets import BUNDLED, MODALITIES
from mmdemo.errors import ParameterError
from mmdemo.fusion import FUSIONS
from mmdemo.ui.data import bundled_dataset
from mmdemo.ui.i18n import t

__all__ = ["apply_link", "link_notice", "share_settings", "SHARED_KEYS"]

#: URL parameter -> what it sets.
SHARED_KEYS = {
    "dataset": "bundled dataset",
    "modalities": "modalities, comma-separated",
    "fusion": "fusion method",
    "classifier": "classifier",
    "corrupt": "corruption levels, MODALITY=LEVEL,…",
    "lang": "language, en or zh",
}


def _modalities(value: str, dataset: str) -> list[str]:
    mods = [m.strip() for m in value.split(",") if m.strip()]
    available = bundled_dataset(dataset).modalities if dataset in BUNDLED else list(MODALITIES)
    bad = [m for m in mods if m not in available]
    if bad or not mods:
        raise ParameterError(t("share.dataset_has", dataset=dataset, available=", ".join(available)))
    return mods


def apply_link() -> None:
    """Once per session: put the URL's settings into the widgets they belong to, or say why not."""
    if st.session_state.get("link_applied"):
        return
    st.session_state["link_applied"] = True
    params = st.query_params
    ignored: list[str] = []
    dataset = params.get("dataset")
    if dataset is not None:
        if dataset in BUNDLED:
            st.session_state["dataset_name"] = dataset
        else:
            ignored.append(_ignored("dataset", dataset, _use_one_of(BUNDLED)))
            dataset = None
    name = dataset or st.session_state.get("dataset_name", "av-digits")
    checks = {
        "fusion": (lambda v: v if v in FUSIONS else _fail(FUSIONS), "train_fusion"),
        "classifier": (lambda v: v if v in CLASSIFIERS else _fail(CLASSIFIERS), "train_classifier"),
        "modalities": (lambda v: _modalities(v, name), "train_modalities"),
    }
    for param, (check, key) in checks.items():
        value = params.get(param)
        if value is None:
            continue
        try:
            st.session_state[key] = check(value)
        except ParameterError as exc:
            ignored.append(_ignored(param, value, str(exc)))
    if params.get("corrupt"):
        try:
            for m, level in parse_corruption(params["corrupt"]).items():
                st.session_state[f"train_corrupt_{m}"] = round(level, 1)
        except ParameterError:
            ignored.append(_ignored("corrupt", params["corrupt"], t("share.corrupt_format")))
    lang = params.get("lang")
    if lang is not None and lang not in ("en", "zh"):
        ignored.append(_ignored("lang", lang, t("share.use_en_or_zh")))
    if ignored:
        st.session_state["link_notice"] = t("share.separator").join(ignored)


def link_notice() -> str | None:
    """Once: the sentence saying which settings of the link were ignored and why, or None when all were valid."""
    ignored = st.session_state.pop("link_notice", None)
    return t("share.notice", ignored=ignored) if ignored else None


def _ignored(param: str, value: str, reason: str) -> str:
    return t("share.ignored", param=param, value=value, reason=reason)


def _use_one_of(accepted) -> str:
    return t("share.use_one_of", accepted=", ".join(accepted))


def _fail(accepted) -> None:
    raise ParameterError(_use_one_of(accepted))


def share_settings(settings) -> None:
    """Write the Train & compare settings into the URL, so copying it shares the experiment."""
    st.query_params["dataset"] = st.session_state.get("dataset_name", "av-digits")
    st.query_params["modalities"] = ",".join(settings.modalities)
    st.query_params["fusion"] = settings.fusion
    st.query_params["classifier"] = settings.classifier
    levels = ",".join(f"{m}={v:g}" for m, v in settings.corruption.items() if v > 0)
    if levels:
        st.query_params["corrupt"] = levels
    elif "corrupt" in st.query_params:
        del st.query_params["corrupt"]
