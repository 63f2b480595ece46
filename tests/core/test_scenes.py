"""The scenes dataset: unique instance-paired scenes, pictures that show their caption, captions heard slot by slot."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mmdemo.datasets import load_dataset
from mmdemo.datasets.scenes import COLOURS, EVIDENCE_FILE, draw_scene, scene_specs
from mmdemo.features import make_features
from mmdemo.features.captions import ATTRIBUTES, CAPTION_SLOTS, caption, caption_columns
from mmdemo.features.image import colour_grid, scene_features
from mmdemo.features.speech import slot_evidence

HELDOUT = Path(__file__).resolve().parents[1] / "data" / "heldout" / "captions"
MULTI = [slot for slot in CAPTION_SLOTS if len(slot) > 1]


def heard(evidence: np.ndarray) -> str:
    """The caption that the most likely phrase of every slot spells."""
    words, at = [], 0
    for slot in MULTI:
        words.append(slot[int(np.argmax(evidence[at : at + len(slot)]))])
        at += len(slot)
    return f"a {' '.join(words[:4])} a {' '.join(words[4:])}"


@pytest.fixture(scope="module")
def scenes():
    return load_dataset("scenes")


def test_scenes_is_listed_and_paired_by_instance(scenes):
    out = subprocess.run([sys.executable, "-m", "mmdemo", "datasets", "--json"], capture_output=True, text=True)
    rows = {row["name"]: row for row in json.loads(out.stdout)["datasets"]}
    assert "scenes" in rows
    assert scenes.pairing == "instance" and scenes.n_samples == 1000
    assert scenes.modalities == ["image", "audio", "text"]


def test_every_scene_is_a_different_caption_and_the_class_is_its_first_shape(scenes):
    texts = scenes.data["text"]
    assert len(set(texts)) == len(texts) == 1000
    firsts = [t.split()[3] for t in texts]
    assert [scenes.class_names[k] for k in scenes.y] == firsts
    assert sorted(np.bincount(scenes.y).tolist()) == [327, 335, 338]


def test_a_picture_shows_its_caption():
    """Colour and place: the first shape's colour lies left of (or above) the second's."""
    spec = {
        "first": {"size": "large", "colour": "red", "shape": "circle"},
        "relation": "above",
        "second": {"size": "small", "colour": "blue", "shape": "square"},
    }
    for seed in range(5):
        img = draw_scene(spec, np.random.default_rng(seed))
        red = np.argwhere(np.linalg.norm(img - COLOURS["red"], axis=2) < 0.2)
        blue = np.argwhere(np.linalg.norm(img - COLOURS["blue"], axis=2) < 0.2)
        assert red[:, 0].mean() < blue[:, 0].mean()  # rows: red is above
        assert len(red) > 2 * len(blue)  # large vs small


def test_the_bundled_evidence_is_what_the_recognizer_hears_now(scenes):
    """The stored caption evidence (made by tools/make_scenes_audio.py) matches a fresh decode of the clips."""
    stored = np.load(EVIDENCE_FILE)["evidence"]
    fresh = slot_evidence(clips=scenes.data["audio"][:6], sr=scenes.sample_rate, slots=CAPTION_SLOTS, memo=False)
    np.testing.assert_allclose(fresh, stored[:6], atol=1e-3)
    right = sum(heard(row) == text for row, text in zip(stored, scenes.data["text"]))
    assert right >= 900  # every slot of the whole caption right: 926 of 1,000 when made


def test_captions_said_by_voices_never_bundled_in_a_noisy_room_are_heard():
    rows = list(csv.DictReader((HELDOUT / "manifest.csv").open(encoding="utf-8")))
    clips = [sf.read(HELDOUT / row["path"], dtype="float32")[0] for row in rows]
    evidence = slot_evidence(clips=clips, sr=16000, slots=CAPTION_SLOTS, memo=False)
    assert evidence.shape == (12, len(caption_columns()))
    right = [heard(row) == r["text"] for row, r in zip(evidence, rows)]
    assert sum(right) >= 10, [r["text"] for r, ok in zip(rows, right) if not ok]


def test_silence_is_heard_as_no_caption_at_all():
    evidence = slot_evidence(clips=[np.zeros(16000, dtype=np.float32)], sr=16000, slots=CAPTION_SLOTS, memo=False)
    at = 0
    for slot in MULTI:
        np.testing.assert_allclose(evidence[0, at : at + len(slot)], 1 / len(slot), atol=1e-6)
        at += len(slot)


def test_caption_words_and_columns():
    assert (
        caption(
            {"size": "small", "colour": "black", "shape": "triangle"},
            "left of",
            {"size": "large", "colour": "green", "shape": "circle"},
        )
        == "a small black triangle left of a large green circle"
    )
    assert len(caption_columns()) == 2 * (2 + 4 + 3) + 2
    assert len(scene_specs(1104)) == 1104 == len({json.dumps(s, sort_keys=True) for s in scene_specs(1104)})
    assert set(ATTRIBUTES["colour"]) == set(COLOURS)


def test_colour_grid_keeps_where_each_colour_is_and_any_picture_is_accepted():
    left_red = np.ones((48, 60, 3), dtype=np.float32)
    left_red[:, :30] = [1, 0, 0]
    grid = colour_grid(left_red)
    assert grid.shape == (12, 12, 3)
    assert grid[5, 0].tolist() == [1.0, 0.0, 0.0] and grid[5, -1].tolist() == [1.0, 1.0, 1.0]
    assert colour_grid(np.zeros((20, 20))).shape == (12, 12, 3)  # grey -> three channels
    rgba = np.zeros((10, 10, 4), dtype=np.float32)  # fully transparent -> white
    assert colour_grid(rgba).min() == 1.0
    a, b = scene_features(images=np.stack([colour_grid(left_red, size=48), colour_grid(left_red[:, ::-1], size=48)]))
    assert not np.allclose(a, b)


def test_scene_features_tell_the_first_shape_on_held_out_scenes(scenes):
    """The features the dataset names are enough for a linear model to read the class (not only chance, 1/3)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = make_features("image", scenes.features["image"]).fit_transform(scenes.data["image"])
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))
    model.fit(X[:800], scenes.y[:800])
    assert model.score(X[800:], scenes.y[800:]) >= 0.75


def test_every_fusion_method_learns_scenes(scenes):
    """The caption evidence sums to 1 per slot: ⊗, its sketch and LMF once whitened those empty directions into
    noise (LMF 0.54); now every method reads the first shape from the three modalities."""
    from mmdemo.experiments.evaluate import compare

    results = compare(scenes)
    assert {r.fusion: r.accuracy >= 0.95 for r in results} == dict.fromkeys((r.fusion for r in results), True)


def test_tensor_fusion_keeps_only_the_directions_a_block_varies_in():
    from mmdemo.fusion import TensorFusion

    rng = np.random.default_rng(0)
    evidence = rng.dirichlet(np.ones(4), size=200)  # rows sum to 1: one direction without variance
    X = np.hstack([rng.normal(size=(200, 3)), evidence])
    fusion = TensorFusion(blocks={"a": (0, 3), "b": (3, 7)}, n_components=8).fit(X)
    assert [p.n_components_ for _, _, p in fusion.projections_] == [3, 3]
    assert np.abs(fusion.factors(X)[1]).max() < 10
