"""Controlled corruption: level 0 is a no-op, levels mean what they say, seeds reproduce."""

from __future__ import annotations

import numpy as np
import pytest

from mmdemo.corrupt import corrupt_audio, corrupt_dataset, corrupt_image, corrupt_text, parse_corruption
from mmdemo.datasets import make_xor_shapes
from mmdemo.errors import ParameterError


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _snr_db(clean: np.ndarray, noisy: np.ndarray) -> float:
    """SNR of ``noisy`` around ``clean``, allowing for an overall gain."""
    clean, noisy = clean.astype(np.float64), noisy.astype(np.float64)
    gain = noisy @ clean / (clean @ clean)
    noise = noisy - gain * clean
    return float(10 * np.log10(np.mean((gain * clean) ** 2) / np.mean(noise**2)))


def test_level_zero_returns_every_modality_unchanged():
    img = np.random.default_rng(1).random((8, 8)).astype(np.float32)
    clip = np.sin(np.arange(800) / 5).astype(np.float32)
    np.testing.assert_array_equal(corrupt_image(img, level=0, rng=_rng()), img)
    np.testing.assert_array_equal(corrupt_audio(clip, level=0, rng=_rng()), clip)
    assert corrupt_text("seven days a week", level=0, rng=_rng()) == "seven days a week"


def test_image_corruption_adds_noise_and_an_occluding_square():
    img = np.full((20, 20), 0.5, dtype=np.float32)
    out = corrupt_image(img, level=1.0, rng=_rng())
    assert out.shape == img.shape
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert (out == 0.0).sum() >= 12 * 12  # a 0.6 * 20 = 12 pixel square is blacked out
    mild = corrupt_image(img, level=0.2, rng=_rng())
    assert np.abs(mild - img).mean() < np.abs(out - img).mean()


@pytest.mark.parametrize("amplitude", [0.9, 0.05], ids=["loud", "quiet"])
@pytest.mark.parametrize("level", [0.25, 0.5, 0.75, 1.0])
def test_audio_snr_is_30_minus_40_level_db(level, amplitude):
    t = np.arange(16000) / 8000
    clip = (amplitude * np.sin(2 * np.pi * 300 * t) * np.hanning(len(t))).astype(np.float32)
    out = corrupt_audio(clip, level=level, rng=_rng(3))
    assert out.dtype == np.float32 and np.abs(out).max() <= 1.0
    assert _snr_db(clip, out) == pytest.approx(30 - 40 * level, abs=1.0)


def test_text_corruption_is_deterministic_with_a_seed():
    text = "seven days make a week"
    a = corrupt_text(text, level=0.8, rng=_rng(5))
    b = corrupt_text(text, level=0.8, rng=_rng(5))
    assert a == b
    outputs = {corrupt_text(text, level=0.8, rng=_rng(s)) for s in range(10)}
    assert len(outputs) > 1 and text not in outputs


def test_text_corruption_keeps_at_least_one_word():
    for seed in range(30):
        assert corrupt_text("seven", level=1.0, rng=_rng(seed)).strip()


def test_corrupt_dataset_is_deterministic_and_leaves_the_original_alone():
    ds = make_xor_shapes(30, seed=0)
    before = [img.copy() for img in ds.data["image"]]
    a = corrupt_dataset(ds, {"image": 0.7, "audio": 0.5}, seed=1)
    b = corrupt_dataset(ds, {"image": 0.7, "audio": 0.5}, seed=1)
    for x, y, orig, now in zip(a.data["image"], b.data["image"], before, ds.data["image"], strict=True):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(orig, now)
    assert not np.array_equal(a.data["image"][0], before[0])
    np.testing.assert_array_equal(a.y, ds.y)
    untouched = corrupt_dataset(ds, {"image": 0.7}, seed=1)
    assert untouched.data["audio"][0] is ds.data["audio"][0]


def test_corrupt_dataset_rejects_bad_requests():
    ds = make_xor_shapes(10)
    with pytest.raises(ParameterError, match="smell"):
        corrupt_dataset(ds, {"smell": 0.5})
    with pytest.raises(ParameterError, match="between 0 and 1"):
        corrupt_dataset(ds, {"image": 1.5})


def test_parse_corruption_reads_a_spec():
    assert parse_corruption("image=0.5, text=1") == {"image": 0.5, "text": 1.0}
    assert parse_corruption("") == {}
    assert parse_corruption("audio=0") == {"audio": 0.0}


@pytest.mark.parametrize("spec", ["image=1.5", "image=-0.1", "image", "image=abc", "smell=0.5", "image:0.5"])
def test_parse_corruption_errors_say_what_is_accepted(spec):
    with pytest.raises(ParameterError, match=r"MODALITY=LEVEL.*between 0 and 1"):
        parse_corruption(spec)
