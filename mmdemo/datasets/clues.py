"""Text clues for the digits 0-9: names in several languages, riddles, sums and properties.

Property clues ("an odd number above five") fit several digits, so text alone
is informative but not perfect, which leaves fusion something to show.
"""

from __future__ import annotations

import numpy as np

__all__ = ["NUMBER_NAMES", "make_clue"]

#: Language -> the ten number words, 0 to 9.
NUMBER_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "de": ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "it": ("zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"),
    "nl": ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"),
    "zh": ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九"),
    "roman": ("nulla", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"),
}

_RIDDLES: dict[int, tuple[str, ...]] = {
    0: ("nothing at all", "how many legs a snake has", "an empty basket of apples"),
    1: ("a single one", "how many noses you have", "the first place on the podium"),
    2: ("a pair", "wheels on a bicycle", "how many eyes you have"),
    3: ("sides of a triangle", "a trio", "wheels on a tricycle"),
    4: ("legs of a dog", "seasons in a year", "sides of a square"),
    5: ("fingers on one hand", "a high five", "points of a star"),
    6: ("half a dozen", "legs of an insect", "faces of a dice"),
    7: ("the number of days in a week", "colours of the rainbow", "dwarfs with snow white"),
    8: ("legs of a spider", "arms of an octopus", "two times four"),
    9: ("three times three", "one less than ten", "players on a baseball team"),
}

_PROPERTIES: tuple[tuple[str, frozenset[int]], ...] = tuple(
    (text, frozenset(digits))
    for text, digits in [
        ("an even number", {0, 2, 4, 6, 8}),
        ("an odd number", {1, 3, 5, 7, 9}),
        ("a prime number", {2, 3, 5, 7}),
        ("an odd number above five", {7, 9}),
        ("an even number below five", {0, 2, 4}),
        ("a square number", {0, 1, 4, 9}),
        ("bigger than six", {7, 8, 9}),
        ("smaller than three", {0, 1, 2}),
        ("between three and seven", {4, 5, 6}),
        ("a multiple of three", {0, 3, 6, 9}),
        ("eine gerade Zahl", {0, 2, 4, 6, 8}),
        ("un nombre impair", {1, 3, 5, 7, 9}),
        ("un número primo", {2, 3, 5, 7}),
        ("has a closed loop when written", {0, 4, 6, 8, 9}),
        ("written with straight lines only", {1, 4, 7}),
        ("一个偶数", {0, 2, 4, 6, 8}),
    ]
)

_KEYS = "qwertyuiopasdfghjklzxcvbnm"


def _typo(text: str, rng: np.random.Generator) -> str:
    """One random edit: drop, double, swap or replace a letter."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if not letters:
        return text
    i = int(rng.choice(letters))
    kind = rng.integers(4)
    if kind == 0 and len(text) > 2:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + _KEYS[rng.integers(len(_KEYS))] + text[i + 1 :]


def make_clue(digit: int, rng: np.random.Generator, *, typo_rate: float = 0.25) -> str:
    """One short text about ``digit``: a name (35%), a riddle or sum (25%) or a property (40%).

    A quarter of the clues get a typo. Properties are true of several digits.

    Examples
    --------
    >>> isinstance(make_clue(7, np.random.default_rng(0)), str)
    True
    """
    r = rng.random()
    if r < 0.35:
        lang = list(NUMBER_NAMES)[rng.integers(len(NUMBER_NAMES))]
        text = NUMBER_NAMES[lang][digit]
    elif r < 0.60:
        if rng.random() < 0.6:
            text = str(rng.choice(_RIDDLES[digit]))
        else:
            a = int(rng.integers(0, digit + 1))
            text = f"{a} plus {digit - a}" if rng.random() < 0.5 else f"{digit + a} minus {a}"
    else:
        options = [text for text, digits in _PROPERTIES if digit in digits]
        text = str(rng.choice(options))
    if rng.random() < typo_rate:
        text = _typo(text, rng)
    return text
