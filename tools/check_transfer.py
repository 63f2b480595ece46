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
    labels = np.array(labels)
    out = {}
    for name, prep in [("optdigits recipe (prepare_image)", prepare_image), ("plain 8x8 resize", naive_resize)]:
        feats = np.stack([prep(p).ravel() for p in photos])
        pred = model.predict(feats)
        out[name] = round(float((pred == labels).mean()), 3)
    out["n"] = len(labels)
    out["fonts"] = len(fonts)
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
    print(f"Printed digits ({printed['n']} photos, {printed['fonts']} fonts; svm on the 1,797 handwritten digits):")
    for k, v in printed.items():
        if k not in {"n", "fonts"}:
            print(f"  {k:<36} accuracy {v:.3f}")
    print("Held-out TTS engine (svm trained on the other engines; chance 0.10):")
    for kind, row in voices.items():
        print(f"  {kind:<7} " + "  ".join(f"{e} {a:.3f}" for e, a in row.items()))
    out = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "transfer.json").write_text(json.dumps({"printed": printed, "held_out_engine": voices}, indent=2))


if __name__ == "__main__":
    main()
