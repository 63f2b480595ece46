"""AppTest tests for the Robustness lab: sliders corrupt held-out samples, curves and AUC, the ⊕ vs ⊗ lesson."""

from __future__ import annotations

import pytest

from mmdemo.datasets import make_xor_shapes
from mmdemo.datasets.builder import add_class, add_sample, empty_dataset
from mmdemo.ui.memo import _SHARED
from tests.ui.conftest import array, assert_clean, figures, open_page

PAGE = "5_Robustness_lab.py"


def _figure(at, title_part: str):
    return next(f for f in figures(at) if f.layout.title.text and title_part in f.layout.title.text)


def _table(at, column: str) -> list[dict]:
    return next(d.value for d in at.dataframe if column in d.value.columns).to_dict("records")


@pytest.fixture(scope="module")
def lab():
    return open_page(PAGE)


def test_clean_start_shows_every_method_and_curves_with_auc(lab):
    assert_clean(lab)
    now = {r["method"]: r for r in _table(lab, "now")}
    assert set(now) == {"image alone", "audio alone", "text alone", "early", "late", "tensor"}
    assert all(r["now"] == r["clean"] for r in now.values())  # every slider at 0
    assert now["late"]["clean"] > now["image alone"]["clean"]
    curves = _figure(lab, "Accuracy as image is corrupted")
    names = [t.name for t in curves.data]
    assert any(n.startswith("early · AUC") for n in names) and any(n.startswith("image alone · AUC") for n in names)
    summary = {r["method"]: r for r in _table(lab, "auc")}
    assert summary["image alone"]["worst level"] < 0.3 < summary["late"]["worst level"]
    assert summary["audio alone"]["auc"] == pytest.approx(summary["audio alone"]["clean"])  # not corrupted
    assert "held-out samples (stratified split, 25% held out, seed 0)" in lab.caption[1].value


def test_moving_a_slider_lowers_accuracy_and_moves_the_marker(lab):
    lab.slider(key="robust_level_image").set_value(0.8).run()
    assert_clean(lab)
    now = {r["method"]: r for r in _table(lab, "now")}
    assert now["image alone"]["now"] < now["image alone"]["clean"] - 0.4
    assert now["early"]["now"] < now["early"]["clean"]
    assert now["audio alone"]["now"] == now["audio alone"]["clean"]
    curves = _figure(lab, "Accuracy as image is corrupted")
    marker = next(a for a in curves.layout.annotations if "your slider" in a.text)
    assert marker.text == "your slider: 0.8"
    lab.slider(key="robust_level_image").set_value(0.0).run()


def test_preview_shows_what_the_models_see(lab):
    lab.selectbox(key="robust_kind_text").set_value("missing").run()
    lab.slider(key="robust_level_text").set_value(1.0).run()
    assert_clean(lab)
    assert any("have no text now" in c.value for c in lab.caption)
    grid = _figure_with_images(lab)
    before = array(grid.data[0].z).copy()
    lab.selectbox(key="robust_kind_image").set_value("occlusion").run()
    lab.slider(key="robust_level_image").set_value(1.0).run()
    after = array(_figure_with_images(lab).data[0].z)
    assert (after == 0).sum() > (before == 0).sum()  # a blank square over the digit
    assert len(lab.get("audio")) == 1
    lab.slider(key="robust_level_text").set_value(0.0).run()
    lab.slider(key="robust_level_image").set_value(0.0).run()


def _figure_with_images(at):
    return next(
        f for f in figures(at) if f.data and f.data[0].type == "heatmap" and "class" in str(f.layout.annotations)
    )


def test_curve_for_every_modality_at_once_and_retrained_both_ways(lab):
    lab.radio(key="robust_curve_for").set_value("all").run()
    curves = _figure(lab, "Accuracy as all is corrupted")
    assert not [a for a in curves.layout.annotations if "your slider" in a.text]  # no single slider to mark
    lab.radio(key="robust_where").set_value("both").run()
    assert_clean(lab)
    both = _figure(lab, "at both time")
    assert both.data[0].x[-1] == 0.9  # text is made "missing": training keeps 10% of it
    lab.radio(key="robust_where").set_value("test").run()
    lab.radio(key="robust_curve_for").set_value("image").run()


def test_xor_lesson_shows_accuracies_regions_and_the_outer_product(lab):
    bars = _figure(lab, "Accuracy on the same held-out split")
    acc = dict(zip(bars.data[0].x, array(bars.data[0].y)))
    assert acc["tensor"] > 0.95 and acc["early"] < 0.6 and acc["image alone"] < 0.6
    regions = next(f for f in figures(lab) if f.layout.annotations and "tensor ⊗" in f.layout.annotations[-1].text)
    assert float(regions.layout.annotations[-1].text.split(": ")[1].split()[0]) > 0.95
    outer = _figure(lab, "One sample")
    assert array(outer.data[0].z).shape == (9, 9)
    lab.selectbox(key="xor_example").set_value(3).run()
    assert _figure(lab, "One sample").layout.title.text != outer.layout.title.text
    widths = {r["method"]: r["width"] for r in _table(lab, "width")}
    assert widths["tensor ⊗ after PCA to 8 per modality"] == 81


def test_xor_lesson_shows_where_the_rank_of_lmf_stops_helping(lab):
    curve = _figure(lab, "Low-rank fusion (LMF) per rank")
    lmf, early = (next(t for t in curve.data if t.name == name and t.xaxis == "x") for name in ("LMF", "early ⊕"))
    assert list(lmf.x) == [1, 2, 3, 4, 6, 8] and min(lmf.y) >= 0.95 and max(early.y) < 0.6  # rank 1 already solves it
    metrics = {m.label: m.value for m in lab.metric}
    assert float(metrics["LMF rank 4: held-out accuracy"]) >= 0.95 and metrics["LMF rank 4: trained weights"] == "402"
    lab.select_slider(key="xor_rank").set_value(1).run()
    assert_clean(lab)
    assert {m.label: m.value for m in lab.metric}["LMF rank 1: trained weights"] == "102"
    assert "a full ⊗ of the same vectors would need 1,252" in " ".join(m.value for m in lab.markdown)


def test_fewer_methods_and_another_classifier(lab):
    lab.multiselect(key="robust_fusions").set_value(["late"]).run()
    lab.selectbox(key="robust_classifier").set_value("knn").run()
    assert_clean(lab)
    assert {r["method"] for r in _table(lab, "now")} == {"image alone", "audio alone", "text alone", "late"}
    lab.multiselect(key="robust_fusions").set_value([]).run()
    assert "Choose at least one fusion method." in [w.value for w in lab.warning]


def test_a_one_modality_dataset_gets_a_warning_not_an_error():
    at = open_page(PAGE)
    ds = empty_dataset("mine")
    for name in ("a", "b"):
        ds = add_class(ds, name)
        for k in range(3):
            ds = add_sample(ds, name, text=f"{name} {k}")
    at.session_state["user_dataset"] = ds
    at.session_state["dataset_name"] = "your dataset"
    at.run()
    assert not at.exception
    assert any("needs two modalities" in w.value for w in at.warning)
    # The corruption tab stops short; the ⊕ vs ⊗ lesson in the other tab still shows whole.
    assert {"xor_regions", "xor_outer", "xor_weights"} <= {c.key for c in at.get("plotly_chart") if c.key}
    assert any("rank" in m.value for m in at.markdown)


def test_a_users_own_dataset_is_trained_in_the_session_only():
    at = open_page(PAGE)
    mine = make_xor_shapes(80, seed=5)
    at.session_state["user_dataset"] = mine
    at.session_state["dataset_name"] = "your dataset"
    at.run()
    assert_clean(at)
    lab = next(v for k, v in at.session_state["memo"].items() if k[0] == "lab")
    assert lab.dataset is mine
    assert all(v is not lab for v in _SHARED.values())
    assert any("on the 20 held-out samples" in c.value for c in at.caption)


def test_a_cross_modal_method_holds_up_against_a_noisy_picture_better_than_early_fusion():
    at = open_page(PAGE)
    at.multiselect(key="robust_fusions").set_value(["early", "shared-kcca"]).run()
    at.slider(key="robust_level_image").set_value(0.8).run()
    assert_clean(at)
    now = {r["method"]: r for r in _table(at, "now")}
    assert now["shared-kcca"]["clean"] >= now["early"]["clean"] - 0.01
    assert now["shared-kcca"]["now"] > now["early"]["now"] + 0.05  # measured AUC (image mix) 0.968 against 0.848
