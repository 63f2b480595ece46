"""AppTest tests for every page: drive the widgets, check what a user would see."""

from __future__ import annotations

import pytest

from tests.ui.conftest import array, assert_clean, figures, open_page


def test_home_introduces_app_and_links_pages():
    at = open_page("app.py")
    assert_clean(at)
    assert "multimodal" in at.title[0].value.lower()
    text = " ".join(m.value for m in at.markdown)
    assert "av-digits" in text and "xor-shapes" in text
    labels = [link.proto.label for link in at.get("page_link")]
    assert {"Home", "Learn", "Robustness lab"} <= set(labels)  # the sidebar's page list
    assert sum("—" in label for label in labels) == 9  # "Where to start": every page but home


class TestDataExplorer:
    def test_counts_table_and_image_grid_for_av_digits(self):
        at = open_page("1_Data_explorer.py")
        assert_clean(at)
        counts = at.dataframe[0].value
        assert list(counts.columns) == [str(d) for d in range(10)]
        assert counts.loc["audio"].sum() == 5000
        grid = figures(at)[0]
        assert len([t for t in grid.data if t.type == "heatmap"]) == 16  # default: 16 samples per page

    def test_filtering_classes_shows_only_those_classes(self):
        at = open_page("1_Data_explorer.py")
        at.multiselect(key="explore_classes").set_value(["3"]).run()
        titles = [a.text for a in figures(at)[0].layout.annotations]
        assert titles and set(titles) == {"class 3"}

    def test_no_class_selected_gives_a_warning_not_an_error(self):
        at = open_page("1_Data_explorer.py")
        at.multiselect(key="explore_classes").set_value([]).run()
        assert_clean(at)
        assert "at least one class" in at.warning[0].value

    def test_audio_tab_plays_clip_with_waveform_and_spectrogram(self):
        at = open_page("1_Data_explorer.py", dataset="xor-shapes")
        assert_clean(at)
        assert len(at.get("audio")) == 1
        kinds = {f.layout.title.text for f in figures(at)[1:]}
        assert kinds == {"Waveform", "Mel spectrogram (dB)"}
        assert "agree" in at.dataframe[0].value.columns


@pytest.fixture
def xor():
    """A fresh Train & compare page on xor-shapes: each test starts from the defaults, in any order."""
    return open_page("2_Train_and_compare.py", dataset="xor-shapes")


class TestTrainAndCompare:
    def _train(self, at, fusion: str):
        at.selectbox(key="train_fusion").set_value(fusion)
        at.button(key="train_button").click().run()
        assert_clean(at)
        return float(at.metric[0].value)

    def test_before_training_the_page_says_what_to_do(self, xor):
        assert_clean(xor)
        assert "Train" in xor.info[0].value

    def test_tensor_fusion_solves_xor_and_early_does_not(self, xor):
        assert self._train(xor, "tensor") >= 0.9
        assert self._train(xor, "early") <= 0.65
        caption = " ".join(c.value for c in xor.caption)
        assert "seed 0" in caption and "held-out" in caption

    def test_comparison_chart_and_confusion_matrix_after_training(self, xor):
        self._train(xor, "late")
        figs = figures(xor)
        bars = figs[0].data[0]
        assert list(bars.x) == ["image alone", "audio alone", "late"]
        assert figs[1].data[0].type == "heatmap"
        assert int(array(figs[1].data[0].z).sum()) == 150  # 25% of 600 held out

    def test_the_most_confident_mistakes_are_wrong_held_out_samples_each_with_why(self, xor):
        self._train(xor, "tensor")
        n_wrong = 150 - int(array(figures(xor)[1].data[0].z).trace())
        assert 0 < n_wrong <= 12
        assert xor.expander[-2].label == f"The most confident mistakes of tensor ({n_wrong})"
        cards = [m.value for m in xor.markdown if ", true: " in m.value]
        assert len(cards) == n_wrong and all(c.startswith("❌") for c in cards)
        assert len(xor.table) == n_wrong  # one why table per card: image and audio, each alone and hidden
        why = xor.table[0].value
        assert list(why.columns) == ["modality", "alone", "without it", "Δ"]
        assert list(why["modality"]) == ["image", "audio"]
        assert "Click a cell of the matrix" in " ".join(c.value for c in xor.caption)

    def test_compare_all_fusion_methods(self, xor):
        xor.button(key="compare_button").click().run()
        assert_clean(xor)
        table = xor.dataframe[0].value
        multimodal = ["early", "late", "late-product", "late-stacking", "tensor", "lmf", "tensor-sketch"]
        cross_modal = ["shared-cca", "shared-pls", "shared-kcca", "shared-contrastive"]
        assert list(table["method"]) == multimodal + cross_modal
        assert list(table["group"]) == ["Multimodal fusion"] * 7 + ["Cross-modal fusion"] * 4
        best = table.loc[table["accuracy"].idxmax(), "method"]
        assert best in ("tensor", "lmf", "tensor-sketch")  # the methods with interactions
        # A shared space of two linear views cannot hold an XOR of them: cross-modal fusion stays at chance too.
        assert table.set_index("method").loc[cross_modal, "accuracy"].max() <= 0.65
        lines = [m.value for m in xor.markdown if m.value.startswith("Best ")]
        assert lines[0].startswith("Best multimodal method") and f"**{best}**" in lines[0]
        assert lines[1].startswith("Best cross-modal method (classifies in a shared space): **shared-")
        assert len(figures(xor)[0].data[0].x) == 13  # 2 single modalities + 11 methods
        # The samples behind the numbers: of the best method by default, of any method on asking.
        assert xor.selectbox(key="train_look_at").value == best
        xor.selectbox(key="train_look_at").set_value("early").run()
        assert_clean(xor)
        accuracy = table.set_index("method").loc["early", "accuracy"]
        assert xor.expander[-2].label.startswith("The most confident mistakes of early (12)")
        assert accuracy < 0.65  # at chance: far more than 12 mistakes, the 12 most confident shown

    def test_picking_cross_modal_fusion_offers_the_shared_spaces_and_trains_one(self, xor):
        group = xor.radio(key="train_fusion_group")
        assert group.value == "multimodal"
        assert group.options == ["Multimodal fusion", "Cross-modal fusion"]
        assert "first learn a space the modalities share" in list(group.proto.captions)[1]
        group.set_value("cross-modal").run()
        picker = xor.selectbox(key="train_fusion")
        assert picker.options[0].startswith("shared CCA space")
        assert picker.value == "shared-cca" and len(picker.options) == 4
        picker.set_value("shared-kcca")
        xor.button(key="train_button").click().run()
        assert_clean(xor)
        assert xor.session_state["trained"].result.fusion == "shared-kcca"
        assert xor.session_state["trained"].result.group == "cross-modal"
        assert "fusion shared-kcca" in " ".join(c.value for c in xor.caption)
        xor.radio(key="train_fusion_group").set_value("multimodal").run()
        assert xor.selectbox(key="train_fusion").value == "early"  # a method of the other group is not kept

    def test_seed_and_split_change_the_held_out_count(self, xor):
        xor.slider(key="train_test_size").set_value(0.5)
        xor.number_input(key="train_seed").set_value(3)
        self._train(xor, "tensor")
        caption = " ".join(c.value for c in xor.caption)
        assert "scored on 300 held-out samples" in caption and "seed 3" in caption

    def test_cross_validation_reports_five_folds(self, xor):
        xor.checkbox(key="train_cv").check()
        self._train(xor, "tensor")
        cv_text = next(m.value for m in xor.markdown if "cross-validation" in m.value)
        folds = cv_text.split("folds ")[1].split(", ")
        assert len(folds) == 5 and all(float(f) >= 0.85 for f in folds)

    def test_no_modality_warns_and_disables_training(self):
        at = open_page("2_Train_and_compare.py", dataset="xor-shapes")
        at.multiselect(key="train_modalities").set_value([]).run()
        assert_clean(at)
        assert at.button(key="train_button").disabled
        assert "at least one modality" in at.warning[0].value

    def test_corrupting_text_lowers_text_accuracy_on_av_digits(self):
        at = open_page("2_Train_and_compare.py")
        at.multiselect(key="train_modalities").set_value(["image", "text"]).run()
        at.button(key="train_button").click().run()
        clean_bars = figures(at)[0].data[0]
        at.slider(key="train_corrupt_text").set_value(1.0)
        at.button(key="train_button").click().run()
        assert_clean(at)
        noisy_bars = figures(at)[0].data[0]
        text_idx = list(clean_bars.x).index("text alone")
        assert array(noisy_bars.y)[text_idx] < array(clean_bars.y)[text_idx] - 0.1


class TestFeatureSpace:
    def test_default_view_is_a_2d_pca_of_images_coloured_by_class(self):
        at = open_page("3_Feature_space.py")
        assert_clean(at)
        fig = figures(at)[0]
        assert len(fig.data) == 10 and {t.type for t in fig.data} == {"scatter"}
        assert sum(len(array(t.x)) for t in fig.data) == 600

    def test_fused_tensor_view_in_3d(self):
        at = open_page("3_Feature_space.py", dataset="xor-shapes")
        at.selectbox(key="space_view").set_value("fused: tensor ⊗")
        at.radio(key="space_dims").set_value(3).run()
        assert_clean(at)
        fig = figures(at)[0]
        assert {t.type for t in fig.data} == {"scatter3d"}
        assert [t.name for t in fig.data] == ["agree", "differ"]
        assert "81 feature dimensions" in " ".join(c.value for c in at.caption)


class TestScenesOnEveryPage:
    """The instance-paired scenes set works where the other bundled sets do."""

    def test_explorer_shows_scenes_in_colour_with_their_captions(self):
        at = open_page("1_Data_explorer.py", dataset="scenes")
        assert_clean(at)
        assert list(at.dataframe[0].value.columns) == ["circle", "square", "triangle"]
        grid = figures(at)[0]
        pictures = [t for t in grid.data if t.type == "image"]
        assert len(pictures) == 16 and array(pictures[0].z).shape == (48, 48, 3)
        text = " ".join(m.value for m in at.markdown) + " ".join(str(tb.value) for tb in at.table)
        assert "left of" in text or "above" in text  # the captions are shown

    def test_train_reads_the_first_shape_far_above_chance(self):
        at = open_page("2_Train_and_compare.py", dataset="scenes")
        at.button(key="train_button").click().run()
        assert_clean(at)
        accuracy = next(m for m in at.metric if m.label.lower().startswith("accuracy"))
        assert float(accuracy.value) > 0.9  # chance 0.34

    def test_feature_space_and_robustness_lab_open_on_scenes(self):
        for page in ("3_Feature_space.py", "5_Robustness_lab.py"):
            at = open_page(page, dataset="scenes")
            assert_clean(at)
            assert figures(at), page
