"""The home page, Data explorer and Feature space in Chinese; the common names agree with the core in English."""

from __future__ import annotations

import pytest

from mmdemo.datasets import BUNDLED, load_dataset
from mmdemo.projection import PROJECTIONS
from mmdemo.ui.i18n import catalogue
from tests.ui.conftest import CJK, assert_speaks_chinese, figures, open_page_zh

# -- the English names ---------------------------------------------------------------------------


def test_shared_names_and_dataset_texts_match_the_core_in_english():
    en = catalogue("en")
    assert {k: en[f"names.projection.{k}"] for k in PROJECTIONS} == PROJECTIONS
    for name, (_, summary) in BUNDLED.items():
        assert en[f"home.dataset.{name}"] == summary
        assert en[f"explorer.description.{name}"] == load_dataset(name).description  # else it is shown untranslated
    assert [en[f"names.modality.{m}"] for m in ("image", "audio", "text")] == ["image", "audio", "text"]


# -- the pages in Chinese ---------------------------------------------------------------------


def test_home_page_in_chinese():
    at = open_page_zh("app.py")
    assert_speaks_chinese(at)
    assert len(at.get("page_link")) == 19  # 10 in the sidebar, 9 under "where to start"
    assert all(CJK.search(el.proto.label) for el in at.get("page_link"))
    text = " ".join(m.value for m in at.markdown)
    assert "av-digits" in text and "xor-shapes" in text and "多模态学习" in text


def test_data_explorer_in_chinese_images_text_and_sidebar():
    at = open_page_zh("1_Data_explorer.py")
    assert_speaks_chinese(at)
    assert [tab.label for tab in at.tabs] == ["图像", "音频", "文本"]
    assert "音频" in at.dataframe[0].value.index
    assert list(at.dataframe[1].value.columns) == ["类别", "文本", "样本"]
    assert {a.text for a in figures(at)[0].layout.annotations} <= {f"类别 {d}" for d in range(10)}
    assert any("个样本" in c.value for c in at.sidebar.caption)
    at.multiselect(key="explore_classes").set_value([]).run()
    assert_speaks_chinese(at)
    assert "至少选择一个类别" in at.warning[0].value


def test_data_explorer_in_chinese_audio():
    at = open_page_zh("1_Data_explorer.py", dataset="xor-shapes")
    assert_speaks_chinese(at)
    assert at.selectbox(key="explore_clip").options[0].startswith("类别 ")
    assert any("采样率" in c.value for c in at.caption)
    assert {f.layout.title.text for f in figures(at)[1:]} == {"波形", "梅尔频谱图（dB）"}


@pytest.mark.parametrize("view", ["image", "fused: early ⊕"])
def test_feature_space_in_chinese(view):
    at = open_page_zh("3_Feature_space.py", dataset="xor-shapes")
    assert_speaks_chinese(at)
    at.selectbox(key="space_view").set_value(view)
    at.selectbox(key="space_method").set_value("tsne")
    at.slider(key="space_n").set_value(100)
    at.radio(key="space_dims").set_value(3).run()
    assert_speaks_chinese(at)
    assert at.selectbox(key="space_view").value == view  # the value stays; only its label is translated
    assert "融合：早期融合 ⊕" in at.selectbox(key="space_view").options
    assert "t-SNE（非线性，保留近邻关系）" in at.selectbox(key="space_method").options
    title = figures(at)[0].layout.title.text
    assert "3 维" in title and "个样本" in title
    assert any("维特征投影到 3 维" in c.value for c in at.caption)
