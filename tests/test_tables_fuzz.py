"""Malformed tables never crash: random CSV text and random spec options end in exit 0, 1
or 2 with a one-line message, never an internal error or a traceback."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app

runner = CliRunner()
TOKENS = ["C", "N", "N1", "total", "female", "male", "2019", "2020", "1", "0", "-3", "12.0",
          "2.5", "x", ":", "", " ", "NA", '"1,234"', '"a\nb"', "1e3", "\ufeff", "\t", ";", "\xe9"]
CELLS = st.lists(st.sampled_from(TOKENS), min_size=0, max_size=6)
ROWS = st.lists(CELLS, min_size=0, max_size=8)
OPTIONS = st.sampled_from([
    "", ", missing_values: [':', x]", ", thousands: ','", ", fill_down: geo", ", last_row: 4",
    ", header_row: 2", ", delimiter: ';'", ", filter: {sex: total}", ", constants: {age: all}",
])
RULES = st.sampled_from([
    "", "rules:\n  - {id: c, check: value >= 0}\n",
    "rules:\n  - {id: p, check: total == female + male}\n",
    "rules:\n  - {id: g, group: {check: sum(value) >= 1, by: [year]}}\n",
    "rules:\n  - {id: k, complete: [sex]}\n  - {id: o, hierarchy: {dimension: sex, relation: '<='}}\n",
])
POLICY = st.sampled_from(["not-evaluable", "zero", "fail"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.sampled_from(["geo,year,sex,value", "geo,sex,value,year", "geo,year,sex", ""]),
       rows=ROWS, option=OPTIONS, rules=RULES, policy=POLICY)
def test_random_tables_never_crash(tmp_path_factory, header, rows, option, rules, policy):
    tmp = tmp_path_factory.mktemp("fuzz")
    text = header + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    (tmp / "t.csv").write_text(text, encoding="utf-8")
    (tmp / "geo.csv").write_text("code,parent\nC,\nN,C\nN1,N\n")
    (tmp / "s.yaml").write_text(
        "tables:\n  t: {path: t.csv, dimensions: [geo, year, sex], measure: value" + option + "}\n"
        "hierarchies:\n  sex: {total: [female, male]}\n  geo: {codelist: geo.csv}\n"
        f"missing_cells: {policy}\n" + rules
    )
    os.environ.pop("MISSINGSTATS_DEBUG", None)
    result = runner.invoke(app, ["check", str(tmp / "s.yaml"), "--format", "json"])
    assert result.exit_code in (0, 1, 2), result.output
    assert "internal error" not in result.stderr, (text, option, rules, result.stderr)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1
