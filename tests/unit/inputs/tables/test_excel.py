"""inputs.tables.excel: a sheet and range of a workbook, its cells validated as counts, every
bad cell an InputError at sheet!cell."""

from __future__ import annotations

import numpy as np
import pytest

from missingstats.core.errors import InputError
from missingstats.core.results import Note
from missingstats.inputs.tables.excel import counts_from_cells, read_excel
from missingstats.inputs.tables.model import Locator

SPEC = """
tables:
  t: {{path: t.xlsx, dimensions: [geo, sex], measure: value{extra}}}
"""


@pytest.fixture
def workbook(tmp_path):
    """Write rows into sheets of t.xlsx: workbook({"Data": [[...], ...]})."""
    import openpyxl

    def write(sheets: dict[str, list[list]]) -> None:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(tmp_path / "t.xlsx")

    return write


@pytest.fixture
def defn(table_spec):
    return lambda extra="": table_spec(SPEC.format(extra=extra)).tables["t"]


ROWS = [["geo", "sex", "value"], ["A", "total", 10], ["A", "female", 4], [None, None, None],
        ["B", "total", None]]


def test_first_sheet_header_and_rows(workbook, defn):
    workbook({"Data": ROWS, "Other": [["x"]]})
    data, locator = read_excel(defn())
    assert data["geo"] == ["A", "A", "B"] and data["value"] == [10, 4, None]
    assert data["__row__"].tolist() == [0, 1, 3] and data["__len__"] == 3  # blank row skipped
    assert (locator.kind, locator.sheet, locator.first_line) == ("excel", "Data", 2)
    assert locator.columns == {"geo": 1, "sex": 2, "value": 3}
    assert locator.locate(3, 3).cell == "Data!C5"


def test_a_named_sheet_and_a_range(workbook, defn):
    workbook({"Cover": [["title"]], "Table 1": [["note"], [None, "geo", "sex", "value", "x"],
                                                [None, "A", "total", 7, "y"],
                                                [None, "B", "total", 8, "z"],
                                                [None, "footnote", None, None]]})
    data, locator = read_excel(defn(", sheet: Table 1, range: B2:D4"))
    assert data["geo"] == ["A", "B"] and data["value"] == [7, 8]
    assert locator.columns == {"geo": 2, "sex": 3, "value": 4}
    assert locator.locate(1, 4).cell == "Table 1!D4"


def test_no_such_sheet_names_the_sheets(workbook, defn):
    workbook({"Data": ROWS})
    with pytest.raises(InputError) as err:
        read_excel(defn(", sheet: Tabel"))
    assert err.value.message == "t.xlsx has no sheet 'Tabel' (sheets: Data)"
    assert (err.value.location.file, err.value.location.line) == ("spec.yaml", 3)


def test_a_sheet_without_data_rows(workbook, defn):
    workbook({"Data": [["geo", "sex", "value"], [None, None, None]]})
    with pytest.raises(InputError, match="sheet 'Data' has no data rows below the header"):
        read_excel(defn())


def test_a_missing_column(workbook, defn):
    workbook({"Data": [["geo", "sex", "values"], ["A", "total", 1]]})
    with pytest.raises(InputError, match="has no column 'value'; did you mean 'values'"):
        read_excel(defn())


def test_not_a_workbook(defn, tmp_path):
    (tmp_path / "t.xlsx").write_text("geo,sex,value\n")
    d = defn()
    with pytest.raises(InputError, match="cannot read Excel workbook") as err:
        read_excel(d)
    assert err.value.location.file == "t.xlsx"


LOCATOR = Locator("t.xlsx", "excel", 2, {"value": 3}, "Data")


def counts(cells: list, defn, notes=None) -> np.ndarray:
    return counts_from_cells(cells, "value", defn, LOCATOR, np.arange(len(cells)),
                             [] if notes is None else notes)


def test_counts_from_cells(defn):
    d = defn(', missing_values: [":"], thousands: comma')
    notes: list[Note] = []
    got = counts([3, 4.0, None, ":", " 12 ", "1,234", "5.0"], d, notes)
    assert got[[0, 1, 4, 5, 6]].tolist() == [3, 4, 12, 1234, 5]
    assert np.isnan(got[[2, 3]]).all()
    (note,) = notes
    assert "with a zero decimal part were read as whole numbers" in note.message


@pytest.mark.parametrize("cell, problem, at", [
    (2.5, "2.5 is not a whole number", "C3"),
    (float("inf"), "inf is not a whole number", "C3"),
    (True, "True is not a count", "C3"),
    ("many", "text 'many' is not a count", "C3"),
    ("1,234", "'1,234' has thousands separators", "C3"),
    (object, "is not a count", "C3"),
])
def test_a_bad_cell_is_located_at_its_cell(defn, cell, problem, at):
    with pytest.raises(InputError) as err:
        counts([1, cell], defn())
    assert err.value.message.startswith("count column 'value': ")
    assert problem in err.value.message
    assert err.value.location.file == f"t.xlsx!Data!{at}"
