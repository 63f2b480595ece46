"""Checks that models trained on the bundled data work on inputs they never saw.

1. Printed digits: each digit 0-9 rendered in every DejaVu font found on the
   machine, dark ink on a 600x600 white page at several sizes, offsets and
   rotations, then passed through `mmdemo.features.prepare_image` (the optdigits
   recipe) and classified by a model trained on the bundled handwritten images.
   Compared with a plain resize of the same photo to 8x8, the baseline the
   recipe replaces.
2. Held-out voices: the spoken digits of one TTS engine are held out, the model
   is trained on the other engines' clips and tested on them (leave-one-engine-out),
   for pooled and time-resolved (frames) MFCC features.

Run: ``python tools/check_transfer.py`` (about a minute). Prints a table and
writes ``benchmarks/results/transfer.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmdemo.classifiers import make_classifier  # noqa: E402
from mmdemo.datasets.av_digits import load_digit_clips  # noqa: E402
from mmdemo.features import AudioFeatures, prepare_image  # noqa: E402
from mmdemo.fusion import make_fusion_model  # noqa: E402

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def render_digit(digit: int, font: Path, *, size: int, offset: tuple[int, int], angle: float) -> np.ndarray:
    """A 600x600 photo-like page: light grey paper, dark ink, one digit."""
    page = Image.new("L", (600, 600), 235)
    ink = Image.new("L", (600, 600), 0)
    draw = ImageDraw.Draw(ink)
    face = ImageFont.truetype(str(font), size)
    draw.text((300 + offset[0], 300 + offset[1]), str(digit), fill=255, font=face, anchor="mm")
    ink = ink.rotate(angle, resample=Image.Resampling.BILINEAR)
    page.paste(30, mask=ink)
    rng = np.random.default_rng(digit * 1000 + size)
    arr = np.asarray(page, dtype=np.float32) / 255 + rng.normal(0, 0.02, (600, 600))
    return np.clip(arr, 0, 1).astype(np.float32)


#: Pen strokes of each digit as polylines on a 280x280 canvas, drawn the way people write them.
PEN_STROKES = {
    0: [[(140, 40), (90, 80), (80, 160), (100, 230), (140, 250), (180, 230), (200, 160), (190, 80), (140, 40)]],
    1: [[(150, 40), (140, 250)]],
    2: [[(90, 80), (130, 40), (180, 60), (180, 110), (90, 240), (200, 240)]],
    3: [[(90, 50), (180, 60), (130, 130), (190, 180), (150, 240), (90, 230)]],
    4: [[(160, 40), (80, 180), (210, 180)], [(170, 110), (170, 250)]],
    5: [[(190, 40), (100, 40), (90, 130), (170, 130), (190, 190), (150, 245), (90, 230)]],
    6: [[(180, 40), (110, 110), (90, 200), (140, 245), (190, 200), (170, 150), (100, 170)]],
    7: [[(80, 50), (200, 50), (130, 250)]],
    8: [[(140, 140), (90, 90), (140, 40), (190, 90), (140, 140), (80, 200), (140, 250), (200, 200), (140, 140)]],
    9: [[(190, 100), (140, 50), (90, 90), (130, 140), (190, 100), (180, 250)]],
}


def pen_drawing(digit: int, *, width: int) -> np.ndarray:
    """A drawing of ``digit`` on a white 280x280 canvas, as on the Try it yourself page."""
    img = Image.new("L", (280, 280), 255)
    draw = ImageDraw.Draw(img)
    for line in PEN_STROKES[digit]:
        draw.line(line, fill=0, width=width, joint="curve")
    return np.asarray(img, dtype=np.float32) / 255


def naive_resize(photo: np.ndarray) -> np.ndarray:
    """The baseline: shrink the whole photo to 8x8, no inversion or cropping."""
    img = Image.fromarray((photo * 255).astype(np.uint8)).resize((8, 8), Image.Resampling.BOX)
    return np.asarray(img, dtype=np.float32) / 255


def check_printed() -> dict:
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = digits.images.reshape(len(digits.images), -1) / 16
    model = make_fusion_model("single", make_classifier("svm"), {"image": (0, 64)}).fit(X, digits.target)
    fonts = sorted(f for f in FONT_DIR.glob("DejaVu*.ttf") if "Math" not in f.name and "ExtraLight" not in f.name)
    photos, labels = [], []
    for font in fonts:
        for size, offset, angle in [(360, (0, 0), 0), (220, (-90, 60), 5), (300, (40, -30), -8)]:
            for d in range(10):
                photos.append(render_digit(d, font, size=size, offset=offset, angle=angle))
                labels.append(d)
    n_printed = len(photos)
    for width in (10, 18, 26):
        for d in range(10):
            photos.append(pen_drawing(d, width=width))
            labels.append(d)
    labels = np.array(labels)
    out: dict = {"n_printed": n_printed, "n_drawn": len(labels) - n_printed, "fonts": len(fonts)}
    for name, prep in [("optdigits recipe (prepare_image)", prepare_image), ("plain 8x8 resize", naive_resize)]:
        hit = model.predict(np.stack([prep(p).ravel() for p in photos])) == labels
        out[name] = {
            "printed": round(float(hit[:n_printed].mean()), 3),
            "drawn": round(float(hit[n_printed:].mean()), 3),
        }
    return out


def check_voices() -> dict:
    clips, labels, voices = load_digit_clips()
    engines = np.array([v.split("-")[0] for v in voices])
    out: dict[str, dict[str, float]] = {}
    for kind in ("pooled", "frames"):
        X = AudioFeatures(kind=kind).fit([]).transform(list(clips))
        row = {}
        for engine in sorted(set(engines)):
            test = engines == engine
            model = make_fusion_model("single", make_classifier("svm"), {"audio": (0, X.shape[1])})
            model.fit(X[~test], labels[~test])
            row[engine] = round(float((model.predict(X[test]) == labels[test]).mean()), 3)
        out[kind] = row
    return out


def main() -> None:
    printed = check_printed()
    voices = check_voices()
    print(
        f"Digits never trained on: {printed['n_printed']} photos of printed digits ({printed['fonts']} fonts) and "
        f"{printed['n_drawn']} pen drawings; svm on the 1,797 handwritten digits:"
    )
    for k, v in printed.items():
        if isinstance(v, dict):
            print(f"  {k:<36} printed {v['printed']:.3f}  drawn {v['drawn']:.3f}")
    print("Held-out TTS engine (svm trained on the other engines; chance 0.10):")
    for kind, row in voices.items():
        print(f"  {kind:<7} " + "  ".join(f"{e} {a:.3f}" for e, a in row.items()))
    out = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "transfer.json").write_text(json.dumps({"printed": printed, "held_out_engine": voices}, indent=2))


if __name__ == "__main__":
    main()
