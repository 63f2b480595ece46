"""The core's floors (README, "Layout"): a module imports only from its own floor or below, at its top."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "mmdemo"
#: Top-level module or package of mmdemo -> its floor.
FLOORS = {
    "__init__": 0,
    "errors": 0,
    "registry": 0,
    "paths": 0,
    "io": 1,
    "features": 1,
    "fusion": 1,
    "classifiers": 1,
    "splits": 1,
    "parallel": 1,
    "projection": 1,
    "viz": 1,
    "crossmodal": 1,
    "datasets": 2,
    "corrupt": 2,
    "model": 3,
    "featurecache": 3,
    "classroom": 3,
    "experiments": 4,
    "cli": 5,
    "serve": 5,
    "__main__": 5,
}


def _core_files() -> list[Path]:
    return [p for p in CORE.rglob("*.py") if "ui" not in p.relative_to(CORE).parts]


def _unit(path: Path) -> str:
    return path.relative_to(CORE).parts[0].removesuffix(".py")


def test_every_core_module_has_a_floor():
    assert {_unit(p) for p in _core_files()} == set(FLOORS)


def test_no_import_runs_back_up_a_floor():
    upward = []
    for path in _core_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mmdemo."):
                other = node.module.split(".")[1]
                if FLOORS[other] > FLOORS[_unit(path)]:
                    upward.append(f"{path.relative_to(CORE)} imports {node.module}")
    assert upward == []


def test_the_core_imports_mmdemo_only_at_the_top_of_a_module():
    inside = []
    for path in _core_files():
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(fn):
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mmdemo"):
                        inside.append(f"{path.relative_to(CORE)}:{node.lineno} {node.module}")
    assert inside == []
