"""Figures (trace types, counts, class colours) and 2-D/3-D projections."""

from __future__ import annotations

import numpy as np
import pytest

from mmdemo.errors import ParameterError
from mmdemo.projection import project
from mmdemo.viz import (
    class_color,
    comparison_figure,
    confusion_matrix_figure,
    embedding_figure,
    image_grid_figure,
    probability_figure,
    spectrogram_figure,
    waveform_figure,
)

NAMES = [str(d) for d in range(10)]


@pytest.fixture(scope="module")
def clusters():
    """Three well-separated 6-D clusters of 15 points (classes 0, 3 and 7 of ten)."""
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 3, 7], 15)
    centres = {0: np.zeros(6), 3: np.full(6, 4.0), 7: np.r_[[4.0] * 3, [-4.0] * 3]}
    X = rng.normal(size=(45, 6)) + np.array([centres[c] for c in labels])
    return X, labels


# ------------------------------------------------------------------- figures


def test_class_colours_are_distinct_for_ten_classes():
    assert len({class_color(c) for c in range(10)}) == 10


@pytest.mark.parametrize("dims,trace_type", [(2, "scatter"), (3, "scatter3d")])
def test_embedding_figure_has_one_trace_per_class_present(dims, trace_type, clusters):
    X, labels = clusters
    fig = embedding_figure(X[:, :dims], labels, NAMES, hover=[f"id{i}" for i in range(len(labels))])
    assert [t.type for t in fig.data] == [trace_type] * 3
    assert [t.name for t in fig.data] == ["0", "3", "7"]
    assert [t.marker.color for t in fig.data] == [class_color(0), class_color(3), class_color(7)]
    assert [len(t.x) for t in fig.data] == [15, 15, 15]
    assert fig.data[1].text[0] == "class 3<br>id15"


def test_a_class_keeps_its_colour_across_figures(clusters):
    X, labels = clusters
    everything = embedding_figure(X[:, :2], labels, NAMES)
    only_seven = embedding_figure(X[labels == 7][:, :2], labels[labels == 7], NAMES)
    colour = {t.name: t.marker.color for t in everything.data}
    assert [(t.name, t.marker.color) for t in only_seven.data] == [("7", colour["7"])]


def test_confusion_matrix_figure():
    m = [[5, 1, 0], [0, 4, 2], [1, 0, 6]]
    fig = confusion_matrix_figure(m, ["cat", "dog", "owl"])
    assert [d.type for d in fig.data] == ["heatmap", "scatter"]
    np.testing.assert_array_equal(fig.data[0].z, m)
    assert list(fig.data[0].x) == ["cat", "dog", "owl"] and list(fig.data[0].y) == ["cat", "dog", "owl"]
    # One clickable square per cell, at (predicted, true), carrying the cell's count.
    cells = list(zip(fig.data[1].x, fig.data[1].y, fig.data[1].customdata))
    assert len(cells) == 9 and ("owl", "dog", 2) in cells and ("cat", "owl", 1) in cells
    assert fig.layout.xaxis.title.text == "predicted" and fig.layout.yaxis.title.text == "true"


def test_comparison_figure_marks_single_modalities_and_the_best_one():
    rows = [
        {"name": "image alone", "accuracy": 0.6, "kind": "single"},
        {"name": "audio alone", "accuracy": 0.7, "kind": "single"},
        {"name": "early", "accuracy": 0.8, "kind": "fusion", "macro_f1": 0.79},
    ]
    fig = comparison_figure(rows)
    assert len(fig.data) == 1 and fig.data[0].type == "bar"
    assert list(fig.data[0].y) == [0.6, 0.7, 0.8]
    colours = list(fig.data[0].marker.color)
    assert colours[0] == colours[1] != colours[2]
    assert [s.y0 for s in fig.layout.shapes] == [0.7]  # the line at the best single modality


def test_image_grid_figure_has_one_image_per_caption():
    red = np.zeros((16, 16, 3))
    red[..., 0] = 1.0
    images = [np.zeros((8, 8)), np.ones((8, 8)), red]
    fig = image_grid_figure(images, ["a", "b", "c"], columns=2)
    assert [t.type for t in fig.data] == ["heatmap", "heatmap", "image"]  # a colour picture stays in colour
    assert np.asarray(fig.data[2].z)[0, 0].tolist() == [255, 0, 0]
    assert [a.text for a in fig.layout.annotations] == ["a", "b", "c"]


def test_waveform_and_spectrogram_figures_use_seconds():
    y = np.sin(np.arange(16000) / 3)
    wave = waveform_figure(y, 8000)
    assert len(wave.data) == 1 and wave.data[0].type == "scatter"
    assert max(wave.data[0].x) == pytest.approx(2.0, abs=0.01)
    spec = spectrogram_figure(np.zeros((40, 101)), 8000, 80)
    assert spec.data[0].type == "heatmap" and max(spec.data[0].x) == pytest.approx(1.0)


def test_probability_figure_puts_the_most_likely_on_top():
    fig = probability_figure({"3": 0.1, "7": 0.7, "1": 0.2})
    assert fig.data[0].type == "bar" and fig.data[0].orientation == "h"
    assert list(fig.data[0].y)[-1] == "7"  # the last bar of a horizontal chart is drawn on top


# ---------------------------------------------------------------- projection


@pytest.mark.parametrize("method", ["pca", "tsne"])
@pytest.mark.parametrize("dims", [2, 3])
def test_project_shape_and_separation(method, dims, clusters):
    X, labels = clusters
    Z = project(X, method=method, n_components=dims, seed=0)
    assert Z.shape == (45, dims) and np.isfinite(Z).all()
    centroids = np.stack([Z[labels == c].mean(axis=0) for c in (0, 3, 7)])
    spread = max(np.linalg.norm(Z[labels == c] - Z[labels == c].mean(axis=0), axis=1).mean() for c in (0, 3, 7))
    gaps = [np.linalg.norm(centroids[i] - centroids[j]) for i in range(3) for j in range(i + 1, 3)]
    assert min(gaps) > spread  # clusters stay apart after projection


def test_project_is_deterministic_for_a_seed(clusters):
    X, _ = clusters
    np.testing.assert_array_equal(project(X, method="tsne", seed=1), project(X, method="tsne", seed=1))


def test_project_fills_missing_values(clusters):
    X, _ = clusters
    X = X.copy()
    X[:10, :3] = np.nan  # a missing modality's block
    X[:, 5] = np.nan  # a column nobody has
    for method in ("pca", "tsne"):
        Z = project(X, method=method)
        assert Z.shape == (45, 2) and np.isfinite(Z).all()


def test_project_pads_when_there_are_fewer_features_than_dimensions():
    Z = project(np.random.default_rng(0).normal(size=(10, 2)), n_components=3)
    assert Z.shape == (10, 3)
    np.testing.assert_array_equal(Z[:, 2], 0.0)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"method": "umap"}, "umap"),
        ({"n_components": 4}, "2-D or 3-D"),
        ({"n_components": 3, "rows": 3}, "at least 4 samples"),
    ],
)
def test_project_errors(kwargs, match):
    rows = kwargs.pop("rows", 20)
    with pytest.raises(ParameterError, match=match):
        project(np.random.default_rng(0).normal(size=(rows, 5)), **kwargs)


def test_figures_take_their_labels_as_arguments_and_stay_english_without():
    zh = {"predicted": "预测", "true": "真实"}
    said = confusion_matrix_figure([[1, 0], [0, 1]], ["a", "b"], text=zh)
    assert (said.layout.xaxis.title.text, said.layout.yaxis.title.text) == ("预测", "真实")
    plain = confusion_matrix_figure([[1, 0], [0, 1]], ["a", "b"])  # nothing set by the call before lingers
    assert (plain.layout.xaxis.title.text, plain.layout.yaxis.title.text) == ("predicted", "true")
