"""Raw samples -> numeric features, one module per modality (scikit-learn transformers)."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.base import BaseEstimator

from mmdemo.errors import ParameterError, modality_word
from mmdemo.features.audio import (
    SAMPLE_RATE,
    SPEECH_KINDS,
    AudioFeatures,
    mel_spectrogram_db,
    mfcc_fixed,
    mfcc_frames,
    mfcc_pooled,
    prepare_audio,
)
from mmdemo.features.image import IMAGE_SIZE, ImageFeatures, image_hog, image_pixels, prepare_image
from mmdemo.features.speech import spoken_words, unsayable_names, word_evidence
from mmdemo.features.text import TextFeatures, normalise_text

__all__ = [
    "FEATURE_KINDS",
    "IMAGE_SIZE",
    "DEFAULT_FEATURES",
    "SPEECH_KINDS",
    "make_features",
    "AudioFeatures",
    "ImageFeatures",
    "TextFeatures",
    "image_hog",
    "mel_spectrogram_db",
    "image_pixels",
    "mfcc_fixed",
    "mfcc_frames",
    "mfcc_pooled",
    "normalise_text",
    "prepare_audio",
    "prepare_image",
    "spoken_words",
    "unsayable_names",
    "word_evidence",
]

#: Feature kinds offered per modality, the first being the default.
FEATURE_KINDS: dict[str, tuple[str, ...]] = {
    "image": ("hog", "pixels", "pixels+hog"),
    "audio": ("frames", "pooled", "speech", "speech+frames"),
    "text": ("char", "word"),
}
DEFAULT_FEATURES: dict[str, str] = {m: kinds[0] for m, kinds in FEATURE_KINDS.items()}


def make_features(
    modality: str,
    kind: str | None = None,
    *,
    sample_rate: int = SAMPLE_RATE,
    image_size: int = IMAGE_SIZE,
    class_names: Sequence[str] | None = None,
) -> BaseEstimator:
    """The feature transformer for one modality.

    ``class_names`` (the dataset's, in label order) are the words the audio
    speech kinds listen for; the other kinds ignore them.

    Examples
    --------
    >>> make_features("audio", "pooled").kind
    'pooled'
    >>> make_features("audio", "speech", class_names=["0", "1"]).fit([]).words_
    ['zero', 'one']
    """
    kind = kind or DEFAULT_FEATURES.get(modality)
    if modality not in FEATURE_KINDS:
        raise ParameterError(
            "features.unknown_modality",
            "Unknown modality {modality!r}; use one of {accepted}.",
            modality=modality,
            accepted=[modality_word(m) for m in FEATURE_KINDS],
        )
    if kind not in FEATURE_KINDS[modality]:
        raise ParameterError(
            "features.unknown_kind",
            "Unknown {modality} feature {kind!r}; use one of {accepted}.",
            modality=modality_word(modality),
            kind=kind,
            accepted=list(FEATURE_KINDS[modality]),
        )
    if modality == "image":
        return ImageFeatures(kind=kind, size=image_size)
    if modality == "audio":
        return AudioFeatures(kind=kind, sample_rate=sample_rate, words=class_names)
    return TextFeatures(kind=kind)
