"""The README's benchmark tables are generated from the benchmarks' JSON (`python -m benchmarks --readme`).

Two parts. The first tests `benchmarks.readme` and the `--readme` option on a made-up README and
made-up results in tmp_path. The second, the `test_committed_*` tests, checks the files of this
checkout: README.md against the committed `benchmarks/results/NAME.json`. Those fail until a full
run's JSON is committed: run `python -m benchmarks` (all of them, on a quiet machine), then
`python -m benchmarks --readme`, and commit the JSON with README.md.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from benchmarks.__main__ import BENCHMARKS, main
from benchmarks.common import RESULTS
from benchmarks.readme import blocks, load_result, render, update

ROOT = Path(__file__).resolve().parents[1]

TEXT = """# A project

Prose before, with a figure typed by hand: 1.5 s.

<!-- benchmark:alpha -->
<!-- /benchmark:alpha -->

Prose between.

<!-- benchmark:beta -->
| stale | table |
<!-- /benchmark:beta -->

Prose after.
"""


def result(name: str, seconds: float = 0.5, **changes) -> dict:
    """A made-up full-run result of benchmark ``name``, as `python -m benchmarks` writes it."""
    return {
        "benchmark": name,
        "machine": {"cpus": 2, "python": "3.11.2", "platform": "Linux"},
        "quick": False,
        "title": f"The {name} benchmark",
        "rows": [{"step": "baseline", "seconds": 0.25, "x baseline": 1.0}, {"step": name, "seconds": seconds}],
        "columns": ["step", "seconds"],
        "checks": [f"{name} under 1 s: met"],
        "wall_seconds": 12.3,
        **changes,
    }


def write(directory: Path, *results: dict) -> Path:
    """Each result as ``directory/NAME.json``; the directory."""
    for r in results:
        (directory / f"{r['benchmark']}.json").write_text(json.dumps(r))
    return directory


def outside_blocks(text: str) -> str:
    """``text`` with every block's content cut out, markers kept."""
    return re.sub(r"(<!-- benchmark:(\w+) -->).*?(<!-- /benchmark:\2 -->)", r"\1\3", text, flags=re.DOTALL)


def test_render_shows_title_table_checks_and_how_it_was_measured():
    assert render(result("alpha")) == (
        "**The alpha benchmark**\n\n"
        "| step | seconds |\n| --- | --- |\n| baseline | 0.250 |\n| alpha | 0.500 |\n\n"
        "- alpha under 1 s: met\n\n"
        "Measured by `python -m benchmarks --only alpha` on 2 CPUs, Python 3.11.2, in 12.3 s."
    )


def test_update_fills_every_block_from_its_json_and_leaves_the_rest_alone(tmp_path):
    alpha, beta = result("alpha"), result("beta")
    new = update(TEXT, write(tmp_path, alpha, beta))
    assert blocks(new) == {"alpha": render(alpha), "beta": render(beta)}
    assert "| stale | table |" not in new
    assert outside_blocks(new) == outside_blocks(TEXT)
    assert new.startswith(
        "# A project\n\nProse before, with a figure typed by hand: 1.5 s.\n\n<!-- benchmark:alpha -->"
    )
    assert update(new, tmp_path) == new


def test_a_changed_figure_in_the_json_changes_its_block_only(tmp_path):
    first = update(TEXT, write(tmp_path, result("alpha"), result("beta", seconds=0.5)))
    second = update(first, write(tmp_path, result("beta", seconds=0.75)))
    assert "| beta | 0.500 |" in blocks(first)["beta"]
    assert "| beta | 0.750 |" in blocks(second)["beta"] and "0.500" not in blocks(second)["beta"]
    assert blocks(second)["alpha"] == blocks(first)["alpha"]
    assert outside_blocks(second) == outside_blocks(TEXT)


def test_a_quick_result_is_refused(tmp_path):
    write(tmp_path, result("alpha"), result("beta", quick=True))
    with pytest.raises(ValueError, match=r"beta\.json is a --quick run"):
        update(TEXT, tmp_path)


def test_a_missing_result_is_refused(tmp_path):
    write(tmp_path, result("beta"))
    with pytest.raises(FileNotFoundError, match=r"alpha\.json is missing"):
        update(TEXT, tmp_path)


def test_a_result_without_its_wall_time_is_refused(tmp_path):
    incomplete = result("alpha")
    del incomplete["wall_seconds"]
    with pytest.raises(ValueError, match=r"alpha\.json lacks wall_seconds"):
        load_result(write(tmp_path, incomplete) / "alpha.json")


def test_a_result_that_is_not_json_is_refused_with_its_name(tmp_path):
    (tmp_path / "alpha.json").write_text('{"benchmark": "alpha", ')
    with pytest.raises(ValueError, match=r"alpha\.json is not JSON"):
        load_result(tmp_path / "alpha.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<!-- benchmark:alpha -->\ntable\n", "has no <!-- /benchmark:alpha -->"),
        ("table\n<!-- /benchmark:alpha -->\n", "expected <!-- benchmark:alpha --> before it"),
        ("<!-- benchmark:alpha -->\n<!-- /benchmark:beta -->\n", "expected <!-- /benchmark:alpha -->"),
        ("<!-- benchmark:a -->\n<!-- /benchmark:a -->\n" * 2, "more than one block for: a"),
    ],
)
def test_unpaired_or_doubled_markers_are_refused(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        blocks(text)


def test_readme_option_rewrites_the_file_and_names_the_changed_blocks(tmp_path, capsys):
    readme, results = tmp_path / "README.md", write(tmp_path, result("alpha"), result("beta"))
    readme.write_text(TEXT)
    assert main(["--readme", "--out", str(results), "--readme-file", str(readme)]) == 0
    assert readme.read_text() == update(TEXT, results)
    assert "changed alpha, beta (of 2 blocks)" in capsys.readouterr().out
    write(results, result("beta", seconds=0.75))
    assert main(["--readme", "--out", str(results), "--readme-file", str(readme)]) == 0
    assert "changed beta (of 2 blocks)" in capsys.readouterr().out
    assert main(["--readme", "--out", str(results), "--readme-file", str(readme)]) == 0
    assert "no block changed" in capsys.readouterr().out


def test_readme_option_exits_2_with_one_line_on_a_quick_result(tmp_path, capsys):
    readme, results = tmp_path / "README.md", write(tmp_path, result("alpha"), result("beta", quick=True))
    readme.write_text(TEXT)
    assert main(["--readme", "--out", str(results), "--readme-file", str(readme)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and "beta.json is a --quick run" in err
    assert readme.read_text() == TEXT


def test_readme_option_runs_nothing_so_takes_no_quick(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--readme", "--quick"])
    assert exc.value.code == 2 and "takes no --quick or --only" in capsys.readouterr().err


# --- The committed files: README.md against benchmarks/results/NAME.json (fail until a full run is committed).

README_TEXT = (ROOT / "README.md").read_text()


def committed_results() -> list[Path]:
    """The result JSON files git tracks (not whatever a local run left in benchmarks/results/)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--", "benchmarks/results/*.json"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the committed results cannot be listed")
    return [ROOT / line for line in listed.splitlines()]


def test_committed_readme_has_one_block_per_benchmark():
    assert sorted(blocks(README_TEXT)) == sorted(BENCHMARKS)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_committed_readme_block_is_the_committed_result(name):
    expected = render(load_result(RESULTS / f"{name}.json"))
    assert blocks(README_TEXT)[name] == expected, "README.md is stale: run `python -m benchmarks --readme`"


def test_committed_results_are_full_runs_with_a_readme_block():
    in_readme = blocks(README_TEXT)
    for path in committed_results():
        assert load_result(path)["benchmark"] == path.stem
        assert path.stem in in_readme, f"{path.name} is committed but README.md has no <!-- benchmark:{path.stem} -->"
