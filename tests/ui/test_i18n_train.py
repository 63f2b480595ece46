"""Train & compare, Your own dataset and their shared widgets in Chinese: every visible text translated."""

from __future__ import annotations

from tests.ui.conftest import assert_speaks_chinese, figures, open_page_zh


def test_train_and_compare_in_chinese_on_xor_shapes():
    at = open_page_zh("2_Train_and_compare.py", dataset="xor-shapes")
    assert_speaks_chinese(at)
    assert at.button(key="train_button").label == "训练"
    assert "早期融合" in at.selectbox(key="train_fusion").format_func("early")
    at.selectbox(key="train_fusion").set_value("tensor")
    at.button(key="train_button").click().run()
    assert_speaks_chinese(at)
    assert float(at.metric[0].value) >= 0.9
    assert "留出" in " ".join(c.value for c in at.caption)
    assert list(figures(at)[0].data[0].x) == ["仅图像", "仅音频", "tensor"]

    at.button(key="compare_button").click().run()
    assert_speaks_chinese(at)
    table = at.dataframe[0].value
    assert list(table.columns) == ["方法组", "方法", "准确率", "宏平均 F1", "增益", "拟合用时（秒）"]
    assert list(table["方法"]) == [
        *["early", "late", "late-product", "late-stacking", "tensor", "lmf", "tensor-sketch"],
        *["shared-cca", "shared-pls", "shared-kcca", "shared-contrastive"],
    ]
    assert set(table["方法组"]) == {"多模态融合", "跨模态融合"}
    assert any(m.value.startswith("最佳") for m in at.markdown)


def test_no_modality_warning_in_chinese():
    at = open_page_zh("2_Train_and_compare.py")
    at.multiselect(key="train_modalities").set_value([]).run()
    assert_speaks_chinese(at)
    assert at.warning[0].value == "请至少选择一个模态。"


def test_a_bad_link_is_explained_in_chinese():
    at = open_page_zh("2_Train_and_compare.py", query={"fusion": "magic", "lang": "zh"})
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "fusion=magic" in notice and "可选值" in notice


def test_own_dataset_start_screen_and_building_in_chinese():
    at = open_page_zh("7_Your_own_dataset.py")
    assert_speaks_chinese(at)
    assert [tab.label for tab in at.tabs] == ["新建数据集", "导入 zip 文件"]
    at.button(key="own_create").click().run()
    assert_speaks_chinese(at)
    assert any("至少添加两个类别" in i.value for i in at.info)
    for name in ("cat", "dog"):
        at.text_input(key="own_class").input(name)
        at.button(key="own_add_class").click().run()
    assert_speaks_chinese(at)
    assert [tab.label for tab in at.tabs] == ["上传多个文件", "录音、拍照、绘画或输入一个样本"]
    for k, cls in enumerate(("cat", "dog")):
        at.selectbox(key="own_target").set_value(cls).run()
        files = [(f"{cls}{i}.txt", f"{('meow', 'woof')[k]} {i}".encode(), "text/plain") for i in range(6)]
        at.file_uploader(key=f"own_files_{at.session_state['own_nonce']}").set_value(files).run()
        at.button(key="own_add_files").click().run()
        assert at.success[0].value == f"已向类别 {cls} 添加 6 个样本。"
    at.multiselect(key="own_modalities").set_value(["text"]).run()
    at.button(key="own_train").click().run()
    assert_speaks_chinese(at)
    assert at.metric[0].label == "准确率（留出样本）"
