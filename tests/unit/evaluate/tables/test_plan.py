"""evaluate.tables.plan: what a table rule's names refer to, checked against the spec before
any table is read."""

from __future__ import annotations

import pytest

from missingstats.core.errors import InputError, Location
from missingstats.evaluate.tables import plan as pl
from missingstats.kinds.base import Rule
from missingstats.language import expr as ex

SPEC = """
tables:
  cube: {path: cube.csv, dimensions: [geo, sex], measure: value}
  wide:
    path: wide.csv
    dimensions: [geo, age]
    wide: {dimension: sex, columns: {total: Total, female: F, male: M}}
  national: {path: n.csv, dimensions: [year], measure: persons}
hierarchies:
  sex: {total: [female, male]}
  geo: {ALL: [A, B, total]}
  age: {total: [young, old]}
"""


@pytest.fixture
def spec(table_spec):
    return table_spec(SPEC)


RULE = Rule("r", "check", Location("rules.yaml", 7, 5))


def test_rule_where_prefers_the_rules_node():
    from missingstats.inputs import yamlnodes as sy

    node = sy.load("rules.yaml", "x: [a]\n")["x"]
    assert pl.rule_where(Rule("r", "check", Location("rules.yaml", 7, 5), spec={"node": node})) == (
        Location("rules.yaml", 1, 4))
    assert pl.rule_where(RULE) == Location("rules.yaml", 7, 5)
    assert pl.rule_where(Rule("r", "group", RULE.location, spec={"check_node": node}), "check_node") == (
        Location("rules.yaml", 1, 4))


def test_tables_for(spec):
    assert pl.tables_for(spec, RULE, None, ["geo"]) == ["cube", "wide"]
    assert pl.tables_for(spec, RULE, None, []) == ["cube", "wide", "national"]
    assert pl.tables_for(spec, RULE, None, ["sex"]) == ["cube", "wide"]  # wide's melted dimension
    assert pl.tables_for(spec, RULE, ["cube"], ["sex"]) == ["cube"]


@pytest.mark.parametrize("given, dims, message", [
    (None, ["gel"], "rule 'r': 'gel' is not a dimension of any table; did you mean 'geo'?"),
    (["cub"], [], "rule 'r': no table 'cub'; did you mean 'cube'?"),
    (["national"], ["geo"], "rule 'r': table 'national' has no dimension 'geo'"),
])
def test_tables_for_errors(spec, given, dims, message):
    with pytest.raises(InputError) as err:
        pl.tables_for(spec, RULE, given, dims)
    assert err.value.message == message
    assert err.value.location == RULE.location


def test_code_names(spec):
    names = pl.code_names(spec, "wide")
    assert names["female"] == ("sex", "female") and names["F"] == ("sex", "female")
    assert names["young"] == ("age", "young") and names["A"] == ("geo", "A")
    assert names["total"] == ("", "")  # a code of several dimensions: must be qualified
    assert pl.code_names_of(spec, "wide", "sex") == {"total", "female", "male", "Total", "F", "M"}
    assert pl.code_names_of(spec, "national", "year") == set()


@pytest.mark.parametrize("table, name, got", [
    ("cube", "value", ("measure", None, None)),
    ("cube", "female", ("code", "sex", "female")),
    ("cube", "sex.female", ("code", "sex", "female")),
    ("cube", "geo.C9", ("code", "geo", "C9")),  # a code outside the hierarchy, qualified
    ("wide", "Total", ("code", "sex", "total")),
    ("wide", "sex.F", ("code", "sex", "female")),
    ("wide", "age.total", ("code", "age", "total")),
    ("national", "persons", ("measure", None, None)),
])
def test_resolve(spec, table, name, got):
    assert pl.resolve(spec, table, name) == got


@pytest.mark.parametrize("table, name, why", [
    ("cube", "sex.female.x", "'sex.female.x' has too many parts (write dimension.code)"),
    ("wide", "total", "'total' is a code of several dimensions (geo, age, sex); write geo.total"),
    ("cube", "valeu", "'valeu' is not the measure ('value') or a declared code of table 'cube'; "
                      "did you mean 'value'?"),
    ("national", "C9", "'C9' is not the measure ('persons') or a declared code of table "
                       "'national' (write a code without a hierarchy as dimension.code)"),
])
def test_resolve_explains_names_that_do_not_resolve(spec, table, name, why):
    assert pl.resolve(spec, table, name) == why


def test_map_children_rebuilds_every_node_kind():
    def rename(n):
        if isinstance(n, ex.Name):
            return ex.Name(n.path.upper(), n.col)
        return pl.map_children(n, rename)

    node = ex.parse_check("if f > 0 then not (a + -b <= max(c, 2)) or (d == 1 and e > 0)")
    assert ex.to_text(rename(node)) == ex.to_text(
        ex.parse_check("if F > 0 then not (A + -B <= max(C, 2)) or (D == 1 and E > 0)"))
    leaf = ex.Name("a", 1)
    assert pl.map_children(leaf, rename) is leaf


def test_describe_plan():
    @pl.dataclass
    class DimPlan(pl.Plan):
        dimension: str = "sex"
        policy: str = "zero"

    got = pl.describe_plan(DimPlan(RULE, ["cube"]))
    assert got == {"kind": "DimPlan", "rule": "r", "tables": ["cube"], "dimension": "sex",
                   "policy": "zero"}
