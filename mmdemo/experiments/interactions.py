"""The ⊕ vs ⊗ lesson: why a task whose label is an interaction of modalities needs the outer product.

On xor-shapes the class is "agree" for circle + low tone or square + high
tone. Each modality alone is at chance; adding evidence up (concatenation ⊕,
averaging decisions) gives a linear classifier one straight boundary, which
cannot carve out a checkerboard; the products z_a,i * z_b,j of tensor fusion
⊗ can. `interaction_lesson` computes everything the Robustness lab page shows
for this: the real held-out accuracies, a 2-D picture of the decision regions,
the outer product of one sample and the weights a ⊗ model puts on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.errors import DatasetError, Message
from mmdemo.experiments.evaluate import Result, compare
from mmdemo.fusion import TensorFusion
from mmdemo.model import FeatureCache, featurize_dataset
from mmdemo.registry import Registry
from mmdemo.splits import split_indices

__all__ = ["InteractionLesson", "interaction_lesson", "fusion_widths", "TOY_MODELS"]

#: The three 2-D toy models of the decision-region picture -> what each sees.
TOY_MODELS = Registry("names.toy", Message("registry.what.toy", "toy model"))
TOY_MODELS.add("early ⊕", "a line in (s_a, s_b): logistic regression on [s_a, s_b]")
TOY_MODELS.add("late", "the average of two one-number models, p(y | s_a) and p(y | s_b)")
TOY_MODELS.add("tensor ⊗", "logistic regression on [s_a, s_b, s_a·s_b], the flattened [s_a;1] ⊗ [s_b;1]")


@dataclass
class InteractionLesson:
    """The numbers and pictures of the ⊕ vs ⊗ lesson (see `interaction_lesson`).

    Attributes
    ----------
    modalities : (str, str)
    class_names : list of str
    results : list of Result
        Early, late and tensor fusion on the real features, one seeded split,
        each with the per-modality accuracies.
    s_train, s_test : ndarray, shape=(n, 2)
        One number per modality per sample: the direction of each modality
        that the fitted ⊗ model's interaction weights rely on most.
    y_train, y_test : ndarray of int
    grid : (ndarray, ndarray)
        The s_a and s_b values of the decision-region grid.
    regions : dict of str -> ndarray, shape=(len(grid[1]), len(grid[0]))
        Toy model -> probability of class 1 on the grid.
    toy_accuracy : dict of str -> float
        Held-out accuracy of each 2-D toy model.
    examples : list of dict
        One held-out sample per combination of the two modalities' factors:
        ``id``, ``label``, ``outer`` ([z_a;1] ⊗ [z_b;1] as a matrix).
    weights : ndarray, shape=(k_a + 1, k_b + 1)
        The ⊗ model's weight on each product, in the same layout.
    feature_dims : dict of str -> int
        Width of each modality's features before fusion.
    singular_values : ndarray
        Of the interaction part of ``weights``: one large value means the
        interaction is close to rank one, which is why low-rank fusion works.
    seed, test_size : int, float
    """

    modalities: tuple[str, str]
    class_names: list[str]
    results: list[Result]
    s_train: np.ndarray
    s_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    grid: tuple[np.ndarray, np.ndarray]
    regions: dict[str, np.ndarray]
    toy_accuracy: dict[str, float]
    examples: list[dict]
    weights: np.ndarray
    singular_values: np.ndarray
    feature_dims: dict[str, int]

    @property
    def n_components(self) -> int:
        """PCA components per modality in ⊗ (the weight matrix is their [z;1] outer product)."""
        return self.weights.shape[0] - 1

    seed: int
    test_size: float


def _toy_models(s: np.ndarray, y: np.ndarray) -> dict:
    """Fit the three 2-D toy models; each maps an (n, 2) array to P(class 1)."""
    lr = LogisticRegression
    early = make_pipeline(StandardScaler(), lr()).fit(s, y)
    a = make_pipeline(StandardScaler(), lr()).fit(s[:, :1], y)
    b = make_pipeline(StandardScaler(), lr()).fit(s[:, 1:], y)

    def products(v: np.ndarray) -> np.ndarray:
        return np.column_stack([v, v[:, 0] * v[:, 1]])

    tensor = make_pipeline(StandardScaler(), lr(C=10.0)).fit(products(s), y)
    return {
        "early ⊕": lambda v: early.predict_proba(v)[:, 1],
        "late": lambda v: (a.predict_proba(v[:, :1])[:, 1] + b.predict_proba(v[:, 1:])[:, 1]) / 2,
        "tensor ⊗": lambda v: tensor.predict_proba(products(v))[:, 1],
    }


def interaction_lesson(
    dataset: MultimodalDataset,
    *,
    modalities: Sequence[str] | None = None,
    classifier: str = "logreg",
    test_size: float = 0.25,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
    grid_size: int = 60,
) -> InteractionLesson:
    """Everything the ⊕ vs ⊗ lesson shows, computed on held-out rows of one seeded split.

    Meant for xor-shapes, but any two-class, two-modality dataset works.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> lesson = interaction_lesson(make_xor_shapes(300))
    >>> lesson.toy_accuracy["tensor ⊗"] > 0.9 > 0.7 > lesson.toy_accuracy["early ⊕"]
    True
    """
    mods = tuple(modalities or dataset.modalities)
    if len(mods) != 2 or len(dataset.class_names) != 2:
        raise DatasetError(
            "interactions.needs_two_by_two", "The ⊕ vs ⊗ lesson needs two modalities and two classes, as in xor-shapes."
        )
    cache: FeatureCache = feature_cache if feature_cache is not None else {}
    results = compare(
        dataset,
        modalities=mods,
        fusions=["early", "late", "tensor"],
        classifier=classifier,
        test_size=test_size,
        seed=seed,
        feature_cache=cache,
    )
    train, test = split_indices(dataset.y, test_size=test_size, seed=seed, class_names=dataset.class_names)
    X, blocks = featurize_dataset(dataset, mods, feature_cache=cache)
    y = dataset.y
    with threadpool_limits(limits=1, user_api="blas"):
        fusion = TensorFusion(blocks=blocks).fit(X[train])
        scale = StandardScaler().fit(fusion.transform(X[train]))
        clf = LogisticRegression(max_iter=2000).fit(scale.transform(fusion.transform(X[train])), y[train])
        shape = tuple(p.n_components_ + 1 for _, _, p in fusion.projections_)
        # Undo the scaling: the decision function is [z_a;1]^T W [z_b;1] + const.
        weights = (clf.coef_[0] / scale.scale_).reshape(shape)
        u, sv, vt = np.linalg.svd(weights[:-1, :-1])
        z_a, z_b = (f[:, :-1] for f in fusion.factors(X))
        s = np.column_stack([z_a @ u[:, 0], z_b @ vt[0]])
        s /= s[train].std(axis=0)
        toys = _toy_models(s[train], y[train])
    pad = 0.5
    lo, hi = s.min(axis=0) - pad, s.max(axis=0) + pad
    gx, gy = np.linspace(lo[0], hi[0], grid_size), np.linspace(lo[1], hi[1], grid_size)
    mesh = np.column_stack([np.repeat(gx[None, :], grid_size, axis=0).ravel(), np.repeat(gy, grid_size)])
    regions = {name: f(mesh).reshape(grid_size, grid_size) for name, f in toys.items()}
    toy_accuracy = {name: round(float(np.mean((f(s[test]) > 0.5) == y[test])), 4) for name, f in toys.items()}
    factors = fusion.factors(X[test])
    examples = []
    for quadrant in _quadrant_examples(s[test]):
        examples.append(
            {
                "id": dataset.sample_ids[test[quadrant]] if dataset.sample_ids else str(test[quadrant]),
                "label": dataset.class_names[y[test[quadrant]]],
                "outer": np.outer(factors[0][quadrant], factors[1][quadrant]),
            }
        )
    return InteractionLesson(
        modalities=(mods[0], mods[1]),
        class_names=list(dataset.class_names),
        results=results,
        s_train=s[train],
        s_test=s[test],
        y_train=y[train],
        y_test=y[test],
        grid=(gx, gy),
        regions=regions,
        toy_accuracy=toy_accuracy,
        examples=examples,
        weights=weights,
        singular_values=sv,
        feature_dims={m: b - a for m, (a, b) in blocks.items()},
        seed=seed,
        test_size=test_size,
    )


def _quadrant_examples(s: np.ndarray) -> list[int]:
    """The sample nearest the centre of each quadrant of (s_a, s_b): one per factor combination."""
    centre = np.median(s, axis=0)
    out = []
    for sign_a in (-1, 1):
        for sign_b in (-1, 1):
            target = centre + np.array([sign_a, sign_b]) * np.abs(s - centre).mean(axis=0)
            out.append(int(np.argmin(((s - target) ** 2).sum(axis=1))))
    return out


def fusion_widths(dims: Mapping[str, int], *, n_components: int = 8, sketch_dim: int = 512) -> list[dict]:
    """How wide each fused vector is for feature widths ``dims``: why ⊗ needs PCA or a sketch.

    Examples
    --------
    >>> [r["width"] for r in fusion_widths({"image": 64, "audio": 26})]
    [90, 1755, 81, 512]
    """
    d = list(dims.values())
    k = [min(n_components, v) for v in d]
    joined = " ⊗ ".join(f"[{m};1]" for m in dims)
    return [
        {"method": "early ⊕ (concatenate)", "formula": " + ".join(map(str, d)), "width": int(sum(d))},
        {
            "method": "⊗ of the raw features",
            "formula": " × ".join(f"({v}+1)" for v in d),
            "width": int(np.prod([v + 1 for v in d], dtype=np.int64)),
        },
        {
            "method": f"tensor ⊗ after PCA to {n_components} per modality",
            "formula": " × ".join(f"({v}+1)" for v in k) + f"  ({joined})",
            "width": int(np.prod([v + 1 for v in k])),
        },
        {"method": "tensor sketch", "formula": "fixed", "width": int(sketch_dim)},
    ]
