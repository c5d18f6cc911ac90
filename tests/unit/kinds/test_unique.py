"""kinds.unique: every combination of codes once; later duplicates fail, naming the first."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location
from missingstats.core.findings import Counts, Status, Value
from missingstats.kinds import unique

SPEC = """
tables:
  cube: {path: cube.csv, dimensions: [geo, sex], measure: value}
rules:
  - {id: no-dup, unique: cube}
"""
CUBE = """
geo,sex,value
A,total,10
A,female,4
A,male,6
B,female,3
B,female,3
B,male,1
A,total,
"""


def test_duplicates_fail_with_both_rows(tables):
    out, _ = tables(SPEC, cube_csv=CUBE)
    got = out["no-dup"]
    assert got.counts == Counts(7, passed=5, failed=2)
    first, second = got.findings
    assert (first.rule, first.severity, first.status) == ("no-dup", "error", Status.FAIL)
    assert first.expression == "one cell per combination of codes"
    assert first.coordinates == {"geo": "B", "sex": "female"}
    this, earlier = first.figures
    assert (this.name, this.value, this.location) == ("this", Value.exact(3), Location("cube.csv", 6, 3))
    assert (earlier.name, earlier.value, earlier.location) == ("first", Value.exact(3),
                                                              Location("cube.csv", 5, 3))
    assert first.reason == reasons.SameCell(Location("cube.csv", 5, 3))
    assert second.coordinates == {"geo": "A", "sex": "total"}
    assert second.figures[0].value is None  # a duplicate without a count
    assert second.reason == reasons.SameCell(Location("cube.csv", 2, 3))


def test_cap_lists_fewer_but_counts_stay_exact(tables):
    out, _ = tables(SPEC, cap=1, cube_csv=CUBE)
    assert out["no-dup"].counts == Counts(7, passed=5, failed=2)
    assert len(out["no-dup"].findings) == 1
    out, _ = tables(SPEC, cap=0, cube_csv=CUBE)
    assert out["no-dup"].findings == []


def test_all_tables_and_table_coordinates(tables):
    spec = """
    tables:
      a: {path: a.csv, dimensions: [geo], measure: value}
      b: {path: b.csv, dimensions: [geo], measure: value}
    rules:
      - {id: u, unique: all, message: "one row per region"}
    """
    out, _ = tables(spec, a_csv="geo,value\nX,1\nY,2\n", b_csv="geo,value\nX,1\nX,2\n")
    assert out["u"].counts == Counts(4, passed=3, failed=1)
    (f,) = out["u"].findings
    assert f.coordinates == {"geo": "X", "table": "b"}
    assert f.message == "one row per region"


def test_parse_and_compile():
    from missingstats.inputs import yamlnodes as sy
    from missingstats.kinds.base import Rule

    rule = Rule("u", "unique", Location("r.yaml"))
    unique.parse(sy.load("r.yaml", "unique: [a, b]\n"), rule)
    assert rule.spec["tables"] == ["a", "b"]
    unique.parse(sy.load("r.yaml", "unique: all\n"), rule)
    assert rule.spec["tables"] is None
    unique.parse(sy.load("r.yaml", "unique: 'all'\n"), rule)
    assert rule.spec["tables"] == ["all"]  # quoted: a table named all


def test_an_unknown_table_is_an_input_error(tables):
    with pytest.raises(InputError, match="rule 'no-dup': no table 'cub'; did you mean 'cube'") as err:
        tables(SPEC.replace("unique: cube", "unique: cub"), cube_csv=CUBE)
    assert err.value.location.line == 5


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from(["f", "m"])), min_size=1,
                max_size=20))
def test_failed_is_rows_minus_distinct_combinations(tables, rows):
    csv = "geo,sex,value\n" + "".join(f"{g},{s},1\n" for g, s in rows)
    out, _ = tables(SPEC, cube_csv=csv)
    c = out["no-dup"].counts
    assert (c.checked, c.failed, c.passed) == (len(rows), len(rows) - len(set(rows)), len(set(rows)))
    assert len(out["no-dup"].findings) == c.failed
    for f in out["no-dup"].findings:
        assert f.reason.first.line < f.figures[0].location.line
