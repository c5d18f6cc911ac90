"""kinds.codes: every code is in its dimension's code list."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location
from missingstats.core.findings import Counts, Status

SPEC = """
tables:
  cube: {{path: cube.csv, dimensions: [geo, sex], measure: value}}
hierarchies:
  geo: {{ALL: [A, B]}}
  sex: {{total: [female, male]}}
rules:
  - {{id: known, codes: {codes}}}
"""
CUBE = "geo,sex,value\nALL,total,9\nA,total,5\nX,total,1\nB,other,3\nY,misc,2\n"


def test_unknown_codes_fail_at_the_code(tables):
    out, _ = tables(SPEC.format(codes="geo"), cube_csv=CUBE)
    got = out["known"]
    assert got.counts == Counts(5, passed=3, failed=2)
    x, y = got.findings
    assert (x.status, x.expression) == (Status.FAIL, "geo 'X' is in the code list of geo")
    assert x.coordinates == {"geo": "X", "sex": "total"}
    (fig,) = x.figures
    assert (fig.name, fig.value, fig.location) == ("geo", "X", Location("cube.csv", 4, 1))
    assert x.reason == reasons.UnknownCode("X", "geo", "inline", 3)
    assert y.coordinates == {"geo": "Y", "sex": "misc"}


def test_all_dimensions_with_a_code_list(tables):
    out, _ = tables(SPEC.format(codes="all"), cube_csv=CUBE)
    got = out["known"]
    assert got.counts == Counts(5, passed=2, failed=3)
    # a row with two unknown codes fails once, named by its first unknown dimension
    assert [f.expression for f in got.findings] == [
        "geo 'X' is in the code list of geo", "sex 'other' is in the code list of sex",
        "geo 'Y' is in the code list of geo"]
    assert got.findings[1].figures[0].location == Location("cube.csv", 5, 2)


def test_a_code_list_file_is_named_as_the_source(tables):
    spec = """
    tables:
      cube: {path: cube.csv, dimensions: [geo], measure: value}
    hierarchies:
      geo: {codelist: geo.csv}
    rules:
      - {id: known, codes: geo}
    """
    out, _ = tables(spec, cube_csv="geo,value\nN1,1\nZZ,2\n", geo_csv="code,parent\nC,\nN1,C\n")
    (f,) = out["known"].findings
    assert f.reason == reasons.UnknownCode("ZZ", "geo", "geo.csv", 2)


def test_a_dimension_without_a_code_list_is_an_input_error(tables):
    spec = SPEC.format(codes="[geo, year]").replace("[geo, sex]", "[geo, sex, year]")
    with pytest.raises(InputError, match="'year' has no code list; declare it under 'hierarchies:'"):
        tables(spec, cube_csv="geo,sex,year,value\nA,total,2020,1\n")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["ALL", "A", "B", "C", "D"]), min_size=1, max_size=20))
def test_failed_counts_the_rows_with_an_undeclared_code(tables, geos):
    csv = "geo,sex,value\n" + "".join(f"{g},total,1\n" for g in geos)
    out, _ = tables(SPEC.format(codes="geo"), cube_csv=csv)
    bad = [g for g in geos if g in ("C", "D")]
    assert out["known"].counts == Counts(len(geos), passed=len(geos) - len(bad), failed=len(bad))
    assert [f.reason.code for f in out["known"].findings] == bad
