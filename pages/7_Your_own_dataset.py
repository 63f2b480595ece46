"""Your own dataset: create classes, add samples by upload, microphone, camera or drawing; train; export."""

import streamlit as st

from mmdemo.datasets import export_zip, load_zip
from mmdemo.datasets.builder import add_class, add_files, add_sample, empty_dataset, remove_sample
from mmdemo.errors import InputError
from mmdemo.evaluate import train_and_evaluate
from mmdemo.features import prepare_audio
from mmdemo.model import MultimodalModel
from mmdemo.ui import state
from mmdemo.ui.data import USER_DATASET, set_user_dataset
from mmdemo.ui.inputs import audio_input, image_input, text_input
from mmdemo.ui.page import guard, setup_page
from mmdemo.ui.widgets import model_settings, show_result

setup_page(
    "Your own dataset",
    "🧺",
    intro="Build a dataset from your class's own drawings, photos, recordings and words — it lives only in this browser session.",
    pick_dataset=False,
)
nonce = st.session_state.setdefault("own_nonce", 0)  # bumping it clears the inputs after an add


def _clear_inputs() -> None:
    st.session_state["own_nonce"] += 1


with guard():
    ds = state.get("user_dataset")
    if ds is None:
        new_tab, import_tab = st.tabs(["Start a new dataset", "Import a zip"])
        with new_tab, st.form("own_create_form", border=False):
            name = st.text_input("Dataset name", "my-dataset", key="own_name")
            if st.form_submit_button("Create", type="primary", key="own_create"):
                set_user_dataset(empty_dataset(name.strip() or "my-dataset"))
                st.rerun()
        with import_tab:
            st.caption(
                "A zip of folders, one per class: class/sample.png, class/sample.wav, class/sample.txt (same name = one sample)."
            )
            upload = st.file_uploader("Zip file", type=["zip"], key=f"own_zip_{nonce}")
            if upload is not None and st.button("Import", type="primary", key="own_import"):
                imported, problems = load_zip(upload.getvalue(), name=upload.name)
                set_user_dataset(imported)
                state.put("own_problems", problems)
                _clear_inputs()
                st.rerun()
        st.stop()

    st.subheader(f"{ds.name}: {ds.n_samples} samples in {ds.n_classes} classes")
    for line in st.session_state.pop("own_problems", []) or []:
        st.warning(line)  # files of an imported zip that were skipped
    for line in st.session_state.pop("own_errors", []) or []:
        st.error(line, icon="⚠️")  # uploaded files that were not added
    if ds.n_samples:
        st.dataframe(ds.counts(), width="content")

    # A form sends the name and the click together, so a fast click never meets an uncommitted name.
    with st.form("own_class_form", clear_on_submit=True, border=False):
        a, b = st.columns([3, 1], vertical_alignment="bottom")
        new_class = a.text_input("New class name", key="own_class", placeholder="e.g. cat, 7, happy")
        if b.form_submit_button("Add class", key="own_add_class", width="stretch"):
            set_user_dataset(add_class(ds, new_class))
            st.rerun()

    if not ds.n_classes:
        st.info("Add at least two classes to start collecting samples.", icon="👆")
        st.stop()

    st.subheader("Add samples")
    target = st.selectbox("to class", ds.class_names, key="own_target")
    many, one = st.tabs(["Upload many files", "Record, photograph, draw or type one sample"])
    with many:
        files = st.file_uploader(
            "Pictures, sound files and .txt files (same file name = one sample)",
            accept_multiple_files=True,
            key=f"own_files_{nonce}",
        )
        if st.button("Add the files", key="own_add_files"):
            if not files:
                raise InputError("Choose some files first (drag them onto the box above).")
            updated, problems = add_files(ds, target, [(f.name, f.getvalue()) for f in files])
            added = updated.n_samples - ds.n_samples
            set_user_dataset(updated)
            state.put("own_errors", problems)
            state.put("own_added", f"Added {added} sample(s) to class {target}.")
            _clear_inputs()
            st.rerun()
    with one:
        cols = st.columns(3)
        with cols[0]:
            image = image_input(f"own_image_{nonce}", sources=("Camera", "Draw", "Upload"))
        with cols[1]:
            audio = audio_input(f"own_audio_{nonce}")
        with cols[2]:
            text = text_input(f"own_text_{nonce}", placeholder="a word or phrase for this sample")
        if st.button("Add this sample", key="own_add_one", type="primary"):
            clip = prepare_audio(audio[0], sr=audio[1], target_sr=ds.sample_rate) if audio is not None else None
            set_user_dataset(add_sample(ds, target, image=image, audio=clip, text=text))
            state.put("own_added", f"Added 1 sample to class {target}.")
            _clear_inputs()
            st.rerun()
    if msg := st.session_state.pop("own_added", None):
        st.success(msg)

    if ds.n_samples:
        st.subheader("Samples")
        rows = [
            {
                "#": i,
                "id": ds.sample_ids[i],
                "class": ds.class_names[ds.y[i]],
                "image": "✓" if ds.value("image", i) is not None else "",
                "audio": "✓" if ds.value("audio", i) is not None else "",
                "text": ds.value("text", i) or "",
            }
            for i in range(ds.n_samples)
        ]
        st.dataframe(rows, hide_index=True, height=min(400, 40 + 35 * len(rows)))
        a, b = st.columns([3, 1])
        pick = a.selectbox(
            "Sample", range(ds.n_samples), format_func=lambda i: f"#{i} {ds.sample_ids[i]}", key="own_pick"
        )
        if b.button("Delete sample", key="own_delete"):
            set_user_dataset(remove_sample(ds, int(pick)))
            st.rerun()

        st.subheader("Train and evaluate")
        st.caption("Your dataset is also offered as 'your dataset' in the sidebar of the other pages.")
        s = model_settings(ds, prefix="own")
        if st.button("Train on my dataset", type="primary", key="own_train", disabled=not s.modalities):
            with st.status("Training…") as status:
                result, model = train_and_evaluate(
                    ds,
                    modalities=s.modalities,
                    fusion=s.fusion,
                    classifier=s.classifier,
                    features=s.features,
                    test_size=s.test_size,
                    seed=s.seed,
                    feature_cache=state.get("user_feature_cache"),
                    fit_missing=False,
                )
                trained = {"result": result, "model": model, "corruption": {}, "data": ds}
                state.put("trained", trained | {"cache": state.get("user_feature_cache")})
                status.update(label="Done", state="complete")
        trained = state.get("trained")
        if trained is not None and trained["result"] is not None and trained["result"].dataset == ds.name:
            show_result(trained["result"], key="own")

    st.subheader("Export and import")
    a, b, c = st.columns(3)
    a.download_button(
        "Download dataset (.zip)",
        export_zip(ds),
        file_name=f"{ds.name}.zip",
        mime="application/zip",
        key="own_export",
        disabled=not ds.n_samples,
    )
    trained = state.get("trained")
    if trained is not None:
        b.download_button(
            "Download model (.skops)",
            trained["model"].to_bytes(),
            file_name="mmdemo-model.skops",
            key="own_export_model",
        )
    model_file = c.file_uploader("Import a model (.skops)", type=["skops"], key=f"own_model_{nonce}")
    if model_file is not None and c.button("Use this model", key="own_import_model"):
        model = MultimodalModel.load(model_file.getvalue())
        state.put("trained", {"result": None, "model": model, "corruption": {}})
        state.put("own_added", f"Model imported: classes {', '.join(model.class_names_)}; Try it yourself now uses it.")
        _clear_inputs()
        st.rerun()
    if st.button("Start over (forget this dataset)", key="own_reset"):
        set_user_dataset(None)
        if state.get("dataset_name") == USER_DATASET:
            state.put("dataset_name", "av-digits")
        st.rerun()
