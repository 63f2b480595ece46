"""Feature extraction: image preparation, batched MFCCs, audio preparation, text n-grams."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.neighbors import KNeighborsClassifier

from mmdemo.datasets.av_digits import load_mnist_digits
from mmdemo.datasets.clues import NUMBER_NAMES
from mmdemo.errors import ParameterError
from mmdemo.features import (
    AudioFeatures,
    ImageFeatures,
    TextFeatures,
    make_features,
    mfcc_frames,
    prepare_audio,
    prepare_image,
)
from mmdemo.features.audio import SAMPLE_RATE

SR = SAMPLE_RATE


def _photo_of_seven(ink: int = 20, paper: int = 255) -> np.ndarray:
    """A 600x600 grayscale 'photo': a thick dark 7 drawn on white paper, off-centre."""
    img = Image.new("L", (600, 600), paper)
    ImageDraw.Draw(img).line([(230, 110), (430, 110), (290, 430)], fill=ink, width=30)
    return np.asarray(img, dtype=np.float32) / 255.0


@pytest.fixture(scope="module")
def digit_classifier():
    """Nearest neighbours among the bundled MNIST digits, the form prepare_image must reproduce."""
    images, labels = load_mnist_digits()
    return KNeighborsClassifier(n_neighbors=5).fit(images.reshape(len(images), -1), labels)


# ----------------------------------------------------------------------- image


def test_prepare_image_turns_a_photo_into_a_bright_centred_mnist_digit(digit_classifier):
    out = prepare_image(_photo_of_seven())
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert out.max() >= 0.75  # ink is bright ...
    assert out[:, :4].max() == 0 and out[:, -4:].max() == 0  # ... on black, inside MNIST's 20-pixel-wide box
    rows, cols = np.indices(out.shape)
    centre = (float((rows * out).sum() / out.sum()), float((cols * out).sum() / out.sum()))
    assert centre == pytest.approx((13.5, 13.5), abs=0.6)  # the off-centre digit: centre of mass in the middle
    assert digit_classifier.predict(out.reshape(1, -1))[0] == 7


def test_prepare_image_reads_light_ink_on_dark_like_dark_ink_on_paper():
    photo = _photo_of_seven()
    np.testing.assert_allclose(prepare_image(1.0 - photo), prepare_image(photo))


def test_prepare_image_of_rgb_matches_grayscale():
    gray = _photo_of_seven()
    rgb = np.stack([gray, gray, gray], axis=2)
    np.testing.assert_allclose(prepare_image(rgb), prepare_image(gray), atol=1 / 16)


def test_prepare_image_keeps_bundled_mnist_digits_nearly_as_they_are(digit_classifier):
    images, labels = load_mnist_digits()
    picks = np.arange(0, len(images), 250)
    prepared = np.stack([prepare_image(images[i]) for i in picks])
    similarity = [np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(images[picks], prepared)]
    assert np.mean(similarity) > 0.7 and min(similarity) > 0.5
    assert (digit_classifier.predict(prepared.reshape(len(picks), -1)) == labels[picks]).mean() >= 0.9


def test_prepare_image_reads_a_photo_with_uneven_light_and_a_thin_pen(digit_classifier):
    """A photo darker at one side than the other, the 7 in a thin pen: the shading is not ink."""
    img = Image.new("L", (640, 480), 0)
    ImageDraw.Draw(img).line([(260, 120), (400, 120), (300, 380)], fill=255, width=6)
    shading = np.linspace(0.45, 0.95, 640, dtype=np.float32)[None, :] * np.ones((480, 1), dtype=np.float32)
    photo = shading - 0.35 * np.asarray(img, dtype=np.float32) / 255  # dark ink on paper lit from the right
    out = prepare_image(photo)
    assert out[:, :4].max() == 0 and out[:, -4:].max() == 0  # the dark left edge of the paper is not ink
    assert digit_classifier.predict(out.reshape(1, -1))[0] == 7


def test_prepare_image_gives_every_pen_the_same_stroke():
    """A felt-tip and a pencil 7 come out with strokes of about the same width (MNIST's)."""

    def seven(width: int) -> np.ndarray:
        img = Image.new("L", (400, 400), 255)
        ImageDraw.Draw(img).line([(100, 80), (300, 80), (170, 330)], fill=0, width=width)
        return prepare_image(np.asarray(img, dtype=np.float32) / 255)

    thin, bold = seven(4), seven(60)
    assert abs(float(thin.sum()) - float(bold.sum())) < 0.3 * float(thin.sum())  # 4 px and 60 px pens


@pytest.mark.parametrize("value", [0.0, 1.0, 0.6])
def test_prepare_image_of_a_blank_picture_is_all_zero(value):
    out = prepare_image(np.full((120, 90), value, dtype=np.float32))
    assert out.shape == (28, 28)
    assert not out.any()


def test_prepare_image_accepts_opaque_rgba():
    gray = _photo_of_seven()
    rgba = np.stack([gray, gray, gray, np.ones_like(gray)], axis=2)
    np.testing.assert_allclose(prepare_image(rgba), prepare_image(gray), atol=1 / 16)


@pytest.mark.parametrize("stroke", [0.0, 1.0], ids=["dark-stroke", "light-stroke"])
def test_prepare_image_reads_a_drawing_on_a_transparent_canvas(stroke):
    """Canvas exports: strokes opaque, background transparent with black RGB."""
    gray = _photo_of_seven()
    ink = gray < 0.5
    rgba = np.zeros((*gray.shape, 4), dtype=np.float32)
    rgba[ink, :3] = stroke
    rgba[ink, 3] = 1.0
    np.testing.assert_allclose(prepare_image(rgba), prepare_image(gray), atol=1 / 16)


def test_image_features_shapes():
    images = [np.zeros((28, 28)), _photo_of_seven()]
    assert ImageFeatures(kind="pixels").fit_transform(images).shape == (2, 784)
    assert ImageFeatures(kind="hog").fit_transform(images).shape == (2, 864)
    assert ImageFeatures(kind="pixels+hog").fit_transform(images).shape == (2, 784 + 864)


def test_make_features_rejects_unknown_kinds():
    with pytest.raises(ParameterError, match="pixels"):
        make_features("image", "sift")
    with pytest.raises(ParameterError, match="smell"):
        make_features("smell")


# ----------------------------------------------------------------------- audio


def _word(n: int, freq: float, amp: float, sr: int = SR) -> np.ndarray:
    """A crude voiced 'word': two harmonics under a Hann envelope."""
    t = np.arange(n) / sr
    y = np.sin(2 * np.pi * freq * t) + 0.4 * np.sin(2 * np.pi * 2.7 * freq * t)
    return (amp * y * np.hanning(n) / 1.4).astype(np.float32)


@pytest.fixture(scope="module")
def clips() -> list[np.ndarray]:
    """Clips of very different lengths and loudness, one with silence around the word."""
    padded = np.concatenate([np.zeros(4000), _word(3000, 500, 0.5), np.zeros(1200)]).astype(np.float32)
    return [_word(2400, 300, 0.9), _word(9000, 700, 0.001), padded, _word(200, 1000, 0.3), _word(12345, 200, 0.05)]


def test_mfcc_frames_in_a_batch_equal_each_clip_alone(clips):
    """Padding clips of very different loudness into one batch must not change any clip's MFCCs."""
    batch = mfcc_frames(clips=clips, sr=SR)
    assert len(batch) == len(clips)
    for clip, frames in zip(clips, batch, strict=True):
        alone = mfcc_frames(clips=[clip], sr=SR)[0]
        assert frames.shape == alone.shape
        np.testing.assert_allclose(frames, alone, atol=1e-3)


def test_mfcc_frames_trim_silence_and_follow_length(clips):
    frames = mfcc_frames(clips=clips, sr=SR, n_mfcc=20)
    assert all(f.shape[0] == 20 for f in frames)
    word_alone = mfcc_frames(clips=[_word(3000, 500, 0.5)], sr=SR)[0]
    # The clip with 0.65 s of silence around the same word keeps about the word's frames.
    assert abs(frames[2].shape[1] - word_alone.shape[1]) <= 3
    assert frames[4].shape[1] > frames[0].shape[1] > frames[3].shape[1]


def test_audio_features_ignore_loudness(clips):
    loud, quiet = clips[0], clips[0] * 0.002
    for kind in ("frames", "pooled"):
        F = AudioFeatures(kind=kind).fit_transform([loud, quiet])
        np.testing.assert_allclose(F[0], F[1], atol=1e-3)


def test_audio_features_shapes(clips):
    assert AudioFeatures(kind="frames").fit_transform(clips).shape == (5, 12 * 30)  # c0 dropped
    assert AudioFeatures(kind="pooled").fit_transform(clips).shape == (5, 2 * 13)
    assert AudioFeatures(kind="frames", n_mfcc=20, n_frames=10).fit_transform(clips).shape == (5, 19 * 10)
    assert AudioFeatures(kind="pooled", n_mfcc=20).fit_transform(clips).shape == (5, 40)


def test_audio_features_tell_low_from_high_tones():
    low = [_word(3000, f, 0.8) for f in (200, 230, 260)]
    high = [_word(3000, f, 0.8) for f in (1200, 1300, 1400)]
    F = AudioFeatures(kind="pooled").fit_transform(low + high)
    d = np.linalg.norm(F[:, None] - F[None], axis=2)
    assert d[:3, :3].max() < d[:3, 3:].min()


def test_prepare_audio_brings_a_phone_recording_to_the_bundled_form():
    """44.1 kHz stereo, quiet, with a second of silence before the word."""
    sr = 44100
    t = np.arange(int(0.6 * sr)) / sr
    word = 0.05 * np.sin(2 * np.pi * 440 * t) * np.hanning(len(t))
    mono = np.concatenate([np.zeros(sr), word, np.zeros(sr // 4)])
    stereo = np.stack([mono, 0.8 * mono], axis=1).astype(np.float32)

    out = prepare_audio(stereo, sr=sr)

    assert out.ndim == 1 and out.dtype == np.float32
    assert float(np.abs(out).max()) == pytest.approx(0.9, abs=1e-4)
    full_length = len(mono) * SR / sr
    assert 0.3 * SR < len(out) < 0.8 * full_length  # silence trimmed, the word kept
    assert np.abs(out[: SR // 20]).max() > 0.05  # no second of silence left at the start
    spectrum = np.abs(np.fft.rfft(out))
    assert np.fft.rfftfreq(len(out), 1 / SR)[np.argmax(spectrum)] == pytest.approx(440, abs=15)  # now at 8 kHz


def test_prepare_audio_twice_changes_nothing():
    """A dataset exported and imported again must not lose the ends of its clips each time."""
    from mmdemo.datasets.av_digits import load_digit_clips

    for clip in load_digit_clips()[0][:60]:
        once = prepare_audio(clip, sr=SR)
        twice = prepare_audio(once, sr=SR)
        assert len(twice) == len(once) and np.abs(twice - once).max() < 1e-6


def test_prepare_audio_accepts_channels_first():
    y = _word(4000, 400, 0.5)
    np.testing.assert_allclose(prepare_audio(np.stack([y, y]), sr=SR), prepare_audio(y, sr=SR), atol=1e-6)


# ------------------------------------------------------------------------ text


@pytest.mark.parametrize(
    "typo,correct",
    [("sevn", "seven"), ("siben", "sieben"), ("thre", "three"), ("fuor", "four"), ("zwie", "zwei"), ("EIHGT", "eight")],
)
def test_text_features_put_a_typo_next_to_its_word(typo, correct):
    words = [w for lang in ("en", "de", "fr", "es") for w in NUMBER_NAMES[lang]]
    features = TextFeatures().fit(words)
    sims = cosine_similarity(features.transform([typo]), features.transform(words))[0]
    others = [s for w, s in zip(words, sims, strict=True) if w != correct]
    assert sims[words.index(correct)] > max(others)


def test_text_features_normalise_case_and_space():
    features = TextFeatures().fit(["seven days", "three"])
    np.testing.assert_allclose(features.transform(["  SEVEN\n days "]), features.transform(["seven days"]))
