"""The Classroom page: a teacher starts a class, students join by code or link and contribute; the dashboard counts."""

from __future__ import annotations

import pytest

from mmdemo.ui.classroom import class_store
from tests.ui.conftest import open_page
from tests.ui.test_try_it_yourself import prediction

PAGE = "9_Classroom.py"


def _submit(at, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def _open(query: dict | None = None):
    """The Classroom page inside the app (from the home page), so the test can switch to other pages."""
    at = open_page("app.py", query=query)
    at.switch_page(f"pages/{PAGE}").run()
    return at


def _start(labels: str = "cat, dog"):
    at = _open()
    at.text_input(key="classroom_new_name").input("3B")
    at.text_input(key="classroom_new_labels").input(labels)
    _submit(at, "Start the class")
    assert not at.exception
    return at


def _code(teacher) -> str:
    return class_store().class_info(teacher.session_state["classroom_teacher"])["code"]


def _join(code: str, name: str):
    at = _open({"join": code})
    at.text_input(key="classroom_name").input(name)
    _submit(at, "Join")
    assert not at.exception
    return at


def _give(at, label: str, word: str) -> None:
    at.selectbox(key="classroom_label").set_value(label).run()
    at.text_input(key=f"classroom_text_{at.session_state['classroom_nonce']}").input(word).run()
    at.button(key="classroom_add").click().run()


def test_a_teacher_starts_a_class_and_sees_its_code_link_and_qr():
    at = _start()
    code = _code(at)
    text = " ".join(m.value for m in at.markdown)
    assert code in text and f"/Classroom?join={code}" in text
    assert len(at.get("image")) == 1  # the QR code
    assert any("0 students, 0 samples" in h.value for h in at.subheader)


def test_students_join_by_the_link_contribute_and_see_only_their_own():
    teacher = _start()
    code = _code(teacher)
    ada = open_page(PAGE, query={"join": code})
    assert ada.text_input(key="classroom_code").value == code  # the link fills the code in
    ada = _join(code, "Ada")
    assert "Ada" in ada.subheader[0].value
    _give(ada, "cat", "meow")
    assert not ada.exception and "Saved: one sample of cat." in ada.success[0].value
    bob = _join(code, "Bob")
    _give(bob, "dog", "woof")
    mine = bob.dataframe[0].value
    assert list(mine["student"]) == ["Bob"] and list(mine["label"]) == ["dog"]  # not Ada's
    counts = bob.dataframe[-1].value.set_index("label")
    assert counts.loc["cat", "text"] == 1 and counts.loc["dog", "text"] == 1  # the class's counts
    teacher.run()
    assert any("2 students, 2 samples" in h.value for h in teacher.subheader)


@pytest.mark.parametrize("code", ["ZZZZZZZZ", "not a code"])
def test_a_wrong_code_is_refused_without_saying_whether_a_class_exists(code):
    at = open_page(PAGE, query={"join": code})
    at.text_input(key="classroom_name").input("Eve")
    _submit(at, "Join")
    assert not at.exception
    assert "No class answers to this code" in at.error[0].value
    assert at.session_state["classroom_student"] is None


def test_bad_input_into_the_form_says_why_and_keeps_the_students_samples():
    at = _join(_code(_start()), "Ada")
    _give(at, "cat", "meow")
    at.button(key="classroom_add").click().run()  # nothing given this time
    assert not at.exception
    assert "Give a drawing or photo, a recording or a word" in at.error[0].value
    assert len(at.dataframe[0].value) == 1  # the first sample is still there


def test_the_teacher_uses_the_class_data_on_every_page():
    teacher = _start()
    at = _join(_code(teacher), "Ada")
    for label, word in (("cat", "meow"), ("dog", "woof"), ("cat", "purr"), ("dog", "bark")):
        _give(at, label, word)
    teacher.run()
    teacher.button(key="classroom_use").click().run()
    assert not teacher.exception
    ds = teacher.session_state["user_dataset"]
    assert ds.n_samples == 4 and ds.pairing == "instance" and ds.data["text"] == ["meow", "woof", "purr", "bark"]
    assert teacher.session_state["dataset_name"] == "your dataset"


def test_the_page_in_chinese():
    from tests.ui.conftest import assert_speaks_chinese, open_page_zh

    at = open_page_zh(PAGE)
    assert_speaks_chinese(at)
    assert [tab.label for tab in at.tabs] == ["创建班级（老师）", "加入班级（学生）"]


def test_the_teacher_trains_on_the_class_data_publishes_and_a_students_try_it_uses_it():
    teacher = _start()
    ada = _join(_code(teacher), "Ada")
    for k in range(6):
        _give(ada, "cat", f"meow {k}")
        _give(ada, "dog", f"woof {k}")
    teacher.run()
    assert teacher.button(key="classroom_publish").disabled  # nothing trained on the class data yet
    teacher.button(key="classroom_use").click().run()
    teacher.switch_page("pages/2_Train_and_compare.py").run()
    teacher.button(key="train_button").click().run()
    assert not teacher.exception
    teacher.switch_page("pages/9_Classroom.py").run()
    teacher.button(key="classroom_publish").click().run()
    assert "Published" in teacher.success[0].value
    ada.switch_page("pages/6_Try_it_yourself.py").run()
    assert "published to class 3B by your teacher" in ada.info[0].value
    ada.text_input(key="try_text").input("meow meow").run()
    assert not ada.exception
    assert prediction(ada) == "cat"  # the class's labels: the default digits model knows no cats
