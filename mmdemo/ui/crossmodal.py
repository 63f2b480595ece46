"""Cross-modal lab widgets: the cached experiment, the metric tables, the retrieval gallery."""

from __future__ import annotations

import streamlit as st

from mmdemo.datasets import MultimodalDataset
from mmdemo.experiments.crossmodal import SharedSpaceResult, shared_space_experiment
from mmdemo.model import FeatureCache
from mmdemo.ui.i18n import modality_list, modality_name, t
from mmdemo.ui.memo import remembered
from mmdemo.viz import image_grid_figure

__all__ = [
    "modality_name",
    "modality_list",
    "shared_space",
    "show_retrieval_metrics",
    "show_gallery",
    "show_transfer",
    "show_missing_table",
]


def shared_space(
    dataset: MultimodalDataset, *, query: str, target: str, method: str, seed: int, cache: FeatureCache
) -> SharedSpaceResult:
    """The experiment for these settings: shared by every session on bundled data, this session's on the user's."""

    def compute() -> SharedSpaceResult:
        spinner = t(
            "crossmodal.spinner", method=method.upper(), query=modality_name(query), target=modality_name(target)
        )
        with st.spinner(spinner):
            return shared_space_experiment(
                dataset, query=query, target=target, method=method, seed=seed, feature_cache=cache
            )

    return remembered(dataset, ("shared space", query, target, method, seed), compute, limit=16)


def show_retrieval_metrics(result: SharedSpaceResult) -> None:
    """Class-level precision and mAP beside chance; instance recall with what it means here."""
    r = result.retrieval
    a, b, c, d = st.columns(4)
    a.metric(
        t("crossmodal.metrics.map"),
        f"{r['mean_average_precision']:.3f}",
        t("crossmodal.metrics.chance", value=r["chance_map"]),
        delta_color="off",
        delta_arrow="off",
    )
    b.metric(
        "P@1",
        f"{r['precision_at_1']:.3f}",
        t("crossmodal.metrics.chance", value=r["chance_precision"]),
        delta_color="off",
        delta_arrow="off",
    )
    c.metric("P@5", f"{r['precision_at_5']:.3f}")
    d.metric("P@10", f"{r['precision_at_10']:.3f}")
    st.dataframe(
        [
            {"score": t("crossmodal.metrics.recall_1"), "value": r["recall_at_1"]},
            {"score": t("crossmodal.metrics.recall_5"), "value": r["recall_at_5"]},
            {"score": t("crossmodal.metrics.recall_10"), "value": r["recall_at_10"]},
            {"score": t("crossmodal.metrics.median_rank"), "value": r["median_rank"]},
        ],
        hide_index=True,
        column_config={
            "score": st.column_config.TextColumn(t("crossmodal.columns.score")),
            "value": st.column_config.NumberColumn(t("crossmodal.columns.value"), format="%.3f"),
        },
    )
    what = t("crossmodal.metrics.instance_pairs" if r["instance_pairs"] else "crossmodal.metrics.label_pairs")
    st.caption(
        t(
            "crossmodal.metrics.caption",
            n_queries=r["n_queries"],
            query=modality_name(result.query),
            n_targets=r["n_targets"],
            target=modality_name(result.target),
            what=what,
        )
    )


def show_gallery(dataset: MultimodalDataset, result: SharedSpaceResult, hits: list[tuple[int, float]]) -> None:
    """The top targets of one query, as pictures, players or texts, with their similarity."""
    target = result.target
    rows = [result.indices[i] for i, _ in hits]
    captions = [
        t("crossmodal.gallery_caption", rank=k + 1, label=dataset.class_names[dataset.y[j]], sim=s)
        for k, ((_, s), j) in enumerate(zip(hits, rows))
    ]
    if target == "image":
        st.plotly_chart(
            image_grid_figure([dataset.value("image", j) for j in rows], captions, columns=4), key="xm_gallery_images"
        )
    elif target == "audio":
        cols = st.columns(4)
        for k, j in enumerate(rows):
            with cols[k % 4]:
                st.caption(captions[k])
                st.audio(dataset.value("audio", j), sample_rate=dataset.sample_rate)
    else:
        st.dataframe(
            [{"rank": k + 1, "text": dataset.value("text", j), "result": captions[k]} for k, j in enumerate(rows)],
            hide_index=True,
            column_config={c: t(f"crossmodal.columns.{c}") for c in ("rank", "text", "result")},
        )


def show_transfer(result: SharedSpaceResult) -> None:
    """Train on one modality's projections, test on the other's, beside the target's own classifiers."""
    r = result.transfer
    source, target = modality_name(r["source"]), modality_name(r["target"])
    st.markdown(
        t(
            "crossmodal.transfer.intro",
            classifier=r["classifier"],
            source=source,
            n_train=r["n_train"],
            target=target,
            n_test=r["n_test"],
        )
    )
    a, b, c, d = st.columns(4)
    a.metric(t("crossmodal.transfer.transfer", source=source, target=target), f"{r['transfer_accuracy']:.3f}")
    b.metric(t("crossmodal.transfer.shared", target=target), f"{r['target_accuracy']:.3f}")
    c.metric(t("crossmodal.transfer.raw", target=target), f"{r['target_raw_accuracy']:.3f}")
    d.metric(t("crossmodal.transfer.chance"), f"{r['chance']:.3f}")


def show_missing_table(report: dict) -> None:
    """Accuracy per fusion method and missing modality (rows) and strategy (columns)."""
    import pandas as pd

    frame = pd.DataFrame(report["rows"])
    pivot = frame.pivot_table(
        index=["fusion", "present"], columns="strategy", values="accuracy", aggfunc="first"
    ).reset_index()
    strategies = [c for c in pivot.columns if c not in ("fusion", "present")]
    st.dataframe(
        pivot,
        hide_index=True,
        column_config={
            "fusion": t("crossmodal.columns.fusion"),
            "present": t("crossmodal.columns.present"),
            **{c: st.column_config.ProgressColumn(c, format="%.3f", min_value=0.0, max_value=1.0) for c in strategies},
        },
    )
    n = int(frame["n_test"].max())
    st.caption(t("crossmodal.missing_caption", n=n, seed=report["seed"]))
