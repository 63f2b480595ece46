"""The bundled scenes dataset: two shapes, their caption, the caption spoken (instance pairs)."""

from __future__ import annotations

import itertools
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from mmdemo.datasets.base import MultimodalDataset
from mmdemo.datasets.clips import read_clips
from mmdemo.errors import DatasetError
from mmdemo.features.audio import SAMPLE_RATE
from mmdemo.features.captions import ATTRIBUTES, CAPTION_SLOTS, caption
from mmdemo.features.speech import remember_evidence, slot_key

__all__ = ["AUDIO_DIR", "N_SCENES", "SCENE_SIDE", "draw_scene", "load_scenes", "scene_specs"]

AUDIO_DIR = Path(__file__).resolve().parent.parent / "data" / "scenes" / "audio"
#: The recognizer's slot-by-slot evidence for every bundled caption (tools/make_scenes_audio.py).
EVIDENCE_FILE = AUDIO_DIR.parent / "caption_evidence.npz"
N_SCENES = 1000
SCENE_SIDE = 48
#: RGB of each colour word.
COLOURS = {"red": (0.86, 0.12, 0.12), "green": (0.10, 0.62, 0.18), "blue": (0.12, 0.28, 0.92), "black": (0.1, 0.1, 0.1)}
#: Radius (in a 48-pixel picture) of each size word.
RADII = {"small": (4.5, 6.0), "large": (8.5, 10.5)}

DESCRIPTION = (
    "1,000 pictures of two shapes (size, colour, kind; one left of or above the other), each with its own caption "
    '("a large red circle left of a small blue square") and that caption spoken by a text-to-speech voice '
    "(flite and festival voices at varied pitch and speed, tools/make_scenes_audio.py). Every scene is a different "
    "combination, so a picture has exactly one right caption and one right recording: the modalities are paired by "
    "instance, and finding *this* picture's own caption is a real task. The class is the kind of the first shape "
    "named (circle, square or triangle)."
)


def scene_specs(n: int = N_SCENES, *, seed: int = 0) -> list[dict]:
    """``n`` different scenes: each two shapes (size, colour, shape) and a relation, in a seeded order.

    Examples
    --------
    >>> specs = scene_specs(5)
    >>> sorted(specs[0]), specs[0]["first"]["shape"] in ATTRIBUTES["shape"]
    (['first', 'relation', 'second'], True)
    """
    shapes = [
        dict(zip(("size", "colour", "shape"), c))
        for c in itertools.product(ATTRIBUTES["size"], ATTRIBUTES["colour"], ATTRIBUTES["shape"])
    ]
    combos = [(a, r, b) for a in shapes for r in ATTRIBUTES["relation"] for b in shapes if a != b]
    if n > len(combos):
        raise DatasetError("scenes.too_many", "There are only {n} different scenes.", n=len(combos))
    pick = np.random.default_rng(seed).choice(len(combos), size=n, replace=False)
    return [{"first": combos[i][0], "relation": combos[i][1], "second": combos[i][2]} for i in pick]


def _draw_shape(draw: ImageDraw.ImageDraw, shape: str, cx: float, cy: float, r: float, fill: tuple) -> None:
    if shape == "circle":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif shape == "square":
        h = r * 0.9
        draw.rectangle([cx - h, cy - h, cx + h, cy + h], fill=fill)
    else:
        draw.polygon([(cx, cy - r), (cx - r * 0.95, cy + r * 0.75), (cx + r * 0.95, cy + r * 0.75)], fill=fill)


def draw_scene(spec: dict, rng: np.random.Generator, *, side: int = SCENE_SIDE) -> np.ndarray:
    """A picture of ``spec`` on white: the first shape left of (or above) the second, sizes, places, shades jittered.

    Drawn at 4x and averaged down, so edges are smooth.

    Returns
    -------
    ndarray, shape=(side, side, 3), float32 in [0, 1]

    Examples
    --------
    >>> spec = scene_specs(1)[0]
    >>> draw_scene(spec, np.random.default_rng(0)).shape
    (48, 48, 3)
    """
    scale = 4
    big = side * scale
    canvas = Image.new("RGB", (big, big), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    half = side / 2
    for k, key in enumerate(("first", "second")):
        part = spec[key]
        r = rng.uniform(*RADII[part["size"]])
        # The first shape in its half (left or top), the second in the other; at most 2 px past the middle each,
        # so they never overlap. The other axis is free.
        lo, hi = (r + 1, half + 2 - r) if k == 0 else (half - 2 + r, side - r - 1)
        along = rng.uniform(lo, max(lo, hi))
        across = rng.uniform(r + 1, side - r - 1)
        cx, cy = (along, across) if spec["relation"] == "left of" else (across, along)
        shade = np.clip(np.array(COLOURS[part["colour"]]) + rng.normal(0, 0.04, 3), 0, 1)
        _draw_shape(draw, part["shape"], cx * scale, cy * scale, r * scale, tuple(int(255 * c) for c in shade))
    small = canvas.resize((side, side), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float32) / 255.0


@lru_cache(maxsize=1)
def _captions_spoken() -> tuple[tuple[np.ndarray, ...], tuple[str, ...], tuple[str, ...]]:
    """The bundled recordings in sample order: (clips, their captions, voice of each)."""
    rows, clips = read_clips(AUDIO_DIR, tool="tools/make_scenes_audio.py")
    texts = [row["text"] for row in rows]
    voices = [row["voice"] for row in rows]
    if EVIDENCE_FILE.exists():
        stored = np.load(EVIDENCE_FILE)
        remember_evidence([k.tobytes() for k in stored["keys"]], slot_key(CAPTION_SLOTS), stored["evidence"])
    return tuple(clips), tuple(texts), tuple(voices)


def load_scenes() -> MultimodalDataset:
    """The scenes dataset: pictures drawn from a fixed seed, their captions, the bundled recordings of them.

    Examples
    --------
    >>> ds = load_scenes()
    >>> ds.n_samples, ds.class_names, ds.pairing, ds.data["image"][0].shape
    (1000, ['circle', 'square', 'triangle'], 'instance', (48, 48, 3))
    >>> ds.data["text"][0] == ds.sample_ids[0]
    True
    """
    specs = scene_specs()
    rng = np.random.default_rng(1)
    images = [draw_scene(s, rng) for s in specs]
    texts = [caption(s["first"], s["relation"], s["second"]) for s in specs]
    clips, spoken, _ = _captions_spoken()
    if list(spoken) != texts:
        raise DatasetError(
            "scenes.stale_audio",
            "The bundled scene audio does not say the captions; run tools/make_scenes_audio.py again.",
        )
    data = {"image": images, "audio": list(clips), "text": texts}
    shapes = list(ATTRIBUTES["shape"])
    return MultimodalDataset(
        name="scenes",
        data=data,
        y=np.array([shapes.index(s["first"]["shape"]) for s in specs]),
        class_names=shapes,
        sample_rate=SAMPLE_RATE,
        pairing="instance",
        description=DESCRIPTION,
        sample_ids=texts,
        features={"image": "scene", "audio": "caption", "text": "word"},
    )
