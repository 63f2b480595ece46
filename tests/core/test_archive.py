"""Zip datasets: export/import round trip, odd layouts reported, hostile archives refused, each limit its own message."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest

import mmdemo.datasets.archive as archive
import mmdemo.datasets.layout as layout
from mmdemo import cli
from mmdemo.datasets import MultimodalDataset, export_zip, load_folder, load_zip, make_xor_shapes
from mmdemo.datasets.av_digits import load_digit_clips
from mmdemo.errors import DatasetError, InputError
from mmdemo.experiments.evaluate import train_and_evaluate
from mmdemo.features import prepare_audio
from mmdemo.features.audio import SAMPLE_RATE
from tests.data.make_bad_inputs import BAD, CASES, Case

ZIP_CASES = [c for c in CASES if c.use == "zip"]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def pets() -> MultimodalDataset:
    """Three modalities, some missing, grey and colour pictures, unicode text, and an empty class."""
    xor = make_xor_shapes(6, seed=3)
    rng = np.random.default_rng(0)
    colour = rng.random((10, 12, 3)).astype(np.float32)
    clips = load_digit_clips()[0][:5]  # real clips with a noise floor: trimming them is delicate
    audio = [prepare_audio(y, sr=SAMPLE_RATE) for y in clips]  # prepared, as every imported dataset is
    return MultimodalDataset(
        name="pets",
        data={
            "image": [xor.data["image"][0], colour, None, xor.data["image"][3], None, xor.data["image"][5]],
            "audio": [audio[0], None, audio[2], audio[3], audio[4], None],
            "text": ["miaow", "Größe 七", None, "woof woof", "a dog, 3 years old", None],
        },
        y=np.array([0, 0, 0, 1, 1, 1]),
        class_names=["cat", "dog", "empty"],
        sample_ids=["cat/tom", "cat/felix", "cat/tom", "dog/rex", "dog/fido#1", "dog/Rex"],
    )


# ---------------------------------------------------------------- round trip


def test_export_then_load_gives_the_same_dataset_back(pets):
    back, problems = load_zip(export_zip(pets), name="pets.zip")
    assert problems == ["empty/: class empty has no readable samples; left out."]
    assert back.class_names == ["cat", "dog"] and back.n_samples == pets.n_samples
    assert back.counts() == {c: pets.counts()[c] for c in ("cat", "dog")}
    # Stems are unique per class (ignoring case) and follow the sample ids.
    assert sorted(back.sample_ids) == ["cat/felix", "cat/tom", "cat/tom-2", "dog/Rex-2", "dog/fido_1", "dog/rex"]
    original = {
        sid: i for i, sid in enumerate(["cat/tom", "cat/felix", "cat/tom-2", "dog/rex", "dog/fido_1", "dog/Rex-2"])
    }
    for j, sid in enumerate(back.sample_ids):
        i = original[sid]
        assert back.labels()[j] == pets.labels()[i]
        assert back.data["text"][j] == pets.data["text"][i]
        a, b = pets.data["image"][i], back.data["image"][j]
        assert (a is None) == (b is None)
        if a is not None:
            assert a.shape == b.shape and np.abs(a - b).max() <= 0.5 / 255 + 1e-6
        a, b = pets.data["audio"][i], back.data["audio"][j]
        assert (a is None) == (b is None)
        if a is not None:
            assert len(a) == len(b) and np.abs(a - b).max() <= 1.5 / 2**15


def test_recorded_audio_survives_export_and_import_sample_for_sample():
    """40 real clips as a dataset built in the app holds them: no clip may lose its ends on the way."""
    clips = [prepare_audio(y, sr=SAMPLE_RATE) for y in load_digit_clips()[0][:40]]
    ds = MultimodalDataset("words", {"audio": clips}, np.arange(40) % 2, ["a", "b"])
    back, _ = load_zip(export_zip(ds))
    order = [ds.sample_ids.index(f"words#{sid.split('_')[-1]}") for sid in back.sample_ids]
    for j, i in enumerate(order):
        assert len(back.data["audio"][j]) == len(clips[i])
        assert np.abs(back.data["audio"][j] - clips[i]).max() <= 1.5 / 2**15


def test_export_writes_the_folder_format_with_one_stem_per_sample(pets):
    data = export_zip(pets)
    assert data == export_zip(pets)  # deterministic: same dataset, same bytes
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert {"cat/tom.png", "cat/tom.flac", "cat/tom.txt", "empty/"} <= set(names)
    assert "cat/felix.flac" not in names  # a missing value writes no file
    assert all(not n.startswith(("/", ".")) and ".." not in n for n in names)


def test_a_zip_with_a_top_folder_loads_like_the_same_folder(tmp_path):
    """Folder and zip share one reader: same samples, same problems (paths aside)."""
    data = (BAD / "zip-odd-places.zip").read_bytes()
    zds, zproblems = load_zip(data, name="zip-odd-places.zip")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # the test's own, trusted extraction
        for info in zf.infolist():
            target = tmp_path / info.filename
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(info))
    fds, fproblems = load_folder(tmp_path)
    assert zds.name == fds.name == "mydata"
    assert zds.class_names == fds.class_names == ["cat", "dog"]
    assert zds.sample_ids == fds.sample_ids and zds.data == fds.data
    assert sorted(zproblems) == sorted(fproblems)


def test_nothing_in_an_odd_zip_is_dropped_silently():
    data = (BAD / "zip-odd-places.zip").read_bytes()
    ds, problems = load_zip(data, name="zip-odd-places.zip")
    text = "\n".join(problems)
    for expected in [
        "__MACOSX/: skipped (macOS metadata",
        "mydata/.DS_Store: skipped (hidden or system file)",
        "mydata/cat/Thumbs.db: skipped (hidden or system file)",
        "mydata/README.txt: skipped (not inside a class folder",
        "mydata/dog/old/: skipped (a folder inside a class folder; put its files directly in mydata/dog/)",
        "mydata/dog/notes.docx: skipped (unknown kind of file",
    ]:
        assert expected in text
    used = {f"mydata/{sid}.txt" for sid in ds.sample_ids}
    for name in zipfile.ZipFile(io.BytesIO(data)).namelist():
        if not name.endswith("/"):
            assert name in used or any(p.split(":")[0].rstrip("/") in name for p in problems), name


def test_a_single_class_folder_is_a_class_not_a_top_folder():
    ds, problems = load_zip(_zip({"cat/a.txt": b"meow", "cat/old/b.txt": b"purr"}))
    assert ds.class_names == ["cat"] and ds.sample_ids == ["cat/a"]
    assert problems == ["cat/old/: skipped (a folder inside a class folder; put its files directly in cat/)."]


# ----------------------------------------------------------- hostile zips


@pytest.mark.parametrize("case", [c for c in ZIP_CASES if c.expect], ids=lambda c: c.name)
def test_bad_zips_are_refused_with_their_own_message(case: Case):
    data = (BAD / case.name).read_bytes()
    with pytest.raises((InputError, DatasetError)) as err:
        load_zip(data, name=case.name)
    message = str(err.value)
    assert message.startswith(f"{case.name}: ") and case.expect in message and "\n" not in message
    with pytest.raises(type(err.value), match=re.escape(case.expect)):
        load_zip(BAD / case.name)  # the same from a path


def test_zip_slip_writes_nothing_anywhere(tmp_path, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    for name in ("zip-slip.zip", "zip-slip-backslash.zip", "zip-absolute.zip"):
        with pytest.raises(InputError, match="refused"):
            load_zip(BAD / name)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert not Path("/tmp/evil.txt").exists()


@pytest.mark.parametrize(
    "limit,value,members,message",
    [
        (
            (layout, "MAX_FILES"),
            3,
            {"cat/a.txt": b"a", "cat/b.txt": b"b", "dog/c.txt": b"c", "dog/d.txt": b"d"},
            "it holds 4 files and folders; up to 3 are accepted",
        ),
        ((layout, "MAX_TOTAL_BYTES"), 2**20, {"cat/a.txt": b"a" * 2**20, "dog/b.txt": b"b"}, "MB unpacked; up to 1 MB"),
        ((archive, "_RATIO_FLOOR"), 1000, {"cat/a.txt": b"a" * 200_000}, "refused as a possible zip bomb"),
    ],
    ids=["count", "total-size", "ratio"],
)
def test_each_archive_limit_has_its_own_message(limit, value, members, message, monkeypatch):
    monkeypatch.setattr(*limit, value)
    with pytest.raises(InputError, match=message):
        load_zip(_zip(members), name="mine.zip")


def test_a_member_over_the_file_limit_is_skipped_and_said(monkeypatch):
    monkeypatch.setattr("mmdemo.io.MAX_FILE_BYTES", 2**20)
    noise = np.random.default_rng(0).bytes(2**20 + 1)  # does not pack: no zip-bomb alarm
    ds, problems = load_zip(_zip({"cat/a.txt": b"meow", "cat/big.txt": noise, "dog/b.txt": b"woof"}))
    assert ds.sample_ids == ["cat/a", "dog/b"]
    assert problems == ["cat/big.txt: the file is 1.0 MB; files up to 1 MB are accepted. (skipped)"]


def test_a_mostly_silent_recording_packs_well_but_is_no_bomb():
    import soundfile as sf

    t = np.arange(4000) / 16000
    y = np.r_[np.zeros(14 * 16000), 0.5 * np.sin(2 * np.pi * 500 * t), np.zeros(14 * 16000)]  # 28 s, 0.9 MB
    buf = io.BytesIO()
    sf.write(buf, y, 16000, format="WAV")
    packed = _zip({"cat/a.wav": buf.getvalue(), "dog/b.txt": b"woof"})
    ds, problems = load_zip(packed)
    assert problems == [] and ds.present("audio").sum() == 1
    info = zipfile.ZipFile(io.BytesIO(packed)).getinfo("cat/a.wav")
    assert info.file_size / info.compress_size > archive.MAX_COMPRESSION_RATIO  # packs > 100:1, yet under 1 MB


# ------------------------------------------------------ classes and training


def test_empty_classes_are_reported_and_left_out_then_training_says_why():
    ds, problems = load_zip(BAD / "zip-empty-classes.zip")
    assert ds.class_names == ["cat"]
    assert problems == [
        "empty1/: class empty1 has no readable samples; left out.",
        "empty2/: class empty2 has no readable samples; left out.",
    ]
    with pytest.raises(DatasetError, match="at least two classes with samples; the data has only cat"):
        train_and_evaluate(ds)


def test_a_class_with_one_sample_cannot_be_split_and_training_names_it():
    ds, problems = load_zip(BAD / "zip-one-sample-class.zip")
    assert problems == [] and ds.counts() == {"cat": {"text": 2}, "dog": {"text": 1}}
    with pytest.raises(DatasetError, match=r"at least 2 samples .*dog has only 1: add samples to it"):
        train_and_evaluate(ds)


@pytest.mark.parametrize("name", ["a/b", ".hidden", ""])
def test_export_refuses_class_names_that_cannot_be_folders(name):
    ds = MultimodalDataset("x", {"text": ["one", "two"]}, np.array([0, 1]), ["ok", name])
    with pytest.raises(DatasetError, match="cannot be a folder name"):
        export_zip(ds)


def test_export_refuses_what_load_zip_would_refuse(monkeypatch):
    monkeypatch.setattr(archive, "MAX_FILES", 3)
    with pytest.raises(DatasetError, match="more than a zip mmdemo imports"):
        export_zip(make_xor_shapes(4))


# ----------------------------------------------------------------------- CLI


def test_cli_trains_and_evaluates_on_a_zip(tmp_path, capsys):
    zipped = tmp_path / "xor.zip"
    zipped.write_bytes(export_zip(make_xor_shapes(200, seed=1)))
    model = tmp_path / "m.skops"
    status, out, err = _run(
        ["train", "--data-dir", str(zipped), "--fusion", "tensor", "--save", str(model), "--json"], capsys
    )
    assert status == 0 and err == ""
    payload = json.loads(out)
    assert payload["n_train"] + payload["n_test"] == 200 and payload["accuracy"] >= 0.8
    status, out, err = _run(["evaluate", "--model", str(model), "--data-dir", str(zipped), "--json"], capsys)
    assert status == 0 and json.loads(out)["n"] == 200


def test_cli_warnings_come_before_the_result_and_only_on_success(capsys):
    status, out, err = _run(["train", "--data-dir", str(BAD / "zip-odd-places.zip"), "--json"], capsys)
    assert status == 0 and json.loads(out)["dataset"] == "mydata"
    assert err.count("mmdemo: warning: ") == 6 == len(err.splitlines())
    status, out, err = _run(["train", "--data-dir", str(BAD / "zip-empty-classes.zip")], capsys)
    assert status == 2 and len(err.splitlines()) == 1
    assert "(2 problems reading the data; the first: empty1/: class empty1 has no readable samples" in err


def test_cli_data_dir_help_and_missing_path(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    assert ".zip" in capsys.readouterr().out
    status, out, err = _run(["train", "--data-dir", str(tmp_path / "nope.zip")], capsys)
    assert status == 2 and "nope.zip: no such folder or .zip file" in err and len(err.splitlines()) == 1
