"""The Robustness lab in Chinese: both tabs speak it, and its widgets still drive the page.

Fusion methods are listed by their names (``early``, ``late``), as in every table of results.
"""

from __future__ import annotations

import pytest

from mmdemo.fusion import FUSIONS
from tests.ui.conftest import CJK, assert_speaks_chinese, figures, open_page_zh


@pytest.fixture(scope="module")
def lab():
    return open_page_zh("5_Robustness_lab.py")


def test_both_tabs_are_in_chinese(lab):
    assert_speaks_chinese(lab, kept=FUSIONS)
    assert [tab.label for tab in lab.tabs] == ["破坏一个模态", "⊕ 与 ⊗：当模态相互作用时"]
    assert any("个留出样本上计算的" in c.value for c in lab.caption)
    assert any(CJK.search(m.value) and "xor-shapes" in m.value for m in lab.markdown)  # the ⊗ lesson tab
    assert any(c.value.startswith("xor-shapes：") for c in lab.caption)  # the widths caption
    tables = [d.value for d in lab.dataframe]
    assert any({"方法", "干净数据", "当前"} <= set(t.columns) for t in tables)
    assert any({"方法", "最强破坏时", "AUC"} <= set(t.columns) for t in tables)
    assert any({"方法", "计算式", "宽度"} <= set(t.columns) for t in tables)
    titles = [f.layout.title.text or "" for f in figures(lab)]
    assert "图像被破坏时的准确率（图像：混合；仅在测试时）" in titles, titles


def test_a_slider_moves_and_the_page_stays_chinese(lab):
    lab.slider(key="robust_level_image").set_value(0.8).run()
    assert_speaks_chinese(lab, kept=FUSIONS)
    assert lab.slider(key="robust_level_image").label.endswith("：破坏程度")
    now = next(d.value for d in lab.dataframe if "当前" in d.value.columns)
    assert (now["当前"] < now["干净数据"]).any()
    lab.slider(key="robust_level_image").set_value(0.0).run()


def test_all_modalities_retrained_both_ways(lab):
    lab.radio(key="robust_curve_for").set_value("all").run()
    lab.radio(key="robust_where").set_value("both").run()
    assert_speaks_chinese(lab, kept=FUSIONS)
    title = next(f.layout.title.text for f in figures(lab) if "被破坏时的准确率" in (f.layout.title.text or ""))
    assert title.startswith("所有模态被破坏时的准确率") and "训练和测试时" in title
    assert "both" not in title and "mix" not in title
    assert lab.radio(key="robust_where").format_func("both").startswith("训练和测试时")
    lab.radio(key="robust_where").set_value("test").run()
    lab.radio(key="robust_curve_for").set_value("image").run()


def test_the_lesson_sample_picker_works_in_chinese(lab):
    lab.selectbox(key="xor_example").set_value(3).run()
    assert_speaks_chinese(lab, kept=FUSIONS)
    assert any((f.layout.title.text or "").startswith("一个样本：") for f in figures(lab))
