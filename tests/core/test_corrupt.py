"""Controlled corruption: level 0 is a no-op, levels mean what they say, seeds reproduce."""

from __future__ import annotations

import numpy as np
import pytest

from mmdemo.corrupt import (
    CORRUPTIONS,
    DEFAULT_KIND,
    corrupt_audio,
    corrupt_dataset,
    corrupt_image,
    corrupt_text,
    corrupt_value,
    parse_corruption,
)
from mmdemo.datasets import make_xor_shapes
from mmdemo.datasets.base import MultimodalDataset
from mmdemo.errors import ParameterError
from mmdemo.features.audio import SAMPLE_RATE

SR = SAMPLE_RATE
SENTENCES = [
    "seven days make a week and four weeks make a month",
    "the quick brown fox jumps over the lazy dog",
    "un nombre impair plus grand que trois",
    "eine gerade Zahl zwischen zwei und zehn",
    "how many eyes you have on your face",
    "three little birds sat on my window today",
]
KINDS = [(mod, kind) for mod, kinds in CORRUPTIONS.items() for kind in kinds if kind != "missing"]


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.fixture(scope="module")
def xor():
    return make_xor_shapes(24, seed=0)


def _half_planes(n: int = 6, size: int = 16) -> list[np.ndarray]:
    """Bright half-planes at several orientations: turning one by t degrees changes a share t/180 of it."""
    yy, xx = np.mgrid[:size, :size] - (size - 1) / 2
    return [(0.1 + 0.8 * (np.cos(a) * xx + np.sin(a) * yy > 0)).astype(np.float32) for a in np.linspace(0, 6, n)]


def _samples(mod: str, kind: str, xor: MultimodalDataset) -> list:
    if mod == "text":
        return SENTENCES
    # Circles and squares look alike turned by 45 or 180 degrees; half-planes never do.
    return _half_planes() if kind == "rotation" else xor.data[mod][:6]


def _snr_db(clean: np.ndarray, noisy: np.ndarray) -> float:
    """SNR of ``noisy`` around ``clean``, allowing for an overall gain."""
    clean, noisy = clean.astype(np.float64), noisy.astype(np.float64)
    gain = noisy @ clean / (clean @ clean)
    noise = noisy - gain * clean
    return float(10 * np.log10(np.mean((gain * clean) ** 2) / np.mean(noise**2)))


def _edit_fraction(a: str, b: str) -> float:
    """Levenshtein distance over the longer length."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1] / max(len(a), len(b), 1)


def _dominant_hz(y: np.ndarray) -> float:
    return float(np.fft.rfftfreq(len(y), 1 / SR)[np.argmax(np.abs(np.fft.rfft(y)))])


def _spectral_centroid(y: np.ndarray) -> float:
    mag = np.abs(np.fft.rfft(y))
    return float(np.fft.rfftfreq(len(y), 1 / SR) @ mag / mag.sum())


def _change(mod: str, kind: str, clean, out) -> float:
    """How different a corrupted sample is from the clean one, as a listener or reader would notice."""
    if mod == "text":
        return _edit_fraction(clean, out)
    if kind == "speed":  # a sped-up clip does not line up with the original: measure the pitch shift in octaves
        return abs(np.log2(_spectral_centroid(out) / _spectral_centroid(clean)))
    return float(np.abs(out - clean).mean())


def _corrupt(mod: str, value, level: float, rng: np.random.Generator, kind: str):
    return corrupt_value(mod, value, level=level, rng=rng, kind=kind, sample_rate=SR)


# ----- every kind


def test_level_zero_returns_every_modality_unchanged():
    img = np.random.default_rng(1).random((8, 8)).astype(np.float32)
    clip = np.sin(np.arange(800) / 5).astype(np.float32)
    np.testing.assert_array_equal(corrupt_image(img, level=0, rng=_rng()), img)
    np.testing.assert_array_equal(corrupt_audio(clip, level=0, rng=_rng()), clip)
    assert corrupt_text("seven days a week", level=0, rng=_rng()) == "seven days a week"


@pytest.mark.parametrize("mod,kind", KINDS)
def test_level_zero_is_a_no_op_for_every_kind(mod, kind, xor):
    for value in _samples(mod, kind, xor):
        out = _corrupt(mod, value, 0.0, _rng(), kind)
        if mod == "text":
            assert out == value
        else:
            np.testing.assert_array_equal(out, value)


@pytest.mark.parametrize("mod,kind", KINDS)
def test_change_rises_with_level_and_keeps_the_type(mod, kind, xor):
    changes = []
    for level in (0.25, 0.5, 1.0):
        total = 0.0
        for i, value in enumerate(_samples(mod, kind, xor)):
            out = _corrupt(mod, value, level, _rng(i), kind)
            if mod == "image":
                assert out.dtype == np.float32 and out.shape == value.shape
                assert out.min() >= 0.0 and out.max() <= 1.0
            elif mod == "audio":
                assert out.dtype == np.float32 and out.ndim == 1 and np.abs(out).max() <= 1.0
            else:
                assert isinstance(out, str) and out.strip()
            total += _change(mod, kind, value, out)
        changes.append(total)
    assert 0 < changes[0] < changes[1] < changes[2], changes


def test_every_kind_has_a_line_for_students_and_defaults_are_kinds():
    assert set(CORRUPTIONS) == {"image", "audio", "text"}
    assert all("missing" in kinds for kinds in CORRUPTIONS.values())
    assert all(DEFAULT_KIND[m] in CORRUPTIONS[m] for m in CORRUPTIONS)
    assert all(line and "\n" not in line for kinds in CORRUPTIONS.values() for line in kinds.values())


@pytest.mark.parametrize("call", [corrupt_image, corrupt_audio, corrupt_text])
def test_unknown_or_dataset_only_kinds_are_refused(call):
    value = {corrupt_image: np.zeros((4, 4), np.float32), corrupt_audio: np.zeros(10, np.float32)}.get(call, "a b")
    with pytest.raises(ParameterError, match="corruption .smudge.; use one of .*missing"):
        call(value, level=0.5, rng=_rng(), kind="smudge")
    with pytest.raises(ParameterError, match="corrupt_dataset"):
        call(value, level=0.5, rng=_rng(), kind="missing")


# ----- images


def test_image_corruption_adds_noise_and_an_occluding_square():
    img = np.full((20, 20), 0.5, dtype=np.float32)
    out = corrupt_image(img, level=1.0, rng=_rng())
    assert out.shape == img.shape
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert (out == 0.0).sum() >= 12 * 12  # a 0.6 * 20 = 12 pixel square is blacked out
    mild = corrupt_image(img, level=0.2, rng=_rng())
    assert np.abs(mild - img).mean() < np.abs(out - img).mean()


def test_occlusion_blanks_a_square_of_its_side_and_noise_has_its_std():
    img = np.full((20, 20), 0.5, dtype=np.float32)
    out = corrupt_image(img, level=0.5, rng=_rng(), kind="occlusion")
    assert (out == 0.0).sum() == 6 * 6 and (out == 0.5).sum() == 400 - 36
    noisy = corrupt_image(img, level=0.2, rng=_rng(), kind="noise")
    assert np.std(noisy - img) == pytest.approx(0.1, rel=0.15)


def test_rotation_turns_an_asymmetric_image():
    img = np.zeros((16, 16), dtype=np.float32)
    img[2:14, 3:6] = 1.0  # an L
    img[11:14, 3:12] = 1.0
    outs = [corrupt_image(img, level=1.0, rng=_rng(seed), kind="rotation") for seed in range(10)]
    assert np.mean([np.abs(out - img).mean() for out in outs]) > 0.15  # angles up to 180 degrees either way
    assert all(out.sum() == pytest.approx(img.sum(), rel=0.35) for out in outs)  # turned, not erased


def test_contrast_at_level_one_is_flat_at_the_image_mean():
    img = np.random.default_rng(2).random((8, 8, 3)).astype(np.float32)
    out = corrupt_image(img, level=1.0, rng=_rng(), kind="contrast")
    np.testing.assert_allclose(out, img.mean(), atol=1e-6)
    half = corrupt_image(img, level=0.5, rng=_rng(), kind="contrast")
    assert half.std() == pytest.approx(img.std() / 2, rel=1e-4)


def test_blur_lowers_total_variation_and_keeps_colour_planes_apart(xor):
    def tv(x):
        return np.abs(np.diff(x, axis=0)).sum() + np.abs(np.diff(x, axis=1)).sum()

    img = xor.data["image"][0]
    variations = [tv(corrupt_image(img, level=lv, rng=_rng(), kind="blur")) for lv in (0.0, 0.25, 0.5, 1.0)]
    assert variations == sorted(variations, reverse=True) and variations[-1] < variations[0] / 4
    rgb = np.stack([img, np.zeros_like(img), np.ones_like(img)], axis=-1)
    out = corrupt_image(rgb, level=1.0, rng=_rng(), kind="blur")
    np.testing.assert_allclose(out[..., 1], 0.0)
    np.testing.assert_allclose(out[..., 2], 1.0)


# ----- audio


@pytest.mark.parametrize("amplitude", [0.9, 0.05], ids=["loud", "quiet"])
@pytest.mark.parametrize("level", [0.25, 0.5, 0.75, 1.0])
def test_audio_snr_is_30_minus_40_level_db(level, amplitude):
    t = np.arange(16000) / 8000
    clip = (amplitude * np.sin(2 * np.pi * 300 * t) * np.hanning(len(t))).astype(np.float32)
    out = corrupt_audio(clip, level=level, rng=_rng(3))
    assert out.dtype == np.float32 and np.abs(out).max() <= 1.0
    assert _snr_db(clip, out) == pytest.approx(30 - 40 * level, abs=1.0)


@pytest.mark.parametrize("level", [0.25, 0.5, 1.0])
def test_audio_dropout_silences_0_8_level_of_the_clip_in_50_ms_gaps(level):
    clip = (0.5 + 0.4 * np.sin(np.arange(4000) / 7)).astype(np.float32)  # never exactly 0
    out = corrupt_audio(clip, level=level, rng=_rng(1), kind="dropout", sample_rate=SR)
    silent = out == 0
    assert silent.mean() == pytest.approx(0.8 * level, abs=0.1)
    np.testing.assert_array_equal(out[~silent], clip[~silent])
    starts = np.flatnonzero(np.diff(silent.astype(int)) == 1) + 1
    assert len(starts) <= silent.sum() / 200  # gaps of 400 samples, some of them adjacent


@pytest.mark.parametrize("level", [0.3, 1.0])
def test_audio_speed_changes_duration_and_pitch_by_2_to_the_level(level):
    t = np.arange(SR) / SR
    clip = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    signs = set()
    for seed in range(6):
        out = corrupt_audio(clip, level=level, rng=_rng(seed), kind="speed", sample_rate=SR)
        factor = len(clip) / len(out)  # played faster by this factor
        assert abs(np.log2(factor)) == pytest.approx(level, abs=0.01)
        assert _dominant_hz(out) / 440 == pytest.approx(factor, rel=0.02)
        signs.add(factor > 1)
    assert signs == {True, False}  # up or down at random


# ----- text


def test_text_corruption_is_deterministic_with_a_seed():
    text = "seven days make a week"
    a = corrupt_text(text, level=0.8, rng=_rng(5))
    b = corrupt_text(text, level=0.8, rng=_rng(5))
    assert a == b
    outputs = {corrupt_text(text, level=0.8, rng=_rng(s)) for s in range(10)}
    assert len(outputs) > 1 and text not in outputs


@pytest.mark.parametrize("kind", ["mix", "dropout"])
def test_text_corruption_keeps_at_least_one_word(kind):
    for seed in range(30):
        assert corrupt_text("seven", level=1.0, rng=_rng(seed), kind=kind).strip()
        assert corrupt_text("seven days a week", level=1.0, rng=_rng(seed), kind=kind).split()


def test_text_shuffle_keeps_the_words_and_typos_keep_the_length():
    for seed, text in enumerate(SENTENCES):
        shuffled = corrupt_text(text, level=1.0, rng=_rng(seed), kind="shuffle")
        assert sorted(shuffled.split()) == sorted(text.split())
        typo = corrupt_text(text, level=1.0, rng=_rng(seed), kind="typos")
        assert len(typo) == len(text) and typo.count(" ") == text.count(" ")
        changed = np.mean([a != b for a, b in zip(text.replace(" ", ""), typo.replace(" ", ""))])
        assert changed == pytest.approx(0.5, abs=0.2)


# ----- the same pattern, more: draws do not depend on the level


def test_letters_changed_at_a_low_level_are_changed_at_a_higher_one():
    text = " ".join(SENTENCES)
    low, high = (corrupt_text(text, level=lv, rng=_rng(7), kind="typos") for lv in (0.4, 0.8))
    changed = [{i for i, (a, b) in enumerate(zip(text, out)) if a != b} for out in (low, high)]
    assert changed[0] and changed[0] < changed[1]
    assert all(low[i] == high[i] for i in changed[0])  # the same wrong letter, not a new draw


def test_dropped_words_silent_chunks_and_occluded_pixels_are_nested():
    words = " ".join(SENTENCES).split()
    kept = [corrupt_text(" ".join(words), level=lv, rng=_rng(3), kind="dropout").split() for lv in (0.3, 0.6)]
    assert len(kept[1]) < len(kept[0]) and set(kept[1]) <= set(kept[0])
    clip = (0.5 + 0.4 * np.sin(np.arange(8000) / 7)).astype(np.float32)
    silent = [corrupt_audio(clip, level=lv, rng=_rng(3), kind="dropout") == 0 for lv in (0.3, 0.6)]
    assert silent[0].any() and not (silent[0] & ~silent[1]).any()
    img = np.full((16, 16), 0.5, dtype=np.float32)
    for seed in range(10):
        black = [corrupt_image(img, level=lv, rng=_rng(seed), kind="occlusion") == 0 for lv in (0.3, 0.6, 1.0)]
        assert black[0].any() and not (black[0] & ~black[1]).any() and not (black[1] & ~black[2]).any()


def test_noise_direction_and_speed_direction_do_not_depend_on_the_level(xor):
    img = np.full((16, 16), 0.5, dtype=np.float32)  # far from 0 and 1: no clipping at these levels
    low, high = (corrupt_image(img, level=lv, rng=_rng(4), kind="noise") - img for lv in (0.1, 0.2))
    np.testing.assert_allclose(high, 2 * low, atol=1e-6)
    clip = xor.data["audio"][0]
    for seed in range(4):
        lengths = [len(corrupt_audio(clip, level=lv, rng=_rng(seed), kind="speed")) for lv in (0.2, 0.5, 1.0)]
        assert lengths in (sorted(lengths), sorted(lengths, reverse=True))


# ----- datasets


def test_missing_removes_round_p_n_samples_nested_by_level(xor):
    n = xor.n_samples
    gone = {}
    for p in (0.3, 0.6):
        ds = corrupt_dataset(xor, {"audio:missing": p}, seed=2)
        gone[p] = set(np.flatnonzero(~ds.present("audio")))
        assert len(gone[p]) == round(p * n)
        assert ds.present("image").all()
    assert gone[0.3] < gone[0.6]
    assert "image" not in corrupt_dataset(xor, {"image:missing": 1.0}).modalities


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
    other = corrupt_dataset(ds, {"image": 0.7, "audio": 0.5}, seed=2)
    assert not np.array_equal(other.data["image"][0], a.data["image"][0])


def test_corrupt_dataset_corrupts_only_the_rows_asked_for(xor):
    rows = [3, 10, 11, 20]
    ds = corrupt_dataset(xor, {"image:noise": 0.5, "audio:missing": 0.5}, seed=0, rows=rows)
    for i in range(xor.n_samples):
        if i in rows:
            assert not np.array_equal(ds.data["image"][i], xor.data["image"][i])
        else:
            assert ds.data["image"][i] is xor.data["image"][i] and ds.data["audio"][i] is xor.data["audio"][i]
    assert set(np.flatnonzero(~ds.present("audio"))) <= set(rows) and (~ds.present("audio")).sum() == 2
    # A row's corruption depends on its position among the rows, not on the rows before it in the dataset.
    shifted = corrupt_dataset(xor, {"image:noise": 0.5}, seed=0, rows=[5, 10, 11, 20])
    np.testing.assert_array_equal(shifted.data["image"][11], ds.data["image"][11])
    with pytest.raises(ParameterError, match="indices"):
        corrupt_dataset(xor, {"image": 0.5}, rows=[xor.n_samples])


def test_several_kinds_of_one_modality_are_applied_in_order(xor):
    both = corrupt_dataset(xor, {"image:contrast": 1.0, "image:occlusion": 0.5}, seed=0)
    assert all((img == 0.0).sum() >= 5 * 5 for img in both.data["image"])  # the square survives the flattening
    flat = corrupt_dataset(xor, {"image:occlusion": 0.5, "image:contrast": 1.0}, seed=0)
    assert all(img.std() < 1e-6 for img in flat.data["image"])
    mixed = corrupt_dataset(xor, {"text": 0.5, "image": 0.5}, seed=0)  # absent modalities are skipped
    assert "text" not in mixed.data


def test_corrupt_dataset_rejects_bad_requests():
    ds = make_xor_shapes(10)
    with pytest.raises(ParameterError, match="smell"):
        corrupt_dataset(ds, {"smell": 0.5})
    with pytest.raises(ParameterError, match="between 0 and 1"):
        corrupt_dataset(ds, {"image": 1.5})
    with pytest.raises(ParameterError, match="smudge.*mix, noise, occlusion, blur"):
        corrupt_dataset(ds, {"image:smudge": 0.5})
    with pytest.raises(ParameterError, match="between 0 and 1"):
        corrupt_dataset(ds, {"audio:missing": -0.1})


def test_parse_corruption_reads_a_spec():
    assert parse_corruption("image=0.5, text=1") == {"image": 0.5, "text": 1.0}
    assert parse_corruption("") == {}
    assert parse_corruption("audio=0") == {"audio": 0.0}
    assert parse_corruption("image:blur=0.5, audio=0.3") == {"image:blur": 0.5, "audio": 0.3}
    assert parse_corruption(" image : blur = 0.5 ,text:missing=1") == {"image:blur": 0.5, "text:missing": 1.0}


@pytest.mark.parametrize(
    "spec", ["image=1.5", "image=-0.1", "image", "image=abc", "smell=0.5", "image:0.5", "image:smudge=0.5"]
)
def test_parse_corruption_errors_say_what_is_accepted(spec):
    with pytest.raises(ParameterError, match=r"MODALITY=LEVEL.*between 0 and 1") as err:
        parse_corruption(spec)
    assert "MODALITY:KIND=LEVEL" in str(err.value) and "\n" not in str(err.value)
    assert "image: mix, noise, occlusion, blur, rotation, contrast, missing" in str(err.value)


def test_parse_corruption_names_the_kinds_of_the_modality():
    with pytest.raises(
        ParameterError, match=r"image corruption .smudge.; use one of mix, noise, occlusion, blur, rotation"
    ):
        parse_corruption("image:smudge=0.5")
