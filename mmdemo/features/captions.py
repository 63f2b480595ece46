"""The sentence pattern of a scene caption ("a large red circle left of a small blue square") and its words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["ATTRIBUTES", "CAPTION_SLOTS", "caption", "caption_columns", "read_caption"]

#: Attribute -> the words it is said with, in a fixed order (the column order of the caption features).
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "size": ("small", "large"),
    "colour": ("red", "green", "blue", "black"),
    "shape": ("circle", "square", "triangle"),
    "relation": ("left of", "above"),
}
#: The caption, slot by slot: "a <size> <colour> <shape> <relation> a <size> <colour> <shape>".
CAPTION_SLOTS: tuple[tuple[str, ...], ...] = (
    ("a",),
    ATTRIBUTES["size"],
    ATTRIBUTES["colour"],
    ATTRIBUTES["shape"],
    ATTRIBUTES["relation"],
    ("a",),
    ATTRIBUTES["size"],
    ATTRIBUTES["colour"],
    ATTRIBUTES["shape"],
)
_SLOT_NAMES = ("", "size 1", "colour 1", "shape 1", "relation", "", "size 2", "colour 2", "shape 2")


def caption(first: Mapping[str, str], relation: str, second: Mapping[str, str]) -> str:
    """The caption of two shapes, each a mapping with ``size``, ``colour`` and ``shape``.

    Examples
    --------
    >>> caption({"size": "large", "colour": "red", "shape": "circle"}, "left of",
    ...         {"size": "small", "colour": "blue", "shape": "square"})
    'a large red circle left of a small blue square'
    """
    one = " ".join(first[a] for a in ("size", "colour", "shape"))
    two = " ".join(second[a] for a in ("size", "colour", "shape"))
    return f"a {one} {relation} a {two}"


def caption_columns(slots: Sequence[Sequence[str]] = CAPTION_SLOTS) -> list[str]:
    """A name for every column of the caption features ("colour 1: red", ...).

    >>> caption_columns()[:3]
    ['size 1: small', 'size 1: large', 'colour 1: red']
    """
    return [f"{name}: {phrase}" for name, slot in zip(_SLOT_NAMES, slots) if len(slot) > 1 for phrase in slot]


def read_caption(text: str) -> dict[str, str] | None:
    """The attributes a caption names ("shape 1" -> "circle", ...), or None when it is not a scene caption.

    Examples
    --------
    >>> read_caption("a large red circle left of a small blue square")["colour 2"]
    'blue'
    >>> read_caption("a red thing") is None
    True
    """
    for relation in ATTRIBUTES["relation"]:
        head, sep, tail = str(text).strip().lower().partition(f" {relation} ")
        one, two = head.split(), tail.split()
        if sep and len(one) == len(two) == 4 and one[0] == two[0] == "a":
            out = {"relation": relation}
            for k, words in ((1, one[1:]), (2, two[1:])):
                for attribute, word in zip(("size", "colour", "shape"), words):
                    if word not in ATTRIBUTES[attribute]:
                        return None
                    out[f"{attribute} {k}"] = word
            return out
    return None
