"""Classroom in a real browser: a teacher and three students on their own devices (browser contexts), with the
canvas, the fake camera and the fake microphone; the teacher trains, publishes, and a student's Try it yourself
predicts with the class's model. Then the app server is killed in the middle of a burst and started again."""

from __future__ import annotations

import os
import re
import signal

import pytest
from playwright.sync_api import expect

from mmdemo.datasets import load_zip
from tests.browser.helpers import (
    choose,
    click,
    draw_strokes,
    no_exception,
    open_page,
    prediction,
    record_word,
    select,
    take_photo,
    type_text,
    wait_idle,
)
from tests.live_server import free_port, serve

pytestmark = pytest.mark.browser

#: What each label looks like on the canvas (a unit box, y down) and the words students type for it.
STROKES = {"cat": [[(0.5, 0.15), (0.5, 0.85)]], "dog": [[(0.15, 0.5), (0.85, 0.5)]]}
WORDS = {"cat": ["meow", "purr", "whiskers", "kitten"], "dog": ["woof", "bark", "puppy", "bone"]}


def _start_class(teacher, url: str, name: str) -> str:
    """Start a class of cats and dogs on the teacher's page; return the join link it shows."""
    open_page(teacher, f"{url}/Classroom")
    teacher.get_by_role("textbox", name="Name of the class").fill(name)
    teacher.get_by_role("textbox", name="Labels, separated by commas").fill("cat, dog")
    click(teacher, "Start the class")
    teacher.get_by_text("students: 0, samples: 0").wait_for()
    shown = " ".join(teacher.locator("[data-testid='stMarkdown']").all_inner_texts())
    link = re.search(r"http://[^\s\"'<>]+/Classroom\?join=[A-Z0-9]{8}", shown)
    assert link, "the join link is shown"
    return link.group(0)


def _join(context, link: str, name: str):
    student = context.new_page()
    student.set_default_timeout(60_000)
    open_page(student, link)
    student.get_by_role("textbox", name="Your name (as the class will see it)").fill(name)
    click(student, "Join")
    student.get_by_text(f"Hello {name}").wait_for()
    return student


def _add(student, label: str, word: str) -> None:
    type_text(student, "Text", word)
    click(student, "Add this sample")
    student.get_by_text(f"Saved: one sample of {label}.").wait_for()
    assert no_exception(student)


def _sidebar(page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()  # a sidebar link keeps the session; page.goto would not
    wait_idle(page, after_action=True)


def test_the_whole_journey_collect_train_publish_and_predict(page, media_browser, app_url, tmp_path):
    teacher = page
    link = _start_class(teacher, app_url, "5C")
    teacher.locator("[data-testid='stImage'] img").first.wait_for()
    assert teacher.locator("[data-testid='stImage'] img").count() == 1  # the QR code (nothing else: no samples)
    contexts = [
        media_browser.new_context(viewport={"width": 1200, "height": 1400}, permissions=["microphone", "camera"])
        for _ in range(3)
    ]
    ada, bob, cy = (_join(c, link, n) for c, n in zip(contexts, ("Ada", "Bob", "Cy")))
    for k in range(2):
        for label in ("cat", "dog"):
            for student in (ada, cy):  # a drawing and a word
                select(student, "What are you giving now?", label)
                draw_strokes(student, STROKES[label])
                _add(student, label, f"{WORDS[label][k]} {WORDS[label][k + 2]}")
            select(bob, "What are you giving now?", label)  # a photo, a recording and a word
            choose(bob, "Camera")
            take_photo(bob)
            record_word(bob, seconds=2)
            _add(bob, label, WORDS[label][k])
    expect(bob.locator("[data-testid='stAudio']")).to_have_count(4)  # his recordings, played back in his gallery

    # The dashboard was not touched: it refreshes by itself.
    teacher.get_by_text("students: 3, samples: 12").wait_for(timeout=30_000)
    with teacher.expect_download() as download:
        teacher.get_by_role("button", name="Export as a dataset zip").click()
    download.value.save_as(tmp_path / "5c.zip")
    exported, problems = load_zip(tmp_path / "5c.zip")
    assert (exported.n_samples, exported.class_names, problems) == (12, ["cat", "dog"], [])
    assert exported.present("image").sum() == 12 and exported.present("audio").sum() == 4
    click(teacher, "Use the class data on every page")
    teacher.get_by_text("The class's 12 samples are now").wait_for()

    # The Cross-modal lab on the class data: real instance pairs (a student's drawing and word of one sample).
    _sidebar(teacher, "Cross-modal lab")
    teacher.get_by_text("Canonical correlation per component").first.wait_for(timeout=120_000)
    select(teacher, "Query modality", "text")
    select(teacher, "Target modality", "image")
    teacher.get_by_role("tab", name="Retrieval").click()
    teacher.get_by_text("the dataset's pairs are real instance pairs").first.wait_for()
    assert no_exception(teacher)

    _sidebar(teacher, "Train & compare")
    click(teacher, "Train")
    teacher.locator("[data-testid='stMetricValue']").first.wait_for(timeout=120_000)
    _sidebar(teacher, "Classroom")
    click(teacher, "Publish the model trained on the class data")
    teacher.get_by_text("Published: every student's Try it yourself now predicts with it").wait_for()

    _sidebar(cy, "Try it yourself")
    cy.get_by_text("published to class 5C by your teacher").first.wait_for()
    for word, label in (("meow", "cat"), ("woof", "dog")):  # the class's labels: the default model knows digits
        type_text(cy, "Text", word)
        assert prediction(cy) == label
    assert no_exception(cy) and no_exception(teacher)

    click(teacher, "Delete the class")  # the end of the lesson
    click(teacher, "Delete for good")
    teacher.get_by_role("tab", name="Start a class (teacher)").wait_for()
    type_text(ada, "Text", "meow")  # Ada's page still shows the form; what she does next says the class is gone
    ada.get_by_text("No class answers to this code").first.wait_for()
    ada.get_by_role("tab", name="Join a class (student)").wait_for()
    assert no_exception(ada)
    for context in contexts:
        context.close()


def _cards(student) -> list[str]:
    """The texts of the samples a student's gallery shows, one per card."""
    return [t.strip() for t in student.locator("[data-testid='stText']").all_inner_texts()]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_the_app_server_killed_mid_burst_loses_no_acknowledged_sample(engine, browser, tmp_path, request):
    """Eight students give a sample each at once; the server is killed while half of them are still saving and
    started again on the same address: every sample a student saw saved is there exactly once, nothing is
    stored twice, and the teacher's dashboard and every student carry on without reloading."""
    env = {"MMDEMO_DATA_DIR": str(tmp_path)}
    if engine == "postgresql":
        env["MMDEMO_CLASSROOM_URL"] = request.getfixturevalue("postgres_db")
    port = free_port()
    with serve("app.py", port=port, env=env, log=tmp_path / "first.log") as (url, proc):
        teacher = browser.new_context().new_page()
        teacher.set_default_timeout(60_000)
        link = _start_class(teacher, url, "burst")
        contexts = [browser.new_context() for _ in range(8)]
        students = [_join(c, link, f"S{k}") for k, c in enumerate(contexts)]
        for k, student in enumerate(students):
            type_text(student, "Text", f"word {k}")
        for student in students[:4]:  # saved, and the student saw it saved
            click(student, "Add this sample")
            student.get_by_text("Saved: one sample of cat.").wait_for()
        for student in students[4:]:  # clicked at once; the server dies while they are being saved
            student.get_by_role("button", name="Add this sample").click()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with serve("app.py", port=port, env=env, log=tmp_path / "again.log"):
        for k, student in enumerate(students):
            student.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
            box = student.get_by_role("textbox", name="Text").first
            for _ in range(5):  # the next thing a student does runs on the new server, once it is reconnected
                type_text(student, "Text", f"again {k}")
                # A sample saved as the server died clears the form on the new run: then it is typed again.
                if box.input_value() == f"again {k}" and student.get_by_text("Saved: one sample").count() == 0:
                    break
                student.wait_for_timeout(1000)
            click(student, "Add this sample")
            student.locator("[data-testid='stText']", has_text=f"again {k}").wait_for()
            wait_idle(student)  # the cards arrive newest first: read them once the run has drawn them all
            cards = _cards(student)  # read on the new server: it shows the sample just added
            assert set(cards) <= {f"word {k}", f"again {k}"}  # their own only
            assert cards.count(f"again {k}") == 1 and cards.count(f"word {k}") <= 1  # never stored twice
            if k < 4:
                assert f"word {k}" in cards, f"S{k}'s acknowledged sample is lost"
        total = 8 + sum(f"word {k}" in _cards(s) for k, s in enumerate(students))
        teacher.get_by_text(f"students: 8, samples: {total}").wait_for(timeout=30_000)  # by itself
        assert all(no_exception(p) for p in (teacher, *students))
    for context in contexts:
        context.close()
    teacher.context.close()
