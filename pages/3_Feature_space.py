"""Feature space: 2-D/3-D projections of each modality's features and of fused features."""

import numpy as np
import streamlit as st

from mmdemo.model import featurize_dataset
from mmdemo.projection import PROJECTIONS, fused_view, project
from mmdemo.ui.data import feature_cache
from mmdemo.ui.page import guard, setup_page
from mmdemo.viz import embedding_figure

ds = setup_page(
    "Feature space",
    "🗺️",
    intro="Each dot is a sample, coloured by class: classes that form separate clouds are easy to tell apart.",
)
if ds is None:
    st.stop()

with guard():
    views = list(ds.modalities)
    if len(ds.modalities) > 1:
        views += ["fused: early ⊕", "fused: tensor ⊗"]
    a, b, c, d = st.columns(4)
    view = a.selectbox("Features of", views, key="space_view")
    method = b.selectbox("Projection", list(PROJECTIONS), format_func=PROJECTIONS.get, key="space_method")
    dims = c.radio("Dimensions", [2, 3], horizontal=True, key="space_dims")
    n_max = d.slider("Samples shown", 100, max(100, ds.n_samples), min(600, ds.n_samples), 50, key="space_n")

    with st.spinner("Computing features and the projection…"):
        mods = ds.modalities if view.startswith("fused") else [view]
        X, blocks = featurize_dataset(ds, mods, feature_cache=feature_cache(ds))
        if view.startswith("fused"):
            X = fused_view(X, blocks, fusion="early" if "early" in view else "tensor")
        rows = np.random.default_rng(0).permutation(ds.n_samples)[:n_max]
        rows = rows[~np.isnan(X[rows]).all(axis=1)]
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
        title=f"{view} — {method.upper()} {dims}-D, {len(rows)} samples",
    )
    st.plotly_chart(fig, key="space_chart")
    st.caption(
        f"{X.shape[1]} feature dimensions projected to {dims}. Features are unsupervised here (labels only colour the dots); "
        "the same random sample of points (seed 0) is shown for every view."
    )
