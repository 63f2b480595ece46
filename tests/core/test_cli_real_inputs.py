"""`predict` on the raw files a user has: a phone photo of a digit, a phone recording of a word."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from PIL import Image, ImageDraw

from mmdemo import cli
from mmdemo.datasets import load_av_digits
from mmdemo.splits import split_indices


@pytest.fixture(scope="module")
def av_models(tmp_path_factory):
    """Image-only and audio-only av-digits models, saved by the CLI."""
    out = tmp_path_factory.mktemp("models")
    for mod in ("image", "audio"):
        assert (
            cli.main(
                [
                    "train",
                    "--dataset",
                    "av-digits",
                    "--modalities",
                    mod,
                    "--classifier",
                    "svm",
                    "--save",
                    str(out / f"{mod}.skops"),
                ]
            )
            == 0
        )
    return out


def _predict(capsys, *args) -> dict:
    capsys.readouterr()
    assert cli.main(["predict", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_600px_photo_of_a_dark_digit_on_white_paper_is_recognised(av_models, tmp_path, capsys):
    # A "4" drawn with a felt-tip pen on white paper, off-centre, as a phone photographs it.
    page = Image.new("RGB", (600, 600), (236, 232, 225))
    ImageDraw.Draw(page).line([(300, 120), (200, 360), (390, 360)], fill=(25, 25, 40), width=26)
    ImageDraw.Draw(page).line([(340, 250), (340, 480)], fill=(25, 25, 40), width=26)
    path = tmp_path / "four.jpg"
    page.save(path, quality=85)
    out = _predict(capsys, "--model", str(av_models / "image.skops"), "--image", str(path))
    assert out["label"] == "4"
    assert out["probabilities"]["4"] == max(out["probabilities"].values())


def test_a_phone_style_recording_is_resampled_trimmed_and_recognised(av_models, tmp_path, capsys):
    ds = load_av_digits()
    _, test = split_indices(ds.y, seed=0)  # `train` held these clips out (same seed, same 25%)
    hits = 0
    for i in test[:10]:
        y = ds.data["audio"][i]
        up = np.interp(np.arange(int(len(y) * 44100 / ds.sample_rate)) * ds.sample_rate / 44100, np.arange(len(y)), y)
        quiet = 0.05 * up
        stereo = np.stack([np.r_[np.zeros(44100), quiet], np.r_[np.zeros(44100), 0.9 * quiet]], axis=1)
        path = tmp_path / f"clip{i}.wav"
        sf.write(path, stereo, 44100)
        out = _predict(capsys, "--model", str(av_models / "audio.skops"), "--audio", str(path))
        hits += out["label"] == ds.class_names[ds.y[i]]
    assert hits >= 9
