"""Cross-modal lab widgets: the cached experiment, the metric tables, the retrieval gallery."""

from __future__ import annotations

import streamlit as st

from mmdemo.crossmodal import SharedSpaceResult, shared_space_experiment
from mmdemo.datasets import MultimodalDataset
from mmdemo.model import FeatureCache
from mmdemo.viz import image_grid_figure

__all__ = ["shared_space", "show_retrieval_metrics", "show_gallery", "show_transfer", "show_missing_table"]


def shared_space(
    dataset: MultimodalDataset, *, query: str, target: str, method: str, seed: int, cache: FeatureCache
) -> SharedSpaceResult:
    """The experiment for these settings, kept in this session so redrawing costs nothing."""
    memo = st.session_state.setdefault("xm_results", {})
    key = (dataset.name, id(dataset), query, target, method, seed)
    if key not in memo:
        with st.spinner(f"Fitting a {method.upper()} space of {query} and {target}…"):
            memo.clear()  # keep one result per session: they hold projections of the whole test split
            memo[key] = shared_space_experiment(
                dataset, query=query, target=target, method=method, seed=seed, feature_cache=cache
            )
    return memo[key]


def show_retrieval_metrics(result: SharedSpaceResult) -> None:
    """Class-level precision and mAP beside chance; instance recall with what it means here."""
    r = result.retrieval
    a, b, c, d = st.columns(4)
    a.metric(
        "mAP (class-level)",
        f"{r['mean_average_precision']:.3f}",
        f"chance {r['chance_map']:.3f}",
        delta_color="off",
        delta_arrow="off",
    )
    b.metric(
        "P@1", f"{r['precision_at_1']:.3f}", f"chance {r['chance_precision']:.3f}", delta_color="off", delta_arrow="off"
    )
    c.metric("P@5", f"{r['precision_at_5']:.3f}")
    d.metric("P@10", f"{r['precision_at_10']:.3f}")
    st.dataframe(
        [
            {"score": "Recall@1 (instance)", "value": r["recall_at_1"]},
            {"score": "Recall@5 (instance)", "value": r["recall_at_5"]},
            {"score": "Recall@10 (instance)", "value": r["recall_at_10"]},
            {"score": "median rank of the sample's own partner", "value": r["median_rank"]},
        ],
        hide_index=True,
        column_config={"value": st.column_config.NumberColumn(format="%.3f")},
    )
    what = (
        "the dataset's pairs are real instance pairs, so these say how often a sample's own partner is found"
        if r["instance_pairs"]
        else "the pairs were formed by label only, so a sample's 'own' partner is just one of many right answers: these are no better than a random pick within the class"
    )
    st.caption(
        f"{r['n_queries']} held-out {result.query} queries ranked all {r['n_targets']} held-out {result.target} samples by cosine "
        f"similarity in the shared space. Class-level scores count any target of the query's class as right. Instance recall: {what}."
    )


def show_gallery(dataset: MultimodalDataset, result: SharedSpaceResult, hits: list[tuple[int, float]]) -> None:
    """The top targets of one query, as pictures, players or texts, with their similarity."""
    target = result.target
    rows = [result.indices[i] for i, _ in hits]
    captions = [
        f"#{k + 1} · class {dataset.class_names[dataset.y[j]]} · sim {s:.2f}"
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
        )


def show_transfer(result: SharedSpaceResult) -> None:
    """Train on one modality's projections, test on the other's, beside the target's own classifiers."""
    t = result.transfer
    st.markdown(
        f"A classifier ({t['classifier']}) is trained on the **{t['source']}** projections of {t['n_train']} training samples "
        f"and tested on the **{t['target']}** projections of {t['n_test']} held-out samples: it has never seen a {t['target']} sample."
    )
    a, b, c, d = st.columns(4)
    a.metric(f"{t['source']} → {t['target']} (transfer)", f"{t['transfer_accuracy']:.3f}")
    b.metric(f"{t['target']} → {t['target']} (shared space)", f"{t['target_accuracy']:.3f}")
    c.metric(f"{t['target']} raw features", f"{t['target_raw_accuracy']:.3f}")
    d.metric("chance (largest class)", f"{t['chance']:.3f}")


def show_missing_table(report: dict) -> None:
    """Accuracy per fusion method and missing modality (rows) and strategy (columns)."""
    import pandas as pd

    frame = pd.DataFrame(report["rows"])
    table = frame.pivot_table(
        index=["fusion", "present"], columns="strategy", values="accuracy", aggfunc="first"
    ).reset_index()
    strategies = [c for c in table.columns if c not in ("fusion", "present")]
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            c: st.column_config.ProgressColumn(c, format="%.3f", min_value=0.0, max_value=1.0) for c in strategies
        },
    )
    n = int(frame["n_test"].max())
    st.caption(
        f"Accuracy on up to {n} held-out samples (seed {report['seed']}); 'present' lists the modalities left; "
        "strategy 'none' is every modality present; fusion 'single' is one modality's own model."
    )
