"""Robustness lab: degrade or remove a modality and see which fusion survives; why some tasks need ⊗."""

import streamlit as st

from mmdemo.classifiers import CLASSIFIERS
from mmdemo.experiments.interactions import TOY_MODELS
from mmdemo.experiments.robustness import DEFAULT_FUSIONS, WHERE, RobustnessLab, corruption_spec
from mmdemo.fusion import FUSIONS
from mmdemo.ui.data import bundled_dataset
from mmdemo.ui.i18n import described, figure_text, modality_list, t
from mmdemo.ui.page import guard, setup_page
from mmdemo.ui.review import show_rank_curve
from mmdemo.ui.robustness import (
    corruption_controls,
    curves,
    curves_title,
    lesson,
    modality_name,
    robustness_lab,
    show_now,
    show_preview,
    show_rank_and_widths,
    show_table,
)
from mmdemo.ui.share import levels_param, share
from mmdemo.ui.widgets import show_comparison, unless_set
from mmdemo.viz import decision_regions_figure, outer_product_figure, robustness_figure

ds = setup_page("robustness")
if ds is None:
    st.stop()

corrupt_tab, xor_tab = st.tabs([t("robustness.tab_corrupt"), t("robustness.tab_xor")])


def corruption_tab() -> RobustnessLab | None:
    """The corruption lab on the picked dataset; its trained lab, or None where it cannot run (a message says why).

    It returns instead of calling ``st.stop()``, which would stop the whole page: the ⊕ vs ⊗ tab must still show.
    """
    if len(ds.modalities) < 2:
        st.warning(t("robustness.one_modality", dataset=ds.name, modalities=modality_list(ds.modalities)))
        return None
    a, b, c = st.columns([3, 2, 1])
    fusions = a.multiselect(
        t("robustness.fusions"),
        list(FUSIONS),
        default=unless_set("robust_fusions", list(DEFAULT_FUSIONS)),
        key="robust_fusions",
        help=t("robustness.fusions_help"),
    )
    # option labels are made now, in this run's language: widgets may call format_func outside the run
    classifiers = {
        k: t("robustness.classifier_option", name=k, description=line) for k, line in described(CLASSIFIERS).items()
    }
    classifier = b.selectbox(
        t("robustness.classifier"),
        list(CLASSIFIERS),
        format_func=classifiers.__getitem__,
        key="robust_classifier",
    )
    seed = int(c.number_input(t("robustness.seed"), 0, 9999, unless_set("robust_seed", 0), key="robust_seed"))
    share(fusions=fusions, classifier=classifier, seed=seed)  # the URL follows the settings as they are made
    if not fusions:
        st.warning(t("robustness.no_fusion"))
        return None
    lab = robustness_lab(ds, fusions, classifier, seed)
    st.caption(t("robustness.split_caption", n_train=len(lab.train_), n_test=len(lab.test_), seed=seed))

    st.subheader(t("robustness.step_corrupt"))
    kinds, levels = corruption_controls(lab.modalities)
    share(test_corrupt=levels_param(levels, kinds))
    spec = corruption_spec(lab.modalities, levels, kinds)
    show_preview(lab, spec, levels)
    with st.spinner(t("robustness.scoring")):
        show_now(lab, spec)

    st.subheader(t("robustness.step_curves"))
    d, e = st.columns(2)
    targets = {m: modality_name(m) for m in lab.modalities} | {"all": t("robustness.all_modalities")}
    corrupted = d.radio(
        t("robustness.corrupt"), list(targets), horizontal=True, format_func=targets.__getitem__, key="robust_curve_for"
    )
    where_names = described(WHERE)
    where = e.radio(t("robustness.corrupt_at"), list(WHERE), format_func=where_names.__getitem__, key="robust_where")
    share(curve=corrupted, where=where)
    with st.spinner(t("robustness.scoring_levels")):
        result = curves(lab, corrupted, kinds, where)
    marker = levels[corrupted] if corrupted != "all" else None
    st.plotly_chart(
        robustness_figure(result, marker=marker, title=curves_title(result), text=figure_text()),
        key="robust_curves_chart",
    )
    show_table(st, result.summary())
    best = max(result.fused, key=lambda f: result.auc()[f])
    st.caption(
        t(
            "robustness.auc_caption",
            chance=result.chance,
            best=best,
            levels=", ".join(f"{v:g}" for v in result.levels),
            n_test=result.n_test,
            seed=result.seed,
        )
    )
    return lab


lab = None  # stays None if the tab cannot run or its guard caught an error
with corrupt_tab, guard():
    lab = corruption_tab()

with xor_tab, guard():
    st.markdown(t("xor.intro"))
    lesson_seed = int(st.number_input(t("xor.seed"), 0, 9999, 0, key="xor_seed"))
    with st.spinner(t("xor.spinner")):
        xor = lesson(lesson_seed)
    show_comparison(xor.results, key="xor")
    first = xor.results[0]
    st.caption(t("xor.caption", n_train=first.n_train, n_test=first.n_test, seed=xor.seed))

    st.subheader(t("xor.regions_header"))
    st.markdown(
        t("xor.regions_intro")
        + "\n"
        + "\n".join(t("xor.toy_item", name=k, description=v) for k, v in described(TOY_MODELS).items())
        + "\n\n"
        + t("xor.regions_outro")
    )
    st.plotly_chart(decision_regions_figure(xor, text=figure_text()), key="xor_regions")

    st.subheader(t("xor.outer_header"))
    names = [f"{e['id'].split('#')[0]} → {e['label']}" for e in xor.examples]
    pick = st.selectbox(t("xor.sample"), range(len(names)), format_func=names.__getitem__, key="xor_example")
    f, g = st.columns(2)
    f.plotly_chart(
        outer_product_figure(
            xor.examples[pick]["outer"], xor.modalities, title=t("xor.one_sample_title", name=names[pick])
        ),
        key="xor_outer",
    )
    g.plotly_chart(outer_product_figure(xor.weights, xor.modalities, title=t("xor.weights_title")), key="xor_weights")
    others = {ds.name: lab.feature_dims} if ds.name != "xor-shapes" and lab is not None else {}
    show_rank_and_widths(xor, others)

    st.subheader(t("review.rank_heading"))
    st.markdown(t("review.rank_intro"))
    show_rank_curve(bundled_dataset("xor-shapes"), xor.modalities, seed=xor.seed, test_size=xor.test_size, key="xor")
