"""Decode user files (image, audio, text) into raw samples, or raise a clear `InputError`.

Every uploaded, recorded or imported file goes through here, in the pages and
the CLI alike. A file is judged by what its bytes are (magic numbers), not by
its name, and every limit has its own message naming the file, what is wrong
and what is accepted. Nothing here ever unpickles.

Decisions
---------
- Pictures: PNG, JPEG, BMP, GIF (first frame) and WebP. The pixel count is
  checked from the header, before any pixel is decoded (decompression bombs).
  16-bit PNGs are scaled to [0, 1] (not clipped), CMYK JPEGs become RGB, the
  EXIF orientation of phone photos is applied, transparency lies on white paper.
- Sound: WAV, FLAC, OGG and MP3 (as the installed libsndfile reads them). The
  duration, channel count and sample rate are checked from the header, before
  the samples are decoded. AIFF, M4A and WebM are refused with their name.
- Text: UTF-8, with or without a byte-order mark, and UTF-16 *with* a
  byte-order mark (what Windows Notepad calls "Unicode"). Latin-1 and UTF-16
  without a byte-order mark are refused with a message saying so: guessing an
  encoding silently turns "Größe" into "GrÃ¶ÃŸe".
"""

from __future__ import annotations

import codecs
import io as _io
import re
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np

from mmdemo.errors import InputError, Message

__all__ = [
    "IMAGE_EXTENSIONS",
    "AUDIO_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "MAX_FILE_BYTES",
    "MAX_IMAGE_PIXELS",
    "MAX_AUDIO_SECONDS",
    "MAX_AUDIO_CHANNELS",
    "SAMPLE_RATE_RANGE",
    "MAX_TEXT_CHARS",
    "KINDS",
    "modality_of",
    "sniff",
    "check_size",
    "read_bytes",
    "decode_file",
    "decode_image",
    "decode_audio",
    "decode_text",
    "check_text",
    "encode_image",
    "encode_audio",
]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3")
TEXT_EXTENSIONS = (".txt",)
MAX_FILE_BYTES = 20 * 1024 * 1024  # = server.maxUploadSize in .streamlit/config.toml
MAX_IMAGE_PIXELS = 25_000_000
MAX_AUDIO_SECONDS = 30.0
MAX_AUDIO_CHANNELS = 2
SAMPLE_RATE_RANGE = (4_000, 384_000)
MAX_TEXT_CHARS = 2_000
SILENCE_PEAK = 1e-3  # -60 dBFS: below this (after removing any DC offset) a recording is silent

_SNIFF_BYTES = 8192
_PIL_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "WEBP")  # JPEG also opens MPO (camera JPEGs)


class Kind(NamedTuple):
    """What a file's content is: its family, whether mmdemo reads it, and a phrase for messages."""

    family: str | None  # "image", "audio", "text", or None (not a sample at all)
    accepted: bool
    description: Message  # with its article: "a PNG picture"
    format: str = ""  # the format's name, for accepted kinds: "PNG"


#: Content kind (as returned by `sniff`) -> family, accepted, description.
KINDS: dict[str, Kind] = {
    "png": Kind("image", True, Message("io.kind.png", "a PNG picture"), "PNG"),
    "jpeg": Kind("image", True, Message("io.kind.jpeg", "a JPEG picture"), "JPEG"),
    "gif": Kind("image", True, Message("io.kind.gif", "a GIF picture"), "GIF"),
    "bmp": Kind("image", True, Message("io.kind.bmp", "a BMP picture"), "BMP"),
    "webp": Kind("image", True, Message("io.kind.webp", "a WebP picture"), "WebP"),
    "tiff": Kind("image", False, Message("io.kind.tiff", "a TIFF picture")),
    "heic": Kind("image", False, Message("io.kind.heic", "a HEIC/AVIF picture, the iPhone photo format")),
    "wav": Kind("audio", True, Message("io.kind.wav", "a WAV sound file"), "WAV"),
    "flac": Kind("audio", True, Message("io.kind.flac", "a FLAC sound file"), "FLAC"),
    "ogg": Kind("audio", True, Message("io.kind.ogg", "an OGG sound file"), "OGG"),
    "mp3": Kind("audio", True, Message("io.kind.mp3", "an MP3 sound file"), "MP3"),
    "aiff": Kind("audio", False, Message("io.kind.aiff", "an AIFF sound file")),
    "mp4": Kind("audio", False, Message("io.kind.mp4", "an MP4/M4A/MOV file, video or phone audio")),
    "webm": Kind("audio", False, Message("io.kind.webm", "a WebM/Matroska recording")),
    "text": Kind("text", True, Message("io.kind.text", "plain text"), "text"),
    "utf16": Kind("text", True, Message("io.kind.utf16", "UTF-16 text"), "UTF-16 text"),
    "html": Kind("text", True, Message("io.kind.html", "an HTML web page"), "HTML"),
    "xml": Kind("text", True, Message("io.kind.xml", "XML/SVG text"), "XML"),
    "utf16-nobom": Kind("text", False, Message("io.kind.utf16_nobom", "UTF-16 text without a byte-order mark")),
    "legacy-text": Kind(
        "text", False, Message("io.kind.legacy_text", "text that is not UTF-8, perhaps Latin-1 or Windows-1252")
    ),
    "zip": Kind(None, False, Message("io.kind.zip", "a zip archive or an Office document")),
    "gzip": Kind(None, False, Message("io.kind.gzip", "a gzip archive")),
    "pdf": Kind(None, False, Message("io.kind.pdf", "a PDF document")),
    "program": Kind(None, False, Message("io.kind.program", "a program (an executable file)")),
    "binary": Kind(None, False, Message("io.kind.binary", "binary data, not a picture, sound or text")),
}

_NOUN = {
    "image": Message("io.noun.image", "a picture"),
    "audio": Message("io.noun.audio", "a sound file"),
    "text": Message("io.noun.text", "text"),
}
_ACCEPTED = {
    "image": Message("io.accepted.image", "PNG, JPEG, BMP, GIF or WebP pictures are accepted"),
    "audio": Message("io.accepted.audio", "WAV, FLAC, OGG or MP3 sound files are accepted"),
    "text": Message("io.accepted.text", "UTF-8 plain text is accepted"),
}
_ANY_ACCEPTED = Message(
    "io.accepted.any",
    "pictures (PNG, JPEG, BMP, GIF, WebP), sound files (WAV, FLAC, OGG, MP3) and UTF-8 text (.txt) are accepted",
)
#: How messages name a file that has no name of its own.
UPLOADED_FILE = Message("io.uploaded_file", "the uploaded file")
THE_TEXT = Message("io.the_text", "the text")


def modality_of(filename: str) -> str | None:
    """The modality a file name's extension announces, or None.

    Examples
    --------
    >>> modality_of("seven.FLAC"), modality_of("notes.docx")
    ('audio', None)
    """
    ext = Path(filename).suffix.lower()
    for mod, exts in (("image", IMAGE_EXTENSIONS), ("audio", AUDIO_EXTENSIONS), ("text", TEXT_EXTENSIONS)):
        if ext in exts:
            return mod
    return None


# --------------------------------------------------------------------- sniffing


_MPEG_BITRATES = {  # kbit/s by bitrate index
    "MPEG-1 layer III": (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    "MPEG-1 layer II": (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    "MPEG-2": (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # and 2.5, layers II and III
}
_MPEG_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mpeg_frame_length(head: bytes, at: int) -> int:
    """Length of the MPEG audio (layer II/III) frame whose header starts at ``at``; 0 if there is none."""
    if len(head) < at + 4 or head[at] != 0xFF or (head[at + 1] & 0xE0) != 0xE0:
        return 0
    version, layer = (head[at + 1] >> 3) & 3, (head[at + 1] >> 1) & 3
    bitrate_index, rate_index, padding = head[at + 2] >> 4, (head[at + 2] >> 2) & 3, (head[at + 2] >> 1) & 1
    if version == 1 or layer not in (1, 2) or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    table = ("MPEG-1 layer III" if layer == 1 else "MPEG-1 layer II") if version == 3 else "MPEG-2"
    bitrate = _MPEG_BITRATES[table][bitrate_index]
    per_frame = 144_000 if version == 3 or layer == 2 else 72_000
    return per_frame * bitrate // _MPEG_RATES[version][rate_index] + padding


def _is_mpeg_audio(head: bytes) -> bool:
    """An ID3 tag, or two MPEG audio frames in a row: one sync pattern alone is too common in random bytes."""
    if head.startswith(b"ID3") and head[3:4] in (b"\x02", b"\x03", b"\x04"):
        return True
    length = _mpeg_frame_length(head, 0)
    return length > 0 and (len(head) < length + 4 or _mpeg_frame_length(head, length) > 0)


def _looks_binary(chunk: bytes | str) -> bool:
    """NUL bytes, or more than 1% control characters that are not whitespace."""
    if not chunk:
        return False
    values = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8", "surrogatepass")
    if 0 in values:
        return True
    controls = sum(1 for b in values if b < 0x20 and b not in b"\t\n\r\x0b\x0c") + values.count(0x7F)
    return controls > 0.01 * len(values)


def _utf16_without_bom(head: bytes) -> bool:
    """ASCII-range text in UTF-16 has a NUL in every other byte."""
    n = len(head) // 2 * 2
    if n < 4:
        return False
    even, odd = head[0:n:2], head[1:n:2]
    return max(odd.count(0), even.count(0)) > 0.5 * (n // 2) and min(odd.count(0), even.count(0)) < 0.1 * (n // 2)


def _sniff_text(head: bytes) -> str:
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return "binary" if _looks_binary(head) else "legacy-text"
    if _looks_binary(text):
        return "utf16-nobom" if _utf16_without_bom(head) else "binary"
    start = text.lstrip().lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "html"
    if start.startswith(("<?xml", "<svg")):
        return "xml"
    return "text"


def sniff(data: bytes) -> str:
    """The kind of content ``data`` holds, judged by its first bytes; a key of `KINDS`.

    Examples
    --------
    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n...."), sniff(b"fLaC...."), sniff("sieben".encode())
    ('png', 'flac', 'text')
    >>> KINDS[sniff(b"<!DOCTYPE html><html>")].description
    'an HTML web page'
    """
    head = bytes(data[:_SNIFF_BYTES])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if (
        head.startswith(b"BM")
        and len(head) >= 18
        and int.from_bytes(head[14:18], "little") in {12, 40, 52, 56, 64, 108, 124}
    ):
        return "bmp"
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if _is_mpeg_audio(head):
        return "mp3"
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[4:8] == b"ftyp":
        return "heic" if head[8:12] in {b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif"} else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")) or (
        head.startswith(b"MZ") and _looks_binary(head)
    ):
        return "program"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    return _sniff_text(head)


def _damaged(label: str, kind: Kind) -> InputError:
    return InputError(
        "io.damaged",
        "{label}: the {format} file is damaged or cut off; {accepted}.",
        label=label,
        format=kind.format,
        accepted=_ACCEPTED[kind.family],
    )


def _expect(data: bytes, label: str, family: str) -> Kind:
    """The kind of ``data``; raise unless it is an accepted kind of ``family``."""
    kind = KINDS[sniff(data)]
    if kind.family != family:
        raise InputError(
            "io.wrong_family",
            "{label}: this is not {noun} (it looks like {kind}); {accepted}.",
            label=label,
            noun=_NOUN[family],
            kind=kind.description,
            accepted=_ACCEPTED[family],
        )
    if not kind.accepted:
        raise InputError(
            "io.unreadable_kind",
            "{label}: this is {kind}, which mmdemo cannot read; {accepted}.",
            label=label,
            kind=kind.description,
            accepted=_ACCEPTED[family],
        )
    return kind


# ------------------------------------------------------------------------ bytes


def check_size(n_bytes: int, label: str) -> None:
    """Raise `InputError` when a file of ``n_bytes`` is over `MAX_FILE_BYTES`."""
    if n_bytes > MAX_FILE_BYTES:
        raise InputError(
            "io.too_big",
            "{label}: the file is {mb:.1f} MB; files up to {limit} MB are accepted.",
            label=label,
            mb=n_bytes / 1e6,
            limit=MAX_FILE_BYTES // 2**20,
        )


def read_bytes(source: bytes | str | Path, name: str | None = None) -> tuple[bytes, str]:
    """Bytes of ``source`` (bytes or a path) and a name to show in messages; enforces the size limit.

    A path's size is checked before it is read.

    Examples
    --------
    >>> read_bytes(b"abc", "a.txt")
    (b'abc', 'a.txt')
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, label = bytes(source), name or UPLOADED_FILE
    else:
        path = Path(source)
        label = name or path.name
        try:
            if not path.is_file():
                raise InputError("io.no_file", "{label}: no such file.", label=label)
            check_size(path.stat().st_size, label)
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(
                "io.unreadable",
                "{label}: the file cannot be read ({reason}).",
                label=label,
                reason=exc.strerror or type(exc).__name__,
            ) from None
    if not data:
        raise InputError("io.empty", "{label}: the file is empty (0 bytes).", label=label)
    check_size(len(data), label)
    return data, label


def decode_file(data: bytes, name: str) -> tuple[str, object]:
    """Decode any accepted file: ``("image", array)``, ``("audio", (samples, rate))`` or ``("text", str)``.

    The extension says what the file should be and the content must agree
    (a WAV named ``.png`` is refused, and the message says what it looks like);
    without a known extension, the content alone decides. Audio comes back at
    its own rate: bring it to a dataset's rate with `mmdemo.features.prepare_audio`.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file's name, shown in messages.

    Returns
    -------
    modality : {"image", "audio", "text"}
    value : ndarray, tuple of (ndarray, int), or str
        The raw sample, as `decode_image`, `decode_audio` or `decode_text` return it.

    Examples
    --------
    >>> decode_file("sieben".encode(), "clue.txt")
    ('text', 'sieben')
    >>> decode_file(b"<!DOCTYPE html><html></html>", "x.png")
    Traceback (most recent call last):
    ...
    mmdemo.errors.InputError: x.png: this is not a picture (it looks like an HTML web page); PNG, JPEG, BMP, GIF or WebP pictures are accepted.
    """
    data, label = read_bytes(data, name)
    kind = KINDS[sniff(data)]
    modality = modality_of(name) or kind.family
    if modality is None:
        raise InputError(
            "io.unusable",
            "{label}: mmdemo cannot use this file (it looks like {kind}); {accepted}.",
            label=label,
            kind=kind.description,
            accepted=_ANY_ACCEPTED,
        )
    decoder = {"image": decode_image, "audio": decode_audio, "text": decode_text}[modality]
    return modality, decoder(data, label)


# ----------------------------------------------------------------------- images


def _check_pixels(width: int, height: int, label: str) -> None:
    if width * height > MAX_IMAGE_PIXELS:
        raise InputError(
            "io.too_many_pixels",
            "{label}: the picture is {width}x{height} pixels ({megapixels:.0f} megapixels); "
            "pictures up to {limit} megapixels are accepted.",
            label=label,
            width=width,
            height=height,
            megapixels=width * height / 1e6,
            limit=MAX_IMAGE_PIXELS // 1_000_000,
        )


def _open_picture(data: bytes, label: str, kind: Kind):
    """Open, check the size from the header, then decode the first frame only."""
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 megapixels; mmdemo's own, lower limit is checked just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(_io.BytesIO(data), formats=_PIL_FORMATS)
        _check_pixels(img.width, img.height, label)
        img.load()
    except InputError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses over 179 megapixels while reading the header; it says how many.
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        if pixels is None:
            raise InputError(
                "io.bomb_unknown",
                "{label}: the picture has far too many pixels; pictures up to {limit} megapixels are accepted.",
                label=label,
                limit=MAX_IMAGE_PIXELS // 1_000_000,
            ) from None
        raise InputError(
            "io.bomb",
            "{label}: the picture has {megapixels:,.0f} megapixels; pictures up to {limit} megapixels are accepted.",
            label=label,
            megapixels=int(pixels.group(1)) / 1e6,
            limit=MAX_IMAGE_PIXELS // 1_000_000,
        ) from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, struct.error, ... on damaged files
        raise _damaged(label, kind) from None
    try:
        return ImageOps.exif_transpose(img)  # phone photos are stored sideways with an EXIF orientation
    except Exception:  # a damaged EXIF block: keep the picture as stored
        return img


def decode_image(source: bytes | str | Path, name: str | None = None) -> np.ndarray:
    """A picture file -> float32 array in [0, 1], shape (H, W) or (H, W, 3).

    Accepts PNG, JPEG, BMP, GIF (first frame) and WebP, judged by content.
    Grey pictures (also 16-bit ones) stay 2-D; colour, CMYK and palette
    pictures become RGB; transparent pixels become white paper.

    Examples
    --------
    >>> from PIL import Image
    >>> buf = _io.BytesIO(); Image.new("L", (4, 3), 255).save(buf, "PNG")
    >>> decode_image(buf.getvalue()).shape
    (3, 4)
    """
    data, label = read_bytes(source, name)
    img = _open_picture(data, label, _expect(data, label, "image"))
    if img.mode.startswith("I") or img.mode == "F":  # 16-bit grey PNG: 0..65535, which convert("L") would clip
        arr = np.clip(np.asarray(img, dtype=np.float32) / 65535.0, 0.0, 1.0)
    else:
        grey = img.mode in {"1", "L", "LA", "La"}
        rgba = np.asarray(img.convert("LA" if grey else "RGBA"), dtype=np.float32) / 255.0
        alpha = rgba[..., -1:]
        arr = rgba[..., :-1] * alpha + (1 - alpha)  # transparent -> white paper
        if grey:
            arr = arr[..., 0]
    if min(arr.shape[:2]) < 2:
        raise InputError(
            "io.too_small",
            "{label}: the picture is {width}x{height} pixels; it needs at least 2x2.",
            label=label,
            width=arr.shape[1],
            height=arr.shape[0],
        )
    return arr.astype(np.float32)


# ------------------------------------------------------------------------ audio


def decode_audio(source: bytes | str | Path, name: str | None = None) -> tuple[np.ndarray, int]:
    """A sound file -> (float32 samples in [-1, 1], shape (n,) or (n, channels); sample rate).

    Accepts WAV, FLAC, OGG and MP3 (as the installed libsndfile reads them),
    mono or stereo, up to 30 seconds, at 4 to 384 kHz; the header is checked
    before the samples are decoded. Rejects empty, silent and non-finite audio.
    A WAV cut off in its data part gives the samples that are there.

    Examples
    --------
    >>> import soundfile as sf
    >>> buf = _io.BytesIO(); sf.write(buf, 0.5 * np.sin(np.arange(800) / 3), 8000, format="WAV")
    >>> y, sr = decode_audio(buf.getvalue(), "beep.wav"); y.shape, sr
    ((800,), 8000)
    """
    import soundfile as sf

    data, label = read_bytes(source, name)
    kind = _expect(data, label, "audio")
    no_samples = Message(
        "io.no_samples",
        "{label}: the recording has no samples; a spoken word of 0.2-30 seconds is expected.",
        label=label,
    )
    try:
        info = sf.info(_io.BytesIO(data))
        if info.frames <= 0:
            raise InputError(no_samples)
        if info.channels > MAX_AUDIO_CHANNELS:
            raise InputError(
                "io.channels",
                "{label}: the recording has {channels} channels; mono or stereo is accepted.",
                label=label,
                channels=info.channels,
            )
        low, high = SAMPLE_RATE_RANGE
        if not low <= info.samplerate <= high:
            raise InputError(
                "io.sample_rate",
                "{label}: the sample rate is {rate:,} Hz; rates from {low:,} to {high:,} Hz are accepted.",
                label=label,
                rate=info.samplerate,
                low=low,
                high=high,
            )
        if info.frames / info.samplerate > MAX_AUDIO_SECONDS:
            raise InputError(
                "io.too_long",
                "{label}: the recording lasts {seconds:.0f} s; up to {limit:.0f} s is accepted.",
                label=label,
                seconds=info.frames / info.samplerate,
                limit=MAX_AUDIO_SECONDS,
            )
        y, sr = sf.read(_io.BytesIO(data), dtype="float32", always_2d=False)
    except InputError:
        raise
    except Exception:  # libsndfile's own reasons ("psf_fseek() failed") mean nothing to a teacher
        raise _damaged(label, kind) from None
    if y.size == 0:
        raise InputError(no_samples)
    if not np.isfinite(y).all():
        raise InputError(
            "io.not_finite", "{label}: the recording contains invalid (NaN or infinite) samples.", label=label
        )
    if float(np.abs(y - y.mean(axis=0)).max()) < SILENCE_PEAK:
        raise InputError(
            "io.silent", "{label}: the recording is silent; speak closer to the microphone and try again.", label=label
        )
    return np.clip(y, -1.0, 1.0), int(sr)


# ------------------------------------------------------------------------- text


def decode_text(source: bytes | str | Path, name: str | None = None) -> str:
    """A UTF-8 text file -> str (at most 2,000 characters, not empty, not binary).

    UTF-8 with or without a byte-order mark and UTF-16 with one are read;
    other encodings are refused with a message saying what to do.

    Examples
    --------
    >>> decode_text("sieben".encode())
    'sieben'
    >>> decode_text("Größe".encode("latin-1"), "note.txt")
    Traceback (most recent call last):
    ...
    mmdemo.errors.InputError: note.txt: the text is not UTF-8 (it looks like Latin-1 or Windows-1252); save it as UTF-8 plain text.
    """
    data, label = read_bytes(source, name)
    kind = sniff(data)
    if kind == "legacy-text":
        raise InputError(
            "io.latin1",
            "{label}: the text is not UTF-8 (it looks like Latin-1 or Windows-1252); save it as UTF-8 plain text.",
            label=label,
        )
    if kind == "utf16-nobom":
        raise InputError(
            "io.utf16_no_bom",
            "{label}: the text is UTF-16 without a byte-order mark; save it as UTF-8 plain text.",
            label=label,
        )
    _expect(data, label, "text")
    try:
        text = data.decode("utf-16") if kind == "utf16" else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            "io.bad_byte",
            "{label}: the text is not UTF-8 (byte {at:,} cannot be read); save it as UTF-8 plain text.",
            label=label,
            at=exc.start,
        ) from None
    return check_text(text, label)


def check_text(text: str, label: str = THE_TEXT) -> str:
    """Validate typed or decoded text: not empty, not binary, not too long; returns it stripped.

    Examples
    --------
    >>> check_text("  seven ")
    'seven'
    """
    text = text.strip()
    if not text:
        raise InputError("io.empty_text", "{label}: the text is empty; type a word or a short phrase.", label=label)
    if _looks_binary(text):
        raise InputError("io.binary_text", "{label}: this looks like a binary file, not plain text.", label=label)
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            "io.long_text",
            "{label}: the text has {n:,} characters; up to {limit:,} are accepted.",
            label=label,
            n=len(text),
            limit=MAX_TEXT_CHARS,
        )
    return text


# --------------------------------------------------------------------- encoding


def encode_image(image: np.ndarray) -> bytes:
    """A raw image (float in [0, 1], (H, W) or (H, W, 3)) -> PNG bytes, 8 bits per channel.

    Examples
    --------
    >>> img = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    >>> float(np.abs(decode_image(encode_image(img)) - img).max()) <= 0.5 / 255
    True
    """
    from PIL import Image

    pixels = (np.clip(np.asarray(image, dtype=np.float64), 0, 1) * 255).round().astype(np.uint8)
    buf = _io.BytesIO()
    Image.fromarray(pixels).save(buf, "PNG")
    return buf.getvalue()


def encode_audio(samples: np.ndarray, sample_rate: int) -> bytes:
    """Raw audio (float in [-1, 1]) -> 16-bit FLAC bytes at ``sample_rate``.

    Examples
    --------
    >>> y = np.sin(np.arange(800) / 5).astype(np.float32) * 0.9
    >>> z, sr = decode_audio(encode_audio(y, 8000)); sr, float(np.abs(z - y).max()) < 1 / 2**15
    (8000, True)
    """
    import soundfile as sf

    buf = _io.BytesIO()
    sf.write(
        buf, np.clip(np.asarray(samples, dtype=np.float32), -1, 1), int(sample_rate), format="FLAC", subtype="PCM_16"
    )
    return buf.getvalue()
