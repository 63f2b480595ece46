"""Which model a page predicts with: the one trained in this session, or the bundled default."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields

import streamlit as st

from mmdemo.corrupt import corrupt_dataset
from mmdemo.datasets import MultimodalDataset
from mmdemo.experiments.evaluate import Result, train_and_evaluate
from mmdemo.model import FeatureCache, ModelVersionWarning, MultimodalModel
from mmdemo.splits import split_indices
from mmdemo.ui import state
from mmdemo.ui.data import bundled_dataset, feature_cache, spinner
from mmdemo.ui.i18n import listing, modality_list, modality_name, t, table
from mmdemo.ui.memo import remembered
from mmdemo.ui.stores import class_store

__all__ = [
    "Trained",
    "default_model",
    "active_model",
    "describe",
    "import_model",
    "train_model",
    "training_data",
    "usable_strategy",
]


@dataclass
class Trained:
    """The model this session trained (with its score, training data and cross-validation) or imported."""

    model: MultimodalModel
    result: Result | None = None  # None for an imported model: it carries no held-out score
    data: MultimodalDataset | None = None  # the training data (after the difficulty control)
    cache: FeatureCache | None = None  # the features of ``data``
    cv: dict | None = None  # cross-validation, when asked for


def _default_training() -> tuple[Result, MultimodalModel]:
    return train_and_evaluate(
        bundled_dataset("av-digits"),
        fusion="late",
        classifier="svm",
        seed=0,
        feature_cache=feature_cache(bundled_dataset("av-digits")),
        fit_missing=False,  # half a minute of fits most visitors never need: `_default_extras` adds them
    )


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
    return remembered(bundled_dataset("av-digits"), ("default model",), _default_training)


def _default_extras() -> bool:
    """Fit the default model's missing-modality pieces, once per server, when a student first picks one."""
    result, model = default_model()
    data = bundled_dataset("av-digits")

    def fit() -> bool:
        train, _ = split_indices(data.y, test_size=result.test_size, seed=result.seed, class_names=data.class_names)
        model.add_missing_strategies(data, train, feature_cache=feature_cache(data))
        return True

    return remembered(data, ("default extras",), fit)


def active_model() -> tuple[Result | None, MultimodalModel, str]:
    """(result, model, where it comes from): this session's trained model, else the model the student's class
    published, else the default."""
    trained = state.get("trained")
    if trained is not None:
        return trained.result, trained.model, t("models.origin_trained")
    student = state.get("classroom_student")
    published = class_store().published_model(student.token) if student is not None else None
    if published is not None:
        model_bytes, scores, when = published
        kept = state.get("classroom_model")
        if kept is None or kept[0] != when:  # read the file once per publication
            kept = (when, MultimodalModel.load(model_bytes))
            state.put("classroom_model", kept)
        result = Result(**{f.name: scores[f.name] for f in fields(Result) if f.name in scores})
        return result, kept[1], t("models.origin_class", class_name=student.class_name)
    with st.spinner(t("models.spinner_default")):
        result, model = default_model()
    return result, model, t("models.origin_default")


def import_model(data: bytes) -> tuple[Trained, list[str]]:
    """A model file a user gave (skops, trusted types only), and the messages of the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ModelVersionWarning)
        model = MultimodalModel.load(data)
    notes = [w.message.args[0] for w in caught if issubclass(w.category, ModelVersionWarning)]
    return Trained(model=model), notes


def describe(result: Result | None, origin: str, model: MultimodalModel) -> str:
    """One line naming the model and its honest held-out score."""
    if result is None:
        return t(
            "models.imported",
            modalities=modality_list(model.modalities),
            fusion=model.fusion_,
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
    if trained.model is not model or trained.data is None or trained.result is None:
        st.warning(t("models.no_strategy", strategy=missing))
        return "fusion default"
    result, data = trained.result, trained.data
    with st.spinner(t("models.spinner_missing")):
        train, _ = split_indices(data.y, test_size=result.test_size, seed=result.seed, class_names=data.class_names)
        model.add_missing_strategies(data, train, feature_cache=trained.cache)
    return missing


def training_data(
    dataset: MultimodalDataset, levels: dict[str, float], *, seed: int
) -> tuple[MultimodalDataset, FeatureCache]:
    """The dataset after the difficulty control, with the feature cache that belongs to it."""
    levels = {m: float(v) for m, v in levels.items() if v > 0}
    if not levels:
        return dataset, feature_cache(dataset)

    def corrupt() -> tuple[MultimodalDataset, FeatureCache]:
        with spinner("common.corrupting"):
            return corrupt_dataset(dataset, levels, seed=seed), {}

    return remembered(dataset, ("corrupted", tuple(sorted(levels.items())), seed), corrupt, limit=8)


def train_model(dataset: MultimodalDataset, settings) -> Trained:
    """Train with the page's `ModelSettings`, scored on its held-out split.

    On bundled data the result is shared by every session with the same
    settings (a class that clicks Train together waits for one fit); on the
    user's own data it is this session's alone.
    """
    s = settings
    data, cache = training_data(dataset, s.corruption, seed=s.seed)

    def train() -> tuple[Result, MultimodalModel]:
        return train_and_evaluate(
            data,
            modalities=s.modalities,
            fusion=s.fusion,
            classifier=s.classifier,
            features=s.features,
            test_size=s.test_size,
            seed=s.seed,
            feature_cache=cache,
            fit_missing=False,  # fitted by `usable_strategy` when Try it yourself first needs them
        )

    key = (
        "train", tuple(sorted((m, float(v)) for m, v in s.corruption.items() if v > 0)), tuple(s.modalities),
        s.fusion, s.classifier, tuple(sorted(s.features.items())), float(s.test_size), int(s.seed),
    )  # fmt: skip
    result, model = remembered(dataset, key, train, limit=32)
    return Trained(model=model, result=result, data=data, cache=cache)
