"""Robustness lab: degrade or remove a modality and see which fusion survives; why some tasks need ⊗."""

import streamlit as st

from mmdemo.classifiers import CLASSIFIERS
from mmdemo.fusion import FUSIONS
from mmdemo.interactions import TOY_MODELS, fusion_widths
from mmdemo.robustness import DEFAULT_FUSIONS, WHERE, corruption_spec
from mmdemo.ui.page import guard, setup_page
from mmdemo.ui.robustness import corruption_controls, curves, lesson, robustness_lab, show_preview
from mmdemo.ui.widgets import show_comparison
from mmdemo.viz import comparison_figure, decision_regions_figure, outer_product_figure, robustness_figure

ds = setup_page(
    "Robustness lab",
    "🛡️",
    intro="Blur, drown, garble or remove one modality and watch which fusion methods hold up; "
    "then see why a task whose answer lies in how modalities interact needs the outer product ⊗.",
)
if ds is None:
    st.stop()

corrupt_tab, xor_tab = st.tabs(["Corrupt a modality", "⊕ vs ⊗: when modalities interact"])

with corrupt_tab, guard():
    if len(ds.modalities) < 2:
        st.warning(f"{ds.name} has only {', '.join(ds.modalities)}; robustness of fusion needs two modalities.")
        st.stop()
    a, b, c = st.columns([3, 2, 1])
    fusions = a.multiselect(
        "Fusion methods",
        list(FUSIONS),
        default=list(DEFAULT_FUSIONS),
        key="robust_fusions",
        help="Each one is a curve.",
    )
    classifier = b.selectbox(
        "Classifier", list(CLASSIFIERS), format_func=lambda k: f"{k} — {CLASSIFIERS[k]}", key="robust_classifier"
    )
    seed = int(c.number_input("Seed", 0, 9999, 0, key="robust_seed"))
    if not fusions:
        st.warning("Choose at least one fusion method.")
        st.stop()
    lab = robustness_lab(ds, fusions, classifier, seed)
    st.caption(
        f"Each method is trained once on clean data: {len(lab.train_)} training samples; every accuracy below is on "
        f"the {len(lab.test_)} held-out samples (stratified split, 25% held out, seed {seed}); "
        "the corruption of the held-out samples is drawn with the same seed."
    )

    st.subheader("1 · Corrupt the held-out samples")
    kinds, levels = corruption_controls(lab.modalities)
    show_preview(lab, kinds, levels)
    spec = {k: v for m in lab.modalities for k, v in corruption_spec([m], levels[m], kinds).items()}
    with st.spinner("Scoring every model on the corrupted samples…"):
        now, clean = lab.score(spec), lab.score({})
    rows = [{"name": f"{m} alone", "accuracy": now[f"{m} alone"], "kind": "single"} for m in lab.modalities]
    rows += [{"name": f, "accuracy": now[f], "kind": "fusion"} for f in lab.fusions]
    left, right = st.columns([3, 2])
    left.plotly_chart(comparison_figure(rows, title="Held-out accuracy at these settings"), key="robust_now_chart")
    right.dataframe(
        [{"method": r["name"], "clean": clean[r["name"]], "now": r["accuracy"]} for r in rows],
        hide_index=True,
        column_config={k: st.column_config.NumberColumn(format="%.3f") for k in ("clean", "now")},
    )

    st.subheader("2 · Accuracy as the corruption rises")
    d, e = st.columns(2)
    corrupted = d.radio(
        "Corrupt", [*lab.modalities, "all"], horizontal=True, key="robust_curve_for",
        format_func=lambda m: "all modalities at once" if m == "all" else m,
    )  # fmt: skip
    where = e.radio("Corrupt at", list(WHERE), format_func=WHERE.get, key="robust_where")
    with st.spinner("Scoring each corruption level…"):
        result = curves(lab, corrupted, kinds, where)
    marker = levels[corrupted] if corrupted != "all" else None
    st.plotly_chart(robustness_figure(result, marker=marker), key="robust_curves_chart")
    st.dataframe(
        result.summary(),
        hide_index=True,
        column_config={k: st.column_config.NumberColumn(format="%.3f") for k in ("clean", "worst level", "auc")},
    )
    best = max(result.fused, key=lambda f: result.auc()[f])
    st.caption(
        f"AUC: the area under a curve divided by the width of the level range — 1.0 means perfect at every level, "
        f"chance ({result.chance:.2f}) means no better than always answering the most common class. "
        f"Most robust here: **{best}**. A sample with every modality missing is answered with the most common "
        f"training class. Levels {', '.join(f'{v:g}' for v in result.levels)}; "
        f"held-out {result.n_test}, seed {result.seed}."
    )

with xor_tab, guard():
    st.markdown(
        "On **xor-shapes** a picture shows a circle or a square and a tone is low or high. The class is "
        "**agree** for circle + low or square + high, **differ** otherwise. Neither modality alone says "
        "anything about the class: only the *combination* does."
    )
    lesson_seed = int(st.number_input("Seed (split, models)", 0, 9999, 0, key="xor_seed"))
    xor = lesson(lesson_seed)
    show_comparison(xor.results, key="xor")
    first = xor.results[0]
    st.caption(
        f"Real features (image pixels, pooled MFCC audio) and logistic regression; trained on {first.n_train}, "
        f"scored on {first.n_test} held-out samples (stratified, seed {xor.seed})."
    )

    st.subheader("Why: the decision regions")
    st.markdown(
        "Squeeze each modality to **one number** — s_image and s_audio, the directions the ⊗ model relies on "
        "most — and the four combinations become four corners: a checkerboard. Three small models see them:\n"
        + "\n".join(f"- **{k}**: {v}" for k, v in TOY_MODELS.items())
        + "\n\nAdding evidence up gives one straight boundary (the black line), which cannot separate a "
        "checkerboard; the product s_image · s_audio changes sign from corner to corner, so ⊗ can."
    )
    st.plotly_chart(decision_regions_figure(xor), key="xor_regions")

    st.subheader("The outer product [z_image; 1] ⊗ [z_audio; 1]")
    names = [f"{e['id'].split('#')[0]} → {e['label']}" for e in xor.examples]
    pick = st.selectbox("Sample", range(len(names)), format_func=names.__getitem__, key="xor_example")
    f, g = st.columns(2)
    f.plotly_chart(
        outer_product_figure(xor.examples[pick]["outer"], xor.modalities, title=f"One sample: {names[pick]}"),
        key="xor_outer",
    )
    g.plotly_chart(
        outer_product_figure(xor.weights, xor.modalities, title="What the ⊗ classifier weighs (toward 'differ')"),
        key="xor_weights",
    )
    sv = xor.singular_values
    st.markdown(
        f"Each modality is reduced to {xor.weights.shape[0] - 1} PCA components z plus a constant 1, so the product "
        f"has {xor.weights.shape[0]} × {xor.weights.shape[1]} = {xor.weights.size} cells: the last row and column "
        "repeat each modality alone, the rest are interactions. The weights' interaction part is nearly rank one "
        f"(singular values {sv[0]:.2f}, {sv[1]:.2f}, {sv[2]:.2f}, …), which is why low-rank fusion works."
    )
    st.markdown("**How wide the fused vector gets** — why ⊗ needs PCA first, or a sketch:")
    widths = {"xor-shapes": xor.feature_dims}
    if ds.name != "xor-shapes":
        widths[ds.name] = {m: b - a for m, (a, b) in lab.blocks_.items()}
    for name, dims in widths.items():
        st.caption(f"{name}: " + ", ".join(f"{m} {d} features" for m, d in dims.items()))
        st.dataframe(
            fusion_widths(dims), hide_index=True, column_config={"width": st.column_config.NumberColumn(format="%d")}
        )
