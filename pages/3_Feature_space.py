"""Feature space: 2-D/3-D projections of each modality's features and of fused features."""

import streamlit as st

from mmdemo.experiments.feature_space import feature_map
from mmdemo.projection import PROJECTIONS
from mmdemo.ui.data import feature_cache
from mmdemo.ui.i18n import described, figure_text, t
from mmdemo.ui.page import guard, setup_page
from mmdemo.viz import embedding_figure

ds = setup_page("space")
if ds is None:
    st.stop()

#: Fused view -> the fusion it shows (single modalities are shown by their name).
FUSED = {"fused: early ⊕": "early", "fused: tensor ⊗": "tensor"}


def view_label(view: str) -> str:
    return t(f"space.fused_{FUSED[view]}") if view in FUSED else t(f"names.modality.{view}")


with guard():
    views = list(ds.modalities)
    if len(ds.modalities) > 1:
        views += list(FUSED)
    a, b, c, d = st.columns(4)
    view = a.selectbox(t("space.view"), views, format_func={v: view_label(v) for v in views}.get, key="space_view")
    projections = described(PROJECTIONS)
    method = b.selectbox(
        t("space.projection"),
        list(PROJECTIONS),
        format_func=projections.__getitem__,
        key="space_method",
    )
    dims = c.radio(t("space.dims"), [2, 3], horizontal=True, key="space_dims")
    n_max = d.slider(t("space.n_shown"), 100, max(100, ds.n_samples), min(600, ds.n_samples), 50, key="space_n")

    with st.spinner(t("space.spinner")):
        fm = feature_map(
            ds, FUSED.get(view, view), method=method, n_components=dims, n_max=n_max, feature_cache=feature_cache(ds)
        )
    coords, rows = fm.coords, fm.rows
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
    st.caption(t("space.caption", n_features=fm.n_features, dims=dims))
