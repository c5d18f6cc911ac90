"""inputs.tables.load: CSV, TSV and Parquet tables into code ids and counts, with every
bad cell an InputError at its line and column."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missingstats.core.errors import InputError, Location
from missingstats.inputs.tables.load import load_table
from missingstats.inputs.tables.model import CodeBook

LONG = """
tables:
  t: {{path: {path}, dimensions: [geo, sex], measure: value{extra}}}
hierarchies:
  sex: {{total: [female, male]}}
"""


def spec_text(path: str = "t.csv", extra: str = "") -> str:
    return LONG.format(path=path, extra=extra)


@pytest.fixture
def load(table_spec):
    """Load table t of a spec: (Table, CodeBook)."""
    def run(spec: str, **files):
        s = table_spec(spec, **files)
        book = CodeBook(s.hierarchies)
        return load_table(s.tables["t"], book), book

    return run


def labels(table, book, dim: str) -> list[str]:
    return [book.label(dim, i) for i in table.codes[dim]]


def located(err: pytest.ExceptionInfo) -> tuple:
    loc = err.value.location
    return loc.file, loc.line, loc.column


def test_a_long_csv(load):
    t, book = load(spec_text(), t_csv="""
        geo,sex,value
        A,total,10
        A,female,4
        A,male,
        B, total ,NA
        """)
    assert labels(t, book, "geo") == ["A", "A", "A", "B"]
    assert labels(t, book, "sex") == ["total", "female", "male", "total"]  # " total " is total
    assert np.isnan(t.value[2:]).all() and t.value[:2].tolist() == [10, 4]
    assert t.dims == ["geo", "sex"] and t.col == 3 and t.row is None
    assert t.locate(3) == Location("t.csv", 5, 3)
    assert book.codes["sex"][:3] == ["total", "female", "male"]  # declared ids kept


def test_blank_lines_are_dropped_and_lines_stay_right(load):
    t, _ = load(spec_text(), t_csv="geo,sex,value\nA,total,10\n\nA,female,4\n,,\nB,male,1\n")
    assert t.value.tolist() == [10, 4, 1]
    assert [t.locate(i).line for i in range(3)] == [2, 4, 6]


def test_missing_values_markers(load):
    spec = spec_text(extra=', missing_values: [":", ".."]')
    t, _ = load(spec, t_csv="geo,sex,value\nA,total,:\nA,female,..\nA,male,3\n")
    assert np.isnan(t.value[:2]).all() and t.value[2] == 3


def test_thousands_separators_when_declared(load):
    spec = spec_text(extra=', thousands: comma')
    t, _ = load(spec, t_csv='geo,sex,value\nA,total,"1,234"\nA,female,12\n')
    assert t.value.tolist() == [1234, 12]


def test_zero_decimal_counts_are_read_with_a_note(load):
    t, _ = load(spec_text(), t_csv="geo,sex,value\nA,total,12.0\nA,female,3\n")
    assert t.value.tolist() == [12, 3]
    (note,) = t.notes
    assert "written with a decimal part of zero" in note.message and note.location.file == "t.csv"


@pytest.mark.parametrize("cell, problem", [
    ("1.5", "'1.5' is not a whole number"),
    ('"1,234"', "'1,234' has thousands separators"),
    ("many", "text 'many' is not a count"),
])
def test_a_bad_count_is_located(load, cell, problem):
    with pytest.raises(InputError) as err:
        load(spec_text(), t_csv=f"geo,sex,value\nA,total,1\nA,female,{cell}\nA,male,x\n")
    assert err.value.message.startswith(f"count column 'value': {problem}")
    assert err.value.message.endswith("(1 more cell like it)")
    assert located(err) == ("t.csv", 3, 3)


def test_infinite_and_fractional_floats_in_parquet(load, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"geo": ["A", "B"], "sex": ["total", "total"],
                             "value": [1.0, math.inf]}), tmp_path / "t.parquet")
    with pytest.raises(InputError) as err:
        load(spec_text("t.parquet"))
    assert err.value.message == "count column 'value': infinity is not a count"
    assert located(err) == ("t.parquet", 2, 3)


def test_a_parquet_table_with_integer_codes(load, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    spec = """
    tables:
      t: {path: t.parquet, dimensions: [year, sex], measure: value}
    """
    pq.write_table(pa.table({"year": [2021, 2019, 2020, 2019], "sex": ["f", "m", "f", "f"],
                             "value": pa.array([1, 2, None, 4], pa.int64())}), tmp_path / "t.parquet")
    t, book = load(spec)
    assert labels(t, book, "year") == ["2021", "2019", "2020", "2019"]
    assert book.codes["year"] == ["2019", "2020", "2021"]  # integer codes ranked
    assert np.isnan(t.value[2]) and t.value[[0, 1, 3]].tolist() == [1, 2, 4]
    assert t.locate(3) == Location("t.parquet", 4, 3)


def test_a_wide_csv_is_melted_row_major(load):
    spec = """
    tables:
      t:
        path: t.csv
        dimensions: {geo: Region}
        wide: {dimension: sex, columns: {total: Total, female: F, male: M}}
    """
    t, book = load(spec, t_csv="Region,Total,F,M\nA,10,4,6\nB,5,2,\n")
    assert labels(t, book, "geo") == ["A"] * 3 + ["B"] * 3
    assert labels(t, book, "sex") == ["total", "female", "male"] * 2
    assert t.value[:5].tolist() == [10, 4, 6, 5, 2] and np.isnan(t.value[5])
    assert t.locate(4) == Location("t.csv", 3, 3)


def test_constants_fill_down_header_and_last_row(load):
    spec = """
    tables:
      t:
        path: t.csv
        dimensions: [geo, sex]
        measure: value
        constants: {year: 2020}
        fill_down: geo
        header_row: 2
        last_row: 5
    """
    t, book = load(spec, t_csv="Title line\ngeo,sex,value\nA,female,1\n,male,2\nB,female,3\n"
                               "Note: provisional,,\n")
    assert labels(t, book, "geo") == ["A", "A", "B"]
    assert labels(t, book, "year") == ["2020"] * 3
    assert t.dims == ["geo", "sex", "year"]
    assert t.locate(2) == Location("t.csv", 5, 3)


def test_tsv_and_semicolons(load):
    t, _ = load(spec_text("t.tsv"), t_tsv="geo\tsex\tvalue\nA\ttotal\t7\n")
    assert t.value.tolist() == [7]
    t, _ = load(spec_text(extra=', delimiter: ";"'), t_csv="geo;sex;value\nA;total;8\n")
    assert t.value.tolist() == [8]


@pytest.mark.parametrize("files, message, where", [
    ({}, "table file t.csv does not exist (paths are relative to the spec)", ("spec.yaml", 3, 13)),
    ({"t_csv": "geo,sex,values\nA,total,1\n"},
     "table 't': t.csv has no column 'value'; did you mean 'values'?", ("spec.yaml", 3, 3)),
    ({"t_csv": "geo,sex,value\nA,total,1,9\n"},
     "ragged row: 4 fields where the header has 3 (1 such row)", ("t.csv", 2, None)),
    ({"t_csv": "geo,sex,value\nA,,1\n"}, "row has an empty 'sex' code (column 'sex')",
     ("t.csv", 2, 2)),
    ({"t_csv": "\n\n"}, "no header at line 1", ("t.csv", 1, None)),
    ({"t_csv": b"geo,sex,value\nA,total,1\nZ\xfcrich,total,2\n"}, "is not valid utf-8 text",
     ("t.csv", 3, 2)),
    ({"t_csv": "geo,sex,geo,value\nA,total,B,1\n"}, "t.csv has two columns named 'geo'",
     ("t.csv", 1, None)),
])
def test_bad_tables_are_located_input_errors(load, files, message, where):
    with pytest.raises(InputError) as err:
        load(spec_text(), **files)
    assert err.value.message.startswith(message)
    assert located(err) == where


def test_a_directory_is_not_a_table(load, tmp_path):
    (tmp_path / "t.csv").mkdir()
    with pytest.raises(InputError, match="table path t.csv is a directory"):
        load(spec_text())


COUNTS = st.lists(st.one_of(st.integers(0, 10**12), st.none()), min_size=1, max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counts=COUNTS, blanks=st.lists(st.booleans(), min_size=25, max_size=25))
def test_any_counts_load_exactly_with_their_lines(load, counts, blanks):
    """Counts (empty = not available) come back exactly, each cell at its own line, blank
    lines between rows notwithstanding."""
    lines, expected_lines = ["geo,sex,value"], []
    for i, c in enumerate(counts):
        if blanks[i]:
            lines.append("")
        lines.append(f"G{i},total,{'' if c is None else c}")
        expected_lines.append(len(lines))
    t, book = load(spec_text(), t_csv="\n".join(lines) + "\n")
    got = [None if math.isnan(v) else int(v) for v in t.value]
    assert got == counts
    assert [t.locate(i).line for i in range(len(t))] == expected_lines
    assert labels(t, book, "geo") == [f"G{i}" for i in range(len(counts))]
