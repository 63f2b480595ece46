"""Classroom: a class collects one instance-paired dataset together, each student on their own device.

- `store`: `ClassroomStore`, the classes, students and samples in a real database (SQLite by default,
  PostgreSQL by URL), with unguessable codes, quotas and owner-only deletes.
"""

from mmdemo.classroom.store import (
    ClassCodes,
    ClassroomStore,
    SampleRow,
    Student,
    default_url,
    split_labels,
)

__all__ = ["ClassCodes", "ClassroomStore", "SampleRow", "Student", "default_url", "split_labels"]
