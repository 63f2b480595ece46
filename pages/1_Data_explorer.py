"""Data explorer: browse the samples of each modality."""

import numpy as np
import streamlit as st

from mmdemo.features import mel_spectrogram_db
from mmdemo.features.audio import HOP
from mmdemo.ui.page import guard, pairing_note, setup_page
from mmdemo.viz import image_grid_figure, spectrogram_figure, waveform_figure

ds = setup_page("Data explorer", "🔎", intro="See, hear and read the samples of the chosen dataset.")
if ds is None:
    st.stop()

st.markdown(ds.description)
st.caption(pairing_note(ds))

with guard():
    st.subheader("Samples per class and modality")
    st.dataframe(ds.counts(), width="content")

    c1, c2 = st.columns([2, 1])
    chosen = c1.multiselect("Classes to show", ds.class_names, default=ds.class_names, key="explore_classes")
    n_show = c2.slider("Samples per page", 4, 48, 16, step=4, key="explore_n")
    rows = np.flatnonzero(np.isin(ds.y, [ds.class_names.index(c) for c in chosen]))
    if len(rows) == 0:
        st.warning("Pick at least one class to see its samples.")
        st.stop()
    rng = np.random.default_rng(int(st.number_input("Shuffle (seed)", 0, 9999, 0, key="explore_seed")))
    rows = rng.permutation(rows)[:n_show]

    tabs = st.tabs([m.capitalize() for m in ds.modalities])
    for tab, mod in zip(tabs, ds.modalities):
        with tab:
            present = [i for i in rows if ds.data[mod][i] is not None]
            if not present:
                st.info(f"None of these samples has {mod}.")
                continue
            if mod == "image":
                fig = image_grid_figure(
                    [ds.data["image"][i] for i in present], [f"class {ds.class_names[ds.y[i]]}" for i in present]
                )
                st.plotly_chart(fig, key="explore_images")
            elif mod == "text":
                st.dataframe(
                    {
                        "class": [ds.class_names[ds.y[i]] for i in present],
                        "text": [ds.data["text"][i] for i in present],
                        "sample": [ds.sample_ids[i] for i in present],
                    },
                    hide_index=True,
                )
            else:
                pick = st.selectbox(
                    "Clip",
                    present,
                    format_func=lambda i: f"class {ds.class_names[ds.y[i]]} · {ds.sample_ids[i]}",
                    key="explore_clip",
                )
                y = ds.data["audio"][pick]
                st.audio(y, sample_rate=ds.sample_rate)
                st.caption(f"{len(y) / ds.sample_rate:.2f} s at {ds.sample_rate} Hz")
                a, b = st.columns(2)
                a.plotly_chart(waveform_figure(y, ds.sample_rate), key="explore_wave")
                b.plotly_chart(
                    spectrogram_figure(mel_spectrogram_db(y=y, sr=ds.sample_rate), ds.sample_rate, HOP),
                    key="explore_spec",
                )
