"""The corpus of malformed and hostile inputs (tests/data/bad/): a clear error naming the file, never a traceback.

Each case of `tests.data.make_bad_inputs.CASES` is decoded with `decode_file`
(zips: `load_zip`, in test_archive.py) and handed to the CLI the way a user
would (``predict --image/--audio FILE``, ``train --data-dir ZIP``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mmdemo import cli
from mmdemo.errors import InputError
from mmdemo.io import decode_file, decode_image, sniff
from tests.data.make_bad_inputs import BAD, CASES, Case, manifest, write_cases

ROOT = Path(__file__).resolve().parents[2]
FILE_CASES = [c for c in CASES if c.use != "zip"]
CLI_CASES = [c for c in CASES if c.use != "text"]  # text has no file option on the command line


@pytest.fixture(scope="module")
def big_dir(tmp_path_factory) -> Path:
    """The big cases (10 MB text, 21 MB file), made on demand: they are not committed."""
    out = tmp_path_factory.mktemp("big_bad_inputs")
    write_cases(out, big=True)
    return out


def _path(case: Case, big_dir: Path) -> Path:
    return (big_dir if case.big else BAD) / case.name


@pytest.fixture(scope="module")
def xor_model(tmp_path_factory) -> Path:
    """``train --dataset xor-shapes --fusion tensor --save M.skops``: a model needing image *and* audio."""
    path = tmp_path_factory.mktemp("model") / "xor.skops"
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["train", "--dataset", "xor-shapes", "--fusion", "tensor", "--save", str(path)]) == 0
    return path


# ---------------------------------------------------------------------- corpus


def test_the_committed_corpus_is_what_the_script_makes(tmp_path):
    made = {p.name: p.read_bytes() for p in write_cases(tmp_path)}
    committed = {p.name: p.read_bytes() for p in BAD.iterdir() if p.name != "MANIFEST.md"}
    assert made.keys() == committed.keys(), "run python tests/data/make_bad_inputs.py"
    assert [name for name in made if made[name] != committed[name]] == []
    assert (BAD / "MANIFEST.md").read_text(encoding="utf-8") == manifest()
    assert all(c.name in manifest() for c in CASES)


def test_the_corpus_is_commit_sized_and_large_enough():
    assert len(CASES) >= 30
    sizes = {p.name: p.stat().st_size for p in BAD.iterdir()}
    assert max(sizes.values()) < 1_000_000
    assert not any(c.big and c.name in sizes for c in CASES)


# ------------------------------------------------------------------ decoding


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda c: c.name)
def test_decode_file_gives_a_clear_error_naming_the_file(case, big_dir):
    data = _path(case, big_dir).read_bytes()
    if case.expect is None:
        modality, _ = decode_file(data, case.name)
        assert modality == case.use
        return
    with pytest.raises(InputError) as err:
        decode_file(data, case.name)
    message = str(err.value)
    assert message.startswith(f"{case.name}: ")
    assert case.expect in message
    # Read aloud by a teacher: one sentence, no Python or C internals.
    assert "\n" not in message and "BytesIO" not in message and "Errno" not in message and "psf_" not in message


@pytest.mark.parametrize("name", ["huge-20000x20000.png", "big-6000x6000.png"])
def test_huge_pictures_are_refused_before_their_pixels_are_decoded(name, monkeypatch):
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    start = time.perf_counter()
    with pytest.raises(InputError, match="megapixels are accepted"):
        decode_image(BAD / name)
    assert time.perf_counter() - start < 1.0


def test_an_hour_of_audio_is_refused_from_its_header():
    start = time.perf_counter()
    with pytest.raises(InputError, match="lasts 3600 s"):
        decode_file((BAD / "one-hour.flac").read_bytes(), "one-hour.flac")
    assert time.perf_counter() - start < 0.5  # decoding 28.8 million samples would take longer


def test_a_gif_gives_its_first_frame():
    _, image = decode_file((BAD / "many-frames.gif").read_bytes(), "many-frames.gif")
    grey = image.mean(axis=2)
    assert grey[8, 8] < 0.1 and grey[0, 0] > 0.9  # the dark square on white, not the noise of later frames


def test_a_cmyk_jpeg_becomes_rgb_with_its_colour():
    _, image = decode_file((BAD / "cmyk.jpg").read_bytes(), "cmyk.jpg")
    assert image.shape == (24, 32, 3)
    r, g, b = image.reshape(-1, 3).mean(axis=0)
    assert r > 0.8 and g < 0.2 and b < 0.2


def test_16_bit_pictures_are_scaled_not_clipped():
    _, ramp = decode_file((BAD / "grey-16bit.png").read_bytes(), "grey-16bit.png")
    assert ramp.shape == (16, 32) and ramp.dtype == np.float32
    np.testing.assert_allclose(ramp[0], np.linspace(0, 1, 32), atol=1e-4)
    _, red = decode_file((BAD / "rgb-16bit.png").read_bytes(), "rgb-16bit.png")
    np.testing.assert_allclose(red[0, 0], [60000 / 65535, 8000 / 65535, 8000 / 65535], atol=1 / 255)


def test_a_phone_photo_is_turned_upright():
    _, image = decode_file((BAD / "exif-rotated.jpg").read_bytes(), "exif-rotated.jpg")
    assert image.shape[:2] == (40, 20)  # stored 40 wide x 20 high, shown portrait


def test_valid_odd_sound_and_text_files_decode():
    _, (y, sr) = decode_file((BAD / "tone.mp3").read_bytes(), "tone.mp3")
    spectrum = np.abs(np.fft.rfft(y))
    assert sr == 8000 and np.fft.rfftfreq(len(y), 1 / sr)[np.argmax(spectrum)] == pytest.approx(440, abs=10)
    _, (y, sr) = decode_file((BAD / "data-cut.wav").read_bytes(), "data-cut.wav")
    assert 1000 < len(y) < 4000  # the half that is there
    assert decode_file((BAD / "utf16-bom.txt").read_bytes(), "utf16-bom.txt") == ("text", "Größe sieben")


@pytest.mark.parametrize(
    "name,data,modality",
    [
        ("notes.md", b"sieben Tage", "text"),
        ("recording", (BAD / "data-cut.wav").read_bytes(), "audio"),
        ("photo.png", (BAD / "cmyk.jpg").read_bytes(), "image"),  # a JPEG named .png is still a picture
    ],
    ids=["unknown-extension-text", "no-extension-wav", "jpeg-named-png"],
)
def test_decode_file_lets_the_content_decide_within_a_modality(name, data, modality):
    got, value = decode_file(data, name)
    assert got == modality
    if modality == "text":
        assert value == "sieben Tage"
    elif modality == "audio":  # the first half of a 0.5 s 440 Hz tone at 8 kHz
        y, sr = value
        assert sr == 8000 and 0.2 * sr < len(y) <= 0.25 * sr
        assert np.fft.rfftfreq(len(y), 1 / sr)[np.argmax(np.abs(np.fft.rfft(y)))] == pytest.approx(440, abs=10)
    else:  # the 32x24 red CMYK picture, as RGB
        assert value.shape == (24, 32, 3)
        assert value[..., 0].mean() > 0.8 and value[..., 1:].mean() < 0.2


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("lesson.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "it looks like a PDF document"),
        ("data.bin", (BAD / "zip-empty.zip").read_bytes(), "it looks like a zip archive"),
        ("tool", b"\x7fELF\x02\x01\x01" + bytes(64), "it looks like a program"),
    ],
)
def test_decode_file_refuses_what_is_no_sample_at_all(name, data, reason):
    with pytest.raises(InputError, match=rf"^{name}: mmdemo cannot use this file \({reason}.*pictures \(PNG"):
        decode_file(data, name)


def test_sniff_names_what_a_file_is_whatever_its_name():
    assert {c.name: sniff((BAD / c.name).read_bytes()) for c in CASES if "-named" in c.name} == {
        "wav-named.png": "wav",
        "html-named.png": "html",
        "text-named.jpg": "text",
        "tiff-named.png": "tiff",
        "heic-named.jpg": "heic",
        "png-named.wav": "png",
        "html-named.wav": "html",
        "aiff-named.wav": "aiff",
        "webm-named.wav": "webm",
        "png-named.txt": "png",
    }


# ----------------------------------------------------------------------- CLI


def _argv(case: Case, path: Path, model: Path) -> list[str]:
    if case.use == "zip":
        return ["train", "--data-dir", str(path), "--json"]
    return ["predict", "--model", str(model), f"--{case.use}", str(path), "--json"]


@pytest.mark.parametrize("case", CLI_CASES, ids=lambda c: c.name)
def test_cli_exits_2_with_exactly_one_line_naming_the_problem(case, xor_model, big_dir, capsys):
    status = cli.main(_argv(case, _path(case, big_dir), xor_model))
    out, err = capsys.readouterr()
    if case.cli_expect is None:
        assert status == 0, err
        assert json.loads(out)
        return
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    command = "train" if case.use == "zip" else "predict"
    assert lines[0].startswith(f"mmdemo {command}: error: ")
    assert case.cli_expect in lines[0]
    if case.use != "zip" or case.expect:  # an xor model needs image+audio: the error is about the file given
        assert case.name in lines[0]


@pytest.mark.parametrize("name", ["huge-20000x20000.png", "tone.mp3"])
def test_a_real_process_prints_no_traceback_and_no_library_noise(name, xor_model):
    case = next(c for c in CASES if c.name == name)
    proc = subprocess.run(
        [sys.executable, "-m", "mmdemo", *_argv(case, BAD / name, xor_model)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if case.cli_expect is None:
        assert proc.returncode == 0 and proc.stderr == ""  # libmpg123 says nothing on a valid MP3
    else:
        assert proc.returncode == 2 and proc.stdout == ""
        assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
