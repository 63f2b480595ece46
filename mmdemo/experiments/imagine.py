"""Cross-modal imagination: a picture painted from a recording or a text, and how often it shows the right thing."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mmdemo.crossmodal.imagine import PixelDecoder
from mmdemo.datasets.base import MultimodalDataset
from mmdemo.errors import ParameterError
from mmdemo.experiments.crossmodal import SharedSpaceResult, shared_space_experiment
from mmdemo.features.captions import read_caption
from mmdemo.model import FeatureCache, MultimodalModel

__all__ = ["Imagination", "imagination_experiment", "imagine"]

#: Attributes of a scene an imagined picture is read for (by classifiers trained on real pictures).
SCENE_ATTRIBUTES = ("shape 1", "colour 1", "shape 2", "colour 2")


@dataclass
class Imagination:
    """Pictures imagined for the held-out queries of a shared space, and what an image classifier reads in them.

    Attributes
    ----------
    result : SharedSpaceResult
        The space (target "image") the pictures are painted from.
    decoder : PixelDecoder
        Fitted on the training pairs: query coordinates -> prepared picture.
    images : ndarray, shape=(n_test, *picture)
        Row i: the picture imagined for held-out query i (`result.indices[i]`).
    read_as : ndarray of int, shape=(n_test,)
        The class the dataset's image classifier (trained on real training pictures) reads in each.
    accuracy, chance : float
        Share of ``read_as`` equal to the query's class; the classifier's majority-class rate.
    real_accuracy : float
        The same classifier on the held-out queries' own real pictures (what it can do at best).
    reader : MultimodalModel
        That classifier: the app's image-only model, trained on the training pairs' real pictures.
    attributes : dict
        On scene captions: attribute -> {"accuracy", "chance", "real"}, read by one classifier per
        attribute (trained on real training pictures; "real": on the held-out queries' real pictures).
    """

    result: SharedSpaceResult
    decoder: PixelDecoder
    images: np.ndarray
    read_as: np.ndarray
    accuracy: float
    chance: float
    real_accuracy: float
    reader: MultimodalModel
    attributes: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready summary (the CLI contract: ``accuracy`` and ``n`` at the top level)."""
        r = self.result
        return {
            "dataset": r.dataset,
            "query": r.query,
            "target": "image",
            "method": r.method,
            "accuracy": round(self.accuracy, 4),
            "n": len(self.read_as),
            "chance": round(self.chance, 4),
            "real_accuracy": round(self.real_accuracy, 4),
            "attributes": {k: {m: round(v, 4) for m, v in d.items()} for k, d in self.attributes.items()},
            "pairing": r.pairing,
            "seed": r.seed,
            "test_size": r.test_size,
            "n_train": r.n_train,
        }


def imagine(imagination: Imagination, value) -> np.ndarray:
    """The picture imagined for a new raw query (an image array, ``(samples, rate)`` audio, or a text)."""
    return imagination.decoder.predict(imagination.result.project_raw(value)[None, :])[0]


def _reader(X: np.ndarray, y: np.ndarray) -> object:
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)).fit(X, y)


def imagination_experiment(
    dataset: MultimodalDataset,
    *,
    query: str,
    method: str = "cca",
    test_size: float = 0.25,
    seed: int = 0,
    feature_cache: FeatureCache | None = None,
    result: SharedSpaceResult | None = None,
) -> Imagination:
    """Imagine a picture for every held-out query of ``query`` -> image and read it with an image classifier.

    The shared space (`shared_space_experiment`, or ``result`` when it is one
    already fitted for these settings) maps each training pair's query to a
    point; a `PixelDecoder` learns those points -> the partner pictures
    (prepared as the image features see them). For each held-out query the
    decoder paints a picture; the image-only model of the app, trained on the
    training pairs' real pictures, reads its class. On scene captions one
    classifier per attribute (first and second shape, their colours) reads
    those too.

    Examples
    --------
    >>> from mmdemo.datasets import make_xor_shapes
    >>> out = imagination_experiment(make_xor_shapes(200), query="audio")
    >>> out.images.shape, 0.0 <= out.accuracy <= 1.0
    ((50, 16, 16), True)
    """
    if query == "image":
        raise ParameterError(
            "imagine.image_query",
            "Imagination paints a picture from another modality: choose audio or text as the query.",
        )
    if result is None:
        result = shared_space_experiment(
            dataset,
            query=query,
            target="image",
            method=method,
            test_size=test_size,
            seed=seed,
            feature_cache=feature_cache,
        )
    image_features = result.feature_model.featurizers_["image"]
    train, test = result.train_indices, result.indices
    pictures = np.stack([image_features.prepare(dataset.data["image"][i]) for i in train])
    decoder = PixelDecoder().fit(result.Zq_train, pictures)
    imagined = decoder.predict(result.Zq)
    classifier = MultimodalModel(["image"]).fit(dataset, train, feature_cache=feature_cache, fit_unimodal=False)
    X_imagined = image_features.describe(list(imagined))
    read_as = classifier.proba_from_features(X_imagined).argmax(axis=1)
    X_real = classifier.matrix(dataset, test, feature_cache=feature_cache)
    real = classifier.proba_from_features(X_real).argmax(axis=1)
    y = dataset.y
    attributes = {}
    captions = [read_caption(t) for t in dataset.data.get("text", [])]
    if captions and all(c is not None for c in captions):
        X_train = classifier.matrix(dataset, train, feature_cache=feature_cache)  # the real pictures' features
        for name in SCENE_ATTRIBUTES:
            labels = np.array([c[name] for c in captions])
            reader = _reader(X_train, labels[train])
            values, counts = np.unique(labels[train], return_counts=True)
            attributes[name] = {
                "accuracy": float(np.mean(reader.predict(X_imagined) == labels[test])),
                "real": float(np.mean(reader.predict(X_real) == labels[test])),
                "chance": float(np.mean(labels[test] == values[counts.argmax()])),
            }
    counts = np.bincount(y[train], minlength=len(dataset.class_names))
    return Imagination(
        result=result,
        decoder=decoder,
        images=imagined,
        read_as=read_as,
        accuracy=float(np.mean(read_as == y[test])),
        chance=float(np.mean(y[test] == counts.argmax())),
        real_accuracy=float(np.mean(real == y[test])),
        reader=classifier,
        attributes=attributes,
    )
