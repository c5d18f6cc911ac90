"""`explain RULES --records CSV`: fractions are real numbers (localised over real values, not
"fixed" to 0 as whole numbers), NA and empty cells are not available (as in tables), a
record is named by its line (columns the rules do not use are no labels)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.analysis.explain_tables import explain_records, record_values
from missingstats.cli import app
from missingstats.core.errors import InputError

runner = CliRunner()
RULES = "rules:\n  - id: parts\n    check: total == a + b\n"


@pytest.fixture
def rules(tmp_path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


def _csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "records.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- unit ------------------------------------------------------------------------------------


def test_record_values_read_na_and_empty_as_not_available():
    frame = pd.DataFrame({"a": ["1", "NA", "", " 2,000 "], "b": ["0.5", "1", "2", "3"]})
    values = record_values(frame, ["a", "b"], ["a", "b"], "r.csv")
    assert np.isnan(values[1:3, 0]).all()
    assert values[0].tolist() == [1.0, 0.5] and values[3].tolist() == [2000.0, 3.0]


@pytest.mark.parametrize("bad", ["abc", "nan", "inf", "-inf", "1e400", "n/a"])
def test_record_values_refuse_what_is_no_number_with_its_place(bad):
    frame = pd.DataFrame({"x": ["1", "2"], "a": ["1", bad]})
    with pytest.raises(InputError, match="a must be a number") as err:
        record_values(frame, ["a"], ["x", "a"], "r.csv")
    assert (err.value.location.line, err.value.location.column) == (3, 2)


def test_fractions_are_localised_over_real_values(tmp_path, rules):
    csv = _csv(tmp_path, "total,a,b,income\n0.8,0.5,0.25,0\n")
    result = explain_records(str(rules), csv, None, ("error",), 5)
    (rec,) = result.records
    assert rec.coordinates == {"line": 2}
    fixes = [cs.fix for cs in rec.explanation.result.sets]
    assert sorted((n, round(v, 9)) for f in fixes for n, v in f.items()) == [
        ("a", 0.55), ("b", 0.3), ("total", 0.75)]
    assert all(v != 0 for f in fixes for v in f.values())  # no "fixed" to 0


def test_whole_number_columns_stay_counts(tmp_path, rules):
    csv = _csv(tmp_path, "total,a,b\n10,4,5\n")
    (rec,) = explain_records(str(rules), csv, None, ("error",), 5).records
    assert {n: v for cs in rec.explanation.result.sets for n, v in cs.fix.items()} == {
        "total": 9, "a": 5, "b": 6}


def test_na_is_an_unknown_not_a_change(tmp_path, rules):
    csv = _csv(tmp_path, "total,a,b\n10,4,NA\n10,4,\n10,14,NA\n")
    result = explain_records(str(rules), csv, None, ("error",), 5)
    assert (result.checked, result.failing) == (3, 1)  # b can be 6; only 4 + b = 14 ... fails
    (rec,) = result.records
    assert rec.coordinates == {"line": 4}
    assert all("b" not in cs.figures for cs in rec.explanation.result.sets)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 40), st.integers(0, 40), st.sampled_from(["total", "a", "b"]),
       st.integers(1, 20))
def test_every_suggested_fix_of_a_fractional_record_makes_it_hold(tmp_path, rules, a4, b4, slip, d4):
    a, b = a4 / 4, b4 / 4  # quarters: exact in binary, so the check itself is exact
    row = {"total": a + b, "a": a, "b": b}
    row[slip] += d4 / 4 + 0.5  # off by a fraction
    csv = _csv(tmp_path, "total,a,b\n" + ",".join(str(row[k]) for k in ("total", "a", "b")) + "\n")
    (rec,) = explain_records(str(rules), csv, None, ("error",), 5).records
    sets = rec.explanation.result.sets
    assert sets and any(cs.figures == [slip] for cs in sets)
    for cs in sets:
        fixed = {**row, **cs.fix}
        assert abs(fixed["total"] - fixed["a"] - fixed["b"]) < 1e-6


# --- end to end ------------------------------------------------------------------------------


def test_cli_records_with_fractions_na_and_an_unused_column(tmp_path, rules):
    csv = _csv(tmp_path, "total,a,b,income\n0.8,0.5,0.25,0\n10,4,NA,1\n10,4,5,2\n")
    result = runner.invoke(app, ["explain", str(rules), "--records", csv])
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    assert out.startswith(f"{csv}: 2 of 3 records fail")
    assert "record line 2: parts" in out and "record line 4: parts" in out
    assert "income" not in out
    assert "a = 0.5" in out and "probably 0.55" in out
    rep = json.loads(runner.invoke(app, ["explain", str(rules), "--records", csv, "-f", "json"]).stdout)
    assert [r["record"] for r in rep["records"]] == ["line 2", "line 4"]
    assert [r["coordinates"] for r in rep["records"]] == [{"line": 2}, {"line": 4}]


def test_cli_records_refuse_a_bad_cell_with_its_place(tmp_path, rules):
    csv = _csv(tmp_path, "total,a,b\n10,4,many\n")
    result = runner.invoke(app, ["explain", str(rules), "--records", csv])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"missingstats: {csv}:2:3: b must be a number")
