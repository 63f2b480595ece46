"""Widgets shared by several pages (model settings, result display)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import streamlit as st

from mmdemo.classifiers import CLASSIFIERS
from mmdemo.datasets import MultimodalDataset
from mmdemo.experiments.evaluate import Result
from mmdemo.features import DEFAULT_FEATURES, FEATURE_KINDS
from mmdemo.fusion import FUSION_GROUPS, FUSIONS
from mmdemo.ui.i18n import described, figure_text, modality_list, modality_name, t, table
from mmdemo.ui.models import Trained
from mmdemo.ui.review import show_review
from mmdemo.viz import comparison_figure, confusion_matrix_figure

__all__ = [
    "unless_set",
    "ModelSettings",
    "model_settings",
    "fusion_group_picker",
    "show_result",
    "show_comparison",
    "comparison_rows",
    "modality_name",
]


@dataclass
class ModelSettings:
    """What the user picked: the arguments of `mmdemo.experiments.evaluate.train_and_evaluate`."""

    modalities: list[str]
    features: dict[str, str]
    fusion: str
    classifier: str
    test_size: float
    seed: int
    corruption: dict[str, float] = field(default_factory=dict)


def model_settings(ds: MultimodalDataset, *, prefix: str = "train") -> ModelSettings:
    """Modalities, features, fusion, classifier, split and difficulty controls."""
    mods = st.multiselect(
        t("widgets.modalities"),
        ds.modalities,
        default=unless_set(f"{prefix}_modalities", ds.modalities),
        format_func=modality_name,
        key=f"{prefix}_modalities",
    )
    cols = st.columns(max(1, len(mods)))
    features = {}
    for col, m in zip(cols, mods):
        kinds = list(FEATURE_KINDS[m])
        default = ds.features.get(m, DEFAULT_FEATURES[m])
        shown = table(f"names.features.{m}")
        features[m] = col.selectbox(
            t("widgets.features", modality=modality_name(m)),
            kinds,
            index=kinds.index(default),
            format_func=lambda k, shown=shown: shown.get(k, k),
            key=f"{prefix}_feat_{m}",
        )
    members = fusion_group_picker(prefix, disabled=len(mods) < 2)
    a, b = st.columns(2)
    fusions, classifiers = described(FUSIONS), described(CLASSIFIERS)
    fusion = a.selectbox(
        t("widgets.fusion"),
        members,
        format_func=fusions.__getitem__,
        key=f"{prefix}_fusion",
        disabled=len(mods) < 2,
        help=t("widgets.fusion_help"),
    )
    classifier = b.selectbox(
        t("widgets.classifier"),
        list(CLASSIFIERS),
        format_func=lambda k: t("widgets.classifier_option", name=k, description=classifiers[k]),
        key=f"{prefix}_classifier",
    )
    c, d = st.columns(2)
    test_size = c.slider(t("widgets.test_size"), 0.1, 0.5, 0.25, 0.05, key=f"{prefix}_test_size")
    seed = d.number_input(t("widgets.seed"), 0, 9999, unless_set(f"{prefix}_seed", 0), key=f"{prefix}_seed")
    seed = 0 if seed is None else int(seed)  # an emptied box (or a value lost to a click mid-run) means the default
    corruption = {}
    with st.expander(t("widgets.corrupt_expander")):
        st.caption(t("widgets.corrupt_caption"))
        for m in mods:
            key = f"{prefix}_corrupt_{m}"
            corruption[m] = st.slider(
                t("widgets.corruption", modality=modality_name(m)), 0.0, 1.0, unless_set(key, 0.0), 0.1, key=key
            )
    return ModelSettings(mods, features, fusion, classifier, test_size, seed, corruption)


def fusion_group_picker(prefix: str, *, disabled: bool = False) -> list[str]:
    """Multimodal or cross-modal fusion (a radio, one line on what each does): the fusion methods of the pick.

    The group follows a fusion method already set (by a shared link); a method
    of the other group gives way to the group's first when the group changes.
    """
    group_key, fusion_key = f"{prefix}_fusion_group", f"{prefix}_fusion"
    if group_key not in st.session_state and st.session_state.get(fusion_key) in FUSIONS:
        st.session_state[group_key] = FUSIONS.group(st.session_state[fusion_key])
    lines = described(FUSION_GROUPS)
    names = {g: t(f"widgets.group_name.{g}") for g in FUSION_GROUPS}  # made now: format_func may run outside this run
    group = st.radio(
        t("widgets.fusion_group"),
        list(FUSION_GROUPS),
        format_func=names.__getitem__,
        captions=[lines[g] for g in FUSION_GROUPS],
        horizontal=True,
        key=group_key,
        disabled=disabled,
    )
    members = FUSIONS.members(group)
    if fusion_key in st.session_state and st.session_state[fusion_key] not in members:
        st.session_state[fusion_key] = members[0]  # set, not dropped: the browser would send the old pick back
    return members


def unless_set(key: str, default):
    """A widget's default, or None when the session (e.g. a shared link) has already set its value."""
    return None if key in st.session_state else default


def comparison_rows(results: Sequence[Result]) -> list[dict]:
    """Bars for `comparison_figure`: each modality alone, then each fusion result."""
    first = results[0]
    rows = [
        {"name": t("widgets.alone", modality=modality_name(m)), "accuracy": a, "kind": "single"}
        for m, a in first.per_modality.items()
    ]
    if first.fusion != "single":
        rows += [{"name": r.fusion, "accuracy": r.accuracy, "macro_f1": r.macro_f1, "kind": "fusion"} for r in results]
    return rows


def show_result(result: Result, *, key: str, trained: Trained | None = None) -> None:
    """Metrics, the split statement and the confusion matrix of one result; given the `mmdemo.ui.models.Trained`
    behind it, the matrix is clickable down to the samples (`mmdemo.ui.review.show_review`)."""
    a, b, c = st.columns(3)
    a.metric(t("widgets.accuracy"), f"{result.accuracy:.3f}")
    b.metric(t("widgets.macro_f1"), f"{result.macro_f1:.3f}")
    gain = result.fusion_gain
    c.metric(t("widgets.gain"), "—" if gain is None else f"{gain:+.3f}")
    st.caption(
        t(
            "widgets.split",
            dataset=result.dataset,
            modalities=modality_list(result.modalities),
            fusion=result.fusion,
            classifier=result.classifier,
            n_train=result.n_train,
            n_test=result.n_test,
            test_size=result.test_size,
            seed=result.seed,
            fit_seconds=result.fit_seconds,
        )
    )
    if trained is not None and trained.data is not None:
        show_review(trained, key=key)
        return
    st.plotly_chart(
        confusion_matrix_figure(result.confusion_matrix, result.class_names, text=figure_text()), key=f"{key}_confusion"
    )


def show_comparison(results: Sequence[Result], *, key: str) -> None:
    """The bar chart of single modalities vs fusion methods, on one split."""
    st.plotly_chart(comparison_figure(comparison_rows(results), text=figure_text()), key=f"{key}_comparison")
