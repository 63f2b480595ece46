"""Decoding user files: good files become raw samples, bad ones a clear InputError naming the file."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

import mmdemo.io as mio
from mmdemo.errors import InputError
from mmdemo.io import decode_audio, decode_image, decode_text, modality_of

HTML = b"<!DOCTYPE html><html><body>Page not found</body></html>"


def _tone(seconds: float, sr: int = 8000, channels: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    y = 0.5 * np.sin(2 * np.pi * 440 * t)
    return np.stack([y] * channels, axis=1) if channels > 1 else y


def _encode(image: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kw)
    return buf.getvalue()


# ----------------------------------------------------------------------- image


def test_decode_image_gray_png(png_bytes):
    arr = np.linspace(0, 1, 12 * 7).reshape(12, 7)
    out = decode_image(png_bytes(arr), "ramp.png")
    assert out.shape == (12, 7) and out.dtype == np.float32
    np.testing.assert_allclose(out, arr, atol=1 / 255)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "WEBP"])
def test_decode_image_colour_formats(fmt):
    out = decode_image(_encode(Image.new("RGB", (30, 20), (200, 30, 10)), fmt))
    assert out.shape == (20, 30, 3) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert out[..., 0].mean() > out[..., 2].mean()  # still red


def test_decode_image_puts_transparency_on_white_paper():
    img = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    img.putpixel((5, 5), (0, 0, 0, 255))
    out = decode_image(_encode(img, "PNG"))
    assert out.shape == (10, 10, 3)
    assert out[0, 0].tolist() == [1.0, 1.0, 1.0] and out[5, 5].tolist() == [0.0, 0.0, 0.0]


def test_decode_image_gif_first_frame():
    frames = [Image.new("L", (8, 8), 255), Image.new("L", (8, 8), 0)]
    data = _encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert decode_image(data).min() == 1.0


def test_decode_image_reads_a_path_and_names_it(tmp_path, png_bytes):
    good = tmp_path / "drawing.png"
    good.write_bytes(png_bytes(np.eye(5)))
    assert decode_image(good).shape == (5, 5)
    bad = tmp_path / "scan.png"
    bad.write_bytes(png_bytes(np.eye(50))[:60])
    with pytest.raises(InputError, match=r"^scan\.png: .*damaged or cut off"):
        decode_image(bad)
    with pytest.raises(InputError, match=r"^missing\.png: no such file"):
        decode_image(tmp_path / "missing.png")


@pytest.mark.parametrize(
    "make,reason",
    [
        (lambda png: b"", "empty"),
        (lambda png: png[: len(png) // 2], "damaged or cut off"),
        (lambda png: HTML, "not a picture"),
        (lambda png: _encode(Image.new("L", (1, 40)), "PNG"), "at least 2x2"),
    ],
    ids=["empty", "truncated-png", "html-renamed", "one-pixel-wide"],
)
def test_decode_image_rejects_bad_files(make, reason, png_bytes):
    png = png_bytes(np.random.default_rng(0).random((64, 64)))
    with pytest.raises(InputError, match=rf"^photo\.png: .*{reason}") as err:
        decode_image(make(png), "photo.png")
    assert "\n" not in str(err.value)


def test_decode_image_rejects_huge_pictures(monkeypatch):
    monkeypatch.setattr(mio, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(InputError, match="20x20 pixels"):
        decode_image(_encode(Image.new("L", (20, 20)), "PNG"), "big.png")


def test_read_bytes_enforces_the_size_limit(monkeypatch):
    monkeypatch.setattr(mio, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InputError, match=r"^big\.txt: the file is .* MB"):
        decode_text(b"a" * 2000, "big.txt")


# ----------------------------------------------------------------------- audio


def test_decode_audio_mono_and_stereo(wav_bytes):
    y, sr = decode_audio(wav_bytes(_tone(0.5), sr=16000), "word.wav")
    assert sr == 16000 and y.shape == (4000,) and y.dtype == np.float32
    assert np.abs(y).max() == pytest.approx(0.5, abs=1e-3)
    y2, _ = decode_audio(wav_bytes(_tone(0.5, channels=2)))
    assert y2.shape == (4000, 2)


def test_decode_audio_flac():
    buf = io.BytesIO()
    sf.write(buf, _tone(0.3), 8000, format="FLAC")
    y, sr = decode_audio(buf.getvalue())
    assert sr == 8000 and len(y) == 2400


@pytest.mark.parametrize(
    "make,reason",
    [
        (lambda wav: b"", "empty"),
        (lambda wav: HTML, "not a sound file"),
        (lambda wav: wav(np.zeros(8000)), "silent"),
        (lambda wav: wav(_tone(31.0)), "31 s; up to 30 s"),
        (lambda wav: wav(_tone(0.5, channels=6)), "6 channels"),
    ],
    ids=["empty", "html-renamed", "silent", "too-long", "six-channels"],
)
def test_decode_audio_rejects_bad_files(make, reason, wav_bytes):
    with pytest.raises(InputError, match=rf"^recording\.wav: .*{reason}") as err:
        decode_audio(make(wav_bytes), "recording.wav")
    message = str(err.value)
    assert "\n" not in message and "BytesIO" not in message  # readable aloud, no Python internals


# ------------------------------------------------------------------------ text


def test_decode_text_utf8_with_bom_and_other_scripts():
    assert decode_text("\ufeff  sieben Tage \n".encode()) == "sieben Tage"
    assert decode_text("七".encode()) == "七"


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        ("Größe".encode("latin-1"), "not UTF-8"),
        (b"abc\x00def", "binary"),
        (("x" * (mio.MAX_TEXT_CHARS + 1)).encode(), "2,001 characters"),
    ],
    ids=["empty", "blank", "latin-1", "binary", "too-long"],
)
def test_decode_text_rejects_bad_files(data, reason):
    with pytest.raises(InputError, match=rf"^note\.txt: .*{reason}"):
        decode_text(data, "note.txt")


def test_modality_of_uses_the_extension():
    assert [modality_of(n) for n in ("a.PNG", "b.jpeg", "c.flac", "d.txt", "e.docx", "noext")] == [
        "image",
        "image",
        "audio",
        "text",
        None,
        None,
    ]
