"""Cross-modal lab widgets: the cached experiment, the metric tables, the retrieval gallery."""

from __future__ import annotations

import numpy as np
import streamlit as st

from mmdemo.datasets import MultimodalDataset
from mmdemo.experiments.contrastive import ContrastiveTraining, contrastive_training
from mmdemo.experiments.crossmodal import SharedSpaceResult, shared_space_experiment
from mmdemo.experiments.imagine import Imagination, imagination_experiment, imagine
from mmdemo.model import FeatureCache
from mmdemo.ui.i18n import figure_text, modality_list, modality_name, t
from mmdemo.ui.memo import remembered
from mmdemo.viz import image_grid_figure, similarity_matrix_figure, training_figure

__all__ = [
    "contrastive_run",
    "imagination",
    "modality_name",
    "modality_list",
    "shared_space",
    "show_imagination",
    "show_imagined",
    "show_imagined_from",
    "show_training",
    "show_retrieval_metrics",
    "show_gallery",
    "show_transfer",
    "show_missing_table",
]


def shared_space(
    dataset: MultimodalDataset, *, query: str, target: str, method: str, seed: int, cache: FeatureCache
) -> SharedSpaceResult:
    """The experiment for these settings: shared by every session on bundled data, this session's on the user's."""

    def compute() -> SharedSpaceResult:
        spinner = t(
            "crossmodal.spinner", method=method.upper(), query=modality_name(query), target=modality_name(target)
        )
        with st.spinner(spinner):
            return shared_space_experiment(
                dataset, query=query, target=target, method=method, seed=seed, feature_cache=cache
            )

    return remembered(dataset, ("shared space", query, target, method, seed), compute, limit=16)


def show_retrieval_metrics(result: SharedSpaceResult) -> None:
    """The headline scores beside chance: instance recall and median rank on instance pairs, else class-level ones;
    the other kind in a table below."""
    r = result.retrieval
    instance = r["instance_pairs"]
    instance_rows = [
        ("R@1", f"{r['recall_at_1']:.3f}", f"{r['chance_recall_at_1']:.3f}"),
        ("R@5", f"{r['recall_at_5']:.3f}", f"{r['chance_recall_at_5']:.3f}"),
        ("R@10", f"{r['recall_at_10']:.3f}", f"{r['chance_recall_at_10']:.3f}"),
        (t("crossmodal.metrics.median_rank_short"), f"{r['median_rank']:g}", f"{r['chance_median_rank']:g}"),
    ]
    class_rows = [
        (t("crossmodal.metrics.map"), f"{r['mean_average_precision']:.3f}", f"{r['chance_map']:.3f}"),
        ("P@1", f"{r['precision_at_1']:.3f}", f"{r['chance_precision']:.3f}"),
        ("P@5", f"{r['precision_at_5']:.3f}", f"{r['chance_precision']:.3f}"),
        ("P@10", f"{r['precision_at_10']:.3f}", f"{r['chance_precision']:.3f}"),
    ]
    headline, others = (instance_rows, class_rows) if instance else (class_rows, instance_rows)
    st.markdown(t("crossmodal.metrics.instance_header" if instance else "crossmodal.metrics.class_header"))
    for column, (label, value, chance) in zip(st.columns(4), headline):
        column.metric(label, value, t("crossmodal.metrics.chance", value=chance), delta_color="off", delta_arrow="off")
    st.markdown(t("crossmodal.metrics.class_header" if instance else "crossmodal.metrics.instance_header"))
    st.table(
        {
            t("crossmodal.columns.score"): [label for label, _, _ in others],
            t("crossmodal.columns.value"): [value for _, value, _ in others],
            t("crossmodal.columns.chance"): [chance for _, _, chance in others],
        }
    )
    what = t("crossmodal.metrics.instance_pairs" if instance else "crossmodal.metrics.label_pairs")
    st.caption(
        t(
            "crossmodal.metrics.caption",
            n_queries=r["n_queries"],
            query=modality_name(result.query),
            n_targets=r["n_targets"],
            target=modality_name(result.target),
            what=what,
        )
        + " "
        + t("crossmodal.metrics.split", n_train=result.n_train, seed=result.seed, pct=round(100 * result.test_size))
    )


def show_gallery(dataset: MultimodalDataset, result: SharedSpaceResult, hits: list[tuple[int, float]]) -> None:
    """The top targets of one query, as pictures, players or texts, with their similarity."""
    target = result.target
    rows = [result.indices[i] for i, _ in hits]
    captions = [
        t("crossmodal.gallery_caption", rank=k + 1, label=dataset.class_names[dataset.y[j]], sim=s)
        for k, ((_, s), j) in enumerate(zip(hits, rows))
    ]
    if target == "image":
        st.plotly_chart(
            image_grid_figure([dataset.value("image", j) for j in rows], captions, columns=4), key="xm_gallery_images"
        )
    elif target == "audio":
        cols = st.columns(4)
        for k, j in enumerate(rows):
            with cols[k % 4]:
                st.caption(captions[k])
                st.audio(dataset.value("audio", j), sample_rate=dataset.sample_rate)
    else:
        st.dataframe(
            [{"rank": k + 1, "text": dataset.value("text", j), "result": captions[k]} for k, j in enumerate(rows)],
            hide_index=True,
            column_config={c: t(f"crossmodal.columns.{c}") for c in ("rank", "text", "result")},
        )


def show_transfer(result: SharedSpaceResult) -> None:
    """Train on one modality's projections, test on the other's, beside the target's own classifiers."""
    r = result.transfer
    source, target = modality_name(r["source"]), modality_name(r["target"])
    st.markdown(
        t(
            "crossmodal.transfer.intro",
            classifier=r["classifier"],
            source=source,
            n_train=r["n_train"],
            target=target,
            n_test=r["n_test"],
        )
    )
    a, b, c, d = st.columns(4)
    a.metric(t("crossmodal.transfer.transfer", source=source, target=target), f"{r['transfer_accuracy']:.3f}")
    b.metric(t("crossmodal.transfer.shared", target=target), f"{r['target_accuracy']:.3f}")
    c.metric(t("crossmodal.transfer.raw", target=target), f"{r['target_raw_accuracy']:.3f}")
    d.metric(t("crossmodal.transfer.chance"), f"{r['chance']:.3f}")


def show_missing_table(report: dict) -> None:
    """Accuracy per fusion method and missing modality (rows) and strategy (columns)."""
    import pandas as pd

    frame = pd.DataFrame(report["rows"])
    pivot = frame.pivot_table(
        index=["fusion", "present"], columns="strategy", values="accuracy", aggfunc="first"
    ).reset_index()
    strategies = [c for c in pivot.columns if c not in ("fusion", "present")]
    st.dataframe(
        pivot,
        hide_index=True,
        column_config={
            "fusion": t("crossmodal.columns.fusion"),
            "present": t("crossmodal.columns.present"),
            **{c: st.column_config.ProgressColumn(c, format="%.3f", min_value=0.0, max_value=1.0) for c in strategies},
        },
    )
    n = int(frame["n_test"].max())
    st.caption(t("crossmodal.missing_caption", n=n, seed=report["seed"]))


def contrastive_run(
    dataset: MultimodalDataset, *, query: str, target: str, temperature: float, seed: int, cache: FeatureCache
) -> ContrastiveTraining:
    """The contrastive space trained epoch by epoch for these settings, with a progress bar while it trains."""

    def compute() -> ContrastiveTraining:
        bar = st.progress(0.0, text=t("crossmodal.train.progress", epoch=0, epochs="…"))

        def tick(epoch: int, epochs: int) -> None:
            bar.progress(epoch / epochs, text=t("crossmodal.train.progress", epoch=epoch, epochs=epochs))

        run = contrastive_training(
            dataset, query=query, target=target, temperature=temperature, seed=seed, feature_cache=cache, on_epoch=tick
        )
        bar.empty()
        return run

    return remembered(dataset, ("contrastive run", query, target, temperature, seed), compute, limit=8)


def show_training(dataset: MultimodalDataset, run: ContrastiveTraining, cca: SharedSpaceResult) -> None:
    """Watch the held-out similarities turn diagonal, the loss and held-out score per epoch, and the end beside CCA."""
    result = run.result
    instance = dataset.pairing == "instance"
    epochs = len(run.losses)
    epoch = st.slider(t("crossmodal.train.epoch"), 1, epochs, epochs, key="xm_train_epoch")
    left, right = st.columns([3, 2])
    labels = [dataset.sample_ids[j] if instance else dataset.class_names[dataset.y[j]] for j in run.shown]
    left.plotly_chart(
        similarity_matrix_figure(
            run.similarities[epoch - 1], labels, (result.query, result.target), epoch=epoch, text=figure_text()
        ),
        key="xm_train_matrix",
    )
    with right:
        st.markdown(
            t(
                "crossmodal.train.matrix_note" if instance else "crossmodal.train.matrix_note_label",
                query=modality_name(result.query),
                target=modality_name(result.target),
            )
        )
        st.table(
            {
                "#": [str(k + 1) for k in range(len(labels))],
                t("crossmodal.train.pair"): labels,
            }
        )
    held_out = run.recall_at_10 if instance else run.mean_average_precision
    st.plotly_chart(
        training_figure(
            run.losses,
            held_out,
            metric="R@10" if instance else "mAP",
            chosen=epoch,
            seed=result.seed,
            text=figure_text(),
        ),
        key="xm_train_curves",
    )
    st.markdown(t("crossmodal.train.versus", n=result.retrieval["n_queries"]))
    keys = ["recall_at_1", "recall_at_5", "recall_at_10", "median_rank", "mean_average_precision"]
    names = ["R@1", "R@5", "R@10", t("crossmodal.metrics.median_rank_short"), "mAP"]
    chance = [f"{result.retrieval[k]:.3f}" for k in ("chance_recall_at_1", "chance_recall_at_5", "chance_recall_at_10")]
    chance += [f"{result.retrieval['chance_median_rank']:g}", f"{result.retrieval['chance_map']:.3f}"]
    st.table(
        {
            t("crossmodal.columns.score"): names,
            t("crossmodal.train.contrastive"): [_score(k, result.retrieval[k]) for k in keys],
            "CCA": [_score(k, cca.retrieval[k]) for k in keys],
            t("crossmodal.columns.chance"): chance,
        }
    )
    st.caption(
        t(
            "crossmodal.train.caption",
            seconds=run.seconds,
            epochs=epochs,
            temperature=run.temperature,
            n_train=result.n_train,
            seed=result.seed,
            pct=round(100 * result.test_size),
        )
    )


def _score(key: str, value: float) -> str:
    return f"{value:g}" if key == "median_rank" else f"{value:.3f}"


def imagination(dataset: MultimodalDataset, result: SharedSpaceResult, cache: FeatureCache) -> Imagination:
    """Pictures imagined for every held-out query of ``result`` (its target is image), read by the image classifier."""

    def compute() -> Imagination:
        with st.spinner(t("crossmodal.imagine.spinner", query=modality_name(result.query))):
            return imagination_experiment(dataset, query=result.query, feature_cache=cache, result=result)

    key = ("imagination", result.query, result.method, result.seed, result.test_size)
    return remembered(dataset, key, compute, limit=8)


def show_imagination(dataset: MultimodalDataset, out: Imagination) -> None:
    """How often the imagined pictures show the query's class (and, on scenes, its attributes), beside chance."""
    a, b, c = st.columns(3)
    a.metric(
        t("crossmodal.imagine.read_as"),
        f"{out.accuracy:.3f}",
        t("crossmodal.metrics.chance", value=f"{out.chance:.3f}"),
        delta_color="off",
        delta_arrow="off",
    )
    b.metric(t("crossmodal.imagine.real"), f"{out.real_accuracy:.3f}")
    c.metric(t("crossmodal.imagine.n"), f"{len(out.read_as):,}")
    if out.attributes:
        st.markdown(t("crossmodal.imagine.attributes_note"))
        st.table(
            {
                t("crossmodal.imagine.attribute"): [
                    t(f"crossmodal.imagine.attributes.{k.replace(' ', '_')}") for k in out.attributes
                ],
                t("crossmodal.columns.value"): [f"{d['accuracy']:.3f}" for d in out.attributes.values()],
                t("crossmodal.imagine.on_real"): [f"{d['real']:.3f}" for d in out.attributes.values()],
                t("crossmodal.columns.chance"): [f"{d['chance']:.3f}" for d in out.attributes.values()],
            }
        )
    r = out.result
    st.caption(
        t(
            "crossmodal.imagine.caption",
            query=modality_name(r.query),
            method=r.method.upper(),
            n_train=r.n_train,
            seed=r.seed,
            pct=round(100 * r.test_size),
        )
    )


def show_imagined(
    dataset: MultimodalDataset, out: Imagination, picture: np.ndarray, hits: list[tuple[int, float]], *, key: str
) -> None:
    """One imagined picture beside the held-out real pictures retrieved for the same query."""
    r = out.result
    rows = [r.indices[i] for i, _ in hits[:4]]
    images = [picture] + [dataset.value("image", j) for j in rows]
    captions = [t("crossmodal.imagine.imagined")] + [
        t("crossmodal.imagine.hit", rank=k + 1, label=dataset.class_names[dataset.y[j]]) for k, j in enumerate(rows)
    ]
    st.plotly_chart(image_grid_figure(images, captions, columns=5), key=key)
    st.caption(t("crossmodal.imagine.beside"))


def show_imagined_from(dataset: MultimodalDataset, query: str, value, *, cache: FeatureCache, key: str) -> None:
    """The picture imagined from one new recording or text through ``dataset``'s CCA space (seed 0), beside the
    real pictures it retrieves, with how often such pictures show the right class on held-out queries."""
    result = shared_space(dataset, query=query, target="image", method="cca", seed=0, cache=cache)
    out = imagination(dataset, result, cache)
    show_imagined(dataset, out, imagine(out, value), result.search_raw(value, k=4), key=key)
    st.caption(
        t(
            "crossmodal.imagine.measured",
            query=modality_name(query),
            accuracy=out.accuracy,
            n=len(out.read_as),
            chance=out.chance,
            dataset=dataset.name,
            seed=result.seed,
            pct=round(100 * result.test_size),
        )
    )
