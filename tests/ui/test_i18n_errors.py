"""Messages from the core (bad files, too few samples, skipped zip entries) in a Chinese session are Chinese."""

from __future__ import annotations

import io
import zipfile

from mmdemo.errors import message_templates
from tests.ui.conftest import CJK, open_page_zh

OWN = "7_Your_own_dataset.py"


def _english_words(text: str) -> list[str]:
    """English templates' fixed words that show up in ``text`` (beyond file names and format names)."""
    words = {w.strip(".,;:()") for tpl in message_templates().values() for w in tpl.split() if "{" not in w}
    return sorted(w for w in words if len(w) > 3 and w.isalpha() and w.islower() and f" {w} " in f" {text} ")


def test_a_bad_picture_on_try_it_is_explained_in_chinese():
    at = open_page_zh("6_Try_it_yourself.py")
    at.file_uploader(key="try_image_upload").upload("evil.png", b"<html><body>not a picture</body></html>", "image/png")
    at.run()
    assert not at.exception
    said = at.error[0].value
    assert said.startswith("evil.png") and CJK.search(said) and "HTML" in said, said
    assert not _english_words(said), said


def test_a_damaged_zip_and_too_few_samples_are_explained_in_chinese():
    at = open_page_zh(OWN)
    at.file_uploader(key="own_zip_0").set_value(("bad.zip", b"PK\x03\x04 not really a zip", "application/zip")).run()
    at.button(key="own_import").click().run()
    assert not at.exception
    said = at.error[0].value
    assert "bad.zip" in said and CJK.search(said) and not _english_words(said), said
    assert at.session_state["user_dataset"] is None  # nothing half-imported


def test_skipped_entries_of_an_imported_zip_are_listed_in_chinese():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for cls in ("cat", "dog"):
            for i in range(3):
                zf.writestr(f"pets/{cls}/{cls}{i}.txt", f"{cls} sound {i}")
        zf.writestr("pets/cat/notes.docx", b"PK\x03\x04 word")  # not a sample: skipped, with a reason
        zf.writestr("pets/dog/broken.png", b"\x89PNG\r\n\x1a\n")  # a PNG signature and nothing else
    at = open_page_zh(OWN)
    at.file_uploader(key="own_zip_0").set_value(("pets.zip", buf.getvalue(), "application/zip")).run()
    at.button(key="own_import").click().run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("notes.docx" in w for w in warnings) and any("broken.png" in w for w in warnings), warnings
    for w in warnings:
        assert CJK.search(w) and not _english_words(w), w
    assert at.session_state["user_dataset"].n_samples == 6  # the good files are all there

    # one sample in a new class: the split cannot keep it out of training, and says so in Chinese
    at.text_input(key="own_class").input("fish")
    at.button(key="own_add_class").click().run()
    at.selectbox(key="own_target").set_value("fish").run()
    at.file_uploader(key=f"own_files_{at.session_state['own_nonce']}").set_value([("f.txt", b"blub", "text/plain")])
    at.run()
    at.button(key="own_add_files").click().run()
    at.button(key="own_train").click().run()
    assert not at.exception
    said = at.error[0].value
    assert CJK.search(said) and not _english_words(said), said
    assert at.session_state["user_dataset"].n_samples == 7  # nothing lost
