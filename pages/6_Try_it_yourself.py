"""Try it yourself: give an image, a recording and/or a text; see what the model sees and predicts."""

import streamlit as st

from mmdemo.crossmodal import MISSING_STRATEGIES
from mmdemo.ui.inputs import audio_input, image_input, text_input
from mmdemo.ui.models import active_model, describe, usable_strategy
from mmdemo.ui.page import guard, setup_page
from mmdemo.viz import image_grid_figure, probability_figure, waveform_figure

setup_page(
    "Try it yourself",
    "✍️",
    intro="Draw, photograph, record or type one sample — any subset of modalities — and see the prediction of each modality and of the fusion.",
    pick_dataset=False,
)

with guard():
    result, model, origin = active_model()
    st.info(describe(result, origin, model) + " Train another on *Train & compare* to use it here.", icon="🧠")
    uses = model.modalities
    cols = st.columns(len(uses))
    given: dict = {}
    for col, mod in zip(cols, uses):
        with col:
            st.subheader(mod.capitalize())
            if mod == "image":
                given["image"] = image_input("try_image")
            elif mod == "audio":
                given["audio"] = audio_input("try_audio")
            else:
                given["text"] = text_input("try_text")
    given = {m: v for m, v in given.items() if v is not None}

    if not given:
        st.info(f"Give at least one input ({', '.join(uses)}) to see a prediction.", icon="👆")
        st.stop()

    st.divider()
    st.subheader("What the model sees")
    seen = model.prepared(**given)
    cols = st.columns(len(seen))
    for col, (mod, value) in zip(cols, seen.items()):
        with col:
            if mod == "image":
                st.plotly_chart(
                    image_grid_figure([value], [f"{value.shape[0]}x{value.shape[1]} digit form"], columns=1),
                    key="try_seen_image",
                )
            elif mod == "audio":
                st.plotly_chart(
                    waveform_figure(value, model.sample_rate_, title="Trimmed, normalised clip"), key="try_seen_audio"
                )
                st.audio(value, sample_rate=model.sample_rate_)
            else:
                st.markdown("**Character n-grams the model knows**")
                st.code(" · ".join(value[:60]) or "(none: the model has never seen these letters)", language=None)

    missing = "fusion default"
    if len(given) < len(uses):
        missing = st.selectbox(
            "A modality is missing: predict by",
            list(MISSING_STRATEGIES),
            format_func=lambda k: f"{k} — {MISSING_STRATEGIES[k]}",
            key="try_missing",
        )
        missing = usable_strategy(missing, model)
    out = model.predict_sample(**given, missing=missing)
    st.subheader(f"Prediction: {out['label']}")
    st.caption(f"Missing-modality strategy: {out['missing_strategy']}. Used: {', '.join(out['used'])}.")
    panels = [("fused", out["probabilities"])] + list(out["per_modality"].items())
    cols = st.columns(len(panels))
    for col, (name, proba) in zip(cols, panels):
        title = "Fused model" if name == "fused" else f"{name} alone"
        col.plotly_chart(probability_figure(proba, title=title), key=f"try_proba_{name}")
