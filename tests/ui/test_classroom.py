"""The Classroom page: a teacher starts a class, students join by code or link and contribute; the dashboard counts."""

from __future__ import annotations

import pytest

from mmdemo.datasets import export_zip, load_zip
from mmdemo.ui.stores import class_store
from tests.data.make_bad_inputs import CASES
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
    at.text_input(key=f"classroom_text_{_nonce(at)}").input(word).run()
    at.button(key="classroom_add").click().run()


def _nonce(at) -> int:
    """The suffix of the contribution inputs' keys now: the student's number of samples."""
    return class_store().given(at.session_state["classroom_student"].token)


def test_a_teacher_starts_a_class_and_sees_its_code_link_and_qr():
    at = _start()
    code = _code(at)
    text = " ".join(m.value for m in at.markdown)
    assert code in text and f"/Classroom?join={code}" in text
    assert len(at.get("image")) == 1  # the QR code
    assert any("students: 0, samples: 0" in h.value for h in at.subheader)


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
    assert _cards(bob) == [" · dog · Bob"] and [x.value for x in bob.text] == ["woof"]  # not Ada's
    counts = bob.dataframe[0].value.set_index("label")
    assert counts.loc["cat", "text"] == 1 and counts.loc["dog", "text"] == 1  # the class's counts
    teacher.run()
    assert any("students: 2, samples: 2" in h.value for h in teacher.subheader)
    teacher.toggle(key="classroom_gallery").set_value(True).run()  # the teacher opens the gallery
    bob.run()
    assert _cards(bob) == [" · dog · Bob", " · cat · Ada"]  # newest first
    assert len(_delete_buttons(bob)) == 1  # only his own has a delete button


def _cards(at) -> list[str]:
    """The gallery's cards as ' · label · student', newest first."""
    return [c.value[c.value.index(" ") :] for c in at.caption if c.value.startswith("#")]


def _delete_buttons(at) -> list:
    return [b for b in at.button if b.key and b.key.startswith("classroom_del_")]


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
    assert _cards(at) == [" · cat · Ada"]  # the first sample is still there


FILES = [c for c in CASES if c.use in ("image", "audio") and not c.big]


@pytest.mark.parametrize("case", FILES, ids=lambda c: c.name)
def test_every_file_of_the_bad_input_corpus_into_the_form_is_saved_or_refused_by_name(case):
    at = _join(_code(_start()), "Ada")
    _give(at, "cat", "meow")
    nonce = _nonce(at)
    at.button_group(key=f"classroom_{case.use}_{nonce}_source").set_value("Upload").run()
    at.file_uploader(key=f"classroom_{case.use}_{nonce}_upload").set_value(
        (case.name, case.make(), "application/octet-stream")
    ).run()
    at.text_input(key=f"classroom_text_{nonce}").input("purr").run()
    add = at.button(key="classroom_add")
    assert not at.exception
    if case.expect is None:
        add.click().run()
        assert _cards(at) == [" · cat · Ada", " · cat · Ada"] and not at.error
        assert _nonce(at) == nonce + 1  # the form is cleared for the next sample
    else:
        assert len(at.error) == 1 and case.name in at.error[0].value and case.expect in at.error[0].value
        assert add.disabled  # never saved without the file the student meant to give
        assert any("could not be read" in c.value for c in at.caption)
        assert _cards(at) == [" · cat · Ada"] and [x.value for x in at.text] == ["meow"]  # the first one intact
        assert at.text_input(key=f"classroom_text_{nonce}").value == "purr"  # nothing typed is lost


def test_a_student_deletes_their_own_sample_from_the_gallery():
    at = _join(_code(_start()), "Ada")
    _give(at, "cat", "meow")
    _give(at, "dog", "woof")
    at.selectbox(key="classroom_show").set_value("dog").run()
    assert _cards(at) == [" · dog · Ada"]
    _delete_buttons(at)[0].click().run()
    assert not at.exception and _cards(at) == []
    at.selectbox(key="classroom_show").set_value("All labels").run()
    assert _cards(at) == [" · cat · Ada"]


def test_the_teachers_gallery_shows_everyones_samples_and_deletes_any():
    teacher = _start()
    code = _code(teacher)
    _give(_join(code, "Ada"), "cat", "meow")
    _give(_join(code, "Bob"), "dog", "woof")
    teacher.run()
    assert _cards(teacher) == [" · dog · Bob", " · cat · Ada"]
    assert any("Gallery: every sample of the class (2)" in e.label for e in teacher.expander)
    next(b for b in _delete_buttons(teacher) if b.key.endswith(str(_ids(teacher)[0]))).click().run()
    assert not teacher.exception and _cards(teacher) == [" · cat · Ada"]
    assert any("students: 2, samples: 1" in h.value for h in teacher.subheader)


def _ids(at) -> list[int]:
    return [int(c.value[1:].split(" ", 1)[0]) for c in at.caption if c.value.startswith("#")]


def test_wrong_codes_are_slowed_down_more_each_time(monkeypatch):
    from mmdemo.ui import classroom

    waits: list[float] = []
    monkeypatch.setattr(classroom, "sleep", waits.append)
    at = open_page(PAGE, query={"join": "ZZZZZZZZ"})
    at.text_input(key="classroom_name").input("Eve")
    for _ in range(7):
        _submit(at, "Join")
        assert "No class answers to this code" in at.error[0].value
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert at.session_state["classroom_student"] is None


ZIPS = [c for c in CASES if c.use == "zip" and not c.big]


@pytest.mark.parametrize("case", ZIPS, ids=lambda c: c.name)
def test_a_class_starts_from_a_dataset_zip_or_says_why_not(case):
    at = _open()
    at.text_input(key="classroom_new_name").input("3B")
    at.file_uploader(key="classroom_zip").set_value((case.name, case.make(), "application/zip"))
    _submit(at, "Start the class")
    assert not at.exception
    classes = [] if case.expect is not None else load_zip(case.make())[0].class_names
    if len(classes) >= 2:
        token = at.session_state["classroom_teacher"]
        info = class_store().class_info(token)
        assert info["samples"] > 0 and any(f"imported from {case.name}" in x.value for x in at.success)
        assert at.query_params["teacher"] == token  # the page's address is the teacher's link from now on
    else:
        assert at.session_state["classroom_teacher"] is None  # still on the start form, with the reason
        expect = "at least two labels" if case.expect is None else case.expect
        assert expect in at.error[0].value
        assert at.text_input(key="classroom_new_name").value == "3B"


def test_a_class_started_from_an_exported_zip_has_its_labels_and_samples():
    teacher = _start()
    ada = _join(_code(teacher), "Ada")
    for label, word in (("cat", "meow"), ("dog", "woof")):
        _give(ada, label, word)
    zipped = export_zip(class_store().dataset(teacher.session_state["classroom_teacher"]))
    at = _open()
    at.text_input(key="classroom_new_name").input("3B again")
    at.file_uploader(key="classroom_zip").set_value(("3b.zip", zipped, "application/zip"))
    _submit(at, "Start the class")
    info = class_store().class_info(at.session_state["classroom_teacher"])
    assert (info["labels"], info["samples"]) == (["cat", "dog"], 2)
    assert "2 samples imported from 3b.zip." in at.success[0].value


def test_the_links_open_the_teachers_and_the_students_views_again_as_after_a_server_restart():
    teacher = _start()
    token = teacher.session_state["classroom_teacher"]
    ada = _join(_code(teacher), "Ada")
    _give(ada, "cat", "meow")
    mine = ada.query_params["student"]
    assert "join" not in ada.query_params
    again = _open({"student": mine})  # a new session: nothing in its state, only the link
    assert "Hello Ada" in again.subheader[0].value and _cards(again) == [" · cat · Ada"]
    board = _open({"teacher": token})
    assert any("students: 1, samples: 1" in h.value for h in board.subheader)
    class_store().delete_class(token)
    gone = _open({"student": mine})
    assert "No class answers to this code" in gone.error[0].value
    assert [tab.label for tab in gone.tabs] == ["Start a class (teacher)", "Join a class (student)"]
    ada.run()  # the session that was in the class: its next run says so too, and leaves the class
    assert "No class answers to this code" in ada.error[0].value and ada.session_state["classroom_student"] is None
    board.run()
    assert "teacher link is not valid" in board.error[0].value and board.session_state["classroom_teacher"] is None


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
    assert any("click *Use the class data on every page* first" in c.value for c in teacher.caption)
    teacher.button(key="classroom_use").click().run()
    teacher.selectbox(key="classroom_train_classifier").set_value("knn").run()  # Train & compare's controls
    teacher.button(key="classroom_train_button").click().run()
    assert not teacher.exception
    result = teacher.session_state["trained"].result
    assert (result.dataset, result.classifier) == ("3B", "knn")
    assert teacher.metric[0].value == f"{result.accuracy:.3f}"  # the held-out score, shown on the dashboard
    teacher.button(key="classroom_publish").click().run()
    assert "Published" in teacher.success[0].value
    ada.switch_page("pages/6_Try_it_yourself.py").run()
    assert "published to class 3B by your teacher" in ada.info[0].value
    ada.text_input(key="try_text").input("meow meow").run()
    assert not ada.exception
    assert prediction(ada) == "cat"  # the class's labels: the default digits model knows no cats
