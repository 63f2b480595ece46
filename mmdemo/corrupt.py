"""Controlled corruption of raw samples per modality, for difficulty and robustness."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mmdemo.datasets.base import MODALITIES, MultimodalDataset
from mmdemo.errors import ParameterError

__all__ = ["corrupt_image", "corrupt_audio", "corrupt_text", "corrupt_dataset", "parse_corruption"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _check_level(level: float) -> float:
    level = float(level)
    if not 0.0 <= level <= 1.0:
        raise ParameterError(f"A corruption level must be between 0 and 1; got {level}.")
    return level


def corrupt_image(image: np.ndarray, *, level: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise (std 0.5 * level) plus an occluding square of side 0.6 * level of the image.

    Level 0 returns the input unchanged.

    Examples
    --------
    >>> img = np.zeros((8, 8), dtype=np.float32)
    >>> bool((corrupt_image(img, level=0.0, rng=np.random.default_rng(0)) == img).all())
    True
    """
    level = _check_level(level)
    if level == 0:
        return image
    out = np.asarray(image, dtype=np.float32) + rng.normal(0, 0.5 * level, size=np.shape(image)).astype(np.float32)
    h, w = out.shape[:2]
    side = int(round(level * 0.6 * min(h, w)))
    if side > 0:
        top, left = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
        out[top : top + side, left : left + side] = 0.0
    return np.clip(out, 0.0, 1.0)


def corrupt_audio(y: np.ndarray, *, level: float, rng: np.random.Generator) -> np.ndarray:
    """White noise at a signal-to-noise ratio of 30 - 40 * level dB (level 1: -10 dB).

    Level 0 returns the input unchanged. A result that would exceed [-1, 1] is
    scaled down as a whole (not clipped), so the ratio holds for loud clips too.
    """
    level = _check_level(level)
    if level == 0 or len(y) == 0:
        return y
    power = float(np.mean(np.square(y))) or 1e-8
    snr_db = 30.0 - 40.0 * level
    noise = rng.normal(0, np.sqrt(power / 10 ** (snr_db / 10)), size=len(y))
    out = y + noise
    # Scale down rather than clip: clipping loud clips would shave the noise and raise the SNR.
    return (out / max(1.0, float(np.abs(out).max()))).astype(np.float32)


def corrupt_text(text: str, *, level: float, rng: np.random.Generator) -> str:
    """Typos (each character replaced with probability 0.3 * level) and word dropout (0.5 * level).

    Level 0 returns the input unchanged; at least one word is always kept.

    Examples
    --------
    >>> corrupt_text("seven days", level=0.0, rng=np.random.default_rng(0))
    'seven days'
    """
    level = _check_level(level)
    if level == 0:
        return text
    words = text.split()
    kept = [w for w in words if rng.random() >= 0.5 * level] or words[:1]
    chars = [
        _LETTERS[rng.integers(len(_LETTERS))] if c.isalpha() and rng.random() < 0.3 * level else c
        for c in " ".join(kept)
    ]
    return "".join(chars)


_CORRUPTORS = {"image": corrupt_image, "audio": corrupt_audio, "text": corrupt_text}


def corrupt_dataset(dataset: MultimodalDataset, levels: Mapping[str, float], *, seed: int = 0) -> MultimodalDataset:
    """A copy of ``dataset`` with each modality corrupted at its level (deterministic given ``seed``).

    Examples
    --------
    >>> from mmdemo.datasets import load_dataset
    >>> ds = corrupt_dataset(load_dataset("xor-shapes"), {"image": 0.5})
    >>> ds.n_samples > 0
    True
    """
    data = dict(dataset.data)
    for mod, level in levels.items():
        if mod not in _CORRUPTORS:
            raise ParameterError(f"Cannot corrupt {mod!r}; use one of {', '.join(MODALITIES)}.")
        if mod not in data or _check_level(level) == 0:
            continue
        rng = np.random.default_rng([seed, MODALITIES.index(mod)])
        data[mod] = [None if v is None else _CORRUPTORS[mod](v, level=level, rng=rng) for v in data[mod]]
    out = dataset.subset(np.arange(dataset.n_samples))
    out.data = data
    return out


def parse_corruption(spec: str) -> dict[str, float]:
    """Parse ``"image=0.5,audio=0.3"`` into ``{"image": 0.5, "audio": 0.3}``.

    Examples
    --------
    >>> parse_corruption("image=0.5, text=1")
    {'image': 0.5, 'text': 1.0}
    """
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        mod, sep, value = part.partition("=")
        try:
            level = float(value)
        except ValueError:
            level = -1.0
        if not sep or mod.strip() not in _CORRUPTORS or not 0.0 <= level <= 1.0:
            raise ParameterError(
                f"Bad corruption {part!r}; write MODALITY=LEVEL with a modality among "
                f"{', '.join(MODALITIES)} and a level between 0 and 1, e.g. image=0.5."
            )
        out[mod.strip()] = level
    return out
