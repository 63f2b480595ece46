"""`ClassroomStore`: classes, students and their samples in a database that lasts (SQLite or PostgreSQL).

One code path for both engines (SQLAlchemy Core): SQLite in a data folder for a
teacher's laptop (WAL mode, nothing to install), PostgreSQL by URL for a school
server with several app processes. The schema is versioned and migrated on open.

Security: a class is reached only through its join code (students) or its
teacher token (every teacher action); both come from `secrets`. The code is
projected to the class, so it is stored as it is (the teacher can show it
again); the token is stored only as its SHA-256. A wrong code says so without saying whether a class exists.
A student reads and deletes only their own samples, and sees the class's counts;
other students' samples only when the teacher opens the gallery.

Samples are stored as the bytes `mmdemo.io` re-encodes (PNG, 16-bit FLAC at
16 kHz, UTF-8), never as uploaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.datasets.builder import check_class_name
from mmdemo.errors import InputError, ParameterError
from mmdemo.features.audio import SAMPLE_RATE, prepare_audio
from mmdemo.io import check_text, decode_audio, decode_image, encode_audio, encode_image
from mmdemo.paths import data_dir
from mmdemo.registry import MODALITIES

__all__ = ["ClassCodes", "ClassroomStore", "SampleRow", "Student", "default_url", "split_labels", "SCHEMA_VERSION"]

#: Characters of a join code: no 0/O, 1/I/L, so a code read off a projector is typed right.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE_LENGTH = 8  # 31^8 ≈ 8.5e11 codes
_MAX_NAME_CHARS = 40
#: Default quotas: samples per student, samples per class.
PER_STUDENT, PER_CLASS = 200, 3_000

_meta = sa.MetaData()
_version = sa.Table("mmdemo_schema", _meta, sa.Column("version", sa.Integer, nullable=False))
_classes = sa.Table(
    "classes",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("labels", sa.Text, nullable=False),  # one label per line, in the teacher's order
    sa.Column("code", sa.String(16), nullable=False, unique=True),  # projected to the class: not a secret
    sa.Column("teacher_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("locked", sa.Boolean, nullable=False, default=False),
    sa.Column("gallery_open", sa.Boolean, nullable=False, default=False),
    sa.Column("per_student", sa.Integer, nullable=False),
    sa.Column("per_class", sa.Integer, nullable=False),
    sa.Column("created", sa.Float, nullable=False),
)
_students = sa.Table(
    "students",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("name", sa.String(_MAX_NAME_CHARS), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created", sa.Float, nullable=False),
)
_samples = sa.Table(
    "samples",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("student_id", sa.Integer, sa.ForeignKey("students.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("label", sa.String(80), nullable=False),
    sa.Column("image_png", sa.LargeBinary, nullable=True),
    sa.Column("audio_flac", sa.LargeBinary, nullable=True),
    sa.Column("text", sa.Text, nullable=True),
    sa.Column("created", sa.Float, nullable=False),
)

_models = sa.Table(
    "class_models",
    _meta,
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("model", sa.LargeBinary, nullable=False),  # a skops file, read back with the trusted-types check
    sa.Column("result", sa.Text, nullable=False),  # its held-out scores, as JSON
    sa.Column("published", sa.Float, nullable=False),
)

#: Schema version -> the step that brings the previous version to it (each runs in one transaction).
_MIGRATIONS = {
    1: lambda conn: _meta.create_all(conn, tables=[_classes, _students, _samples]),
    2: lambda conn: _meta.create_all(conn, tables=[_models]),  # the model a teacher publishes to the class
}
SCHEMA_VERSION = max(_MIGRATIONS)


def default_url() -> str:
    """The database: ``MMDEMO_CLASSROOM_URL`` (e.g. ``postgresql+psycopg://user@host/mmdemo``), else SQLite
    in ``MMDEMO_DATA_DIR`` (default ``~/.mmdemo``)."""
    url = os.environ.get("MMDEMO_CLASSROOM_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir() / 'classroom.db'}"


def split_labels(text: str) -> list[str]:
    """Labels as a teacher types them: separated by commas (also Chinese ``，`` and ``、``), spaces trimmed.

    >>> split_labels("cat, dog，bird、 fish ,")
    ['cat', 'dog', 'bird', 'fish']
    """
    for sep in ("，", "、"):
        text = str(text).replace(sep, ",")
    return [x.strip() for x in text.split(",") if x.strip()]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))


def _normal_code(code: str) -> str:
    """A join code as typed (spaces, dashes, lower case) -> its canonical form."""
    return "".join(c for c in str(code).upper() if c.isalnum())


@dataclass(frozen=True)
class ClassCodes:
    """What creating a class gives the teacher: the join code to project and the private teacher token."""

    code: str
    teacher_token: str


@dataclass(frozen=True)
class Student:
    """A student of a class: their private token (kept by their session), display name and the class's labels."""

    token: str
    name: str
    class_name: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class SampleRow:
    """One stored sample: its id, label, who gave it, its stored bytes, and whether the reader gave it."""

    id: int
    label: str
    student: str
    image_png: bytes | None
    audio_flac: bytes | None
    text: str | None
    mine: bool

    @property
    def modalities(self) -> tuple[str, ...]:
        """The modalities this sample has, in `MODALITIES` order."""
        have = {"image": self.image_png, "audio": self.audio_flac, "text": self.text}
        return tuple(m for m in MODALITIES if have[m] is not None)


def _no_class() -> InputError:
    # The same words for a wrong, guessed or deleted code: nothing says whether a class exists.
    return InputError(
        "classroom.no_class", "No class answers to this code; check it with your teacher (codes have 8 characters)."
    )


def _not_teacher() -> InputError:
    return InputError(
        "classroom.not_teacher", "This teacher link is not valid; open the one you got when you made the class."
    )


class ClassroomStore:
    """The classroom database; one instance per process is enough (it holds a connection pool).

    Parameters
    ----------
    url : str, optional
        A SQLAlchemy URL; default `default_url()`.

    Examples
    --------
    >>> store = ClassroomStore("sqlite://")  # in memory
    >>> codes = store.create_class("3B", ["cat", "dog"])
    >>> me = store.join(codes.code, "Ada")
    >>> sample = store.add_sample(me.token, "cat", text="meow")
    >>> store.counts(me.token)["cat"]["text"], [s.label for s in store.samples(me.token)]
    (1, ['cat'])
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        sqlite = self.url.startswith("sqlite")
        kwargs: dict[str, Any] = {"future": True}
        if sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            if self.url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = sa.pool.StaticPool  # one shared in-memory database
        self.engine = sa.create_engine(self.url, **kwargs)
        if sqlite:
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            sa.event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        self._migrate()

    def close(self) -> None:
        """Close the connection pool (a store is usable again afterwards: it reconnects)."""
        self.engine.dispose()

    # ------------------------------------------------------------------ schema
    def _migrate(self) -> None:
        with self.engine.begin() as conn:
            _version.create(conn, checkfirst=True)
            row = conn.execute(sa.select(_version.c.version)).first()
            current = 0 if row is None else int(row.version)
            for version in range(current + 1, SCHEMA_VERSION + 1):
                _MIGRATIONS[version](conn)
            if row is None:
                conn.execute(_version.insert().values(version=SCHEMA_VERSION))
            elif current != SCHEMA_VERSION:
                conn.execute(_version.update().values(version=SCHEMA_VERSION))

    def schema_version(self) -> int:
        """The version of the schema in the database."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(_version.c.version)).scalar_one())

    # ----------------------------------------------------------------- teacher
    def create_class(
        self, name: str, labels: Sequence[str], *, per_student: int = PER_STUDENT, per_class: int = PER_CLASS
    ) -> ClassCodes:
        """A new class with its labels (digits, or any words); returns its join code and teacher token."""
        name = " ".join(str(name).split())
        if not name or len(name) > 80:
            raise ParameterError("classroom.bad_class_name", "Give the class a name of 1 to 80 characters.")
        clean = list(dict.fromkeys(check_class_name(" ".join(str(x).split())) for x in labels if str(x).strip()))
        if len(clean) < 2:
            raise ParameterError("classroom.few_labels", "A class needs at least two labels, e.g. cat, dog.")
        if per_student < 1 or per_class < per_student:
            raise ParameterError(
                "classroom.bad_quotas", "Quotas must be at least 1 per student and at least that many per class."
            )
        teacher = secrets.token_urlsafe(24)
        for _ in range(8):  # a clash of 8-character codes is unlikely; draw again if it happens
            code = _new_code()
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        _classes.insert().values(
                            name=name,
                            labels="\n".join(clean),
                            code=code,
                            teacher_hash=_hash(teacher),
                            locked=False,
                            gallery_open=False,
                            per_student=int(per_student),
                            per_class=int(per_class),
                            created=time.time(),
                        )
                    )
                return ClassCodes(code, teacher)
            except sa.exc.IntegrityError:
                continue
        raise RuntimeError("could not draw a free join code")  # pragma: no cover

    def _class_of_teacher(self, conn, teacher_token: str):
        row = conn.execute(sa.select(_classes).where(_classes.c.teacher_hash == _hash(str(teacher_token)))).first()
        if row is None:
            raise _not_teacher()
        return row

    def class_info(self, teacher_token: str) -> dict[str, Any]:
        """The class as its teacher sees it: ``name``, ``code``, ``labels``, ``locked``, ``gallery_open``,
        ``students`` and ``samples`` (how many of each)."""
        with self.engine.connect() as conn:
            cls = self._class_of_teacher(conn, teacher_token)
            n_students = conn.execute(sa.select(sa.func.count()).where(_students.c.class_id == cls.id)).scalar_one()
            n_samples = conn.execute(sa.select(sa.func.count()).where(_samples.c.class_id == cls.id)).scalar_one()
        return {
            "name": cls.name,
            "code": cls.code,
            "labels": cls.labels.split("\n"),
            "locked": bool(cls.locked),
            "gallery_open": bool(cls.gallery_open),
            "students": int(n_students),
            "samples": int(n_samples),
        }

    def set_locked(self, teacher_token: str, locked: bool) -> None:
        """Lock (no new samples, no deletes by students) or unlock contributions."""
        with self.engine.begin() as conn:
            cls = self._class_of_teacher(conn, teacher_token)
            conn.execute(_classes.update().where(_classes.c.id == cls.id).values(locked=bool(locked)))

    def set_gallery_open(self, teacher_token: str, open_: bool) -> None:
        """Let the students see every sample of the class (or only their own again)."""
        with self.engine.begin() as conn:
            cls = self._class_of_teacher(conn, teacher_token)
            conn.execute(_classes.update().where(_classes.c.id == cls.id).values(gallery_open=bool(open_)))

    def teacher_counts(self, teacher_token: str) -> dict[str, dict[str, dict[str, int]]]:
        """Samples per student -> label -> modality, for the dashboard."""
        with self.engine.connect() as conn:
            cls = self._class_of_teacher(conn, teacher_token)
            rows = conn.execute(
                sa.select(_students.c.name, _samples.c.label, *_presence())
                .select_from(_samples.join(_students, _students.c.id == _samples.c.student_id))
                .where(_samples.c.class_id == cls.id)
            ).all()
        out: dict[str, dict[str, dict[str, int]]] = {}
        for r in rows:
            _tally(out.setdefault(r.name, {}).setdefault(r.label, dict.fromkeys(MODALITIES, 0)), r)
        return out

    def teacher_samples(
        self, teacher_token: str, *, label: str | None = None, newest: int | None = None
    ) -> list[SampleRow]:
        """Every sample of the teacher's class (of ``label`` only, the ``newest`` few only), oldest first."""
        with self.engine.connect() as conn:
            cls = self._class_of_teacher(conn, teacher_token)
            return _rows(conn, _samples.c.class_id == cls.id, None, label, newest)

    def teacher_delete(self, teacher_token: str, sample_id: int) -> None:
        """Delete any sample of the teacher's class."""
        with self.engine.begin() as conn:
            cls = self._class_of_teacher(conn, teacher_token)
            conn.execute(_samples.delete().where(_samples.c.id == int(sample_id), _samples.c.class_id == cls.id))

    def delete_class(self, teacher_token: str) -> None:
        """Delete the class, its students and every sample."""
        with self.engine.begin() as conn:
            cls = self._class_of_teacher(conn, teacher_token)
            conn.execute(_models.delete().where(_models.c.class_id == cls.id))
            conn.execute(_samples.delete().where(_samples.c.class_id == cls.id))
            conn.execute(_students.delete().where(_students.c.class_id == cls.id))
            conn.execute(_classes.delete().where(_classes.c.id == cls.id))

    def publish_model(self, teacher_token: str, model: bytes, result: dict) -> None:
        """Give the class a trained model (skops bytes) and its held-out scores; it replaces the one before."""
        with self.engine.begin() as conn:
            cls = self._class_of_teacher(conn, teacher_token)
            conn.execute(_models.delete().where(_models.c.class_id == cls.id))
            conn.execute(
                _models.insert().values(
                    class_id=cls.id, model=bytes(model), result=json.dumps(result), published=time.time()
                )
            )

    def published_model(self, token: str) -> tuple[bytes, dict, float] | None:
        """The class's published model for a student: (skops bytes, held-out scores, when), or None."""
        with self.engine.connect() as conn:
            s = self._student(conn, token)
            row = conn.execute(sa.select(_models).where(_models.c.class_id == s.class_id)).first()
        return None if row is None else (bytes(row.model), json.loads(row.result), float(row.published))

    def import_dataset(self, teacher_token: str, dataset: MultimodalDataset) -> int:
        """Add every sample of ``dataset`` whose class is a label of the class (e.g. a zip exported earlier),
        as given by the teacher; returns how many were added. The class quota applies."""
        with self.engine.begin() as conn:
            cls = self._class_of_teacher(conn, teacher_token)
            labels = cls.labels.split("\n")
            keep = [i for i in range(dataset.n_samples) if dataset.class_names[dataset.y[i]] in labels]
            total = conn.execute(sa.select(sa.func.count()).where(_samples.c.class_id == cls.id)).scalar_one()
            if total + len(keep) > cls.per_class:
                raise InputError(
                    "classroom.class_quota", "The class has {n} samples, as many as it can hold.", n=int(cls.per_class)
                )
            teacher = conn.execute(
                _students.insert().values(
                    class_id=cls.id, name="teacher", token_hash=_hash(secrets.token_urlsafe(24)), created=time.time()
                )
            ).inserted_primary_key[0]
            for i in keep:
                image, audio, text = (dataset.value(m, i) for m in MODALITIES)
                conn.execute(
                    _samples.insert().values(
                        class_id=cls.id,
                        student_id=teacher,
                        label=dataset.class_names[dataset.y[i]],
                        image_png=None if image is None else encode_image(np.asarray(image)),
                        audio_flac=None
                        if audio is None
                        else encode_audio(
                            prepare_audio(np.asarray(audio), sr=dataset.sample_rate, target_sr=SAMPLE_RATE), SAMPLE_RATE
                        ),
                        text=None if text is None else check_text(str(text)),
                        created=time.time(),
                    )
                )
        return len(keep)

    def dataset(self, teacher_token: str) -> MultimodalDataset:
        """The class's samples as an instance-paired dataset (every sample's modalities come from one student)."""
        with self.engine.connect() as conn:
            cls = self._class_of_teacher(conn, teacher_token)
            rows = conn.execute(sa.select(_samples).where(_samples.c.class_id == cls.id).order_by(_samples.c.id)).all()
        labels = cls.labels.split("\n")
        data: dict[str, list] = {"image": [], "audio": [], "text": []}
        for r in rows:
            data["image"].append(None if r.image_png is None else decode_image(r.image_png, "image.png"))
            data["audio"].append(None if r.audio_flac is None else decode_audio(r.audio_flac, "audio.flac")[0])
            data["text"].append(r.text)
        data = {m: v for m, v in data.items() if any(x is not None for x in v)}
        return MultimodalDataset(
            name=cls.name,
            data=data,
            y=np.array([labels.index(r.label) for r in rows], dtype=int),
            class_names=labels,
            sample_rate=SAMPLE_RATE,
            pairing="instance",
            description=f"collected by class {cls.name}",
            sample_ids=[f"s{r.id}" for r in rows],
        )

    # ----------------------------------------------------------------- students
    def join(self, code: str, display_name: str) -> Student:
        """Join the class of ``code`` under ``display_name``; the student's token is theirs to keep."""
        name = " ".join(str(display_name).split())
        if not name or len(name) > _MAX_NAME_CHARS:
            raise ParameterError(
                "classroom.bad_student_name", "Pick a display name of 1 to {n} characters.", n=_MAX_NAME_CHARS
            )
        token = secrets.token_urlsafe(24)
        with self.engine.begin() as conn:
            cls = conn.execute(sa.select(_classes).where(_classes.c.code == _normal_code(code))).first()
            if cls is None:
                raise _no_class()
            conn.execute(
                _students.insert().values(class_id=cls.id, name=name, token_hash=_hash(token), created=time.time())
            )
        return Student(token, name, cls.name, tuple(cls.labels.split("\n")))

    def _student(self, conn, token: str):
        row = conn.execute(
            sa.select(
                _students,
                _classes.c.labels,
                _classes.c.locked,
                _classes.c.gallery_open,
                _classes.c.name.label("class_name"),
            )
            .select_from(_students.join(_classes, _classes.c.id == _students.c.class_id))
            .where(_students.c.token_hash == _hash(str(token)))
        ).first()
        if row is None:
            raise _no_class()
        return row

    def student(self, token: str) -> Student:
        """The student a token belongs to."""
        with self.engine.connect() as conn:
            s = self._student(conn, token)
        return Student(token, s.name, s.class_name, tuple(s.labels.split("\n")))

    def add_sample(
        self,
        token: str,
        label: str,
        *,
        image: np.ndarray | None = None,
        audio: tuple[np.ndarray, int] | None = None,
        text: str | None = None,
    ) -> int:
        """Store one sample of ``label`` (any subset of a picture, a ``(samples, rate)`` recording and a text);
        returns its id. The values are validated and re-encoded before anything is written."""
        if image is None and audio is None and not (text and str(text).strip()):
            raise InputError(
                "classroom.empty_sample", "Give a drawing or photo, a recording or a word for this sample."
            )
        png = None if image is None else encode_image(np.asarray(image))
        flac = None
        if audio is not None:
            y = prepare_audio(np.asarray(audio[0]), sr=int(audio[1]), target_sr=SAMPLE_RATE)
            if len(y) == 0 or float(np.abs(y).max()) < 1e-3:
                raise InputError("classroom.silent", "The recording is silent; say the word a little louder.")
            flac = encode_audio(y, SAMPLE_RATE)
        words = None if text is None or not str(text).strip() else check_text(str(text))
        with self.engine.begin() as conn:
            s = self._student(conn, token)
            cls = conn.execute(sa.select(_classes).where(_classes.c.id == s.class_id).with_for_update()).one()
            if cls.locked:
                raise InputError("classroom.locked", "Your teacher has paused contributions for now.")
            if label not in cls.labels.split("\n"):
                raise ParameterError(
                    "classroom.unknown_label", "{label!r} is not a label of this class.", label=str(label)
                )
            mine = conn.execute(sa.select(sa.func.count()).where(_samples.c.student_id == s.id)).scalar_one()
            if mine >= cls.per_student:
                raise InputError(
                    "classroom.student_quota",
                    "You have given {n} samples, the most one student can give here; delete one to add another.",
                    n=int(cls.per_student),
                )
            total = conn.execute(sa.select(sa.func.count()).where(_samples.c.class_id == s.class_id)).scalar_one()
            if total >= cls.per_class:
                raise InputError(
                    "classroom.class_quota", "The class has {n} samples, as many as it can hold.", n=int(cls.per_class)
                )
            result = conn.execute(
                _samples.insert().values(
                    class_id=s.class_id,
                    student_id=s.id,
                    label=label,
                    image_png=png,
                    audio_flac=flac,
                    text=words,
                    created=time.time(),
                )
            )
            return int(result.inserted_primary_key[0])

    def samples(self, token: str, *, label: str | None = None, newest: int | None = None) -> list[SampleRow]:
        """The student's own samples; every sample of the class when the teacher opened the gallery.
        Of ``label`` only, the ``newest`` few only; oldest first."""
        with self.engine.connect() as conn:
            s = self._student(conn, token)
            where = _samples.c.class_id == s.class_id if s.gallery_open else _samples.c.student_id == s.id
            return _rows(conn, where, s.id, label, newest)

    def given(self, token: str) -> int:
        """How many samples the student has now (their own, not deleted)."""
        with self.engine.connect() as conn:
            s = self._student(conn, token)
            return int(conn.execute(sa.select(sa.func.count()).where(_samples.c.student_id == s.id)).scalar_one())

    def delete_sample(self, token: str, sample_id: int) -> None:
        """Delete one of the student's own samples (another's is refused as if it did not exist)."""
        with self.engine.begin() as conn:
            s = self._student(conn, token)
            if s.locked:
                raise InputError("classroom.locked", "Your teacher has paused contributions for now.")
            gone = conn.execute(
                _samples.delete().where(_samples.c.id == int(sample_id), _samples.c.student_id == s.id)
            ).rowcount
        if not gone:
            raise InputError("classroom.no_sample", "You have no sample number {id}.", id=int(sample_id))

    def counts(self, token: str) -> dict[str, dict[str, int]]:
        """The class's samples per label and modality (what every student may see)."""
        with self.engine.connect() as conn:
            s = self._student(conn, token)
            rows = conn.execute(
                sa.select(_samples.c.label, *_presence()).where(_samples.c.class_id == s.class_id)
            ).all()
        out = {label: dict.fromkeys(MODALITIES, 0) for label in s.labels.split("\n")}
        for r in rows:
            _tally(out[r.label], r)
        return out


def _rows(conn, where, reader: int | None, label: str | None, newest: int | None) -> list[SampleRow]:
    """The samples matching ``where`` (and ``label``), the ``newest`` few, oldest first; ``mine`` for ``reader``'s."""
    query = (
        sa.select(_samples, _students.c.name)
        .select_from(_samples.join(_students, _students.c.id == _samples.c.student_id))
        .where(where)
        .order_by(_samples.c.id.desc())
    )
    if label is not None:
        query = query.where(_samples.c.label == str(label))
    if newest is not None:
        query = query.limit(int(newest))
    rows = conn.execute(query).all()
    return [
        SampleRow(
            int(r.id),
            r.label,
            r.name,
            None if r.image_png is None else bytes(r.image_png),
            None if r.audio_flac is None else bytes(r.audio_flac),
            r.text,
            r.student_id == reader,
        )
        for r in reversed(rows)
    ]


def _presence() -> list:
    """Columns saying which modalities a sample row has (1/0), named image, audio, text."""
    return [
        sa.case((_samples.c.image_png.is_not(None), 1), else_=0).label("image"),
        sa.case((_samples.c.audio_flac.is_not(None), 1), else_=0).label("audio"),
        sa.case((_samples.c.text.is_not(None), 1), else_=0).label("text"),
    ]


def _tally(per: dict[str, int], row) -> None:
    """Add one sample row's modalities (the `_presence` columns) to ``per`` (modality -> count)."""
    for m in MODALITIES:
        per[m] += int(getattr(row, m))


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # transactions are begun by the "begin" listener (BEGIN IMMEDIATE)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
