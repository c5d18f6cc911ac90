"""Record rules over text columns: table row rules (`status in [...]`, `if status == "found
dead" then age_group is not missing`) one instance per row, located at the row's CSV line,
Parquet row or Excel cell; `explain --records` with text columns; per-rule `missing:`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.evaluate.options import CheckOptions
from missingstats.evaluate.tables.run import check_path

runner = CliRunner()

REGISTER = """\
id,region,sex,status,age_group,persons
1,N,f,missing,0-17,1
2,N,m,found dead,18-59,1
3,S,f,missng,60+,1
4,S,m,found dead,:,1
5,S,f,found alive,18-59,
"""
RULES = """\
rules:
  - id: status-known
    check: status in ["missing", "found alive", "found dead"]
  - id: dead-have-age
    check: if status == "found dead" then age_group is not missing
  - id: one-person
    check: if status != "missing" then persons == 1
"""


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def spec(path: str, fmt_keys: str = "") -> str:
    return (f"tables:\n  register:\n    path: {path}\n    dimensions: [id, region, sex, status, "
            f"age_group]\n    measure: persons\n    missing_values: ['', ':']\n{fmt_keys}{RULES}")


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "register.csv").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "register.yaml").write_text(spec("register.csv"), encoding="utf-8")
    return tmp_path


def _rule(report: dict, rule: str) -> dict:
    return next(r for r in report["results"] if r["rule"] == rule)


def test_a_status_typo_in_one_row_is_located_at_its_line(register):
    res = run("check", "register.yaml", "-f", "json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert report["version"] == 1
    known = _rule(report, "status-known")
    assert (known["checked"], known["passed"], known["failed"]) == (5, 4, 1)
    (fail,) = known["failures"]
    assert fail["values"] == {"status": "missng"}
    assert fail["locations"] == [{"file": "register.csv", "line": 4, "column": 4, "figure": "status"}]
    assert fail["coordinates"]["id"] == "3"
    text = run("check", "register.yaml").stdout
    assert "status = missng  register.csv:4:4" in text


def test_a_condition_on_a_missing_code(register):
    report = json.loads(run("check", "register.yaml", "-f", "json").stdout)
    (fail,) = _rule(report, "dead-have-age")["failures"]
    assert fail["values"] == {"status": "found dead", "age_group": None}
    assert [loc["column"] for loc in fail["locations"]] == [4, 5]
    one = _rule(report, "one-person")
    assert (one["passed"], one["missing"]) == (4, 1)
    assert one["missing_instances"][0]["message"] == "not evaluable: persons not available"


def test_missing_fail_per_rule_overrides_the_spec(register):
    (register / "register.yaml").write_text(
        spec("register.csv").replace("    check: if status != \"missing\" then persons == 1\n",
                                     "    check: if status != \"missing\" then persons == 1\n"
                                     "    missing: fail\n"), encoding="utf-8")
    report = json.loads(run("check", "register.yaml", "-f", "json").stdout)
    one = _rule(report, "one-person")
    assert (one["failed"], one["missing"]) == (1, 0)
    assert "which this rule counts as a failure (missing: fail)" in one["failures"][0]["message"]


def test_parquet_rows_and_excel_cells(register):
    frame = pd.read_csv(register / "register.csv", dtype=str, keep_default_na=False)
    frame["persons"] = pd.to_numeric(frame["persons"]).astype("Int64")
    frame.to_parquet(register / "register.parquet")
    (register / "p.yaml").write_text(spec("register.parquet"), encoding="utf-8")
    report = json.loads(run("check", "p.yaml", "-f", "json").stdout)
    (fail,) = _rule(report, "status-known")["failures"]
    assert fail["locations"] == [{"file": "register.parquet", "line": 3, "column": 4,
                                  "figure": "status"}]
    frame.to_excel(register / "register.xlsx", sheet_name="Register", index=False)
    (register / "x.yaml").write_text(spec("register.xlsx"), encoding="utf-8")
    report = json.loads(run("check", "x.yaml", "-f", "json").stdout)
    (fail,) = _rule(report, "status-known")["failures"]
    assert fail["locations"][0]["cell"] == "Register!D4"


@pytest.mark.parametrize(("rules", "fragment"), [
    ("- {id: r, check: region == 3}", "'region' is text"),
    ("- {id: r, check: persons == \"one\"}", "'persons' is a number"),
    ("- {id: r, check: region > \"M\"}", "text can only be compared with == or !="),
    ("- {id: r, check: status == \"x\" and sex.f >= 0}", "not a mix"),
    ("- {id: r, check: staus == \"x\"}", "not the measure"),
    ("- {id: r, check: 'status in []'}", "is empty"),
    ("- {id: r, check: 'status in [\"a\", 1]'}", "mixes text and numbers"),
    ("- {id: r, check: status is misssing}", "expected 'missing'"),
    ("- {id: r, check: \"status == 'x\"}", "not closed"),
    ("- {id: r, check: persons >= 0, missing: maybe}", "missing 'maybe' is not one of"),
    ("- {id: r, unique: [id], missing: zero}", "'missing:' applies to check, group, hierarchy"),
])
def test_hostile_row_rules_are_located_input_errors(register, rules, fragment):
    (register / "register.yaml").write_text(
        spec("register.csv").split("rules:")[0] + "rules:\n" + rules + "\n", encoding="utf-8")
    res = run("check", "register.yaml")
    assert res.exit_code == 2, res.stdout
    assert fragment in res.stderr
    assert res.stderr.startswith("missingstats: register.yaml:")


def test_codes_are_compared_as_written_text(register):
    (register / "register.yaml").write_text(
        spec("register.csv").split("rules:")[0]
        + "rules:\n  - {id: r, check: 'id != \"3\"'}\n", encoding="utf-8")
    report = json.loads(run("check", "register.yaml", "-f", "json").stdout)
    assert _rule(report, "r")["failed"] == 1


def test_a_wide_table_row_rule_reads_its_code_columns(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "w.csv").write_text("region,status,F,M\nN,ok,1,2\nS,bad,3,4\n", encoding="utf-8")
    base = ("tables:\n  w: {path: w.csv, dimensions: [region, status], wide: {dimension: sex, "
            "columns: {f: F, m: M}}}\nrules:\n")
    (tmp_path / "w.yaml").write_text(base + "  - {id: r, check: 'status == \"ok\"'}\n",
                                     encoding="utf-8")
    report = json.loads(run("check", "w.yaml", "-f", "json").stdout)
    rule = _rule(report, "r")
    assert (rule["checked"], rule["failed"]) == (2, 1)
    assert rule["failures"][0]["locations"][0]["line"] == 3
    (tmp_path / "w.yaml").write_text(base + "  - {id: r, check: 'if status == \"ok\" then value "
                                     ">= 0'}\n", encoding="utf-8")
    res = run("check", "w.yaml")
    assert res.exit_code == 2
    assert "is wide: a row rule reads its code columns only" in res.stderr


def test_missing_per_rule_on_group_and_hierarchy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text("sex,persons\ntotal,10\nf,4\nm,\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text("""\
tables:
  t: {path: t.csv, dimensions: [sex], measure: persons}
hierarchies:
  sex: {total: [f, m]}
implied: false
rules:
  - {id: h-default, hierarchy: {dimension: sex}}
  - {id: h-zero, hierarchy: {dimension: sex}, missing: zero}
  - {id: g-fail, group: {check: sum(t.persons) >= 0}, missing: fail}
  - {id: c-zero, check: persons >= 1, missing: zero}
""", encoding="utf-8")
    res = check_path("s.yaml", CheckOptions(max_failures=None))
    got = {t.rule: t.counts for t in res.tallies}
    assert got["h-default"].missing == 1
    assert got["h-zero"].failed == 1  # 10 != 4 + 0
    assert got["g-fail"].failed == 1
    assert (got["c-zero"].passed, got["c-zero"].failed) == (2, 1)


def test_missing_per_rule_on_a_sheet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("""\
figures: {total: 10, parts: {a: 4}}
settings: {implied: false}
rules:
  include: []
  figures: [total, parts.a, parts.b]
  rules:
    - {id: plain, check: total == parts.a + parts.b}
    - {id: zero, check: total == parts.a + parts.b, missing: zero}
    - {id: fail, check: total >= parts.b, missing: fail}
    - {id: known, check: parts.b is missing}
""", encoding="utf-8")
    report = json.loads(run("check", "a.yaml", "-f", "json").stdout)
    status = {r["rule"]: r["status"] for r in report["results"]}
    assert status == {"plain": "missing", "zero": "fail", "fail": "fail", "known": "pass"}
    zero = _rule(report, "zero")["failures"][0]
    assert zero["message"] == "parts.b not reported, counted as 0 (missing: zero)"


def test_text_on_a_sheet_is_a_rules_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(
        "figures: {total: 10}\nrules:\n  - {id: r, check: 'total == \"ten\"'}\n", encoding="utf-8")
    res = run("check", "a.yaml")
    assert res.exit_code == 2
    assert "a.yaml:3:10: rule 'r': 'total' is a number (a figure: figures are numbers)" in res.stderr


# --- explain --records with text columns ----------------------------------------------------

PEOPLE = """\
person,status,age_group,deaths
1,missing,0-17,0
2,found dead,18-59,1
3,missng,60+,0
4,found dead,,1
5,found alive,18-59,2
6,found dead,18-59,3
"""
PEOPLE_RULES = """\
rules:
  - id: status-known
    check: status in ["missing", "found alive", "found dead"]
  - id: dead-have-age
    check: if status == "found dead" then age_group is not missing
  - id: deaths
    check: if status == "found dead" then deaths == 1 else_none
  - id: alive-no-deaths
    check: if status != "found dead" then deaths == 0
""".replace(" else_none", "")


def test_explain_records_never_changes_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(PEOPLE_RULES, encoding="utf-8")
    res = run("explain", "rules.yaml", "--records", "people.csv", "-f", "json")
    assert res.exit_code == 1
    rep = json.loads(res.stdout)
    assert (rep["checked"], rep["failing"]) == (6, 4)
    by_line = {r["line"]: r for r in rep["records"]}
    assert sorted(by_line) == [4, 5, 6, 7]
    assert by_line[4]["status"] == "text"
    assert by_line[4]["text_failures"]["values"] == {"status": "missng"}
    assert by_line[4]["text_failures"]["locations"][0] == {
        "file": "people.csv", "line": 4, "column": 2, "figure": "status"}
    assert by_line[5]["text_failures"]["values"] == {"status": "found dead", "age_group": None}
    for line, want in ((6, 0), (7, 1)):  # found alive with 2 deaths; found dead with 3
        (suspect,) = by_line[line]["suspects"]
        assert suspect["figure"] == "deaths"
        assert suspect["candidates"][0]["value"] == want
    assert all(s["figure"] not in ("status", "age_group")
               for r in rep["records"] for s in r["suspects"])
    text = run("explain", "rules.yaml", "--records", "people.csv").stdout
    assert "fails on its text (status = missng)" in text


def test_explain_records_type_clash_is_located(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(
        "rules:\n  - {id: a, check: 'status == \"x\"'}\n  - {id: b, check: status >= 1}\n",
        encoding="utf-8")
    res = run("explain", "rules.yaml", "--records", "people.csv")
    assert res.exit_code == 2
    assert "rules.yaml:3:10: rule 'b': 'status' is text" in res.stderr


# --- row verdicts agree with Python, row by row (property) ----------------------------------

STATUSES = ["missing", "found dead", "found alive", "missng", ":"]
rows = st.lists(st.tuples(st.sampled_from(STATUSES), st.sampled_from(["0-17", "60+", ":"]),
                          st.one_of(st.none(), st.integers(0, 3))), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows)
def test_row_verdicts_agree_with_python(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("reg")
    lines = ["id,status,age_group,persons"] + [
        f"{i},{s},{a},{'' if p is None else p}" for i, (s, a, p) in enumerate(data)]
    (root / "r.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "r.yaml").write_text(
        "tables:\n  r: {path: r.csv, dimensions: [id, status, age_group], measure: persons, "
        "missing_values: ['', ':']}\nimplied: false\nrules:\n" + RULES.split("rules:\n")[1],
        encoding="utf-8")
    res = check_path(str(root / "r.yaml"), CheckOptions(max_failures=None))
    got = {t.rule: (t.counts.passed, t.counts.failed, t.counts.missing) for t in res.tallies}

    def verdicts(fn) -> tuple[int, int, int]:
        out = [fn(None if s == ":" else s, None if a == ":" else a, p) for s, a, p in data]
        return out.count(True), out.count(False), out.count(None)

    def known(s, a, p):
        return None if s is None else s in ("missing", "found alive", "found dead")

    def dead_age(s, a, p):
        if s is None:
            return True if a is not None else None
        return a is not None if s == "found dead" else True

    def one(s, a, p):
        cond = None if s is None else s != "missing"
        then = None if p is None else p == 1
        if cond is False or then is True:
            return True
        return None if cond is None or then is None else False

    assert got["status-known"] == verdicts(known)
    assert got["dead-have-age"] == verdicts(dead_age)
    assert got["one-person"] == verdicts(one)
    assert np.sum(list(got["status-known"])) == len(data)


@pytest.mark.parametrize(("rules", "records", "code", "expected"), [
    # a text cell not reported: the rule is not evaluable there, nothing to localise
    ('- {id: a, check: \'if status == "x" then deaths == 1\'}',
     'status,deaths\n,5\nx,1\n', 0, "0 of 2 records fail"),
    # two columns compared with each other: text because one holds text
    ("- {id: a, check: 'person == status'}", "person,status\n1,1\n2,x\n", 1,
     "fails on its text (person = 2, status = x)"),
    # quotes, unicode and an empty file
    ('- {id: a, check: \'status in ["a \\"b\\""]\'}', 'status\n"a ""b"""\nÜ\n', 1,
     "fails on its text (status = Ü)"),
    ("- {id: a, check: 'status is missing'}", "status\n", 0, "0 of 0 records fail"),
    # the rules make a text column a number: its text is refused at its cell
    ("- {id: a, check: 'person == status'}\n- {id: b, check: status > 1}", "person,status\n1,x\n",
     2, "records.csv:2:2: status must be a number (or empty or NA: not available), found 'x'"),
])
def test_explain_records_edge_cases(tmp_path, monkeypatch, rules, records, code, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "records.csv").write_text(records, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text("rules:\n" + rules + "\n", encoding="utf-8")
    res = run("explain", "rules.yaml", "--records", "records.csv")
    assert res.exit_code == code, res.stdout + res.stderr
    assert expected in res.stdout + res.stderr


def test_explain_records_counts_every_text_failure_and_lists_at_most_the_cap(
        tmp_path, monkeypatch):
    from missingstats.analysis import explain_tables

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(explain_tables, "MAX_LISTED", 5)
    rows = "".join(f"{i},{'missng' if i % 2 else 'missing'},{i % 3}\n" for i in range(12))
    (tmp_path / "records.csv").write_text("person,status,deaths\n" + rows, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(
        "rules:\n  - {id: s, check: 'status in [\"missing\"]'}\n"
        "  - {id: d, check: deaths <= 1}\n", encoding="utf-8")
    rep = json.loads(run("explain", "rules.yaml", "--records", "records.csv", "-f", "json").stdout)
    failing = {i for i in range(12) if i % 2 or i % 3 > 1}
    assert (rep["checked"], rep["failing"]) == (12, len(failing))
    assert len(rep["records"]) == 5 and rep["cut"] == len(failing) - 5
    assert [r["line"] for r in rep["records"]] == sorted(r["line"] for r in rep["records"])
