"""Datasets: bundled av-digits, generated xor-shapes, and folder import."""

from __future__ import annotations

import numpy as np
import pytest

from mmdemo.datasets import BUNDLED, MultimodalDataset, load_av_digits, load_dataset, load_folder, make_xor_shapes
from mmdemo.datasets.av_digits import load_digit_clips, load_mnist_digits
from mmdemo.errors import DatasetError


@pytest.fixture(scope="module")
def av_digits() -> MultimodalDataset:
    return load_av_digits()


def _index_after(sample_id: str, sep: str) -> int:
    return int(sample_id.rsplit(sep, 1)[1])


# ------------------------------------------------------------------- av-digits


def test_av_digits_has_ten_named_classes_and_three_complete_modalities(av_digits):
    assert av_digits.class_names == [str(d) for d in range(10)]
    assert av_digits.modalities == ["image", "audio", "text"]
    assert av_digits.pairing == "label"
    assert av_digits.sample_rate == 16000
    for m in av_digits.modalities:
        assert av_digits.present(m).all(), f"some {m} values are missing"
    assert set(np.unique(av_digits.y)) == set(range(10))
    assert "paired by label" in av_digits.description


def test_av_digits_raw_values_follow_the_design(av_digits):
    for img in av_digits.data["image"][:50]:
        assert img.shape == (28, 28) and img.dtype == np.float32
        assert img.min() >= 0.0 and img.max() <= 1.0
    for clip in av_digits.data["audio"][:50]:
        assert clip.ndim == 1 and clip.dtype == np.float32 and len(clip) > 0
        assert np.abs(clip).max() <= 1.0
    assert all(isinstance(t, str) and t.strip() for t in av_digits.data["text"])


def test_av_digits_uses_each_clip_and_each_image_once_with_the_right_label(av_digits):
    _, clip_labels, _ = load_digit_clips()
    clip_idx = [_index_after(s, "#") for s in av_digits.sample_ids]
    image_idx = [int(s.split("/", 1)[0].removeprefix("mnist")) for s in av_digits.sample_ids]
    assert len(set(clip_idx)) == len(clip_idx), "an audio clip is used twice"
    assert len(set(image_idx)) == len(image_idx) == 5000, "an image is used twice, or left out"
    np.testing.assert_array_equal(clip_labels[clip_idx], av_digits.y)
    images, labels = load_mnist_digits()
    np.testing.assert_array_equal(labels[image_idx], av_digits.y)
    for k in range(0, av_digits.n_samples, 97):
        np.testing.assert_array_equal(av_digits.data["image"][k], images[image_idx[k]])


def test_av_digits_loading_is_deterministic(av_digits):
    again = load_av_digits()
    assert again.sample_ids == av_digits.sample_ids
    assert again.data["text"] == av_digits.data["text"]
    np.testing.assert_array_equal(again.y, av_digits.y)
    other = load_av_digits(seed=1)
    assert other.sample_ids != av_digits.sample_ids


def test_load_dataset_by_name():
    assert set(BUNDLED) >= {"av-digits", "xor-shapes"}
    assert load_dataset("xor-shapes").name == "xor-shapes"
    with pytest.raises(DatasetError, match="Unknown dataset 'mnist'"):
        load_dataset("mnist")


def test_subset_keeps_everything_aligned(av_digits):
    idx = [5, 0, 42]
    sub = av_digits.subset(idx)
    assert sub.n_samples == 3 and sub.class_names == av_digits.class_names and sub.pairing == "label"
    assert sub.sample_ids == [av_digits.sample_ids[i] for i in idx]
    assert sub.data["text"] == [av_digits.data["text"][i] for i in idx]
    np.testing.assert_array_equal(sub.y, av_digits.y[idx])


# ------------------------------------------------------------------ xor-shapes


def test_xor_shapes_is_deterministic_by_seed():
    a, b, c = make_xor_shapes(60, seed=4), make_xor_shapes(60, seed=4), make_xor_shapes(60, seed=5)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.sample_ids == b.sample_ids
    for m in ("image", "audio"):
        for u, v in zip(a.data[m], b.data[m], strict=True):
            np.testing.assert_array_equal(u, v)
    assert a.sample_ids != c.sample_ids
    assert not np.array_equal(a.data["image"][0], c.data["image"][0])


def test_xor_shapes_label_is_the_xor_of_shape_and_pitch():
    ds = make_xor_shapes(200, seed=0)
    assert ds.class_names == ["agree", "differ"] and ds.modalities == ["image", "audio"]
    for sid, label in zip(ds.sample_ids, ds.labels(), strict=True):
        shape, pitch = sid.split("#")[0].split("+")
        agree = (shape, pitch) in {("circle", "low"), ("square", "high")}
        assert label == ("agree" if agree else "differ"), sid
    counts = np.bincount(ds.y)
    assert counts.min() > 70  # roughly balanced


def test_multimodal_dataset_rejects_inconsistent_data():
    with pytest.raises(DatasetError, match="2 values for 3 labels"):
        MultimodalDataset("bad", {"text": ["a", "b"]}, np.array([0, 1, 0]), ["x", "y"])
    with pytest.raises(DatasetError, match="smell"):
        MultimodalDataset("bad", {"smell": ["a"]}, np.array([0]), ["x"])
    ds = MultimodalDataset("toy", {"text": ["a", "b"]}, np.array([0, 1]), ["x", "y"])
    with pytest.raises(DatasetError, match="no image"):
        ds.require_modalities(["text", "image"])


# ---------------------------------------------------------------------- folder


@pytest.fixture
def folder(tmp_path, png_bytes, wav_bytes):
    """cat/: a full sample (png+wav+txt), a lone picture, junk; dog/: a lone text and a lone stereo 16 kHz recording."""
    root = tmp_path / "pets"
    (root / "cat").mkdir(parents=True)
    (root / "dog").mkdir()
    (root / ".hidden").mkdir()
    picture = np.zeros((20, 20))
    picture[5:15, 8:12] = 1.0
    t = np.arange(8000) / 8000
    tone = 0.5 * np.sin(2 * np.pi * 300 * t) * np.hanning(8000)  # one second at 8 kHz
    (root / "cat" / "tom.png").write_bytes(png_bytes(picture))
    (root / "cat" / "tom.wav").write_bytes(wav_bytes(tone))
    (root / "cat" / "tom.txt").write_text("miaow", encoding="utf-8")
    (root / "cat" / "felix.png").write_bytes(png_bytes(picture.T))
    (root / "cat" / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    (root / "cat" / "broken.png").write_bytes(b"<html>not a picture</html>")
    (root / "cat" / "empty.txt").write_bytes(b"")
    (root / "dog" / "rex.txt").write_text("woof", encoding="utf-8")
    t16 = np.arange(16000) / 16000
    stereo = np.stack([0.4 * np.sin(2 * np.pi * 200 * t16)] * 2, axis=1)
    (root / "dog" / "fido.wav").write_bytes(wav_bytes(stereo, sr=16000))
    return root


def test_load_folder_pairs_files_by_stem(folder):
    ds, problems = load_folder(folder)
    assert ds.class_names == ["cat", "dog"]
    assert ds.pairing == "instance"
    assert sorted(ds.sample_ids) == ["cat/felix", "cat/tom", "dog/fido", "dog/rex"]
    row = {sid: i for i, sid in enumerate(ds.sample_ids)}
    tom, felix, rex, fido = (row[k] for k in ("cat/tom", "cat/felix", "dog/rex", "dog/fido"))
    assert ds.data["text"][tom] == "miaow" and ds.data["image"][tom].shape == (20, 20)
    tom_audio = ds.data["audio"][tom]  # the 300 Hz tone of tom.wav (its quiet ends trimmed)
    assert tom_audio.dtype == np.float32 and 0.8 * ds.sample_rate < len(tom_audio) <= ds.sample_rate
    spectrum = np.abs(np.fft.rfft(tom_audio))
    assert np.argmax(spectrum) * ds.sample_rate / len(tom_audio) == pytest.approx(300, abs=5)
    assert ds.data["audio"][felix] is None and ds.data["text"][felix] is None
    assert ds.data["image"][rex] is None and ds.data["text"][rex] == "woof"
    assert ds.labels()[tom] == "cat" and ds.labels()[rex] == "dog"
    # Audio is brought to the dataset's rate and to mono on loading.
    fido_audio = ds.data["audio"][fido]
    assert ds.sample_rate == 16000 and fido_audio.ndim == 1
    assert len(fido_audio) == pytest.approx(16000, rel=0.05)
    assert ds.counts() == {"cat": {"image": 2, "audio": 1, "text": 1}, "dog": {"image": 0, "audio": 1, "text": 1}}


def test_load_folder_reports_junk_instead_of_crashing(folder):
    _, problems = load_folder(folder)
    assert len(problems) == 3
    text = "\n".join(problems)
    for name in ("cat/notes.docx", "cat/broken.png", "cat/empty.txt"):
        assert name in text
    assert ".hidden" not in text


def test_load_folder_errors_name_the_folder(tmp_path):
    with pytest.raises(DatasetError, match="no such folder"):
        load_folder(tmp_path / "nowhere")
    with pytest.raises(DatasetError, match="no class folders"):
        load_folder(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.doc").write_bytes(b"junk")
    with pytest.raises(DatasetError, match="no readable samples"):
        load_folder(tmp_path)
