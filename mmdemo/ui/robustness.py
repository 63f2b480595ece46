"""Robustness lab widgets: cached labs and curves, corruption sliders with previews, the ⊕ vs ⊗ lesson."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import streamlit as st

from mmdemo.corrupt import CORRUPTIONS, DEFAULT_KIND
from mmdemo.datasets import MultimodalDataset
from mmdemo.experiments.interactions import InteractionLesson, fusion_widths, interaction_lesson
from mmdemo.experiments.robustness import (
    RobustnessCurves,
    RobustnessLab,
    curve_levels,
    robustness_curves,
)
from mmdemo.ui.data import bundled_dataset, feature_cache
from mmdemo.ui.i18n import described, figure_text, listing, modality_name, t, table
from mmdemo.ui.memo import remembered
from mmdemo.ui.widgets import unless_set
from mmdemo.viz import comparison_figure, image_grid_figure

__all__ = [
    "robustness_lab",
    "curves",
    "corruption_controls",
    "show_preview",
    "show_now",
    "show_rank_and_widths",
    "lesson",
    "modality_name",
    "method_name",
    "curves_title",
    "show_table",
]

#: Column of a lab table -> its name's key in the catalogue table ``robustness.col``.
_COLUMNS = {"method": "method", "clean": "clean", "now": "now", "worst level": "worst_level", "auc": "auc"}


def method_name(name: str, modality: str | None) -> str:
    """A model of the lab in the session's language: a modality's own model is translated, a fusion method stays its name."""
    return name if modality is None else t("robustness.alone", modality=modality_name(modality))


def show_table(where, rows: Sequence[dict]) -> None:
    """A table of the lab in ``where`` (a column, or ``st``): one row per method, accuracies to three decimals.

    ``rows`` have ``method`` and ``modality`` (which names the method) and columns of `_COLUMNS`.
    """
    names = {c: t(f"robustness.col.{k}") for c, k in _COLUMNS.items()}
    shown = [
        {names[c]: method_name(v, r["modality"]) if c == "method" else v for c, v in r.items() if c != "modality"}
        for r in rows
    ]
    numbers = [c for c in rows[0] if c not in ("method", "modality")]
    where.dataframe(
        shown,
        hide_index=True,
        column_config={names[c]: st.column_config.NumberColumn(format="%.3f") for c in numbers},
    )


def show_now(lab: RobustnessLab, spec: dict[str, float]) -> None:
    """Every model under ``spec`` beside its clean accuracy: a bar chart and a table."""
    rows = lab.rows(spec)
    left, right = st.columns([3, 2])
    shown = [r | {"name": method_name(r["name"], r["modality"])} for r in rows]
    left.plotly_chart(
        comparison_figure(shown, title=t("robustness.now_title"), text=figure_text()), key="robust_now_chart"
    )
    table_rows = [
        {"method": r["name"], "modality": r["modality"], "clean": r["clean"], "now": r["accuracy"]} for r in rows
    ]
    show_table(right, table_rows)


def _kind_name(kind: str) -> str:
    return table("robustness.kind").get(kind, kind)


def curves_title(result: RobustnessCurves) -> str:
    """The title of the curves chart: what is corrupted, how, and when, in the session's language."""
    what = t("robustness.all") if result.corrupted == "all" else modality_name(result.corrupted)
    kinds = listing(
        t("robustness.curve_kind", modality=modality_name(m), kind=_kind_name(k)) for m, k in result.kinds.items()
    )
    return t("robustness.curves_title", what=what, kinds=kinds, where=t(f"robustness.where_short.{result.where}"))


def _with_progress(label: str, compute: Callable[[Callable], object]) -> Callable[[], object]:
    """``compute(progress)`` behind a progress bar saying ``label``, shown only while it runs."""

    def run():
        bar = st.progress(0.0, text=label)
        value = compute(lambda k, n, text: bar.progress(k / n, text=f"{label} {text} ({k}/{n})"))
        bar.empty()
        return value

    return run


def robustness_lab(dataset: MultimodalDataset, fusions: Sequence[str], classifier: str, seed: int) -> RobustnessLab:
    """The lab for these settings, each method trained once on clean data."""
    fit = _with_progress(
        t("robustness.progress_lab"),
        lambda progress: RobustnessLab(dataset, fusions=fusions, classifier=classifier, seed=seed).fit(
            feature_cache=feature_cache(dataset), progress=progress
        ),
    )
    return remembered(dataset, ("lab", tuple(fusions), classifier, seed), fit, limit=16)


def curves(lab: RobustnessLab, corrupted: str, kinds: dict[str, str], where: str) -> RobustnessCurves:
    """Curves for the chart: from the trained lab at test time, retrained at each level otherwise."""
    kinds = {m: kinds[m] for m in (lab.modalities if corrupted == "all" else [corrupted])}
    if where == "test":
        return lab.curve(corrupted, kinds=kinds)
    compute = _with_progress(
        t("robustness.progress_curves"),
        lambda progress: robustness_curves(
            lab.dataset,
            corrupted,
            kinds=kinds,
            levels=curve_levels(kinds, where),
            where=where,
            fusions=lab.fusions,
            classifier=lab.classifier,
            seed=lab.seed,
            feature_cache=feature_cache(lab.dataset),
            progress=progress,
        ),
    )
    key = ("curves", corrupted, tuple(sorted(kinds.items())), where, tuple(lab.fusions), lab.classifier, lab.seed)
    return remembered(lab.dataset, key, compute, limit=16)


def corruption_controls(modalities: Sequence[str]) -> tuple[dict[str, str], dict[str, float]]:
    """One column per modality: the kind of corruption and its test-time level; returns (kinds, levels)."""
    kinds, levels = {}, {}
    for col, m in zip(st.columns(len(modalities)), modalities):
        options = list(CORRUPTIONS[m])
        lines = described(CORRUPTIONS[m])
        # labels made now, in this run's language: widgets may call format_func outside the run
        labels = {k: t("robustness.kind_option", kind=_kind_name(k), description=lines[k]) for k in options}
        kinds[m] = col.selectbox(
            t("robustness.kind_label", modality=modality_name(m)),
            options,
            index=unless_set(f"robust_kind_{m}", options.index(DEFAULT_KIND[m])) or 0,
            format_func=labels.__getitem__,
            key=f"robust_kind_{m}",
        )
        levels[m] = col.slider(
            t("robustness.level_label", modality=modality_name(m)),
            0.0,
            1.0,
            unless_set(f"robust_level_{m}", 0.0),
            0.1,
            key=f"robust_level_{m}",
        )
    return kinds, levels


def show_preview(lab: RobustnessLab, spec: dict[str, float], levels: dict[str, float], *, n: int = 6) -> None:
    """What the models see under ``spec``: held-out samples of each modality after corruption at ``levels``."""
    ds = lab.corrupted_test(spec)
    rows = np.arange(min(n, ds.n_samples))
    for col, m in zip(st.columns(len(lab.modalities)), lab.modalities):
        values = [ds.value(m, int(i)) for i in rows]
        labels = [ds.class_names[ds.y[i]] for i in rows]
        col.markdown(t("robustness.preview_header", modality=modality_name(m), level=levels[m]))
        present = [(v, c) for v, c in zip(values, labels) if v is not None]
        if len(present) < len(values):
            col.caption(
                t(
                    "robustness.preview_missing",
                    missing=len(values) - len(present),
                    total=len(values),
                    modality=modality_name(m),
                )
            )
        if not present:
            continue
        if m == "image":
            fig = image_grid_figure(
                [v for v, _ in present], [t("robustness.class_caption", name=c) for _, c in present], columns=3
            )
            col.plotly_chart(fig, key=f"robust_preview_{m}")
        elif m == "audio":
            clip, c = present[0]
            col.caption(t("robustness.class_caption", name=c))
            col.audio(np.asarray(clip, dtype=np.float32), sample_rate=ds.sample_rate)
        else:
            col.markdown("\n".join(t("robustness.text_sample", value=v, name=c) for v, c in present[:4]))


def show_rank_and_widths(xor: InteractionLesson, others: dict[str, dict[str, int]]) -> None:
    """Why ⊗'s weights are nearly rank one, and how wide each fused vector is on xor-shapes and ``others``
    (dataset name -> feature width per modality)."""
    sv, (rows, cols) = xor.singular_values, xor.weights.shape
    k = xor.n_components
    st.markdown(t("xor.rank_text", k=k, rows=rows, cols=cols, cells=xor.weights.size, sv0=sv[0], sv1=sv[1], sv2=sv[2]))
    st.markdown(t("xor.widths_intro"))
    col = table("xor.col")
    for name, dims in {"xor-shapes": xor.feature_dims, **others}.items():
        listed = listing(t("xor.width_item", modality=modality_name(m), d=d) for m, d in dims.items())
        st.caption(t("xor.widths_caption", dataset=name, dims=listed))
        widths = fusion_widths(dims, n_components=k)
        st.dataframe(
            [
                {
                    col["method"]: t(f"xor.width_method.{key}", n=k),
                    col["formula"]: t("xor.fixed") if key == "sketch" else r["formula"],
                    col["width"]: r["width"],
                }
                for key, r in zip(("early", "raw", "pca", "sketch"), widths)
            ],
            hide_index=True,
            column_config={col["width"]: st.column_config.NumberColumn(format="%d")},
        )


def lesson(seed: int) -> InteractionLesson:
    """The xor-shapes lesson (bundled data, shared by every session); callers show their own spinner."""
    xor = bundled_dataset("xor-shapes")
    return remembered(
        xor, ("lesson", seed), lambda: interaction_lesson(xor, seed=seed, feature_cache=feature_cache(xor)), limit=4
    )
