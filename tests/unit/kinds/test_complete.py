"""kinds.complete: every expected combination of codes has a row, within each group."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location
from missingstats.core.findings import Counts, Status
from missingstats.kinds import complete

SPEC = """
tables:
  cube: {{path: cube.csv, dimensions: [geo, sex], measure: value}}
hierarchies:
  sex: {{total: [female, male]}}
rules:
  - {{id: full, complete: {complete}}}
"""
CUBE = "geo,sex,value\nA,total,10\nA,female,4\nA,male,6\nB,total,5\nB,female,\n"


def test_an_absent_code_fails_with_its_group(tables):
    out, _ = tables(SPEC.format(complete="[sex]"), cube_csv=CUBE)
    got = out["full"]
    assert got.counts == Counts(6, passed=5, failed=1)  # B,female without a count is present
    (f,) = got.findings
    assert (f.rule, f.status, f.expression) == ("full", Status.FAIL, "a cell for sex=male")
    assert f.coordinates == {"geo": "B", "sex": "male"}
    (group,) = f.figures
    assert (group.name, group.value, group.location, group.listed) == (
        "group", None, Location("cube.csv", 5, 3), False)
    assert f.reason == reasons.NoRow()


def test_a_dimension_without_a_list_expects_the_codes_in_use(tables):
    out, _ = tables(SPEC.format(complete="[geo, sex]"), cube_csv=CUBE + "C,male,1\n")
    got = out["full"]
    assert got.counts == Counts(9, passed=6, failed=3)  # {A, B, C} x {total, female, male}
    assert [f.expression for f in got.findings] == [
        "a cell for geo=B, sex=male", "a cell for geo=C, sex=total", "a cell for geo=C, sex=female"]
    assert all(f.figures == () for f in got.findings)  # no other dimensions: no group


def test_all_dimensions_of_one_table(tables):
    spec = SPEC.format(complete="{dimensions: all, table: cube}")
    out, _ = tables(spec, cube_csv=CUBE)
    assert out["full"].counts == Counts(6, passed=5, failed=1)
    assert out["full"].findings[0].coordinates == {"geo": "B", "sex": "male"}


def test_an_unknown_dimension_is_an_input_error(tables):
    with pytest.raises(InputError, match="'age' is not a dimension of any table"):
        tables(SPEC.format(complete="[age]"), cube_csv=CUBE)


def test_first_absent():
    assert complete._first_absent([0, 1, 3, 6], 8, 10).tolist() == [2, 4, 5, 7]
    assert complete._first_absent([0, 1, 3, 6], 8, 2).tolist() == [2, 4]
    assert complete._first_absent([], 3, 5).tolist() == [0, 1, 2]
    assert complete._first_absent([0, 1], 2, 5).tolist() == []
    assert complete._first_absent([0], 5, 0).tolist() == []


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(0, 60)), st.integers(0, 70))
def test_first_absent_is_the_first_numbers_not_present(present, cap):
    import numpy as np

    total = 61
    got = complete._first_absent(np.array(sorted(present), dtype=np.int64), total, cap).tolist()
    assert got == [i for i in range(total) if i not in present][:cap]


GRID = list(itertools.product("AB", ["total", "female", "male"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.sampled_from(GRID), min_size=1))
def test_failed_is_the_expected_cells_without_a_row(tables, present):
    csv = "geo,sex,value\n" + "".join(f"{g},{s},1\n" for g, s in sorted(present))
    out, _ = tables(SPEC.format(complete="[sex]"), cube_csv=csv)
    groups = {g for g, _ in present}
    expected = {(g, s) for g in groups for s in ("total", "female", "male")}
    c = out["full"].counts
    assert (c.checked, c.passed, c.failed) == (len(expected), len(present), len(expected - present))
    listed = {(f.coordinates["geo"], f.coordinates["sex"]) for f in out["full"].findings}
    assert listed == expected - present
