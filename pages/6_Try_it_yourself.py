"""Try it yourself: give an image, a recording and/or a text; see what the model sees and predicts."""

import streamlit as st

from mmdemo.fusion import FUSIONS
from mmdemo.fusion.missing import MISSING_STRATEGIES
from mmdemo.ui.crossmodal import modality_list, modality_name, show_imagined_from
from mmdemo.ui.data import bundled_dataset, feature_cache
from mmdemo.ui.i18n import described, figure_text, say, t
from mmdemo.ui.inputs import audio_input, image_input, text_input
from mmdemo.ui.models import active_model, describe, usable_strategy
from mmdemo.ui.page import guard, setup_page
from mmdemo.ui.review import show_why
from mmdemo.viz import image_grid_figure, probability_figure, waveform_figure

setup_page("try", pick_dataset=False)

with guard():
    result, model, origin = active_model()
    st.info(describe(result, origin, model) + t("try.train_another"), icon="🧠")
    uses = model.modalities
    cols = st.columns(len(uses))
    given: dict = {}
    for col, mod in zip(cols, uses):
        with col:
            st.subheader(modality_name(mod).capitalize())
            if mod == "image":
                given["image"] = image_input("try_image")
            elif mod == "audio":
                given["audio"] = audio_input("try_audio")
            else:
                given["text"] = text_input("try_text")
    given = {m: v for m, v in given.items() if v is not None}

    if not given:
        st.info(t("try.give_input", modalities=modality_list(uses)), icon="👆")
        st.stop()

    st.divider()
    st.subheader(t("try.sees"))
    values = model.prepare_inputs(**given)
    seen = model.as_seen(values)
    cols = st.columns(len(seen))
    for col, (mod, value) in zip(cols, seen.items()):
        with col:
            if mod == "image":
                form = t("try.digit_form", rows=value.shape[0], cols=value.shape[1])
                st.plotly_chart(image_grid_figure([value], [form], columns=1), key="try_seen_image")
            elif mod == "audio":
                st.plotly_chart(
                    waveform_figure(value, model.sample_rate_, title=t("try.trimmed"), text=figure_text()),
                    key="try_seen_audio",
                )
                st.audio(value, sample_rate=model.sample_rate_)
            else:
                st.markdown(t("try.ngrams"))
                st.code(" · ".join(value[:60]) or t("try.no_ngrams"), language=None)

    missing = "fusion default"
    if len(given) < len(uses):
        # labels built in this run: format_func may be called outside it, where the language is unknown
        strategies = {
            k: t("crossmodal.option", name=k, description=v) for k, v in described(MISSING_STRATEGIES).items()
        }
        missing = st.selectbox(
            t("try.missing_label"), list(MISSING_STRATEGIES), format_func=strategies.get, key="try_missing"
        )
        missing = usable_strategy(missing, model)
    features = model.prepared_features(values)  # once, for the answer and for why
    out = model.predict_prepared(values, missing=missing, features=features)
    st.subheader(t("try.prediction", label=out["label"]))
    st.caption(t("try.strategy_caption", strategy=say(out["missing_strategy"]), used=modality_list(out["used"])))
    cross_modal = model.fusion_ in FUSIONS and FUSIONS.group(model.fusion_) == "cross-modal"
    if cross_modal and missing == "fusion default" and len(given) < len(uses):
        left_out = [m for m in uses if m not in given]
        st.success(
            t(
                "try.shared_answers",
                fusion=model.fusion_,
                used=modality_list(out["used"]),
                missing=modality_list(left_out),
            ),
            icon="🔗",
        )
    panels = [("fused", out["probabilities"])] + list(out["per_modality"].items())
    cols = st.columns(len(panels))
    for col, (name, proba) in zip(cols, panels):
        title = t("try.fused") if name == "fused" else t("try.alone", modality=modality_name(name))
        col.plotly_chart(probability_figure(proba, title=title), key=f"try_proba_{name}")
    show_why(model, values, features)

    digits = bundled_dataset("av-digits")
    heard = [m for m in ("audio", "text") if m in given]
    if heard and list(model.class_names_) == list(digits.class_names):
        st.divider()
        st.subheader(t("try.imagine_header"))
        st.markdown(t("try.imagine_intro"))
        for mod in heard:
            st.markdown(t("try.imagined_from", modality=modality_name(mod)))
            show_imagined_from(digits, mod, given[mod], cache=feature_cache(digits), key=f"try_imagined_{mod}")
