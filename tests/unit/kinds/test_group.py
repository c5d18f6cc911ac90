"""kinds.group: sums over the rows of a group, compared across tables, one instance per group."""

from __future__ import annotations

import pytest

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location
from missingstats.core.findings import Counts, Relation, Status, Value

SPEC = """
tables:
  regions: {{path: regions.csv, dimensions: [geo, year], measure: value}}
  national: {{path: national.csv, dimensions: [year], measure: value}}
hierarchies:
  geo: {{C: [N, S]}}
{policy}rules:
  - id: make-national
    group:
      check: {check}
      by: [year]
      where: {{geo: {{level: 1}}}}
"""
REGIONS = """
geo,year,value
C,2019,1100
N,2019,600
S,2019,500
N,2020,590
S,2020,600
N,2021,
S,2021,10
"""
NATIONAL = "year,value\n2019,1100\n2020,1200\n2021,20\n"


def run(tables, check="sum(regions.value) == national.value", policy="", **files):
    files = {"regions_csv": REGIONS, "national_csv": NATIONAL, **files}
    out, _ = tables(SPEC.format(check=check, policy=policy), **files)
    return out["make-national"]


def test_one_instance_per_group_with_exact_sides(tables):
    got = run(tables)
    assert got.counts == Counts(3, passed=1, failed=1, missing=1)
    fail, missing = got.findings
    assert (fail.status, fail.expression) == (Status.FAIL, "sum(regions.value) == national.value")
    assert fail.coordinates == {"year": "2020"}
    summed, national = fail.figures
    assert (summed.name, summed.value, summed.location) == ("sum(regions.value)", Value.exact(1190), None)
    assert (national.name, national.value, national.location) == (
        "national.value", Value.exact(1200), Location("national.csv", 3, 2))
    assert (fail.lhs, fail.rhs, fail.difference) == (Value.exact(1190), Value.exact(1200), -10)
    assert fail.relation == Relation("==", ("sum(regions.value)",), "national.value")
    assert fail.reason is None
    assert missing.status == Status.NOT_EVALUABLE and missing.coordinates == {"year": "2021"}
    assert missing.reason == reasons.NotAvailable(("sum(regions.value)",))
    assert missing.difference is None


def test_zero_policy_counts_not_available_as_zero(tables):
    got = run(tables, policy="missing_cells: zero\n")
    assert got.counts == Counts(3, passed=1, failed=2)
    assert [f.coordinates["year"] for f in got.findings] == ["2020", "2021"]
    assert got.findings[1].lhs == Value.exact(10)


def test_without_by_one_group_overall(tables):
    spec = SPEC.format(check="sum(regions.value) <= sum(national.value) + 1000",
                       policy="").replace("      by: [year]\n", "")
    out, _ = tables(spec, regions_csv=REGIONS.replace("N,2021,\n", "N,2021,0\n"),
                    national_csv=NATIONAL)
    got = out["make-national"]
    assert got.counts == Counts(1, passed=1)
    assert got.findings == []


def test_a_single_name_with_several_cells_in_a_group_is_an_input_error(tables):
    with pytest.raises(InputError, match="regions.value has 2 cells in the group year=2019; "
                                         "sum them with sum"):
        run(tables, check="regions.value == national.value")


@pytest.mark.parametrize("check, message", [
    ("sum(regions.values) == national.value", "'values' is not the measure ('value')"),
    ("sum(value) == 1", "'value' is in several tables (regions, national); write table.value"),
    ("sum(regions.value + 1) == national.value", "in a group rule sum() takes measure names"),
])
def test_names_are_checked_before_reading(tables, check, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(tables, check=check)


def test_grouping_by_a_dimension_a_table_lacks(tables):
    spec = SPEC.format(check="sum(regions.value) == national.value", policy="").replace(
        "by: [year]", "by: [geo]")
    with pytest.raises(InputError, match="table 'national' has no dimension 'geo' to group by"):
        tables(spec, regions_csv=REGIONS, national_csv=NATIONAL)


def test_cells_of_one_code(tables):
    spec = """
    tables:
      t: {path: t.csv, dimensions: [geo, sex], measure: value}
    hierarchies:
      sex: {total: [female, male]}
    rules:
      - id: parts
        group: {check: "sum(t.sex.female) + sum(t.sex.male) == sum(t.sex.total)"}
    """
    out, _ = tables(spec, t_csv="geo,sex,value\nA,total,10\nA,female,4\nA,male,6\n"
                                "B,total,5\nB,female,2\nB,male,2\n")
    got = out["parts"]
    assert got.counts == Counts(1, failed=1)
    (f,) = got.findings
    assert [(fig.name, fig.value) for fig in f.figures] == [
        ("sum(t.sex.female)", Value.exact(6)), ("sum(t.sex.male)", Value.exact(8)),
        ("sum(t.sex.total)", Value.exact(15))]
    assert f.difference == -1 and f.coordinates == {}
