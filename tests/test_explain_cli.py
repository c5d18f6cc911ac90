"""`missingstats explain` and `missingstats lint` end to end: exit codes, text, JSON (golden
for the founding example), the hint in `check`, and input errors as one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app

FIX = "tests/fixtures/explain"


@pytest.fixture
def cli(in_repo):
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args))

    return run


def test_explain_founding_example_text(cli):
    res = cli("explain", f"{FIX}/swapped.yaml")
    assert res.exit_code == 1
    out = res.stdout
    assert "Most likely wrong (1 figure to change):" in out
    assert f"detained.servicemen = 640  {FIX}/swapped.yaml:12:17" in out
    assert "probably 604 (two adjacent digits swapped: 604 typed as 640" in out
    assert "Other explanations changing as few figures:" in out
    assert "(--warnings adds warning rules)" in out


def test_explain_json_golden(cli, repo_root: Path):
    res = cli("explain", f"{FIX}/swapped.yaml", "--format", "json")
    assert res.exit_code == 1
    golden = json.loads((repo_root / FIX / "swapped.golden.json").read_text())
    assert json.loads(res.stdout) == golden


def test_explain_json_shape_two_errors(cli):
    res = cli("explain", f"{FIX}/two.yaml", "-f", "json", "--max-sets", "2")
    rep = json.loads(res.stdout)
    assert set(rep) >= {"file", "suspects", "alternatives"}
    assert len(rep["alternatives"]) == 2 and rep["more_alternatives"] is True
    best = rep["alternatives"][0]["figures"]
    assert set(best) == {"missing.civilians.children", "detained.servicemen"}
    for s in rep["suspects"]:
        assert set(s) >= {"figure", "value", "feasible", "candidates", "location"}
        assert all(set(c) >= {"value", "why"} for c in s["candidates"])
    children = next(s for s in rep["suspects"] if s["figure"] == "missing.civilians.children")
    assert children["feasible"] == [29, 393]  # children + older persons <= civilians
    assert children["candidates"][0]["value"] == 71


def test_explain_consistent_sheet_reports_nothing(cli):
    res = cli("explain", f"{FIX}/consistent.yaml", "-f", "json")
    assert res.exit_code == 0
    rep = json.loads(res.stdout)
    assert (rep["status"], rep["suspects"], rep["alternatives"]) == ("consistent", [], [])
    res = cli("explain", f"{FIX}/consistent.yaml")
    assert "nothing to explain" in res.stdout


def test_explain_with_warnings_uses_them(cli):
    res = cli("explain", f"{FIX}/swapped.yaml", "-f", "json", "--warnings")
    rep = json.loads(res.stdout)
    assert rep["severities"] == ["error", "warning"]
    # with the warning rule in force, 231 civilians no longer works
    assert ["detained.civilians.total"] not in [a["figures"] for a in rep["alternatives"]]


def test_open_bounds_are_null_in_json(cli):
    res = cli("explain", f"{FIX}/quoted.yaml", "-f", "json")
    rep = json.loads(res.stdout)
    total = next(s for s in rep["suspects"] if s["figure"] == "missing.total")
    assert total["feasible"] == [719, None]
    assert total["candidates"][0]["value"] == 3889


@pytest.mark.parametrize("args, words", [
    (["explain", f"{FIX}/rules-lint.yaml"], "explain needs a figure sheet"),
    (["explain", f"{FIX}/nope.yaml"], "nope.yaml"),
    (["explain", f"{FIX}/swapped.yaml", "-f", "xml"], "unknown format 'xml'"),
    (["lint", f"{FIX}/nope.yaml"], "nope.yaml"),
])
def test_input_errors_are_one_line_and_exit_2(cli, args, words):
    res = cli(*args)
    assert res.exit_code == 2
    assert words in res.stderr
    assert "Traceback" not in res.output


def test_check_prints_a_hint_for_a_failing_sheet(cli):
    res = cli("check", f"{FIX}/swapped.yaml", "-f", "text")
    assert res.exit_code == 1
    assert ("hint: most likely wrong: detained.servicemen = 640 (probably 604, swapped "
            "digits); 2 other equally small explanations; run missingstats explain "
            f"{FIX}/swapped.yaml") in res.stdout
    rep = json.loads(cli("check", f"{FIX}/swapped.yaml", "-f", "json").stdout)
    assert rep["hints"][0]["file"] == f"{FIX}/swapped.yaml"
    rep = json.loads(cli("check", f"{FIX}/consistent.yaml", "-f", "json").stdout)
    assert not rep.get("hints")


def test_lint_planted_problems(cli):
    res = cli("lint", f"{FIX}/rules-lint.yaml")
    assert res.exit_code == 1
    assert "CONTRADICTION: these rules cannot all hold" in res.stdout
    assert "USED ONCE: wmoen in rule typo" in res.stdout and "did you mean women?" in res.stdout
    assert "NOT ANALYSED: rule ratio" in res.stdout
    rep = json.loads(cli("lint", f"{FIX}/rules-lint.yaml", "-f", "json").stdout)
    assert rep["infeasible"] == [["men-bound", "men-floor"]]
    assert rep["redundant"] == [{"rule": "total-not-negative", "implied_by": []}]
    assert rep["implied_where_reported"] == [
        {"rule": "women-at-most-total", "implied_by": ["split"], "needs": ["men"]}]
    assert ("IMPLIED WHERE REPORTED: women-at-most-total  tests/fixtures/explain/rules-lint.yaml:5:9\n"
            "  follows from split only where men is reported; it also checks sheets that do not "
            "report it (not redundant: keep it)") in res.stdout
    assert rep["single_use"][0]["name"] == "wmoen"
    assert rep["unanalysed"][0]["rule"] == "ratio"


def test_lint_clean_rules_exit_0_with_bounds(cli):
    res = cli("lint", f"{FIX}/rules-clean.yaml", "-f", "json")
    assert res.exit_code == 0
    rep = json.loads(res.stdout)
    assert rep["infeasible"] == []
    assert rep["bounds"] == {"total": [0, None], "men": [0, 100], "women": [0, None]}


def test_lint_with_a_sheet_derives_bounds(cli):
    res = cli("lint", "rules.yaml", "--sheet", "data/letter.yaml", "-f", "json")
    assert res.exit_code == 0
    rep = json.loads(res.stdout)
    assert rep["bounds"]["missing.servicemen"] == [3170, 3170]
    assert rep["bounds"]["detained.civilians.women"] == [0, 267]
    text = cli("lint", "rules.yaml", "--sheet", "data/letter.yaml").stdout
    assert "missing.servicemen                must be 3,170" in text  # separators as in check


def test_command_module_imports_no_solver(repo_root):
    code = ("import sys, missingstats.cli.analysis; "
            "print(any(m in sys.modules for m in ('pandas', 'scipy', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=repo_root, check=True)
    assert out.stdout.strip() == "False"


def test_explain_table_spec_localises_each_failing_group(cli):
    res = cli("explain", f"{FIX}/districts.yaml", "-f", "json")
    assert res.exit_code == 1
    rep = json.loads(res.stdout)
    assert (rep["unit"], rep["checked"], rep["failing"], rep["localised"]) == ("group", 6, 2, 2)
    found = {r["record"]: r for r in rep["records"]}
    d2 = found["district=D2, year=2020"]
    assert d2["alternatives"][0]["figures"] == ["total"]
    assert d2["suspects"][0]["candidates"][0]["value"] == 39
    assert d2["suspects"][0]["location"] == {
        "file": f"{FIX}/districts.csv", "line": 5, "column": 3, "figure": "total"}
    d3 = found["district=D3, year=2020"]
    assert d3["suspects"][0]["figure"] == "adults"
    assert d3["suspects"][0]["candidates"][0]["value"] == 18
    text = cli("explain", f"{FIX}/districts.yaml").stdout
    assert "2 of 6 groups fail" in text and "group district=D2, year=2020" in text


def test_explain_records_csv(cli):
    res = cli("explain", f"{FIX}/records-rules.yaml", "--records", f"{FIX}/records.csv",
              "-f", "json")
    assert res.exit_code == 1
    rep = json.loads(res.stdout)
    assert (rep["unit"], rep["checked"], rep["failing"]) == ("record", 3, 2)
    first = rep["records"][0]
    assert (first["record"], first["coordinates"]) == ("line 3", {"line": 3})
    assert first["suspects"][0]["location"] == {
        "file": f"{FIX}/records.csv", "line": 3, "column": 2, "figure": "total"}


def test_explain_records_names_a_missing_column(cli, tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_text("district,total,female,male,children,adult\nD1,1,1,0,0,1\n")
    res = cli("explain", f"{FIX}/records-rules.yaml", "--records", str(bad))
    assert res.exit_code == 2
    assert "'adults', which is not a column of the records; did you mean 'adult'?" in res.stderr


def test_cross_dimension_evidence_names_the_shared_cell(cli):
    rep = json.loads(cli("explain", "tests/fixtures/tables/regions-wide.yaml", "-f", "json").stdout)
    if rep["failing"] < 2:
        pytest.skip("the shared tables fixture changed")
    for r in rep["records"]:
        best = r["suspects"][0]
        assert best.get("also_suspect_in"), r["record"]


# --- the words: typed results in, text / JSON / Markdown out -------------------------------------


def test_quoted_reasons_keep_typed_digits_in_json_and_separators_in_text(cli):
    rep = json.loads(cli("explain", f"{FIX}/quoted.yaml", "-f", "json").stdout)
    total = next(s for s in rep["suspects"] if s["figure"] == "missing.total")
    assert total["candidates"][0]["why"] == (
        "a digit dropped: 3889 typed as 389; the quoted sentence says 3889")
    text = cli("explain", f"{FIX}/quoted.yaml").stdout
    assert "probably 3,889 (a digit dropped: 3,889 typed as 389; the quoted sentence says 3,889)" in text


def test_why_words_every_fact_of_a_candidate_in_order():
    from missingstats.analysis.localize import Candidate
    from missingstats.render.explain import why

    c = Candidate(1604.0, "swap", (1, 0, 36.0), typed=1640.0, quoted=True, only=True,
                  breaks_warning=True)
    assert why(c) == ("two adjacent digits swapped: 1,604 typed as 1,640; the quoted sentence says "
                      "1,604; though a warning rule then fails; the only value that makes every "
                      "rule hold given the other figures")
    assert why(c, as_typed=True).startswith("two adjacent digits swapped: 1604 typed as 1640; "
                                            "the quoted sentence says 1604;")
    assert why(Candidate(7.0, "nearest", (8, 0, 1.0))) == (
        "the nearest value that makes every rule hold given the other figures")
    assert why(Candidate(7.0, "quoted", (6, 0, 0.0), quoted=True)) == "the quoted sentence says 7"


def test_explain_markdown_for_a_pull_request(cli):
    res = cli("explain", f"{FIX}/swapped.yaml", "-f", "markdown")
    assert res.exit_code == 1
    out = res.stdout
    assert out.startswith("## missingstats explain: 1 figure most likely wrong\n")
    assert ("| `detained.servicemen` | 640 | 604 | two adjacent digits swapped: 604 typed as 640; "
            "the only value that makes every rule hold given the other figures | 604 | "
            f"`{FIX}/swapped.yaml:12:17` |") in out
    assert "- `detained.total` = 907" in out
    res = cli("explain", f"{FIX}/consistent.yaml", "-f", "markdown")
    assert res.exit_code == 0 and res.stdout.startswith("## missingstats explain: nothing to explain")
    table = cli("explain", f"{FIX}/districts.yaml", "-f", "markdown").stdout
    assert table.startswith("## missingstats explain: 2 of 6 groups fail")
    assert "| district=D2, year=2020 | `total` | 93 | 39 |" in table


def test_lint_markdown_for_a_pull_request(cli):
    res = cli("lint", f"{FIX}/rules-lint.yaml", "-f", "markdown")
    assert res.exit_code == 1
    out = res.stdout
    assert out.startswith("## missingstats lint: contradictions\n")
    assert "`men <= 100`; `men >= 150`" in out
    assert "`wmoen` in rule `typo`" in out and "did you mean `women`?" in out
    assert "- note: redundancy and bounds leave out the rules in contradictions (men-bound, men-floor)" in out
    clean = cli("lint", "rules.yaml", "--sheet", "data/letter.yaml", "-f", "markdown")
    assert clean.exit_code == 0 and "| `missing.total` | must be 1,323 or more |" in clean.stdout


def test_lint_notes_are_worded_from_facts():
    from missingstats.analysis.lint import LintResult
    from missingstats.render.lint import notes

    assert notes(LintResult()) == []
    assert notes(LintResult(left_out=["a", "b"], stuck=True, sheet_breaks="s.yaml")) == [
        "redundancy and bounds leave out the rules in contradictions (a, b)",
        "redundancy and bounds are not analysed: more rules contradict",
        "the figures of s.yaml break the error rules (bounds are each given the other figures); "
        "run missingstats explain s.yaml",
    ]


def test_unanalysable_and_contradictory_records_are_said_in_every_format():
    from missingstats.analysis.localize import Check, Explanation, Localisation
    from missingstats.render.explain import render

    failing = [Check("r1", "a * b <= 3", None, None, "error")]  # type: ignore[arg-type]
    stuck = Explanation("x.yaml", ("error",), Localisation("unanalysable", failing=failing))
    assert "the failing rules could not be analysed (r1)" in render("text", stuck)
    assert json.loads(render("json", stuck))["message"] == "the failing rules could not be analysed (r1)"
    assert "## missingstats explain: not localised (unanalysable)" in render("markdown", stuck)
    clash = Explanation("x.yaml", ("error",), Localisation("contradiction", failing=failing))
    assert "run missingstats lint" in render("text", clash)


def test_lint_reads_a_sheet_with_inline_rules(cli, tmp_path):
    sheet = tmp_path / "inline.yaml"
    sheet.write_text("figures:\n  total: 10\n  men: 4\n  women: 6\nrules:\n  - id: split\n"
                     "    check: total == men + women\n  - id: cap\n    check: men <= 3\n",
                     encoding="utf-8")
    res = cli("lint", str(sheet))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith(f"{sheet}: 0 contradictions")
    assert "Bounds the error rules imply given the other figures of the sheet:" in res.stdout
    assert "note: the figures of" in res.stdout and "break the error rules" in res.stdout
    rep = json.loads(cli("lint", str(sheet), "-f", "json", "--no-implied").stdout)
    assert rep["sheet"] == str(sheet) and rep["bounds"]["men"] is None  # no value works


def test_lint_inputs_tells_a_sheet_from_a_rules_file(repo_root, tmp_path):
    from missingstats.analysis.lint import lint_inputs

    ruleset, sheet = lint_inputs(str(repo_root / "rules.yaml"))
    assert sheet is None and "missing-split" in {r.id for r in ruleset.rules}
    inline = tmp_path / "s.yaml"
    inline.write_text("figures:\n  a: 1\n  b: 2\nrules:\n  - id: r\n    check: a <= b\n")
    ruleset, sheet = lint_inputs(str(inline))
    assert [r.id for r in ruleset.rules] == ["r"] and set(sheet.figures) == {"a", "b"}
    # without inline rules: the rules check would apply (here the pack)
    plain = tmp_path / "p.yaml"
    plain.write_text("figures:\n  a: 1\n")
    ruleset, sheet = lint_inputs(str(plain))
    assert "missing-split" in {r.id for r in ruleset.rules} and sheet.path == str(plain)


def test_lint_finds_the_default_pack_not_redundant(cli):
    res = cli("lint", "rules.yaml")
    assert res.exit_code == 0
    assert "0 redundant rules" in res.stdout and "REDUNDANT" not in res.stdout
    assert ("IMPLIED WHERE REPORTED: detained-servicemen-within-missing-military  rules.yaml:37:9\n"
            "  follows from detained-within-missing, missing-split only where missing.servicemen "
            "is reported") in res.stdout
