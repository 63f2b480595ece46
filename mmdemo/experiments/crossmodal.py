"""The Cross-modal lab's experiments: one call per result, shared by the page and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from mmdemo.crossmodal.retrieval import cosine_similarity_matrix, retrieval_report
from mmdemo.crossmodal.spaces import SHARED_SPACES, make_shared_space
from mmdemo.crossmodal.transfer import transfer_accuracy
from mmdemo.datasets.base import MODALITIES, MultimodalDataset
from mmdemo.errors import DatasetError, ParameterError, modality_word
from mmdemo.model import FeatureCache, MultimodalModel
from mmdemo.splits import split_indices

__all__ = [
    "MIN_PAIRED_SAMPLES",
    "SharedSpaceResult",
    "best_pair",
    "check_pair",
    "evaluate_space",
    "label_positives",
    "paired_split",
    "shared_space_experiment",
]

#: Fewest samples with both the query and the target modality the lab works with.
MIN_PAIRED_SAMPLES = 10


@dataclass
class SharedSpaceResult:
    """A shared space fitted on the training pairs, and what it does on the held-out pairs.

    Row i of ``Zq`` and of ``Zt`` comes from dataset sample ``indices[i]``, of
    class ``labels[i]``: ``Zq`` holds its query modality, ``Zt`` its target
    modality, both projected into the shared space.

    Attributes
    ----------
    dataset, query, target, method : str
    space : fitted shared space (`CCASpace`, `PLSSpace` or `KernelCCASpace`)
    feature_model : MultimodalModel
        Holds the fitted featurizers of both modalities (text fitted on the
        training samples), for projecting new raw samples (`search_raw`).
    Zq, Zt : ndarray, shape=(n_test, n_components)
    Zq_train : ndarray, shape=(n_train, n_components)
        The training pairs' query modality in the space (for a decoder, `mmdemo.experiments.imagine`).
    train_indices : ndarray of int, shape=(n_train,)
    labels, indices : ndarray of int, shape=(n_test,)
    correlations : list of float
        Canonical correlation of each component on the training pairs, descending.
    test_correlations : list of float
        The same components' correlation on the held-out pairs (lower: the
        gap is what the space fitted to noise).
    retrieval : dict
        `retrieval_report` of the test queries against the test targets.
    transfer : dict
        `transfer_accuracy` from the query modality to the target modality.
    pairing : {"instance", "label"}
    seed : int
    test_size : float
    n_train : int
    class_names : list of str
    """

    dataset: str
    query: str
    target: str
    method: str
    space: object
    feature_model: MultimodalModel
    Zq: np.ndarray
    Zt: np.ndarray
    labels: np.ndarray
    indices: np.ndarray
    correlations: list[float]
    test_correlations: list[float]
    retrieval: dict
    transfer: dict
    pairing: str
    seed: int
    test_size: float
    n_train: int
    Zq_train: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    train_indices: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    class_names: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready summary: the retrieval scores at the top level (the CLI contract), then the rest."""
        return {
            "dataset": self.dataset,
            "query": self.query,
            "target": self.target,
            "method": self.method,
            **{k: _rounded(v) for k, v in self.retrieval.items()},
            "correlations": [round(c, 4) for c in self.correlations],
            "test_correlations": [round(c, 4) for c in self.test_correlations],
            "transfer": {k: _rounded(v) for k, v in self.transfer.items()},
            "pairing": self.pairing,
            "seed": self.seed,
            "test_size": self.test_size,
            "n_train": self.n_train,
        }

    def search_row(self, row: int, *, k: int = 8) -> list[tuple[int, float]]:
        """The ``k`` held-out targets nearest to held-out query ``row``: (row of `Zt`, cosine similarity), best first."""
        return self._nearest_targets(self.Zq[row], k)

    def search_raw(self, value, *, k: int = 8) -> list[tuple[int, float]]:
        """The ``k`` held-out targets nearest to a new raw sample of the query modality, as in `search_row`.

        ``value`` is an image array, ``(samples, sample_rate)`` audio at any
        rate, or a text; it is prepared as `MultimodalModel.predict_sample` does.
        """
        return self._nearest_targets(self.project_raw(value), k)

    def project_raw(self, value) -> np.ndarray:
        """A new raw sample of the query modality as a point of the space, shape=(n_components,); prepared as
        `MultimodalModel.predict_sample` does."""
        value = self.feature_model.prepare_inputs(**{self.query: value})[self.query]
        X = self.feature_model.transform_raw({self.query: [value]})
        return self.space.transform_view(X, self.query)[0]

    def _nearest_targets(self, z: np.ndarray, k: int) -> list[tuple[int, float]]:
        similarity = cosine_similarity_matrix(z[None, :], self.Zt)[0]
        return [(int(i), float(similarity[i])) for i in np.argsort(-similarity, kind="stable")[:k]]


def _rounded(value):
    return round(value, 4) if isinstance(value, float) else value


def check_pair(dataset: MultimodalDataset, query: str, target: str, method: str) -> None:
    """Raise a clear error unless ``query`` and ``target`` are two modalities of ``dataset`` and ``method`` a space."""
    MODALITIES.check(query), MODALITIES.check(target)
    if query == target:
        raise ParameterError(
            "crossmodal.same_modality",
            "Query and target are both {modality}: a shared space links two different modalities; choose another target.",
            modality=modality_word(query),
        )
    SHARED_SPACES.check(method)
    dataset.require_modalities([query, target])


def best_pair(dataset: MultimodalDataset) -> tuple[str, str]:
    """The two modalities of ``dataset`` (it has two or more) that the most samples have both of (in the
    dataset's order on a tie): the pair a shared space has the most to learn from, which the lab opens on.

    >>> from mmdemo.datasets import make_xor_shapes
    >>> best_pair(make_xor_shapes(40))
    ('image', 'audio')
    """
    pairs = [(a, b) for i, a in enumerate(dataset.modalities) for b in dataset.modalities[i + 1 :]]
    return max(pairs, key=lambda p: int(np.sum(dataset.present(p[0]) & dataset.present(p[1]))))


def shared_space_experiment(
    dataset: MultimodalDataset,
    *,
    query: str,
    target: str,
    method: str = "cca",
    test_size: float = 0.25,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
    n_components: int = 8,
    pca_components: int | None = 64,
) -> SharedSpaceResult:
    """Fit a shared space of ``query`` and ``target`` on a seeded split; retrieval and transfer on the held-out part.

    Only the samples that have both modalities take part. They are split
    (stratified, by `mmdemo.splits.split_indices`); features come from
    `MultimodalModel.fit_features`, so text features are fitted on the
    training samples only; the space is fitted on the training pairs. Each
    held-out sample's query modality then searches among all held-out samples'
    target modality (`retrieval_report`), and a classifier trained on the query
    modality's projections is tested on the target's (`transfer_accuracy`).

    Parameters
    ----------
    dataset : MultimodalDataset
    query, target : str
        Two different modalities of the dataset.
    method : str
        One of `SHARED_SPACES`.
    test_size : float
        Held-out fraction of the paired samples.
    seed : int
        Seed of the split and of the space.
    feature_cache : dict, optional
        Image/audio features of the whole dataset, kept between calls.
    n_components, pca_components : int
        Passed to the space (see `CCASpace`). 64 PCA components per view (fewer
        when a view has fewer samples or features): on av-digits they keep
        enough of the text to lift text->image mAP from 0.25 (32 components)
        to 0.35, and a typed "sieben" then finds eight sevens out of eight.

    Returns
    -------
    SharedSpaceResult

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> result = shared_space_experiment(make_xor_shapes(120), query="image", target="audio")
    >>> result.Zq.shape, result.retrieval["n_queries"]
    ((30, 8), 30)
    """
    check_pair(dataset, query, target, method)
    model, X, train, test = paired_split(dataset, query, target, test_size=test_size, seed=seed, cache=feature_cache)
    # One BLAS thread, as in MultimodalModel.fit: faster for these small problems on a shared server.
    with threadpool_limits(limits=1, user_api="blas"):
        space = make_shared_space(
            method, model.blocks_, n_components=n_components, pca_components=pca_components, random_state=seed
        ).fit(X[train], label_positives(dataset, train))
        return evaluate_space(
            dataset,
            space,
            model,
            X,
            train,
            test,
            query=query,
            target=target,
            method=method,
            seed=seed,
            test_size=test_size,
        )


def label_positives(dataset: MultimodalDataset, rows: np.ndarray) -> np.ndarray | None:
    """Labels for a space that uses them: on data paired by label only, every pair of one class is a positive."""
    return None if dataset.pairing == "instance" else dataset.y[rows]


def paired_split(
    dataset: MultimodalDataset, query: str, target: str, *, test_size: float, seed: int, cache: FeatureCache | None
) -> tuple[MultimodalModel, np.ndarray, np.ndarray, np.ndarray]:
    """The samples with both modalities, split (stratified, seeded); features fitted on the training part.

    Returns (the model holding the featurizers, features of every sample, training rows, held-out rows).
    """
    paired = np.flatnonzero(dataset.present(query) & dataset.present(target))
    if len(paired) < MIN_PAIRED_SAMPLES:
        raise DatasetError(
            "crossmodal.too_few_paired",
            "Only {n} samples of {dataset!r} have both {query} and {target}; "
            "the cross-modal lab needs at least {needed}: add samples that have both.",
            n=len(paired),
            dataset=dataset.name,
            query=modality_word(query),
            target=modality_word(target),
            needed=MIN_PAIRED_SAMPLES,
        )
    tr, te = split_indices(dataset.y[paired], test_size=test_size, seed=seed, class_names=dataset.class_names)
    train, test = paired[tr], paired[te]
    with threadpool_limits(limits=1, user_api="blas"):
        model = MultimodalModel([query, target])
        X = model.fit_features(dataset, train, feature_cache=cache)
    return model, X, train, test


def evaluate_space(
    dataset: MultimodalDataset,
    space,
    model: MultimodalModel,
    X: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    *,
    query: str,
    target: str,
    method: str,
    seed: int,
    test_size: float,
) -> SharedSpaceResult:
    """What a fitted space does on the held-out pairs: retrieval, transfer, held-out correlations."""
    Zq, Zt = space.transform_view(X[test], query), space.transform_view(X[test], target)
    y = dataset.y
    report = retrieval_report(Zq, Zt, y[test], y[test], paired=dataset.pairing == "instance")
    transfer = transfer_accuracy(space, X, y, train, test, source=query, target=target, random_state=seed)
    return SharedSpaceResult(
        dataset=dataset.name,
        query=query,
        target=target,
        method=method,
        pairing=dataset.pairing,
        space=space,
        feature_model=model,
        labels=y[test],
        indices=test,
        Zq=Zq,
        Zt=Zt,
        correlations=[float(c) for c in space.correlations_],
        test_correlations=[float(c) for c in space.canonical_correlations(X[test])],
        retrieval=report,
        transfer=transfer,
        n_train=len(train),
        seed=seed,
        test_size=test_size,
        Zq_train=space.transform_view(X[train], query),
        train_indices=train,
        class_names=list(dataset.class_names),
    )
