"""Which model a page predicts with: the one trained in this session, or the bundled default."""

from __future__ import annotations

import streamlit as st

from mmdemo.datasets import MultimodalDataset
from mmdemo.experiments.evaluate import Result, train_and_evaluate
from mmdemo.model import FeatureCache, MultimodalModel
from mmdemo.splits import split_indices
from mmdemo.ui import state
from mmdemo.ui.data import _bundled_features, _is_bundled, bundled_dataset, training_data
from mmdemo.ui.i18n import listing, modality_list, modality_name, t, table

__all__ = ["default_model", "active_model", "describe", "train_model", "usable_strategy"]


@st.cache_resource(show_spinner=False)  # the spinner is shown by `active_model`, in the session's language
def default_model() -> tuple[Result, MultimodalModel]:
    """Late fusion of image, audio and text with an SVM on av-digits (seed 0, 25% held out).

    Late fusion is the default because it decides from whatever modalities a
    user gives and shows each modality's own vote. The features are av-digits'
    own recommendation, the best measured on drawings, photos and voices from
    outside the training data: HOG for images, the speech recognizer's
    evidence with MFCC frames for audio (README, "Real inputs"). A pure function of bundled
    data, so one copy serves every session; its features land in the shared
    bundled cache, so the first Train click on av-digits finds them there.
    """
    return train_and_evaluate(
        bundled_dataset("av-digits"),
        fusion="late",
        classifier="svm",
        seed=0,
        feature_cache=_bundled_features("av-digits"),
        fit_missing=False,  # half a minute of fits most visitors never need: `_default_extras` adds them
    )


@st.cache_resource(show_spinner=False)
def _default_extras() -> bool:
    """Fit the default model's missing-modality pieces, once per server, when a student first picks one."""
    result, model = default_model()
    data = bundled_dataset("av-digits")
    train, _ = split_indices(data.y, test_size=result.test_size, seed=result.seed, class_names=data.class_names)
    model.add_missing_strategies(data, train, feature_cache=_bundled_features("av-digits"))
    return True


def active_model() -> tuple[Result | None, MultimodalModel, str]:
    """(result, model, where it comes from): this session's trained model, else the default."""
    trained = state.get("trained")
    if trained is not None:
        return trained["result"], trained["model"], t("models.origin_trained")
    with st.spinner(t("models.spinner_default")):
        result, model = default_model()
    return result, model, t("models.origin_default")


def describe(result: Result | None, origin: str, model: MultimodalModel) -> str:
    """One line naming the model and its honest held-out score."""
    if result is None:
        return t(
            "models.imported",
            modalities=modality_list(model.modalities),
            fusion=model.fusion,
            classifier=model.classifier,
            classes=listing(model.class_names_),
        )
    held = (
        t("models.held_out", accuracy=result.accuracy, n_test=result.n_test, seed=result.seed)
        if result.n_test
        else t("models.no_score")
    )
    features = [
        t("models.feature_of", modality=modality_name(m), kind=table(f"names.features.{m}").get(k, k))
        for m, k in result.features.items()
    ]
    return t(
        "models.predicting",
        origin=origin,
        dataset=result.dataset,
        modalities=modality_list(result.modalities),
        features=listing(features),
        fusion=result.fusion,
        classifier=result.classifier,
        held=held,
    )


def usable_strategy(missing: str, model: MultimodalModel) -> str:
    """``missing`` if the model can use it, fitting its extras once for a model trained in this session.

    Train & compare and the default model fit without the missing-modality
    extras (they cost seconds); they are fitted here, on the same training rows,
    when first asked for. An imported model without them falls back to "fusion default".
    """
    if missing == "fusion default" or missing in getattr(model, "missing_", {}):
        return missing
    trained = state.get("trained")
    if trained is None:  # the page predicts with the default model
        with st.spinner(t("models.spinner_missing")):
            _default_extras()
        return missing
    if trained["model"] is not model or trained.get("data") is None or trained["result"] is None:
        st.warning(t("models.no_strategy", strategy=missing))
        return "fusion default"
    result, data = trained["result"], trained["data"]
    with st.spinner(t("models.spinner_missing")):
        train, _ = split_indices(data.y, test_size=result.test_size, seed=result.seed, class_names=data.class_names)
        model.add_missing_strategies(data, train, feature_cache=trained.get("cache"))
    return missing


@st.cache_resource(max_entries=32, show_spinner=False)
def _shared_training(
    name: str,
    levels: tuple,
    modalities: tuple,
    fusion: str,
    classifier: str,
    features: tuple,
    test_size: float,
    seed: int,
) -> tuple[Result, MultimodalModel]:
    """A model on bundled data: a pure function of its settings, so thirty identical clicks train once."""
    data, cache = training_data(bundled_dataset(name), dict(levels), seed=seed)
    return train_and_evaluate(
        data,
        modalities=list(modalities),
        fusion=fusion,
        classifier=classifier,
        features=dict(features),
        test_size=test_size,
        seed=seed,
        feature_cache=cache,
        fit_missing=False,  # fitted by `usable_strategy` when Try it yourself first needs them
    )


def train_model(
    dataset: MultimodalDataset, settings
) -> tuple[Result, MultimodalModel, MultimodalDataset, FeatureCache]:
    """Train with the page's `ModelSettings`: (result, model, the training data, its feature cache).

    On bundled data the result is shared by every session with the same
    settings (a class that clicks Train together waits for one fit); on the
    user's own data it is this session's alone.
    """
    s = settings
    data, cache = training_data(dataset, s.corruption, seed=s.seed)
    if _is_bundled(dataset):
        levels = tuple(sorted((m, float(v)) for m, v in s.corruption.items() if v > 0))
        result, model = _shared_training(
            dataset.name, levels, tuple(s.modalities), s.fusion, s.classifier,
            tuple(sorted(s.features.items())), float(s.test_size), int(s.seed),
        )  # fmt: skip
        return result, model, data, cache
    result, model = train_and_evaluate(
        data,
        modalities=s.modalities,
        fusion=s.fusion,
        classifier=s.classifier,
        features=s.features,
        test_size=s.test_size,
        seed=s.seed,
        feature_cache=cache,
        fit_missing=False,
    )
    return result, model, data, cache
