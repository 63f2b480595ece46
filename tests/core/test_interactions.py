"""The ⊕ vs ⊗ lesson on xor-shapes: the bounds the page teaches hold on held-out data."""

from __future__ import annotations

import numpy as np
import pytest

from mmdemo.datasets import load_dataset, make_xor_shapes
from mmdemo.errors import DatasetError
from mmdemo.experiments.interactions import fusion_widths, interaction_lesson


@pytest.fixture(scope="module")
def lesson():
    return interaction_lesson(load_dataset("xor-shapes"))


def test_xor_bounds_single_modalities_and_addition_at_chance_product_near_perfect(lesson):
    acc = {r.fusion: r.accuracy for r in lesson.results}
    single = lesson.results[0].per_modality
    assert max(single.values()) < 0.6
    assert acc["early"] < 0.6 and acc["late"] < 0.6
    assert acc["tensor"] > 0.95


def test_toy_decision_regions_tell_the_same_story(lesson):
    assert lesson.toy_accuracy["tensor ⊗"] > 0.95
    assert lesson.toy_accuracy["early ⊕"] < 0.65 and lesson.toy_accuracy["late"] < 0.65
    # The ⊗ toy model's map is a checkerboard: the four corners alternate between the classes.
    p = lesson.regions["tensor ⊗"]
    corners = np.array([p[0, 0], p[0, -1], p[-1, 0], p[-1, -1]]) > 0.5
    assert corners[0] == corners[3] != corners[1] == corners[2]
    # The ⊕ map is split by one straight line: at most one corner disagrees with its diagonal partner's side.
    e = lesson.regions["early ⊕"]
    assert e.shape == p.shape == (len(lesson.grid[1]), len(lesson.grid[0]))


def test_examples_cover_the_four_combinations_with_their_outer_products(lesson):
    kinds = {e["id"].split("#")[0] for e in lesson.examples}
    assert kinds == {"circle+low", "circle+high", "square+low", "square+high"}
    for e in lesson.examples:
        assert e["label"] == ("agree" if e["id"].split("#")[0] in {"circle+low", "square+high"} else "differ")
        assert e["outer"].shape == lesson.weights.shape == (9, 9)
        assert e["outer"][-1, -1] == pytest.approx(1.0)  # the 1 x 1 corner


def test_the_learned_interaction_is_close_to_rank_one(lesson):
    sv = lesson.singular_values
    assert sv[0] > 3 * sv[1]


def test_fusion_widths_explain_why_tensor_fusion_reduces_first():
    rows = {r["method"]: r["width"] for r in fusion_widths({"image": 64, "audio": 360, "text": 128})}
    assert rows["early ⊕ (concatenate)"] == 552
    assert rows["⊗ of the raw features"] == 65 * 361 * 129
    assert rows["tensor ⊗ after PCA to 8 per modality"] == 729
    assert rows["tensor sketch"] == 512


def test_lesson_needs_two_modalities_and_two_classes():
    with pytest.raises(DatasetError, match="two modalities and two classes"):
        interaction_lesson(load_dataset("av-digits"))
    small = make_xor_shapes(120)
    assert interaction_lesson(small).toy_accuracy["tensor ⊗"] > 0.85
