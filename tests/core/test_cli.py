"""The command line contract of DESIGN.md: JSON keys, saved models, and one-line errors with status 2."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mmdemo import cli
from mmdemo.datasets import make_xor_shapes
from mmdemo.fusion import FUSIONS
from tests.contract import TRAIN_KEYS

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run ``python -m mmdemo argv`` in-process: (exit status, stdout, stderr)."""
    try:
        status = cli.main(argv)
    except SystemExit as exc:  # argparse errors
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """``train --dataset xor-shapes --fusion tensor --save ... --json``, run once (capsys is per test)."""
    model = tmp_path_factory.mktemp("cli") / "xor.skops"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["train", "--dataset", "xor-shapes", "--fusion", "tensor", "--save", str(model), "--json"])
    return status, out.getvalue(), err.getvalue(), model


def test_python_dash_m_lists_datasets_as_json():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "mmdemo", "datasets", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert list(payload) == ["datasets"]
    assert {row["name"] for row in payload["datasets"]} >= {"av-digits", "xor-shapes"}
    assert all(set(row) == {"name", "summary"} and row["summary"] for row in payload["datasets"])


def test_python_dash_m_error_exits_2_with_one_line():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "mmdemo", "train", "--dataset", "mnist"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "mnist" in proc.stderr


def test_train_json_has_the_contract_keys_and_tensor_solves_xor(trained):
    status, out, err, model = trained
    assert status == 0, err
    payload = json.loads(out)
    assert set(payload) >= TRAIN_KEYS
    assert payload["dataset"] == "xor-shapes" and payload["fusion"] == "tensor" and payload["classifier"] == "logreg"
    assert payload["modalities"] == ["image", "audio"]
    assert set(payload["per_modality"]) == {"image", "audio"}
    assert payload["n_train"] + payload["n_test"] == 600
    assert payload["accuracy"] >= 0.9
    assert model.is_file()


def test_compare_json_has_one_result_per_fusion(capsys, monkeypatch):
    # A smaller xor-shapes keeps this fast; compare() itself is checked on the full set in test_evaluate.
    monkeypatch.setattr(cli, "load_dataset", lambda name: make_xor_shapes(200))
    status, out, err = run(["compare", "--dataset", "xor-shapes", "--json"], capsys)
    assert status == 0, err
    results = json.loads(out)["results"]
    assert [r["fusion"] for r in results] == list(FUSIONS)
    assert [r["group"] for r in results] == [FUSIONS.group(r["fusion"]) for r in results]
    assert {r["group"] for r in results} == {"multimodal", "cross-modal"}
    assert all(set(r) >= TRAIN_KEYS for r in results)
    assert len({json.dumps(r["per_modality"], sort_keys=True) for r in results}) == 1


def test_ranks_trains_lmf_at_each_rank_beside_early_and_tensor(capsys):
    status, out, err = run(["ranks", "--dataset", "xor-shapes", "--ranks", "1,2", "--json"], capsys)
    assert status == 0, err
    curve = json.loads(out)
    assert curve["ranks"] == [1, 2] and min(curve["accuracy"]) >= 0.95  # a rank-one interaction
    assert curve["references"]["early"]["accuracy"] < 0.6
    assert curve["n_parameters"] == [102, 202] < [curve["full_tensor_parameters"]] * 2
    assert (curve["seed"], curve["n_test"]) == (0, 150)


def test_mistakes_lists_the_most_confident_wrong_held_out_answers_with_why(capsys):
    status, out, err = run(["mistakes", "--dataset", "xor-shapes", "--fusion", "early", "--top", "5", "--json"], capsys)
    assert status == 0, err
    report = json.loads(out)
    assert set(report) >= TRAIN_KEYS and report["fusion"] == "early"
    mistakes = report["mistakes"]
    assert len(mistakes) == 5 and all(m["true"] != m["predicted"] for m in mistakes)
    assert [m["confidence"] for m in mistakes] == sorted((m["confidence"] for m in mistakes), reverse=True)
    assert [w["modality"] for w in mistakes[0]["why"]] == ["image", "audio"]
    assert all(m["id"].split("#")[0] in {"circle+low", "circle+high", "square+low", "square+high"} for m in mistakes)


def test_evaluate_a_saved_model(trained, capsys):
    model = trained[3]
    status, out, err = run(["evaluate", "--model", str(model), "--dataset", "xor-shapes", "--json"], capsys)
    assert status == 0, err
    payload = json.loads(out)
    assert set(payload) == {"accuracy", "macro_f1", "n"}
    assert payload["n"] == 600 and payload["accuracy"] >= 0.9


def test_predict_from_files(trained, capsys, tmp_path, png_bytes, wav_bytes):
    model = trained[3]
    ds = make_xor_shapes()
    picture, recording = tmp_path / "shape.png", tmp_path / "tone.wav"
    picture.write_bytes(png_bytes(ds.data["image"][0]))
    recording.write_bytes(wav_bytes(ds.data["audio"][0], sr=ds.sample_rate))

    status, out, err = run(["predict", "--model", str(model), "--image", str(picture), "--json"], capsys)
    assert status == 0, err
    payload = json.loads(out)
    assert payload["used"] == ["image"]
    assert payload["label"] in ds.class_names
    assert set(payload["probabilities"]) == set(ds.class_names)
    assert sum(payload["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)

    status, out, err = run(
        ["predict", "--model", str(model), "--image", str(picture), "--audio", str(recording), "--json"], capsys
    )
    assert status == 0, err
    assert json.loads(out)["label"] == ds.labels()[0]


def test_train_with_corruption_loses_accuracy(trained, capsys):
    clean = json.loads(trained[1])["accuracy"]
    status, out, err = run(
        ["train", "--dataset", "xor-shapes", "--fusion", "tensor", "--corrupt", "image=1", "--json"], capsys
    )
    assert status == 0, err
    assert json.loads(out)["accuracy"] < clean - 0.2


def test_train_av_digits_image_and_text(capsys):
    # knn keeps the smoke run fast; the default logreg is slow on the wide text block.
    status, out, err = run(
        ["train", "--dataset", "av-digits", "--modalities", "image,text", "--classifier", "knn", "--json"], capsys
    )
    assert status == 0, err
    payload = json.loads(out)
    assert set(payload) >= TRAIN_KEYS
    assert payload["dataset"] == "av-digits" and payload["modalities"] == ["image", "text"]
    assert payload["n_train"] + payload["n_test"] == 5000
    assert payload["accuracy"] > 0.5  # ten classes: chance is 0.1


@pytest.fixture
def bad_files(tmp_path):
    corrupt_png = tmp_path / "photo.png"
    corrupt_png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    garbage_model = tmp_path / "model.skops"
    garbage_model.write_bytes(b"not a zip at all")
    return {"png": str(corrupt_png), "garbage": str(garbage_model), "missing": str(tmp_path / "nope.skops")}


@pytest.mark.parametrize(
    "argv,names",
    [
        (["train", "--dataset", "mnist"], "mnist"),
        (["train", "--dataset", "xor-shapes", "--modalities", "text"], "text"),
        (["train", "--dataset", "xor-shapes", "--modalities", "smell"], "smell"),
        (["train", "--dataset", "xor-shapes", "--corrupt", "image=2"], "image=2"),
        (["train", "--dataset", "xor-shapes", "--corrupt", "noise"], "noise"),
        (["train", "--dataset", "xor-shapes", "--fusion", "glue"], "glue"),
        (["train", "--dataset", "xor-shapes", "--test-size", "0.99"], "0.99"),
        (["train"], "--dataset"),
        (["frobnicate"], "frobnicate"),
        (["evaluate", "--model", "{missing}", "--dataset", "xor-shapes"], "nope.skops"),
        (["predict", "--model", "{garbage}", "--text", "seven"], "model.skops"),
        (["predict", "--model", "{trained}", "--image", "{png}"], "photo.png"),
        (["predict", "--model", "{trained}"], "image, audio"),
        (["ranks", "--dataset", "xor-shapes", "--ranks", "0,two"], "--ranks"),
        (["mistakes", "--dataset", "xor-shapes", "--top", "0"], "--top"),
    ],
    ids=[
        "unknown-dataset",
        "modality-not-in-dataset",
        "unknown-modality",
        "corrupt-level",
        "corrupt-spec",
        "unknown-fusion",
        "test-size",
        "no-data",
        "unknown-command",
        "missing-model",
        "garbage-model",
        "corrupt-image",
        "nothing-to-predict",
        "bad-ranks",
        "bad-top",
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_problem(argv, names, bad_files, trained, capsys):
    paths = {**bad_files, "trained": str(trained[3])}
    status, out, err = run([a.format(**paths) for a in argv], capsys)
    assert status == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("mmdemo") and "error" in lines[0] and not lines[0].startswith("mmdemo mmdemo")
    assert names in lines[0]


def test_serve_prints_the_proxy_configuration_for_workers_on_other_machines(capsys):
    code, out, _ = run(["serve", "--print-config", "--backends", "10.0.0.5:8501,10.0.0.6:8502", "--port", "80"], capsys)
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert "bind 0.0.0.0:80" in lines
    assert "cookie mmdemo_worker insert indirect nocache httponly" in lines  # sticky sessions
    assert [line for line in lines if line.startswith("server ")] == [
        "server w1 10.0.0.5:8501 cookie w1 check inter 2s fall 3 rise 1",
        "server w2 10.0.0.6:8502 cookie w2 check inter 2s fall 3 rise 1",
    ]


@pytest.mark.parametrize(
    "argv, said",
    [
        (["serve", "--print-config", "--backends", "10.0.0.5"], "'10.0.0.5' is not HOST:PORT"),
        (["serve", "--print-config"], "--print-config needs --backends"),
        (["serve", "--workers", "0"], "--workers: give 1 or more (got 0)"),
    ],
)
def test_serve_refuses_bad_arguments_in_one_line(argv, said, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and said in err
