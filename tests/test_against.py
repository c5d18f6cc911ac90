"""`check NEW --against OLD|REV`: the older edition from a file or from git (never checked out)."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app

RULES = """
rules:
  - id: identified-cumulative
    cumulative: [identified, exhumed]
  - id: register-stock
    stock: {name: still_missing, inflows: [newly_registered], outflows: [identified_in_year]}
"""

EDITION_2019 = """
source: {title: Fact sheet, as_of: 2019-12-31}
figures:
  identified: 1053
  identified_in_year: 61
  exhumed: 1180
  newly_registered: 14
  still_missing: 1127
"""

EDITION_2020 = """
source: {title: Fact sheet, as_of: 2020-12-31}
figures:
  identified: IDENTIFIED
  identified_in_year: 40
  exhumed: 1190
  newly_registered: 12
  still_missing: 1099
"""


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env,
                          check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path):
    """A git repository with the 2019 fact sheet committed, and the 2020 one written over it."""
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "data" / "rules.yaml").write_text(RULES)
    (root / "data" / "factsheet.yaml").write_text(EDITION_2019)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "2019 edition")
    return root


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, cwd: Path | None = None):
        old = Path.cwd()
        if cwd:
            os.chdir(cwd)
        try:
            result = runner.invoke(app, [str(a) for a in args])
        finally:
            os.chdir(old)
        assert "Traceback" not in result.output
        return result

    return invoke


def new_edition(repo: Path, identified: int) -> Path:
    path = repo / "data" / "factsheet.yaml"
    path.write_text(EDITION_2020.replace("IDENTIFIED", str(identified)))
    return path


def test_a_break_against_head_fails_before_the_commit_lands(repo, run):
    new_edition(repo, 1035)
    result = run("check", "data/factsheet.yaml", "--against", "HEAD", cwd=repo)
    assert result.exit_code == 1
    assert "identified fell from 1,053 to 1,035 (-18)" in result.output
    assert "note: data/factsheet.yaml:4:15: identified: 1,053 -> 1,035 (-18, -1.7%) since HEAD" \
        in result.output
    assert "HEAD:data/factsheet.yaml:4:15" in result.output


def test_against_reads_git_without_touching_the_working_tree(repo, run):
    path = new_edition(repo, 1035)
    before = path.read_text()
    run("check", path, "--against", "HEAD")  # absolute path, from another directory
    assert path.read_text() == before
    assert git(repo, "status", "--porcelain") == " M data/factsheet.yaml\n"
    assert git(repo, "stash", "list") == ""


def test_a_consistent_new_edition_passes_and_lists_what_changed(repo, run):
    new_edition(repo, 1093)
    result = run("check", "data/factsheet.yaml", "--against", "HEAD", "--format", "json", cwd=repo)
    assert result.exit_code == 0
    rep = json.loads(result.stdout)
    messages = [n["message"] for n in rep["notes"]]
    assert "identified: 1,053 -> 1,093 (+40, +3.8%) since HEAD" in messages
    assert rep["summary"]["failed"] == 0
    (against,) = rep["against"]
    assert against["older"] == "HEAD:data/factsheet.yaml"
    assert {c["figure"] for c in against["changes"]} == {
        "identified", "identified_in_year", "exhumed", "newly_registered", "still_missing"}
    stock = next(r for r in rep["results"] if r["rule"] == "register-stock")
    assert stock["checked"] == 1 and stock["passed"] == 1


def test_a_file_new_in_git_is_said_and_skipped_with_the_exit_code_unchanged(repo, run):
    fresh = repo / "data" / "new.yaml"
    fresh.write_text(EDITION_2019)
    result = run("check", "data/new.yaml", "--against", "HEAD", cwd=repo)
    assert result.exit_code == 0
    assert "not in HEAD (new since): there is no older version to compare against" in result.output
    fresh.write_text(EDITION_2019 + "rules:\n  - id: bad\n    check: identified < exhumed - 1000\n")
    result = run("check", "data/new.yaml", "--against", "HEAD", cwd=repo)
    assert result.exit_code == 1
    assert "not in HEAD (new since)" in result.output


def test_against_an_older_file(tmp_path, run):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(EDITION_2019)
    new.write_text(EDITION_2020.replace("IDENTIFIED", "1035"))
    (tmp_path / "rules.yaml").write_text(RULES)
    result = run("check", new, "--against", old, "--format", "json")
    assert result.exit_code == 1
    rep = json.loads(result.stdout)
    f = next(r for r in rep["results"] if r["rule"] == "identified-cumulative")["failures"][0]
    assert f["values"] == {"identified@2019-12-31": 1053, "identified@2020-12-31": 1035}


def test_an_older_revision_by_name(repo, run):
    new_edition(repo, 1093)
    git(repo, "commit", "-q", "-am", "2020 edition")
    path = repo / "data" / "factsheet.yaml"
    path.write_text(EDITION_2020.replace("IDENTIFIED", "1093").replace("2020-12-31", "2021-12-31")
                    .replace("still_missing: 1099", "still_missing: 1071"))
    assert run("check", path, "--against", "HEAD").exit_code == 0
    result = run("check", path, "--against", "HEAD~1")  # 2019 -> 2021: the 2020 flows are unknown
    assert "identified: 1,053 -> 1,093" in result.output
    assert result.exit_code == 1 and "FAIL register-stock" in result.output


def test_the_same_edition_corrected_is_not_a_series_break(repo, run):
    path = repo / "data" / "factsheet.yaml"
    path.write_text(EDITION_2019.replace("1053", "1050"))
    result = run("check", path, "--against", "HEAD")
    assert result.exit_code == 0
    assert "corrections of that edition" in result.output
    assert "identified: 1,053 -> 1,050" in result.output


def test_a_recorded_revision_explains_the_break_against_head(repo, run):
    path = new_edition(repo, 1035)
    path.write_text(path.read_text().replace(
        "identified: 1035",
        'identified: {value: 1035, revised: {why: "18 withdrawn after DNA re-testing"}}'))
    result = run("check", path, "--against", "HEAD")
    assert result.exit_code == 0
    assert "explained by a revision: 18 withdrawn after DNA re-testing" in result.output


def test_renamed_figures_are_matched(repo, run):
    path = new_edition(repo, 1035)
    text = path.read_text().replace("identified: 1035", "identified_total: 1035")
    path.write_text(text + "edition: {renamed: {identified_total: identified}}\n")
    (repo / "data" / "rules.yaml").write_text(RULES.replace("[identified,", "[identified_total,"))
    result = run("check", path, "--against", "HEAD")
    assert result.exit_code == 1
    assert "identified_total fell from 1,053 to 1,035" in result.output


@pytest.mark.parametrize("against, message", [
    ("no-such-rev", "neither a file nor a git revision"),
])
def test_a_bad_revision_is_an_input_error(repo, run, against, message):
    result = run("check", new_edition(repo, 1035), "--against", against)
    assert result.exit_code == 2
    assert message in result.output


def test_outside_a_repository_says_so(tmp_path, run):
    path = tmp_path / "factsheet.yaml"
    path.write_text(EDITION_2019)
    result = run("check", path, "--against", "HEAD")
    assert result.exit_code == 2
    assert "not inside a git repository" in result.output


def test_an_unreadable_older_version_is_a_note_not_a_crash(repo, run):
    (repo / "data" / "factsheet.yaml").write_text("figures: {identified: [1, 2]}\n")
    git(repo, "commit", "-q", "-am", "broken")
    path = new_edition(repo, 1035)
    result = run("check", path, "--against", "HEAD")
    assert result.exit_code == 0
    assert "cannot be read, so it was not compared" in result.output


def test_an_editions_file_against_head_lists_new_and_changed_editions(repo, run):
    path = repo / "data" / "series.yaml"
    body = textwrap.dedent("""
        editions:
          - as_of: 2019-12-31
            figures: {identified: 1053, exhumed: 1180}
    """)
    path.write_text(body + "rules:\n  - id: c\n    cumulative: [identified]\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "series")
    path.write_text(body.replace("1180", "1181") + textwrap.indent(textwrap.dedent("""
        - as_of: 2020-12-31
          figures: {identified: 1035, exhumed: 1190}
    """), "  ") + "rules:\n  - id: c\n    cumulative: [identified]\n")
    result = run("check", path, "--against", "HEAD", "--format", "json")
    assert result.exit_code == 1
    messages = [n["message"] for n in json.loads(result.stdout)["notes"]]
    assert "edition 2020-12-31 is new since HEAD (2 figures)" in messages
    assert "edition 2019-12-31: exhumed: 1,180 -> 1,181 (+1, +0.1%) since HEAD" in messages
