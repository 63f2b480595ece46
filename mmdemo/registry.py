"""`Registry`: every named choice of one kind (fusions, classifiers, ...) with its description and its factory.

A registry maps a name to the English line a user sees (the CLI's ``--help``,
the app's pickers, through the catalogue table it names), keeps the factory that
makes the choice, and refuses an unknown name with one message that lists the
accepted ones. Adding a choice is one `Registry.add` call (plus its Chinese line
in ``zh.toml``); every list, check and picker reads the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mmdemo.errors import Message, MMDemoError, ParameterError

__all__ = ["Choice", "Registry", "REGISTRIES", "MODALITIES"]

#: Catalogue table -> its registry, filled as registries are made (the app's English names come from here).
REGISTRIES: dict[str, Registry] = {}


@dataclass(frozen=True)
class Choice:
    """One named choice: its English description, what makes it (``None`` for a plain value) and its group."""

    description: str
    make: Callable[..., Any] | None = None
    group: str | None = None


class Registry(Mapping[str, str]):
    """Named choices of one kind: name -> English description, in the order they were added.

    Parameters
    ----------
    table : str
        The catalogue table that says the descriptions in other languages (``"names.fusion"``).
    what : Message
        What a choice is, as a phrase for messages (``Message("registry.what.fusion", "fusion")``).
    error : type of MMDemoError
        The exception an unknown name raises.

    Examples
    --------
    >>> colours = Registry("names.colour_example", Message("registry.what.colour_example", "colour"))
    >>> colours.add("red", "warm", make=lambda: (255, 0, 0), group="primary")
    >>> colours["red"], colours.make("red"), list(colours), colours.group("red"), colours.members("primary")
    ('warm', (255, 0, 0), ['red'], 'primary', ['red'])
    >>> colours.check("blue")
    Traceback (most recent call last):
    ...
    mmdemo.errors.ParameterError: Unknown colour 'blue'; use one of red.
    >>> colours.remove("red"); len(colours)
    0
    >>> del REGISTRIES["names.colour_example"]
    """

    def __init__(self, table: str, what: Message, *, error: type[MMDemoError] = ParameterError) -> None:
        self.table, self.what, self.error = table, what, error
        self._choices: dict[str, Choice] = {}
        REGISTRIES[table] = self

    def add(
        self, name: str, description: str, *, make: Callable[..., Any] | None = None, group: str | None = None
    ) -> None:
        """Register ``name`` (a name already there is replaced, keeping its place), optionally in a ``group``."""
        self._choices[name] = Choice(description, make, group)

    def group(self, name: str) -> str | None:
        """The group ``name`` was added in (None: no group)."""
        return self._choices[self.check(name)].group

    def members(self, group: str) -> list[str]:
        """The names of ``group``, in the registry's order."""
        return [name for name, choice in self._choices.items() if choice.group == group]

    def remove(self, name: str) -> None:
        """Forget ``name`` (a plug-in or a test that added one takes it away again)."""
        del self._choices[self.check(name)]

    def __getitem__(self, name: str) -> str:
        return self._choices[name].description

    def __iter__(self) -> Iterator[str]:
        return iter(self._choices)

    def __len__(self) -> int:
        return len(self._choices)

    def __repr__(self) -> str:
        return f"Registry({self.table!r}, {list(self._choices)})"

    def index(self, name: str) -> int:
        """Where ``name`` stands in the registry's order (a stable seed for a choice's random draws)."""
        return list(self._choices).index(self.check(name))

    def check(self, name: str, *, error: type[MMDemoError] | None = None) -> str:
        """``name`` if it is registered, else raise ``error`` (default: the registry's) naming the accepted choices."""
        if name not in self._choices:
            message = Message(
                "registry.unknown",
                "Unknown {what} {name!r}; use one of {accepted}.",
                what=self.what,
                name=name,
                accepted=list(self._choices),
            )
            raise (error or self.error)(message)
        return name

    def make(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        """What ``name``'s factory makes from ``args`` and ``kwargs`` (after `check`)."""
        make = self._choices[self.check(name)].make
        if make is None:
            raise TypeError(f"{self.table}: {name!r} is a plain value; it has no factory")
        return make(*args, **kwargs)


#: The modalities mmdemo knows, in the order every page and table lists them.
MODALITIES = Registry("names.modality", Message("registry.what.modality", "modality"))
for _modality in ("image", "audio", "text"):
    MODALITIES.add(_modality, _modality)
