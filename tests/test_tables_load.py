"""Reading tables: malformed inputs give one located line and exit 2 (or fail their own rule,
located to the input row), never a traceback; quirks of real files are read correctly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app

runner = CliRunner()

GEO = "code,parent\nC,\nN,C\nS,C\n"
SPEC = """tables:
  t: {{path: {path}, dimensions: [geo, year, sex], measure: value{extra}}}
hierarchies:
  sex: {{total: [female, male]}}
  geo: {{codelist: {codelist}}}
"""


@pytest.fixture
def table(tmp_path, monkeypatch):
    """Write a table (text or bytes) and a spec beside it; run `check` on the spec."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "geo.csv").write_text(GEO)

    def make(content, name="t.csv", extra="", codelist="geo.csv", *args):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content)
        Path("spec.yaml").write_text(SPEC.format(path=name, extra=extra, codelist=codelist))
        return runner.invoke(app, ["check", "spec.yaml", "--format", "json", *args])

    return make


def one_error(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def rule(result, rule_id: str) -> dict:
    report = json.loads(result.stdout)
    return next(r for r in report["results"] if r["rule"] == rule_id)


CLEAN = "geo,year,sex,value\nC,2019,total,3\nC,2019,female,1\nC,2019,male,2\n"


def test_clean_table_passes(table):
    result = table(CLEAN)
    assert result.exit_code == 0, result.output
    assert rule(result, "sex-hierarchy")["checked"] == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("geo,year,sex,value\nC,2019,total,1\nC,2019,female,1,5\n",
         "t.csv:3: ragged row: 5 fields where the header has 4"),
        ("geo,year,sex,value\nC,2019,total,1\nC,2019,female\n",
         "t.csv:3: ragged row: 3 fields where the header has 4"),
        ("geo,year,sex,value\nC,2019,total,1\nC,2019,female,abc\n",
         "t.csv:3:4: count column 'value': text 'abc' is not a count"),
        ("geo,year,sex,value\nC,2019,total,1\nC,2019,female,2.5\n",
         "t.csv:3:4: count column 'value': '2.5' is not a whole number"),
        ('geo,year,sex,value\nC,2019,total,"1,234"\n',
         "t.csv:2:4: count column 'value': '1,234' has thousands separators"),
        ("geo,year,sex,value\n,2019,total,1\n", "t.csv:2:1: row has an empty 'geo' code"),
        ("geo,year,sexx,value\nC,2019,total,1\n", "has no column 'sex'; did you mean 'sexx'?"),
        ("", "t.csv:1: no header at line 1"),
        (b"geo,year,sex,value\nC,2019,total,1\nC,2019,male,\xff\n", "t.csv:3:13: is not valid utf-8"),
        ("geo,year,sex,value\nC,2019,total,1\nC,2019,female,abc\nC,2019,male,x\n",
         "(1 more cell like it)"),
    ],
    ids=["ragged-long", "ragged-short", "text", "fraction", "thousands", "empty-code",
         "missing-column", "empty-file", "bad-utf8", "counts-more"],
)
def test_malformed_csv_is_a_located_input_error(table, content, expected):
    assert expected in one_error(table(content))


def test_missing_code_list_and_table_file(table):
    line = one_error(table(CLEAN, codelist="nope.csv"))
    assert line.startswith("missingstats: spec.yaml:5:")
    assert "code list 'nope.csv' of 'geo' does not exist" in line
    line = one_error(table(None, name="absent.csv"))
    assert "spec.yaml:2:" in line and "table file absent.csv does not exist" in line


def test_code_list_problems(table, tmp_path):
    (tmp_path / "cyc.csv").write_text("code,parent\nA,B\nB,A\n")
    assert "is circular" in one_error(table(CLEAN, codelist="cyc.csv"))
    (tmp_path / "nocol.csv").write_text("id,up\nA,B\n")
    assert "has no column 'code'" in one_error(table(CLEAN, codelist="nocol.csv"))


def test_unknown_code_fails_its_rule_at_the_code(table):
    result = table(CLEAN + "Z,2019,total,1\n")
    assert result.exit_code == 1
    codes = rule(result, "known-codes")
    assert (codes["checked"], codes["failed"]) == (4, 1)
    (fail,) = codes["failures"]
    assert fail["locations"] == [{"file": "t.csv", "line": 5, "column": 1, "figure": "geo"}]
    assert fail["coordinates"] == {"geo": "Z", "year": "2019", "sex": "total"}


def test_duplicate_cell_fails_unique_and_counts_once(table):
    result = table(CLEAN + "C,2019,female,7\n")
    assert result.exit_code == 1
    unique = rule(result, "unique-cells")
    assert (unique["checked"], unique["failed"]) == (4, 1)
    (fail,) = unique["failures"]
    assert [loc["line"] for loc in fail["locations"]] == [5, 3]
    assert fail["message"] == "same coordinates as line 3"
    assert rule(result, "sex-hierarchy")["failed"] == 0  # the first occurrence counts


def test_blank_lines_keep_line_numbers(table):
    result = table("geo,year,sex,value\n\nC,2019,total,4\n\nC,2019,female,1\nC,2019,male,2\n")
    sex = rule(result, "sex-hierarchy")
    assert sex["failed"] == 1
    assert [loc["line"] for loc in sex["failures"][0]["locations"]] == [3, 5, 6]


def test_missing_values_markers(table):
    content = "geo,year,sex,value\nC,2019,total,3\nC,2019,female,:\nC,2019,male,2\n"
    assert "text ':' is not a count" in one_error(table(content))
    result = table(content, extra=', missing_values: [":"]')
    sex = rule(result, "sex-hierarchy")
    assert (sex["missing"], sex["status"]) == (1, "missing")
    assert "not evaluable" in sex["missing_instances"][0]["message"]


def test_na_and_empty_are_not_available_but_na_is_a_code(table, tmp_path):
    (tmp_path / "na.csv").write_text("code,parent\nNA,\n")
    content = "geo,year,sex,value\nNA,2019,total,NA\nNA,2019,female,\nNA,2019,male,2\n"
    result = table(content, codelist="na.csv")
    assert result.exit_code == 0, result.output
    assert rule(result, "known-codes")["failed"] == 0  # Namibia's code stays a code
    assert rule(result, "sex-hierarchy")["missing"] == 1


def test_zero_decimals_are_counts_with_a_note(table):
    result = table("geo,year,sex,value\nC,2019,total,3.0\nC,2019,female,1\nC,2019,male,2.00\n")
    assert result.exit_code == 0
    notes = json.loads(result.stdout)["notes"]
    assert any("decimal part of zero" in n["message"] for n in notes)


def test_bom_semicolons_and_title_rows(table):
    content = "\ufeffTitle line\n\ngeo;year;sex;value\nC;2019;total;3\nC;2019;female;1\nC;2019;male;1\n"
    result = table(content.encode("utf-8"), extra=', delimiter: ";", header_row: 3')
    sex = rule(result, "sex-hierarchy")
    assert sex["failed"] == 1
    assert sex["failures"][0]["locations"][0]["line"] == 4


def test_tsv_by_suffix(table):
    result = table(CLEAN.replace(",", "\t"), name="t.tsv")
    assert result.exit_code == 0, result.output


def test_parquet_fraction_and_corrupt_file(table, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"geo": ["C", "C"], "year": [2019, 2019], "sex": ["total", "male"],
                             "value": [3.0, 1.5]}), tmp_path / "t.parquet")
    assert "t.parquet:2:4: count column 'value': 1.5 is not a whole number" in one_error(
        table(None, name="t.parquet"))
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    assert "cannot read Parquet" in one_error(table(None, name="bad.parquet"))


def test_parquet_nulls_and_text_counts(table, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({
        "geo": pa.array(["C", "C", "C"]).dictionary_encode(), "year": ["2019"] * 3,
        "sex": ["total", "female", "male"], "value": pa.array([3, None, 2], pa.int64()),
    }), tmp_path / "t.parquet")
    result = table(None, name="t.parquet")
    assert rule(result, "sex-hierarchy")["missing"] == 1
    pq.write_table(pa.table({"geo": ["C"], "year": [2019], "sex": ["total"], "value": ["x"]}),
                   tmp_path / "s.parquet")
    assert "s.parquet:1:4: count column 'value': text 'x'" in one_error(table(None, name="s.parquet"))


def excel(path: Path, rows: list[list], title: str = "Data") -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_excel_errors_name_sheet_and_cell(table, tmp_path):
    head = ["geo", "year", "sex", "value"]
    excel(tmp_path / "t.xlsx", [head, ["C", 2019, "total", 3], ["C", 2019, "female", "x"]])
    assert "t.xlsx!Data!D3: count column 'value': text 'x' is not a count" in one_error(
        table(None, name="t.xlsx"))
    excel(tmp_path / "t.xlsx", [head, ["C", 2019, "total", 1.5]])
    assert "t.xlsx!Data!D2: count column 'value': 1.5 is not a whole number" in one_error(
        table(None, name="t.xlsx"))
    assert "has no sheet 'Nope' (sheets: Data)" in one_error(table(None, name="t.xlsx",
                                                                   extra=", sheet: Nope"))
    (tmp_path / "z.xlsx").write_bytes(b"not a zip")
    assert "cannot read Excel workbook" in one_error(table(None, name="z.xlsx"))


def test_excel_values_blank_rows_and_cells(table, tmp_path):
    head = ["geo", "year", "sex", "value"]
    excel(tmp_path / "t.xlsx", [head, ["C", 2019.0, "total", 4], [None] * 4,
                                ["C", "2019", "female", "1"], ["C", 2019, "male", 2.0]])
    result = table(None, name="t.xlsx")
    sex = rule(result, "sex-hierarchy")
    assert sex["failed"] == 1
    locs = sex["failures"][0]["locations"]
    assert [loc["cell"] for loc in locs] == ["Data!D2", "Data!D4", "Data!D5"]
    assert [loc["line"] for loc in locs] == [2, 4, 5]


def test_direct_table_path_asks_for_a_spec(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("t.csv").write_text(CLEAN)
    result = runner.invoke(app, ["check", "t.csv"])
    assert "table spec" in one_error(result)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("tables: {t: {path: t.csv, dimensions: [geo], measure: value}}\nmissing_cells: maybe",
         "missing_cells 'maybe' is not one of not-evaluable, zero, fail"),
        ("tables: {t: {path: t.csv, dimensions: [geo]}}", "needs 'measure'"),
        ("tables: {t: {path: t.csv, dimensions: [geo], measure: value, colour: red}}",
         "unknown key 'colour' in table 't'"),
        ("tables: {t: {path: t.csv, dimensions: [geo], measure: value, range: A1:B3}}",
         "'range' applies to Excel tables only"),
        ("tables: {t: {path: t.xlsx, dimensions: [geo], measure: value, range: B3:A1}}",
         "range must span a header row"),
        ("tables: {t: {path: t.csv, dimensions: [geo, geo], measure: value}}",
         "dimension 'geo' is listed twice"),
        ("tables: {t: {path: t.csv, dimensions: [geo], measure: geo}}",
         "'geo' is both a dimension and the measure"),
        ("tables: {t: {path: t.txt2, dimensions: [geo], measure: value}}",
         "cannot tell the format"),
        ("tables: {t: {path: t.csv, dimensions: [geo], measure: value}}\n"
         "hierarchies: {age: {total: [a]}}", "hierarchy for 'age', which no table declares"),
        ("tables: {t: {path: t.csv, dimensions: [geo], measure: value}}\n"
         "hierarchies: {geo: {total: [a, a]}}", "'a' is listed twice under 'total'"),
        ("tables: {t: {path: t.csv, dimensions: ['Region code'], measure: value}}",
         "must be a simple name"),
        ("tables: {t: {path: t.csv, dimensions: [geo], measure: value}}\nsource: x",
         "unknown key 'source' in a table spec"),
    ],
)
def test_spec_mistakes(tmp_path, monkeypatch, spec, expected):
    monkeypatch.chdir(tmp_path)
    Path("t.csv").write_text("geo,value\nC,1\n")
    Path("s.yaml").write_text(spec)
    line = one_error(runner.invoke(app, ["check", "s.yaml"]))
    assert line.startswith("missingstats: s.yaml:") and expected in line


def test_published_csv_quirks_footer_thousands_fill_down(tmp_path, monkeypatch):
    """Title rows, a footnote below the data, grouped thousands and blank (merged) codes."""
    monkeypatch.chdir(tmp_path)
    Path("t.csv").write_text('Table 1: persons\n\ngeo;sex;value\nC;total;"1 234"\n;female;600\n'
                             ';male;635\n\nSource: somewhere;;\nNote: provisional\n')
    Path("s.yaml").write_text("""tables:
  t: {path: t.csv, delimiter: ";", header_row: 3, last_row: 7, dimensions: [geo, sex],
      measure: value, thousands: space, fill_down: geo}
hierarchies:
  sex: {total: [female, male]}
""")
    result = runner.invoke(app, ["check", "s.yaml", "--format", "json"])
    sex = rule(result, "sex-hierarchy")
    assert (sex["checked"], sex["failed"]) == (1, 1)
    fail = sex["failures"][0]
    assert fail["values"] == {"total": 1234, "female": 600, "male": 635}
    assert fail["coordinates"] == {"geo": "C", "sex": "total"}
    assert [loc["line"] for loc in fail["locations"]] == [4, 5, 6]
    Path("s.yaml").write_text(Path("s.yaml").read_text().replace("last_row: 7, ", ""))
    assert "t.csv:9: ragged row" in one_error(runner.invoke(app, ["check", "s.yaml"]))


def test_excel_merged_codes_thousands_and_last_row(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    excel(tmp_path / "t.xlsx", [["Title"], ["geo", "sex", "value"], ["C", "total", "1,234"],
                                [None, "female", 600], [None, "male", 634], ["Source: x"]])
    Path("s.yaml").write_text("""tables:
  t: {path: t.xlsx, header_row: 2, last_row: 5, dimensions: [geo, sex], measure: value,
      thousands: ",", fill_down: [geo]}
hierarchies:
  sex: {total: [female, male]}
""")
    result = runner.invoke(app, ["check", "s.yaml", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert rule(result, "sex-hierarchy")["passed"] == 1


def test_header_only_table_checks_nothing(table):
    result = table("geo,year,sex,value\n")
    assert result.exit_code == 0, result.output
    assert rule(result, "sex-hierarchy")["checked"] == 0
