"""Table features of issue 15 on small CSV tables, through the CLI: decimal measures, filters
before parsing, absent versus empty cells, `when:` conditions, declared codes a table does
not publish, dated hierarchy edges, flags in a plain CSV; and the units, periods and flags
logic they rest on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.inputs.tables.flags import CONFIDENTIAL, ESTIMATED, PROVISIONAL, FlagSpec
from missingstats.inputs.tables.units import UNITS
from missingstats.language import periods

runner = CliRunner()


@pytest.fixture
def spec(tmp_path, monkeypatch):
    """Write a CSV and a spec; return a function running `check` on it (JSON report)."""
    monkeypatch.chdir(tmp_path)

    def make(csv: str, text: str, *args: str):
        Path("t.csv").write_text(csv)
        Path("spec.yaml").write_text(text)
        result = runner.invoke(app, ["check", "spec.yaml", "--format", "json", *args])
        assert "Traceback" not in result.output
        return result

    return make


def rule(result, rule_id: str) -> dict:
    return next(r for r in json.loads(result.stdout)["results"] if r["rule"] == rule_id)


SEX = "tables:\n  t: {{path: t.csv, dimensions: [geo, sex], measure: {measure}{extra}}}\n" \
      "hierarchies:\n  sex: {{T: [F, M]}}\n{more}"


def sex_spec(measure: str = "value", extra: str = "", more: str = "") -> str:
    return SEX.format(measure=measure, extra=extra, more=more)


def test_amounts_accept_decimals_and_counts_refuse_them(spec):
    csv = "geo,sex,value\nA,T,1.8\nA,F,1.0\nA,M,0.8\n"
    ok = spec(csv, sex_spec("{value: value, unit: amount}"))
    assert ok.exit_code == 0, ok.output
    refused = spec(csv, sex_spec())
    assert refused.exit_code == 2
    assert "t.csv:2:3: count column 'value': '1.8' is not a whole number (for decimal quantities " \
           "say measure: {name: column, unit: amount})" in refused.stderr
    bad_unit = spec(csv, sex_spec("{value: value, unit: rate}"))
    assert bad_unit.exit_code == 2 and "is not one of count, amount" in bad_unit.stderr


def test_filtered_rows_are_never_parsed(spec):
    """Rows a filter excludes hold rates (6.5): the table still reads."""
    csv = "geo,sex,kind,value\nA,T,n,10\nA,F,n,4\nA,M,n,6\nA,T,rate,6.5\nA,F,rate,x\n"
    text = ("tables:\n  t: {path: t.csv, dimensions: [geo, sex, kind], measure: value, "
            "filter: {kind: [n]}}\nhierarchies:\n  sex: {T: [F, M]}\n")
    result = spec(csv, text)
    assert result.exit_code == 0, result.output
    assert rule(result, "sex-hierarchy")["checked"] == 1


@pytest.mark.parametrize(("policy", "want"), [
    ("{absent: zero, empty: not-evaluable}", {"A": "fail", "B": "pass", "C": "missing"}),
    ("{absent: not-evaluable, empty: zero}", {"A": "missing", "B": "missing", "C": "pass"}),
    ("{absent: zero, empty: fail}", {"A": "fail", "B": "pass", "C": "fail"}),
    ("{absent: fail}", {"A": "fail", "B": "fail", "C": "fail"}),
    ("zero", {"A": "fail", "B": "pass", "C": "pass"}),
    ("not-evaluable", {"A": "missing", "B": "missing", "C": "missing"}),
])
def test_absent_and_empty_cells_apart(spec, policy, want):
    """A has no F row and 0 would not fit (10 != 0 + 6); B has no M row and 0 fits
    (5 == 5 + 0); C's M row has an empty value and 0 fits."""
    csv = "geo,sex,value\nA,T,10\nA,M,6\nB,T,5\nB,F,5\nC,T,4\nC,F,4\nC,M,\n"
    result = spec(csv, sex_spec(more=f"missing_cells: {policy}\n"))
    r = rule(result, "sex-hierarchy")
    got = {g: "pass" for g in "ABC"}
    got.update({f["coordinates"]["geo"]: "fail" for f in r["failures"]})
    got.update({f["coordinates"]["geo"]: "missing" for f in r.get("missing_instances", [])})
    assert got == want


def test_when_restricts_hierarchy_and_check_instances(spec):
    csv = "geo,sex,value\nA,T,10\nA,F,4\nA,M,5\nB,T,10\nB,F,4\nB,M,5\nC,T,5\nC,F,0\nC,M,0\n"
    text = sex_spec(extra=", rules: []") .replace("rules: []", "description: x") + (
        "implied: false\nrules:\n"
        "  - {id: sums, hierarchy: sex, when: {geo: [A, C]}}\n"
        "  - {id: sums-not-a, hierarchy: sex, when: {geo: {not: A}}}\n"
        "  - {id: nonneg, check: value >= 0, when: {geo: {not: [C]}}}\n"
        "  - {id: nonneg-c, check: value <= 3, when: {geo: C, sex: T}}\n")
    result = spec(csv, text)
    assert (rule(result, "sums")["checked"], rule(result, "sums")["failed"]) == (2, 2)
    assert (rule(result, "sums-not-a")["checked"], rule(result, "sums-not-a")["failed"]) == (2, 2)
    assert (rule(result, "nonneg")["checked"], rule(result, "nonneg")["failed"]) == (6, 0)
    assert (rule(result, "nonneg-c")["checked"], rule(result, "nonneg-c")["failed"]) == (1, 1)
    bad = spec(csv, sex_spec() + "rules:\n  - {id: r, hierarchy: sex, when: {region: A}}\n")
    assert bad.exit_code == 2 and "'when' names 'region', which is not a dimension" in bad.stderr
    group = spec(csv, sex_spec() + "rules:\n  - {id: r, unique: t, when: {geo: A}}\n")
    assert group.exit_code == 2 and "'when:' applies to check and hierarchy rules" in group.stderr


def test_declared_code_a_table_does_not_publish(spec):
    """X is declared (a part of T) but never published: not evaluable with a note, exit 0;
    a code declared nowhere stays an input error."""
    csv = "geo,sex,value\nA,T,10\nA,F,4\nA,M,6\n"
    text = ("tables:\n  t: {path: t.csv, dimensions: [geo, sex], measure: value}\n"
            "hierarchies:\n  sex: {T: [F, M], U: [X]}\nimplied: false\n"
            "rules:\n  - {id: with-x, check: T == F + M + X}\n")
    result = spec(csv, text)
    assert result.exit_code == 0, result.output
    r = rule(result, "with-x")
    assert (r["checked"], r["missing"]) == (1, 1)
    notes = [n["message"] for n in json.loads(result.stdout)["notes"]]
    assert any("names sex=X, a declared code that table 't' does not publish" in n for n in notes)
    nowhere = spec(csv, text.replace("T == F + M + X", "T == F + M + sex.Y"))
    assert nowhere.exit_code == 2 and "'Y' is not a code of 'sex'" in nowhere.stderr


def test_dated_edges_inline_and_in_a_code_list(spec):
    """B becomes a part of T from 2020: 2019 sums A alone, 2020 sums A and B."""
    csv = "year,geo,value\n2019,T,5\n2019,A,5\n2019,B,3\n2020,T,8\n2020,A,5\n2020,B,3\n"
    inline = ("tables:\n  t: {path: t.csv, dimensions: [year, geo], measure: value}\n"
              "hierarchies:\n  geo: {T: [A, {code: B, valid_from: 2020}]}\n")
    result = spec(csv, inline)
    assert result.exit_code == 0, result.output
    assert rule(result, "geo-hierarchy")["checked"] == 2
    Path("geo.csv").write_text("code,parent,valid_from,valid_to\nT,,,\nA,T,,\nB,T,2020-Q1,\n")
    listed = inline.replace("geo: {T: [A, {code: B, valid_from: 2020}]}", "geo: {codelist: geo.csv}")
    assert spec(csv, listed).exit_code == 0
    Path("geo.csv").write_text("code,parent,valid_from,valid_to\nT,,,\nA,T,,\nB,T,2020-Q2,\n")
    late = spec(csv, listed)  # from the second quarter: not for the whole of 2020
    assert late.exit_code == 1 and rule(late, "geo-hierarchy")["failed"] == 1
    bad = spec(csv, inline.replace("valid_from: 2020", "valid_from: spring"))
    assert bad.exit_code == 2 and "valid_from 'spring' is not a period" in bad.stderr
    no_time = spec("geo,value\nT,1\nA,1\n", "tables:\n  t: {path: t.csv, dimensions: [geo], "
                   "measure: value}\nhierarchies:\n  geo: {T: [A, {code: B, valid_to: 2020}]}\n")
    assert no_time.exit_code == 2 and "has dated edges" in no_time.stderr


def test_period_filters(spec):
    csv = "year,geo,value\n2019,T,5\n2019,A,4\n2020-Q1,T,8\n2020-Q1,A,8\n"
    text = ("tables:\n  t: {path: t.csv, dimensions: [year, geo], measure: value, "
            "filter: {year: {from: 2020}}}\nhierarchies:\n  geo: {T: [A]}\n")
    assert spec(csv, text).exit_code == 0
    assert spec(csv, text.replace("{from: 2020}", "{to: 2019-12}")).exit_code == 1


def test_flags_in_a_plain_csv(spec):
    csv = "geo,sex,value,flag\nA,T,10,\nA,F,5,e\nA,M,6,\nB,T,10,\nB,F,4,c\nB,M,6,\n"
    result = spec(csv, sex_spec(extra=", flags: {column: flag}"))
    assert result.exit_code == 0  # the only failure involves an estimate
    r = rule(result, "sex-hierarchy")
    assert (r["failed"], r["flagged"], r["missing"]) == (1, 1, 1)
    missing = spec(csv, sex_spec(extra=", flags: {column: flags}"))
    assert missing.exit_code == 2 and "has no column 'flags'" in missing.stderr
    level = spec(csv, sex_spec(extra=", flags: {column: flag, confidential: error}"))
    assert level.exit_code == 2 and "a confidential cell is never evaluable" in level.stderr


# --- the logic underneath ------------------------------------------------------------------


def test_units_say_which_values_they_accept():
    values = np.array([1.0, 1.5, np.nan, np.inf, -2.0])
    assert UNITS["count"].rejects(values).tolist() == [False, True, False, True, False]
    assert UNITS["amount"].rejects(values).tolist() == [False, False, False, True, False]
    assert all(u.additive for u in UNITS.values())


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2020", "2020-01-01", "2020-12-31"), ("2020-A1", "2020-01-01", "2020-12-31"),
    ("2020-S2", "2020-07-01", "2020-12-31"), ("2020Q1", "2020-01-01", "2020-03-31"),
    ("2020-Q4", "2020-10-01", "2020-12-31"), ("2020-T2", "2020-05-01", "2020-08-31"),
    ("2020-02", "2020-02-01", "2020-02-29"), ("2020-M12", "2020-12-01", "2020-12-31"),
    ("2020M03", "2020-03-01", "2020-03-31"), ("2020-W01", "2019-12-30", "2020-01-05"),
    ("2020-03-15", "2020-03-15", "2020-03-15"), ("2020-D366", "2020-12-31", "2020-12-31"),
    ("2019-01-01/2020-06-30", "2019-01-01", "2020-06-30"),
])
def test_periods(text, first, last):
    from datetime import date

    assert periods.parse(text) == (date.fromisoformat(first).toordinal(),
                                   date.fromisoformat(last).toordinal())


@pytest.mark.parametrize("text", ["2021-W53", "2021-02-30", "2021-D366", "20", "2020-Q5", "spring",
                                  "2020-13", "2021/2020"])
def test_not_periods(text):
    assert periods.parse(text) is None


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_a_month_lies_within_its_quarter_half_and_year(year, month):
    m = periods.parse(f"{year}-{month:02d}")
    q = periods.parse(f"{year}-Q{(month - 1) // 3 + 1}")
    s = periods.parse(f"{year}-S{(month - 1) // 6 + 1}")
    y = periods.parse(str(year))
    assert periods.within(m, q, q) and periods.within(q, s, s) and periods.within(s, y, y)
    assert periods.sort_key(str(year)) < periods.sort_key(f"{year}-Q{(month - 1) // 3 + 1}")
    assert not periods.within(y, q, q)


def test_flag_texts_are_classified_once_each():
    spec = FlagSpec(["OBS_FLAG"])
    got = spec.classify(["", "e", "p", "ep", "c", "b", "E", "D"])
    assert got.tolist() == [0, ESTIMATED, PROVISIONAL, ESTIMATED | PROVISIONAL, CONFIDENTIAL, 0,
                            ESTIMATED, CONFIDENTIAL]
    assert spec.downgraded == ESTIMATED | PROVISIONAL
    spec.error.add("estimated")
    assert spec.downgraded == PROVISIONAL


def test_flags_in_group_rules(spec):
    """A group with a confidential cell is not evaluable; one failing through an estimate is a
    warning."""
    csv = "geo,sex,value,flag\nA,F,5,c\nA,M,6,\nB,F,5,e\nB,M,6,\nC,F,1,\nC,M,1,\n"
    text = ("tables:\n  t: {path: t.csv, dimensions: [geo, sex], measure: value, flags: {column: flag}}\n"
            "implied: false\nrules:\n  - id: ten\n    group: {check: sum(t.value) == 10, by: [geo]}\n")
    result = spec(csv, text)
    r = rule(result, "ten")
    assert (r["checked"], r["failed"], r["missing"], r["flagged"]) == (3, 2, 1, 1)
    assert result.exit_code == 1  # C fails as an error
    assert r["missing_instances"][0]["message"] == "not evaluable: a cell is confidential"
