"""AppTest tests for the Cross-modal lab: shared space, retrieval gallery, transfer, missing modality."""

from __future__ import annotations

import numpy as np
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


def test_missing_modality_table_shows_the_shared_space_needs_no_imputation():
    """scenes, seed 0: given the picture alone, ⊕ with mean imputation reads 0.636, shared-CCA fusion 0.872."""
    at = open_page(PAGE, dataset="scenes")
    at.button(key="xm_missing_button").click().run()
    assert_clean(at)
    table = at.dataframe[-1].value
    assert {"shared-cca", "shared-pls", "shared-kcca", "shared-contrastive"} <= set(table["fusion"])
    alone = table[table["present"] == "image"].set_index("fusion")["fusion default"]
    assert alone["shared-cca"] > alone["early"] + 0.15
    assert at.button(key="xm_missing_button").click().run().dataframe[-1].value.equals(table)  # remembered


def test_same_modality_twice_is_impossible_to_choose(lab):
    assert lab.selectbox(key="xm_target").value not in {lab.selectbox(key="xm_query").value}


# ------------------------------------------------------------------ scenes: paired by instance
@pytest.fixture(scope="module")
def scenes_lab():
    at = open_page(PAGE, dataset="scenes")
    at.selectbox(key="xm_target").set_value("text").run()
    return at


def test_on_instance_pairs_recall_and_median_rank_are_the_headline_with_chance(scenes_lab):
    assert_clean(scenes_lab)
    labels = [m.label for m in scenes_lab.metric[:4]]
    assert labels == ["R@1", "R@5", "R@10", "median rank"]
    r10, chance = float(scenes_lab.metric[2].value), float(scenes_lab.metric[2].delta.split()[-1])
    assert chance == pytest.approx(10 / 250) and r10 > 10 * chance
    rank, chance_rank = float(scenes_lab.metric[3].value), float(scenes_lab.metric[3].delta.split()[-1])
    assert chance_rank == 125.5 and rank < 15
    assert not any("random pick within the class" in i.value for i in scenes_lab.info)  # no label-pair warning
    assert any("seed 0" in c.value and "25% of the data held out" in c.value for c in scenes_lab.caption)


def test_contrastive_training_turns_the_matrix_diagonal_and_sits_beside_cca(scenes_lab):
    at = scenes_lab
    assert not [f for f in figures(at) if "Held-out pairs after epoch" in (f.layout.title.text or "")]
    at.button(key="xm_train_button").click().run()
    assert_clean(at)
    matrix = next(f for f in figures(at) if (f.layout.title.text or "").startswith("Held-out pairs after epoch 60"))
    S = array(matrix.data[0].z)
    off = S[~np.eye(len(S), dtype=bool)]
    assert S.shape == (10, 10) and np.diag(S).mean() > off.mean() + 0.3
    at.slider(key="xm_train_epoch").set_value(1).run()
    first = next(f for f in figures(at) if (f.layout.title.text or "").startswith("Held-out pairs after epoch 1:"))
    S1 = array(first.data[0].z)
    assert np.diag(S).mean() - off.mean() > np.diag(S1).mean() - S1[~np.eye(10, dtype=bool)].mean()
    table = next(tb.value for tb in at.table if "contrastive" in tb.value.columns)
    assert list(table.columns) == ["score", "contrastive", "CCA", "chance"]
    r10 = table.set_index("score").loc["R@10"]
    assert float(r10["contrastive"]) >= float(r10["CCA"]) > 5 * float(r10["chance"])
    assert any("60 epochs in" in c.value and "temperature 0.2" in c.value for c in at.caption)


def test_imagine_tab_paints_scenes_from_captions_and_says_what_it_only_retrieves(scenes_lab):
    at = scenes_lab
    assert any("generates pictures only" in i.value for i in at.info)  # image -> text: retrieved, not generated
    at.selectbox(key="xm_query").set_value("text").run()
    at.selectbox(key="xm_target").set_value("image").run()
    assert_clean(at)
    read_as = next(m for m in at.metric if m.label == "imagined pictures read as the query's class")
    assert float(read_as.value) >= 0.8 and float(read_as.delta.split()[-1]) < 0.4
    table = next(tb.value for tb in at.table if "attribute" in tb.value.columns)
    assert len(table) == 4 and set(table.columns) == {"attribute", "value", "on the real pictures", "chance"}
    grid = figures(at)[-1]
    assert [a.text for a in grid.layout.annotations][0] == "imagined"
    assert grid.data[0].type == "image" and array(grid.data[0].z).shape == (48, 48, 3)  # drawn in colour


def test_training_on_label_pairs_says_why_same_class_pairs_are_positives(lab):
    assert any("paired by label" in i.value and "same class" in i.value for i in lab.info)
