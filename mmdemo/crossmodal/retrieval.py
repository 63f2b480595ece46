"""Cross-modal retrieval: rank the samples of one modality for queries from another, and score the ranking.

Two kinds of relevance are measured. Class level: a target is relevant when
it has the query's class (precision@k, mean average precision). Instance level:
each query has exactly one true target, the same sample's other modality
(recall@k, median rank). On a dataset paired by label only (av-digits, like
AV-MNIST), a sample's image and sound were drawn independently from one class,
so no projection can tell "its" sound from the others of that class: by
construction, instance recall is no better than a random pick among the
same-class targets (recall@k of about k / class size at best), so it only
echoes the class-level numbers, which are the ones to read.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics.pairwise import cosine_similarity

from mmdemo.errors import ParameterError

__all__ = [
    "cosine_similarity_matrix",
    "mean_average_precision",
    "median_rank",
    "precision_at_k",
    "rank_targets",
    "recall_at_k",
    "retrieval_report",
]


def cosine_similarity_matrix(Q: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Cosine similarity of every query row with every target row.

    A row of zeros has similarity 0 with everything.

    Parameters
    ----------
    Q : ndarray, shape=(n_queries, d)
    T : ndarray, shape=(n_targets, d)

    Returns
    -------
    S : ndarray, shape=(n_queries, n_targets)

    Examples
    --------
    >>> cosine_similarity_matrix(np.array([[1.0, 0.0]]), np.array([[2.0, 0.0], [0.0, 3.0], [-1.0, 0.0]]))
    array([[ 1.,  0., -1.]])
    """
    Q, T = np.asarray(Q, dtype=float), np.asarray(T, dtype=float)
    if Q.ndim != 2 or T.ndim != 2 or Q.shape[1] != T.shape[1]:
        raise ParameterError(
            "crossmodal.width_mismatch",
            "Queries and targets need one width; got shapes {query_shape} and {target_shape}.",
            query_shape=str(Q.shape),
            target_shape=str(T.shape),
        )
    if np.isnan(Q).any() or np.isnan(T).any():
        raise ParameterError(
            "crossmodal.absent_rows", "Queries and targets must be present: leave out the samples that lack a modality."
        )
    return cosine_similarity(Q, T)


def rank_targets(Q: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Target indices for each query, most similar (cosine) first; ties keep the lower index first.

    Returns
    -------
    ranking : ndarray of int, shape=(n_queries, n_targets)

    Examples
    --------
    >>> rank_targets(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.0, 1.0], [1.0, 0.1], [1.0, 1.0]]))
    array([[1, 2, 0],
           [0, 2, 1]])
    """
    return np.argsort(-cosine_similarity_matrix(Q, T), axis=1, kind="stable")


def _relevance(ranking: np.ndarray, query_labels, target_labels) -> np.ndarray:
    """Boolean matrix: is the target at rank r (column) of query q (row) of q's class?"""
    ranking = np.asarray(ranking, dtype=int)
    query_labels, target_labels = np.asarray(query_labels), np.asarray(target_labels)
    if ranking.ndim != 2 or len(ranking) != len(query_labels):
        raise ParameterError(
            "crossmodal.ranking_vs_labels",
            "ranking has shape {shape} for {n_labels} query labels.",
            shape=str(ranking.shape),
            n_labels=len(query_labels),
        )
    return target_labels[ranking] == query_labels[:, None]


def _check_k(k: int, n_targets: int) -> int:
    if k < 1:
        raise ParameterError("crossmodal.bad_k", "k must be at least 1; got {k}.", k=k)
    return min(int(k), n_targets)


def precision_at_k(ranking: np.ndarray, query_labels, target_labels, k: int) -> float:
    """Class-level precision@k: fraction of the top ``k`` targets with the query's class, averaged over queries.

    ``k`` larger than the number of targets means all of them.

    Examples
    --------
    Query 0 (class 0) gets targets of class 0, 1, 0; query 1 (class 1) gets 1, 1, 0:

    >>> ranking = np.array([[0, 1, 2], [1, 3, 0]])
    >>> labels = np.array([0, 1, 0, 1])
    >>> precision_at_k(ranking, np.array([0, 1]), labels, k=1)
    1.0
    >>> precision_at_k(ranking, np.array([0, 1]), labels, k=3)  # (2/3 + 2/3) / 2
    0.6666666666666666
    """
    rel = _relevance(ranking, query_labels, target_labels)
    return float(rel[:, : _check_k(k, rel.shape[1])].mean())


def mean_average_precision(ranking: np.ndarray, query_labels, target_labels) -> float:
    """Class-level mean average precision over the whole ranking.

    AP of one query = mean, over its relevant targets, of the precision at each
    one's rank. Queries whose class no target has are left out (their AP is
    undefined); NaN when that leaves none.

    Examples
    --------
    Relevant targets at ranks 1 and 3: AP = (1/1 + 2/3) / 2:

    >>> mean_average_precision(np.array([[0, 1, 2]]), np.array([0]), np.array([0, 1, 0]))
    0.8333333333333333
    """
    rel = _relevance(ranking, query_labels, target_labels)
    n_relevant = rel.sum(axis=1)
    hits = np.cumsum(rel, axis=1)
    precision = hits / np.arange(1, rel.shape[1] + 1)
    answered = n_relevant > 0
    if not answered.any():
        return float("nan")
    ap = (precision * rel).sum(axis=1)[answered] / n_relevant[answered]
    return float(ap.mean())


def _true_ranks(ranking: np.ndarray, true_target) -> np.ndarray:
    """1-based rank of each query's true target."""
    ranking = np.asarray(ranking, dtype=int)
    true_target = np.asarray(true_target, dtype=int)
    if ranking.ndim != 2 or len(ranking) != len(true_target):
        raise ParameterError(
            "crossmodal.ranking_vs_targets",
            "ranking has shape {shape} for {n_targets} true targets.",
            shape=str(ranking.shape),
            n_targets=len(true_target),
        )
    found = ranking == true_target[:, None]
    if not found.any(axis=1).all():
        raise ParameterError("crossmodal.target_not_ranked", "Every true target must be one of the ranked targets.")
    return np.argmax(found, axis=1) + 1


def recall_at_k(ranking: np.ndarray, true_target, k: int) -> float:
    """Instance-level recall@k: fraction of queries whose one true target is in their top ``k``.

    Examples
    --------
    >>> ranking = np.array([[2, 0, 1], [0, 1, 2], [2, 1, 0]])
    >>> recall_at_k(ranking, np.array([0, 1, 2]), k=1)  # only query 2 finds its target first
    0.3333333333333333
    >>> recall_at_k(ranking, np.array([0, 1, 2]), k=2)
    1.0
    """
    ranks = _true_ranks(ranking, true_target)
    return float(np.mean(ranks <= _check_k(k, np.asarray(ranking).shape[1])))


def median_rank(ranking: np.ndarray, true_target) -> float:
    """Median 1-based rank of each query's true target (1 is perfect; chance is about n_targets / 2).

    Examples
    --------
    >>> median_rank(np.array([[2, 0, 1], [0, 1, 2], [2, 1, 0]]), np.array([0, 1, 2]))  # ranks 2, 2, 1
    2.0
    """
    return float(np.median(_true_ranks(ranking, true_target)))


def _chance_average_precision(n_relevant: np.ndarray, n_targets: int) -> np.ndarray:
    """Expected AP of a uniformly random ranking with ``n_relevant`` of ``n_targets`` relevant.

    E[AP] = (1/N) (H_N + (R - 1)/(N - 1) (N - H_N)), H_N the N-th harmonic number:
    the precision at rank k counts the item itself plus each of the k - 1 above
    it with probability (R - 1)/(N - 1).
    """
    harmonic = float(np.sum(1.0 / np.arange(1, n_targets + 1)))
    share = (n_relevant - 1) / (n_targets - 1) if n_targets > 1 else np.zeros_like(n_relevant, dtype=float)
    return (harmonic + share * (n_targets - harmonic)) / n_targets


def retrieval_report(Zq: np.ndarray, Zt: np.ndarray, yq, yt, *, paired: bool) -> dict:
    """Every retrieval score of queries ``Zq`` against targets ``Zt`` (cosine ranking), with chance levels.

    Row i of ``Zt`` is taken as query i's true target (the same sample's other
    modality), so ``Zq`` and ``Zt`` must have the same number of rows.

    Parameters
    ----------
    Zq : ndarray, shape=(n, d)
        Query projections.
    Zt : ndarray, shape=(n, d)
        Target projections, row i from the same sample as query i.
    yq, yt : ndarray of int, shape=(n,)
        Class of each query and target.
    paired : bool
        Whether the modalities were paired by instance (recorded together).
        Reported as ``instance_pairs``: when False, instance recall means little.

    Returns
    -------
    dict
        ``precision_at_1/5/10``, ``mean_average_precision`` (class level),
        ``chance_precision`` (the expected precision@k of a random ranking, any k:
        the mean share of targets in the query's class), ``chance_map`` (the
        expected mAP of a random ranking), ``recall_at_1/5/10``, ``median_rank``
        (instance level) and their chance levels ``chance_recall_at_1/5/10``
        (k / n) and ``chance_median_rank`` ((n + 1) / 2), ``instance_pairs``,
        ``n_queries``, ``n_targets``.

    Examples
    --------
    >>> Z = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> report = retrieval_report(Z, Z, [0, 0, 1, 1], [0, 0, 1, 1], paired=True)
    >>> report["precision_at_1"], report["recall_at_1"], report["chance_precision"]
    (1.0, 1.0, 0.5)
    """
    Zq, Zt = np.asarray(Zq, dtype=float), np.asarray(Zt, dtype=float)
    yq, yt = np.asarray(yq), np.asarray(yt)
    if len(Zq) != len(Zt) or len(yq) != len(Zq) or len(yt) != len(Zt):
        raise ParameterError(
            "crossmodal.unpaired",
            "Queries and targets come in pairs: got {n_queries} queries, {n_targets} targets, "
            "{n_query_labels} query labels and {n_target_labels} target labels.",
            n_queries=len(Zq),
            n_targets=len(Zt),
            n_query_labels=len(yq),
            n_target_labels=len(yt),
        )
    if len(Zq) == 0:
        raise ParameterError("crossmodal.no_queries", "There are no queries to retrieve for.")
    ranking = rank_targets(Zq, Zt)
    own = np.arange(len(Zq))
    n_relevant = (yt[None, :] == yq[:, None]).sum(axis=1)
    answered = n_relevant > 0
    report = {f"precision_at_{k}": precision_at_k(ranking, yq, yt, k) for k in (1, 5, 10)}
    report["mean_average_precision"] = mean_average_precision(ranking, yq, yt)
    report["chance_precision"] = float(np.mean(n_relevant / len(yt)))
    report["chance_map"] = (
        float(np.mean(_chance_average_precision(n_relevant[answered], len(yt)))) if answered.any() else float("nan")
    )
    report.update({f"recall_at_{k}": recall_at_k(ranking, own, k) for k in (1, 5, 10)})
    report["median_rank"] = median_rank(ranking, own)
    # A random ranking puts the one true target in the top k with probability k / n, at rank (n + 1) / 2 on average.
    report.update({f"chance_recall_at_{k}": min(k, len(Zt)) / len(Zt) for k in (1, 5, 10)})
    report["chance_median_rank"] = (len(Zt) + 1) / 2
    report["instance_pairs"] = bool(paired)
    report["n_queries"] = len(Zq)
    report["n_targets"] = len(Zt)
    return report
