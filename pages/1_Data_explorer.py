"""Data explorer: browse the samples of each modality."""

import numpy as np
import streamlit as st

from mmdemo.features import mel_spectrogram_db
from mmdemo.features.audio import HOP
from mmdemo.ui.i18n import catalogue, figure_text, say, t
from mmdemo.ui.page import guard, pairing_note, setup_page
from mmdemo.viz import image_grid_figure, spectrogram_figure, waveform_figure

ds = setup_page("explorer")
if ds is None:
    st.stop()

# A bundled dataset's description is translated; so is the one mmdemo wrote for a dataset the user built or imported.
description_key = f"explorer.description.{ds.name}"
st.markdown(t(description_key) if catalogue("en").get(description_key) == ds.description else say(ds.description))
st.caption(pairing_note(ds))

with guard():
    st.subheader(t("explorer.counts"))
    counts = {c: {t(f"names.modality.{m}"): n for m, n in row.items()} for c, row in ds.counts().items()}
    st.dataframe(counts, width="content")

    c1, c2 = st.columns([2, 1])
    chosen = c1.multiselect(t("explorer.classes"), ds.class_names, default=ds.class_names, key="explore_classes")
    n_show = c2.slider(t("explorer.per_page"), 4, 48, 16, step=4, key="explore_n")
    rows = np.flatnonzero(np.isin(ds.y, [ds.class_names.index(c) for c in chosen]))
    if len(rows) == 0:
        st.warning(t("explorer.pick_class"))
        st.stop()
    rng = np.random.default_rng(int(st.number_input(t("explorer.shuffle"), 0, 9999, 0, key="explore_seed")))
    rows = rng.permutation(rows)[:n_show]

    tabs = st.tabs([t(f"names.modality.{m}").capitalize() for m in ds.modalities])
    for tab, mod in zip(tabs, ds.modalities):
        with tab:
            present = [i for i in rows if ds.data[mod][i] is not None]
            if not present:
                st.info(t("explorer.none_has", modality=t(f"names.modality.{mod}")))
                continue
            if mod == "image":
                fig = image_grid_figure(
                    [ds.data["image"][i] for i in present],
                    [t("explorer.class_caption", name=ds.class_names[ds.y[i]]) for i in present],
                )
                st.plotly_chart(fig, key="explore_images")
            elif mod == "text":
                st.dataframe(
                    {
                        t("explorer.column_class"): [ds.class_names[ds.y[i]] for i in present],
                        t("explorer.column_text"): [ds.data["text"][i] for i in present],
                        t("explorer.column_sample"): [ds.sample_ids[i] for i in present],
                    },
                    hide_index=True,
                )
            else:
                clips = {
                    i: t("explorer.clip_option", name=ds.class_names[ds.y[i]], sample=ds.sample_ids[i]) for i in present
                }
                pick = st.selectbox(t("explorer.clip"), present, format_func=clips.get, key="explore_clip")
                y = ds.data["audio"][pick]
                st.audio(y, sample_rate=ds.sample_rate)
                st.caption(t("explorer.duration", seconds=len(y) / ds.sample_rate, rate=ds.sample_rate))
                a, b = st.columns(2)
                a.plotly_chart(waveform_figure(y, ds.sample_rate, text=figure_text()), key="explore_wave")
                b.plotly_chart(
                    spectrogram_figure(
                        mel_spectrogram_db(y=y, sr=ds.sample_rate), ds.sample_rate, HOP, text=figure_text()
                    ),
                    key="explore_spec",
                )
