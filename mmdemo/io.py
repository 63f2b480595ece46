"""Decode user files (image, audio, text) into raw samples, or raise a clear `InputError`.

Content is checked, not the extension: a file is opened by what its bytes are,
and every limit has its own message. Nothing here ever unpickles.
"""

from __future__ import annotations

import io as _io
import warnings
from pathlib import Path

import numpy as np

from mmdemo.errors import InputError

__all__ = [
    "IMAGE_EXTENSIONS",
    "AUDIO_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "MAX_FILE_BYTES",
    "MAX_IMAGE_PIXELS",
    "MAX_AUDIO_SECONDS",
    "MAX_TEXT_CHARS",
    "modality_of",
    "read_bytes",
    "decode_image",
    "decode_audio",
    "decode_text",
]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3")
TEXT_EXTENSIONS = (".txt",)
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 25_000_000
MAX_AUDIO_SECONDS = 30.0
MAX_TEXT_CHARS = 2_000


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


def read_bytes(source: bytes | str | Path, name: str | None = None) -> tuple[bytes, str]:
    """Bytes of ``source`` and a name to show in messages; enforces the size limit."""
    if isinstance(source, (bytes, bytearray)):
        data, label = bytes(source), name or "the uploaded file"
    else:
        path = Path(source)
        label = name or path.name
        if not path.is_file():
            raise InputError(f"{label}: no such file.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(
                f"{label}: the file is {path.stat().st_size / 1e6:.1f} MB; files up to {MAX_FILE_BYTES // 2**20} MB are accepted."
            )
        data = path.read_bytes()
    if not data:
        raise InputError(f"{label}: the file is empty (0 bytes).")
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            f"{label}: the file is {len(data) / 1e6:.1f} MB; files up to {MAX_FILE_BYTES // 2**20} MB are accepted."
        )
    return data, label


def decode_image(source: bytes | str | Path, name: str | None = None) -> np.ndarray:
    """A picture file -> float32 array in [0, 1], shape (H, W) or (H, W, 3).

    Accepts PNG, JPEG, BMP, GIF (first frame) and WebP, judged by content.

    Examples
    --------
    >>> from PIL import Image
    >>> buf = _io.BytesIO(); Image.new("L", (4, 3), 255).save(buf, "PNG")
    >>> decode_image(buf.getvalue()).shape
    (3, 4)
    """
    from PIL import Image, UnidentifiedImageError

    data, label = read_bytes(source, name)
    accepted = "PNG, JPEG, BMP, GIF or WebP"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(_io.BytesIO(data))
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise InputError(
                    f"{label}: the picture is {img.width}x{img.height} pixels; pictures up to "
                    f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels are accepted."
                )
            if img.format not in {"PNG", "JPEG", "BMP", "GIF", "WEBP", "MPO"}:
                raise InputError(f"{label}: this is a {img.format} picture; {accepted} are accepted.")
            img.seek(0)
            img.load()
    except InputError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(f"{label}: this is not a picture mmdemo can read; {accepted} are accepted.") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise InputError(f"{label}: the picture is damaged or cut off ({exc}); {accepted} are accepted.") from None
    if img.mode in {"L", "1", "I", "I;16", "F"}:
        arr = np.asarray(img.convert("L"), dtype=np.float32) / 255.0
    else:
        rgba = img.convert("RGBA")
        arr = np.asarray(rgba, dtype=np.float32) / 255.0
        alpha = arr[..., 3:4]
        arr = arr[..., :3] * alpha + (1 - alpha)  # transparent -> white paper
    if min(arr.shape[:2]) < 2:
        raise InputError(f"{label}: the picture is {arr.shape[1]}x{arr.shape[0]} pixels; it needs at least 2x2.")
    return arr


def decode_audio(source: bytes | str | Path, name: str | None = None) -> tuple[np.ndarray, int]:
    """A sound file -> (float32 samples in [-1, 1], shape (n,) or (n, channels), sample rate).

    Accepts WAV, FLAC and OGG (and MP3 where the installed libsndfile reads it),
    up to 30 seconds; rejects silent, empty and non-finite audio.
    """
    import soundfile as sf

    data, label = read_bytes(source, name)
    accepted = "WAV, FLAC or OGG sound files"
    try:
        info = sf.info(_io.BytesIO(data))
        if info.frames == 0 or info.samplerate <= 0:
            raise InputError(f"{label}: the recording has no samples; a spoken word of 0.2-30 seconds is expected.")
        if info.channels > 2:
            raise InputError(f"{label}: the recording has {info.channels} channels; mono or stereo is accepted.")
        if info.frames / info.samplerate > MAX_AUDIO_SECONDS:
            raise InputError(
                f"{label}: the recording lasts {info.frames / info.samplerate:.0f} s; up to {MAX_AUDIO_SECONDS:.0f} s is accepted."
            )
        y, sr = sf.read(_io.BytesIO(data), dtype="float32", always_2d=False)
    except InputError:
        raise
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError, EOFError) as exc:
        # libsndfile's own message names the BytesIO object; keep only its reason.
        reason = getattr(exc, "error_string", None) or str(exc)
        raise InputError(
            f"{label}: this is not a sound file mmdemo can read ({reason}); {accepted} are accepted."
        ) from None
    if y.size == 0:
        raise InputError(f"{label}: the recording has no samples; a spoken word of 0.2-30 seconds is expected.")
    if not np.isfinite(y).all():
        raise InputError(f"{label}: the recording contains invalid (NaN or infinite) samples.")
    if float(np.abs(y).max()) < 1e-3:
        raise InputError(f"{label}: the recording is silent; speak closer to the microphone and try again.")
    return np.clip(y, -1.0, 1.0), int(sr)


def decode_text(source: bytes | str | Path, name: str | None = None) -> str:
    """A UTF-8 text file -> str (at most 2,000 characters, not empty).

    Examples
    --------
    >>> decode_text("sieben".encode())
    'sieben'
    """
    data, label = read_bytes(source, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{label}: the text is not UTF-8; save it as UTF-8 plain text.") from None
    return check_text(text, label)


def check_text(text: str, label: str = "the text") -> str:
    """Validate typed or decoded text: not empty, not binary, not too long."""
    text = text.strip()
    if not text:
        raise InputError(f"{label}: the text is empty; type a word or a short phrase.")
    if "\x00" in text:
        raise InputError(f"{label}: this looks like a binary file, not plain text.")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"{label}: the text has {len(text):,} characters; up to {MAX_TEXT_CHARS:,} are accepted.")
    return text
