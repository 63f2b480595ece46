"""Where the rank stops helping: low-rank fusion (LMF) at several ranks against ⊕ and full ⊗ on one split."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.experiments.evaluate import compare
from mmdemo.fusion import LowRankFusionClassifier, TensorFusion, present_rows
from mmdemo.fusion.lowrank import n_parameters
from mmdemo.model import FeatureCache, MultimodalModel
from mmdemo.splits import split_indices

__all__ = ["RANKS", "RankCurve", "rank_curve"]

#: The ranks the curve is drawn at (the page's slider steps through them).
RANKS: tuple[int, ...] = (1, 2, 3, 4, 6, 8)


@dataclass
class RankCurve:
    """Held-out accuracy, trained weights and fit time of LMF per rank, with ⊕ and ⊗ beside it.

    ⊕ and ⊗ use logistic regression, a linear softmax like LMF's, so their weight counts compare.

    Attributes
    ----------
    ranks, accuracy, n_parameters, fit_seconds : list
        LMF, one entry per rank.
    references : dict of str -> dict
        ``"early"`` and ``"tensor"``: ``accuracy``, ``n_parameters``, ``fit_seconds``.
    full_tensor_parameters : int
        Weights of a full ⊗ of LMF's own vectors [z_m; 1] (what LMF factorises).
    n_components : dict of str -> int
        PCA components per modality in LMF.
    """

    dataset: str
    modalities: list[str]
    ranks: list[int]
    accuracy: list[float]
    n_parameters: list[int]
    fit_seconds: list[float]
    references: dict[str, dict]
    full_tensor_parameters: int
    n_components: dict[str, int]
    n_train: int
    n_test: int
    seed: int
    test_size: float

    def to_dict(self) -> dict:
        """JSON-ready."""
        return asdict(self)


def rank_curve(
    dataset: MultimodalDataset,
    *,
    modalities: Sequence[str] | None = None,
    ranks: Sequence[int] = RANKS,
    test_size: float = 0.25,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
    progress=None,
) -> RankCurve:
    """LMF trained at each of ``ranks`` on one seeded split, scored on its held-out rows, with ⊕ and ⊗.

    ``progress``, if given, is called as ``progress(done, total, name)`` after each fit.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> curve = rank_curve(make_xor_shapes(300), ranks=[1, 2])
    >>> curve.accuracy[0] > 0.9 > 0.7 > curve.references["early"]["accuracy"]
    True
    """
    mods = list(modalities or dataset.modalities)
    cache: FeatureCache = feature_cache if feature_cache is not None else {}
    total = len(ranks) + 2
    refs = compare(
        dataset,
        modalities=mods,
        fusions=["early", "tensor"],
        classifier="logreg",
        test_size=test_size,
        seed=seed,
        feature_cache=cache,
        progress=None if progress is None else lambda k, n, name: progress(k, total, name),
    )
    train, test = split_indices(dataset.y, test_size=test_size, seed=seed, class_names=dataset.class_names)
    model = MultimodalModel(mods, fusion="lmf", random_state=seed)
    model.check_settings(dataset)
    X, y = model.fit_features(dataset, train, feature_cache=cache), dataset.y
    fit_rows, test_rows = train[present_rows(X[train])], test[present_rows(X[test])]
    widths = [b - a for a, b in model.blocks_.values()]
    n_classes = len(dataset.class_names)
    accuracy, weights, seconds = [], [], []
    for done, rank in enumerate(ranks, start=3):
        start = time.perf_counter()
        with threadpool_limits(limits=1, user_api="blas"):
            lmf = LowRankFusionClassifier(blocks=model.blocks_, rank=int(rank), random_state=seed)
            lmf.fit(X[fit_rows], y[fit_rows])
        seconds.append(round(time.perf_counter() - start, 3))
        accuracy.append(round(float(np.mean(lmf.predict(X[test_rows]) == y[test_rows])), 4))
        weights.append(lmf.n_parameters_)
        if progress is not None:
            progress(done, total, f"LMF rank {rank}")
    k = {m: p.n_components_ for m, (_, _, p) in zip(mods, lmf.projection_.projections_)}  # the same at every rank
    kept = TensorFusion().n_components
    tensor_k = [max(1, min(kept, w, len(fit_rows) - 1)) for w in widths]  # as TensorFusion keeps them
    by_name = {r.fusion: r for r in refs}
    references = {
        "early": {"n_parameters": n_parameters("early", widths, n_classes)},
        "tensor": {"n_parameters": n_parameters("tensor", tensor_k, n_classes)},
    }
    for name, ref in references.items():
        ref.update(accuracy=by_name[name].accuracy, fit_seconds=by_name[name].fit_seconds)
    return RankCurve(
        dataset=dataset.name,
        modalities=mods,
        ranks=[int(r) for r in ranks],
        accuracy=accuracy,
        n_parameters=weights,
        fit_seconds=seconds,
        references=references,
        full_tensor_parameters=n_parameters("tensor", list(k.values()), n_classes),
        n_components=k,
        n_train=len(fit_rows),
        n_test=len(test_rows),
        seed=seed,
        test_size=test_size,
    )
