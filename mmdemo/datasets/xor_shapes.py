"""The generated xor-shapes dataset: the label is an interaction of image and audio."""

from __future__ import annotations

import numpy as np

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.features.audio import SAMPLE_RATE

__all__ = ["make_xor_shapes"]

DESCRIPTION = (
    "A picture of a circle or a square, and a low or a high tone. The class is 'agree' for "
    "circle + low tone or square + high tone, and 'differ' otherwise (an XOR). Each modality "
    "alone says nothing about the class, and adding up evidence (concatenation ⊕, averaging "
    "decisions) cannot express XOR for a linear model; the outer product ⊗ can. "
    "Generated on the fly from a seed; the two modalities of a sample belong together (instance pairs)."
)


def _shape(kind: int, rng: np.random.Generator, size: int = 16) -> np.ndarray:
    radius = rng.uniform(4.5, 6.0)
    cy, cx = (size - 1) / 2 + rng.uniform(-0.5, 0.5, size=2)
    yy, xx = np.mgrid[:size, :size]
    if kind == 0:
        mask = (yy - cy) ** 2 + (xx - cx) ** 2 <= radius**2
    else:
        half = radius * 0.9
        mask = (np.abs(yy - cy) <= half) & (np.abs(xx - cx) <= half)
    img = mask.astype(np.float32) * rng.uniform(0.7, 1.0) + rng.normal(0, 0.15, (size, size))
    return np.clip(img, 0, 1).astype(np.float32)


def _tone(kind: int, rng: np.random.Generator) -> np.ndarray:
    freq = rng.uniform(220, 420) if kind == 0 else rng.uniform(900, 1600)
    n = int(SAMPLE_RATE * rng.uniform(0.25, 0.4))
    t = np.arange(n) / SAMPLE_RATE
    y = np.sin(2 * np.pi * freq * t) * np.hanning(n) + rng.normal(0, 0.05, n)
    return (0.9 * y / np.abs(y).max()).astype(np.float32)


def make_xor_shapes(n_samples: int = 600, *, seed: int = 0) -> MultimodalDataset:
    """Circle/square images and low/high tones whose class is their XOR.

    Examples
    --------
    >>> ds = make_xor_shapes(40, seed=1)
    >>> ds.n_samples, ds.class_names
    (40, ['agree', 'differ'])
    """
    rng = np.random.default_rng(seed)
    shape = rng.integers(0, 2, n_samples)
    pitch = rng.integers(0, 2, n_samples)
    return MultimodalDataset(
        name="xor-shapes",
        data={
            "image": [_shape(int(s), rng) for s in shape],
            "audio": [_tone(int(p), rng) for p in pitch],
        },
        y=(shape ^ pitch).astype(int),
        class_names=["agree", "differ"],
        sample_rate=SAMPLE_RATE,
        pairing="instance",
        description=DESCRIPTION,
        sample_ids=[
            f"{'circle' if s == 0 else 'square'}+{'low' if p == 0 else 'high'}#{i}"
            for i, (s, p) in enumerate(zip(shape, pitch))
        ],
        features={"image": "pixels", "audio": "pooled"},  # a filled shape: its pixels say all there is
    )
