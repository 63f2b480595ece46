#!/usr/bin/env python3
"""How well the app reads inputs from sources it never trained on: drawings, paper photos, other voices.

Four checks, each printed as a table and stored in ``benchmarks/results/real_inputs.json``
(a run with ``--only`` updates its parts and keeps the others):

images
    ``--n`` screen drawings (28x28 PNG, light ink on dark, the canvas pen width
    read from mmdemo/ui/inputs.py) and ``--n`` phone photos of pen drawings on
    paper (640x480 PNG and JPEG), written as folder datasets from the stroke
    styles of ``tests/data/strokes.py``, scored with the CLI: ``train --dataset
    av-digits --modalities image --classifier svm --save m.skops`` then
    ``evaluate --model m.skops --data-dir FOLDER --json``, one folder per style.
speech
    the same with ``--modalities audio`` on espeak-ng recordings in a noisy room
    (``tools/make_heldout_speech.py``): the committed fixture
    (tests/data/heldout/speech) and, when espeak-ng is installed and not
    ``--quick``, a bigger set over every voice, one folder per voice.
canvas
    the app in a real browser (``tests.live_server.serve`` + headless Chromium):
    on Try it yourself, "Draw", each digit drawn with ``page.mouse`` along the
    strokes of several styles, the "Prediction: X" heading read, the canvas reset.
    The model is the page's own default model, whatever the app trains.
mic
    each fixture recording played by Chromium's fake microphone (a 48 kHz WAV),
    recorded for 2.5 s on Try it yourself, the prediction read.

Run: ``python tools/check_real_inputs.py [--only images,speech,canvas,mic] [--n 500] [--quick]``.
About 2 minutes for images and speech, 3 for the canvas and 3 for the microphone on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.helpers import draw_strokes, prediction  # noqa: E402
from tests.data.strokes import STYLES, digit_strokes, downsample, render_paper_photo, render_screen  # noqa: E402

FIXTURE = ROOT / "tests" / "data" / "heldout" / "speech"
RESULTS = ROOT / "benchmarks" / "results" / "real_inputs.json"
PARTS = ("images", "speech", "canvas", "mic")
CANVAS_STYLES = ("print", "european", "slanted")


def canvas_stroke_width() -> int:
    """The pen width of the app's drawing canvas, as mmdemo/ui/inputs.py sets it (22 if not found)."""
    source = (ROOT / "mmdemo" / "ui" / "inputs.py").read_text(encoding="utf-8")
    found = re.search(r"stroke_width\s*=\s*(\d+)", source)
    return int(found.group(1)) if found else 22


# ---------------------------------------------------------------- the CLI


def mmdemo(*args: str) -> dict:
    """Run ``python -m mmdemo ARGS --json``; its JSON answer (exits with the CLI's error line if it fails)."""
    proc = subprocess.run([sys.executable, "-m", "mmdemo", *args, "--json"], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"python -m mmdemo {' '.join(args)} failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def train(modality: str, folder: Path) -> tuple[Path, dict]:
    path = folder / f"{modality}.skops"
    got = mmdemo(
        "train", "--dataset", "av-digits", "--modalities", modality, "--classifier", "svm", "--save", str(path)
    )
    return path, got


def evaluate(model: Path, data: Path) -> dict:
    return mmdemo("evaluate", "--model", str(model), "--data-dir", str(data))


def pooled(parts: dict[str, dict]) -> dict:
    """Accuracy over several evaluated folders, weighted by their sizes."""
    n = sum(p["n"] for p in parts.values())
    return {"accuracy": round(sum(p["accuracy"] * p["n"] for p in parts.values()) / n, 4), "n": n}


def write_drawings(root: Path, n: int, *, seed: int) -> dict[str, Path]:
    """``n`` screen drawings and ``n`` paper photos per kind, one folder dataset per (kind, style)."""
    width = canvas_stroke_width()
    styles = list(STYLES)
    folders: dict[str, Path] = {}
    for i in range(n):
        digit, style = i % 10, styles[(i // 10) % len(styles)]
        rng = np.random.default_rng([seed, i])
        strokes = digit_strokes(digit, style=style, rng=rng)
        screen = downsample(render_screen(strokes, size=280, width=width), 28)
        photo = render_paper_photo(strokes, rng=rng)
        for kind, image, ext in (("screen", screen, "png"), ("paper", photo, "jpg" if i % 2 else "png")):
            folder = folders.setdefault(f"{kind}/{style}", root / kind / style)
            (folder / str(digit)).mkdir(parents=True, exist_ok=True)
            pil = Image.fromarray((np.clip(image, 0, 1) * 255).round().astype(np.uint8))
            options = {"quality": int(rng.integers(70, 93))} if ext == "jpg" else {}
            pil.save(folder / str(digit) / f"{style}-{i:04d}.{ext}", **options)
    return folders


def check_images(work: Path, *, n: int, seed: int) -> dict:
    model, trained = train("image", work)
    folders = write_drawings(work / "images", n, seed=seed)
    out: dict = {"model": _model_summary(trained), "n_per_kind": n}
    for kind in ("screen", "paper"):
        per_style = {key.split("/")[1]: evaluate(model, f) for key, f in folders.items() if key.startswith(kind)}
        out[kind] = {**pooled(per_style), "per_style": per_style}
    return out


def check_speech(work: Path, *, quick: bool, seed: int) -> dict:
    model, trained = train("audio", work)
    out: dict = {"model": _model_summary(trained), "fixture": evaluate(model, FIXTURE)}
    if not quick and shutil.which("espeak-ng"):
        sys.path.insert(0, str(ROOT / "tools"))
        from make_heldout_speech import ALL_VOICES, make

        per_voice = {}
        for voice in ALL_VOICES:
            folder = work / "speech" / voice
            make(folder, (voice,), per_voice=3, seed=seed + 1)
            per_voice[voice] = evaluate(model, folder)
        out["generated"] = {**pooled(per_voice), "per_voice": per_voice, "per_voice_and_digit": 3}
        # The same recordings as a folder dataset of their own, trained audio-only (a class's own voices).
        together = work / "speech_together"
        for voice in ALL_VOICES:
            for f in (work / "speech" / voice).glob("*/*.flac"):
                (together / f.parent.name).mkdir(parents=True, exist_ok=True)
                shutil.copy(f, together / f.parent.name / f"{voice}-{f.name}")
        own = mmdemo("train", "--data-dir", str(together), "--modalities", "audio", "--classifier", "svm")
        out["folder_trained"] = {k: own[k] for k in ("accuracy", "n_train", "n_test", "seed", "test_size")}
    return out


def _model_summary(trained: dict) -> dict:
    keys = ("modalities", "fusion", "classifier", "accuracy", "n_train", "n_test", "features")
    return {k: trained[k] for k in keys if k in trained}


# ---------------------------------------------------------------- the browser


def _choose_draw(page, url: str) -> None:
    from tests.live_server import wait_idle

    page.goto(f"{url}/Try_it_yourself")
    wait_idle(page)
    page.locator("[data-testid='stButtonGroup'] button", has_text="Draw").first.click()
    wait_idle(page, after_action=True)
    page.locator("canvas").last.wait_for()


def _clear_canvas(page, url: str) -> None:
    """Reset the canvas with its toolbar's bin button; reload the page if the prediction stays."""
    from tests.live_server import wait_idle

    with contextlib.suppress(Exception):
        page.get_by_role("button", name="Reset canvas & history").first.click(timeout=5000)
        wait_idle(page, after_action=True)
        page.get_by_text(re.compile(r"^Prediction: ")).first.wait_for(state="detached", timeout=10_000)
        return
    _choose_draw(page, url)


def check_canvas(*, styles: tuple[str, ...], copies: int, seed: int, log: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.live_server import launch, serve

    rows = []
    with serve("app.py", log=log) as (url, _), sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(viewport={"width": 1400, "height": 1400}).new_page()
        page.set_default_timeout(60_000)
        _choose_draw(page, url)
        for style in styles:
            for copy in range(copies):
                for digit in range(10):
                    strokes = digit_strokes(digit, style=style, rng=np.random.default_rng([seed, digit, copy, 7]))
                    draw_strokes(page, strokes)
                    got = prediction(page)
                    rows.append({"digit": str(digit), "style": style, "copy": copy, "predicted": got})
                    print(f"  canvas {style:<9} {digit} -> {got}", flush=True)
                    _clear_canvas(page, url)
        browser.close()
    return _tally(rows, "style")


def check_mic(recordings: list[Path], *, work: Path, log: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser.helpers import record_word
    from tests.browser.media import fake_mic_wav
    from tests.live_server import CHROMIUM, CHROMIUM_ARGS, serve, wait_idle

    rows = []
    with serve("app.py", log=log) as (url, _), sync_playwright() as p:
        for flac in recordings:
            wav = fake_mic_wav(flac, work / f"{flac.parent.name}-{flac.stem}.wav")
            args = [
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={wav}",
            ]
            browser = p.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
            context = browser.new_context(viewport={"width": 1400, "height": 1400}, permissions=["microphone"])
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{url}/Try_it_yourself")
            wait_idle(page)
            record_word(page, 2.5)
            got = prediction(page)
            voice = flac.stem.rsplit("-", 1)[0]
            rows.append({"digit": flac.parent.name, "voice": voice, "file": flac.name, "predicted": got})
            print(f"  mic {voice:<15} {flac.parent.name} -> {got}", flush=True)
            browser.close()
    return _tally(rows, "voice")


def _tally(rows: list[dict], by: str) -> dict:
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r[by], []).append(r)
    return {
        "correct": sum(r["digit"] == r["predicted"] for r in rows),
        "n": len(rows),
        f"per_{by}": {k: f"{sum(r['digit'] == r['predicted'] for r in v)}/{len(v)}" for k, v in groups.items()},
        "misses": [f"{r['digit']}->{r['predicted']} ({r[by]})" for r in rows if r["digit"] != r["predicted"]],
    }


# ---------------------------------------------------------------- report


def report(results: dict) -> str:
    lines = ["Real inputs the model never trained on (chance 0.10):"]
    if "images" in results:
        im = results["images"]
        lines.append(
            f"  CLI image model ({im['model']['classifier']}, held-out av-digits {im['model']['accuracy']:.3f}):"
        )
        for kind, label in (("screen", "screen drawings 28x28"), ("paper", "paper photos 640x480")):
            styles = "  ".join(f"{s} {v['accuracy']:.2f}" for s, v in im[kind]["per_style"].items())
            lines.append(f"    {label:<24} {im[kind]['accuracy']:.3f} of {im[kind]['n']:<4} ({styles})")
    if "speech" in results:
        sp = results["speech"]
        lines.append(
            f"  CLI audio model ({sp['model']['classifier']}, held-out av-digits {sp['model']['accuracy']:.3f}):"
        )
        fx = sp["fixture"]
        lines.append(f"    {'espeak-ng fixture':<24} {fx['accuracy']:.3f} of {fx['n']}")
        if "generated" in sp:
            g = sp["generated"]
            voices = "  ".join(f"{v} {a['accuracy']:.2f}" for v, a in g["per_voice"].items())
            lines.append(f"    {'espeak-ng, all voices':<24} {g['accuracy']:.3f} of {g['n']:<4} ({voices})")
        if "folder_trained" in sp:
            ft = sp["folder_trained"]
            lines.append(
                f"  those recordings as a folder, trained audio-only: {ft['accuracy']:.3f} on {ft['n_test']} held out"
                f" (seed {ft['seed']}, {ft['test_size']:.0%})"
            )
    for part, label in (("canvas", "browser canvas drawings"), ("mic", "browser microphone")):
        if part in results:
            r = results[part]
            per = next(v for k, v in r.items() if k.startswith("per_"))
            lines.append(
                f"  {label:<26} {r['correct']}/{r['n']}  ("
                + "  ".join(f"{k} {v}" for k, v in per.items())
                + ")"
                + (f"\n    misses: {', '.join(r['misses'])}" if r["misses"] else "")
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts to run, from {','.join(PARTS)}")
    p.add_argument("--n", type=int, default=500, help="screen drawings, and paper photos, to render (default 500)")
    p.add_argument("--quick", action="store_true", help="50 images, the fixture only, 10 drawings, 10 recordings")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS.relative_to(ROOT)})")
    args = p.parse_args(argv)
    parts = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in parts if s not in PARTS]
    if unknown:
        p.error(f"--only: unknown {', '.join(unknown)}; use {','.join(PARTS)}")
    n = min(args.n, 50) if args.quick else args.n

    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    with tempfile.TemporaryDirectory(prefix="mmdemo-real-") as tmp:
        work = Path(tmp)
        for part in parts:
            start = time.perf_counter()
            print(f"{part} ...", flush=True)
            if part == "images":
                got = check_images(work, n=n, seed=args.seed)
            elif part == "speech":
                got = check_speech(work, quick=args.quick, seed=args.seed)
            elif part == "canvas":
                styles = CANVAS_STYLES[:1] if args.quick else CANVAS_STYLES
                got = check_canvas(styles=styles, copies=1, seed=args.seed, log=work / "canvas-server.log")
            else:
                recordings = sorted(FIXTURE.glob("*/*.flac"))
                if args.quick:
                    recordings = [r for r in recordings if r.stem == recordings[0].stem]
                got = check_mic(recordings, work=work, log=work / "mic-server.log")
            got["seconds"] = round(time.perf_counter() - start, 1)
            results[part] = got
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(report({k: v for k, v in results.items() if k in parts}))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
