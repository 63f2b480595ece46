"""Classroom widgets: start or join a class, a student's contribution form, the teacher's live dashboard."""

from __future__ import annotations

import io
import time

import streamlit as st

from mmdemo.classroom import ClassroomStore, Student
from mmdemo.datasets import export_zip
from mmdemo.errors import InputError, MMDemoError
from mmdemo.ui import state
from mmdemo.ui.data import USER_DATASET, set_user_dataset
from mmdemo.ui.i18n import modality_name, say, t
from mmdemo.ui.inputs import sample_inputs

__all__ = ["class_store", "start_or_join", "student_view", "teacher_view", "join_link"]

#: How often the teacher's dashboard reads the counts again by itself.
REFRESH_SECONDS = 3


@st.cache_resource(show_spinner=False)
def class_store() -> ClassroomStore:
    """The classroom database of this process (a connection pool; the data itself lives in the database)."""
    return ClassroomStore()


def join_link(code: str) -> str:
    """The link a student opens to join (this server's address, the Classroom page, the code)."""
    base = (st.context.url or "").split("?")[0].rstrip("/")
    base = base.removesuffix("/Classroom")
    return f"{base}/Classroom?join={code}"


def _qr_png(text: str) -> bytes:
    import segno  # only the teacher's view draws QR codes

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


def start_or_join() -> None:
    """Two forms: a teacher starts a class, a student joins one (the code may come from the link)."""
    labels = [t("classroom.tab_start"), t("classroom.tab_join")]
    # A student who opened the class's link lands on the join form.
    start, join = st.tabs(labels, default=labels[1] if st.query_params.get("join") else labels[0])
    with start, st.form("classroom_start", border=False):
        name = st.text_input(t("classroom.class_name"), key="classroom_new_name", max_chars=80)
        labels = st.text_input(
            t("classroom.labels"), key="classroom_new_labels", placeholder=t("classroom.labels_placeholder")
        )
        if st.form_submit_button(t("classroom.start"), type="primary"):
            codes = class_store().create_class(name, [x.strip() for x in labels.replace("，", ",").split(",")])
            state.put("classroom_teacher", codes.teacher_token)
            st.rerun()
    with join, st.form("classroom_join", border=False):
        code = st.text_input(
            t("classroom.code"), value=st.query_params.get("join", ""), key="classroom_code", max_chars=16
        )
        who = st.text_input(t("classroom.display_name"), key="classroom_name", max_chars=40)
        if st.form_submit_button(t("classroom.join"), type="primary"):
            try:
                state.put("classroom_student", class_store().join(code, who))
            except InputError:
                # Guessing codes is slowed: each wrong try in this session waits longer (up to 8 s).
                state.put("classroom_failures", state.get("classroom_failures") + 1)
                time.sleep(min(8.0, 0.25 * 2 ** state.get("classroom_failures")))
                raise
            st.rerun()


def student_view(student: Student) -> None:
    """The contribution form for one label at a time, the student's own samples and the class's counts."""
    store = class_store()
    st.subheader(t("classroom.welcome", name=student.name, class_name=student.class_name))
    nonce = state.get("classroom_nonce")
    label = st.selectbox(t("classroom.label"), list(student.labels), key="classroom_label")
    values = sample_inputs(
        "classroom", nonce, sources=("Draw", "Camera", "Upload"), placeholder=t("classroom.text_placeholder")
    )
    if st.button(t("classroom.add"), type="primary", key="classroom_add"):
        try:
            store.add_sample(student.token, label, **values)
        except MMDemoError as exc:  # said here, so the student's samples below still show
            st.error(say(exc.message), icon="⚠️")
        else:
            state.put("classroom_nonce", nonce + 1)
            state.put("classroom_added", t("classroom.added", label=label))
            st.rerun()
    if msg := state.pop("classroom_added"):
        st.success(msg)

    mine = store.samples(student.token)
    st.subheader(t("classroom.my_samples", n=len(mine)))
    if mine:
        st.dataframe(
            [
                {
                    t("classroom.col_id"): s.id,
                    t("classroom.col_label"): s.label,
                    t("classroom.col_student"): s.student,
                    t("classroom.col_has"): ", ".join(modality_name(m) for m in s.modalities),
                }
                for s in mine
            ],
            hide_index=True,
        )
        own = [s.id for s in mine if s.student == student.name]
        a, b = st.columns([3, 1])
        pick = a.selectbox(t("classroom.sample"), own, key="classroom_pick") if own else None
        if pick is not None and b.button(t("classroom.delete"), key="classroom_delete"):
            store.delete_sample(student.token, int(pick))
            st.rerun()
    st.subheader(t("classroom.class_counts"))
    st.dataframe(_counts_table(store.counts(student.token)), hide_index=True)


def _counts_table(counts: dict[str, dict[str, int]]) -> list[dict]:
    return [
        {t("classroom.col_label"): label, **{modality_name(m): n for m, n in per.items()}}
        for label, per in counts.items()
    ]


def teacher_view(token: str) -> None:
    """Codes to project, the live counts, lock and gallery switches, using, exporting or deleting the data."""
    store = class_store()
    info = store.class_info(token)
    link = join_link(info["code"])
    st.subheader(t("classroom.teacher_heading", class_name=info["name"], labels=", ".join(info["labels"])))
    a, b = st.columns([2, 1])
    a.markdown(t("classroom.code_big", code=info["code"]))
    a.markdown(t("classroom.link", link=link))
    a.caption(t("classroom.teacher_link_note"))
    a.code(link.replace(f"join={info['code']}", f"teacher={token}"), language=None)
    b.image(_qr_png(link), caption=t("classroom.qr_caption"), width=240)
    _dashboard(token)
    c, d = st.columns(2)
    c.toggle(t("classroom.lock"), value=info["locked"], key="classroom_locked", on_change=_switch, args=(token, "lock"))
    d.toggle(
        t("classroom.gallery"),
        value=info["gallery_open"],
        key="classroom_gallery",
        on_change=_switch,
        args=(token, "gallery"),
    )
    e, f, g = st.columns(3)
    if e.button(t("classroom.use_data"), type="primary", key="classroom_use"):
        ds = store.dataset(token)
        set_user_dataset(ds)
        state.put("dataset_name", USER_DATASET)
        state.put("classroom_added", t("classroom.used", n=ds.n_samples))
        st.rerun()
    f.download_button(
        t("classroom.export"),
        data=lambda: export_zip(store.dataset(token)),  # built on the click, not on every rerun
        disabled=not info["samples"],
        file_name="classroom.zip",
        mime="application/zip",
        key="classroom_export",
    )
    if g.button(t("classroom.delete_class"), key="classroom_delete_class"):
        store.delete_class(token)
        state.pop("classroom_teacher")
        st.query_params.pop("teacher", None)
        st.rerun()
    trained = state.get("trained")
    ready = trained is not None and trained.result is not None and trained.result.dataset == info["name"]
    if st.button(t("classroom.publish"), key="classroom_publish", disabled=not ready):
        store.publish_model(token, trained.model.to_bytes(), trained.result.to_dict())
        state.put("classroom_added", t("classroom.published", accuracy=trained.result.accuracy))
        st.rerun()
    if not ready:
        st.caption(t("classroom.publish_help"))
    if msg := state.pop("classroom_added"):
        st.success(msg)


def _switch(token: str, which: str) -> None:
    if which == "lock":
        class_store().set_locked(token, bool(st.session_state["classroom_locked"]))
    else:
        class_store().set_gallery_open(token, bool(st.session_state["classroom_gallery"]))


@st.fragment(run_every=REFRESH_SECONDS)
def _dashboard(token: str) -> None:
    """The counts per student, label and modality; redrawn by itself every few seconds."""
    store = class_store()
    counts, info = store.teacher_counts(token), store.class_info(token)
    st.subheader(t("classroom.dashboard", students=info["students"], samples=info["samples"]))
    rows = [
        {
            t("classroom.col_student"): who,
            t("classroom.col_label"): label,
            **{modality_name(m): n for m, n in per.items()},
        }
        for who, by_label in counts.items()
        for label, per in by_label.items()
    ]
    if rows:
        st.dataframe(rows, hide_index=True)
    else:
        st.caption(t("classroom.no_samples_yet"))
