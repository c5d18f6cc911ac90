"""Several files in one run: an input error is an error of that file in the report (every
format), the other files are checked as usual, the exit code is 2; and the text report stays
readable at a hundred files (grouped by rule, files counted, a file named only where a line
is its own)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.core.errors import Location
from missingstats.core.results import FileError
from missingstats.evaluate.options import CheckOptions
from missingstats.evaluate.run import run
from missingstats.render import RenderContext, render
from missingstats.render.report import build

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "data" / "letter.yaml"
runner = CliRunner()
BAD = "figures:\n  a: no\n"


@pytest.fixture
def three(tmp_path, monkeypatch) -> Path:
    """a.yaml and b.yaml (the letter) and bad.yaml (a boolean where a count belongs)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(LETTER, "a.yaml")
    shutil.copy(LETTER, "b.yaml")
    Path("bad.yaml").write_text(BAD, encoding="utf-8")
    return tmp_path


# --- unit: run() collects the error of each file and checks the others ----------------------


def test_run_keeps_every_file_and_records_the_error_of_the_bad_one(three):
    results = run(["a.yaml", "bad.yaml", "b.yaml"], CheckOptions())
    assert results.files == ["a.yaml", "b.yaml", "bad.yaml"]
    assert {t.file for t in results.tallies} == {"a.yaml", "b.yaml"}
    (err,) = results.errors
    assert (err.file, err.location, err.message.split(";")[0]) == (
        "bad.yaml", Location("bad.yaml", 2, 6), "a: 'no' is read as a boolean by YAML 1.1, not a count")
    assert results.unchecked() == ["bad.yaml"]


def test_a_shared_bad_rules_file_is_an_error_of_each_input(three):
    Path("rules.yaml").write_text("rules:\n  - id: r\n    chek: a <= 1\n", encoding="utf-8")
    results = run(["a.yaml", "b.yaml"], CheckOptions(rules="rules.yaml"))
    assert [e.file for e in results.errors] == ["a.yaml", "b.yaml"]
    assert {e.location.file for e in results.errors} == {"rules.yaml"}
    report = build(results)
    assert [(e["file"], e["line"], e["input"]) for e in report["errors"]] == [
        ("rules.yaml", 3, "a.yaml"), ("rules.yaml", 3, "b.yaml")]
    text = render("text", report, RenderContext())
    assert text.count("ERROR rules.yaml:3:5: ") == 1  # one problem, said once
    assert "(a.yaml, b.yaml not checked)" in text


def test_a_bad_edition_of_a_series_leaves_the_others_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sheet = "edition: {series: s}\nsource: {as_of: %s}\nfigures:\n  a: %s\n"
    Path("e1.yaml").write_text(sheet % ("2020-01-01", "1"), encoding="utf-8")
    Path("e2.yaml").write_text(sheet % ("2021-01-01", "2"), encoding="utf-8")
    Path("e3.yaml").write_text(sheet % ("2022-01-01", "no"), encoding="utf-8")
    results = run(["e1.yaml", "e2.yaml", "e3.yaml"], CheckOptions())
    assert [e.file for e in results.errors] == ["e3.yaml"]
    assert {"e1.yaml", "e2.yaml"} <= {t.file for t in results.tallies}


def test_an_internal_error_of_one_file_does_not_lose_the_others(three, monkeypatch):
    from missingstats.evaluate import run as run_module

    real = run_module.check_file

    def flaky(path, options):
        if path == "b.yaml":
            raise ZeroDivisionError("boom")
        return real(path, options)

    monkeypatch.setattr(run_module, "check_file", flaky)
    results = run(["a.yaml", "b.yaml"], CheckOptions())
    (err,) = results.errors
    assert err.file == "b.yaml" and err.message.startswith("internal error: ZeroDivisionError: boom")
    assert {t.file for t in results.tallies} == {"a.yaml"}


# --- end to end: every format shows the error, exit 2 ----------------------------------------


def test_check_reports_every_file_and_exits_2(three):
    result = runner.invoke(app, ["check", "a.yaml", "b.yaml", "bad.yaml"])
    assert result.exit_code == 2
    assert result.stdout.startswith("3 files, 7 rules, 44 checks: 40 passed, 0 failed, 4 not "
                                    "evaluable; 1 file not checked (input error)\n")
    assert "ERROR bad.yaml:2:6: a: 'no' is read as a boolean" in result.stdout
    assert result.stderr.startswith("missingstats: bad.yaml:2:6: a: 'no' is read as a boolean")
    assert len(result.stderr.splitlines()) == 1


def test_one_bad_file_alone_is_one_located_line(three):
    result = runner.invoke(app, ["check", "bad.yaml"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("missingstats: bad.yaml:2:6: ")


def test_a_missing_file_is_an_error_of_that_file(three):
    result = runner.invoke(app, ["check", "a.yaml", "nope.yaml", "-f", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["files"] == ["a.yaml", "nope.yaml"]
    assert report["errors"] == [{"file": "nope.yaml", "line": None, "column": None,
                                 "message": "no such file", "input": "nope.yaml"}]
    assert report["summary"]["files"] == 2 and report["results"]


def test_every_format_shows_the_input_error(three):
    def out(fmt: str) -> str:
        result = runner.invoke(app, ["check", "a.yaml", "bad.yaml", "-f", fmt])
        assert result.exit_code == 2, (fmt, result.stderr)
        return result.stdout

    report = json.loads(out("json"))
    assert [(e["file"], e["line"], e["column"]) for e in report["errors"]] == [("bad.yaml", 2, 6)]
    assert "::error file=bad.yaml,line=2,col=6,title=missingstats input error::a: 'no'" in out("github")
    suites = {s.get("name"): s for s in ET.fromstring(out("junit").split("\n", 2)[2])}
    (case,) = suites["bad.yaml"].findall("testcase")
    assert case.find("error").get("type") == "input-error" and case.get("line") == "2"
    assert suites["bad.yaml"].get("errors") == "1"
    sarif = json.loads(out("sarif"))
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    region = note["locations"][0]["physicalLocation"]
    assert (region["artifactLocation"]["uri"], region["region"]) == (
        "bad.yaml", {"startLine": 2, "startColumn": 6})
    markdown = out("markdown")
    assert markdown.startswith("## missingstats: failed")
    assert "### Input errors (not checked)\n\n- `bad.yaml:2:6`: a: 'no'" in markdown
    html = out("html")
    assert "<h2>Input errors (not checked)</h2>" in html and "<code>bad.yaml:2:6</code>" in html


def test_sarif_with_input_errors_is_valid(three):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "tests" / "fixtures" / "schemas" / "sarif-schema-2.1.0.json").read_text())
    result = runner.invoke(app, ["check", "a.yaml", "bad.yaml", "nope.yaml", "-f", "sarif"])
    jsonschema.validate(json.loads(result.stdout), schema)


def test_a_precommit_style_batch_reports_every_file(three):
    # pre-commit passes every changed file in one call, sheets and other YAML alike
    Path("other.yaml").write_text("name: ci\non: push\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--skip-unknown", "a.yaml", "other.yaml", "bad.yaml",
                                 "b.yaml", "-f", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["files"] == ["a.yaml", "b.yaml", "bad.yaml"]
    assert {r["file"] for r in report["results"]} == {"a.yaml", "b.yaml"}


def test_usage_errors_stay_immediate(three):
    result = runner.invoke(app, ["check", "a.yaml", "bad.yaml", "--max-failures", "-1"])
    assert result.exit_code == 2 and result.stdout == ""
    result = runner.invoke(app, ["check", "a.yaml", "bad.yaml", "-q", "-v"])
    assert result.exit_code == 2 and "contradict" in result.stderr and result.stdout == ""


def test_the_error_record_words_its_place(three):
    err = FileError("a.yaml", None, "no such file")
    assert err.where == Location("a.yaml")


# --- a hundred files -------------------------------------------------------------------------


@pytest.fixture
def hundred(tmp_path, monkeypatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    names = [f"l{i:03}.yaml" for i in range(100)]
    for name in names:
        shutil.copy(LETTER, name)
    return names


def test_a_hundred_letters_read_in_a_few_lines(hundred):
    result = runner.invoke(app, ["check", *hundred])
    assert result.exit_code == 0
    assert result.stdout == (
        "100 files, 7 rules, 2200 checks: 2000 passed, 0 failed, 200 not evaluable\n"
        "\n"
        "6 rules passed in 100 files (part-within-total, detained-within-missing, detained-split, "
        "detained-servicemen-within-missing-military, civilian-age-groups-disjoint, "
        "civilian-groups-overlap; --verbose lists them)\n"
        "\n"
        "Not evaluable, figures not reported:\n"
        "  detained-within-missing (100 of 600): needs missing.servicemen in all 100 files\n"
        "  missing-split (100 of 100): needs missing.servicemen in all 100 files\n"
    )


def test_a_line_that_is_one_files_own_names_it(hundred):
    text = LETTER.read_text(encoding="utf-8").replace("value: 29\n", "value: 92\n")
    Path(hundred[7]).write_text(text, encoding="utf-8")
    renamed = text.replace("    servicemen:\n      value: 604", "    x:\n      value: 604")
    Path(hundred[8]).write_text(renamed, encoding="utf-8")
    out = runner.invoke(app, ["check", *hundred]).stdout
    assert "FAIL detained-within-missing (error) l007.yaml  1 of 6 failed" in out
    assert ("6 rules passed, in all 100 files unless said (part-within-total, "
            "detained-within-missing in 98 of 100 files, detained-split in 99 of 100 files, ") in out
    assert "detained-within-missing (98 of 588): needs missing.servicemen in 98 of 100 files" in out
    assert ("3 rules could not be evaluated at all, in all 100 files unless said (each needs a "
            "figure the files do not report): missing-split, detained-split in l008.yaml, ") in out
    assert "hint (l007.yaml): most likely wrong: detained.civilians.children" in out


def test_markdown_and_github_group_what_many_files_share(hundred):
    md = runner.invoke(app, ["check", *hundred, "-f", "markdown"]).stdout
    assert "<details><summary>6 rules passed in 100 files</summary>" in md
    assert "- `detained-split` (100 files, 100 checks)" in md
    assert md.count("`missing-split` | error, not evaluable") == 1
    assert "| in 100 files |" in md
    gh = runner.invoke(app, ["check", *hundred, "-f", "github"]).stdout
    notices = [ln for ln in gh.splitlines() if ln.startswith("::notice")]
    assert len(notices) == 2
    assert all(n.startswith("::notice title=") and n.endswith("%0Ain 100 files") for n in notices)


def test_grouping_helpers_word_shared_and_own_lines():
    from missingstats.render.markup import strip
    from missingstats.render.text import _passed_line, _unreported_lines

    passed = [{"rule": r, "file": f} for r in ("a", "b") for f in ("x.yaml", "y.yaml")]
    assert strip(_passed_line(passed, 2)) == "2 rules passed in 2 files (a, b; --verbose lists them)"
    assert strip(_passed_line(passed[:3], 2)) == (
        "2 rules passed, in all 2 files unless said (a, b in x.yaml; --verbose lists them)")
    assert strip(_passed_line(passed[::2])) == "2 rules passed (a, b; --verbose lists them)"
    missing = {"rule": "r", "checked": 2, "missing": 1, "missing_instances": [
        {"values": {"m": None}}]}
    rows = [{**missing, "file": "x.yaml"}, {**missing, "file": "y.yaml"}]
    assert _unreported_lines(rows, 2) == ["r (2 of 4): needs m in all 2 files"]
    assert _unreported_lines(rows, 3) == ["r (2 of 4): needs m in 2 of 3 files"]
    assert _unreported_lines(rows[:1], 2) == ["r (1 of 2): needs m in x.yaml"]
    assert _unreported_lines(rows[:1]) == ["r (1 of 2): needs m"]
