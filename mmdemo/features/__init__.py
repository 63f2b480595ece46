"""Raw samples -> numeric features, one module per modality (scikit-learn transformers)."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.base import BaseEstimator

from mmdemo.features.audio import (
    AUDIO_KINDS,
    SAMPLE_RATE,
    SPEECH_KINDS,
    AudioFeatures,
    mel_spectrogram_db,
    mfcc_fixed,
    mfcc_frames,
    mfcc_pooled,
    prepare_audio,
)
from mmdemo.features.image import IMAGE_KINDS, IMAGE_SIZE, ImageFeatures, image_hog, image_pixels, prepare_image
from mmdemo.features.speech import spoken_words, unsayable_names, word_evidence
from mmdemo.features.text import TEXT_KINDS, TextFeatures, normalise_text
from mmdemo.registry import MODALITIES, Registry

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

#: Modality -> its feature kinds (kind -> what a user sees), the first being the default.
FEATURE_KINDS: dict[str, Registry] = {"image": IMAGE_KINDS, "audio": AUDIO_KINDS, "text": TEXT_KINDS}
DEFAULT_FEATURES: dict[str, str] = {m: next(iter(kinds)) for m, kinds in FEATURE_KINDS.items()}


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
    MODALITIES.check(modality)
    FEATURE_KINDS[modality].check(kind)
    if modality == "image":
        return ImageFeatures(kind=kind, size=image_size)
    if modality == "audio":
        return AudioFeatures(kind=kind, sample_rate=sample_rate, words=class_names)
    return TextFeatures(kind=kind)
