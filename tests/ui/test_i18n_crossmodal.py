"""The Cross-modal lab and Try it yourself in Simplified Chinese: every visible text translated."""

from __future__ import annotations

import pytest

from mmdemo.ui.i18n import catalogue
from tests.ui.conftest import assert_speaks_chinese, figures, open_page_zh


def test_only_the_layout_of_a_list_item_reads_the_same_in_both_languages():
    en, zh = catalogue("en"), catalogue("zh")
    same = {k for k in en if k.startswith("crossmodal.") and en[k] == zh[k]}
    assert same == {"crossmodal.option", "crossmodal.strategy_item"}


@pytest.fixture(scope="module")
def lab():
    return open_page_zh("4_Cross_modal_lab.py")


def test_every_tab_of_the_cross_modal_lab_speaks_chinese(lab):
    assert_speaks_chinese(lab)
    assert [tab.label for tab in lab.tabs] == ["共享空间", "检索", "迁移", "对比学习训练", "想象", "模态缺失"]
    assert any(m.label == "mAP（类别级）" for m in lab.metric)
    assert any("（迁移）" in m.label for m in lab.metric)
    assert float(lab.metric[0].delta.split()[-1]) > 0  # "随机水平 0.100": the number still ends the delta
    assert "图像" in figures(lab)[0].layout.title.text


def test_a_typed_query_retrieves_with_chinese_captions(lab):
    lab.selectbox(key="xm_query").set_value("text").run()
    lab.selectbox(key="xm_target").set_value("image").run()
    lab.radio(key="xm_query_source").set_value("my own").run()
    lab.text_input(key="xm_own_text").input("sieben").run()
    assert_speaks_chinese(lab)
    assert any(h.value == "用一个文本样本检索留出的图像样本" for h in lab.subheader)
    gallery = next(f for f in figures(lab) if f.layout.annotations and "相似度" in f.layout.annotations[0].text)
    assert len(gallery.layout.annotations) == 8


def test_the_missing_modality_experiment_in_chinese():
    at = open_page_zh("4_Cross_modal_lab.py", dataset="xor-shapes")
    at.button(key="xm_missing_button").click().run()
    assert_speaks_chinese(at)
    assert {"fusion", "present"} <= set(at.dataframe[-1].value.columns)  # the data keeps its names
    assert any("现有模态" in c.value for c in at.caption)


def test_try_it_yourself_predicts_a_typed_word_in_chinese():
    at = open_page_zh("6_Try_it_yourself.py")
    assert_speaks_chinese(at)
    assert "默认模型" in at.info[0].value
    at.text_input(key="try_text").input("seven").run()
    assert_speaks_chinese(at)
    heading = next(h.value for h in at.subheader if h.value.startswith("预测："))
    assert heading == "预测：7"
    assert at.selectbox(key="try_missing").label == "缺少一种模态：预测方式"
    assert [f.layout.title.text for f in figures(at)][:2] == ["融合模型", "仅 文本"]
    assert "想象它的图片" in [h.value for h in at.subheader]
