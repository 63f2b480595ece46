"""AppTest tests for the Cross-modal lab: shared space, retrieval gallery, transfer, missing modality."""

from __future__ import annotations

import pytest

from tests.ui.conftest import array, assert_clean, figures, open_page

PAGE = "4_Cross_modal_lab.py"


@pytest.fixture(scope="module")
def lab():
    return open_page(PAGE)


def test_av_digits_image_to_audio_is_far_above_chance_and_says_pairs_are_by_label(lab):
    assert_clean(lab)
    assert "no better than a random pick within the class" in lab.info[0].value
    mean_ap = float(lab.metric[0].value)
    chance = float(lab.metric[0].delta.split()[-1])
    assert mean_ap > 3 * chance
    corr = next(f for f in figures(lab) if "Canonical correlation" in f.layout.title.text)
    values = array(corr.data[0].y)
    assert len(values) == 8 and all(values[:-1] >= values[1:])  # sorted, strongest first


def test_shared_space_plot_has_both_modalities_and_optional_pair_lines(lab):
    space = figures(lab)[0]
    names = {t.name for t in space.data}
    assert {"3 · image", "3 · audio"} <= names
    lab.toggle(key="xm_lines").set_value(True).run()
    assert figures(lab)[0].data[0].name == "pairs"
    lab.radio(key="xm_dims").set_value(3).run()
    assert figures(lab)[0].data[1].type == "scatter3d"


def test_gallery_shows_the_top_eight_with_similarities():
    lab = open_page(PAGE)
    lab.selectbox(key="xm_query").set_value("audio").run()
    assert lab.selectbox(key="xm_target").value == "image"
    gallery = next(f for f in figures(lab) if f.layout.annotations and "sim" in f.layout.annotations[0].text)
    sims = [float(a.text.split("sim ")[1]) for a in gallery.layout.annotations]
    assert len(sims) == 8 and sims == sorted(sims, reverse=True)


def test_text_query_retrieves_images(lab):
    lab.selectbox(key="xm_query").set_value("text").run()
    lab.selectbox(key="xm_target").set_value("image").run()
    lab.radio(key="xm_query_source").set_value("my own").run()
    lab.text_input(key="xm_own_text").input("sieben").run()
    assert_clean(lab)
    gallery = next(f for f in figures(lab) if f.layout.annotations and "sim" in f.layout.annotations[0].text)
    classes = [a.text.split("class ")[1].split(" ")[0] for a in gallery.layout.annotations]
    assert classes.count("7") >= 6  # "sieben" finds mostly sevens


def test_transfer_panel_reports_transfer_beside_the_target_baselines(lab):
    labels = [m.label for m in lab.metric]
    assert any("→" in label and "(transfer)" in label for label in labels)
    assert "chance (largest class)" in labels


def test_missing_modality_experiment_fills_the_table():
    at = open_page(PAGE, dataset="xor-shapes")
    at.button(key="xm_missing_button").click().run()
    assert_clean(at)
    table = at.dataframe[-1].value
    assert {"fusion", "present"} <= set(table.columns)
    tensor_full = table[(table["fusion"] == "tensor") & (table["present"] == "image+audio")]["none"].iloc[0]
    assert tensor_full >= 0.9


def test_same_modality_twice_is_impossible_to_choose(lab):
    assert lab.selectbox(key="xm_target").value not in {lab.selectbox(key="xm_query").value}
