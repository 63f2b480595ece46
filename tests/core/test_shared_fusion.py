"""Cross-modal (shared-space) fusion: multi-view spaces, one classifier for any subset of modalities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import CCA
from sklearn.linear_model import LogisticRegression

from mmdemo.crossmodal import CCASpace, ContrastiveSpace, KernelCCASpace, PLSSpace
from mmdemo.crossmodal.contrastive import InfoNCE
from mmdemo.crossmodal.gcca import MaxVar
from mmdemo.datasets import load_dataset, load_folder
from mmdemo.errors import ParameterError
from mmdemo.experiments.evaluate import missing_modality_report, train_and_evaluate
from mmdemo.fusion import FUSION_GROUPS, FUSIONS, SharedSpaceClassifier, make_fusion_model
from mmdemo.model import MultimodalModel

BLOCKS = {"image": (0, 8), "audio": (8, 14), "text": (14, 19)}
SHARED = ["shared-cca", "shared-pls", "shared-kcca", "shared-contrastive"]


def three_views(n: int = 400, seed: int = 0, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Three views of one 2-D latent (8, 6 and 5 columns, each with 2 columns of its own noise); y = the latent's quadrant."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 2))
    views = [
        np.hstack([latent @ rng.normal(size=(2, d - 2)), rng.normal(size=(n, 2))]) + noise * rng.normal(size=(n, d))
        for d in (8, 6, 5)
    ]
    return np.hstack(views), (latent[:, 0] > 0).astype(int) * 2 + (latent[:, 1] > 0).astype(int)


def test_every_fusion_method_is_in_one_group_and_the_shared_ones_are_cross_modal():
    assert list(FUSION_GROUPS) == ["multimodal", "cross-modal"]
    assert sorted(FUSIONS.members("multimodal") + FUSIONS.members("cross-modal")) == sorted(FUSIONS)
    assert FUSIONS.members("cross-modal") == SHARED
    assert FUSIONS.group("early") == "multimodal" and FUSIONS.group("late-stacking") == "multimodal"


def test_maxvar_links_three_views_through_their_shared_latent():
    X, _ = three_views()
    views = [X[:, a:b] - X[:, a:b].mean(axis=0) for a, b in BLOCKS.values()]
    gcca = MaxVar(n_components=3).fit(*views)
    Z = [V @ W for V, W in zip(views, gcca.weights_)]
    for i, j in ((0, 1), (0, 2), (1, 2)):
        assert np.corrcoef(Z[i][:, 0], Z[j][:, 0])[0, 1] > 0.95
        assert np.corrcoef(Z[i][:, 1], Z[j][:, 1])[0, 1] > 0.95
    # The third direction is each view's own noise: the views do not agree on it.
    assert np.corrcoef(Z[0][:, 2], Z[1][:, 2])[0, 1] < 0.5
    # A direction all three whitened views hold has a singular value near sqrt(3) (the ridge takes a little).
    assert 1.6 < gcca.singular_values_[0] <= np.sqrt(3) and gcca.singular_values_[2] < 1.3


def test_maxvar_with_two_views_is_cca():
    X, _ = three_views()
    A, B = X[:, :8] - X[:, :8].mean(axis=0), X[:, 8:14] - X[:, 8:14].mean(axis=0)
    gcca = MaxVar(n_components=2, reg=0.0).fit(A, B)
    cca = CCA(n_components=2, scale=False, max_iter=2000).fit(A, B)
    ours = [abs(np.corrcoef(A @ gcca.weights_[0][:, k], B @ gcca.weights_[1][:, k])[0, 1]) for k in range(2)]
    theirs = [abs(np.corrcoef(*(s[:, k] for s in cca.transform(A, B)))[0, 1]) for k in range(2)]
    np.testing.assert_allclose(sorted(ours), sorted(theirs), atol=1e-3)  # NIPALS may swap near-equal ones


def test_infonce_with_three_views_trains_every_pair():
    X, _ = three_views(300)
    views = [X[:, a:b] for a, b in BLOCKS.values()]
    model = InfoNCE(n_components=2, epochs=40, random_state=0).fit(*views)
    assert len(model.weights_) == 3 and model.history_[-1] < model.history_[0]
    Z = [V @ W for V, W in zip(views, model.weights_)]
    cos = [
        np.mean(np.sum(Za * Zb, axis=1) / np.linalg.norm(Za, axis=1) / np.linalg.norm(Zb, axis=1))
        for Za, Zb in ((Z[0], Z[1]), (Z[0], Z[2]), (Z[1], Z[2]))
    ]
    assert min(cos) > 0.8  # each sample's three views point the same way
    assert model.x_weights_ is model.weights_[0] and model.y_weights_ is model.weights_[1]


@pytest.mark.parametrize("cls", [CCASpace, PLSSpace, KernelCCASpace, ContrastiveSpace])
def test_every_space_takes_three_modalities(cls):
    X, _ = three_views(500)
    space = cls(blocks=BLOCKS, n_components=2, random_state=0).fit(X[:400])
    assert space.modalities_ == ("image", "audio", "text")
    assert space.transform(X).shape == (500, 6)
    assert space.correlations_[0] > 0.8  # mean over the three pairs of views, on the training rows
    assert space.canonical_correlations(X[400:])[0] > 0.7  # and on rows it never saw
    Xm = X.copy()
    Xm[:10, 8:14] = np.nan
    assert np.isnan(space.transform_view(Xm, "audio")[:10]).all()
    assert not np.isnan(space.transform_view(Xm, "image")).any()


def test_shared_space_fusion_answers_any_subset_with_one_classifier_and_no_imputation():
    X, y = three_views(600, noise=0.3)
    train, test = np.arange(450), np.arange(450, 600)
    clf = SharedSpaceClassifier(blocks=BLOCKS, n_components=2, pca_components=8).fit(X[train], y[train])
    assert clf.score(X[test], y[test]) > 0.9
    only_audio = X[test].copy()
    only_audio[:, :8] = only_audio[:, 14:] = np.nan
    # The shared vector of a sample with audio alone is audio's own point: nothing stands in for the rest.
    np.testing.assert_allclose(clf.transform(only_audio), clf.space_.transform_view(only_audio, "audio"))
    assert clf.score(only_audio, y[test]) > 0.85
    # Early ⊕ trained on the same rows, with the image and text filled by their means, does worse.
    early = make_fusion_model("early", LogisticRegression(max_iter=2000), BLOCKS).fit(X[train], y[train])
    assert early.score(only_audio, y[test]) < clf.score(only_audio, y[test]) - 0.1
    # Both halves of a mixed batch are answered as they would be alone.
    mixed = np.vstack([X[test][:20], only_audio[:20]])
    np.testing.assert_allclose(clf.predict_proba(mixed)[20:], clf.predict_proba(only_audio[:20]))


def test_shared_space_fusion_says_what_it_does_with_a_missing_modality():
    model = make_fusion_model("shared-pls", None, BLOCKS)
    assert isinstance(model, SharedSpaceClassifier) and model.space == "pls"
    assert "nothing imputed" in str(model.missing_strategy)
    with pytest.raises(ParameterError, match="Unknown shared-space method 'lda'"):
        SharedSpaceClassifier(blocks=BLOCKS, space="lda").fit(*three_views(50))


@pytest.fixture(scope="module")
def av_missing():
    """av-digits, seed 0, 25% held out: early ⊕, the best multimodal methods with a modality missing, shared CCA."""
    return missing_modality_report(
        load_dataset("av-digits"), fusions=["early", "late-product", "late-stacking", "shared-cca"]
    )


def _accuracy(rows, fusion, missing, strategy):
    (row,) = [r for r in rows if (r["fusion"], r["missing"], r["strategy"]) == (fusion, missing, strategy)]
    return row["accuracy"]


def test_av_digits_shared_space_fusion_is_within_0_02_of_early_fusion(av_missing):
    shared = _accuracy(av_missing, "shared-cca", "none", "none")
    assert shared >= _accuracy(av_missing, "early", "none", "none") - 0.02


def test_av_digits_with_one_modality_missing_the_shared_space_beats_mean_imputation(av_missing):
    one_missing = ["image", "audio", "text"]

    def mean(fusion, strategy):
        return np.mean([_accuracy(av_missing, fusion, m, strategy) for m in one_missing])

    shared = mean("shared-cca", "fusion default")
    assert shared > mean("early", "fusion default")  # early ⊕'s default: mean imputation
    fusions = ("early", "late-product", "late-stacking", "shared-cca")
    best = max(mean(f, s) for f in fusions for s in ("fusion default", "mean", "fallback", "shared space"))
    assert shared >= best - 0.01


def test_av_digits_trained_with_all_the_shared_space_predicts_from_each_modality_alone(av_missing):
    alone = {r["present"]: r["accuracy"] for r in av_missing if r["fusion"] == "single"}
    for modality, others in (("image", "audio+text"), ("audio", "image+text"), ("text", "image+audio")):
        from_one = _accuracy(av_missing, "shared-cca", others, "fusion default")
        mean_imputed = _accuracy(av_missing, "early", others, "fusion default")
        assert from_one > mean_imputed, modality
        assert from_one > alone[modality] - 0.1, modality  # near a model trained on that modality alone


def test_a_saved_shared_space_model_answers_a_recording_alone_the_same_after_loading(tmp_path):
    ds = load_dataset("xor-shapes")
    model = MultimodalModel(["image", "audio"], fusion="shared-cca").fit(ds, fit_missing=False)
    again = MultimodalModel.load(model.save(tmp_path / "m.skops"))
    audio = (ds.data["audio"][0], ds.sample_rate)
    assert again.predict_sample(audio=audio)["probabilities"] == model.predict_sample(audio=audio)["probabilities"]
    assert "shared space" in str(model.predict_sample(audio=audio)["missing_strategy"])


HELDOUT_SPEECH = Path(__file__).resolve().parents[1] / "data" / "heldout" / "speech"


def test_trained_with_every_modality_the_shared_space_hears_voices_it_never_trained_on():
    """av-digits (seed-0 split, image, audio and text) against 30 recordings by three espeak-ng voices in noisy
    rooms (tests/data/heldout/speech), given alone: measured 23/30 for shared-cca, 26/30 for early ⊕ with mean
    imputation (`python -m mmdemo evaluate --data-dir tests/data/heldout/speech`)."""
    _, model = train_and_evaluate(load_dataset("av-digits"), fusion="shared-cca", fit_missing=False)
    voices, problems = load_folder(HELDOUT_SPEECH)
    assert not problems and voices.modalities == ["audio"] and voices.n_samples == 30
    heard = [model.predict_sample(audio=(clip, voices.sample_rate))["label"] for clip in voices.data["audio"]]
    said = [voices.class_names[c] for c in voices.y]
    assert np.mean(np.array(heard) == np.array(said)) >= 0.7
