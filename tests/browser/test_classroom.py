"""Classroom in a real browser: a teacher and two students on their own devices (browser contexts)."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import click, no_exception, open_page, select, type_text, wait_idle

pytestmark = pytest.mark.browser


def test_a_class_collects_one_dataset_and_the_dashboard_counts_by_itself(page, browser, app_url):
    teacher = page
    open_page(teacher, f"{app_url}/Classroom")
    teacher.get_by_role("textbox", name="Name of the class").fill("3B")
    teacher.get_by_role("textbox", name="Labels, separated by commas").fill("cat, dog")
    click(teacher, "Start the class")
    teacher.get_by_text("students: 0, samples: 0").wait_for()
    shown = " ".join(teacher.locator("[data-testid='stMarkdown']").all_inner_texts())
    link = re.search(r"http://[^\s\"'<>]+/Classroom\?join=[A-Z0-9]{8}", shown)
    assert link, "the join link is shown"
    assert teacher.locator("[data-testid='stImage'] img").count() == 1  # the QR code

    students = []
    for name, label, word in (("Ada", "cat", "meow"), ("Bob", "dog", "woof")):
        context = browser.new_context(viewport={"width": 1200, "height": 1000})
        student = context.new_page()
        student.set_default_timeout(60_000)
        open_page(student, link.group(0))
        student.get_by_role("textbox", name="Your name (as the class will see it)").fill(name)
        click(student, "Join")
        student.get_by_text(f"Hello {name}").wait_for()
        select(student, "What are you giving now?", label)
        type_text(student, "Text", word)
        click(student, "Add this sample")
        student.get_by_text(f"Saved: one sample of {label}.").wait_for()
        assert no_exception(student)
        students.append(context)

    # The dashboard was not touched: it refreshes by itself.
    teacher.get_by_text("students: 2, samples: 2").wait_for(timeout=30_000)
    assert no_exception(teacher)
    for context in students:
        context.close()
    wait_idle(teacher)
