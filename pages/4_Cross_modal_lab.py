"""Cross-modal lab: a space two modalities share; retrieval, transfer, contrastive training, imagination, missing modalities."""

import streamlit as st

from mmdemo.crossmodal import SHARED_SPACES
from mmdemo.experiments.crossmodal import best_pair
from mmdemo.experiments.evaluate import missing_modality_report
from mmdemo.experiments.imagine import imagine
from mmdemo.fusion.missing import MISSING_STRATEGIES
from mmdemo.ui import state
from mmdemo.ui.crossmodal import (
    contrastive_run,
    imagination,
    modality_list,
    modality_name,
    shared_space,
    show_gallery,
    show_imagination,
    show_imagined,
    show_missing_table,
    show_retrieval_metrics,
    show_training,
    show_transfer,
)
from mmdemo.ui.data import feature_cache
from mmdemo.ui.i18n import described, figure_text, t
from mmdemo.ui.inputs import audio_input, image_input, text_input
from mmdemo.ui.memo import remembered
from mmdemo.ui.page import guard, pairing_note, setup_page
from mmdemo.viz import MODALITY_GLYPHS, correlation_figure, shared_space_figure

ds = setup_page("crossmodal")
if ds is None:
    st.stop()

with guard():
    if len(ds.modalities) < 2:
        st.warning(t("crossmodal.too_few", name=ds.name, modalities=modality_list(ds.modalities)))
        st.stop()
    # Option labels are built here, in the session's language, not inside format_func: Streamlit may call
    # format_func outside this run (AppTest does), where the session's language is not known.
    names = {m: modality_name(m) for m in ds.modalities}
    spaces = {k: t("crossmodal.option", name=k, description=v) for k, v in described(SHARED_SPACES).items()}
    first, second = best_pair(ds)  # opens on the pair the most samples have both of
    a, b, c, d = st.columns(4)
    query = a.selectbox(
        t("crossmodal.query_modality"),
        ds.modalities,
        index=ds.modalities.index(first),
        format_func=names.get,
        key="xm_query",
    )
    targets = [m for m in ds.modalities if m != query]
    target = b.selectbox(
        t("crossmodal.target_modality"),
        targets,
        index=targets.index(second) if second in targets else 0,
        format_func=names.get,
        key="xm_target",
    )
    method = c.selectbox(t("crossmodal.method"), list(SHARED_SPACES), format_func=spaces.get, key="xm_method")
    seed = int(d.number_input(t("crossmodal.seed"), 0, 9999, 0, key="xm_seed"))
    if ds.pairing == "label":
        st.info(pairing_note(ds) + t("crossmodal.label_pairing"), icon="ℹ️")

    result = shared_space(ds, query=query, target=target, method=method, seed=seed, cache=feature_cache(ds))

    sources = {"a held-out sample": t("crossmodal.from_sample"), "my own": t("crossmodal.from_own")}
    samples = [
        t("crossmodal.sample_option", sample=ds.sample_ids[j], label=ds.class_names[y])
        for j, y in zip(result.indices, result.labels)
    ]
    space_tab, retrieval_tab, transfer_tab, train_tab, imagine_tab, missing_tab = st.tabs(
        [
            t("crossmodal.tab_space"),
            t("crossmodal.tab_retrieval"),
            t("crossmodal.tab_transfer"),
            t("crossmodal.tab_train"),
            t("crossmodal.tab_imagine"),
            t("crossmodal.tab_missing"),
        ]
    )
    with space_tab:
        e, f = st.columns([1, 1])
        dims = e.radio(t("crossmodal.dimensions"), [2, 3], horizontal=True, key="xm_dims")
        lines = f.toggle(t("crossmodal.join_pairs"), value=False, key="xm_lines")
        hover = [ds.sample_ids[i] for i in result.indices]
        fig = shared_space_figure(
            result.Zq[:, :dims],
            result.Zt[:, :dims],
            result.labels,
            ds.class_names,
            (query, target),
            lines=lines,
            text=figure_text(),
            hover=hover,
            title=t(
                "crossmodal.space_title",
                query=modality_name(query),
                query_glyph=MODALITY_GLYPHS[query],
                target=modality_name(target),
                target_glyph=MODALITY_GLYPHS[target],
                method=method.upper(),
                n=len(result.indices),
            ),
        )
        st.plotly_chart(fig, key="xm_space_chart")
        st.plotly_chart(correlation_figure(result.correlations, text=figure_text()), key="xm_corr_chart")
        st.caption(
            t(
                "crossmodal.held_out_correlations",
                correlations=", ".join(f"{c:.2f}" for c in result.test_correlations[:5]),
                n_train=result.n_train,
                seed=seed,
                test_size=result.test_size,
            )
        )
    with retrieval_tab:
        show_retrieval_metrics(result)
        st.subheader(t("crossmodal.search_header", target=modality_name(target), query=modality_name(query)))
        source = st.radio(
            t("crossmodal.query_from"), list(sources), format_func=sources.get, horizontal=True, key="xm_query_source"
        )
        if source == "a held-out sample":
            pick = st.selectbox(
                t("crossmodal.query_sample"), range(len(samples)), format_func=samples.__getitem__, key="xm_pick"
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
    with train_tab:
        st.markdown(t("crossmodal.train.intro", query=modality_name(query), target=modality_name(target)))
        if ds.pairing == "label":
            st.info(t("crossmodal.train.label_positives", name=ds.name), icon="ℹ️")
        temperature = st.select_slider(
            t("crossmodal.train.temperature"), [0.05, 0.1, 0.2, 0.5, 1.0], value=0.2, key="xm_temperature"
        )
        settings = (ds.name, query, target, temperature, seed)
        if st.button(t("crossmodal.train.train"), key="xm_train_button", type="primary"):
            state.put("contrastive_trained", [*state.get("contrastive_trained")[-7:], settings])
        if settings in state.get("contrastive_trained"):
            run = contrastive_run(
                ds, query=query, target=target, temperature=temperature, seed=seed, cache=feature_cache(ds)
            )
            cca = shared_space(ds, query=query, target=target, method="cca", seed=seed, cache=feature_cache(ds))
            show_training(ds, run, cca)
        else:
            st.caption(t("crossmodal.train.press"))
    with imagine_tab:
        if target != "image" or query == "image":
            st.info(t("crossmodal.imagine.only_images", target=modality_name(target)), icon="ℹ️")
        else:
            st.markdown(t("crossmodal.imagine.intro", query=modality_name(query)))
            imagined = imagination(ds, result, feature_cache(ds))
            show_imagination(ds, imagined)
            source = st.radio(
                t("crossmodal.query_from"),
                list(sources),
                format_func=sources.get,
                horizontal=True,
                key="xm_imagine_source",
            )
            if source == "a held-out sample":
                pick = int(
                    st.selectbox(
                        t("crossmodal.query_sample"),
                        range(len(samples)),
                        format_func=samples.__getitem__,
                        key="xm_imagine_pick",
                    )
                )
                show_imagined(ds, imagined, imagined.images[pick], result.search_row(pick, k=4), key="xm_imagined")
            else:
                own = {"audio": lambda: audio_input("xm_imagine_audio"), "text": lambda: text_input("xm_imagine_text")}[
                    query
                ]()
                if own is not None:
                    show_imagined(ds, imagined, imagine(imagined, own), result.search_raw(own, k=4), key="xm_imagined")
    with missing_tab:
        st.markdown(
            t(
                "crossmodal.missing_intro",
                strategies=t("crossmodal.strategy_sep").join(
                    t("crossmodal.strategy_item", name=k, description=v)
                    for k, v in described(MISSING_STRATEGIES).items()
                ),
            )
        )
        if st.button(t("crossmodal.run_missing"), key="xm_missing_button"):
            with st.status(t("crossmodal.missing_status")) as status:
                bar = st.progress(0.0)
                rows = remembered(  # the bundled data's table is computed once for every session
                    ds,
                    ("missing_report", seed),
                    lambda: missing_modality_report(
                        ds,
                        seed=seed,
                        feature_cache=feature_cache(ds),
                        progress=lambda k, n, name: bar.progress(
                            k / n, text=t("crossmodal.method_done", name=name, k=k, n=n)
                        ),
                    ),
                )
                state.put("missing_report", {"dataset": ds.name, "seed": seed, "rows": rows})
                status.update(label=t("crossmodal.done"), state="complete")
        report = state.get("missing_report")
        if report is not None and report["dataset"] == ds.name:
            show_missing_table(report)
