"""Rules on tables: cell and pivot checks (long and wide alike), group rules across tables,
unique / codes / complete, relations, policies, filters, and where the rules come from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from missingstats.core.errors import InputError
from missingstats.evaluate.options import CheckOptions
from missingstats.evaluate.tables.run import check_path
from tests.conftest import counts, instances

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tables"


@pytest.fixture(autouse=True, params=["dense", "sparse"])
def engine_path(request, monkeypatch):
    """Every rule on both engine paths: dense cubes and hashed sparse keys."""
    if request.param == "sparse":
        from missingstats.evaluate.tables import engine

        monkeypatch.setattr(engine, "dense_limit", lambda n: 0)
    return request.param


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A copy of the region fixtures; write a spec into it and check it in-process."""
    for f in ("regions.csv", "regions-wide.csv", "national.csv", "geo.csv", "regions.xlsx"):
        shutil.copy(FIXTURES / f, tmp_path / f)
    monkeypatch.chdir(tmp_path)

    def check(spec: str, **options):
        Path("s.yaml").write_text(spec)
        res = check_path("s.yaml", CheckOptions(**{"max_failures": None, **options}))
        return counts(res), instances(res)

    return check


LONG = """tables:
  regions: {path: regions.csv, dimensions: [geo, year, sex], measure: value}
hierarchies:
  geo: {codelist: geo.csv}
  sex: {total: [female, male]}
"""
WIDE = """tables:
  regions:
    path: regions-wide.csv
    dimensions: {geo: Region, year: Year}
    wide: {dimension: sex, columns: {total: Total, female: Female, male: Male}}
hierarchies:
  geo: {codelist: geo.csv}
  sex: {total: [female, male]}
"""


def of(inst: list[dict], rule: str) -> list[dict]:
    return [i for i in inst if i["rule"] == rule]


def test_cell_check_locates_each_failing_cell(folder, tmp_path):
    # (a negative count is refused when the table is read; a bound per cell is what a cell
    # check is for)
    text = (tmp_path / "regions.csv").read_text().replace("S1,2019,male,4", "S1,2019,male,400")
    (tmp_path / "regions.csv").write_text(text)
    counts, inst = folder(LONG + "implied: false\nrules:\n  - {id: bounded, check: value <= 100}\n")
    assert (counts["bounded"]["checked"], counts["bounded"]["failed"]) == (36, 1)
    (fail,) = of(inst, "bounded")
    assert fail["expression"] == "value <= 100"
    assert fail["values"] == {"value": 400}
    assert (fail["lhs"], fail["rhs"], fail["difference"]) == (400, 100, 300)
    assert fail["coordinates"] == {"geo": "S1", "year": "2019", "sex": "male"}
    assert fail["locations"] == [{"file": "regions.csv", "line": 34, "column": 4, "figure": "value"}]


def test_negative_count_is_refused_at_its_cell(folder, tmp_path):
    from missingstats.core.errors import InputError

    text = (tmp_path / "regions.csv").read_text().replace("S1,2019,male,4", "S1,2019,male,-4")
    (tmp_path / "regions.csv").write_text(text)
    with pytest.raises(InputError, match="'-4' is negative") as err:
        folder(LONG + "implied: false\nrules:\n  - {id: nonneg, check: value >= 0}\n")
    assert (err.value.location.line, err.value.location.column) == (34, 4)


@pytest.mark.parametrize("check", ["total == female + male", "sex.total == sex.female + sex.male"])
def test_pivot_check_same_on_long_and_wide(folder, check):
    rules = f"implied: false\nrules:\n  - {{id: split, check: {check}}}\n"
    long_counts, long_inst = folder(LONG + rules)
    wide_counts, wide_inst = folder(WIDE + rules)
    for got, inst in ((long_counts, long_inst), (wide_counts, wide_inst)):
        assert (got["split"]["checked"], got["split"]["failed"]) == (12, 1)
        (fail,) = of(inst, "split")
        assert fail["coordinates"] == {"geo": "N1", "year": "2020"}
        assert (fail["lhs"], fail["rhs"], fail["difference"]) == (25, 24, 1)
    assert [loc["line"] for loc in of(long_inst, "split")[0]["locations"]] == [23, 24, 25]
    wide_locs = of(wide_inst, "split")[0]["locations"]
    assert [(loc["line"], loc["column"]) for loc in wide_locs] == [(9, 3), (9, 4), (9, 5)]


def test_wide_column_names_work_as_codes(folder):
    counts, _ = folder(WIDE + "implied: false\nrules:\n  - {id: s, check: Total == Female + Male}\n")
    assert counts["s"]["failed"] == 1


def test_excel_range_and_cells(folder):
    spec = WIDE.replace("path: regions-wide.csv", "path: regions.xlsx\n    sheet: Table 2\n"
                        "    range: A4:E16")
    counts, inst = folder(spec)
    assert (counts["sex-hierarchy"]["failed"], counts["geo-hierarchy"]["failed"]) == (1, 1)
    (fail,) = of(inst, "sex-hierarchy")
    assert [loc["cell"] for loc in fail["locations"]] == ["Table 2!C12", "Table 2!D12", "Table 2!E12"]


def test_implied_rules_and_explicit_hierarchy_replaces_implied(folder):
    counts, _ = folder(LONG)
    assert set(counts) == {"unique-cells", "known-codes", "geo-hierarchy", "sex-hierarchy"}
    counts, _ = folder(LONG + "rules:\n  - {id: sex, hierarchy: sex}\n")
    assert set(counts) == {"unique-cells", "known-codes", "geo-hierarchy", "sex"}
    counts, _ = folder(LONG, implied=False)
    assert counts == {}


def test_group_rule_against_another_table(folder):
    spec = LONG.replace("hierarchies:", "  national: {path: national.csv, dimensions: [year], "
                        "measure: value}\nhierarchies:") + """implied: false
rules:
  - id: national
    group:
      check: sum(regions.value) == national.value
      by: [year]
      where: {geo: {level: 2}, sex: total}
"""
    counts, inst = folder(spec)
    assert (counts["national"]["checked"], counts["national"]["failed"]) == (2, 1)
    (fail,) = of(inst, "national")
    assert fail["coordinates"] == {"year": "2020"}
    assert fail["values"] == {"sum(regions.value)": 44, "national.value": 46}
    assert fail["difference"] == -2
    assert fail["locations"] == [{"file": "national.csv", "line": 3, "column": 2,
                                  "figure": "national.value"}]


def test_group_rule_needs_sum_for_many_cells(folder):
    spec = LONG + "rules:\n  - {id: g, group: {check: value >= 0, by: [year]}}\n"
    with pytest.raises(InputError, match=r"value has 18 cells in the group year=2019; sum them"):
        folder(spec)


def test_group_rule_sums_with_codes_and_no_by(folder):
    counts, inst = folder(LONG + """implied: false
rules:
  - id: females-below-total
    group: {check: sum(sex.female) <= sum(sex.total), where: {geo: [C]}}
  - id: small
    group: {check: sum(value) <= 100, where: {geo: C, sex: total}}
""")
    assert (counts["females-below-total"]["checked"], counts["females-below-total"]["failed"]) == (1, 0)
    assert (counts["small"]["checked"], counts["small"]["failed"]) == (1, 0)


def test_templates_expand_over_codes(folder):
    counts, inst = folder(LONG + """implied: false
rules:
  - {id: part-below, for: {s: [female, male]}, check: "{s} <= total"}
""")
    assert (counts["part-below"]["checked"], counts["part-below"]["failed"]) == (24, 0)


def test_overlapping_breakdown_relation(folder, tmp_path):
    (tmp_path / "o.csv").write_text(
        "geo,group,value\nC,total,10\nC,children,4\nC,women,7\nC,older,2\n"
        "N,total,5\nN,children,6\nN,women,1\nN,older,1\n")
    counts, inst = folder("""tables:
  t: {path: o.csv, dimensions: [geo, group], measure: value}
hierarchies:
  group: {total: [children, women, older]}
implied: false
rules:
  - {id: each, hierarchy: {dimension: group, relation: "<="}}
  - {id: sum, hierarchy: {dimension: group, relation: "sum <="}}
""")
    assert (counts["each"]["checked"], counts["each"]["failed"]) == (2, 1)
    assert (counts["sum"]["checked"], counts["sum"]["failed"]) == (2, 2)
    (each,) = of(inst, "each")
    assert each["expression"] == "group total >= each of children, women, older"
    assert each["coordinates"] == {"geo": "N", "group": "total"}
    assert (each["lhs"], each["rhs"], each["difference"]) == (5, 6, -1)
    # the picture's relation: the sum of the parts against the total, never "each of"
    assert "relation" not in each
    assert {i["relation"]["compare"] for i in of(inst, "sum")} == {"<="}
    assert of(inst, "sum")[0]["relation"] == {"compare": "<=", "parts": ["children", "women", "older"],
                                              "whole": "total"}


def test_tolerance_on_a_hierarchy(folder):
    rules = "implied: false\nrules:\n  - {id: sex, hierarchy: sex, tolerance: 1}\n"
    counts, _ = folder(LONG + rules)
    assert counts["sex"]["failed"] == 0


@pytest.mark.parametrize(("policy", "status"), [("not-evaluable", "missing"), ("zero", "pass"),
                                                 ("fail", "fail")])
def test_missing_cell_policy_in_checks(folder, tmp_path, policy, status):
    (tmp_path / "m.csv").write_text("geo,sex,value\nC,total,3\nC,female,3\n")
    counts, inst = folder(f"""tables:
  t: {{path: m.csv, dimensions: [geo, sex], measure: value}}
hierarchies:
  sex: {{total: [female, male]}}
missing_cells: {policy}
implied: false
rules:
  - {{id: split, check: sex.total == sex.female + sex.male}}
""")
    row = counts["split"]
    got = "missing" if row["missing"] else "fail" if row["failed"] else "pass"
    assert got == status
    if status == "missing":
        assert of(inst, "split")[0]["message"] == "not evaluable: sex.male not reported"


def test_unique_codes_complete_explicit(folder, tmp_path):
    (tmp_path / "c.csv").write_text(
        "geo,year,sex,value\nC,2019,total,3\nC,2019,female,1\nC,2019,male,2\n"
        "N,2019,total,1\nN,2019,female,1\nZ,2019,total,0\nN,2019,total,1\n")
    counts, inst = folder("""tables:
  t: {path: c.csv, dimensions: [geo, year, sex], measure: value}
hierarchies:
  geo: {codelist: geo.csv}
  sex: {total: [female, male]}
implied: false
rules:
  - {id: once, unique: t}
  - {id: codes, codes: [geo, sex]}
  - {id: complete, complete: [sex]}
""")
    assert (counts["once"]["checked"], counts["once"]["failed"]) == (7, 1)
    assert (counts["codes"]["checked"], counts["codes"]["failed"]) == (7, 1)
    # groups C, N, Z (2019) x 3 sexes = 9 expected; C complete, N lacks male, Z lacks two
    assert (counts["complete"]["checked"], counts["complete"]["failed"]) == (9, 3)
    missing = of(inst, "complete")
    assert [m["coordinates"] for m in missing] == [
        {"geo": "N", "year": "2019", "sex": "male"}, {"geo": "Z", "year": "2019", "sex": "female"},
        {"geo": "Z", "year": "2019", "sex": "male"},
    ]
    assert missing[0]["locations"] == [{"file": "c.csv", "line": 5, "column": 4, "figure": "group"}]
    assert missing[0]["expression"] == "a cell for sex=male"


def test_complete_over_all_dimensions_uses_declared_codes(folder, tmp_path):
    (tmp_path / "c.csv").write_text("geo,sex,value\nC,total,3\nN,female,1\n")
    counts, inst = folder("""tables:
  t: {path: c.csv, dimensions: [geo, sex], measure: value}
hierarchies:
  geo: {codelist: geo.csv}
  sex: {total: [female, male]}
implied: false
rules:
  - {id: complete, complete: all}
""")
    assert (counts["complete"]["checked"], counts["complete"]["failed"]) == (18, 16)
    assert of(inst, "complete")[0]["locations"] == []


def test_filters_and_table_option(folder):
    spec = LONG.replace("measure: value}", "measure: value, filter: {year: 2020, sex: [total]}}")
    spec = spec.replace("hierarchies:", "  wide: {path: regions-wide.csv, dimensions: {geo: Region, "
                        "year: Year}, wide: {dimension: sex, columns: {total: Total, female: Female, "
                        "male: Male}}}\nhierarchies:")
    counts, inst = folder(spec + """implied: false
rules:
  - {id: geo-long, hierarchy: {dimension: geo, table: regions}}
  - {id: geo-all, hierarchy: geo}
  - {id: nonneg, check: value >= 0}
""")
    assert (counts["geo-long"]["checked"], counts["geo-long"]["failed"]) == (3, 1)
    assert (counts["geo-all"]["checked"], counts["geo-all"]["failed"]) == (3 + 18, 2)
    assert counts["nonneg"]["checked"] == 6 + 36  # both tables: the measure is `value` in each
    assert {i["coordinates"].get("table") for i in of(inst, "geo-all")} == {"regions", "wide"}


def test_rules_beside_the_spec_and_from_option(folder, tmp_path):
    (tmp_path / "rules.yaml").write_text("rules:\n  - {id: beside, check: value >= 0}\n")
    counts, _ = folder(LONG + "implied: false\n")
    assert set(counts) == {"beside"}
    (tmp_path / "other.yaml").write_text("rules:\n  - {id: other, hierarchy: sex}\n")
    counts, _ = folder(LONG + "implied: false\n", rules="other.yaml")
    assert set(counts) == {"other"}


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("- {id: h, hierarchy: age}", "no hierarchy declared for 'age'"),
        ("- {id: c, check: valu >= 0}", "'valu' is not the measure ('value') or a declared code"),
        ("- {id: c, check: total == female + mael}", "did you mean 'male'?"),
        ("- {id: c, check: sex.total == sex.female + sex.mael}",
         "'mael' is not a code of 'sex' in the tables; did you mean 'male'?"),
        ("- {id: c, check: value == total}", "not a mix"),
        ("- {id: c, check: total == N1}", "not a mix"),
        ("- {id: h, hierarchy: {dimension: sex, relation: '<'}}", "relation '<' is one of"),
        ("- {id: g, group: {check: 'sum(value) >= 0', by: [region]}}",
         "'region' is not a dimension of any table"),
        ("- {id: g, group: {check: 'sum(value + 1) >= 0'}}", "sum() takes measure names"),
        ("- {id: g, group: {check: 'sum(value) >= 0', where: {geo: [Q]}}}", "'Q' is not a code of 'geo'"),
        ("- {id: g, group: {check: 'sum(value) >= 0', where: {geo: {level: 7}}}}",
         "has no level 7"),
        ("- {id: u, unique: nosuch}", "no table 'nosuch'"),
        ("- {id: k, codes: year}", "'year' has no code list"),
        ("- {id: k, complete: [region]}", "'region' is not a dimension"),
        ("- {id: g, group: {check: 'sum(value) >>= 0'}}", "rule 'g'"),
    ],
)
def test_rule_mistakes_are_input_errors(folder, rules, message):
    """Typos and impossible references stop the run before (or right after) reading."""
    with pytest.raises(InputError, match=None) as err:
        folder(LONG + "rules:\n  " + rules + "\n")
    assert message in str(err.value)
    assert str(err.value).startswith("s.yaml:")


def test_constants_join_yearly_tables_and_a_single_number(folder, tmp_path):
    (tmp_path / "y2019.csv").write_text("geo,value\nN,33\nS,7\n")
    (tmp_path / "y2020.csv").write_text("geo,value\nN,39\nS,4\n")
    (tmp_path / "total.csv").write_text("value\n84\n")
    counts, inst = folder("""tables:
  a: {path: y2019.csv, dimensions: [geo], measure: value, constants: {year: "2019"}}
  b: {path: y2020.csv, dimensions: [geo], measure: value, constants: {year: "2020"}}
  all: {path: total.csv, dimensions: [], measure: value}
implied: false
rules:
  - id: grand-total
    group: {check: sum(a.value) + sum(b.value) == all.value}
  - id: years
    group: {check: sum(a.value) <= 40, by: [year]}
""")
    assert (counts["grand-total"]["checked"], counts["grand-total"]["failed"]) == (1, 1)
    (fail,) = of(inst, "grand-total")
    assert (fail["lhs"], fail["rhs"], fail["difference"]) == (83, 84, -1)
    assert "coordinates" not in fail  # no `by`: one group, no coordinates
    assert (counts["years"]["checked"], counts["years"]["failed"]) == (1, 0)


def test_cross_tab_wide_in_two_dimensions_with_own_header(folder, tmp_path):
    """A published cross-tab: two header rows (age over sex), named with `header:`."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Region", "All ages", None, None, "Children", None, None])
    ws.append([None, "Total", "Female", "Male", "Total", "Female", "Male"])
    ws.append(["N", 10, 4, 6, 3, 1, 2])
    ws.append(["S", 8, 5, 3, 4, 2, 1])  # children: 2 + 1 != 4
    wb.save(tmp_path / "x.xlsx")
    cols = "".join(
        f"\n        - {{column: {a}{s}, age: {a}, sex: {s}}}"
        for a in ("all", "child") for s in ("total", "female", "male"))
    counts, inst = folder(f"""tables:
  x:
    path: x.xlsx
    range: A2:G4
    header: [geo, alltotal, allfemale, allmale, childtotal, childfemale, childmale]
    dimensions: [geo]
    wide:
      dimensions: [age, sex]
      columns:{cols}
hierarchies:
  sex: {{total: [female, male]}}
implied: false
rules:
  - {{id: sex, hierarchy: sex}}
  - {{id: child-within, check: sex.total >= 0}}
""")
    assert (counts["sex"]["checked"], counts["sex"]["failed"]) == (4, 1)
    (fail,) = of(inst, "sex")
    assert fail["coordinates"] == {"geo": "S", "age": "child", "sex": "total"}
    assert [loc["cell"] for loc in fail["locations"]] == ["Sheet!E4", "Sheet!F4", "Sheet!G4"]


def test_csv_without_a_header_line(folder, tmp_path):
    (tmp_path / "n.csv").write_text("C,total,3\nC,female,1\nC,male,1\n")
    counts, inst = folder("""tables:
  t: {path: n.csv, header: [geo, sex, value], header_row: 0, dimensions: [geo, sex], measure: value}
hierarchies:
  sex: {total: [female, male]}
""")
    assert counts["sex-hierarchy"]["failed"] == 1
    assert [loc["line"] for loc in of(inst, "sex-hierarchy")[0]["locations"]] == [1, 2, 3]


def test_a_sheet_pack_beside_the_spec_is_not_applied(folder, tmp_path):
    (tmp_path / "rules.yaml").write_text(
        "figures: [missing.total, detained.total]\n"
        "rules:\n  - {id: d, check: detained.total <= missing.total}\n")
    counts, _ = folder(LONG)
    assert "d" not in counts and "sex-hierarchy" in counts
