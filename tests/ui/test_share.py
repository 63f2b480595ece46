"""Shareable lessons: a link's settings open the same experiment; bad values fall back with a notice."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import assert_clean, open_page


def _open(**params) -> AppTest:
    return open_page("2_Train_and_compare.py", query=params)


def test_a_shared_link_sets_dataset_modalities_fusion_classifier_corruption_and_language():
    at = _open(
        dataset="xor-shapes",
        modalities="image,audio",
        fusion="tensor",
        classifier="knn",
        seed="7",
        corrupt="image=0.4",
        lang="zh",
    )
    assert_clean(at)
    assert at.selectbox(key="dataset_picker").value == "xor-shapes"
    assert at.multiselect(key="train_modalities").value == ["image", "audio"]
    assert at.selectbox(key="train_fusion").value == "tensor"
    assert at.selectbox(key="train_classifier").value == "knn"
    assert at.slider(key="train_corrupt_image").value == 0.4
    assert at.number_input(key="train_seed").value == 7
    assert at.radio(key="lang_picker").value == "zh"
    assert not at.warning


def test_a_shared_link_to_a_cross_modal_method_opens_its_group():
    at = _open(dataset="xor-shapes", fusion="shared-pls")
    assert_clean(at)
    assert at.radio(key="train_fusion_group").value == "cross-modal"
    assert at.selectbox(key="train_fusion").value == "shared-pls"


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


def _open_robustness(**params) -> AppTest:
    return open_page("5_Robustness_lab.py", query=params, timeout=300)


def test_a_robustness_link_sets_methods_classifier_seed_corruption_curves_and_place():
    at = _open_robustness(
        dataset="xor-shapes",
        fusions="early,tensor",
        classifier="knn",
        seed="3",
        test_corrupt="image:blur=0.6,audio=0.3",
        curve="audio",
        where="both",
    )
    assert_clean(at)
    assert not at.warning
    assert at.selectbox(key="dataset_picker").value == "xor-shapes"
    assert at.multiselect(key="robust_fusions").value == ["early", "tensor"]
    assert at.selectbox(key="robust_classifier").value == "knn"
    assert at.number_input(key="robust_seed").value == 3
    assert at.selectbox(key="robust_kind_image").value == "blur"
    assert at.slider(key="robust_level_image").value == 0.6
    assert at.selectbox(key="robust_kind_audio").value == "noise"  # the default kind when none is named
    assert at.slider(key="robust_level_audio").value == 0.3
    assert at.radio(key="robust_curve_for").value == "audio"
    assert at.radio(key="robust_where").value == "both"
    assert "seed 3" in " ".join(c.value for c in at.caption)  # the numbers shown are for the linked seed
    # the URL written back is the link itself, so the lesson can be passed on again
    assert _flat(at.query_params) == {
        "dataset": "xor-shapes",
        "fusions": "early,tensor",
        "classifier": "knn",
        "seed": "3",
        "test_corrupt": "image:blur=0.6,audio=0.3",
        "curve": "audio",
        "where": "both",
        "lang": "en",
    }


def _flat(params) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in dict(params).items()}


def test_the_robustness_url_follows_its_sliders():
    at = _open_robustness()
    assert "test_corrupt" not in _flat(at.query_params)  # nothing corrupted yet
    at.selectbox(key="robust_kind_text").set_value("typos").run()
    at.slider(key="robust_level_text").set_value(0.5).run()
    at.radio(key="robust_curve_for").set_value("text").run()
    url = _flat(at.query_params)
    assert url["test_corrupt"] == "text:typos=0.5" and url["curve"] == "text" and url["where"] == "test"
    assert url["fusions"] == "early,late,tensor" and url["dataset"] == "av-digits"


def test_invalid_robustness_values_fall_back_with_a_notice_naming_each():
    at = _open_robustness(
        fusions="early,magic", seed="-3", test_corrupt="image:sparkle=2", curve="smell", where="nowhere"
    )
    assert not at.exception
    notice = at.warning[0].value
    for shown in ("fusions=early,magic", "seed=-3", "test_corrupt=image:sparkle=2", "curve=smell", "where=nowhere"):
        assert shown in notice, shown
    assert at.multiselect(key="robust_fusions").value == ["early", "late", "tensor"]
    assert at.number_input(key="robust_seed").value == 0
    assert at.slider(key="robust_level_image").value == 0.0
    assert at.radio(key="robust_curve_for").value == "image"
    assert at.radio(key="robust_where").value == "test"
