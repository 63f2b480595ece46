"""Cross-modal lab: a space two modalities share; retrieval, transfer and missing modalities."""

import streamlit as st

from mmdemo.crossmodal import MISSING_STRATEGIES, SHARED_SPACES
from mmdemo.evaluate import missing_modality_report
from mmdemo.ui import state
from mmdemo.ui.crossmodal import shared_space, show_gallery, show_missing_table, show_retrieval_metrics, show_transfer
from mmdemo.ui.data import feature_cache
from mmdemo.ui.inputs import audio_input, image_input, text_input
from mmdemo.ui.page import guard, pairing_note, setup_page
from mmdemo.viz import MODALITY_GLYPHS, correlation_figure, shared_space_figure

ds = setup_page(
    "Cross-modal lab",
    "🔗",
    intro="Learn one space that two modalities share, then use it: find the sound that goes with a picture, "
    "train on one modality and test on another, predict when a modality is missing.",
)
if ds is None:
    st.stop()

with guard():
    if len(ds.modalities) < 2:
        st.warning(f"{ds.name} has only {', '.join(ds.modalities)}; the cross-modal lab needs two modalities.")
        st.stop()
    a, b, c, d = st.columns(4)
    query = a.selectbox("Query modality", ds.modalities, key="xm_query")
    targets = [m for m in ds.modalities if m != query]
    target = b.selectbox("Target modality", targets, key="xm_target")
    method = c.selectbox(
        "Shared space", list(SHARED_SPACES), format_func=lambda k: f"{k} — {SHARED_SPACES[k]}", key="xm_method"
    )
    seed = int(d.number_input("Seed", 0, 9999, 0, key="xm_seed"))
    if ds.pairing == "label":
        st.info(
            pairing_note(ds)
            + " So instance-level recall (finding *the* clip of *this* image) is no better than a random pick within the class, "
            "by construction; read the class-level precision and mAP.",
            icon="ℹ️",
        )

    result = shared_space(ds, query=query, target=target, method=method, seed=seed, cache=feature_cache(ds))

    space_tab, retrieval_tab, transfer_tab, missing_tab = st.tabs(
        ["Shared space", "Retrieval", "Transfer", "Missing modality"]
    )
    with space_tab:
        e, f = st.columns([1, 1])
        dims = e.radio("Dimensions", [2, 3], horizontal=True, key="xm_dims")
        lines = f.toggle("Join the two modalities of each sample", value=False, key="xm_lines")
        hover = [ds.sample_ids[i] for i in result.indices]
        fig = shared_space_figure(
            result.Zq[:, :dims],
            result.Zt[:, :dims],
            result.labels,
            ds.class_names,
            (query, target),
            lines=lines,
            hover=hover,
            title=f"{query} ({MODALITY_GLYPHS[query]}) and {target} ({MODALITY_GLYPHS[target]}) in one {method.upper()} space — {len(result.indices)} held-out samples",
        )
        st.plotly_chart(fig, key="xm_space_chart")
        st.plotly_chart(correlation_figure(result.correlations), key="xm_corr_chart")
        st.caption(
            "On the held-out samples the same components correlate "
            + ", ".join(f"{c:.2f}" for c in result.test_correlations[:5])
            + f"… (fitted on {result.n_train} training pairs; split seed {seed}, held-out fraction {result.test_size:.2f})."
        )
    with retrieval_tab:
        show_retrieval_metrics(result)
        st.subheader(f"Search the held-out {target} with one {query}")
        source = st.radio("Query from", ["a held-out sample", "my own"], horizontal=True, key="xm_query_source")
        if source == "a held-out sample":
            pick = st.selectbox(
                "Query sample",
                range(len(result.indices)),
                format_func=lambda i: f"{ds.sample_ids[result.indices[i]]} (class {ds.class_names[result.labels[i]]})",
                key="xm_pick",
            )
            hits = result.search_row(int(pick), k=8)
        else:
            own = {
                "image": lambda: image_input("xm_own_image"),
                "audio": lambda: audio_input("xm_own_audio"),
                "text": lambda: text_input("xm_own_text"),
            }[query]()
            hits = result.search_raw(own, k=8) if own is not None else None
        if hits is not None:
            show_gallery(ds, result, hits)
    with transfer_tab:
        show_transfer(result)
    with missing_tab:
        st.markdown(
            "Train every fusion method with all modalities, then hide one modality of the held-out samples and predict "
            "with what is left, by each strategy: "
            + "; ".join(f"**{k}** — {v}" for k, v in MISSING_STRATEGIES.items())
            + "."
        )
        if st.button("Run the missing-modality experiment", key="xm_missing_button"):
            with st.status("Training each fusion method and predicting with modalities hidden…") as status:
                rows = missing_modality_report(ds, seed=seed, feature_cache=feature_cache(ds))
                state.put("missing_report", {"dataset": ds.name, "seed": seed, "rows": rows})
                status.update(label="Done", state="complete")
        report = state.get("missing_report")
        if report is not None and report["dataset"] == ds.name:
            show_missing_table(report)
