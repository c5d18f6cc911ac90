"""CI formats (github, junit, sarif, markdown): exact golden outputs, escaping, validity.

Two kinds of golden test per format: a fixed report dict (tests/golden/formats/report.json,
which exercises every optional key: table coordinates, spreadsheet cells, intervals, notes,
undetermined, not evaluable, a rule that could not run, failures cut by --max-failures,
characters that need escaping) and the CLI end to end on a broken copy of data/letter.yaml.
Refresh goldens with UPDATE_GOLDEN=1 after a deliberate change, and read the diff.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats import __version__
from missingstats.cli import app
from missingstats.render import RenderContext, render

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "formats"
# The official OASIS schema (copied from the team's shared folder, so CI validates too).
SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "schemas" / "sarif-schema-2.1.0.json"
FORMATS = {"github": "txt", "junit": "xml", "sarif": "json", "markdown": "md"}
runner = CliRunner()


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")




def cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def stable(text: str) -> str:
    return text.replace(__version__, "<VERSION>")


# --- golden outputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_fixed_report_golden(fixed_report, fmt):
    golden(f"report.{fmt}.{FORMATS[fmt]}", render(fmt, fixed_report, RenderContext()))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_cli_broken_letter_golden(broken_letter, fmt):
    result = cli("check", "letter.yaml", "--prose", "--format", fmt)
    assert result.exit_code == 1, result.output
    golden(f"letter-92.{fmt}.{FORMATS[fmt]}", stable(result.stdout))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_names_the_changed_line(broken_letter, fmt):
    out = cli("check", "letter.yaml", "--format", fmt).stdout
    assert "letter.yaml" in out
    assert "62" in out and "92" in out


# --- github ------------------------------------------------------------------------------------


def test_github_escaping_follows_the_actions_toolkit():
    from missingstats.render.github import command, escape_data, escape_property

    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = command("error", "x: 1,\n2", file="d/a,b.yaml", line=3, col=4, title="t: x")
    assert line == "::error file=d/a%2Cb.yaml,line=3,col=4,title=t%3A x::x: 1,%0A2"
    assert command("notice", "m") == "::notice::m"


def _parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read a line the way the Actions runner does, undoing the escapes."""
    def unescape(s: str) -> str:
        return (s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
                .replace("%2C", ",").replace("%25", "%"))

    assert line.startswith("::")
    head, message = line[2:].split("::", 1)
    kind, _, props = head.partition(" ")
    fields = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return kind, {k: unescape(v) for k, v in fields.items()}, unescape(message)


def test_github_annotations_read_back_as_the_runner_would(fixed_report):
    lines = render("github", fixed_report, RenderContext()).splitlines()
    commands = [_parse_workflow_command(x) for x in lines if x.startswith("::")]
    kinds = [k for k, _, _ in commands]
    assert kinds.count("error") == 6 and kinds.count("warning") == 2 and kinds.count("notice") == 4
    odd = next(c for c in commands if "odd:rule,1" in c[1].get("title", ""))
    assert odd[0] == "notice"  # an info rule
    assert odd[1]["file"] == "data/letter.yaml" and odd[1]["line"] == "40" and odd[1]["col"] == "14"
    assert "100% sure, with: colons\nand a second line" in odd[2]
    assert all("\n" not in line for line in lines)


def test_github_is_the_auto_format_inside_actions(broken_letter, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out = cli("check", "letter.yaml").stdout
    first_error = next(x for x in out.splitlines() if x.startswith("::error"))
    assert first_error.startswith("::error file=letter.yaml,line=62,col=16,")
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert "::error" not in cli("check", "letter.yaml").stdout


def test_auto_without_a_terminal_is_plain_text_without_colour(broken_letter, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = cli("check", "letter.yaml").stdout
    assert "\x1b[" not in out and out.startswith("1 file")


def test_step_summary_appends_markdown(broken_letter, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = cli("check", "letter.yaml", "--format", "github")
    assert result.exit_code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## missingstats: failed\n")
    assert "| `detained-within-missing` | error |" in text and "`letter.yaml:62:16`" in text
    cli("check", "letter.yaml", "--format", "json")  # other formats leave the summary alone
    assert summary.read_text(encoding="utf-8") == text


def test_github_paths_are_relative_to_the_repository(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    rep = {"summary": {}, "results": [{"rule": "r", "severity": "error", "status": "fail",
                                       "file": "a.yaml", "failed": 1,
                                       "failures": [{"expression": "a <= b",
                                                     "locations": [{"file": "a.yaml", "line": 2}]}]}]}
    out = render("github", rep, RenderContext())
    assert "::error file=sub/a.yaml,line=2,title=" in out


# --- junit ----------------------------------------------------------------------------------


def test_junit_parses_and_counts_add_up(fixed_report):
    root = ET.fromstring(render("junit", fixed_report, RenderContext()))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["data/letter.yaml", "tables/cube.yaml"]
    for suite in [root, *suites]:
        cases = suite.iter("testcase")
        cases = list(cases)
        assert int(suite.get("tests")) == len(cases)
        for tag, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            assert int(suite.get(attr)) == sum(1 for c in cases if c.find(tag) is not None)
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("7", "1", "3")
    letter = suites[0]
    failure = letter.find("testcase[@classname='detained-within-missing']/failure")
    assert failure.get("type") == "error"
    assert "detained.civilians.children = 92 (data/letter.yaml:62:16)" in failure.text
    rest = suites[1].find("testcase[@name='sex: 25 more instances failed (not listed)']")
    assert rest.find("failure") is not None
    assert suites[1].find("testcase[@classname='broken-rule']/error").get("message").startswith("table")


def test_junit_of_the_cli_is_well_formed(broken_letter):
    out = cli("check", "letter.yaml", "--format", "junit").stdout
    root = ET.fromstring(out)
    failed = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert {"detained-within-missing", "civilian-groups-overlap"} <= {c.get("classname") for c in failed}
    assert all(c.get("file") == "letter.yaml" and c.get("line") == "62" for c in failed)


def test_junit_drops_control_characters():
    rep = {"files": ["a\x01.yaml"], "summary": {}, "results": [
        {"rule": "r\x02", "severity": "error", "status": "fail", "file": "a\x01.yaml", "failed": 1,
         "checked": 1, "failures": [{"expression": "a\x1b <= b", "values": {"a": 1}}]}]}
    root = ET.fromstring(render("junit", rep, RenderContext()))
    assert root.find("testsuite").get("name") == "a.yaml"


# --- sarif ----------------------------------------------------------------------------------


def _sarif_validator():
    if not SARIF_SCHEMA.parent.is_dir():
        pytest.skip(f"{SARIF_SCHEMA.parent} is not here")
    from jsonschema import Draft4Validator

    return Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


def test_sarif_is_valid_against_the_oasis_schema(fixed_report, broken_letter):
    validator = _sarif_validator()
    for doc in (json.loads(render("sarif", fixed_report, RenderContext())),
                json.loads(cli("check", "letter.yaml", "--format", "sarif").stdout)):
        errors = sorted(validator.iter_errors(doc), key=str)
        assert not errors, errors[0].message


def test_sarif_rules_results_and_locations(fixed_report):
    doc = json.loads(render("sarif", fixed_report, RenderContext()))
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) and "detained-within-missing" in ids
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    first = run["results"][0]
    assert first["ruleId"] == "detained-within-missing" and first["level"] == "error"
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 62, "startColumn": 16}
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "data/letter.yaml"
    levels = {r["ruleId"]: (r.get("kind", "fail"), r["level"]) for r in run["results"]}
    assert levels["civilian-groups-overlap"] == ("fail", "warning")
    assert levels["odd:rule,1"] == ("fail", "note")
    assert levels["about-within"] == ("review", "none")
    assert "missing-split" not in levels  # not evaluable: counted, not alerted
    excel = next(r for r in run["results"] if r["ruleId"] == "codes")
    assert "region" not in excel["locations"][0]["physicalLocation"]
    assert "Sheet1!C7" in excel["locations"][0]["message"]["text"]


def test_sarif_uri_is_relative_to_the_git_top_level(tmp_path, monkeypatch):
    from missingstats.render.common import relative_uri

    (tmp_path / ".git").mkdir()
    (tmp_path / "data dir").mkdir()
    monkeypatch.chdir(tmp_path / "data dir")
    assert relative_uri("x.yaml") == "data%20dir/x.yaml"
    assert relative_uri(str(tmp_path / "data dir" / "x.yaml")) == "data%20dir/x.yaml"
    assert relative_uri("/elsewhere/y.yaml").startswith("file:///")


def test_sarif_fingerprints_ignore_line_moves(fixed_report):
    moved = json.loads(json.dumps(fixed_report))
    for loc in moved["results"][1]["failures"][0]["locations"]:
        loc["line"] += 5
    a = json.loads(render("sarif", fixed_report, RenderContext()))["runs"][0]["results"][0]
    b = json.loads(render("sarif", moved, RenderContext()))["runs"][0]["results"][0]
    assert a["partialFingerprints"] == b["partialFingerprints"]
    assert a["locations"] != b["locations"]


# --- markdown and robustness --------------------------------------------------------------------


def test_markdown_escapes_table_cells():
    from missingstats.render.markdown import cell, code

    assert cell("a | b\nc <d>") == "a \\| b c &lt;d&gt;"
    assert code("x|y") == "`x\\|y`"
    assert code("a`b") == "a`b"


@pytest.mark.parametrize("fmt", sorted(FORMATS) + ["html"])
def test_minimal_reports_render(fmt, tmp_path, monkeypatch):
    """Optional keys may be absent (a table rule, a future engine): no format may crash."""
    monkeypatch.chdir(tmp_path)
    minimal = {"summary": {}, "results": [
        {"rule": "r", "status": "fail", "failures": [{"expression": "x"}]},
        {"rule": "s", "status": "missing", "missing_instances": [{}]},
        {"rule": "t"},
    ]}
    assert render(fmt, minimal, RenderContext())
    assert render(fmt, {"summary": {}, "results": []}, RenderContext())


def test_passing_run_exits_0_in_every_format(in_repo):
    for fmt in FORMATS:
        result = cli("check", "data/letter.yaml", "--format", fmt)
        assert result.exit_code == 0, (fmt, result.output)
        assert "::error" not in result.stdout


# --- tables: the same formats serve the table checks ------------------------------------------


@pytest.fixture
def broken_tables(monkeypatch) -> Path:
    """The table fixtures (whose 2020 figures for N1 do not add up), checked from their folder."""
    folder = ROOT / "tests" / "fixtures" / "tables"
    if not (folder / "regions.yaml").is_file():
        pytest.skip("the table fixtures are not here")
    monkeypatch.chdir(folder)
    return folder / "regions.yaml"


def test_table_failures_point_at_csv_rows_in_every_format(broken_tables):
    github = cli("check", "regions.yaml", "--format", "github")
    assert github.exit_code == 1
    assert "::error file=tests/fixtures/tables/regions.csv,line=23,col=4," in github.stdout
    assert "at geo=N1, year=2020" in github.stdout.replace("%2C", ",")
    junit = ET.fromstring(cli("check", "regions.yaml", "--format", "junit").stdout)
    lines = {c.get("line") for c in junit.iter("testcase") if c.find("failure") is not None}
    assert "23" in lines
    sarif = json.loads(cli("check", "regions.yaml", "--format", "sarif").stdout)
    locs = [r["locations"][0]["physicalLocation"] for r in sarif["runs"][0]["results"]]
    assert {"artifactLocation": {"uri": "tests/fixtures/tables/regions.csv"},
            "region": {"startLine": 23, "startColumn": 4}} in locs
    if SARIF_SCHEMA.parent.is_dir():
        assert not list(_sarif_validator().iter_errors(sarif))
    markdown = cli("check", "regions.yaml", "--format", "markdown").stdout
    assert "`regions.csv:23:4`" in markdown and "at geo=N1, year=2020" in markdown


# --- the job summary: a side output the CLI chooses by format ----------------------------------


def test_step_summary_is_the_markdown_report_for_github_only(fixed_report):
    from missingstats.render import FORMATS as REGISTRY
    from missingstats.render import step_summary

    assert step_summary("github", fixed_report) == render("markdown", fixed_report, RenderContext())
    assert [name for name in REGISTRY if step_summary(name, fixed_report) is not None] == ["github"]


def test_cli_appends_the_summary_only_with_github(broken_letter, monkeypatch):
    summary = broken_letter.parent / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert cli("check", "letter.yaml", "--format", "json").exit_code == 1
    assert summary.read_text(encoding="utf-8") == "earlier step\n"
    assert cli("check", "letter.yaml", "--format", "github").exit_code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## missingstats: failed") and text.endswith("\n\n")


def test_an_unwritable_summary_is_said_and_keeps_the_exit_code(broken_letter, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(broken_letter.parent / "no-such-dir" / "s.md"))
    result = cli("check", "letter.yaml", "--format", "github")
    assert result.exit_code == 1 and result.stdout.startswith("missingstats: 1 file")
    assert "cannot write the step summary" in result.stderr
