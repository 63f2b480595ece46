"""The stroke digits of tests/data/strokes.py: every template renders, the jitter is seeded, the renders look right."""

from __future__ import annotations

import numpy as np
import pytest

from tests.data.strokes import (
    STYLES,
    contact_sheet,
    digit_strokes,
    downsample,
    render_paper_photo,
    render_screen,
    template,
)


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("digit", range(10))
def test_every_template_renders_inside_the_box(digit, style):
    strokes = digit_strokes(digit, style=style, rng=np.random.default_rng([digit, 1]))
    pts = np.concatenate([np.asarray(s) for s in strokes])
    assert pts.min() >= 0.0 and pts.max() <= 1.0
    steps = [np.linalg.norm(np.diff(np.asarray(s), axis=0), axis=1).max() for s in strokes if len(s) > 1]
    assert max(steps) < 0.05  # dense enough to drive the mouse point by point
    ink = render_screen(strokes)
    assert 0.03 < ink.mean() < 0.4  # a digit, not an empty or flooded box


def test_styles_differ_where_writers_differ():
    assert len(template(7, "european")) == 2 and len(template(7, "print")) == 1  # the crossbar
    assert len(template(1, "european")) == 2  # flag and stem, then the base
    assert template(4, "print")[0][0] == template(4, "print")[1][0]  # closed 4: the strokes meet at the top
    assert template(4, "european")[0][0] != template(4, "european")[1][0]  # open 4


def test_jitter_is_seeded_and_deterministic():
    a = digit_strokes(8, style="slanted", rng=np.random.default_rng(5))
    b = digit_strokes(8, style="slanted", rng=np.random.default_rng(5))
    c = digit_strokes(8, style="slanted", rng=np.random.default_rng(6))
    assert a == b
    assert a != c
    assert digit_strokes(3, style="print", rng=1) == digit_strokes(3, style="print", rng=1)
    assert np.array_equal(render_paper_photo(a, rng=2), render_paper_photo(b, rng=2))


def test_unknown_style_or_digit_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="print"):
        template(3, "gothic")
    with pytest.raises(ValueError, match="0..9"):
        template(10, "print")


def test_screen_render_is_light_ink_on_dark_and_anti_aliased():
    img = render_screen(digit_strokes(0, style="round", rng=0), size=280)
    assert img.shape == (280, 280) and img.dtype == np.float32
    assert img.min() == 0.0 and img.max() == pytest.approx(1.0)
    assert np.median(img) == 0.0  # the background is dark
    assert ((img > 0.05) & (img < 0.95)).any()  # grey edges: anti-aliased
    small = downsample(img, 28)
    assert small.shape == (28, 28) and small.dtype == np.float32
    assert small.min() >= 0.0 and small.max() <= 1.0


def test_pen_width_follows_the_canvas_pen():
    strokes = digit_strokes(1, style="print", rng=0)
    assert render_screen(strokes, width=30).sum() > 1.5 * render_screen(strokes, width=15).sum()


def test_paper_photo_has_dark_ink_on_light_paper_off_centre():
    photo = render_paper_photo(digit_strokes(7, style="european", rng=3), rng=4)
    assert photo.shape == (480, 640, 3) and photo.dtype == np.float32
    gray = photo.mean(axis=2)
    assert np.median(gray) > 0.6  # paper
    assert np.percentile(gray, 0.5) < 0.35  # ink
    dark = np.argwhere(gray < 0.35)
    centre = dark.mean(axis=0)
    assert np.linalg.norm(centre - [240, 320]) > 5  # not placed exactly in the middle
    assert photo.std(axis=(0, 1)).min() > 0  # noise and lighting: not a flat synthetic page


def test_contact_sheet_shows_every_style_clean_and_jittered():
    sheet = contact_sheet(cell=32)
    assert sheet.shape == (2 * len(STYLES) * 34, 10 * 34)
