"""`missingstats diff OLD NEW`: the change table alone, in text, json and markdown."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.analysis.changes import change_table
from missingstats.cli import app
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import sheet_from_mapping

FIXTURES = Path(__file__).parent / "fixtures" / "series"
GOLDEN = FIXTURES / "golden"


@pytest.fixture
def run(monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(FIXTURES)

    def invoke(*args):
        result = runner.invoke(app, [str(a) for a in args])
        assert "Traceback" not in result.output
        return result

    return invoke


def cells(text: str):
    return sheet_from_mapping(sy.load("s.yaml", textwrap.dedent(text)), "s.yaml").cells()


@pytest.mark.parametrize("fmt, golden", [("text", "diff.txt"), ("json", "diff.json"),
                                         ("markdown", "diff.md")])
def test_diff_golden_outputs(run, fmt, golden):
    result = run("diff", "sheets/factsheet-2019.yaml", "sheets/factsheet-2020.yaml", "--format", fmt)
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / golden).read_text()


def test_a_renamed_figure_is_a_change_not_an_addition(run):
    rep = json.loads(run("diff", "sheets/factsheet-2019.yaml", "sheets/factsheet-2020.yaml",
                         "-f", "json").stdout)
    assert rep["summary"]["added"] == 0 and rep["summary"]["removed"] == 0
    assert rep["changes"][0]["figure"] == "identified"


def test_added_removed_bounds_and_percentages():
    table = change_table(
        cells("figures: {a: 10, b: 5, c: {value: 7, qualifier: about}, p: {value: 49, unit: percent}}"),
        cells("figures: {a: 10, c: {value: 7, qualifier: at least}, d: 3, p: {value: 47.4, unit: percent}}"),
        {},
    )
    status = dict(zip(table["name"], table["status"]))
    assert status == {"a": "unchanged", "b": "removed", "c": "changed", "d": "added", "p": "changed"}
    from missingstats.analysis.changes import changes
    from missingstats.render.sections import change_json

    rows = {r["figure"]: r for r in map(change_json, changes(table))}
    assert "change" not in rows["c"]  # bounds changed, no single number
    assert rows["p"]["change"] == pytest.approx(-1.6)
    assert rows["d"]["new"] == 3 and rows["d"]["old"] is None
    assert "a" not in rows


def test_all_lists_unchanged_figures(run, tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("figures: {x: 1, y: 2}\n")
    b.write_text("figures: {x: 1, y: 3}\n")
    short = run("diff", a, b)
    assert "1 changed, 0 added, 0 removed, 1 unchanged" in short.stdout
    assert short.stdout.count("\n") == 3
    full = run("diff", a, b, "--all", "--format", "markdown")
    assert "| x | 1 | 1 | unchanged |" in full.stdout


def test_editions_files_are_compared_edition_by_edition(run, tmp_path):
    new = tmp_path / "new.yaml"
    new.write_text((FIXTURES / "commission.yaml").read_text().replace("exhumed: 1190", "exhumed: 1191"))
    rep = json.loads(run("diff", "commission.yaml", new, "-f", "json").stdout)
    assert rep["summary"]["changed"] == 1
    assert rep["changes"][0]["edition"] == "2020-12-31"
    text = run("diff", "commission.yaml", new).stdout
    assert "2020-12-31  exhumed" in text


def test_diff_reads_a_committed_version_through_git(run, tmp_path):
    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e.org",
                            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e.org"})

    sheet = tmp_path / "s.yaml"
    sheet.write_text("figures: {identified: 1053}\n")
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "one")
    sheet.write_text("figures: {identified: 1035}\n")
    result = run("diff", f"HEAD:{sheet}", sheet, "-f", "json")
    assert result.exit_code == 0, result.output
    rep = json.loads(result.stdout)
    assert rep["old"] == f"HEAD:{sheet}" and rep["changes"][0]["change"] == -18
    missing = run("diff", f"HEAD:{tmp_path / 'none.yaml'}", sheet)
    assert missing.exit_code == 2 and "is not in HEAD" in missing.output


@pytest.mark.parametrize("args, message", [
    (["sheets/factsheet-2019.yaml", "commission.yaml"], "compare like with like"),
    (["sheets/factsheet-2019.yaml", "nope.yaml"], "no such file"),
    (["sheets/factsheet-2019.yaml", "rules.yaml"], "not a figure sheet or editions file"),
    (["sheets/factsheet-2019.yaml", "sheets/factsheet-2020.yaml", "-f", "html"], "unknown format"),
])
def test_diff_input_errors(run, args, message):
    result = run("diff", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_diff_output_file(run, tmp_path):
    out = tmp_path / "changes.md"
    result = run("diff", "sheets/factsheet-2019.yaml", "sheets/factsheet-2020.yaml", "-f", "markdown",
                 "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text() == (GOLDEN / "diff.md").read_text()
