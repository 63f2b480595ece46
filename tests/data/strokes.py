"""Handwritten digits as pen strokes: templates in several writer styles, seeded jitter, screen and paper renders.

A stroke is a polyline of (x, y) points in the unit box, x to the right and y
*down* (screen coordinates), so the same strokes drive `page.mouse` on the
drawing canvas, render a tablet-like drawing (`render_screen`) or a phone photo
of a pen drawing on paper (`render_paper_photo`). Nothing here is trained on:
the shapes are written by hand below, in the ways people write digits (a 7 with
or without a crossbar, a 1 with a flag and a base, open and closed 4s, a 2 with
a loop, straight and curved 9 tails, round and angular 0/6/8, slanted writing).

Plain numpy + PIL, so the tests and the tools need nothing else.

Examples
--------
>>> import numpy as np
>>> strokes = digit_strokes(7, style="european", rng=np.random.default_rng(0))
>>> len(strokes)  # the bar with the stem, then the crossbar
2
>>> render_screen(strokes).shape, downsample(render_screen(strokes)).shape
((280, 280), (28, 28))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

__all__ = [
    "STYLES",
    "Stroke",
    "template",
    "digit_strokes",
    "render_screen",
    "downsample",
    "render_paper_photo",
    "contact_sheet",
]

Point = tuple[float, float]
Stroke = list[Point]


# ---------------------------------------------------------------- shape helpers


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int = 24) -> Stroke:
    """Points on an ellipse from angle ``a0`` to ``a1`` (degrees, counter-clockwise as seen on screen)."""
    t = np.radians(np.linspace(a0, a1, n))
    return [(cx + rx * math.cos(a), cy - ry * math.sin(a)) for a in t]


def _eight(top: float, bottom: float, width: float, *, upper: float = 0.85) -> Stroke:
    """A one-stroke figure eight (x = sin 2t, y = -cos t), started at the top, the upper lobe narrower."""
    t = np.linspace(0, 2 * math.pi, 64)
    mid, half = (top + bottom) / 2, (bottom - top) / 2
    x = np.sin(-2 * t) * width / 2  # written leftwards from the top, as most people do
    y = mid - half * np.cos(t)
    x = np.where(y < mid, x * upper, x)
    return [(0.5 + a, b) for a, b in zip(x, y)]


def _join(*parts: Stroke) -> Stroke:
    """Concatenate polyline pieces into one stroke (the pen does not lift)."""
    return [p for part in parts for p in part]


# ---------------------------------------------------------------- templates

#: Writer styles: how each writes every digit, and the slant / width of their hand.
#: print: upright school print (bare 1, closed 4, plain 7, straight-tailed 9, one-stroke 8);
#: european: 1 with flag and base, 7 with crossbar, open 4, curved 9 tail, flat-topped 3;
#: round: wide and round (circles for 0/6, a snowman 8), 2 with a loop, 7 with a serif;
#: angular: narrow and angular (polygon 0/6/8, Z-like 2, two-stroke 5);
#: slanted: italic hand leaning right, curved 7 stem, open 4, looped 2.
STYLES: dict[str, dict[str, float]] = {
    "print": {"slant": 0.0, "aspect": 1.0},
    "european": {"slant": 0.05, "aspect": 1.0},
    "round": {"slant": 0.0, "aspect": 1.15},
    "angular": {"slant": 0.0, "aspect": 0.8},
    "slanted": {"slant": 0.3, "aspect": 0.9},
}


def _zero(style: str) -> list[Stroke]:
    if style == "angular":
        return [[(0.5, 0.12), (0.32, 0.22), (0.28, 0.5), (0.32, 0.78), (0.5, 0.88), (0.68, 0.78),
                 (0.72, 0.5), (0.68, 0.22), (0.5, 0.12)]]  # fmt: skip
    if style == "round":
        return [_arc(0.5, 0.5, 0.33, 0.37, 100, 465, 40)]
    if style == "slanted":
        return [_arc(0.5, 0.5, 0.24, 0.38, 70, 440, 40)]  # a small overlap where the pen came back
    return [_arc(0.5, 0.5, 0.25, 0.38, 90, 450, 40)]


def _one(style: str) -> list[Stroke]:
    if style == "european":
        return [[(0.32, 0.32), (0.55, 0.1), (0.55, 0.9)], [(0.33, 0.9), (0.77, 0.9)]]
    if style in ("round", "slanted"):
        return [[(0.36, 0.27), (0.53, 0.1), (0.53, 0.9)]]
    return [[(0.5, 0.1), (0.5, 0.9)]]


def _two(style: str) -> list[Stroke]:
    if style == "angular":
        return [[(0.27, 0.26), (0.45, 0.11), (0.68, 0.16), (0.72, 0.34), (0.26, 0.88), (0.76, 0.88)]]
    top = _arc(0.5, 0.33, 0.22, 0.21, 165, -25)
    if style in ("round", "slanted"):  # a little loop where the diagonal meets the base
        return [_join(top, [(0.42, 0.6), (0.3, 0.76)], _arc(0.33, 0.79, 0.13, 0.1, 200, 470, 20)[1:],
                      [(0.5, 0.85), (0.8, 0.87)])]  # fmt: skip
    return [_join(top, [(0.25, 0.88), (0.78, 0.88)])]


def _three(style: str) -> list[Stroke]:
    lower = _arc(0.49, 0.68, 0.23, 0.21, 110, -150)
    if style == "european":  # flat top
        return [_join([(0.27, 0.12), (0.72, 0.12), (0.45, 0.44)], lower)]
    upper = _arc(0.48, 0.3, 0.2, 0.18, 155, -90)
    return [_join(upper, lower[3:])]


def _four(style: str) -> list[Stroke]:
    if style in ("european", "slanted"):  # open: the two strokes do not meet at the top
        return [[(0.34, 0.1), (0.26, 0.58), (0.8, 0.58)], [(0.64, 0.28), (0.64, 0.9)]]
    return [[(0.62, 0.1), (0.2, 0.62), (0.8, 0.62)], [(0.62, 0.1), (0.62, 0.9)]]


def _five(style: str) -> list[Stroke]:
    belly = _arc(0.48, 0.66, 0.24, 0.22, 125, -150)
    if style in ("angular", "european"):  # stem and belly first, the flag last
        return [_join([(0.34, 0.12), (0.3, 0.47)], belly), [(0.34, 0.12), (0.74, 0.12)]]
    return [_join([(0.74, 0.12), (0.34, 0.12), (0.3, 0.47)], belly)]


def _six(style: str) -> list[Stroke]:
    if style == "angular":
        return [[(0.68, 0.12), (0.34, 0.45), (0.28, 0.7), (0.34, 0.86), (0.62, 0.88), (0.72, 0.72), (0.62, 0.54),
                 (0.36, 0.56), (0.29, 0.66)]]  # fmt: skip
    if style == "round":
        return [_join(_arc(0.74, 0.64, 0.46, 0.52, 98, 180, 14), _arc(0.5, 0.64, 0.24, 0.24, 180, 530, 32))]
    return [_join(_arc(0.72, 0.68, 0.44, 0.56, 96, 180, 14), _arc(0.5, 0.68, 0.22, 0.2, 180, 530, 32))]


def _seven(style: str) -> list[Stroke]:
    if style == "european":
        return [[(0.22, 0.16), (0.78, 0.14), (0.42, 0.9)], [(0.44, 0.52), (0.76, 0.51)]]
    if style == "round":  # a serif at the start of the bar
        return [[(0.22, 0.3), (0.22, 0.14), (0.78, 0.14), (0.45, 0.9)]]
    if style == "slanted":  # a stem that curves as it comes down
        return [_join([(0.22, 0.14), (0.78, 0.14)], [(0.66, 0.32), (0.57, 0.52), (0.5, 0.72), (0.47, 0.9)])]
    return [[(0.22, 0.14), (0.78, 0.14), (0.4, 0.9)]]


def _eight_strokes(style: str) -> list[Stroke]:
    if style == "angular":
        return [[(0.68, 0.2), (0.5, 0.1), (0.32, 0.2), (0.32, 0.36), (0.7, 0.64), (0.7, 0.8), (0.5, 0.9),
                 (0.3, 0.8), (0.3, 0.64), (0.68, 0.36), (0.68, 0.2)]]  # fmt: skip
    if style == "round":  # a snowman: two circles
        return [_arc(0.5, 0.29, 0.18, 0.18, 90, 450, 28), _arc(0.5, 0.69, 0.23, 0.21, 90, 450, 32)]
    return [_eight(0.1, 0.9, 0.5)]


def _nine(style: str) -> list[Stroke]:
    head = _arc(0.48, 0.3, 0.21, 0.19, -10, 350, 32)
    right = head[0]
    if style in ("european", "round"):  # a curved tail
        return [_join(head, [(right[0], 0.5), (0.66, 0.7), (0.56, 0.86), (0.38, 0.88)])]
    if style == "angular":
        return [_join(_arc(0.48, 0.28, 0.2, 0.15, 0, 360, 24), [(0.68, 0.9)])]
    return [_join(head, [(right[0] - 0.03, 0.9)])]


_TEMPLATES = (_zero, _one, _two, _three, _four, _five, _six, _seven, _eight_strokes, _nine)


def template(digit: int, style: str) -> list[Stroke]:
    """The clean strokes of ``digit`` in ``style``, before any jitter or slant (unit box, y down)."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; use one of {', '.join(STYLES)}")
    if not 0 <= int(digit) <= 9:
        raise ValueError(f"digit must be 0..9, got {digit!r}")
    return [list(s) for s in _TEMPLATES[int(digit)](style)]


# ---------------------------------------------------------------- jitter


@dataclass(frozen=True)
class _Jitter:
    rotation: float = 10.0  # degrees, either way
    slant: float = 0.15  # extra shear, either way
    scale: tuple[float, float] = (0.75, 1.0)
    aspect: float = 0.15  # width / height varies by this fraction, either way
    wobble: float = 0.012  # smooth per-point wobble, in box units


def _densify(stroke: Stroke, step: float = 0.02) -> np.ndarray:
    """Resample a polyline so that no two consecutive points are further apart than ``step``."""
    pts = np.asarray(stroke, dtype=float)
    out = [pts[:1]]
    for a, b in zip(pts[:-1], pts[1:]):
        n = max(1, int(math.ceil(np.linalg.norm(b - a) / step)))
        out.append(a + (b - a) * (np.arange(1, n + 1)[:, None] / n))
    return np.concatenate(out)


def _smooth_noise(n: int, amplitude: float, rng: np.random.Generator) -> np.ndarray:
    """(n, 2) offsets that drift slowly along a stroke (a hand's wobble, not pixel noise)."""
    knots = max(2, n // 12 + 2)
    at = np.linspace(0, n - 1, knots)
    values = rng.normal(0, amplitude, (knots, 2))
    idx = np.arange(n)
    return np.stack([np.interp(idx, at, values[:, k]) for k in range(2)], axis=1)


def digit_strokes(
    digit: int, *, style: str = "print", rng: np.random.Generator | int | None = None, jitter: bool = True
) -> list[Stroke]:
    """Strokes of ``digit`` written in ``style``, jittered like one person's one attempt.

    Parameters
    ----------
    digit : int, 0..9
    style : str
        One of `STYLES`; fixes the shape and the hand's usual slant and width.
    rng : numpy Generator or int seed
        Draws the wobble, rotation (±10°), extra slant, scale, aspect and the
        position in the box. The same seed gives the same strokes.
    jitter : bool
        False returns the style's own shape (slant and width applied), centred.

    Returns
    -------
    list of strokes, each a list of (x, y) in [0, 1]^2 (y down), points at most 0.02 apart.
    """
    rng = np.random.default_rng(rng)
    j = _Jitter()
    params = STYLES.get(style)
    strokes = template(digit, style)
    dense = [_densify(s) for s in strokes]
    if jitter:
        dense = [p + _smooth_noise(len(p), j.wobble, rng) for p in dense]
        angle = math.radians(rng.uniform(-j.rotation, j.rotation))
        slant = params["slant"] + rng.uniform(-j.slant, j.slant)
        scale = rng.uniform(*j.scale)
        aspect = params["aspect"] * (1 + rng.uniform(-j.aspect, j.aspect))
    else:
        angle, slant, scale, aspect = 0.0, params["slant"], 0.9, params["aspect"]
    # shear (y up is positive slant: the top leans right), stretch, rotate, about the centre
    cos, sin = math.cos(angle), math.sin(angle)
    moved = []
    for p in dense:
        x, y = p[:, 0] - 0.5, p[:, 1] - 0.5
        x = (x - slant * y) * aspect
        x, y = x * scale, y * scale
        moved.append(np.stack([cos * x - sin * y, sin * x + cos * y], axis=1))
    allpts = np.concatenate(moved)
    lo, hi = allpts.min(axis=0), allpts.max(axis=0)
    fit = min(1.0, 0.86 / float(max(hi - lo)))  # a wide style still fits the box, with a margin
    moved = [m * fit for m in moved]
    lo, hi = lo * fit, hi * fit
    room = np.maximum(0.0, 0.9 - (hi - lo))  # where the digit may sit, keeping a 5% margin
    where = rng.uniform(0.0, 1.0, 2) if jitter else np.full(2, 0.5)
    shift = 0.05 + room * where - lo
    return [[(float(x), float(y)) for x, y in m + shift] for m in moved]


# ---------------------------------------------------------------- renders


def _ink_mask(strokes: list[Stroke], *, width_px: int, height_px: int, pen: float, box: tuple) -> Image.Image:
    """An anti-aliased 8-bit mask of the strokes (255 = ink), drawn at 4x and shrunk.

    ``box`` = (left, top, side) maps the unit box to pixels; ``pen`` is the pen width in pixels.
    """
    k = 4
    big = Image.new("L", (width_px * k, height_px * k), 0)
    draw = ImageDraw.Draw(big)
    left, top, side = box
    r = pen * k / 2
    for stroke in strokes:
        pts = [((left + x * side) * k, (top + y * side) * k) for x, y in stroke]
        if len(pts) > 1:
            draw.line(pts, fill=255, width=max(1, round(pen * k)), joint="curve")
        for px, py in pts[:: max(1, len(pts) - 1)]:  # round caps at both ends
            draw.ellipse([px - r, py - r, px + r, py + r], fill=255)
    return big.resize((width_px, height_px), Image.Resampling.BOX)


def render_screen(strokes: list[Stroke], *, size: int = 280, width: float | None = None) -> np.ndarray:
    """A drawing on a tablet or screen: light ink on a dark background, anti-aliased.

    Parameters
    ----------
    strokes : list of strokes in the unit box (from `digit_strokes`)
    size : int
        Side of the square picture in pixels.
    width : float, optional
        Pen width in pixels; default 22/280 of ``size`` (the app's canvas pen).

    Returns
    -------
    ndarray, shape=(size, size), float32 in [0, 1] (1 = ink).
    """
    pen = size * 22 / 280 if width is None else float(width)
    mask = _ink_mask(strokes, width_px=size, height_px=size, pen=pen, box=(0, 0, size))
    return np.asarray(mask, dtype=np.float32) / 255.0


def downsample(image: np.ndarray, size: int = 28) -> np.ndarray:
    """Shrink a square render to ``size`` x ``size`` by area averaging (MNIST-like); float32 in [0, 1]."""
    img = Image.fromarray(np.clip(np.asarray(image) * 255, 0, 255).round().astype(np.uint8))
    return np.asarray(img.resize((size, size), Image.Resampling.BOX), dtype=np.float32) / 255.0


def _perspective_coeffs(src: np.ndarray, dst: np.ndarray) -> list[float]:
    """PIL's 8 perspective coefficients mapping output corners ``dst`` back to input corners ``src``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return np.linalg.solve(np.asarray(rows, float), np.asarray(rhs, float)).tolist()


def render_paper_photo(
    strokes: list[Stroke], *, rng: np.random.Generator | int | None = None, size: tuple[int, int] = (640, 480)
) -> np.ndarray:
    """A phone photo of the digit written with a pen on paper.

    Dark ink (black, blue-black or dark blue) on off-white paper, a lighting
    gradient and a vignette, the digit 35-65% of the height and off-centre, a
    mild perspective tilt and rotation, a slight blur and camera noise.

    Parameters
    ----------
    strokes : list of strokes in the unit box
    rng : numpy Generator or int seed
    size : (width, height) in pixels

    Returns
    -------
    ndarray, shape=(height, width, 3), float32 in [0, 1].
    """
    rng = np.random.default_rng(rng)
    w, h = size
    side = rng.uniform(0.35, 0.65) * h
    left = rng.uniform(0.05 * w, w - side - 0.05 * w)
    top = rng.uniform(0.04 * h, h - side - 0.04 * h)
    pen = side * rng.uniform(0.045, 0.08)
    mask = _ink_mask(strokes, width_px=w, height_px=h, pen=pen, box=(left, top, side))
    # the camera is not square to the page: corners moved by up to 4%, plus a small rotation
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], float)
    moved = corners + rng.uniform(-0.04, 0.04, (4, 2)) * [w, h]
    mask = mask.transform((w, h), Image.Transform.PERSPECTIVE, _perspective_coeffs(corners, moved), Image.BILINEAR)
    mask = mask.rotate(rng.uniform(-6, 6), resample=Image.Resampling.BILINEAR)
    mask = mask.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.6)))
    ink = np.asarray(mask, dtype=np.float32)[..., None] / 255.0 * rng.uniform(0.8, 0.95)

    paper = np.array([0.93, 0.91, 0.86]) + rng.uniform(-0.04, 0.04, 3)
    pen_colour = [np.array([0.08, 0.08, 0.1]), np.array([0.1, 0.12, 0.25]), np.array([0.08, 0.1, 0.35])][
        rng.integers(3)
    ]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    direction = rng.uniform(0, 2 * math.pi)
    ramp = ((xx / w - 0.5) * math.cos(direction) + (yy / h - 0.5) * math.sin(direction)) * rng.uniform(0.15, 0.35)
    vignette = ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) * rng.uniform(0.2, 0.5)
    light = (1.0 + ramp - vignette)[..., None]
    photo = (paper * (1 - ink) + pen_colour * ink) * light
    photo = photo + rng.normal(0, rng.uniform(0.01, 0.03), photo.shape)  # sensor noise
    return np.clip(photo, 0, 1).astype(np.float32)


def contact_sheet(*, styles: tuple[str, ...] | None = None, seed: int = 0, cell: int = 96) -> np.ndarray:
    """All digits (columns) in every style (rows), clean then jittered: a picture to check legibility by eye.

    Returns an (rows*cell, 10*cell) float32 image, dark ink on white.
    """
    styles = tuple(STYLES) if styles is None else styles
    rng = np.random.default_rng(seed)
    rows = []
    for style in styles:
        for jitter in (False, True):
            row = [
                1 - render_screen(digit_strokes(d, style=style, rng=rng, jitter=jitter), size=cell) for d in range(10)
            ]
            rows.append(np.concatenate([np.pad(c, 1, constant_values=0.6) for c in row], axis=1))
    return np.concatenate(rows, axis=0)
