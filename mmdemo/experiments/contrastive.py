"""Training a contrastive space epoch by epoch: the loss, a held-out batch's similarities, held-out retrieval."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from mmdemo.crossmodal.retrieval import cosine_similarity_matrix, retrieval_report
from mmdemo.crossmodal.spaces import ContrastiveSpace
from mmdemo.datasets.base import MultimodalDataset
from mmdemo.experiments.crossmodal import SharedSpaceResult, check_pair, evaluate_space, label_positives, paired_split
from mmdemo.model import FeatureCache

__all__ = ["ContrastiveTraining", "contrastive_training"]

#: Held-out pairs in the similarity matrix the page shows at every epoch.
N_SHOWN = 10


@dataclass
class ContrastiveTraining:
    """A contrastive space trained epoch by epoch, with what each epoch did.

    Attributes
    ----------
    result : SharedSpaceResult
        The trained space evaluated on the held-out pairs, as `shared_space_experiment` would.
    losses : list of float
        Mean training loss (symmetric InfoNCE) of each epoch.
    similarities : ndarray, shape=(epochs, n_shown, n_shown)
        Cosine similarity of the shown held-out pairs' query (rows) and target (columns)
        after each epoch; a sample's own partner is on the diagonal.
    recall_at_10, mean_average_precision : list of float, length epochs
        Held-out retrieval after each epoch.
    shown : ndarray of int
        Dataset rows of the shown pairs (one per class on data paired by label).
    temperature : float
    seconds : float
        Time the training took (without the features).
    """

    result: SharedSpaceResult
    losses: list[float]
    similarities: np.ndarray
    recall_at_10: list[float]
    mean_average_precision: list[float]
    shown: np.ndarray
    temperature: float
    seconds: float


def _shown_rows(dataset: MultimodalDataset, test: np.ndarray, seed: int) -> np.ndarray:
    """Up to `N_SHOWN` held-out rows: one of each class on data paired by label (so only the diagonal is right)."""
    rng = np.random.default_rng(seed)
    if dataset.pairing == "instance":
        return np.sort(rng.choice(test, size=min(N_SHOWN, len(test)), replace=False))
    classes = np.unique(dataset.y[test])[:N_SHOWN]
    return np.array([rng.choice(test[dataset.y[test] == c]) for c in classes])


def contrastive_training(
    dataset: MultimodalDataset,
    *,
    query: str,
    target: str,
    temperature: float = 0.2,
    epochs: int = 60,
    test_size: float = 0.25,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
    on_epoch: Callable[[int, int], None] | None = None,
) -> ContrastiveTraining:
    """Train `ContrastiveSpace` one epoch at a time on a seeded split, recording every epoch.

    The split and features are those of `shared_space_experiment` for the same
    seed and held-out fraction, so its CCA result is on exactly these pairs.
    ``on_epoch(epoch, epochs)`` is called after each epoch (a progress bar).

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> run = contrastive_training(make_xor_shapes(120), query="image", target="audio", epochs=5)
    >>> len(run.losses), run.similarities.shape
    (5, (5, 10, 10))
    """
    check_pair(dataset, query, target, "contrastive")
    model, X, train, test = paired_split(dataset, query, target, test_size=test_size, seed=seed, cache=feature_cache)
    shown = _shown_rows(dataset, test, seed)
    space = ContrastiveSpace(
        model.blocks_, pca_components=64, random_state=seed, temperature=temperature, epochs=epochs
    )
    positives = label_positives(dataset, train)
    similarities, recall, mean_ap = [], [], []

    def record() -> None:
        Zq, Zt = space.transform_view(X[test], query), space.transform_view(X[test], target)
        report = retrieval_report(Zq, Zt, dataset.y[test], dataset.y[test], paired=dataset.pairing == "instance")
        recall.append(report["recall_at_10"])
        mean_ap.append(report["mean_average_precision"])
        Sq, St = space.transform_view(X[shown], query), space.transform_view(X[shown], target)
        similarities.append(cosine_similarity_matrix(Sq, St))

    spent = 0.0
    with threadpool_limits(limits=1, user_api="blas"):
        for epoch in range(epochs):
            tick = time.perf_counter()
            space.partial_fit(X[train], positives)
            spent += time.perf_counter() - tick
            record()
            if on_epoch is not None:
                on_epoch(epoch + 1, epochs)
        result = evaluate_space(
            dataset,
            space,
            model,
            X,
            train,
            test,
            query=query,
            target=target,
            method="contrastive",
            seed=seed,
            test_size=test_size,
        )
    return ContrastiveTraining(
        result=result,
        losses=list(space.cross_.history_),
        similarities=np.stack(similarities),
        recall_at_10=recall,
        mean_average_precision=mean_ap,
        shown=shown,
        temperature=temperature,
        seconds=spent,
    )
