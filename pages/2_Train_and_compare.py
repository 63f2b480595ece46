"""Train & compare: one model's held-out metrics, and every fusion method on the same split."""

import streamlit as st

from mmdemo.evaluate import compare, cross_validate
from mmdemo.ui import state
from mmdemo.ui.data import training_data
from mmdemo.ui.models import train_model
from mmdemo.ui.page import guard, setup_page
from mmdemo.ui.widgets import model_settings, show_comparison, show_result

ds = setup_page(
    "Train & compare",
    "🏋️",
    intro="Pick modalities, features, a fusion method and a classifier; train; compare on the same held-out split.",
)
if ds is None:
    st.stop()

with guard():
    s = model_settings(ds)
    train_col, compare_col = st.columns(2)
    train_clicked = train_col.button(
        "Train", type="primary", key="train_button", disabled=not s.modalities, width="stretch"
    )
    compare_clicked = compare_col.button(
        "Compare all fusion methods",
        key="compare_button",
        disabled=len(s.modalities) < 2,
        width="stretch",
        help="Trains every fusion method with this classifier on the same split.",
    )
    with_cv = st.checkbox("Also run 5-fold cross-validation (slower, a steadier estimate)", key="train_cv")
    if not s.modalities:
        st.warning("Choose at least one modality.")

    if train_clicked or compare_clicked:
        data, cache = training_data(ds, s.corruption, seed=s.seed)
        common = dict(
            modalities=s.modalities,
            classifier=s.classifier,
            features=s.features,
            test_size=s.test_size,
            seed=s.seed,
            feature_cache=cache,
        )
        with st.status("Training…", expanded=True) as status:
            if train_clicked:
                st.write("Extracting features (cached after the first time) and fitting…")
                result, model, data, cache = train_model(ds, s)
                cv = None
                if with_cv:
                    st.write("Cross-validating (5 stratified folds)…")
                    cv_args = {k: v for k, v in common.items() if k != "test_size"}
                    cv = cross_validate(data, fusion=s.fusion, n_splits=5, **cv_args)
                state.put(
                    "trained",
                    {
                        "result": result,
                        "model": model,
                        "corruption": s.corruption,
                        "cv": cv,
                        "data": data,
                        "cache": cache,
                    },
                )
                state.put("comparison", None)
            else:
                bar = st.progress(0.0, text="Comparing fusion methods…")
                results = compare(
                    data, progress=lambda k, n, name: bar.progress(k / n, text=f"{name} done ({k}/{n})"), **common
                )
                state.put("comparison", {"results": results, "corruption": s.corruption})
            status.update(label="Done", state="complete", expanded=False)

    trained, comparison = state.get("trained"), state.get("comparison")
    if comparison is not None:
        st.subheader("Every fusion method on the same split")
        show_comparison(comparison["results"], key="cmp")
        best = max(comparison["results"], key=lambda r: r.accuracy)
        st.markdown(f"Best: **{best.fusion}** with accuracy {best.accuracy:.3f}.")
        st.dataframe(
            [
                {
                    "method": r.fusion,
                    "accuracy": r.accuracy,
                    "macro-F1": r.macro_f1,
                    "gain": r.fusion_gain,
                    "fit (s)": r.fit_seconds,
                }
                for r in comparison["results"]
            ],
            hide_index=True,
            column_config={k: st.column_config.NumberColumn(format="%.3f") for k in ("accuracy", "macro-F1", "gain")}
            | {"fit (s)": st.column_config.NumberColumn(format="%.2f")},
        )
        show_result(best, key="cmp_best")
    elif trained is not None and trained["result"] is not None:
        st.subheader("Held-out results")
        show_comparison([trained["result"]], key="train")
        show_result(trained["result"], key="train")
        if trained.get("cv"):
            cv = trained["cv"]
            st.markdown(
                f"**5-fold cross-validation** (stratified, seed {trained['result'].seed}): accuracy "
                f"{cv['mean']:.3f} ± {cv['std']:.3f} — folds {', '.join(f'{a:.3f}' for a in cv['folds'])}"
            )
    else:
        st.info(
            "Press **Train** to fit the chosen method, or **Compare all fusion methods** to see them side by side.",
            icon="👆",
        )
