"""Messages of the core: every error a user can meet has a catalogue key, and Chinese for it."""

from __future__ import annotations

import ast
import pickle
import re
import string
import tomllib
from pathlib import Path

import pytest

from mmdemo.errors import DatasetError, InputError, Message, message_templates

PACKAGE = Path(__file__).resolve().parents[2] / "mmdemo"
ERRORS = {"MMDemoError", "InputError", "ParameterError", "DatasetError"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _core_files() -> list[Path]:
    return [
        p
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.relative_to(PACKAGE).parts[0] not in {"ui", "cli.py", "__main__.py"}
    ]


def _chinese() -> dict[str, str]:
    data = tomllib.loads((PACKAGE / "ui" / "locales" / "zh.toml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}

    def walk(prefix: str, node: dict) -> None:
        for k, v in node.items():
            if isinstance(v, dict):
                walk(f"{prefix}{k}.", v)
            else:
                out[f"{prefix}{k}"] = v

    walk("", data.get("errors", {}))
    return out


def test_every_error_the_core_raises_has_a_key_and_an_english_template():
    untranslatable = []
    for path in _core_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            name = getattr(node.exc.func, "id", getattr(node.exc.func, "attr", None))
            if name not in ERRORS:
                continue
            args = node.exc.args
            keyed = len(args) >= 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:2])
            prebuilt = len(args) == 1 and isinstance(args[0], (ast.Name, ast.Attribute))  # a Message made earlier
            if not (keyed or prebuilt):
                untranslatable.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not untranslatable, "raise with a key and an English template: " + ", ".join(untranslatable)


def test_one_key_one_template():
    seen: dict[str, str] = {}
    for path in _core_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and len(node.args) >= 2:
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                key, template = node.args[:2]
                if (
                    name in ERRORS | {"Message"}
                    and isinstance(key, ast.Constant)
                    and isinstance(template, ast.Constant)
                ):
                    assert seen.setdefault(key.value, template.value) == template.value, f"{key.value} has two texts"
    assert seen == message_templates()


def test_chinese_says_every_message_with_the_same_values():
    english, chinese = message_templates(), _chinese()
    assert english, "no keyed messages found in the core"
    assert not set(english) - set(chinese), f"zh.toml [errors] lacks {sorted(set(english) - set(chinese))}"
    assert not set(chinese) - set(english), f"zh.toml [errors] has unused {sorted(set(chinese) - set(english))}"
    for key, text in chinese.items():
        assert _fields(text) == _fields(english[key]), f"errors.{key}: placeholders differ from English"
        assert CJK.search(text), f"errors.{key} is not Chinese: {text!r}"


def test_a_real_error_is_said_in_chinese_with_its_values():
    from mmdemo.io import decode_file, decode_text

    strings = _chinese()
    with pytest.raises(InputError) as caught:
        decode_text("Größe".encode("latin-1"), "note.txt")
    said = caught.value.message.translate(strings)
    assert said.startswith("note.txt") and CJK.search(said) and "UTF-8" in said and "save it" not in said
    with pytest.raises(InputError) as caught:  # a nested phrase (what the file looks like) is translated too
        decode_file(b"<!DOCTYPE html><html></html>", "x.png")
    said = caught.value.message.translate(strings)
    assert "HTML" in said and "web page" not in said and "pictures are accepted" not in said


def test_messages_survive_pickling_and_bad_translations_fall_back_to_english():
    err = DatasetError("builder.too_many", "Up to {n:,} samples.", n=5000)
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == "Up to 5,000 samples." and again.message.key == "builder.too_many"
    assert again.message.translate({"builder.too_many": "最多 {count} 个"}) == "Up to 5,000 samples."
    lists = Message("k", "use {names}", names=[Message("m.a", "image"), Message("m.b", "audio")])
    assert lists == "use image, audio"
    assert lists.translate({"m.a": "图像", "m.b": "声音", "k": "用{names}"}, sep="、") == "用图像、声音"
