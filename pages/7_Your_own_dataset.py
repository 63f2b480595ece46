"""Your own dataset: create classes, add samples by upload, microphone, camera or drawing; train; export."""

import streamlit as st

from mmdemo.datasets import export_zip, load_zip
from mmdemo.datasets.builder import add_class, add_files, add_sample, empty_dataset, remove_sample
from mmdemo.ui import state
from mmdemo.ui.data import USER_DATASET, set_user_dataset
from mmdemo.ui.i18n import listing, say, t
from mmdemo.ui.inputs import sample_inputs
from mmdemo.ui.models import import_model, train_model
from mmdemo.ui.page import guard, setup_page
from mmdemo.ui.widgets import modality_name, model_settings, show_result

setup_page("own", pick_dataset=False)
nonce = state.get("own_nonce")  # bumping it clears the inputs after an add


def _clear_inputs() -> None:
    state.put("own_nonce", state.get("own_nonce") + 1)


with guard():
    ds = state.get("user_dataset")
    if ds is None:
        new_tab, import_tab = st.tabs([t("own.tab_new"), t("own.tab_import")])
        with new_tab, st.form("own_create_form", border=False):
            name = st.text_input(t("own.name"), "my-dataset", key="own_name")
            if st.form_submit_button(t("own.create"), type="primary", key="own_create"):
                set_user_dataset(empty_dataset(name.strip() or "my-dataset"))
                st.rerun()
        with import_tab:
            st.caption(t("own.zip_caption"))
            upload = st.file_uploader(t("own.zip_file"), type=["zip"], key=f"own_zip_{nonce}")
            if upload is not None and st.button(t("own.import"), type="primary", key="own_import"):
                imported, problems = load_zip(upload.getvalue(), name=upload.name)
                set_user_dataset(imported)
                state.put("own_problems", problems)
                _clear_inputs()
                st.rerun()
        st.stop()

    st.subheader(t("own.heading", name=ds.name, n_samples=ds.n_samples, n_classes=ds.n_classes))
    for line in state.pop("own_problems"):
        st.warning(say(line))  # files of an imported zip that were skipped
    for line in state.pop("own_errors"):
        st.error(say(line), icon="⚠️")  # uploaded files that were not added
    if ds.n_samples:
        st.dataframe(ds.counts(), width="content")

    # A form sends the name and the click together, so a fast click never meets an uncommitted name.
    with st.form("own_class_form", clear_on_submit=True, border=False):
        a, b = st.columns([3, 1], vertical_alignment="bottom")
        new_class = a.text_input(t("own.new_class"), key="own_class", placeholder=t("own.new_class_placeholder"))
        if b.form_submit_button(t("own.add_class"), key="own_add_class", width="stretch"):
            set_user_dataset(add_class(ds, new_class))
            st.rerun()

    if not ds.n_classes:
        st.info(t("own.need_classes"), icon="👆")
        st.stop()

    st.subheader(t("own.add_samples"))
    target = st.selectbox(t("own.to_class"), ds.class_names, key="own_target")
    many, one = st.tabs([t("own.tab_many"), t("own.tab_one")])
    with many:
        files = st.file_uploader(
            t("own.files"),
            accept_multiple_files=True,
            key=f"own_files_{nonce}",
        )
        clicked = st.button(t("own.add_files"), key="own_add_files")
        if clicked and not files:
            st.error(t("own.no_files"), icon="⚠️")
        elif clicked:
            updated, problems = add_files(ds, target, [(f.name, f.getvalue()) for f in files])
            added = updated.n_samples - ds.n_samples
            set_user_dataset(updated)
            state.put("own_errors", problems)
            state.put("own_added", t("own.added_many", added=added, target=target))
            _clear_inputs()
            st.rerun()
    with one:
        values, problems = sample_inputs(
            "own", nonce, sources=("Camera", "Draw", "Upload"), placeholder=t("own.text_placeholder"), what=target
        )
        if problems:
            st.caption(t("inputs.fix_first"))
        if st.button(t("own.add_one"), key="own_add_one", type="primary", disabled=bool(problems)):
            set_user_dataset(add_sample(ds, target, **values))
            state.put("own_added", t("own.added_one", target=target))
            _clear_inputs()
            st.rerun()
    if msg := state.pop("own_added"):
        st.success(msg)

    if ds.n_samples:
        st.subheader(t("own.samples"))
        id_col, class_col = t("own.column.id"), t("own.column.class")
        image_col, audio_col, text_col = (modality_name(m) for m in ("image", "audio", "text"))
        rows = [
            {
                "#": i,
                id_col: ds.sample_ids[i],
                class_col: ds.class_names[ds.y[i]],
                image_col: "✓" if ds.value("image", i) is not None else "",
                audio_col: "✓" if ds.value("audio", i) is not None else "",
                text_col: ds.value("text", i) or "",
            }
            for i in range(ds.n_samples)
        ]
        st.dataframe(rows, hide_index=True, height=min(400, 40 + 35 * len(rows)))
        a, b = st.columns([3, 1])
        pick = a.selectbox(
            t("own.sample"), range(ds.n_samples), format_func=lambda i: f"#{i} {ds.sample_ids[i]}", key="own_pick"
        )
        if b.button(t("own.delete"), key="own_delete"):
            set_user_dataset(remove_sample(ds, int(pick)))
            st.rerun()

        st.subheader(t("own.train_heading"))
        st.caption(t("own.train_caption"))
        s = model_settings(ds, prefix="own")
        if st.button(t("own.train"), type="primary", key="own_train", disabled=not s.modalities):
            with st.status(t("widgets.training")) as status:
                state.put("trained", train_model(ds, s))
                status.update(label=t("widgets.done"), state="complete")
        trained = state.get("trained")
        if trained is not None and trained.result is not None and trained.result.dataset == ds.name:
            show_result(trained.result, key="own", trained=trained)

    st.subheader(t("own.export_heading"))
    a, b, c = st.columns(3)
    a.download_button(
        t("own.download_dataset"),
        export_zip(ds),
        file_name=f"{ds.name}.zip",
        mime="application/zip",
        key="own_export",
        disabled=not ds.n_samples,
    )
    trained = state.get("trained")
    if trained is not None:
        b.download_button(
            t("own.download_model"),
            trained.model.to_bytes(),
            file_name="mmdemo-model.skops",
            key="own_export_model",
        )
    model_file = c.file_uploader(t("own.import_model"), type=["skops"], key=f"own_model_{nonce}")
    if model_file is not None and c.button(t("own.use_model"), key="own_import_model"):
        trained, notes = import_model(model_file.getvalue())
        state.put("trained", trained)
        state.put("own_added", t("own.model_imported", classes=listing(trained.model.class_names_)))
        state.put("own_problems", notes)
        _clear_inputs()
        st.rerun()
    if st.button(t("own.start_over"), key="own_reset"):
        set_user_dataset(None)
        if state.get("dataset_name") == USER_DATASET:
            state.put("dataset_name", "av-digits")
        st.rerun()
