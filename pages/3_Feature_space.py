"""Feature space: 2-D/3-D projections of each modality's features and of fused features."""

import numpy as np
import streamlit as st

from mmdemo.fusion import present_rows
from mmdemo.model import featurize_dataset
from mmdemo.projection import PROJECTIONS, fused_view, project
from mmdemo.ui.data import feature_cache
from mmdemo.ui.i18n import figure_text, t, table
from mmdemo.ui.page import guard, setup_page
from mmdemo.viz import embedding_figure

ds = setup_page(t("space.title"), "🗺️", intro=t("space.intro"))
if ds is None:
    st.stop()

#: View value -> key of its label (single modalities are named by `names.modality`).
FUSED = {"fused: early ⊕": "space.fused_early", "fused: tensor ⊗": "space.fused_tensor"}


def view_label(view: str) -> str:
    return t(FUSED[view]) if view in FUSED else t(f"names.modality.{view}")


with guard():
    views = list(ds.modalities)
    if len(ds.modalities) > 1:
        views += list(FUSED)
    a, b, c, d = st.columns(4)
    view = a.selectbox(t("space.view"), views, format_func={v: view_label(v) for v in views}.get, key="space_view")
    projections = table("names.projection")
    method = b.selectbox(
        t("space.projection"),
        list(PROJECTIONS),
        format_func=lambda m: projections.get(m, PROJECTIONS[m]),
        key="space_method",
    )
    dims = c.radio(t("space.dims"), [2, 3], horizontal=True, key="space_dims")
    n_max = d.slider(t("space.n_shown"), 100, max(100, ds.n_samples), min(600, ds.n_samples), 50, key="space_n")

    with st.spinner(t("space.spinner")):
        mods = ds.modalities if view.startswith("fused") else [view]
        X, blocks = featurize_dataset(ds, mods, feature_cache=feature_cache(ds))
        if view.startswith("fused"):
            X = fused_view(X, blocks, fusion="early" if "early" in view else "tensor")
        rows = np.random.default_rng(0).permutation(ds.n_samples)[:n_max]
        rows = rows[present_rows(X[rows])]
        coords = project(X[rows], method=method, n_components=dims, seed=0)
    hover = [
        f"{ds.sample_ids[i]}" + (f"<br>“{ds.data['text'][i]}”" if "text" in ds.data and ds.data["text"][i] else "")
        for i in rows
    ]
    fig = embedding_figure(
        coords,
        ds.y[rows],
        ds.class_names,
        hover=hover,
        title=t("space.figure_title", view=view_label(view), method=method.upper(), dims=dims, n=len(rows)),
        text=figure_text(),
    )
    st.plotly_chart(fig, key="space_chart")
    st.caption(t("space.caption", n_features=X.shape[1], dims=dims))
