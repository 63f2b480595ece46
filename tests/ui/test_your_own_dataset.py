"""AppTest tests for the Your own dataset page: build, train, export, import — all in one session."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from mmdemo.datasets import export_zip, load_zip
from tests.ui.conftest import assert_clean, open_page

PAGE = "7_Your_own_dataset.py"
WORDS = {"cat": "meow purr whiskers", "dog": "woof bark fetch", "bird": "tweet wings feather"}


def _nonce(at) -> int:
    return at.session_state["own_nonce"]


def _add_class(at, name: str) -> None:
    at.text_input(key="own_class").input(name)
    at.button(key="own_add_class").click().run()


def _upload(at, cls: str, files: list[tuple[str, bytes, str]]) -> None:
    at.selectbox(key="own_target").set_value(cls).run()
    at.file_uploader(key=f"own_files_{_nonce(at)}").set_value(files).run()
    at.button(key="own_add_files").click().run()


def _picture(shape: str) -> bytes:
    img = Image.new("L", (120, 120), 255)
    draw = ImageDraw.Draw(img)
    (draw.ellipse if shape == "round" else draw.rectangle)([25, 25, 95, 95], outline=0, width=12)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def built():
    """A session with a 3-class dataset: 6 samples per class, text + picture sharing a stem."""
    at = open_page(PAGE)
    at.button(key="own_create").click().run()
    for cls in WORDS:
        _add_class(at, cls)
    for k, (cls, words) in enumerate(WORDS.items()):
        files = []
        for i in range(6):
            word = words.split()[i % 3]
            files.append((f"{cls}{i}.txt", f"{word} {i}".encode(), "text/plain"))
            files.append((f"{cls}{i}.png", _picture("round" if k % 2 else "square"), "image/png"))
        _upload(at, cls, files)
    return at


def test_start_screen_offers_new_or_import():
    at = open_page(PAGE)
    assert_clean(at)
    assert [t.label for t in at.tabs] == ["Start a new dataset", "Import a zip"]


def test_building_a_dataset_counts_samples_per_class_and_modality(built):
    assert_clean(built)
    ds = built.session_state["user_dataset"]
    assert ds.class_names == list(WORDS) and ds.n_samples == 18
    counts = built.dataframe[0].value
    assert counts.loc["text"].tolist() == [6, 6, 6] and counts.loc["image"].tolist() == [6, 6, 6]
    assert "Added 6 sample(s) to class bird." in built.success[0].value


def test_a_bad_file_is_reported_and_the_good_ones_are_added(built):
    _upload(
        built,
        "cat",
        [("ok.txt", b"purr again", "text/plain"), ("broken.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png")],
    )
    assert not built.exception
    assert any("broken.png" in e.value for e in built.error)
    assert built.session_state["user_dataset"].n_samples == 19


def test_typing_one_sample_and_deleting_a_sample(built):
    built.text_input(key=f"own_text_{_nonce(built)}").input("miaow").run()
    built.button(key="own_add_one").click().run()
    assert built.session_state["user_dataset"].n_samples == 19
    built.selectbox(key="own_pick").set_value(0).run()
    built.button(key="own_delete").click().run()
    assert_clean(built)
    assert built.session_state["user_dataset"].n_samples == 18


def test_train_on_my_dataset_reports_held_out_metrics(built):
    built.multiselect(key="own_modalities").set_value(["text"]).run()
    built.button(key="own_train").click().run()
    assert_clean(built)
    assert float(built.metric[0].value) >= 0.6  # three clearly different vocabularies; chance is 0.33
    caption = " ".join(c.value for c in built.caption)
    assert "seed 0" in caption and "held-out" in caption


def test_a_class_with_one_sample_gives_a_clear_message(built):
    _add_class(built, "fish")
    _upload(built, "fish", [("f.txt", b"blub", "text/plain")])
    built.button(key="own_train").click().run()
    assert not built.exception
    assert "at least 2 samples" in built.error[0].value
    assert built.session_state["user_dataset"].n_samples == 19  # nothing lost


def test_exported_zip_imports_back_into_a_new_session(built):
    data = export_zip(built.session_state["user_dataset"])
    fresh = open_page(PAGE)
    fresh.file_uploader(key="own_zip_0").set_value(("mine.zip", data, "application/zip")).run()
    fresh.button(key="own_import").click().run()
    assert_clean(fresh)
    ds = fresh.session_state["user_dataset"]
    assert ds.class_names == sorted(WORDS) and ds.n_samples == 18  # class folders are read in sorted order
    assert sorted(ds.data["text"]) == sorted(built.session_state["user_dataset"].data["text"])


def test_a_corrupt_zip_shows_an_error_and_keeps_the_start_screen():
    at = open_page(PAGE)
    at.file_uploader(key="own_zip_0").set_value(
        ("bad.zip", b"PK\x03\x04 this is not really a zip", "application/zip")
    ).run()
    at.button(key="own_import").click().run()
    assert not at.exception
    assert "bad.zip" in at.error[0].value and "damaged" in at.error[0].value
    assert at.session_state["user_dataset"] is None


def test_a_trained_model_exports_and_a_bad_model_file_is_refused(built):
    built.multiselect(key="own_modalities").set_value(["text"]).run()
    built.button(key="own_train").click().run()
    model_bytes = built.session_state["trained"].model.to_bytes()
    assert len(built.get("download_button")) == 2  # dataset and model
    built.file_uploader(key=f"own_model_{_nonce(built)}").set_value(
        ("m.skops", b"not a model", "application/octet-stream")
    ).run()
    built.button(key="own_import_model").click().run()
    assert not built.exception and "model file" in built.error[0].value
    built.file_uploader(key=f"own_model_{_nonce(built)}").set_value(
        ("m.skops", model_bytes, "application/octet-stream")
    ).run()
    built.button(key="own_import_model").click().run()
    assert_clean(built)
    assert built.session_state["trained"].result is None  # an imported model carries no held-out score
    assert load_zip(export_zip(built.session_state["user_dataset"]))[0].n_samples == 18


def test_the_dataset_is_offered_on_the_other_pages(built):
    home = open_page("app.py")
    home.session_state["user_dataset"] = built.session_state["user_dataset"]
    home.switch_page("pages/2_Train_and_compare.py").run()
    assert_clean(home)
    picker = home.selectbox(key="dataset_picker")
    assert picker.options == ["av-digits", "xor-shapes", "scenes", "your dataset"]
    picker.set_value("your dataset").run()
    assert home.multiselect(key="train_modalities").value == ["image", "text"]
    assert "18 samples · 3 classes" in " ".join(c.value for c in home.sidebar.caption)
