"""Classroom widgets: start or join a class, a student's contribution form, the teacher's live dashboard."""

from __future__ import annotations

import io
from time import sleep

import pandas as pd
import streamlit as st

from mmdemo.classroom import SampleRow, Student, split_labels
from mmdemo.datasets import export_zip, load_zip
from mmdemo.errors import InputError, MMDemoError
from mmdemo.registry import MODALITIES
from mmdemo.ui import state
from mmdemo.ui.data import USER_DATASET, set_user_dataset
from mmdemo.ui.i18n import modality_name, say, t
from mmdemo.ui.inputs import sample_inputs
from mmdemo.ui.models import train_model
from mmdemo.ui.page import guard
from mmdemo.ui.stores import class_store
from mmdemo.ui.widgets import model_settings, show_result

__all__ = ["resume", "start_or_join", "student_view", "teacher_view", "join_link"]

#: How often the teacher's dashboard reads the counts again by itself.
REFRESH_SECONDS = 3
#: How many samples a gallery shows at once (the newest), so a big class's page stays quick.
GALLERY_SIZE = 24
_GALLERY_COLUMNS = 4


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


def resume() -> None:
    """Check the class this session is in, each run: from ``?teacher=`` (the private teacher link), ``?student=``
    (a student's own, set when they join) or the session. A reload, a lost connection or a restarted server
    carries on where it was; a deleted class says so and goes back to the start."""
    student = state.get("classroom_student")
    try:
        if token := st.query_params.get("teacher") or state.get("classroom_teacher"):
            class_store().class_info(token)
            state.put("classroom_teacher", token)
        elif token := st.query_params.get("student") or (student.token if student is not None else None):
            state.put("classroom_student", class_store().student(token))
    except InputError as exc:
        st.query_params.pop("teacher", None)
        st.query_params.pop("student", None)
        state.pop("classroom_teacher")
        state.pop("classroom_student")
        st.error(say(exc.message), icon="⚠️")


def start_or_join() -> None:
    """Two forms: a teacher starts a class (from a zip, if they like), a student joins one (the code may come
    from the link)."""
    tabs = [t("classroom.tab_start"), t("classroom.tab_join")]
    # A student who opened the class's link lands on the join form.
    start, join = st.tabs(tabs, default=tabs[1] if st.query_params.get("join") else tabs[0])
    with start, st.form("classroom_start", border=False):
        name = st.text_input(t("classroom.class_name"), key="classroom_new_name", max_chars=80)
        labels = st.text_input(
            t("classroom.labels"), key="classroom_new_labels", placeholder=t("classroom.labels_placeholder")
        )
        upload = st.file_uploader(t("classroom.from_zip"), type=["zip"], key="classroom_zip")
        if st.form_submit_button(t("classroom.start"), type="primary"):
            try:
                _start(name, labels, upload)
            except MMDemoError as exc:  # said in the form, which keeps what was typed
                st.error(say(exc.message), icon="⚠️")
            else:
                st.rerun()
    with join, st.form("classroom_join", border=False):
        code = st.text_input(
            t("classroom.code"), value=st.query_params.get("join", ""), key="classroom_code", max_chars=16
        )
        who = st.text_input(t("classroom.display_name"), key="classroom_name", max_chars=40)
        if st.form_submit_button(t("classroom.join"), type="primary"):
            try:
                student = class_store().join(code, who)
            except InputError as exc:
                # Guessing codes is slowed: each wrong try in this session waits twice as long (up to 8 s).
                failures = state.get("classroom_failures") + 1
                state.put("classroom_failures", failures)
                sleep(min(8.0, 0.25 * 2**failures))
                st.error(say(exc.message), icon="⚠️")
            else:
                state.put("classroom_student", student)
                st.query_params.pop("join", None)
                st.query_params["student"] = student.token
                st.rerun()


def _start(name: str, labels: str, upload) -> None:
    """Make the class (with the zip's samples; its folders are the labels when none were typed)."""
    dataset, problems = (None, []) if upload is None else load_zip(upload.getvalue(), name=upload.name)
    wanted = split_labels(labels) or (list(dataset.class_names) if dataset is not None else [])
    store = class_store()
    codes = store.create_class(name, wanted)
    state.put("classroom_teacher", codes.teacher_token)
    st.query_params["teacher"] = codes.teacher_token
    if dataset is not None:
        added = store.import_dataset(codes.teacher_token, dataset)
        state.put("classroom_added", " ".join([t("classroom.imported", n=added, file=upload.name), *problems]))


def student_view(student: Student) -> None:
    """The contribution form for one label at a time, the samples the student may see, the class's counts."""
    store = class_store()
    st.subheader(t("classroom.welcome", name=student.name, class_name=student.class_name))
    # The inputs' keys change with every sample saved (or deleted), which clears them; counted in the database,
    # so a session that starts again (a restarted server) keeps what the student was typing.
    nonce = store.given(student.token)
    label = st.selectbox(t("classroom.label"), list(student.labels), key="classroom_label")
    values, problems = sample_inputs(
        "classroom",
        nonce,
        sources=("Draw", "Camera", "Upload"),
        placeholder=t("classroom.text_placeholder"),
        what=label,
    )
    if problems:
        st.caption(t("inputs.fix_first"))
    if st.button(t("classroom.add"), type="primary", key="classroom_add", disabled=bool(problems)):
        try:
            store.add_sample(student.token, label, **values)
        except MMDemoError as exc:  # said here, so the student's samples below still show
            st.error(say(exc.message), icon="⚠️")
        else:
            state.put("classroom_added", t("classroom.added", label=label))
            st.rerun()
    if msg := state.pop("classroom_added"):
        st.success(msg)
    st.subheader(t("classroom.class_counts"))
    st.dataframe(_counts_table(store.counts(student.token)), hide_index=True)
    st.subheader(t("classroom.my_samples"))
    pick = _label_filter(student.labels, "classroom_show")
    _gallery(
        store.samples(student.token, label=pick, newest=GALLERY_SIZE),
        delete=lambda sample_id: store.delete_sample(student.token, sample_id),
        mine_only=True,
    )


def _counts_table(counts: dict[str, dict[str, int]]) -> list[dict]:
    return [
        {t("classroom.col_label"): label, **{modality_name(m): n for m, n in per.items()}}
        for label, per in counts.items()
    ]


def _label_filter(labels, key: str) -> str | None:
    """Which label a gallery shows: one, or all (None)."""
    every = t("classroom.all_labels")
    pick = st.selectbox(t("classroom.show"), [every, *labels], key=key)
    return None if pick == every else pick


def _gallery(samples: list[SampleRow], *, delete, mine_only: bool) -> None:
    """The samples as cards, newest first: picture, sound, text, who gave it; a delete button on each the
    reader may delete (their own; every one for the teacher)."""
    if not samples:
        st.caption(t("classroom.gallery_empty"))
        return
    if len(samples) == GALLERY_SIZE:
        st.caption(t("classroom.newest", n=GALLERY_SIZE))
    cols = st.columns(_GALLERY_COLUMNS)
    for i, s in enumerate(reversed(samples)):
        with cols[i % _GALLERY_COLUMNS].container(border=True):
            st.caption(t("classroom.card", id=s.id, label=s.label, student=s.student))
            if s.image_png is not None:
                st.image(s.image_png, width=120)
            if s.audio_flac is not None:
                st.audio(s.audio_flac, format="audio/flac")
            if s.text is not None:
                st.text(s.text)
            if (s.mine or not mine_only) and st.button(t("classroom.delete"), key=f"classroom_del_{s.id}"):
                try:
                    delete(s.id)
                except MMDemoError as exc:
                    st.error(say(exc.message), icon="⚠️")
                else:
                    st.rerun()


def teacher_view(token: str) -> None:
    """Codes to project, the live counts, lock and gallery switches, the gallery, using, exporting or
    deleting the data, publishing the model trained on it."""
    store = class_store()
    info = store.class_info(token)
    link = join_link(info["code"])
    st.subheader(t("classroom.teacher_heading", class_name=info["name"], labels=", ".join(info["labels"])))
    a, b = st.columns([2, 1])
    a.markdown(t("classroom.code_big", code=info["code"]))
    a.markdown(t("classroom.link", link=link))
    with a.expander(t("classroom.teacher_link")):  # closed: the projected screen does not show it
        st.caption(t("classroom.teacher_link_note"))
        st.code(link.replace(f"join={info['code']}", f"teacher={token}"), language=None)
    b.image(_qr_png(link), caption=t("classroom.qr_caption"), width=240)
    if msg := state.pop("classroom_added"):
        st.success(msg)
    _dashboard(token, bool(info["samples"]))
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
    f.download_button(  # outside the dashboard: its refresh would replace the file a click is fetching
        t("classroom.export"),
        data=lambda: export_zip(store.dataset(token)),  # built on the click, not on every rerun
        disabled=not info["samples"],
        file_name="classroom.zip",
        mime="application/zip",
        key="classroom_export",
    )
    with g.popover(t("classroom.delete_class")):
        st.caption(t("classroom.delete_class_note", samples=info["samples"], students=info["students"]))
        if st.button(t("classroom.delete_class_confirm"), type="primary", key="classroom_delete_class"):
            store.delete_class(token)
            state.pop("classroom_teacher")
            st.query_params.pop("teacher", None)
            st.rerun()
    _train_and_publish(token, info["name"])
    with st.expander(t("classroom.gallery_heading", n=info["samples"])):
        pick = _label_filter(info["labels"], "classroom_gallery_show")
        _gallery(
            store.teacher_samples(token, label=pick, newest=GALLERY_SIZE),
            delete=lambda sample_id: store.teacher_delete(token, sample_id),
            mine_only=False,
        )


def _train_and_publish(token: str, class_name: str) -> None:
    """Train on the class data with Train & compare's controls, then publish the model to the students."""
    st.subheader(t("classroom.train_heading"))
    ds = state.get("user_dataset")
    if ds is None or ds.name != class_name or state.get("dataset_name") != USER_DATASET:
        st.caption(t("classroom.train_first"))
    else:
        st.caption(t("classroom.train_on", n=ds.n_samples))
        s = model_settings(ds, prefix="classroom_train")
        if st.button(t("train.train"), type="primary", key="classroom_train_button", disabled=not s.modalities):
            with st.status(t("widgets.training"), expanded=True) as status:
                st.write(t("train.fitting"))
                state.put("trained", train_model(ds, s))
                state.put("comparison", None)
                status.update(label=t("widgets.done"), state="complete", expanded=False)
    trained = state.get("trained")
    ready = trained is not None and trained.result is not None and trained.result.dataset == class_name
    if ready:
        show_result(trained.result, key="classroom_result", trained=trained)
    if st.button(t("classroom.publish"), key="classroom_publish", disabled=not ready):
        store = class_store()
        store.publish_model(token, trained.model.to_bytes(), trained.result.to_dict())
        state.put("classroom_added", t("classroom.published", accuracy=trained.result.accuracy))
        st.rerun()


def _switch(token: str, which: str) -> None:
    if which == "lock":
        class_store().set_locked(token, bool(st.session_state["classroom_locked"]))
    else:
        class_store().set_gallery_open(token, bool(st.session_state["classroom_gallery"]))


@st.fragment(run_every=REFRESH_SECONDS)
def _dashboard(token: str, had_samples: bool) -> None:
    """The counts per student, label and modality; redrawn by itself every few seconds.

    When the first sample arrives (or the last is deleted) the whole page reruns, so that
    the export button, drawn outside, is enabled (or disabled)."""
    with guard():  # a fragment reruns on its own, outside the page's guard
        if _counts_by_student(token) != had_samples:
            st.rerun()


def _counts_by_student(token: str) -> bool:
    """Draws the counts; whether the class has any sample."""
    store = class_store()
    counts, info = store.teacher_counts(token), store.class_info(token)
    st.subheader(t("classroom.dashboard", students=info["students"], samples=info["samples"]))
    columns = [t("classroom.col_student"), t("classroom.col_label"), *(modality_name(m) for m in MODALITIES)]
    rows = [
        dict(zip(columns, [who, label, *(per[m] for m in MODALITIES)]))
        for who, by_label in counts.items()
        for label, per in by_label.items()
    ]
    # The table is drawn even while empty: the browser has its code before a lost connection could stop it.
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True)
    if not rows:
        st.caption(t("classroom.no_samples_yet"))
    return bool(info["samples"])
