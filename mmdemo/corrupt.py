"""Controlled corruption of raw samples per modality, for difficulty and robustness."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from mmdemo.datasets.base import MODALITIES, MultimodalDataset
from mmdemo.errors import Message, ParameterError
from mmdemo.features.audio import SAMPLE_RATE
from mmdemo.registry import Registry

__all__ = [
    "CORRUPTIONS",
    "DEFAULT_KIND",
    "corrupt_image",
    "corrupt_audio",
    "corrupt_text",
    "corrupt_value",
    "corrupt_dataset",
    "corruption_kinds",
    "parse_corruption",
]

#: Modality -> its corruption kinds: name -> what the level does, in one line for the UI; ``make`` corrupts one
#: value (``missing`` has none: it removes whole samples from a dataset).
CORRUPTIONS: dict[str, Registry] = {
    "image": Registry("names.corruption.image", Message("registry.what.corruption_image", "image corruption")),
    "audio": Registry("names.corruption.audio", Message("registry.what.corruption_audio", "audio corruption")),
    "text": Registry("names.corruption.text", Message("registry.what.corruption_text", "text corruption")),
}

#: The kind a bare modality name (``"image"`` in ``{"image": 0.5}``) stands for.
DEFAULT_KIND: dict[str, str] = {"image": "mix", "audio": "noise", "text": "mix"}

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_DROPOUT_CHUNK_SECONDS = 0.05


def corruption_kinds() -> str:
    """Every modality's corruption kinds, in one line ("image: mix, noise, ...; audio: ...").

    Examples
    --------
    >>> corruption_kinds().split("; ")[2]
    'text: mix, typos, dropout, shuffle, missing'
    """
    return "; ".join(f"{mod}: {', '.join(kinds)}" for mod, kinds in CORRUPTIONS.items())


def _check_level(level: float) -> float:
    level = float(level)
    if not 0.0 <= level <= 1.0:
        raise ParameterError(
            "corrupt.bad_level", "A corruption level must be between 0 and 1; got {level}.", level=level
        )
    return level


def _check_modality(modality: str) -> str:
    return MODALITIES.check(modality)


def _check_kind(modality: str, kind: str | None) -> str:
    """The kind to apply to one value (``None``: the default); 'missing' only works on a whole dataset."""
    kind = CORRUPTIONS[modality].check(DEFAULT_KIND[modality] if kind is None else kind)
    if kind == "missing":
        raise ParameterError(
            "corrupt.missing_needs_dataset",
            "'missing' removes whole samples, so it applies to a dataset: "
            "corrupt_dataset(ds, {{'{modality}:missing': level}}).",
            modality=modality,
        )
    return kind


def _split_key(key: str) -> tuple[str, str]:
    """``"image"`` -> ``("image", "mix")``, ``"image:blur"`` -> ``("image", "blur")``."""
    mod, _, kind = (s.strip() for s in str(key).partition(":"))
    _check_modality(mod)
    return mod, CORRUPTIONS[mod].check(kind or DEFAULT_KIND[mod])


# ----- images: every draw is made at every level, so a higher level corrupts the same pattern more


def _image_noise(image: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    noise = rng.standard_normal(image.shape, dtype=np.float32)
    return image + np.float32(0.5 * level) * noise


def _occlude(image: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    out = np.array(image, dtype=np.float32)
    h, w = out.shape[:2]
    where = rng.random(2)  # position as a fraction of the free room, the same at every level
    side = int(round(level * 0.6 * min(h, w)))
    if side > 0:
        top, left = int(where[0] * (h - side + 1)), int(where[1] * (w - side + 1))
        out[top : top + side, left : left + side] = 0.0
    return out


def _image_mix(image: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    return _occlude(_image_noise(image, level, rng), level, rng)


def _blur(image: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    from scipy import ndimage  # imported when needed, like librosa: it slows every start-up

    sigma = level * min(image.shape[:2]) / 4
    return ndimage.gaussian_filter(image, sigma=(sigma, sigma, 0)[: image.ndim], mode="nearest")


def _rotate(image: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    from scipy import ndimage

    # A random angle, not a fixed one: all images turned alike are as easy to learn as upright ones.
    angle = 180.0 * level * rng.uniform(-1.0, 1.0)
    h, w = image.shape[:2]
    border = np.concatenate([image[0].ravel(), image[-1].ravel(), image[:, 0].ravel(), image[:, w - 1].ravel()])
    # Fill the uncovered corners with the background (the border), not black on a white page.
    background = float(np.median(border))
    return ndimage.rotate(image, angle, reshape=False, order=1, mode="constant", cval=background)


def _contrast(image: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    mean = np.float32(image.mean())
    return mean + (image - mean) * np.float32(1.0 - level)


for _kind, _line, _make in (
    ("mix", "Gaussian noise (std 0.5 × level) plus a black square of side 0.6 × level of the image", _image_mix),
    ("noise", "Gaussian noise with std 0.5 × level on pixel values from 0 to 1", _image_noise),
    ("occlusion", "a black square of side 0.6 × level of the image, at a random place", _occlude),
    ("blur", "Gaussian blur, sigma up to a quarter of the image side at level 1", _blur),
    ("rotation", "turned by a random angle of up to 180 × level degrees, either way", _rotate),
    ("contrast", "pixels pulled toward the image mean; level 1 leaves a flat grey", _contrast),
    ("missing", "the image is removed from a fraction level of the samples", None),
):
    CORRUPTIONS["image"].add(_kind, _line, make=_make)


def corrupt_image(image: np.ndarray, *, level: float, rng: np.random.Generator, kind: str = "mix") -> np.ndarray:
    """Corrupt one image; the kinds and what their level means are in ``CORRUPTIONS["image"]``.

    Parameters
    ----------
    image : ndarray of float32, shape (H, W) or (H, W, 3)
        Pixel values in [0, 1].
    level : float in [0, 1]
        0 returns ``image`` unchanged; 1 is the strongest corruption.
    rng : numpy.random.Generator
        Source of the random draws. They do not depend on ``level``: with the same
        seed, a higher level corrupts the same pattern more.
    kind : str
        One of ``mix`` (default: noise + occlusion), ``noise``, ``occlusion``, ``blur``,
        ``rotation``, ``contrast``.

    Returns
    -------
    ndarray of float32, same shape, values in [0, 1]

    Examples
    --------
    >>> img = np.zeros((8, 8), dtype=np.float32)
    >>> bool((corrupt_image(img, level=0.0, rng=np.random.default_rng(0)) == img).all())
    True
    >>> img[2:6, 3:5] = 1.0
    >>> flat = corrupt_image(img, level=1.0, rng=np.random.default_rng(0), kind="contrast")
    >>> float(flat.min()) == float(flat.max()) == float(img.mean())
    True
    """
    level, kind = _check_level(level), _check_kind("image", kind)
    if level == 0:
        return image
    out = CORRUPTIONS["image"].make(kind, np.asarray(image, dtype=np.float32), level, rng)
    return np.clip(out, 0.0, 1.0).astype(np.float32, copy=False)


# ----- audio


def _audio_noise(y: np.ndarray, level: float, rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    power = float(np.mean(np.square(y, dtype=np.float64))) or 1e-8
    snr_db = 30.0 - 40.0 * level
    return y + rng.normal(0, np.sqrt(power / 10 ** (snr_db / 10)), size=len(y))


def _audio_dropout(y: np.ndarray, level: float, rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    chunk = max(1, int(round(_DROPOUT_CHUNK_SECONDS * sample_rate)))
    order = rng.permutation(-(-len(y) // chunk))  # the chunks in the order they fall silent
    # Silence chunks in that order up to exactly 0.8 * level of the samples (the last one partly).
    mask = np.zeros(len(y), dtype=bool)
    todo = int(round(0.8 * level * len(y)))
    for start in order * chunk:
        if todo <= 0:
            break
        stop = min(start + chunk, len(y), start + todo)
        mask[start:stop] = True
        todo -= stop - start
    return np.where(mask, np.float32(0.0), y)


def _audio_speed(y: np.ndarray, level: float, rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    from scipy import signal  # imports scipy.stats too: a second at start-up, so only when needed

    sign = 1.0 if rng.random() < 0.5 else -1.0
    # Played faster by `factor`: the clip is 1/factor as long and every frequency factor times higher.
    factor = Fraction(2 ** (sign * level)).limit_denominator(64)
    return signal.resample_poly(y, factor.denominator, factor.numerator)


for _kind, _line, _make in (
    ("noise", "white noise at a signal-to-noise ratio of 30 − 40 × level dB (level 1: −10 dB)", _audio_noise),
    ("dropout", "silent 50 ms gaps covering 0.8 × level of the clip", _audio_dropout),
    ("speed", "played faster or slower by 2^level, like a tape (level 1: an octave up or down)", _audio_speed),
    ("missing", "the audio is removed from a fraction level of the samples", None),
):
    CORRUPTIONS["audio"].add(_kind, _line, make=_make)


def corrupt_audio(
    y: np.ndarray, *, level: float, rng: np.random.Generator, kind: str = "noise", sample_rate: int = SAMPLE_RATE
) -> np.ndarray:
    """Corrupt one mono clip; the kinds and what their level means are in ``CORRUPTIONS["audio"]``.

    A result that would leave [-1, 1] is scaled down as a whole (not clipped), so the
    signal-to-noise ratio of ``noise`` holds for loud clips too.

    Parameters
    ----------
    y : ndarray of float32, shape (n,)
        Samples in [-1, 1].
    level : float in [0, 1]
        0 returns ``y`` unchanged; 1 is the strongest corruption.
    rng : numpy.random.Generator
        Source of the random draws, which do not depend on ``level``.
    kind : str
        One of ``noise`` (default), ``dropout``, ``speed``.
    sample_rate : int
        Sample rate of ``y`` (sets the 50 ms chunks of ``dropout``).

    Returns
    -------
    ndarray of float32, shape (m,), values in [-1, 1]
        ``m == n`` except for ``speed``, where ``m`` is about ``n / 2 ** (±level)``.

    Examples
    --------
    >>> y = np.sin(np.arange(8000) / 5).astype(np.float32)
    >>> out = corrupt_audio(y, level=0.5, rng=np.random.default_rng(0), kind="dropout")
    >>> round(float(np.mean(out == 0)), 2)
    0.4
    >>> len(corrupt_audio(y, level=1.0, rng=np.random.default_rng(0), kind="speed")) in (4000, 16000)
    True
    """
    level, kind = _check_level(level), _check_kind("audio", kind)
    if level == 0 or len(y) == 0:
        return y
    out = CORRUPTIONS["audio"].make(kind, np.asarray(y), level, rng, int(sample_rate))
    # Scale down rather than clip: clipping loud clips would shave the noise and raise the SNR.
    return (out / max(1.0, float(np.abs(out).max()))).astype(np.float32)


# ----- text


def _typos(text: str, prob: float, rng: np.random.Generator) -> str:
    """Replace each letter by another one with probability ``prob`` (draws for every character)."""
    draws, shifts = rng.random(len(text)), rng.integers(1, len(_LETTERS), size=len(text))
    out = list(text)
    for i in np.flatnonzero(draws < prob):
        c = text[i]
        if c.isalpha():
            new = _LETTERS[(max(_LETTERS.find(c.lower()), 0) + shifts[i]) % len(_LETTERS)]
            out[i] = new.upper() if c.isupper() else new
    return "".join(out)


def _drop_words(words: list[str], prob: float, rng: np.random.Generator) -> list[str]:
    """Drop each word with probability ``prob``; the word least likely to go always stays."""
    draws = rng.random(len(words))
    kept = draws >= prob
    if len(words) and not kept.any():
        kept[np.argmax(draws)] = True
    return [w for w, k in zip(words, kept) if k]


def _text_mix(text: str, level: float, rng: np.random.Generator) -> str:
    # Typos first on all the words, so the letters hit do not depend on which words go.
    return " ".join(_drop_words(_typos(" ".join(text.split()), 0.3 * level, rng).split(), 0.5 * level, rng))


def _text_typos(text: str, level: float, rng: np.random.Generator) -> str:
    return _typos(text, 0.5 * level, rng)


def _text_dropout(text: str, level: float, rng: np.random.Generator) -> str:
    return " ".join(_drop_words(text.split(), 0.7 * level, rng))


def _text_shuffle(text: str, level: float, rng: np.random.Generator) -> str:
    words = text.split()
    # Each word moves up to level * len(words) places: level 1 allows almost any order.
    keys = np.arange(len(words)) + level * len(words) * rng.random(len(words))
    return " ".join(words[i] for i in np.argsort(keys, kind="stable"))


for _kind, _line, _make in (
    ("mix", "typos (each letter with probability 0.3 × level) plus dropped words (0.5 × level)", _text_mix),
    ("typos", "each letter replaced by another with probability 0.5 × level", _text_typos),
    ("dropout", "each word dropped with probability 0.7 × level; one word always stays", _text_dropout),
    ("shuffle", "word order shuffled, more with the level (level 1: almost any order)", _text_shuffle),
    ("missing", "the text is removed from a fraction level of the samples", None),
):
    CORRUPTIONS["text"].add(_kind, _line, make=_make)


def corrupt_text(text: str, *, level: float, rng: np.random.Generator, kind: str = "mix") -> str:
    """Corrupt one text; the kinds and what their level means are in ``CORRUPTIONS["text"]``.

    Parameters
    ----------
    text : str
    level : float in [0, 1]
        0 returns ``text`` unchanged; 1 is the strongest corruption.
    rng : numpy.random.Generator
        Source of the random draws, which do not depend on ``level``: the letters
        changed or words dropped at a low level are also changed or dropped at a higher one.
    kind : str
        One of ``mix`` (default: typos + word dropout), ``typos``, ``dropout``, ``shuffle``.

    Returns
    -------
    str
        At least one word of a non-empty text is kept; ``typos`` keeps the length and
        ``shuffle`` the words.

    Examples
    --------
    >>> corrupt_text("seven days", level=0.0, rng=np.random.default_rng(0))
    'seven days'
    >>> sorted(corrupt_text("one two three", level=1.0, rng=np.random.default_rng(0), kind="shuffle").split())
    ['one', 'three', 'two']
    """
    level, kind = _check_level(level), _check_kind("text", kind)
    if level == 0:
        return text
    return CORRUPTIONS["text"].make(kind, text, level, rng)


def corrupt_value(
    modality: str,
    value: Any,
    *,
    level: float,
    rng: np.random.Generator,
    kind: str | None = None,
    sample_rate: int = SAMPLE_RATE,
) -> Any:
    """Corrupt one raw value of ``modality`` (``kind=None``: that modality's `DEFAULT_KIND`).

    A missing value (``None``) stays missing.

    Examples
    --------
    >>> corrupt_value("text", "seven days", level=1.0, rng=np.random.default_rng(0), kind="typos") != "seven days"
    True
    >>> corrupt_value("image", None, level=1.0, rng=np.random.default_rng(0)) is None
    True
    """
    _check_modality(modality)
    if value is None:
        return None
    kind = DEFAULT_KIND[modality] if kind is None else kind
    if modality == "image":
        return corrupt_image(value, level=level, rng=rng, kind=kind)
    if modality == "audio":
        return corrupt_audio(value, level=level, rng=rng, kind=kind, sample_rate=sample_rate)
    return corrupt_text(value, level=level, rng=rng, kind=kind)


def _rows(rows: Sequence[int] | np.ndarray | None, n: int) -> np.ndarray:
    if rows is None:
        return np.arange(n)
    idx = np.unique(np.asarray(rows, dtype=int))
    if len(idx) and (idx[0] < 0 or idx[-1] >= n):
        raise ParameterError(
            "corrupt.bad_rows",
            "Rows to corrupt must be indices from 0 to {last}; got {first_given} to {last_given}.",
            last=n - 1,
            first_given=int(idx[0]),
            last_given=int(idx[-1]),
        )
    return idx


def corrupt_dataset(
    dataset: MultimodalDataset,
    levels: Mapping[str, float],
    *,
    seed: int = 0,
    rows: Sequence[int] | np.ndarray | None = None,
) -> MultimodalDataset:
    """A copy of ``dataset`` with modalities corrupted, deterministic given ``seed``.

    Parameters
    ----------
    dataset : MultimodalDataset
        Left unchanged; untouched values are shared with the copy.
    levels : mapping of str -> float
        ``"image"`` (the modality's `DEFAULT_KIND`) or ``"image:blur"`` -> level in [0, 1].
        Several kinds of one modality are applied in the order given. ``"MOD:missing"``
        at level p removes the modality from ``round(p * n)`` of the ``n`` corrupted samples.
    seed : int
        Each (modality, kind) draws from its own generator, sample by sample, so a
        sample's corruption depends only on its position among the corrupted rows, and
        a higher level corrupts the same pattern more (nested missing samples too).
    rows : sequence of int, optional
        Indices of the samples to corrupt (e.g. only the test rows); default all.

    Returns
    -------
    MultimodalDataset

    Examples
    --------
    >>> from mmdemo.datasets import load_dataset
    >>> ds = load_dataset("xor-shapes")
    >>> hard = corrupt_dataset(ds, {"image:blur": 0.5, "audio:missing": 0.25}, rows=range(100))
    >>> int((~hard.present("audio")).sum()), hard.data["image"][100] is ds.data["image"][100]
    (25, True)
    """
    steps = []
    for key, level in levels.items():
        mod, kind = _split_key(key)
        steps.append((mod, kind, _check_level(level)))
    idx = _rows(rows, dataset.n_samples)
    data = dict(dataset.data)
    for mod, kind, level in steps:
        if mod not in data or level == 0:
            continue
        values = list(data[mod])
        if kind == "missing":
            order = np.random.default_rng([seed, MODALITIES.index(mod), CORRUPTIONS[mod].index(kind)]).permutation(
                len(idx)
            )
            for i in idx[order[: round(level * len(idx))]]:
                values[i] = None
        else:
            # One child generator per position: a sample's draws do not depend on the samples before it.
            children = np.random.SeedSequence([seed, MODALITIES.index(mod), CORRUPTIONS[mod].index(kind)]).spawn(
                len(idx)
            )
            for i, child in zip(idx, children):
                values[i] = corrupt_value(
                    mod,
                    values[i],
                    level=level,
                    rng=np.random.default_rng(child),
                    kind=kind,
                    sample_rate=dataset.sample_rate,
                )
        data[mod] = values
    out = dataset.subset(np.arange(dataset.n_samples))
    out.data = data
    return out


def parse_corruption(spec: str) -> dict[str, float]:
    """Parse ``"image:blur=0.5, audio=0.3"`` into ``{"image:blur": 0.5, "audio": 0.3}``.

    ``MODALITY=LEVEL`` stands for the modality's `DEFAULT_KIND`; ``MODALITY:KIND=LEVEL``
    names a kind of `CORRUPTIONS`.

    Examples
    --------
    >>> parse_corruption("image=0.5, text=1")
    {'image': 0.5, 'text': 1.0}
    >>> parse_corruption("image:blur=0.5, audio=0.3")
    {'image:blur': 0.5, 'audio': 0.3}
    """
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, sep, value = (s.strip() for s in part.partition("="))
        problem: Message | str | None = None if sep else Message("corrupt.no_equals", "no '='.")
        try:
            level = float(value)
        except ValueError:
            level = -1.0
        if sep and not 0.0 <= level <= 1.0:
            problem = Message(
                "corrupt.level_not_number", "the level {value!r} is not a number between 0 and 1.", value=value
            )
        if sep and problem is None:
            try:
                mod, kind = _split_key(key)
            except ParameterError as e:
                problem = e.message
            else:
                key = f"{mod}:{kind}" if ":" in key else mod
        if problem is not None:
            raise ParameterError(
                "corrupt.bad_spec",
                "Bad corruption {part!r}: {problem} Write MODALITY=LEVEL or MODALITY:KIND=LEVEL with a level "
                "between 0 and 1, e.g. image=0.5 or image:blur=0.5; kinds: {kinds}.",
                part=part,
                problem=problem,
                kinds=corruption_kinds(),
            )
        out[key] = level
    return out
