"""Learn page helpers: links to the pages that demonstrate each idea, and the live results it quotes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from mmdemo.experiments.evaluate import Result
from mmdemo.experiments.interactions import InteractionLesson, fusion_widths
from mmdemo.fusion import TensorFusion
from mmdemo.model import MultimodalModel
from mmdemo.ui.i18n import catalogue, t
from mmdemo.ui.models import default_model
from mmdemo.ui.page import PAGES
from mmdemo.ui.robustness import lesson

__all__ = [
    "LINKS",
    "LESSON_SEED",
    "page_link",
    "name",
    "accuracy",
    "widths_text",
    "xor_lesson",
    "default_result",
    "show_accuracies",
    "block_widths",
    "tensor_widths",
    "distance_shares",
    "contrastive_numbers",
    "imagination_numbers",
    "fusion_group_numbers",
]

#: Link name (key ``learn.links.<name>``) -> the page it leads to (a key of `mmdemo.ui.page.PAGES`).
LINKS: dict[str, str] = {
    "data": "explorer",
    "train": "train",
    "features": "space",
    "crossmodal": "crossmodal",
    "crossmodal_missing": "crossmodal",
    "robustness": "robustness",
    "robustness_xor": "robustness",
    "robustness_widths": "robustness",
    "try_it": "try",
    "own": "own",
    "crossmodal_train": "crossmodal",
    "crossmodal_imagine": "crossmodal",
    "try_imagine": "try",
}

#: The seed of the xor-shapes lesson quoted here: the Robustness lab's default, so both pages share one fit.
LESSON_SEED = 0


def page_link(link: str) -> None:
    """A link to the page that demonstrates an idea, labelled in the session's language."""
    page = PAGES[LINKS[link]]
    st.page_link(page.script, label=t(f"learn.links.{link}"), icon=page.icon)


def name(value: str) -> str:
    """A modality or fusion name in the session's language (as is when the catalogue has no entry)."""
    key = f"learn.names.{value}"
    return t(key) if key in catalogue("en") else value


def accuracy(value: float) -> str:
    """An accuracy as every number on this page is shown: three decimals."""
    return f"{value:.3f}"


def widths_text(dims: Mapping[str, int]) -> str:
    """'image 64, audio 360, text 128' in the session's language."""
    return t("learn.separator").join(t("learn.names.width", modality=name(m), d=d) for m, d in dims.items())


def xor_lesson() -> InteractionLesson:
    """The Robustness lab's ⊕ vs ⊗ lesson on xor-shapes (cached for every session; trained on first use)."""
    with st.spinner(t("learn.spinner_xor")):
        return lesson(LESSON_SEED)


def default_result() -> tuple[Result, MultimodalModel]:
    """The default av-digits model and its held-out result (cached for every session; the warm-up trains it)."""
    with st.spinner(t("learn.spinner_default")):
        return default_model()


def show_accuracies(single: Mapping[str, float], fused: Sequence[Result]) -> None:
    """One metric per modality alone, then one per fusion method: held-out accuracy on one split."""
    items = [(t("learn.names.alone", modality=name(m)), acc) for m, acc in single.items()]
    items += [(name(r.fusion), r.accuracy) for r in fused]
    for col, (label, value) in zip(st.columns(len(items)), items):
        col.metric(label, accuracy(value))


def block_widths(model: MultimodalModel) -> dict[str, int]:
    """Number of features of each modality, as the model's fusion sees them."""
    return {m: stop - start for m, (start, stop) in model.blocks_.items()}


def tensor_widths(dims: Mapping[str, int]) -> dict:
    """Width of ⊗ on the raw features and after the per-modality PCA tensor fusion does first.

    Returns ``k`` (PCA components kept per modality), ``raw_formula`` and ``raw``
    (⊗ of the raw features), ``pca`` (⊗ after PCA).
    """
    k = TensorFusion().n_components
    _, raw, after_pca, _ = fusion_widths(dims, n_components=k)  # rows: ⊕, raw ⊗, ⊗ after PCA, sketch
    return {"k": k, "raw_formula": raw["formula"], "raw": raw["width"], "pca": after_pca["width"]}


def distance_shares(dims: Mapping[str, int]) -> dict:
    """How much of the squared distance between two samples each block makes up, unscaled vs scaled by 1/√d.

    A standardised column adds 2 on average to the squared distance between
    two samples, so an unscaled block of d columns makes up d / Σd of it; a
    block divided by √d adds 2 in all, so every block makes up 1 / M.
    Returns ``widest`` (modality), ``share`` (its unscaled share), ``equal`` (1 / M), ``m`` (M).
    """
    widest = max(dims, key=dims.get)
    return {
        "widest": widest,
        "share": dims[widest] / sum(dims.values()),
        "equal": 1 / len(dims),
        "m": len(dims),
    }


def contrastive_numbers() -> dict:
    """Scenes, image -> text, seed 0, 25% held out: instance Recall@10 of CCA and of the contrastive space."""
    from mmdemo.ui.crossmodal import shared_space
    from mmdemo.ui.data import bundled_dataset, feature_cache

    scenes = bundled_dataset("scenes")
    cca, con = (
        shared_space(scenes, query="image", target="text", method=m, seed=0, cache=feature_cache(scenes))
        for m in ("cca", "contrastive")
    )
    return {
        "cca": cca.retrieval["recall_at_10"],
        "contrastive": con.retrieval["recall_at_10"],
        "chance": cca.retrieval["chance_recall_at_10"],
        "median": con.retrieval["median_rank"],
        "n_test": cca.retrieval["n_queries"],
        "n_train": cca.n_train,
        "pct": round(100 * cca.test_size),
        "seed": cca.seed,
    }


def imagination_numbers() -> dict:
    """av-digits, audio -> image through CCA (seed 0, 25% held out): how often the imagined picture shows the digit."""
    from mmdemo.ui.crossmodal import imagination, shared_space
    from mmdemo.ui.data import bundled_dataset, feature_cache

    digits = bundled_dataset("av-digits")
    result = shared_space(digits, query="audio", target="image", method="cca", seed=0, cache=feature_cache(digits))
    out = imagination(digits, result, feature_cache(digits))
    return {
        "accuracy": out.accuracy,
        "chance": out.chance,
        "real": out.real_accuracy,
        "n_test": len(out.read_as),
        "pct": round(100 * result.test_size),
        "seed": result.seed,
    }


def fusion_group_numbers() -> dict:
    """av-digits (seed 0, 25% held out): early ⊕ beside shared-CCA fusion, with every modality and with one.

    Returns ``early`` and ``shared`` (accuracy with every modality), ``early_<m>`` and
    ``shared_<m>`` (only modality ``m`` given, each method's own way: mean imputation
    for ⊕, the modality's own point for the shared space), ``alone_<m>`` (the
    unimodal model), ``n_test``, ``pct`` and ``seed``.
    """
    from mmdemo.experiments.evaluate import missing_modality_report
    from mmdemo.ui.data import bundled_dataset, feature_cache
    from mmdemo.ui.memo import remembered

    digits = bundled_dataset("av-digits")
    with st.spinner(t("learn.spinner_groups")):
        rows = remembered(
            digits,
            ("learn_groups",),
            lambda: missing_modality_report(
                digits,
                fusions=["early", "shared-cca"],
                strategies=["fusion default"],
                seed=LESSON_SEED,
                feature_cache=feature_cache(digits),
            ),
        )
    short = {"early": "early", "shared-cca": "shared", "single": "alone"}
    out: dict = {"n_test": rows[0]["n_test"], "pct": 25, "seed": LESSON_SEED}
    for r in rows:
        if r["missing"] == "none":
            out[short[r["fusion"]]] = r["accuracy"]
        elif "+" not in r["present"]:
            out[f"{short[r['fusion']]}_{r['present']}"] = r["accuracy"]
    return out
