"""Exceptions mmdemo raises, each carrying a message a teacher could read aloud."""

from __future__ import annotations

__all__ = ["MMDemoError", "InputError", "ParameterError", "DatasetError"]


class MMDemoError(Exception):
    """Base class: every error mmdemo raises on purpose.

    The message names what was wrong and what is accepted, so the UI can show it
    as it is and the CLI can print it as its one line on stderr.
    """


class InputError(MMDemoError):
    """A user's file or value cannot be decoded (corrupt, empty, too big, wrong type)."""


class ParameterError(MMDemoError, ValueError):
    """A parameter has a value mmdemo does not accept (unknown fusion, bad level, ...)."""


class DatasetError(MMDemoError):
    """A dataset cannot be built or used (unknown name, too few samples per class, ...)."""
