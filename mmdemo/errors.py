"""Exceptions mmdemo raises, each carrying a message a teacher could read aloud, in any of the app's languages.

A message is a `Message`: the English sentence itself (a `str`), plus the
catalogue key and the parameters it was made from, so the app can say it in
the session's language (``[errors]`` tables of ``mmdemo/ui/locales/*.toml``)
while the CLI and the Python API print the English. Raise with the key, the
English template and its values::

    raise InputError("io.empty", "{label}: the file is empty (0 bytes).", label=label)
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from functools import cache
from pathlib import Path

__all__ = [
    "Message",
    "MODALITY_WORDS",
    "modality_word",
    "message_templates",
    "MMDemoError",
    "InputError",
    "ParameterError",
    "DatasetError",
]


def _render(template: str, params: Mapping[str, object], strings: Mapping[str, str] | None, sep: str) -> str:
    """``template`` filled with ``params``; `Message` values and lists of them are said with ``strings``."""

    def say(value: object) -> object:
        if isinstance(value, Message):
            return value.translate(strings, sep=sep) if strings is not None else str(value)
        if isinstance(value, (list, tuple)):
            return sep.join(str(say(v)) for v in value)
        return value

    return template.format(**{k: say(v) for k, v in params.items()})


def _rebuild(key: str, template: str, params: dict) -> Message:
    return Message(key, template, **params)


class Message(str):
    """An English sentence that remembers its catalogue key and values, to be said in another language.

    Parameters may be plain values (formatted by the template's own format
    specs), other messages (phrases said in the same language) or lists of
    either (joined with the language's list separator).

    Examples
    --------
    >>> picture = Message("io.kind.png", "a PNG picture")
    >>> msg = Message("io.not_sound", "{label}: this is {kind}, not a sound file.", label="x.wav", kind=picture)
    >>> msg
    'x.wav: this is a PNG picture, not a sound file.'
    >>> msg.translate({"io.not_sound": "{label}：这是{kind}，不是声音文件。", "io.kind.png": "PNG 图片"})
    'x.wav：这是PNG 图片，不是声音文件。'
    """

    key: str
    template: str
    params: dict[str, object]

    def __new__(cls, key: str, template: str, /, **params: object) -> Message:
        self = super().__new__(cls, _render(template, params, None, ", "))
        self.key, self.template, self.params = key, template, params
        return self

    def translate(self, strings: Mapping[str, str] | None, *, sep: str = ", ") -> str:
        """This message with templates from ``strings`` (key -> template); English where a key is missing."""
        if strings is None:
            return str(self)
        try:
            return _render(strings.get(self.key, self.template), self.params, strings, sep)
        except (KeyError, IndexError, ValueError):  # a translation that does not fit its values: say the English
            return str(self)

    def __reduce__(self):  # pickled across processes (joblib/Dask) with its key and values
        return _rebuild, (self.key, self.template, self.params)


#: Modality names as messages say them (a phrase each, so the app says them in its language).
MODALITY_WORDS: dict[str, Message] = {
    "image": Message("modality.image", "image"),
    "audio": Message("modality.audio", "audio"),
    "text": Message("modality.text", "text"),
}


def modality_word(modality: str) -> Message | str:
    """A modality's name as a phrase for messages (the value itself when it is not a modality).

    Examples
    --------
    >>> modality_word("audio").key, modality_word("smell")
    ('modality.audio', 'smell')
    """
    return MODALITY_WORDS.get(modality, modality)


class MMDemoError(Exception):
    """Base class: every error mmdemo raises on purpose.

    The message names what was wrong and what is accepted, so the UI can show it
    (translated) and the CLI can print it as its one line on stderr. Give either
    a catalogue key, an English template and its values, or one ready message.

    Examples
    --------
    >>> err = InputError("io.empty", "{label}: the file is empty (0 bytes).", label="a.txt")
    >>> str(err), err.message.key
    ('a.txt: the file is empty (0 bytes).', 'io.empty')
    """

    def __init__(self, key_or_message: str, template: str | None = None, /, **params: object) -> None:
        message = key_or_message if template is None else Message(key_or_message, template, **params)
        super().__init__(message)
        self.message = message


class InputError(MMDemoError):
    """A user's file or value cannot be decoded (corrupt, empty, too big, wrong type)."""


class ParameterError(MMDemoError, ValueError):
    """A parameter has a value mmdemo does not accept (unknown fusion, bad level, ...)."""


class DatasetError(MMDemoError):
    """A dataset cannot be built or used (unknown name, too few samples per class, ...)."""


#: The modules whose messages reach users through the app (the CLI's own argument messages stay English).
_PACKAGE = Path(__file__).resolve().parent
_NOT_TRANSLATED = ("ui", "cli.py", "__main__.py")
_MAKERS = {"Message", "MMDemoError", "InputError", "ParameterError", "DatasetError"}


@cache
def message_templates() -> dict[str, str]:
    """Every message key of the core -> its English template, read from the source (the catalogue's English).

    Examples
    --------
    >>> message_templates()["io.empty"]
    '{label}: the file is empty (0 bytes).'
    """
    out: dict[str, str] = {}
    for path in sorted(_PACKAGE.rglob("*.py")):
        if path.relative_to(_PACKAGE).parts[0] in _NOT_TRANSLATED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) in _MAKERS
                and len(node.args) >= 2
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2])
            ):
                out[node.args[0].value] = node.args[1].value
    return out
