"""Splits, metrics and comparisons: every number the app shows comes from here."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.errors import DatasetError
from mmdemo.fusion import FUSIONS, present_rows
from mmdemo.fusion.missing import MISSING_STRATEGIES
from mmdemo.model import FeatureCache, MultimodalModel
from mmdemo.parallel import run_tasks
from mmdemo.splits import split_indices

__all__ = [
    "Result",
    "train_and_evaluate",
    "compare",
    "cross_validate",
    "score_model",
    "missing_modality_report",
]


@dataclass
class Result:
    """The outcome of training one method on one split; ``to_dict`` is the CLI's JSON."""

    dataset: str
    modalities: list[str]
    fusion: str
    classifier: str
    accuracy: float
    macro_f1: float
    per_modality: dict[str, float]
    n_train: int
    n_test: int
    fit_seconds: float
    seed: int
    test_size: float
    features: dict[str, str] = field(default_factory=dict)
    class_names: list[str] = field(default_factory=list)
    confusion_matrix: list[list[int]] = field(default_factory=list)
    #: The fusion method's group, one of `mmdemo.fusion.FUSION_GROUPS` (None for one modality).
    group: str | None = None

    @property
    def fusion_gain(self) -> float | None:
        """Accuracy minus the best single modality's accuracy on the same split."""
        return self.accuracy - max(self.per_modality.values()) if len(self.per_modality) > 1 else None

    def to_dict(self) -> dict:
        """JSON-ready dict with the keys of the CLI contract first."""
        out = asdict(self)
        out["fusion_gain"] = None if self.fusion_gain is None else round(self.fusion_gain, 4)
        return out


def score_model(model: MultimodalModel, X: np.ndarray, y: np.ndarray, rows: np.ndarray) -> dict[str, float]:
    """Accuracy, macro-F1 and the confusion matrix of the fused model on ``rows`` of ``X``."""
    rows = rows[present_rows(X[rows])]
    pred = np.argmax(model.proba_from_features(X[rows]), axis=1)
    labels = np.arange(len(model.class_names_))
    return {
        "accuracy": float(accuracy_score(y[rows], pred)),
        "macro_f1": float(f1_score(y[rows], pred, average="macro", labels=np.unique(y[rows]))),
        "confusion_matrix": confusion_matrix(y[rows], pred, labels=labels).tolist(),
        "n": int(len(rows)),
    }


def _unimodal_accuracy(model: MultimodalModel, X: np.ndarray, y: np.ndarray, rows: np.ndarray) -> dict[str, float]:
    out = {}
    for m in model.unimodal_:
        a, b = model.blocks_[m]
        r = rows[present_rows(X[rows, a:b])]
        pred = np.argmax(model.modality_proba(m, X[r]), axis=1)
        out[m] = float(accuracy_score(y[r], pred)) if len(r) else float("nan")
    return out


def train_and_evaluate(
    dataset: MultimodalDataset,
    *,
    modalities: Sequence[str] | None = None,
    fusion: str = "early",
    classifier: str = "logreg",
    features: Mapping[str, str] | None = None,
    test_size: float = 0.25,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
    fit_unimodal: bool = True,
    fit_missing: bool = True,
) -> tuple[Result, MultimodalModel]:
    """Fit one method on a seeded stratified split and score it on the held-out part.

    ``fit_unimodal`` and ``fit_missing`` are passed to `MultimodalModel.fit`:
    skip them when only the fused score is needed.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> result, model = train_and_evaluate(make_xor_shapes(200), fusion="tensor")
    >>> result.n_test
    50
    """
    modalities = list(modalities or dataset.modalities)
    train, test = split_indices(dataset.y, test_size=test_size, seed=seed, class_names=dataset.class_names)
    model = MultimodalModel(modalities, features=features, fusion=fusion, classifier=classifier, random_state=seed)
    X = model.fit_matrix(
        dataset, train, feature_cache=feature_cache, fit_unimodal=fit_unimodal, fit_missing=fit_missing
    )
    scores = score_model(model, X, dataset.y, test)
    per_modality = _unimodal_accuracy(model, X, dataset.y, test)
    return _result(dataset, model, scores, per_modality, n_train=len(train), test_size=test_size), model


def _result(
    dataset: MultimodalDataset,
    model: MultimodalModel,
    scores: dict,
    per_modality: dict[str, float],
    *,
    n_train: int,
    test_size: float,
) -> Result:
    """The `Result` of a fitted model scored by `score_model` on one split."""
    if len(model.modalities) == 1:
        per_modality = {model.modalities[0]: scores["accuracy"]}
    return Result(
        dataset=dataset.name,
        modalities=list(model.modalities),
        fusion=model.fusion_,
        classifier=model.classifier,
        accuracy=round(scores["accuracy"], 4),
        macro_f1=round(scores["macro_f1"], 4),
        per_modality={m: round(v, 4) for m, v in per_modality.items()},
        n_train=int(n_train),
        n_test=scores["n"],
        fit_seconds=round(model.fit_seconds_, 4),
        seed=model.random_state,
        test_size=test_size,
        features=dict(model.features_),
        class_names=list(dataset.class_names),
        confusion_matrix=scores["confusion_matrix"],
        group=FUSIONS.group(model.fusion_) if model.fusion_ in FUSIONS else None,
    )


def _fit_and_score(
    model: MultimodalModel, X: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray, fit_unimodal: bool
) -> tuple[MultimodalModel, dict, dict[str, float]]:
    """Fit ``model`` (its featurizers already fitted) on rows ``train`` of ``X`` and score it on ``test``.

    A module-level function of plain arguments, so any joblib backend (local
    processes, a Dask cluster) can run it.
    """
    model.fit_from_features(X, y, train, fit_unimodal=fit_unimodal, fit_missing=False)
    with threadpool_limits(limits=1, user_api="blas"):
        return model, score_model(model, X, y, test), _unimodal_accuracy(model, X, y, test)


def _sharing_features(model: MultimodalModel, fusion: str) -> MultimodalModel:
    """A copy of a model whose featurizers are fitted, with another fusion method (featurizers shared)."""
    twin = copy.copy(model)
    twin.fusion = fusion
    return twin


def compare(
    dataset: MultimodalDataset,
    *,
    modalities: Sequence[str] | None = None,
    fusions: Sequence[str] | None = None,
    classifier: str = "logreg",
    features: Mapping[str, str] | None = None,
    test_size: float = 0.25,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
    progress=None,
    backend: str | None = None,
) -> list[Result]:
    """Every fusion method on the same split: features extracted once, per-modality accuracies computed once.

    The fits run on ``backend`` (see `mmdemo.parallel`; default: the
    ``MMDEMO_BACKEND`` setting, else one after another). ``progress``, if
    given, is called as ``progress(done, total, name)`` after each method.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> [(r.fusion, r.accuracy > 0.9) for r in compare(make_xor_shapes(300), fusions=["early", "tensor"])]
    [('early', False), ('tensor', True)]
    """
    modalities = list(modalities or dataset.modalities)
    fusions = list(fusions or (FUSIONS if len(modalities) > 1 else ["single"]))
    cache: FeatureCache = feature_cache if feature_cache is not None else {}
    train, test = split_indices(dataset.y, test_size=test_size, seed=seed, class_names=dataset.class_names)
    template = _featurized_model(dataset, modalities, features, fusions[0], classifier, seed)
    X = template.fit_features(dataset, train, feature_cache=cache)
    tasks = [(_sharing_features(template, f), X, dataset.y, train, test, k == 0) for k, f in enumerate(fusions)]
    results: list[Result] = []
    per_modality: dict[str, float] = {}
    for k, (model, scores, unimodal) in enumerate(run_tasks(_fit_and_score, tasks, backend=backend)):
        per_modality = per_modality or unimodal
        results.append(_result(dataset, model, scores, per_modality, n_train=len(train), test_size=test_size))
        if progress is not None:
            progress(k + 1, len(fusions), fusions[k])
    return results


def _featurized_model(dataset, modalities, features, fusion, classifier, seed) -> MultimodalModel:
    """An unfitted model with its settings checked (the featurizers are fitted by ``fit_features``)."""
    model = MultimodalModel(modalities, features=features, fusion=fusion, classifier=classifier, random_state=seed)
    model.check_settings(dataset)
    return model


def cross_validate(
    dataset: MultimodalDataset,
    *,
    modalities: Sequence[str] | None = None,
    fusion: str = "early",
    classifier: str = "logreg",
    features: Mapping[str, str] | None = None,
    n_splits: int = 5,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
    backend: str | None = None,
) -> dict[str, float | list[float]]:
    """Stratified k-fold accuracy: mean, standard deviation and the score of each fold (fits on ``backend``)."""
    modalities = list(modalities or dataset.modalities)
    if np.bincount(dataset.y).min() < n_splits:
        raise DatasetError(
            "evaluate.too_few_for_cv",
            "{n_splits}-fold cross-validation needs at least {n_splits} samples in every class.",
            n_splits=n_splits,
        )
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    cache: FeatureCache = feature_cache if feature_cache is not None else {}
    tasks = []
    for train, test in folds.split(np.zeros(dataset.n_samples), dataset.y):
        model = _featurized_model(dataset, modalities, features, fusion, classifier, seed)
        X = model.fit_features(dataset, train, feature_cache=cache)
        tasks.append((model, X, dataset.y, train, test, False))
    scores = [out[1]["accuracy"] for out in run_tasks(_fit_and_score, tasks, backend=backend)]
    return {"mean": float(np.mean(scores)), "std": float(np.std(scores)), "folds": [round(s, 4) for s in scores]}


def missing_modality_report(
    dataset: MultimodalDataset,
    *,
    fusions: Sequence[str] | None = None,
    strategies: Sequence[str] | None = None,
    classifier: str = "logreg",
    test_size: float = 0.25,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
    progress=None,
) -> list[dict]:
    """Accuracy of every fusion method and missing-modality strategy when modalities go missing at test time.

    Each fusion method is trained once on the split with every modality. On
    the held-out rows each modality is then blanked out in turn (and, with 3
    modalities, each pair, so that one remains), and each strategy of
    `mmdemo.fusion.missing.MISSING_STRATEGIES` scores the result. A row
    with nothing missing (strategy ``"none"``) per fusion method, and the
    unimodal models on the same split (fusion ``"single"``), are there to
    compare with. A held-out sample that has none of the remaining modalities
    is left out of that row's ``n_test``. ``progress``, if given, is called as
    ``progress(done, total, name)`` after each fusion method.

    Returns
    -------
    list of dict with keys ``fusion``, ``missing`` and ``present`` (modalities
    joined by "+", ``missing="none"`` when nothing is), ``strategy``,
    ``accuracy`` and ``n_test``.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> rows = missing_modality_report(make_xor_shapes(120), fusions=["late"], strategies=["fallback"])
    >>> [(r["fusion"], r["missing"], r["strategy"]) for r in rows]  # doctest: +NORMALIZE_WHITESPACE
    [('late', 'none', 'none'), ('late', 'image', 'fallback'), ('late', 'audio', 'fallback'),
     ('single', 'audio', 'none'), ('single', 'image', 'none')]
    """
    modalities = dataset.modalities
    if len(modalities) < 2:
        raise DatasetError(
            "evaluate.one_modality",
            "Dataset {name!r} has one modality only: nothing can go missing.",
            name=dataset.name,
        )
    fusions = list(fusions or FUSIONS)
    strategies = [MISSING_STRATEGIES.check(s) for s in (strategies or MISSING_STRATEGIES)]
    train, test = split_indices(dataset.y, test_size=test_size, seed=seed, class_names=dataset.class_names)
    cache: FeatureCache = feature_cache if feature_cache is not None else {}
    blanked = [list(c) for r in range(1, len(modalities)) for c in combinations(modalities, r)]
    y = dataset.y

    def row(fusion: str, missing: Sequence[str], strategy: str, proba: np.ndarray, rows: np.ndarray) -> dict:
        return {
            "fusion": fusion,
            "missing": "+".join(missing) or "none",
            "present": "+".join(m for m in modalities if m not in missing),
            "strategy": strategy,
            "accuracy": round(float(accuracy_score(y[rows], np.argmax(proba, axis=1))), 4) if len(rows) else None,
            "n_test": int(len(rows)),
        }

    out: list[dict] = []
    baselines: list[dict] = []
    for k, fusion in enumerate(fusions):
        if progress is not None and k:
            progress(k, len(fusions), fusions[k - 1])
        model = MultimodalModel(modalities, fusion=fusion, classifier=classifier, random_state=seed)
        X = model.fit_matrix(dataset, train, feature_cache=cache, fit_missing=strategies != ["fusion default"])[test]
        have = present_rows(X)
        out.append(row(fusion, [], "none", model.proba_from_features(X[have]), test[have]))
        for missing in blanked:
            Xm = X.copy()
            for m in missing:
                a, b = model.blocks_[m]
                Xm[:, a:b] = np.nan
            have = present_rows(Xm)
            for strategy in strategies:
                out.append(
                    row(fusion, missing, strategy, model.proba_from_features(Xm[have], missing=strategy), test[have])
                )
        if baselines:
            continue  # the unimodal models are the same for every fusion method
        for m in model.unimodal_:
            a, b = model.blocks_[m]
            have = present_rows(X[:, a:b])
            baselines.append(
                row("single", [o for o in modalities if o != m], "none", model.modality_proba(m, X[have]), test[have])
            )
    if progress is not None:
        progress(len(fusions), len(fusions), fusions[-1])
    return out + baselines
