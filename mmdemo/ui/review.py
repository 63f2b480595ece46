"""From a number to the samples behind it: a clickable confusion matrix, the samples of a cell, the most
confident mistakes, and why the model answered each; and the rank curve of low-rank fusion."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import streamlit as st

from mmdemo.datasets import MultimodalDataset
from mmdemo.experiments.rank import RankCurve, rank_curve
from mmdemo.experiments.review import Explanation, HeldOutReview, explain, held_out_review
from mmdemo.model import MultimodalModel
from mmdemo.ui.data import feature_cache
from mmdemo.ui.i18n import figure_text, modality_name, t
from mmdemo.ui.memo import remembered
from mmdemo.ui.models import Trained
from mmdemo.viz import confusion_matrix_figure, rank_curve_figure

__all__ = ["show_review", "show_why", "show_rank_curve", "review_of", "CARDS"]

#: Samples shown for a cell or as the most confident mistakes.
CARDS = 12
_COLUMNS = 3


def review_of(trained: Trained) -> HeldOutReview:
    """The held-out review of a model trained on a page (computed once per model)."""
    result, data = trained.result, trained.data
    return remembered(
        data,
        ("review", trained.model),
        lambda: held_out_review(
            trained.model, data, test_size=result.test_size, seed=result.seed, feature_cache=trained.cache
        ),
        limit=8,
    )


def show_review(trained: Trained, *, key: str) -> None:
    """The confusion matrix, clickable: a cell shows its held-out samples; below, the most confident mistakes."""
    review, data, result = review_of(trained), trained.data, trained.result
    names = review.class_names
    event = st.plotly_chart(
        confusion_matrix_figure(result.confusion_matrix, names, text=figure_text()),
        key=f"{key}_confusion",
        on_select="rerun",
        selection_mode="points",
    )
    points = [  # a selection left from another matrix (other classes) is no selection
        p for p in (event.selection.points if event is not None else []) if {str(p["x"]), str(p["y"])} <= set(names)
    ]
    if not points:
        st.caption(t("review.click_hint"))
    else:
        true, pred = names.index(str(points[0]["y"])), names.index(str(points[0]["x"]))
        positions = review.cell(true, pred)
        heading = "review.cell_right" if true == pred else "review.cell_wrong"
        st.markdown(t(heading, true=names[true], pred=names[pred], n=len(positions)))
        if len(positions) > CARDS:
            st.caption(t("review.most_confident", n=CARDS))
        st.caption(t("review.columns"))
        _cards(review, data, positions[:CARDS], key=f"{key}_cell")
    mistakes = review.confident_mistakes(CARDS)
    with st.expander(t("review.mistakes_heading", n=len(mistakes), fusion=review.fusion)):
        st.caption(t("review.mistakes_caption", n_test=len(review.rows), seed=result.seed, test_size=result.test_size))
        if len(mistakes):
            st.caption(t("review.columns"))
            _cards(review, data, mistakes, key=f"{key}_mistakes")
        else:
            st.success(t("review.no_mistakes"))


def _cards(review: HeldOutReview, data: MultimodalDataset, positions: np.ndarray, *, key: str) -> None:
    cols = st.columns(_COLUMNS)
    names = review.class_names
    for j, pos in enumerate(positions):
        row = int(review.rows[pos])
        with cols[j % _COLUMNS].container(border=True):
            true, pred = names[review.y_true[pos]], names[review.y_pred[pos]]
            mark = "✅" if true == pred else "❌"
            st.markdown(t("review.card", mark=mark, pred=pred, p=review.confidence[pos], true=true))
            values = {m: data.data[m][row] for m in data.modalities}
            if values.get("image") is not None:
                st.image(np.clip(np.asarray(values["image"], dtype=np.float32), 0, 1), width=96)
            if values.get("audio") is not None:
                st.audio(np.asarray(values["audio"], dtype=np.float32), sample_rate=data.sample_rate)
            if values.get("text") is not None:
                st.markdown(t("review.text", text=values["text"]))
            _why_table(review.why, pos, names)


def _why_table(why: Explanation, i: int, names) -> None:
    rows = why.rows(i, names)
    if not rows:
        return
    col = {k: t(f"review.col.{k}") for k in ("modality", "alone", "without", "change")}
    st.table(  # a small HTML table: readable on a projector, no grid to scroll
        [
            {
                col["modality"]: modality_name(r["modality"]),
                col["alone"]: t("review.alone_value", label=r["alone"], p=r["alone_p"]),
                col["without"]: "—" if r["without"] is None else f"{r['without']:.2f}",
                col["change"]: "—" if r["change"] is None else f"{r['change']:+.2f}",
            }
            for r in rows
        ],
        hide_index=True,
    )
    if why.late_rule is not None:
        st.caption(t(f"review.late_{why.late_rule}"))


def show_why(model: MultimodalModel, values: Mapping[str, Any], features: np.ndarray) -> None:
    """Why the model answered one sample (prepared inputs, as `MultimodalModel.prepare_inputs` gives them, and
    their `MultimodalModel.prepared_features`): what each given modality alone says and what hiding it changes."""
    if len([m for m in values if m in model.modalities]) < 2:  # one modality: the bars above say it all
        return
    why = explain(model, features)
    st.subheader(t("review.why_heading"))
    st.caption(t("review.why_late" if why.late_rule else "review.why_hidden") + " " + t("review.columns"))
    _why_table(why, 0, model.class_names_)


def show_rank_curve(dataset: MultimodalDataset, modalities, *, seed: int, test_size: float, key: str) -> None:
    """LMF at every rank of `mmdemo.experiments.rank.RANKS` on the page's split, a slider over them, the figure."""

    def compute() -> RankCurve:
        with st.status(t("review.rank_running"), expanded=False) as status:
            bar = st.progress(0.0)
            curve = rank_curve(
                dataset,
                modalities=modalities,
                seed=seed,
                test_size=test_size,
                feature_cache=feature_cache(dataset),
                progress=lambda k, n, name: bar.progress(k / n, text=t("train.method_done", name=name, k=k, n=n)),
            )
            status.update(label=t("widgets.done"), state="complete")
        return curve

    curve = remembered(dataset, ("rank curve", tuple(modalities), seed, float(test_size)), compute, limit=4)
    rank = st.select_slider(
        t("review.rank_slider"),
        options=list(curve.ranks),
        value=min(curve.ranks, key=lambda r: abs(r - 4)),
        key=f"{key}_rank",
    )
    i = curve.ranks.index(rank)
    a, b, c = st.columns(3)
    a.metric(t("review.rank_accuracy", rank=rank), f"{curve.accuracy[i]:.3f}")
    b.metric(t("review.rank_weights", rank=rank), f"{curve.n_parameters[i]:,}")
    c.metric(t("review.rank_fit", rank=rank), f"{curve.fit_seconds[i]:.2f} s")
    refs = curve.references
    k = list(curve.n_components.values())
    st.markdown(
        t(
            "review.rank_compare",
            early=refs["early"]["accuracy"],
            early_w=refs["early"]["n_parameters"],
            tensor=refs["tensor"]["accuracy"],
            tensor_w=refs["tensor"]["n_parameters"],
            full_w=curve.full_tensor_parameters,
            k=k[0] if len(set(k)) == 1 else "/".join(map(str, k)),
            lmf_w=curve.n_parameters[i],
            rank=rank,
        )
    )
    st.plotly_chart(rank_curve_figure(curve, rank, text=figure_text()), key=f"{key}_rank_figure")
    st.caption(
        t(
            "review.rank_caption",
            dataset=curve.dataset,
            n_train=curve.n_train,
            n_test=curve.n_test,
            seed=curve.seed,
            test_size=curve.test_size,
        )
    )
