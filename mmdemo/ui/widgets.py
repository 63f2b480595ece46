"""Widgets shared by several pages (model settings, result display)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import streamlit as st

from mmdemo.classifiers import CLASSIFIERS
from mmdemo.datasets import MultimodalDataset
from mmdemo.evaluate import Result
from mmdemo.features import DEFAULT_FEATURES, FEATURE_KINDS
from mmdemo.fusion import FUSIONS
from mmdemo.viz import comparison_figure, confusion_matrix_figure

__all__ = ["ModelSettings", "model_settings", "show_result", "show_comparison", "comparison_rows"]


@dataclass
class ModelSettings:
    """What the user picked: the arguments of `mmdemo.evaluate.train_and_evaluate`."""

    modalities: list[str]
    features: dict[str, str]
    fusion: str
    classifier: str
    test_size: float
    seed: int
    corruption: dict[str, float] = field(default_factory=dict)


def model_settings(ds: MultimodalDataset, *, prefix: str = "train") -> ModelSettings:
    """Modalities, features, fusion, classifier, split and difficulty controls."""
    mods = st.multiselect("Modalities", ds.modalities, default=ds.modalities, key=f"{prefix}_modalities")
    cols = st.columns(max(1, len(mods)))
    features = {}
    for col, m in zip(cols, mods):
        kinds = list(FEATURE_KINDS[m])
        default = ds.features.get(m, DEFAULT_FEATURES[m])
        features[m] = col.selectbox(f"{m} features", kinds, index=kinds.index(default), key=f"{prefix}_feat_{m}")
    a, b = st.columns(2)
    fusion = a.selectbox(
        "Fusion",
        list(FUSIONS),
        format_func=lambda k: FUSIONS[k],
        key=f"{prefix}_fusion",
        disabled=len(mods) < 2,
        help="Needs two or more modalities. 'late' means decision fusion: probabilities are combined, not features.",
    )
    classifier = b.selectbox(
        "Classifier", list(CLASSIFIERS), format_func=lambda k: f"{k} — {CLASSIFIERS[k]}", key=f"{prefix}_classifier"
    )
    c, d = st.columns(2)
    test_size = c.slider("Held-out fraction", 0.1, 0.5, 0.25, 0.05, key=f"{prefix}_test_size")
    seed = int(d.number_input("Seed (split, models)", 0, 9999, 0, key=f"{prefix}_seed"))
    corruption = {}
    with st.expander("Make it harder: corrupt a modality (train and test)"):
        st.caption(
            "Image: noise and a blank square · audio: white noise down to -10 dB SNR · text: typos and dropped words."
        )
        for m in mods:
            corruption[m] = st.slider(f"{m} corruption", 0.0, 1.0, 0.0, 0.1, key=f"{prefix}_corrupt_{m}")
    return ModelSettings(mods, features, fusion, classifier, test_size, seed, corruption)


def comparison_rows(results: Sequence[Result]) -> list[dict]:
    """Bars for `comparison_figure`: each modality alone, then each fusion result."""
    first = results[0]
    rows = [{"name": f"{m} alone", "accuracy": a, "kind": "single"} for m, a in first.per_modality.items()]
    if first.fusion != "single":
        rows += [{"name": r.fusion, "accuracy": r.accuracy, "macro_f1": r.macro_f1, "kind": "fusion"} for r in results]
    return rows


def show_result(result: Result, *, key: str) -> None:
    """Metrics, the split statement and the confusion matrix of one result."""
    a, b, c = st.columns(3)
    a.metric("Accuracy (held-out)", f"{result.accuracy:.3f}")
    b.metric("Macro-F1", f"{result.macro_f1:.3f}")
    gain = result.fusion_gain
    c.metric("Gain over best single modality", "—" if gain is None else f"{gain:+.3f}")
    st.caption(
        f"{result.dataset}: {', '.join(result.modalities)} · fusion {result.fusion} · {result.classifier} · "
        f"trained on {result.n_train}, scored on {result.n_test} held-out samples "
        f"(stratified split, held-out fraction {result.test_size:.2f}, seed {result.seed}) · fit {result.fit_seconds:.2f} s"
    )
    st.plotly_chart(confusion_matrix_figure(result.confusion_matrix, result.class_names), key=f"{key}_confusion")


def show_comparison(results: Sequence[Result], *, key: str) -> None:
    """The bar chart of single modalities vs fusion methods, on one split."""
    st.plotly_chart(comparison_figure(comparison_rows(results)), key=f"{key}_comparison")
