"""Train & compare: one model's held-out metrics, and every fusion method on the same split."""

from dataclasses import replace

import streamlit as st

from mmdemo.experiments.evaluate import compare, cross_validate
from mmdemo.fusion import FUSION_GROUPS, FUSIONS
from mmdemo.ui import state
from mmdemo.ui.i18n import described, t
from mmdemo.ui.models import train_model, training_data
from mmdemo.ui.page import guard, setup_page
from mmdemo.ui.review import show_rank_curve
from mmdemo.ui.share import share_settings
from mmdemo.ui.widgets import model_settings, show_comparison, show_result

ds = setup_page("train")
if ds is None:
    st.stop()

with guard():
    s = model_settings(ds)
    share_settings(s)
    train_col, compare_col = st.columns(2)
    train_clicked = train_col.button(
        t("train.train"), type="primary", key="train_button", disabled=not s.modalities, width="stretch"
    )
    compare_clicked = compare_col.button(
        t("train.compare"),
        key="compare_button",
        disabled=len(s.modalities) < 2,
        width="stretch",
        help=t("train.compare_help"),
    )
    with_cv = st.checkbox(t("train.with_cv"), key="train_cv")
    if not s.modalities:
        st.warning(t("train.no_modality"))

    if train_clicked or compare_clicked:
        common = dict(modalities=s.modalities, classifier=s.classifier, features=s.features, seed=s.seed)
        with st.status(t("widgets.training"), expanded=True) as status:
            if train_clicked:
                st.write(t("train.fitting"))
                trained = train_model(ds, s)
                if with_cv:
                    st.write(t("train.cross_validating"))
                    trained.cv = cross_validate(
                        trained.data, fusion=s.fusion, n_splits=5, feature_cache=trained.cache, **common
                    )
                state.put("trained", trained)
                state.put("comparison", None)
            else:
                data, cache = training_data(ds, s.corruption, seed=s.seed)
                bar = st.progress(0.0, text=t("train.comparing"))
                results = compare(
                    data,
                    test_size=s.test_size,
                    feature_cache=cache,
                    progress=lambda k, n, name: bar.progress(k / n, text=t("train.method_done", name=name, k=k, n=n)),
                    **common,
                )
                state.put("comparison", {"results": results, "settings": s})
            status.update(label=t("widgets.done"), state="complete", expanded=False)

    trained, comparison = state.get("trained"), state.get("comparison")
    if comparison is not None:
        st.subheader(t("train.every_method"))
        show_comparison(comparison["results"], key="cmp")
        best = max(comparison["results"], key=lambda r: r.accuracy)
        st.markdown(t("train.best", fusion=best.fusion, accuracy=best.accuracy))
        for group in FUSION_GROUPS:
            top = max((r for r in comparison["results"] if r.group == group), key=lambda r: r.accuracy, default=None)
            if top is not None:
                st.markdown(t(f"train.best_of.{group}", fusion=top.fusion, accuracy=top.accuracy))
        col = {k: t(f"train.column.{k}") for k in ("group", "method", "accuracy", "macro_f1", "gain", "fit")}
        st.dataframe(
            [
                {
                    col["group"]: t(f"widgets.group_name.{r.group}"),
                    col["method"]: r.fusion,
                    col["accuracy"]: r.accuracy,
                    col["macro_f1"]: r.macro_f1,
                    col["gain"]: r.fusion_gain,
                    col["fit"]: r.fit_seconds,
                }
                for r in comparison["results"]
            ],
            hide_index=True,
            height="content",  # every method in sight, none behind a scroll bar
            column_config={
                col[k]: st.column_config.NumberColumn(format="%.3f") for k in ("accuracy", "macro_f1", "gain")
            }
            | {col["fit"]: st.column_config.NumberColumn(format="%.2f")},
        )
        methods = [r.fusion for r in comparison["results"]]
        shown = described(FUSIONS)
        look = st.selectbox(
            t("train.look_at"),
            methods,
            index=methods.index(best.fusion),
            format_func=lambda f: t("widgets.classifier_option", name=f, description=shown[f]),
            key="train_look_at",
            help=t("train.look_help"),
        )
        with st.spinner(t("train.fitting")):
            behind = train_model(ds, replace(comparison["settings"], fusion=look))  # the same split: the same result
        show_result(behind.result, key="cmp_best", trained=behind)
    elif trained is not None and trained.result is not None:
        st.subheader(t("train.held_out"))
        show_comparison([trained.result], key="train")
        show_result(trained.result, key="train", trained=trained)
        if trained.cv:
            cv = trained.cv
            st.markdown(
                t(
                    "train.cv_result",
                    seed=trained.result.seed,
                    mean=cv["mean"],
                    std=cv["std"],
                    folds=", ".join(f"{a:.3f}" for a in cv["folds"]),
                )
            )
    else:
        st.info(t("train.hint"), icon="👆")

    if len(s.modalities) > 1:
        with st.expander(t("review.rank_heading")):
            st.markdown(t("review.rank_intro"))
            asked = (ds.name, tuple(s.modalities), s.seed, s.test_size)
            if st.button(t("review.rank_button"), key="train_rank_button"):
                state.put("rank_curve", asked)
            if state.get("rank_curve") == asked:
                show_rank_curve(ds, s.modalities, seed=s.seed, test_size=s.test_size, key="train")
