"""Shareable lessons: a link's settings open the same experiment; bad values fall back with a notice."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import ROOT, assert_clean

PAGE = str(ROOT / "pages/2_Train_and_compare.py")


def _open(**params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=240)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    return at


def test_a_shared_link_sets_dataset_modalities_fusion_classifier_corruption_and_language():
    at = _open(
        dataset="xor-shapes",
        modalities="image,audio",
        fusion="tensor",
        classifier="knn",
        corrupt="image=0.4",
        lang="zh",
    )
    assert_clean(at)
    assert at.selectbox(key="dataset_picker").value == "xor-shapes"
    assert at.multiselect(key="train_modalities").value == ["image", "audio"]
    assert at.selectbox(key="train_fusion").value == "tensor"
    assert at.selectbox(key="train_classifier").value == "knn"
    assert at.slider(key="train_corrupt_image").value == 0.4
    assert at.radio(key="lang_picker").value == "zh"
    assert not at.warning


def test_the_url_follows_the_settings_so_copying_it_shares_them():
    at = _open()
    at.selectbox(key="train_fusion").set_value("late").run()
    assert at.query_params["fusion"] == ["late"] or at.query_params["fusion"] == "late"
    assert "dataset" in at.query_params and "classifier" in at.query_params


def test_invalid_values_fall_back_to_defaults_with_a_notice():
    at = _open(dataset="mnist", fusion="magic", classifier="knn", lang="fr")
    assert not at.exception
    notice = at.warning[0].value
    assert "dataset=mnist" in notice and "fusion=magic" in notice and "lang=fr" in notice
    assert at.selectbox(key="dataset_picker").value == "av-digits"
    assert at.selectbox(key="train_fusion").value == "early"
    assert at.selectbox(key="train_classifier").value == "knn"  # the valid part of the link still applies
    at.run()
    assert not at.warning  # said once, not on every rerun
