"""Command line: ``python -m mmdemo datasets|train|compare|ranks|mistakes|evaluate|predict|retrieve|imagine|robustness|classroom|serve``.

Errors exit with status 2 and exactly one line on stderr naming the problem.
Warnings (files skipped while reading a dataset, inputs a model ignores) are
printed just before the result, so a command that fails prints only its error;
the error line then says how many problems reading the data found, and the first.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mmdemo.classifiers import CLASSIFIERS
from mmdemo.classroom import ClassroomStore, split_labels
from mmdemo.corrupt import corrupt_dataset, corruption_kinds, parse_corruption
from mmdemo.crossmodal import SHARED_SPACES
from mmdemo.datasets import BUNDLED, MODALITIES, MultimodalDataset, export_zip, load_dataset, load_folder, load_zip
from mmdemo.errors import DatasetError, MMDemoError, ParameterError
from mmdemo.experiments.crossmodal import SharedSpaceResult, shared_space_experiment
from mmdemo.experiments.evaluate import compare, score_model, train_and_evaluate
from mmdemo.experiments.imagine import Imagination, imagination_experiment
from mmdemo.experiments.rank import RANKS, rank_curve
from mmdemo.experiments.review import held_out_review
from mmdemo.experiments.robustness import DEFAULT_FUSIONS, LEVELS, WHERE, RobustnessCurves, robustness_curves
from mmdemo.fusion import FUSION_GROUPS, FUSIONS
from mmdemo.io import decode_audio, decode_image
from mmdemo.model import MultimodalModel
from mmdemo.parallel import BACKENDS
from mmdemo.registry import Registry
from mmdemo.serve import SchoolServer, haproxy_config, parse_backends

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line (not the whole usage) on bad arguments."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.split()[-1]
        where = "mmdemo" if command == "mmdemo" else f"mmdemo {command}"
        self.exit(2, f"{where}: error: {message} (see --help)\n")


def _add_data_args(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--dataset", choices=list(BUNDLED), help="a bundled dataset")
    src.add_argument(
        "--data-dir",
        type=Path,
        help="a dataset folder, or a .zip of one: <class>/<stem>.<png|jpg|wav|flac|txt> "
        "(files sharing a stem are one sample; one top-level folder inside the zip is allowed)",
    )


def _add_model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--modalities", help=f"comma-separated, from {','.join(MODALITIES)} (default: all the dataset has)")
    p.add_argument(
        "--corrupt", default="", help="make modalities harder: MOD=LEVEL,... with levels in 0..1, e.g. image=0.6"
    )
    _add_split_args(p, "the split, the corruption and the models")
    p.add_argument(
        "--classifier",
        choices=list(CLASSIFIERS),
        default="logreg",
        help="; ".join(f"{k}: {v}" for k, v in CLASSIFIERS.items()),
    )


def _add_split_args(p: argparse.ArgumentParser, seeded: str) -> None:
    p.add_argument("--test-size", type=float, default=0.25, help="held-out fraction (stratified; default 0.25)")
    p.add_argument("--seed", type=int, default=0, help=f"seed of {seeded} (default 0)")


def _described(choices: Registry, groups: Registry | None = None) -> str:
    """A registry's choices with their descriptions, for ``--help`` (under their groups' lines, given ``groups``)."""
    if groups is None:
        return "; ".join(f"{name}: {line}" for name, line in choices.items())
    return " ".join(
        f"[{line}] " + "; ".join(f"{name}: {choices[name]}" for name in choices.members(group)) + "."
        for group, line in groups.items()
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m mmdemo``."""
    parser = _Parser(prog="mmdemo", description="Multimodal and cross-modal learning, from the command line.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("datasets", help="list the bundled datasets")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("train", help="train one model on a seeded split and report held-out metrics")
    _add_data_args(p)
    _add_model_args(p)
    p.add_argument("--fusion", choices=list(FUSIONS), default="early", help=_described(FUSIONS, FUSION_GROUPS))
    p.add_argument("--save", type=Path, help="write the trained model to this .skops file")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("compare", help="every fusion method and each modality alone, on one split")
    _add_data_args(p)
    _add_model_args(p)
    p.add_argument(
        "--backend",
        choices=list(BACKENDS),
        help="where the fits run (default: MMDEMO_BACKEND, else sequential); " + _described(BACKENDS),
    )
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("ranks", help="low-rank fusion (LMF) at several ranks beside early and tensor fusion, one split")
    _add_data_args(p)
    p.add_argument("--modalities", help=f"comma-separated, from {','.join(MODALITIES)} (default: all the dataset has)")
    p.add_argument("--ranks", default=",".join(map(str, RANKS)), help="comma-separated ranks (default: %(default)s)")
    _add_split_args(p, "the split and the models")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "mistakes", help="the most confident wrong answers of one method on the held-out split, with why"
    )
    _add_data_args(p)
    _add_model_args(p)
    p.add_argument("--fusion", choices=list(FUSIONS), default="early", help=_described(FUSIONS, FUSION_GROUPS))
    p.add_argument("--top", type=int, default=12, help="how many mistakes (default 12)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("evaluate", help="score a saved model on a dataset")
    p.add_argument("--model", type=Path, required=True)
    _add_data_args(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("predict", help="predict one sample from files and/or text")
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--image", type=Path)
    p.add_argument("--audio", type=Path)
    p.add_argument("--text")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "retrieve", help="cross-modal retrieval in a shared space: queries of one modality find samples of another"
    )
    _add_data_args(p)
    p.add_argument("--query", required=True, choices=list(MODALITIES), help="modality of the queries")
    p.add_argument("--target", required=True, choices=list(MODALITIES), help="modality searched (not the query's)")
    p.add_argument(
        "--method",
        choices=list(SHARED_SPACES),
        default="cca",
        help=_described(SHARED_SPACES),
    )
    _add_split_args(p, "the split and the shared space")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "imagine",
        help="cross-modal imagination: a picture painted for each held-out recording or text through a shared space, "
        "read by the image classifier",
    )
    _add_data_args(p)
    p.add_argument("--query", required=True, choices=["audio", "text"], help="modality the pictures are imagined from")
    p.add_argument(
        "--target", required=True, choices=["image"], help="modality imagined (pictures; other targets are retrieved)"
    )
    p.add_argument("--method", choices=list(SHARED_SPACES), default="cca", help=_described(SHARED_SPACES))
    _add_split_args(p, "the split and the shared space")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "robustness", help="accuracy of fusion methods and single modalities as one modality (or all) is corrupted"
    )
    _add_data_args(p)
    p.add_argument("--modality", required=True, choices=[*MODALITIES, "all"], help="what to corrupt")
    p.add_argument("--kind", help=f"corruption kind (default: each modality's default) — {corruption_kinds()}")
    p.add_argument("--where", choices=list(WHERE), default="test", help=_described(WHERE))
    p.add_argument("--fusions", default=",".join(DEFAULT_FUSIONS), help=f"comma-separated, from {','.join(FUSIONS)}")
    p.add_argument("--levels", default=",".join(f"{v:g}" for v in LEVELS), help="comma-separated levels in 0..1")
    p.add_argument("--classifier", choices=list(CLASSIFIERS), default="logreg")
    _add_split_args(p, "the split, the corruption and the models")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser(
        "classroom", help="a class's shared dataset: create a class, see its counts, export, import or delete it"
    )
    p.add_argument(
        "--db", help="database URL (default: MMDEMO_CLASSROOM_URL, else SQLite in MMDEMO_DATA_DIR or ~/.mmdemo)"
    )
    csub = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    c = csub.add_parser("create", help="a new class; prints its join code and the teacher token (keep it private)")
    c.add_argument("--name", required=True)
    c.add_argument("--labels", help="comma-separated, e.g. cat,dog,bird or 0,1,2 (default: the zip's classes)")
    c.add_argument("--from-zip", type=Path, help="start the class with the samples of an exported dataset zip")
    c.add_argument("--json", action="store_true")
    for action, text in (
        ("counts", "samples per student, label and modality"),
        ("export", "the class's samples as a dataset zip (the folder format)"),
        ("delete", "delete the class and every sample"),
    ):
        c = csub.add_parser(action, help=text)
        c.add_argument("--teacher", required=True, help="the teacher token create printed")
        if action == "export":
            c.add_argument("--out", type=Path, required=True)
        c.add_argument("--json", action="store_true")
    p = sub.add_parser(
        "serve",
        help="a school server: N app processes behind HAProxy, sticky sessions, dead workers restarted",
        description="Start N `streamlit run app.py` workers on loopback and HAProxy in front of them; "
        "Ctrl-C or SIGTERM stops them all. For a laptop, plain `streamlit run app.py` is enough.",
    )
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="app processes (default: one per core)")
    p.add_argument("--port", type=int, default=8501, help="where the proxy listens (default 8501)")
    p.add_argument("--host", default="0.0.0.0", help="the proxy's address (default 0.0.0.0: the school's network)")
    p.add_argument("--log-dir", type=Path, help="each process's output (default: a new temporary folder)")
    p.add_argument(
        "--print-config",
        action="store_true",
        help="print the HAProxy configuration for app processes on other machines (--backends) and exit",
    )
    p.add_argument("--backends", help="with --print-config: HOST:PORT,... of `streamlit run` processes")
    return parser


def _load_data(args: argparse.Namespace) -> MultimodalDataset:
    if args.dataset:
        return load_dataset(args.dataset)
    path: Path = args.data_dir
    if path.is_dir():
        ds, problems = load_folder(path)
    elif path.is_file():
        ds, problems = load_zip(path)
    else:
        raise DatasetError(
            "cli.no_data",
            "{path}: no such folder or .zip file; give a folder with one sub-folder per class, or a zip of one.",
            path=str(path),
        )
    args.warnings.extend(problems)
    return ds


def _modalities(args: argparse.Namespace, ds: MultimodalDataset) -> list[str]:
    if not args.modalities:
        return ds.modalities
    mods = [m.strip() for m in args.modalities.split(",") if m.strip()]
    if not mods:
        raise ParameterError(
            "cli.no_modalities", "--modalities: give a comma-separated list of {accepted}.", accepted=list(MODALITIES)
        )
    for m in mods:
        MODALITIES.check(m)
    ds.require_modalities(mods)
    return mods


def _prepared(args: argparse.Namespace) -> tuple[MultimodalDataset, list[str]]:
    ds = _load_data(args)
    mods = _modalities(args, ds)
    levels = parse_corruption(args.corrupt)
    if levels:
        ds = corrupt_dataset(ds, levels, seed=args.seed)
    return ds, mods


def _emit(args: argparse.Namespace, payload: dict, text: str) -> None:
    for line in args.warnings:
        print(f"mmdemo: warning: {_one_line(line)}", file=sys.stderr)
    print(json.dumps(payload, ensure_ascii=False) if args.json else text)


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


def _result_line(r) -> str:
    single = ", ".join(f"{m} {a:.3f}" for m, a in r.per_modality.items())
    return f"{r.fusion:<18} accuracy {r.accuracy:.3f}  macro-F1 {r.macro_f1:.3f}  fit {r.fit_seconds:.2f}s  (alone: {single})"


def _cmd_datasets(args: argparse.Namespace) -> None:
    rows = [{"name": k, "summary": v} for k, (_, v) in BUNDLED.items()]
    _emit(args, {"datasets": rows}, "\n".join(f"{r['name']:<12} {r['summary']}" for r in rows))


def _cmd_train(args: argparse.Namespace) -> None:
    ds, mods = _prepared(args)
    result, model = train_and_evaluate(
        ds, modalities=mods, fusion=args.fusion, classifier=args.classifier, test_size=args.test_size, seed=args.seed
    )
    if args.save:
        model.save(args.save)
    header = f"{ds.name}: {', '.join(mods)} with {args.classifier}; seed {args.seed}, {result.n_train} train / {result.n_test} held-out samples"
    _emit(
        args,
        result.to_dict(),
        f"{header}\n{_result_line(result)}" + (f"\nmodel saved to {args.save}" if args.save else ""),
    )


def _cmd_compare(args: argparse.Namespace) -> None:
    ds, mods = _prepared(args)
    start = time.perf_counter()
    results = compare(
        ds, modalities=mods, classifier=args.classifier, test_size=args.test_size, seed=args.seed, backend=args.backend
    )
    payload = {"results": [r.to_dict() for r in results], "wall_seconds": round(time.perf_counter() - start, 2)}
    header = f"{ds.name}: {', '.join(mods)} with {args.classifier}; seed {args.seed}, {results[0].n_train} train / {results[0].n_test} held-out samples"
    lines = [header]
    for group, line in FUSION_GROUPS.items():
        members = [r for r in results if r.group == group]
        if members:
            lines += [line, *(f"  {_result_line(r)}" for r in members)]
    lines += [_result_line(r) for r in results if r.group is None]
    _emit(args, payload, "\n".join(lines))


def _cmd_ranks(args: argparse.Namespace) -> None:
    ds = _load_data(args)
    mods = _modalities(args, ds)
    ranks = _positive_ints(args.ranks, "--ranks")
    curve = rank_curve(ds, modalities=mods, ranks=ranks, test_size=args.test_size, seed=args.seed)
    refs = curve.references
    lines = [
        f"{ds.name}: {', '.join(mods)}; seed {args.seed}, {curve.n_train} train / {curve.n_test} held-out samples",
        *(
            f"LMF rank {r:<3} accuracy {a:.3f}  weights {w:>7,}  fit {s:.2f}s"
            for r, a, w, s in zip(curve.ranks, curve.accuracy, curve.n_parameters, curve.fit_seconds)
        ),
        *(
            f"{name:<12} accuracy {refs[key]['accuracy']:.3f}  weights {refs[key]['n_parameters']:>7,}"
            for key, name in (("early", "early ⊕"), ("tensor", "tensor ⊗"))
        ),
        f"a full ⊗ of LMF's vectors would have {curve.full_tensor_parameters:,} weights",
    ]
    _emit(args, curve.to_dict(), "\n".join(lines))


def _positive_ints(text: str, flag: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise ParameterError("cli.bad_ints", "{flag}: give comma-separated whole numbers of 1 or more.", flag=flag)
    return values


def _cmd_mistakes(args: argparse.Namespace) -> None:
    if args.top < 1:
        raise ParameterError("cli.bad_top", "--top: give a whole number of 1 or more.")
    ds, mods = _prepared(args)
    result, model = train_and_evaluate(
        ds, modalities=mods, fusion=args.fusion, classifier=args.classifier, test_size=args.test_size, seed=args.seed,
        fit_missing=False,
    )  # fmt: skip
    review = held_out_review(model, ds, test_size=args.test_size, seed=args.seed)
    mistakes = review.records(review.confident_mistakes(args.top), ds.sample_ids)
    payload = {**result.to_dict(), "mistakes": mistakes}
    lines = [f"{ds.name}: {result.fusion} with {args.classifier}; seed {args.seed}, {result.n_test} held-out samples"]
    lines += [_result_line(result), f"the {len(mistakes)} most confident mistakes:"]
    for m in mistakes:
        alone = ", ".join(f"{w['modality']} says {w['alone']} ({w['alone_p']:.2f})" for w in m["why"])
        lines.append(f"  {m['id']}: {m['predicted']} ({m['confidence']:.2f}), true {m['true']}; {alone}")
    _emit(args, payload, "\n".join(lines))


def _cmd_evaluate(args: argparse.Namespace) -> None:
    model = MultimodalModel.load(args.model)
    ds = _load_data(args)
    known = {name: i for i, name in enumerate(model.class_names_)}
    unknown = sorted({ds.class_names[c] for c in np.unique(ds.y)} - set(known))
    if unknown:
        args.warnings.append(f"classes the model does not know are left out: {', '.join(unknown)}")
    rows = np.array([i for i, c in enumerate(ds.y) if ds.class_names[c] in known], dtype=int)
    if len(rows) == 0:
        raise ParameterError(
            f"None of the dataset's classes ({', '.join(ds.class_names)}) is known to the model ({', '.join(model.class_names_)})."
        )
    ds.require_modalities([m for m in model.modalities if m in ds.modalities] or model.modalities)
    y = np.array([known[ds.class_names[c]] for c in ds.y[rows]])
    X = model.transform_raw({m: [ds.data.get(m, [None] * ds.n_samples)[i] for i in rows] for m in model.modalities})
    scores = score_model(model, X, y, np.arange(len(rows)))
    payload = {"accuracy": round(scores["accuracy"], 4), "macro_f1": round(scores["macro_f1"], 4), "n": scores["n"]}
    _emit(
        args,
        payload,
        f"{ds.name}: accuracy {payload['accuracy']:.3f}, macro-F1 {payload['macro_f1']:.3f} on {payload['n']} samples",
    )


def _cmd_predict(args: argparse.Namespace) -> None:
    model = MultimodalModel.load(args.model)
    image = decode_image(args.image) if args.image else None
    audio = decode_audio(args.audio) if args.audio else None
    out = model.predict_sample(image=image, audio=audio, text=args.text)
    if out["ignored"]:
        args.warnings.append(f"the model does not use {', '.join(out['ignored'])}; ignored")
    top = sorted(out["probabilities"].items(), key=lambda kv: -kv[1])[:3]
    text = f"{out['label']}  (" + ", ".join(f"{k}: {v:.2f}" for k, v in top) + f"; from {', '.join(out['used'])})"
    _emit(
        args,
        {
            "label": out["label"],
            "probabilities": out["probabilities"],
            "per_modality": out["per_modality"],
            "used": out["used"],
        },
        text,
    )


def _retrieval_text(r: SharedSpaceResult) -> str:
    rep, tr = r.retrieval, r.transfer
    lines = [
        f"{r.dataset}: {r.query} -> {r.target}, {r.method} shared space; seed {r.seed}, "
        f"{r.n_train} train / {rep['n_queries']} held-out pairs",
        "canonical correlations, training pairs: " + " ".join(f"{c:5.2f}" for c in r.correlations),
        "                        held-out pairs: " + " ".join(f"{c:5.2f}" for c in r.test_correlations),
        f"{'':<10} {'@1':>6} {'@5':>6} {'@10':>6}",
        "precision "
        + "".join(f" {rep[f'precision_at_{k}']:6.3f}" for k in (1, 5, 10))
        + f"   mAP {rep['mean_average_precision']:.3f}   (class level; chance: precision {rep['chance_precision']:.3f},"
        f" mAP {rep['chance_map']:.3f})",
        "recall    "
        + "".join(f" {rep[f'recall_at_{k}']:6.3f}" for k in (1, 5, 10))
        + f"   median rank {rep['median_rank']:g} of {rep['n_targets']}   (instance level: the sample's own {r.target})",
    ]
    if not rep["instance_pairs"]:
        lines.append(
            f"note: {r.dataset} pairs its modalities by label, not by instance: instance recall is near chance "
            "by construction (no better than a random pick within the class); read the class-level precision and mAP."
        )
    lines.append(
        f"transfer ({tr['classifier']}): trained on {r.query}, tested on {r.target}: {tr['transfer_accuracy']:.3f}; "
        f"{r.target}'s own: {tr['target_accuracy']:.3f} in the shared space, {tr['target_raw_accuracy']:.3f} "
        f"on its raw features (chance {tr['chance']:.3f})"
    )
    return "\n".join(lines)


def _cmd_retrieve(args: argparse.Namespace) -> None:
    ds = _load_data(args)
    result = shared_space_experiment(
        ds, query=args.query, target=args.target, method=args.method, test_size=args.test_size, seed=args.seed
    )
    _emit(args, result.to_dict(), _retrieval_text(result))


def _cmd_imagine(args: argparse.Namespace) -> None:
    ds = _load_data(args)
    out = imagination_experiment(ds, query=args.query, method=args.method, test_size=args.test_size, seed=args.seed)
    _emit(args, out.to_dict(), _imagination_text(out))


def _imagination_text(out: Imagination) -> str:
    r = out.result
    lines = [
        f"{r.dataset}: {r.query} -> image through {r.method}, seed {r.seed}, {r.n_train} training pairs, "
        f"{len(out.read_as)} held-out queries ({r.pairing} pairs)",
        f"the image classifier reads the imagined picture as the query's class: {out.accuracy:.3f} "
        f"(chance {out.chance:.3f}; on the real pictures of the same samples {out.real_accuracy:.3f})",
    ]
    lines += [f"  {name}: {d['accuracy']:.3f} (chance {d['chance']:.3f})" for name, d in out.attributes.items()]
    return "\n".join(lines)


def _levels(spec: str) -> list[float]:
    try:
        levels = [float(v) for v in spec.split(",") if v.strip()]
    except ValueError:
        levels = []
    if len(levels) < 2 or any(not 0 <= v <= 1 for v in levels) or levels != sorted(set(levels)):
        raise ParameterError(
            "cli.levels",
            "--levels {spec!r}: give two or more increasing levels between 0 and 1, e.g. 0,0.5,1.",
            spec=spec,
        )
    return levels


def _curves_text(c: RobustnessCurves) -> str:
    auc = c.auc()
    kinds = ", ".join(f"{m} {k}" for m, k in c.kinds.items())
    lines = [
        f"{c.dataset}: {c.corrupted} corrupted ({kinds}) at {WHERE[c.where]}; {c.classifier}, seed {c.seed}, "
        f"{c.n_train} train / {c.n_test} held-out samples; chance {c.chance:.3f}",
        f"{'level':<14}" + "".join(f" {v:>6g}" for v in c.levels) + "     AUC",
    ]
    lines += [
        f"{name:<14}" + "".join(f" {a:6.3f}" for a in acc) + f"   {auc[name]:.3f}" for name, acc in c.curves.items()
    ]
    return "\n".join(lines)


def _cmd_robustness(args: argparse.Namespace) -> None:
    ds = _load_data(args)
    fusions = [f.strip() for f in args.fusions.split(",") if f.strip()]
    mods = ds.modalities if args.modality == "all" else [args.modality]
    ds.require_modalities(mods)
    kinds = {m: args.kind for m in mods} if args.kind else None
    curves = robustness_curves(
        ds,
        args.modality,
        kinds=kinds,
        levels=_levels(args.levels),
        where=args.where,
        fusions=fusions,
        classifier=args.classifier,
        test_size=args.test_size,
        seed=args.seed,
    )
    _emit(args, curves.to_dict(), _curves_text(curves))


def _cmd_classroom(args: argparse.Namespace) -> None:
    store = ClassroomStore(args.db)
    if args.action == "create":
        ds = None
        if args.from_zip:
            ds, problems = load_zip(args.from_zip)
            args.warnings.extend(problems)
        labels = split_labels(args.labels or "") or (list(ds.class_names) if ds is not None else [])
        codes = store.create_class(args.name, labels)
        added = 0 if ds is None else store.import_dataset(codes.teacher_token, ds)
        payload = {"code": codes.code, "teacher_token": codes.teacher_token, "labels": labels, "imported": added}
        text = f"class {args.name}: join code {codes.code}; teacher token {codes.teacher_token} (keep it private)"
        _emit(args, payload, text + (f"; {added} samples imported" if args.from_zip else ""))
    elif args.action == "counts":
        counts = store.teacher_counts(args.teacher)
        lines = [
            f"{who}: " + "; ".join(f"{label} {dict(n)}" for label, n in per.items()) for who, per in counts.items()
        ]
        _emit(args, {"counts": counts}, "\n".join(lines) or "no samples yet")
    elif args.action == "export":
        ds = store.dataset(args.teacher)
        args.out.write_bytes(export_zip(ds))
        _emit(args, {"out": str(args.out), "n": ds.n_samples}, f"{ds.n_samples} samples written to {args.out}")
    else:
        store.delete_class(args.teacher)
        _emit(args, {"deleted": True}, "class deleted")


def _cmd_serve(args: argparse.Namespace) -> None:
    if args.print_config:
        if not args.backends:
            raise ParameterError("serve.no_backends", "--print-config needs --backends HOST:PORT,...")
        print(haproxy_config(args.host, args.port, parse_backends(args.backends)))
        return
    SchoolServer(args.workers, port=args.port, host=args.host, log_dir=args.log_dir).run()


_COMMANDS = {
    "datasets": _cmd_datasets,
    "train": _cmd_train,
    "compare": _cmd_compare,
    "ranks": _cmd_ranks,
    "mistakes": _cmd_mistakes,
    "evaluate": _cmd_evaluate,
    "predict": _cmd_predict,
    "retrieve": _cmd_retrieve,
    "imagine": _cmd_imagine,
    "robustness": _cmd_robustness,
    "classroom": _cmd_classroom,
    "serve": _cmd_serve,
}


#: Besides MMDemoError, what a damaged file or a full disk can raise from below mmdemo's own checks.
_ENVIRONMENT_ERRORS = (OSError, ValueError, EOFError, RuntimeError, MemoryError, zipfile.BadZipFile, zlib.error)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (2 with one line on stderr for any bad input)."""
    args = build_parser().parse_args(argv)
    args.warnings = []
    try:
        _COMMANDS[args.command](args)
    except (MMDemoError, *_ENVIRONMENT_ERRORS) as exc:
        message = _one_line(exc) or type(exc).__name__
        if args.warnings:
            n = len(args.warnings)
            message += (
                f" ({n} problem{'s' if n > 1 else ''} reading the data; the first: {_one_line(args.warnings[0])})"
            )
        print(f"mmdemo {args.command}: error: {message}", file=sys.stderr)
        return 2
    return 0
