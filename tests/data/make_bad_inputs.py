"""Make the corpus of malformed, hostile and odd-but-valid inputs in ``tests/data/bad/`` (deterministic).

Usage::

    python tests/data/make_bad_inputs.py            # rewrite tests/data/bad/ and its MANIFEST.md
    python tests/data/make_bad_inputs.py --big DIR  # also make the big cases, into DIR

Every committed file is under 1 MB: the inherently big cases are made small by
construction (an hour of digital silence as FLAC is 90 kB, a 20000x20000
1-bit PNG of zeros 50 kB, zip bombs of zeros a few hundred kB). The two that
cannot be small (a 10 MB text, a 21 MB file) are marked ``big``: they are not
committed, and the tests make them on demand into a temporary folder
(``big_bad_inputs`` fixture in tests/core/test_bad_inputs.py).

`CASES` is the single list the tests, the MANIFEST and this script share.
"""

from __future__ import annotations

import argparse
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
DATE = (1980, 1, 1, 0, 0, 0)
SR = 8000


@dataclass(frozen=True)
class Case:
    """One file of the corpus.

    ``use`` says how a user hands it in (``image``/``audio`` -> ``predict
    --image/--audio``, ``text`` -> a text upload, ``zip`` -> ``train
    --data-dir``). ``expect`` is a phrase the error of `mmdemo.io.decode_file`
    (for zips: `mmdemo.datasets.load_zip`) contains, or None when the file
    decodes/loads. ``cli`` is the phrase of the CLI's one error line, or None
    when the command succeeds. ``problem`` is a phrase of the problems list
    for zips that load.
    """

    name: str
    what: str
    use: str
    expect: str | None
    make: Callable[[], bytes]
    cli: str | None = None
    problem: str | None = None
    big: bool = False

    @property
    def cli_expect(self) -> str | None:
        return self.cli if self.cli is not None else self.expect


# ----------------------------------------------------------------------- makers


def _pil(image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kw)
    return buf.getvalue()


def _picture():
    """A 24x24 RGB picture: a dark square on white, deterministic."""
    from PIL import Image

    arr = np.full((24, 24, 3), 255, np.uint8)
    arr[6:18, 8:16] = (20, 20, 40)
    return Image.fromarray(arr)


def _png_bytes() -> bytes:
    return _pil(_picture(), "PNG")


def _jpeg_bytes() -> bytes:
    return _pil(_picture().resize((96, 96)), "JPEG", quality=90)


def _png_raw(width: int, height: int, bit_depth: int, colour_type: int, row: bytes) -> bytes:
    """A PNG written by hand, every row the same (filter byte + ``row``): huge pictures stay small."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    line = b"\x00" + row
    idat = b"".join(packer.compress(line) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _blank_png(size: int) -> bytes:
    return _png_raw(size, size, 1, 0, b"\x00" * (-(-size // 8)))


def _grey16_png() -> bytes:
    ramp = np.linspace(0, 65535, 32).astype(">u2")  # big-endian, as PNG stores 16-bit samples
    return _png_raw(32, 16, 16, 0, ramp.tobytes())


def _rgb16_png() -> bytes:
    pixel = np.array([60000, 8000, 8000], dtype=">u2")  # red
    return _png_raw(16, 16, 16, 2, np.tile(pixel, 16).tobytes())


def _cmyk_jpeg() -> bytes:
    from PIL import Image

    return _pil(Image.new("CMYK", (32, 24), (0, 255, 255, 0)), "JPEG", quality=95)  # red in CMYK


def _exif_rotated_jpeg() -> bytes:
    """A 40x20 landscape as stored by a phone, with EXIF orientation 6 (rotate 90° clockwise to view)."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6
    return _pil(Image.new("RGB", (40, 20), (200, 200, 200)), "JPEG", exif=exif.tobytes())


def _gif_many_frames() -> bytes:
    from PIL import Image

    rng = np.random.default_rng(0)
    first = np.full((16, 16), 255, np.uint8)
    first[4:12, 4:12] = 0
    frames = [Image.fromarray(first)] + [
        Image.fromarray(rng.integers(0, 256, (16, 16), dtype=np.uint8)) for _ in range(59)
    ]
    return _pil(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=40, loop=0)


def _tiff() -> bytes:
    return _pil(_picture(), "TIFF")


def _sound(y: np.ndarray, sr: int = SR, fmt: str = "WAV", subtype: str | None = "PCM_16") -> bytes:
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, y, sr, format=fmt, subtype=subtype)
    return buf.getvalue()


def _tone(seconds: float = 0.5, sr: int = SR, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _wav() -> bytes:
    return _sound(_tone())


def _flac() -> bytes:
    return _sound(_tone(), fmt="FLAC")


def _float_wav(bad: float) -> bytes:
    y = _tone()
    y[1000:1010] = bad
    data = _sound(y, subtype="FLOAT")
    peak = data.index(b"PEAK")  # libsndfile stamps the time into its PEAK chunk: zero it
    return data[: peak + 12] + bytes(4) + data[peak + 16 :]


def _one_hour_flac() -> bytes:
    import soundfile as sf

    buf = io.BytesIO()
    with sf.SoundFile(buf, "w", SR, 1, format="FLAC", subtype="PCM_16") as f:
        minute = np.zeros(SR * 60, dtype=np.int16)
        for _ in range(60):
            f.write(minute)
    return buf.getvalue()


def _zip(members: list[tuple[str, bytes]], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=DATE)
            info.create_system = 3
            info.external_attr = ((0o40755 << 16) | 0x10) if name.endswith("/") else (0o100644 << 16)
            zf.writestr(info, data, compress_type=method)
    return buf.getvalue()


def _texts(*paths: str) -> list[tuple[str, bytes]]:
    return [(p, f"sample {p}".encode()) for p in paths]


def _symlink_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("cat/a.txt", date_time=DATE), "meow")
        link = zipfile.ZipInfo("cat/b.txt", date_time=DATE)
        link.create_system = 3
        link.external_attr = 0o120777 << 16  # S_IFLNK: unzip would create a link to /etc/passwd
        zf.writestr(link, "/etc/passwd")
    return buf.getvalue()


def _bomb_zip(n_members: int, megabytes: int) -> bytes:
    zeros = bytes(megabytes * 2**20)
    return _zip([(f"cat/{i}.wav", zeros) for i in range(n_members)])


def _bad_crc_zip() -> bytes:
    raw = _zip([("cat/a.txt", b"meow meow"), ("dog/b.txt", b"woof woof")], method=zipfile.ZIP_STORED)
    return raw.replace(b"meow meow", b"meow woof").replace(b"woof woof", b"woof meow")


def _crc_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return table


def _zipcrypto(plain: bytes, password: bytes, crc: int) -> bytes:
    """Traditional PKWARE encryption (APPNOTE 6.1): a 12-byte header, then the data; what `unzip -P` reads."""
    table = _crc_table()
    keys = [0x12345678, 0x23456789, 0x34567890]

    def update(byte: int) -> None:
        keys[0] = (keys[0] >> 8) ^ table[(keys[0] ^ byte) & 0xFF]
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = (keys[2] >> 8) ^ table[(keys[2] ^ (keys[1] >> 24)) & 0xFF]

    for b in password:
        update(b)
    out = bytearray()
    for p in bytes(range(11)) + bytes([crc >> 24]) + plain:
        k = (keys[2] | 2) & 0xFFFF
        out.append(p ^ (((k * (k ^ 1)) >> 8) & 0xFF))
        update(p)
    return bytes(out)


def _encrypted_zip() -> bytes:
    """One stored member encrypted with the password "secret", written by hand (zipfile cannot encrypt)."""
    name, plain = b"cat/a.txt", b"meow"
    crc = zlib.crc32(plain)
    data = _zipcrypto(plain, b"secret", crc)
    fields = (20, 0x1, 0, 0, 0x21, crc, len(data), len(plain), len(name))  # version, flags, stored, time, date
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name + data
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0o100644 << 16, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)
    return local + central + end


def _odd_places_zip() -> bytes:
    rows = [("mydata/", b""), ("mydata/cat/", b""), ("mydata/dog/", b"")]
    rows += _texts(*(f"mydata/{c}/{i}.txt" for c in ("cat", "dog") for i in range(1, 4)))
    rows += [
        ("__MACOSX/mydata/cat/._1.txt", b"\x00\x05\x16\x07 resource fork"),
        ("mydata/.DS_Store", b"\x00\x00\x00\x01Bud1"),
        ("mydata/cat/Thumbs.db", b"\xd0\xcf\x11\xe0"),
        ("mydata/README.txt", b"my cats and dogs"),
        ("mydata/dog/old/4.txt", b"an older dog"),
        ("mydata/dog/notes.docx", b"PK\x03\x04 not really"),
    ]
    return _zip(rows)


def _too_many_zip() -> bytes:
    return _zip([(f"c{i % 2}/{i:05d}.txt", b"x") for i in range(5001)], method=zipfile.ZIP_STORED)


HTML = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Page not found</body></html>\n"

# ------------------------------------------------------------------------ cases

CASES: list[Case] = [
    # pictures
    Case("empty.png", "zero bytes", "image", "empty (0 bytes)", lambda: b""),
    Case(
        "truncated.png",
        "a PNG cut in half",
        "image",
        "damaged or cut off",
        lambda: _png_bytes()[: len(_png_bytes()) // 2],
    ),
    Case(
        "signature-only.png",
        "the 8-byte PNG signature and nothing else",
        "image",
        "damaged or cut off",
        lambda: _png_bytes()[:8],
    ),
    Case(
        "truncated.jpg",
        "a JPEG cut in half",
        "image",
        "damaged or cut off",
        lambda: _jpeg_bytes()[: len(_jpeg_bytes()) // 2],
    ),
    Case(
        "wav-named.png", "a WAV sound file named .png", "image", "not a picture (it looks like a WAV sound file)", _wav
    ),
    Case(
        "html-named.png",
        "a 404 web page saved as .png",
        "image",
        "not a picture (it looks like an HTML web page)",
        lambda: HTML,
    ),
    Case(
        "text-named.jpg",
        "plain text named .jpg",
        "image",
        "not a picture (it looks like plain text)",
        lambda: b"a cat, honest\n",
    ),
    Case("tiff-named.png", "a TIFF picture named .png", "image", "TIFF picture, which mmdemo cannot read", _tiff),
    Case(
        "heic-named.jpg",
        "the header of an iPhone HEIC photo named .jpg",
        "image",
        "HEIC/AVIF picture",
        lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64),
    ),
    Case(
        "huge-20000x20000.png",
        "a 20000x20000 1-bit PNG (decompression bomb: 400 megapixels, 50 kB)",
        "image",
        "400 megapixels",
        lambda: _blank_png(20000),
    ),
    Case(
        "big-6000x6000.png",
        "a 6000x6000 1-bit PNG (36 megapixels, over the 25 limit)",
        "image",
        "6000x6000 pixels",
        lambda: _blank_png(6000),
    ),
    Case("one-pixel-high.png", "a 40x1 picture", "image", "at least 2x2", lambda: _png_raw(40, 1, 8, 0, bytes(40))),
    Case(
        "many-frames.gif", "a 60-frame animated GIF (valid: the first frame is used)", "image", None, _gif_many_frames
    ),
    Case("cmyk.jpg", "a CMYK JPEG, red (valid: becomes RGB)", "image", None, _cmyk_jpeg),
    Case("grey-16bit.png", "a 16-bit grey ramp (valid: scaled, not clipped)", "image", None, _grey16_png),
    Case("rgb-16bit.png", "a 16-bit RGB red picture (valid)", "image", None, _rgb16_png),
    Case(
        "exif-rotated.jpg",
        "a phone photo stored sideways, EXIF orientation 6 (valid: turned upright)",
        "image",
        None,
        _exif_rotated_jpeg,
    ),
    # sound
    Case("empty.wav", "zero bytes", "audio", "empty (0 bytes)", lambda: b""),
    Case("empty.flac", "zero bytes", "audio", "empty (0 bytes)", lambda: b""),
    Case(
        "header-cut.wav", "a WAV cut inside its header (40 bytes)", "audio", "damaged or cut off", lambda: _wav()[:40]
    ),
    Case(
        "data-cut.wav",
        "a WAV cut in the middle of its samples (valid: the part that is there)",
        "audio",
        None,
        lambda: _wav()[: len(_wav()) // 2],
    ),
    Case("truncated.flac", "a FLAC cut in half", "audio", "damaged or cut off", lambda: _flac()[: len(_flac()) // 2]),
    Case(
        "png-named.wav",
        "a PNG picture named .wav",
        "audio",
        "not a sound file (it looks like a PNG picture)",
        _png_bytes,
    ),
    Case(
        "html-named.wav",
        "a web page named .wav",
        "audio",
        "not a sound file (it looks like an HTML web page)",
        lambda: HTML,
    ),
    Case(
        "aiff-named.wav",
        "an AIFF sound file named .wav",
        "audio",
        "AIFF sound file, which mmdemo cannot read",
        lambda: _sound(_tone(), fmt="AIFF"),
    ),
    Case(
        "webm-named.wav",
        "the header of a browser WebM recording named .wav",
        "audio",
        "WebM/Matroska recording",
        lambda: b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + bytes(64),
    ),
    Case(
        "one-hour.flac",
        "an hour of silence (90 kB): refused on its length before decoding",
        "audio",
        "lasts 3600 s; up to 30 s",
        _one_hour_flac,
    ),
    Case(
        "zero-samples.wav",
        "a valid WAV header with no samples",
        "audio",
        "has no samples",
        lambda: _sound(np.zeros(0, np.float32)),
    ),
    Case("silent.wav", "one second of digital silence", "audio", "silent", lambda: _sound(np.zeros(SR, np.float32))),
    Case(
        "dc-offset.wav",
        "one second of a constant 0.5 (no sound, only an offset)",
        "audio",
        "silent",
        lambda: _sound(np.full(SR, 0.5, np.float32)),
    ),
    Case("nan.wav", "a 32-bit float WAV with NaN samples", "audio", "NaN or infinite", lambda: _float_wav(np.nan)),
    Case("inf.wav", "a 32-bit float WAV with infinite samples", "audio", "NaN or infinite", lambda: _float_wav(np.inf)),
    Case(
        "six-channels.wav",
        "a 5.1 (6-channel) WAV",
        "audio",
        "6 channels",
        lambda: _sound(np.tile(_tone()[:, None], (1, 6))),
    ),
    Case(
        "rate-100hz.wav",
        "a WAV at 100 samples per second",
        "audio",
        "sample rate is 100 Hz",
        lambda: _sound(_tone(2.0, sr=100, freq=10), sr=100),
    ),
    Case("tone.mp3", "a half-second MP3 (valid)", "audio", None, lambda: _sound(_tone(), fmt="MP3", subtype=None)),
    # text
    Case("empty.txt", "zero bytes", "text", "empty (0 bytes)", lambda: b""),
    Case("blank.txt", "only spaces and newlines", "text", "the text is empty", lambda: b"  \n\t\n  "),
    Case("latin1.txt", "Latin-1 text (not UTF-8)", "text", "not UTF-8", lambda: "Größe: fünf Äpfel".encode("latin-1")),
    Case(
        "utf16-no-bom.txt",
        "UTF-16 little-endian text without a byte-order mark",
        "text",
        "UTF-16 without a byte-order mark",
        lambda: "seven days a week".encode("utf-16-le"),
    ),
    Case(
        "utf16-bom.txt",
        "UTF-16 text with a byte-order mark, as Notepad saves 'Unicode' (valid)",
        "text",
        None,
        lambda: "Größe sieben".encode("utf-16"),
    ),
    Case(
        "binary-junk.txt",
        "4 kB of random bytes named .txt",
        "text",
        "binary data",
        lambda: np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
    ),
    Case(
        "nul-in-text.txt",
        "UTF-8 letters with NUL bytes in between",
        "text",
        "binary data",
        lambda: b"abc\x00def\x00ghi",
    ),
    Case("png-named.txt", "a PNG picture named .txt", "text", "not text (it looks like a PNG picture)", _png_bytes),
    Case("too-long.txt", "2,001 characters", "text", "2,001 characters; up to 2,000", lambda: b"x" * 2001),
    Case(
        "ten-megabytes.txt",
        "10 MB of text (big: made on demand)",
        "text",
        "10,485,760 characters; up to 2,000",
        lambda: b"seven " * (10 * 2**20 // 6) + b"x" * (10 * 2**20 % 6),
        big=True,
    ),
    Case(
        "over-20mb.png",
        "a 21 MB file (big: made on demand)",
        "image",
        "files up to 20 MB",
        lambda: _png_bytes() + bytes(21 * 2**20),
        big=True,
    ),
    # zips
    Case(
        "zip-slip.zip",
        "a member named ../evil.txt (zip-slip)",
        "zip",
        "points outside the archive",
        lambda: _zip([("cat/a.txt", b"meow"), ("../evil.txt", b"owned")]),
    ),
    Case(
        "zip-slip-backslash.zip",
        "a member named ..\\evil.txt (Windows zip-slip)",
        "zip",
        "points outside the archive",
        lambda: _zip([("cat/a.txt", b"meow"), ("..\\evil.txt", b"owned")]),
    ),
    Case(
        "zip-absolute.zip",
        "a member named /tmp/evil.txt",
        "zip",
        "absolute path",
        lambda: _zip([("cat/a.txt", b"meow"), ("/tmp/evil.txt", b"owned")]),
    ),
    Case("zip-symlink.zip", "a member that is a symbolic link to /etc/passwd", "zip", "symbolic link", _symlink_zip),
    Case(
        "zip-bomb.zip",
        "one member of 60 MB of zeros packed ~1000:1",
        "zip",
        "possible zip bomb",
        lambda: _bomb_zip(1, 60),
    ),
    Case(
        "zip-huge-total.zip",
        "five members of 45 MB of zeros: 225 MB unpacked",
        "zip",
        "MB unpacked; up to 200 MB",
        lambda: _bomb_zip(5, 45),
    ),
    Case("zip-too-many.zip", "5,001 members", "zip", "5,001 files and folders; up to 5,000", _too_many_zip),
    Case(
        "zip-truncated.zip",
        "a zip cut in half (no central directory)",
        "zip",
        "damaged or cut off",
        lambda: _odd_places_zip()[: len(_odd_places_zip()) // 2],
    ),
    Case(
        "zip-encrypted.zip",
        "a member encrypted with a password (ZipCrypto)",
        "zip",
        "password-protected",
        _encrypted_zip,
    ),
    Case(
        "zip-not-a-zip.zip",
        "a PNG picture named .zip",
        "zip",
        "not a zip archive (it looks like a PNG picture)",
        _png_bytes,
    ),
    Case("zip-empty.zip", "a valid zip with no members", "zip", "no class folders", lambda: _zip([])),
    Case(
        "zip-only-junk.zip",
        "only __MACOSX/, .DS_Store and a file at the top",
        "zip",
        "no class folders",
        lambda: _zip([("__MACOSX/._a.txt", b"\x00\x05"), (".DS_Store", b"Bud1"), ("a.txt", b"hello")]),
    ),
    Case(
        "zip-bad-crc.zip", "members whose bytes do not match their CRC", "zip", "damaged inside the zip", _bad_crc_zip
    ),
    Case(
        "zip-empty-classes.zip",
        "two empty class folders and one class with 2 samples (loads; training needs 2 classes)",
        "zip",
        None,
        lambda: _zip([("empty1/", b""), ("empty2/", b""), *_texts("cat/a.txt", "cat/b.txt")]),
        cli="at least two classes with samples; the data has only cat",
        problem="class empty1 has no readable samples",
    ),
    Case(
        "zip-one-class.zip",
        "one class holding one sample (loads; training needs 2 classes)",
        "zip",
        None,
        lambda: _zip(_texts("cats/a.txt")),
        cli="at least two classes with samples; the data has only cats",
    ),
    Case(
        "zip-one-sample-class.zip",
        "two classes, one with a single sample (loads; training needs 2 per class)",
        "zip",
        None,
        lambda: _zip(_texts("cat/a.txt", "cat/b.txt", "dog/c.txt")),
        cli="dog has only 1",
    ),
    Case(
        "zip-odd-places.zip",
        "a valid dataset in mydata/ with __MACOSX/, .DS_Store, Thumbs.db, a top file, a nested folder, a .docx (trains)",
        "zip",
        None,
        _odd_places_zip,
        problem="mydata/dog/old/: skipped",
    ),
]


def write_cases(out: Path, *, big: bool = False) -> list[Path]:
    """Write the cases (the big ones only when ``big``) into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in CASES:
        if case.big == big:
            path = out / case.name
            path.write_bytes(case.make())
            paths.append(path)
    return paths


def manifest() -> str:
    """MANIFEST.md: each file, what it is, and the phrase its message contains."""
    lines = [
        "# Malformed, hostile and odd inputs",
        "",
        "Made by `python tests/data/make_bad_inputs.py` (deterministic); do not edit by hand.",
        "Files marked *big* are not committed: the tests make them on demand into a temporary folder.",
        "",
        "*expected message*: a phrase of the `InputError`/`DatasetError` of `mmdemo.io.decode_file`",
        "(zips: `mmdemo.datasets.load_zip`), or **decodes**/**loads**. *CLI*: a phrase of the one error",
        "line of `predict --image/--audio FILE` (zips: `train --data-dir ZIP`), exit status 2; **exit 0**",
        "when the command succeeds; text files have no CLI option and are checked through `decode_file`.",
        "",
        "| file | what it is | expected message | CLI |",
        "| --- | --- | --- | --- |",
    ]
    for c in CASES:
        expect = f"`{c.expect}`" if c.expect else ("**loads**" if c.use == "zip" else "**decodes**")
        if c.problem:
            expect += f"; problems list: `{c.problem}`"
        cli = "—" if c.use == "text" else (f"`{c.cli_expect}`" if c.cli_expect else "**exit 0**")
        name = f"{c.name} (*big*)" if c.big else c.name
        lines.append(f"| {name} | {c.what.replace('|', '/')} | {expect} | {cli} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=BAD, help="where to write the committed cases (default: %(default)s)"
    )
    parser.add_argument("--big", type=Path, metavar="DIR", help="also write the big cases into DIR")
    args = parser.parse_args()
    paths = write_cases(args.out)
    (args.out / "MANIFEST.md").write_text(manifest(), encoding="utf-8")
    if args.big:
        paths += write_cases(args.big, big=True)
    print(f"{len(paths)} files, largest {max(p.stat().st_size for p in paths):,} bytes")


if __name__ == "__main__":
    main()
