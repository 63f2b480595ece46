"""Robustness curves and the lab: accuracy falls as a modality degrades, summaries mean what they say."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mmdemo.cli import main
from mmdemo.datasets import make_xor_shapes
from mmdemo.errors import ParameterError
from mmdemo.experiments.robustness import RobustnessLab, corruption_spec, normalised_auc, robustness_curves


@pytest.fixture(scope="module")
def xor():
    return make_xor_shapes(240, seed=3)


@pytest.fixture(scope="module")
def lab(xor):
    return RobustnessLab(xor, fusions=["early", "tensor"]).fit()


def test_normalised_auc_is_the_mean_height_of_the_curve():
    assert normalised_auc([0, 1], [0.8, 0.8]) == pytest.approx(0.8)
    assert normalised_auc([0, 0.5, 1], [1.0, 0.5, 0.0]) == pytest.approx(0.5)
    assert normalised_auc([0.2, 0.6], [1.0, 0.0]) == pytest.approx(0.5)  # divided by the range, not by 1
    with pytest.raises(ParameterError, match="two increasing"):
        normalised_auc([0.5], [1.0])


def test_curves_fall_on_average_as_the_corrupted_modality_degrades(xor):
    """Tensor fusion on xor-shapes needs both modalities: noisier audio, lower accuracy (monotone on average)."""
    c = robustness_curves(xor, "audio", levels=[0, 0.25, 0.5, 0.75, 1.0], fusions=["tensor"])
    acc = np.array(c.fused["tensor"])
    assert acc[0] > 0.9
    assert acc[-1] < 0.7
    slope = np.polyfit(c.levels, acc, 1)[0]
    assert slope < -0.2
    # The image's own model does not see the audio: its accuracy stays put.
    assert len(set(c.single["image"])) == 1
    assert c.single["audio"][0] >= c.single["audio"][-1] - 0.05


def test_missing_modality_curve_drops_to_a_guess_for_its_own_model(lab):
    c = lab.curve("image", kinds={"image": "missing"}, levels=[0, 0.5, 1.0])
    # With every image gone, the image model can only answer the most common training class.
    assert c.single["image"][-1] == pytest.approx(np.mean(lab.y_test_ == lab.prior_), abs=1e-4)
    assert c.fused["tensor"][0] > c.fused["tensor"][-1] + 0.3


def test_every_modality_missing_answers_the_most_common_class(lab):
    scores = lab.score(corruption_spec(["image", "audio"], 1.0, {"image": "missing", "audio": "missing"}))
    guess = float(np.mean(lab.y_test_ == lab.prior_))
    assert scores["early"] == pytest.approx(guess, abs=1e-4)
    assert scores["tensor"] == pytest.approx(guess, abs=1e-4)


def test_scores_are_reused_and_test_time_corruption_leaves_training_alone(lab):
    clean = lab.score({})
    noisy = lab.score({"audio:noise": 1.0})
    assert noisy["tensor"] < clean["tensor"]
    assert lab.score({"audio:noise": 1.0}) == noisy  # same numbers from the kept result
    assert lab.score({"audio:noise": 0.0}) == clean  # level 0 is no corruption


def test_corrupted_test_preview_is_what_the_scores_saw(lab):
    a = lab.corrupted_test({"image:blur": 0.7})
    b = lab.corrupted_test({"image:blur": 0.7})
    assert a.n_samples == len(lab.test_)
    np.testing.assert_array_equal(a.data["image"][0], b.data["image"][0])
    assert not np.array_equal(a.data["image"][0], lab.dataset.data["image"][lab.test_[0]])


@pytest.mark.parametrize("where", ["both", "train"])
def test_training_time_corruption_retrains_on_the_same_split(xor, where):
    c = robustness_curves(xor, "audio", levels=[0, 1.0], where=where, fusions=["tensor"])
    test = robustness_curves(xor, "audio", levels=[0, 1.0], where="test", fusions=["tensor"])
    assert c.fused["tensor"][0] == test.fused["tensor"][0]  # level 0: the same clean model
    assert c.n_test == test.n_test
    if where == "train":
        # Trained without audio in 90% of the rows, scored on clean audio: ⊗ has too few pairs to learn from.
        c = robustness_curves(
            xor, "audio", kinds={"audio": "missing"}, levels=[0, 0.9], where=where, fusions=["tensor"]
        )
        assert c.fused["tensor"][1] < c.fused["tensor"][0] - 0.1
    else:
        # Retrained on noisy audio, the model learns to read it: better than the clean model on noisy tests.
        assert c.fused["tensor"][1] > test.fused["tensor"][1] + 0.1


def test_training_without_any_sample_of_a_modality_is_refused_with_the_way_out(xor):
    with pytest.raises(ParameterError, match="below level 1"):
        robustness_curves(xor, "audio", kinds={"audio": "missing"}, levels=[0, 1.0], where="both")
    c = robustness_curves(xor, "all", kinds={"image": "missing", "audio": "missing"}, levels=[0, 0.9], where="both")
    assert c.levels == [0.0, 0.9] and set(c.fused) == {"early", "late", "tensor"}


def test_summary_and_json_carry_the_auc(lab):
    c = lab.curve("audio", levels=[0, 0.5, 1.0])
    rows = {r["method"]: r for r in c.summary()}
    assert set(rows) == {"early", "tensor", "image alone", "audio alone"}
    assert rows["tensor"]["auc"] == pytest.approx(normalised_auc(c.levels, c.fused["tensor"]), abs=1e-4)
    assert rows["tensor"]["clean"] == c.fused["tensor"][0]
    payload = json.loads(json.dumps(c.to_dict()))
    assert payload["auc"]["tensor"] == rows["tensor"]["auc"]
    assert payload["kinds"] == {"audio": "noise"}


def test_bad_requests_are_named(xor):
    with pytest.raises(ParameterError, match="text"):
        RobustnessLab(xor).fit().curve("text")
    with pytest.raises(ParameterError, match="tensor"):
        RobustnessLab(xor, fusions=["bogus"]).fit()
    with pytest.raises(ParameterError, match="two modalities"):
        RobustnessLab(xor, modalities=["image"]).fit()
    with pytest.raises(ParameterError, match="test, both, train"):
        robustness_curves(xor, "audio", where="sometimes")


def test_cli_prints_the_curves_and_their_auc(capsys):
    code = main(["robustness", "--dataset", "xor-shapes", "--modality", "image", "--levels", "0,1", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["levels"] == [0.0, 1.0]
    assert set(out["fused"]) == {"early", "late", "tensor"}
    assert out["fused"]["tensor"][0] > 0.9 > out["fused"]["tensor"][1]
    assert 0 < out["auc"]["tensor"] < 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--modality", "image", "--levels", "0.5,0.2"], "--levels"),
        (["--modality", "image", "--fusions", "early,bogus"], "bogus"),
        (["--modality", "image", "--kind", "smudge"], "smudge"),
        (["--modality", "text"], "text"),
    ],
)
def test_cli_errors_are_one_line(args, needle, capsys):
    assert main(["robustness", "--dataset", "xor-shapes", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err
