"""Cross-modal lab: retrieval metrics on hand-built rankings, shared spaces, the av-digits experiments, the CLI."""

from __future__ import annotations

import contextlib
import functools
import io
import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from mmdemo import cli
from mmdemo.crossmodal import (
    SHARED_SPACES,
    CCASpace,
    ContrastiveSpace,
    KernelCCASpace,
    PLSSpace,
    cosine_similarity_matrix,
    make_shared_space,
    mean_average_precision,
    median_rank,
    precision_at_k,
    rank_targets,
    recall_at_k,
    retrieval_report,
    transfer_accuracy,
)
from mmdemo.datasets import MultimodalDataset, load_dataset, make_xor_shapes
from mmdemo.errors import DatasetError, InputError, ParameterError
from mmdemo.experiments.crossmodal import shared_space_experiment
from tests.contract import RETRIEVE_KEYS

SPACES = [CCASpace, PLSSpace, KernelCCASpace]

# ------------------------------------------------------------------ retrieval metrics, by hand
# Two queries of class 0 against four targets of classes 0, 0, 1, 1.
# Query 0 ranks targets 0, 1, 2, 3 (both relevant first); query 1 ranks 3, 2, 1, 0 (both relevant last).
RANKING = np.array([[0, 1, 2, 3], [3, 2, 1, 0]])
QUERY_LABELS = np.array([0, 0])
TARGET_LABELS = np.array([0, 0, 1, 1])


@pytest.mark.parametrize(
    "k,expected",
    [
        (1, (1 + 0) / 2),  # query 0: target 0 relevant; query 1: target 3 not
        (2, (2 / 2 + 0 / 2) / 2),
        (3, (2 / 3 + 1 / 3) / 2),  # query 1's third is target 1, relevant
        (4, (2 / 4 + 2 / 4) / 2),
        (10, (2 / 4 + 2 / 4) / 2),  # k beyond the targets: all of them
    ],
)
def test_precision_at_k_by_hand(k, expected):
    assert precision_at_k(RANKING, QUERY_LABELS, TARGET_LABELS, k) == pytest.approx(expected)


def test_precision_at_k_rejects_k_below_one():
    with pytest.raises(ParameterError, match="k must be at least 1"):
        precision_at_k(RANKING, QUERY_LABELS, TARGET_LABELS, 0)


def test_mean_average_precision_by_hand():
    # Query 0: relevant at ranks 1 and 2 -> AP = (1/1 + 2/2) / 2 = 1.
    # Query 1: relevant at ranks 3 and 4 -> AP = (1/3 + 2/4) / 2 = 5/12.
    assert mean_average_precision(RANKING, QUERY_LABELS, TARGET_LABELS) == pytest.approx((1 + 5 / 12) / 2)


def test_mean_average_precision_leaves_out_queries_without_relevant_targets():
    ranking = np.vstack([RANKING, [[0, 1, 2, 3]]])
    labels = np.array([0, 0, 7])  # no target has class 7: its AP is undefined, not 0
    assert mean_average_precision(ranking, labels, TARGET_LABELS) == pytest.approx((1 + 5 / 12) / 2)
    assert np.isnan(mean_average_precision(RANKING, np.array([7, 7]), TARGET_LABELS))


def test_recall_at_k_and_median_rank_by_hand():
    # Query 0's true target is 1 (rank 2 in [0, 1, 2, 3]); query 1's is 0 (rank 4 in [3, 2, 1, 0]).
    true = np.array([1, 0])
    assert recall_at_k(RANKING, true, 1) == 0.0
    assert recall_at_k(RANKING, true, 2) == 0.5
    assert recall_at_k(RANKING, true, 3) == 0.5
    assert recall_at_k(RANKING, true, 4) == 1.0
    assert median_rank(RANKING, true) == 3.0  # median of 2 and 4
    assert median_rank(RANKING[:1], true[:1]) == 2.0


def test_cosine_similarity_and_ranking_by_hand():
    Q = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    T = np.array([[3.0, 0.0], [1.0, 1.0], [0.0, -1.0], [1.0, 0.0]])
    r = np.sqrt(0.5)
    expected = np.array([[1.0, r, 0.0, 1.0], [0.0, r, -1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    np.testing.assert_allclose(cosine_similarity_matrix(Q, T), expected, atol=1e-12)
    # Best first; equal similarities keep the lower index first.
    np.testing.assert_array_equal(rank_targets(Q, T), [[0, 3, 1, 2], [1, 0, 3, 2], [0, 1, 2, 3]])


def test_similarity_refuses_missing_rows_and_mismatched_widths():
    with pytest.raises(ParameterError, match="present"):
        cosine_similarity_matrix(np.array([[np.nan, 1.0]]), np.ones((2, 2)))
    with pytest.raises(ParameterError, match="width"):
        cosine_similarity_matrix(np.ones((1, 2)), np.ones((2, 3)))


def test_retrieval_report_perfect_classes_but_swapped_instances():
    # Each query finds the other sample of its class first: class-level perfect, instance recall@1 zero.
    Zq = np.array([[1.0, 0.1], [1.0, -0.1], [0.1, 1.0], [-0.1, 1.0]])
    Zt = np.array([[1.0, -0.1], [1.0, 0.1], [-0.1, 1.0], [0.1, 1.0]])
    y = np.array([0, 0, 1, 1])
    rep = retrieval_report(Zq, Zt, y, y, paired=False)
    assert rep["precision_at_1"] == 1.0 and rep["mean_average_precision"] == 1.0
    assert rep["recall_at_1"] == 0.0 and rep["recall_at_5"] == 1.0 and rep["median_rank"] == 2.0
    assert rep["precision_at_5"] == rep["precision_at_10"] == 0.5  # k beyond 4 targets: all of them
    assert rep["instance_pairs"] is False and rep["n_queries"] == 4
    assert rep["chance_precision"] == 0.5
    # Chance mAP, 2 relevant among 4 in random order: the 6 equally likely position pairs give AP
    # {1,2}: 1, {1,3}: 5/6, {1,4}: 3/4, {2,3}: 7/12, {2,4}: 1/2, {3,4}: 5/12 -> mean 49/72.
    assert rep["chance_map"] == pytest.approx(49 / 72)


def test_retrieval_report_chance_map_matches_random_rankings():
    rng = np.random.default_rng(0)
    y = np.array([0] * 3 + [1] * 5 + [2] * 12)
    aps = [
        mean_average_precision(np.vstack([rng.permutation(20) for _ in y]), y, y) for _ in range(400)
    ]  # 8000 random rankings
    rep = retrieval_report(rng.normal(size=(20, 3)), rng.normal(size=(20, 3)), y, y, paired=True)
    assert rep["chance_map"] == pytest.approx(np.mean(aps), abs=0.01)


def test_retrieval_report_needs_pairs():
    with pytest.raises(ParameterError, match="pairs"):
        retrieval_report(np.ones((3, 2)), np.ones((4, 2)), [0, 1, 0], [0, 1, 0, 1], paired=True)


# ------------------------------------------------------------------ shared spaces
@parametrize_with_checks(
    [
        CCASpace(random_state=0),
        PLSSpace(random_state=0),
        KernelCCASpace(random_state=0),
        ContrastiveSpace(random_state=0),
    ]
)
def test_scikit_learn_common_checks(estimator, check):
    check(estimator)


def shared_latent(n: int = 300, seed: int = 0) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """Two views (10 and 8 columns) driven by one 2-D latent, plus noise and 4 unrelated columns each."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 2))
    a = np.hstack([latent @ rng.normal(size=(2, 6)), rng.normal(size=(n, 4))]) + 0.1 * rng.normal(size=(n, 10))
    b = np.hstack([latent @ rng.normal(size=(2, 4)), rng.normal(size=(n, 4))]) + 0.1 * rng.normal(size=(n, 8))
    return np.hstack([a, b]), {"image": (0, 10), "audio": (10, 18)}


@pytest.mark.parametrize("cls", SPACES)
def test_space_finds_the_shared_latent(cls):
    X, blocks = shared_latent(600)
    train, test = X[:300], X[300:]
    space = cls(blocks=blocks, n_components=4, random_state=0).fit(train)
    assert space.modalities_ == ("image", "audio")
    assert space.correlations_[0] > 0.9 and space.correlations_[1] > 0.8  # the latent is 2-D (PLS: covariance)
    assert np.all(np.diff(space.correlations_) <= 0)
    assert np.all((space.correlations_ >= 0) & (space.correlations_ <= 1))
    # The reported order and signs are those of the output columns.
    np.testing.assert_allclose(space.canonical_correlations(train), space.correlations_, atol=1e-8)
    # New samples of the same latent line up too.
    assert space.canonical_correlations(test)[0] > 0.9


def test_cca_finds_each_samples_other_view_when_pairs_are_instances():
    X, blocks = shared_latent(600)
    space = CCASpace(blocks=blocks, n_components=2).fit(X[:300])
    Za, Zb = space.transform_view(X[300:], "image"), space.transform_view(X[300:], "audio")
    rep = retrieval_report(Za, Zb, np.zeros(300), np.zeros(300), paired=True)
    assert rep["recall_at_10"] > 0.5 and rep["median_rank"] < 15  # chance: 10/300 and 150


@pytest.mark.parametrize("cls", SPACES)
def test_space_shapes_and_missing_rows(cls):
    X, blocks = shared_latent()
    X[:40, 10:] = np.nan  # 40 samples without audio
    X[40:60, :10] = np.nan  # 20 without image
    space = cls(blocks=blocks, n_components=3, random_state=0).fit(X)
    Za, Zb = space.transform_view(X, "image"), space.transform_view(X, "audio")
    assert Za.shape == Zb.shape == (300, 3)
    assert np.isnan(Za[40:60]).all() and np.isfinite(Za[:40]).all() and np.isfinite(Za[60:]).all()
    assert np.isnan(Zb[:40]).all() and np.isfinite(Zb[40:]).all()
    assert space.transform(X).shape == (300, 6)
    # Only the 240 rows with both modalities are fitted on.
    paired = cls(blocks=blocks, n_components=3, random_state=0).fit(X[60:])
    np.testing.assert_allclose(paired.correlations_, space.correlations_, atol=1e-8)
    # On the training rows each component is standardised: cosine similarity compares like with like.
    np.testing.assert_allclose(Za[60:].mean(axis=0), 0, atol=1e-8)
    np.testing.assert_allclose(Zb[60:].std(axis=0), 1, atol=1e-8)


@pytest.mark.parametrize("cls", SPACES)
def test_space_is_deterministic_given_a_seed(cls):
    X, blocks = shared_latent()
    one = cls(blocks=blocks, random_state=3).fit(X).transform(X)
    two = cls(blocks=blocks, random_state=3).fit(X).transform(X)
    np.testing.assert_array_equal(one, two)


def test_space_clips_components_to_what_the_views_hold():
    X, _ = shared_latent()
    space = CCASpace(blocks={"image": (0, 3), "audio": (3, 18)}, n_components=8).fit(X)
    assert space.n_components_ == 3 and space.transform(X).shape == (300, 6)


def test_blocks_none_splits_the_columns_in_halves():
    X, _ = shared_latent()
    space = CCASpace(n_components=2).fit(X[:, :17])
    assert space.modalities_ == ("a", "b")
    assert space.blocks_ == [("a", 0, 8), ("b", 8, 17)]


def test_space_errors_are_readable():
    X, blocks = shared_latent()
    with pytest.raises(ParameterError, match="two modalities or more; blocks names only image"):
        CCASpace(blocks={"image": (0, 18)}).fit(X)
    space = CCASpace(blocks=blocks).fit(X)
    with pytest.raises(ParameterError, match="cannot project 'text'"):
        space.transform_view(X, "text")
    X[2:, 10:] = np.nan
    with pytest.raises(ParameterError, match=r"each of image, audio; got 2 sample\(s\)"):
        CCASpace(blocks=blocks).fit(X)
    with pytest.raises(ParameterError, match="use one of cca, pls, kcca"):
        make_shared_space("lda", blocks)


def test_space_composes_with_scikit_learn_model_selection():
    X, blocks = shared_latent()
    y = (X[:, 0] > 0).astype(int)
    pipe = Pipeline([("space", CCASpace(blocks=blocks, n_components=2)), ("clf", LogisticRegression())])
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.8
    assert clone(make_shared_space("kcca", blocks)).get_params()["n_kernel_features"] == 256
    assert set(SHARED_SPACES) == {"cca", "pls", "kcca", "contrastive"}


def test_transfer_fits_an_unfitted_space_on_the_training_rows():
    X, blocks = shared_latent()
    y = (X[:, 0] > np.median(X[:, 0])).astype(int)
    space = CCASpace(blocks=blocks, n_components=2)
    train, test = np.arange(200), np.arange(200, 300)
    out = transfer_accuracy(space, X, y, train, test, source="audio", target="image")
    assert space.correlations_[0] > 0.9
    assert out["transfer_accuracy"] > 0.8 and out["n_train"] == 200 and out["n_test"] == 100
    assert set(out) >= {"source_accuracy", "target_accuracy", "target_raw_accuracy", "chance"}


# ------------------------------------------------------------------ the lab on av-digits
@pytest.fixture(scope="module")
def av_digits():
    return load_dataset("av-digits")


@pytest.fixture(scope="module")
def feature_cache():
    """Image and audio features of av-digits, computed once for the module."""
    return {}


@pytest.fixture(scope="module")
def experiment(av_digits, feature_cache):
    return functools.partial(shared_space_experiment, av_digits, feature_cache=feature_cache)


@pytest.mark.parametrize(
    "query,target,method,times_chance",
    [
        ("image", "audio", "cca", 4),
        ("audio", "image", "kcca", 4),
        ("image", "audio", "pls", 4),
        ("audio", "text", "cca", 1.5),  # text clues ("an odd number") are ambiguous: weaker, still above chance
        ("text", "image", "kcca", 1.5),
    ],
)
def test_av_digits_retrieval_beats_chance(experiment, query, target, method, times_chance):
    r = experiment(query=query, target=target, method=method)
    rep = r.retrieval
    assert rep["mean_average_precision"] > times_chance * rep["chance_map"]
    assert rep["precision_at_1"] > times_chance * rep["chance_precision"]
    assert rep["instance_pairs"] is False and r.pairing == "label"
    assert r.Zq.shape == r.Zt.shape == (1250, 8) and rep["n_queries"] == 1250
    assert np.all(np.diff(r.correlations) <= 0)
    tr = r.transfer
    assert tr["transfer_accuracy"] > 2 * tr["chance"]
    assert tr["source"] == query and tr["target"] == target and tr["n_test"] == 1250


def test_av_digits_result_rows_are_the_held_out_samples(experiment, av_digits):
    r = experiment(query="image", target="audio")
    np.testing.assert_array_equal(r.labels, av_digits.y[r.indices])
    assert r.n_train + len(r.indices) == av_digits.n_samples
    assert r.transfer["transfer_accuracy"] > 0.6  # chance 0.1
    json.dumps(r.to_dict())
    again = experiment(query="image", target="audio")
    np.testing.assert_array_equal(again.Zq, r.Zq)


def test_search_a_held_out_row_or_a_new_raw_sample(experiment, av_digits):
    r = experiment(query="image", target="audio")
    hits = r.search_row(3, k=5)
    assert [i for i, _ in hits] == list(rank_targets(r.Zq[3:4], r.Zt)[0, :5])
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    # The same image given as a raw picture is prepared and projected the same way.
    raw = r.search_raw(av_digits.value("image", r.indices[3]), k=5)
    assert [i for i, _ in raw] == [i for i, _ in hits]
    np.testing.assert_allclose([s for _, s in raw], [s for _, s in hits], atol=1e-9)
    r = experiment(query="text", target="image")
    typed = r.search_raw(f"  {av_digits.value('text', r.indices[0])} ", k=5)  # typed text is stripped
    assert [i for i, _ in typed] == [i for i, _ in r.search_row(0, k=5)]
    r = experiment(query="audio", target="text")
    clip = av_digits.value("audio", r.indices[0])
    assert len(r.search_raw((np.repeat(clip, 2), 16000), k=3)) == 3  # any rate: resampled like the model's input
    with pytest.raises(InputError, match="empty"):
        r.search_raw((np.zeros(0, dtype=np.float32), 8000))


def test_text_features_are_fitted_on_training_rows_only(experiment, monkeypatch):
    from mmdemo.features.text import TextFeatures

    seen = []
    fit = TextFeatures.fit

    def spy(self, X, y=None):
        seen.append(len(X))
        return fit(self, X, y)

    monkeypatch.setattr(TextFeatures, "fit", spy)
    r = experiment(query="text", target="audio", feature_cache={})  # a fresh cache: nothing fitted before
    assert seen == [r.n_train] and r.n_train == 3750


def test_lab_errors_are_readable(experiment):
    with pytest.raises(ParameterError, match="both image"):
        experiment(query="image", target="image")
    with pytest.raises(ParameterError, match="smell"):
        experiment(query="smell", target="image")
    with pytest.raises(ParameterError, match="use one of cca, pls, kcca"):
        experiment(query="image", target="audio", method="lda")
    with pytest.raises(DatasetError, match="no text"):
        shared_space_experiment(make_xor_shapes(40), query="image", target="text")
    few = MultimodalDataset(
        "few", {"image": [np.zeros((8, 8))] * 12, "text": ["one"] * 6 + [None] * 6}, np.repeat([0, 1], 6), ["a", "b"]
    )
    with pytest.raises(DatasetError, match="Only 6 samples of 'few' have both image and text"):
        shared_space_experiment(few, query="image", target="text")


# ------------------------------------------------------------------ command line
def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(argv)
        except SystemExit as exc:  # argparse errors
            status = exc.code
    return status, out.getvalue(), err.getvalue()


def test_cli_retrieve_json_has_the_contract_keys(monkeypatch, feature_cache):
    monkeypatch.setattr(
        cli, "shared_space_experiment", functools.partial(shared_space_experiment, feature_cache=feature_cache)
    )
    status, out, err = run(["retrieve", "--dataset", "av-digits", "--query", "audio", "--target", "image", "--json"])
    assert status == 0, err
    payload = json.loads(out)
    assert set(payload) >= RETRIEVE_KEYS
    assert payload["query"] == "audio" and payload["target"] == "image" and payload["method"] == "cca"
    assert payload["instance_pairs"] is False and payload["n_queries"] == 1250 and len(payload["correlations"]) == 8
    assert payload["mean_average_precision"] > 2 * payload["chance_map"]


def test_cli_retrieve_text_says_how_to_read_label_pairs(monkeypatch, feature_cache):
    monkeypatch.setattr(
        cli, "shared_space_experiment", functools.partial(shared_space_experiment, feature_cache=feature_cache)
    )
    status, out, err = run(
        ["retrieve", "--dataset", "av-digits", "--query", "image", "--target", "audio", "--method", "pls"]
    )
    assert status == 0, err
    assert "by label" in out and "read the class-level precision and mAP" in out
    status, out, err = run(["retrieve", "--dataset", "xor-shapes", "--query", "image", "--target", "audio"])
    assert status == 0, err
    assert "by label" not in out and "mAP" in out


@pytest.mark.parametrize(
    "argv,names",
    [
        (["--query", "image", "--target", "image"], "both image"),
        (["--query", "image", "--target", "text"], "text"),
        (["--query", "image", "--target", "smell"], "smell"),
        (["--query", "image", "--target", "audio", "--method", "lda"], "lda"),
        (["--query", "image", "--target", "audio", "--test-size", "0.99"], "0.99"),
        (["--query", "image"], "--target"),
    ],
    ids=["same-modality", "modality-not-in-dataset", "unknown-modality", "unknown-method", "test-size", "no-target"],
)
def test_cli_retrieve_bad_input_exits_2_with_one_line(argv, names):
    status, out, err = run(["retrieve", "--dataset", "xor-shapes", *argv])
    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mmdemo retrieve") and names in lines[0], err


def test_the_lab_opens_on_the_pair_of_modalities_the_most_samples_have_both_of():
    from mmdemo.datasets.builder import add_sample, empty_dataset
    from mmdemo.experiments.crossmodal import best_pair

    ds = empty_dataset("class data")
    picture, beep = np.ones((28, 28), np.float32), (np.sin(np.arange(8000) / 5.0).astype(np.float32), 8000)
    for k in range(6):  # every sample has a picture and a word, two of them a recording too
        ds = add_sample(ds, "cat", image=picture, text=f"meow {k}", audio=beep if k < 2 else None)
    assert ds.modalities == ["image", "audio", "text"]
    assert best_pair(ds) == ("image", "text")  # not the first two, which only 2 samples have both of
