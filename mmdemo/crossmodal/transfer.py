"""Cross-modal transfer: a classifier trained on one modality's projections, tested on another's."""

from __future__ import annotations

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from mmdemo.classifiers import make_classifier
from mmdemo.errors import DatasetError
from mmdemo.fusion._blocks import present_rows
from mmdemo.fusion.scaling import BlockScaler

__all__ = ["transfer_accuracy"]


def _fit_and_score(
    Z_train: np.ndarray, y_train: np.ndarray, tests: list[tuple[np.ndarray, np.ndarray]], classifier: str, seed: int
) -> list[float]:
    """Fit standardise + ``classifier`` on the present rows of ``Z_train``; accuracy on each (Z, y) test pair."""
    rows = present_rows(Z_train)
    if len(np.unique(y_train[rows])) < 2:
        raise DatasetError("crossmodal.transfer_one_class", "Transfer needs training samples of at least two classes.")
    model = Pipeline([("scale", BlockScaler()), ("clf", make_classifier(classifier, random_state=seed))])
    model.fit(Z_train[rows], y_train[rows])
    scores = []
    for Z, y in tests:
        present = present_rows(Z)
        scores.append(float(accuracy_score(y[present], model.predict(Z[present]))) if present.any() else float("nan"))
    return scores


def transfer_accuracy(
    space,
    X: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    *,
    source: str,
    target: str,
    classifier: str = "logreg",
    random_state: int = 0,
) -> dict:
    """Train on ``source`` in the shared space, test on ``target`` ("hearing to see").

    A classifier is fitted on the source modality's projections of the
    training rows and tested on the target modality's projections of the test
    rows: it has never seen the target modality, so it can only succeed if the
    shared space put both modalities' samples of a class in the same place.
    For comparison, on the same split: the same classifier on the source's own
    test projections, one trained on the target's projections, and one on the
    target's raw features (the ordinary unimodal baseline).

    Parameters
    ----------
    space : fitted shared space (e.g. `CCASpace`)
        Its ``modalities_`` must include ``source`` and ``target``. If it is not
        fitted yet it is fitted here on ``X[train]``.
    X : ndarray, shape=(n_samples, n_features)
        Feature matrix with the space's blocks; NaN rows where a modality is missing.
    y : ndarray of int, shape=(n_samples,)
    train, test : ndarray of int
        Row indices of the split.
    source, target : str
        Modality trained on and modality tested on.
    classifier : str
        One of `mmdemo.classifiers.CLASSIFIERS`.
    random_state : int
        Seed of the classifiers.

    Returns
    -------
    dict
        ``transfer_accuracy`` (source-trained, target-tested), ``source_accuracy``
        (source-trained, source-tested), ``target_accuracy`` (target-trained,
        target-tested, in the shared space), ``target_raw_accuracy`` (target's
        raw features), ``chance`` (share of the most frequent test class),
        plus ``source``, ``target``, ``classifier``, ``n_train``, ``n_test``.

    Examples
    --------
    >>> from mmdemo.crossmodal import CCASpace
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 50)
    >>> X = np.hstack([y[:, None] + 0.3 * rng.normal(size=(100, 3)), -y[:, None] + 0.3 * rng.normal(size=(100, 3))])
    >>> space = CCASpace(blocks={"image": (0, 3), "audio": (3, 6)}, n_components=1)
    >>> out = transfer_accuracy(space, X, y, np.arange(0, 100, 2), np.arange(1, 100, 2), source="audio", target="image")
    >>> out["transfer_accuracy"] > 0.9
    True
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    train, test = np.asarray(train, dtype=int), np.asarray(test, dtype=int)
    try:
        check_is_fitted(space)
    except NotFittedError:
        space.fit(X[train])
    Zs, Zt = space.transform_view(X, source), space.transform_view(X, target)
    _, t0, t1 = space.blocks_[space.modalities_.index(target)]
    raw = X[:, t0:t1]
    ytr, yte = y[train], y[test]
    transfer, source_own = _fit_and_score(Zs[train], ytr, [(Zt[test], yte), (Zs[test], yte)], classifier, random_state)
    (target_own,) = _fit_and_score(Zt[train], ytr, [(Zt[test], yte)], classifier, random_state)
    (target_raw,) = _fit_and_score(raw[train], ytr, [(raw[test], yte)], classifier, random_state)
    tested = yte[present_rows(Zt[test])]
    return {
        "source": source,
        "target": target,
        "classifier": classifier,
        "transfer_accuracy": transfer,
        "source_accuracy": source_own,
        "target_accuracy": target_own,
        "target_raw_accuracy": target_raw,
        "chance": float(np.bincount(tested).max() / len(tested)) if len(tested) else float("nan"),
        "n_train": int(present_rows(Zs[train]).sum()),
        "n_test": len(tested),
    }
