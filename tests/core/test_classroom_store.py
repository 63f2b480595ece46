"""The classroom database on SQLite and on a real PostgreSQL server: codes, who may read and delete what,
quotas, a crowd, a crash. Every test runs on both engines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from mmdemo.classroom import ClassroomStore
from mmdemo.classroom.store import _CODE_ALPHABET, SCHEMA_VERSION
from mmdemo.errors import InputError, ParameterError

ROOT = Path(__file__).resolve().parents[2]
NO_CLASS = "No class answers to this code"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A fresh, empty database of each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'classroom.db'}"
    return request.getfixturevalue("postgres_db")


def _consistent(store: ClassroomStore) -> None:
    """No sample without its student in its class, no student without a class (and SQLite's own check)."""
    with store.engine.connect() as conn:
        orphans = conn.exec_driver_sql(
            "select count(*) from samples s left join students t on t.id = s.student_id "
            "where t.id is null or t.class_id <> s.class_id"
        ).scalar_one()
        lost = conn.exec_driver_sql(
            "select count(*) from students t left join classes c on c.id = t.class_id where c.id is null"
        ).scalar_one()
        if store.url.startswith("sqlite"):
            assert conn.exec_driver_sql("pragma integrity_check").scalar_one() == "ok"
    assert (orphans, lost) == (0, 0)


@pytest.fixture
def store(url):
    store = ClassroomStore(url)
    yield store
    store.close()


def _beep(seconds: float = 0.5, sr: int = 44_100) -> tuple[np.ndarray, int]:
    t = np.arange(int(seconds * sr)) / sr
    return (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), sr


def test_codes_are_random_readable_and_refused_alike_when_wrong_or_gone(store):
    a, b = store.create_class("3B", ["cat", "dog"]), store.create_class("3C", ["cat", "dog"])
    assert a.code != b.code and a.teacher_token != b.teacher_token
    assert len(a.code) == 8 and set(a.code) <= set(_CODE_ALPHABET)
    assert len(a.teacher_token) >= 32
    typed = a.code.lower()[:4] + "-" + a.code.lower()[4:]  # as read off a projector
    assert store.join(typed, "Ada").class_name == "3B"
    with pytest.raises(InputError, match=NO_CLASS) as wrong:
        store.join("ZZZZZZZZ", "Eve")
    store.delete_class(b.teacher_token)
    with pytest.raises(InputError, match=NO_CLASS) as gone:
        store.join(b.code, "Eve")
    assert str(wrong.value) == str(gone.value)  # a guess learns nothing about which classes exist


def test_every_teacher_action_needs_the_teacher_token(store):
    codes = store.create_class("3B", ["cat", "dog"])
    me = store.join(codes.code, "Ada")
    for action in (
        lambda tok: store.set_locked(tok, True),
        lambda tok: store.set_gallery_open(tok, True),
        lambda tok: store.teacher_counts(tok),
        lambda tok: store.dataset(tok),
        lambda tok: store.teacher_samples(tok),
        lambda tok: store.teacher_delete(tok, 1),
        lambda tok: store.delete_class(tok),
    ):
        for forged in (me.token, codes.code, "x" * 32):
            with pytest.raises(InputError, match="teacher link is not valid"):
                action(forged)


def test_a_student_reads_and_deletes_only_their_own_until_the_gallery_opens(store):
    mine, other = store.create_class("3B", ["cat", "dog"]), store.create_class("4A", ["cat", "dog"])
    ada, bob = store.join(mine.code, "Ada"), store.join(mine.code, "Bob")
    eve = store.join(other.code, "Eve")
    a1 = store.add_sample(ada.token, "cat", text="meow")
    b1 = store.add_sample(bob.token, "dog", text="woof")
    e1 = store.add_sample(eve.token, "cat", text="purr")
    assert [s.id for s in store.samples(ada.token)] == [a1]
    assert store.counts(ada.token) == {
        "cat": {"image": 0, "audio": 0, "text": 1},
        "dog": {"image": 0, "audio": 0, "text": 1},
    }
    for not_hers in (b1, e1):
        with pytest.raises(InputError, match="no sample number"):
            store.delete_sample(ada.token, not_hers)
    assert [s.id for s in store.samples(bob.token)] == [b1]  # still there
    store.set_gallery_open(mine.teacher_token, True)
    assert [s.id for s in store.samples(ada.token)] == [a1, b1]  # the class's, never another class's
    assert [(s.student, s.mine) for s in store.samples(ada.token)] == [("Ada", True), ("Bob", False)]
    assert [s.id for s in store.samples(eve.token)] == [e1]
    with pytest.raises(InputError, match="no sample number"):
        store.delete_sample(ada.token, b1)  # seeing it in the gallery does not make it hers
    store.delete_sample(ada.token, a1)
    assert [s.id for s in store.samples(bob.token)] == [b1]


def test_the_teachers_gallery_shows_every_sample_of_the_class_newest_few_by_label_and_deletes_any(store):
    codes, other = store.create_class("3B", ["cat", "dog"]), store.create_class("4A", ["cat", "dog"])
    ada, bob = store.join(codes.code, "Ada"), store.join(codes.code, "Bob")
    eve = store.join(other.code, "Eve")
    drawing = np.zeros((28, 28), np.float32)
    drawing[8:20, 8:20] = 1.0
    ids = [
        store.add_sample(ada.token, "cat", image=drawing, audio=_beep()),
        store.add_sample(bob.token, "dog", text="woof"),
        store.add_sample(bob.token, "cat", text="meow"),
    ]
    store.add_sample(eve.token, "cat", text="purr")
    shown = store.teacher_samples(codes.teacher_token)
    assert [s.id for s in shown] == ids  # the class's only, oldest first
    first = shown[0]
    assert first.image_png.startswith(b"\x89PNG") and first.audio_flac.startswith(b"fLaC") and first.text is None
    assert first.modalities == ("image", "audio") and shown[1].modalities == ("text",)
    assert [s.id for s in store.teacher_samples(codes.teacher_token, label="cat")] == [ids[0], ids[2]]
    assert [s.id for s in store.teacher_samples(codes.teacher_token, newest=2)] == ids[1:]
    store.teacher_delete(codes.teacher_token, ids[1])
    store.teacher_delete(codes.teacher_token, store.teacher_samples(other.teacher_token)[0].id)  # not this class's
    assert [s.id for s in store.teacher_samples(codes.teacher_token)] == [ids[0], ids[2]]
    assert [s.text for s in store.teacher_samples(other.teacher_token)] == ["purr"]  # another class's stays
    assert store.counts(bob.token)["dog"] == {"image": 0, "audio": 0, "text": 0}


def test_samples_are_stored_re_encoded_and_come_back_as_an_instance_paired_dataset(store, url):
    codes = store.create_class("3B", ["cat", "dog"])
    ada = store.join(codes.code, "Ada")
    drawing = np.zeros((28, 28), np.float32)
    drawing[8:20, 8:20] = 1.0
    store.add_sample(ada.token, "dog", image=drawing, audio=_beep(), text="  woof ")
    store.add_sample(ada.token, "cat", text="meow")
    with store.engine.connect() as conn:
        png, flac, text = conn.exec_driver_sql("select image_png, audio_flac, text from samples order by id").first()
    assert bytes(png).startswith(b"\x89PNG") and bytes(flac).startswith(b"fLaC") and text == "woof"
    ds = store.dataset(codes.teacher_token)
    assert ds.pairing == "instance" and ds.class_names == ["cat", "dog"] and list(ds.y) == [1, 0]
    assert np.abs(ds.data["image"][0] - drawing).max() < 1 / 255 and ds.data["image"][1] is None
    assert ds.sample_rate == 16_000 and abs(len(ds.data["audio"][0]) - 8_000) < 800  # 0.5 s, trimmed, at 16 kHz
    assert store.teacher_counts(codes.teacher_token) == {
        "Ada": {"dog": {"image": 1, "audio": 1, "text": 1}, "cat": {"image": 0, "audio": 0, "text": 1}}
    }


def test_bad_samples_quotas_and_a_lock_each_say_what_happened(store):
    codes = store.create_class("3B", ["cat", "dog"], per_student=2, per_class=3)
    ada, bob = store.join(codes.code, "Ada"), store.join(codes.code, "Bob")
    with pytest.raises(InputError, match="Give a drawing or photo"):
        store.add_sample(ada.token, "cat", text="   ")
    with pytest.raises(ParameterError, match="'bird' is not a label"):
        store.add_sample(ada.token, "bird", text="tweet")
    with pytest.raises(InputError, match="silent"):
        store.add_sample(ada.token, "cat", audio=(np.zeros(8000, np.float32), 8000))
    store.add_sample(ada.token, "cat", text="a")
    store.add_sample(ada.token, "dog", text="b")
    with pytest.raises(InputError, match="the most one student can give"):
        store.add_sample(ada.token, "cat", text="c")
    store.add_sample(bob.token, "cat", text="d")
    with pytest.raises(InputError, match="as many as it can hold"):
        store.add_sample(bob.token, "dog", text="e")
    store.set_locked(codes.teacher_token, True)
    with pytest.raises(InputError, match="paused"):
        store.delete_sample(ada.token, store.samples(ada.token)[0].id)
    assert len(store.samples(ada.token)) == 2  # nothing lost by any refusal


def test_thirty_students_at_once_every_sample_lands_exactly_once(store, url):
    codes = store.create_class("3B", ["cat", "dog"])
    students = [store.join(codes.code, f"s{k}") for k in range(30)]
    ids: list[int] = []
    errors: list[BaseException] = []

    def contribute(student):
        other = ClassroomStore(url)  # as another app process would: its own engine on the same file
        try:
            for j in range(5):
                ids.append(other.add_sample(student.token, "cat" if j % 2 else "dog", text=f"{student.name} {j}"))
        except BaseException as exc:  # noqa: BLE001 - the test reports any
            errors.append(exc)

    threads = [threading.Thread(target=contribute, args=(s,)) for s in students]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and len(ids) == len(set(ids)) == 150
    counts = store.teacher_counts(codes.teacher_token)
    assert sorted(counts) == sorted(s.name for s in students)
    assert all(c["dog"]["text"] == 3 and c["cat"]["text"] == 2 for c in counts.values())
    assert ClassroomStore(url).dataset(codes.teacher_token).n_samples == 150
    _consistent(store)


_WRITER = """
import sys
from mmdemo.classroom import ClassroomStore
store = ClassroomStore(sys.argv[1])
for k in range(10_000):
    print(store.add_sample(sys.argv[2], "cat", text=f"sample {k}"), flush=True)  # acknowledged once printed
"""


def test_a_server_killed_in_a_burst_keeps_every_acknowledged_sample(store, url):
    codes = store.create_class("3B", ["cat", "dog"])
    ada = store.join(codes.code, "Ada")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, url, ada.token], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    acknowledged = [int(proc.stdout.readline()) for _ in range(40)]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    acknowledged += [int(line) for line in proc.stdout.read().split()]
    again = ClassroomStore(url)  # the restarted server
    stored = {s.id for s in again.samples(ada.token)}
    assert set(acknowledged) <= stored
    _consistent(again)
    assert again.schema_version() == SCHEMA_VERSION
    again.add_sample(ada.token, "dog", text="after the restart")  # and it keeps working
    assert len(again.samples(ada.token)) == len(stored) + 1


def test_the_command_line_creates_exports_reimports_and_deletes_a_class(tmp_path, capsys):
    import json

    from mmdemo.cli import main
    from mmdemo.datasets import load_zip

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["classroom", "--db", db, "create", "--name", "3B", "--labels", "cat,dog", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    store = ClassroomStore(db)
    ada = store.join(made["code"], "Ada")
    store.add_sample(ada.token, "cat", text="meow", audio=_beep())
    store.add_sample(ada.token, "dog", text="woof")
    out = tmp_path / "3b.zip"
    assert main(["classroom", "--db", db, "export", "--teacher", made["teacher_token"], "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"2 samples written to {out}"
    back, problems = load_zip(out)
    assert (back.n_samples, problems, sorted(back.class_names)) == (2, [], ["cat", "dog"])
    args = ["classroom", "--db", db, "create", "--name", "3B again", "--from-zip", str(out)]
    assert main([*args, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["imported"] == 2 and again["labels"] == ["cat", "dog"]  # the zip's classes
    assert main(["classroom", "--db", db, "create", "--name", "no labels"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "at least two labels" in err[0]
    assert store.dataset(again["teacher_token"]).data["text"] == ["meow", "woof"]
    assert main(["classroom", "--db", db, "counts", "--teacher", "not-the-token"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "teacher link is not valid" in err[0]
    assert main(["classroom", "--db", db, "delete", "--teacher", made["teacher_token"]]) == 0
    with pytest.raises(InputError, match=NO_CLASS):
        store.join(made["code"], "Bob")


def test_an_old_database_is_migrated_in_place_and_keeps_its_classes(url):
    """A database made by schema 1 (before published models) opens as the current schema, data intact."""
    from mmdemo.classroom import store as module

    engine = sa.create_engine(url)
    with engine.begin() as conn:  # what the first release wrote
        module._version.create(conn)
        module._MIGRATIONS[1](conn)
        conn.execute(module._version.insert().values(version=1))
    engine.dispose()
    old = ClassroomStore.__new__(ClassroomStore)  # a store of the first release: schema 1 only
    old.url, old.engine = url, sa.create_engine(url)
    codes = old.create_class("3B", ["cat", "dog"])
    old.close()
    store = ClassroomStore(url)
    assert store.schema_version() == SCHEMA_VERSION == 2
    ada = store.join(codes.code, "Ada")
    assert store.published_model(ada.token) is None
    store.publish_model(codes.teacher_token, b"model bytes", {"accuracy": 0.9})
    model, result, _ = store.published_model(ada.token)
    assert (model, result) == (b"model bytes", {"accuracy": 0.9})
    store.delete_class(codes.teacher_token)
    store.close()
