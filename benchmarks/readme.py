"""The README's benchmark blocks, generated from ``benchmarks/results/NAME.json`` (``python -m benchmarks --readme``).

A block is the text between ``<!-- benchmark:NAME -->`` and ``<!-- /benchmark:NAME -->``; it shows
one full run of benchmark ``NAME``, never a ``--quick`` one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from benchmarks.common import markdown_table

__all__ = ["README", "render", "blocks", "update", "load_result"]

#: The README whose blocks ``python -m benchmarks --readme`` rewrites.
README = Path(__file__).resolve().parents[1] / "README.md"

_MARKER = re.compile(r"<!-- (?P<close>/?)benchmark:(?P<name>[\w-]+) -->")
_REQUIRED = ("benchmark", "machine", "quick", "title", "rows", "checks", "wall_seconds")


def render(result: dict) -> str:
    """The Markdown one benchmark result shows: title, table, checks, how it was measured.

    Examples
    --------
    >>> print(render({"benchmark": "demo", "title": "Demo", "rows": [{"step": "a", "s": 0.5}], "checks": ["fast: met"],
    ...               "quick": False, "wall_seconds": 1.2, "machine": {"cpus": 2, "python": "3.11.2"}}))
    **Demo**
    <BLANKLINE>
    | step | s |
    | --- | --- |
    | a | 0.500 |
    <BLANKLINE>
    - fast: met
    <BLANKLINE>
    Measured by `python -m benchmarks --only demo` on 2 CPUs, Python 3.11.2, in 1.2 s.
    """
    machine = result["machine"]
    command = f"python -m benchmarks{' --quick' if result['quick'] else ''} --only {result['benchmark']}"
    parts = [f"**{result['title']}**", markdown_table(result["rows"], result.get("columns"))]
    if result["checks"]:
        parts.append("\n".join(f"- {line}" for line in result["checks"]))
    parts.append(
        f"Measured by `{command}` on {machine['cpus']} CPUs, Python {machine['python']}, in {result['wall_seconds']} s."
    )
    return "\n\n".join(parts)


def _spans(readme_text: str) -> list[tuple[str, int, int]]:
    """``(name, start, end)`` of each block's content, in order; a ValueError for unpaired, nested or doubled markers."""
    spans, open_name, open_end = [], None, 0
    for m in _MARKER.finditer(readme_text):
        name, closing = m["name"], bool(m["close"])
        if not closing and open_name is None:
            open_name, open_end = name, m.end()
        elif closing and open_name == name:
            spans.append((name, open_end, m.start()))
            open_name = None
        else:
            expected = f"<!-- /benchmark:{open_name} -->" if open_name else f"<!-- benchmark:{name} --> before it"
            raise ValueError(f"README marker {m[0]!r} at character {m.start()}: expected {expected}")
    if open_name is not None:
        raise ValueError(f"README marker <!-- benchmark:{open_name} --> has no <!-- /benchmark:{open_name} -->")
    names = [name for name, _, _ in spans]
    if doubled := sorted({n for n in names if names.count(n) > 1}):
        raise ValueError(f"README has more than one block for: {', '.join(doubled)}")
    return spans


def blocks(readme_text: str) -> dict[str, str]:
    """Each block's content by benchmark name, without the blank lines around it.

    Examples
    --------
    >>> blocks("intro\\n<!-- benchmark:demo -->\\n\\n**Demo**\\n\\n<!-- /benchmark:demo -->\\noutro")
    {'demo': '**Demo**'}
    """
    return {name: readme_text[start:end].strip("\n") for name, start, end in _spans(readme_text)}


def load_result(path: Path) -> dict:
    """The JSON of one full benchmark run; FileNotFoundError if missing, ValueError if quick or incomplete.

    Examples
    --------
    >>> load_result(Path("/nonexistent/load.json"))
    Traceback (most recent call last):
    ...
    FileNotFoundError: /nonexistent/load.json is missing: run `python -m benchmarks --only load` first
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `python -m benchmarks --only {path.stem}` first")
    try:
        result = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not JSON ({exc}): write it with `python -m benchmarks`") from None
    if missing := [key for key in _REQUIRED if key not in result]:
        raise ValueError(f"{path} lacks {', '.join(missing)}: write it with `python -m benchmarks`")
    if result["quick"]:
        raise ValueError(f"{path} is a --quick run; the README shows full runs only (`python -m benchmarks`)")
    return result


def update(readme_text: str, results_dir: Path) -> str:
    """``readme_text`` with every block replaced by ``render`` of ``results_dir/NAME.json``; the rest untouched.

    Examples
    --------
    >>> update("no markers here\\n", Path("/nonexistent"))
    'no markers here\\n'
    """
    out, done = [], 0
    for name, start, end in _spans(readme_text):
        out += [readme_text[done:start], f"\n\n{render(load_result(Path(results_dir) / f'{name}.json'))}\n\n"]
        done = end
    return "".join(out) + readme_text[done:]
