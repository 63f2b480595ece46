"""Input widgets: upload, camera, microphone, drawing canvas and typing -> raw samples.

Every file goes through `mmdemo.io`; a bad one shows `st.error` with the
reason and returns None, so the page (and the session's data) carries on.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from mmdemo.errors import InputError
from mmdemo.io import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, check_text, decode_audio, decode_image
from mmdemo.ui.i18n import say, t

__all__ = ["image_input", "audio_input", "text_input", "drawn_image", "sample_inputs"]

_IMAGE_TYPES = [e.lstrip(".") for e in IMAGE_EXTENSIONS]
_AUDIO_TYPES = [e.lstrip(".") for e in AUDIO_EXTENSIONS]


def _refused(exc: InputError, problems: list[str] | None) -> None:
    """Say why an input was refused (and note it in ``problems``)."""
    st.error(say(exc.message), icon="⚠️")
    if problems is not None:
        problems.append(say(exc.message))


def _decoded(decoder, uploaded, problems: list[str] | None = None):
    """Decode an UploadedFile with ``decoder``; say why and return None when it fails."""
    if uploaded is None:
        return None
    try:
        return decoder(uploaded.getvalue(), uploaded.name)
    except InputError as exc:
        _refused(exc, problems)
        return None


def drawn_image(key: str) -> np.ndarray | None:
    """A canvas to draw a digit with the mouse or a finger; None until something is drawn."""
    from streamlit_drawable_canvas import st_canvas

    result = st_canvas(
        # Checked against MNIST's pen (~3 px of a 28x28 digit): `prepare_image` brings any stroke to that
        # width, and of 16, 22 and 28 px pens here 22 read held-out drawings best (0.965 / 0.975 / 0.965).
        stroke_width=22,
        stroke_color="#000000",
        background_color="#ffffff",
        height=280,
        width=280,
        drawing_mode="freedraw",
        return_image_data=True,
        key=key,
    )
    data = result.image_data if result is not None else None
    if data is None:
        return None
    img = np.asarray(data, dtype=np.float32) / 255.0
    rgb = img[..., :3] if img.ndim == 3 else img
    if float(rgb.min()) > 0.9:  # nothing drawn yet: a blank white canvas
        return None
    return rgb


def _source_name(source: str) -> str:
    """How a source option ("Upload", "Camera", "Draw", "Record") is shown."""
    return t(f"inputs.source.{source.lower()}")


def image_input(
    key: str,
    *,
    sources: tuple[str, ...] = ("Upload", "Camera", "Draw"),
    problems: list[str] | None = None,
    what: str | None = None,
) -> np.ndarray | None:
    """Pick how to give a picture, then give it; returns float32 in [0, 1] or None.
    A picture that cannot be read is said on the page, and noted in ``problems``. ``what`` names the thing
    to draw (default: a digit)."""
    source = st.segmented_control(
        t("inputs.picture_from"), sources, default=sources[0], format_func=_source_name, key=f"{key}_source"
    )
    if source == "Camera":
        return _decoded(decode_image, st.camera_input(t("inputs.camera"), key=f"{key}_camera"), problems)
    if source == "Draw":
        st.caption(t("inputs.draw_caption") if what is None else t("inputs.draw_what", what=what))
        return drawn_image(f"{key}_canvas")
    upload = st.file_uploader(t("inputs.upload_picture"), type=_IMAGE_TYPES, key=f"{key}_upload")
    return _decoded(decode_image, upload, problems)


def audio_input(
    key: str, *, problems: list[str] | None = None, what: str | None = None
) -> tuple[np.ndarray, int] | None:
    """Record with the microphone or upload a sound file; returns (samples, rate) or None.
    A sound that cannot be read is said on the page, and noted in ``problems``. ``what`` names the word to
    say (default: a digit)."""
    source = st.segmented_control(
        t("inputs.sound_from"), ["Record", "Upload"], default="Record", format_func=_source_name, key=f"{key}_source"
    )
    if source == "Upload":
        return _decoded(
            decode_audio,
            st.file_uploader(t("inputs.upload_sound"), type=_AUDIO_TYPES, key=f"{key}_upload"),
            problems,
        )
    if what is None:
        return _decoded(decode_audio, st.audio_input(t("inputs.record"), key=f"{key}_record"), problems)
    st.caption(t("inputs.say_what", what=what))  # a caption: the recorder's own label stays, and so does its take
    return _decoded(decode_audio, st.audio_input(t("inputs.record_word"), key=f"{key}_record"), problems)


def text_input(key: str, *, placeholder: str | None = None, problems: list[str] | None = None) -> str | None:
    """A short text; None when empty, an error message (noted in ``problems``) when it is not acceptable."""
    text = st.text_input(
        t("inputs.text"),
        key=key,
        placeholder=t("inputs.text_placeholder") if placeholder is None else placeholder,
        max_chars=2000,
    )
    if not text or not text.strip():
        return None
    try:
        return check_text(text)
    except InputError as exc:
        _refused(exc, problems)
        return None


def sample_inputs(
    prefix: str, nonce: int, *, sources: tuple[str, ...], placeholder: str, what: str
) -> tuple[dict, list[str]]:
    """A picture, a recording and a text side by side, for one multimodal sample of ``what`` (a label).

    Returns (modality -> value or None, why each given input that could not be read was refused); a
    caller saves nothing while the second is not empty, so a bad file is never silently left out.
    Keys are ``<prefix>_image_<nonce>``, ``<prefix>_audio_<nonce>``, ``<prefix>_text_<nonce>``: a new
    ``nonce`` clears them (after the sample is saved).
    """
    problems: list[str] = []
    cols = st.columns([3, 2, 2])  # the drawing canvas is 280 px wide
    with cols[0]:
        image = image_input(f"{prefix}_image_{nonce}", sources=sources, problems=problems, what=what)
    with cols[1]:
        audio = audio_input(f"{prefix}_audio_{nonce}", problems=problems, what=what)
    with cols[2]:
        text = text_input(f"{prefix}_text_{nonce}", placeholder=placeholder, problems=problems)
    return {"image": image, "audio": audio, "text": text}, problems
