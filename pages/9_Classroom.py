"""Classroom: a class collects one dataset together, each student on their own device; the teacher trains on it."""

import streamlit as st

from mmdemo.ui import state
from mmdemo.ui.classroom import resume, start_or_join, student_view, teacher_view
from mmdemo.ui.i18n import t
from mmdemo.ui.page import guard, setup_page

setup_page("classroom", pick_dataset=False)

with guard():
    resume()  # a teacher's or student's own link opens their view again
    teacher, student = state.get("classroom_teacher"), state.get("classroom_student")
    if teacher:
        teacher_view(teacher)
    elif student:
        student_view(student)
    else:
        st.markdown(t("classroom.how"))
        start_or_join()
