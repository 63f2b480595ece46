"""What every session of this app process shares that outlives a session: the classroom database."""

from __future__ import annotations

import streamlit as st

from mmdemo.classroom import ClassroomStore

__all__ = ["class_store"]


@st.cache_resource(show_spinner=False)
def class_store() -> ClassroomStore:
    """The classroom database of this process (a connection pool; the data itself lives in the database)."""
    return ClassroomStore()
