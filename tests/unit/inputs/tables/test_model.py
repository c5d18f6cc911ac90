"""inputs.tables.model: spec-wide code ids, cell provenance, and the columnar Table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.core.errors import Location
from missingstats.inputs.tables.model import CodeBook, Locator, Table
from missingstats.inputs.tables.spec import Hierarchy

SPEC = """
tables:
  t: {path: t.csv, dimensions: [geo, sex], measure: value}
hierarchies:
  sex: {total: [female, male]}
"""


def book() -> CodeBook:
    return CodeBook({"sex": Hierarchy("sex", ["total", "female", "male"],
                                      [("total", "female"), ("total", "male")], Location("s"))})


def test_declared_codes_come_first():
    b = book()
    assert b.codes["sex"] == ["total", "female", "male"]
    assert b.declared == {"sex": 3}
    assert b.has_list("sex") and not b.has_list("geo")
    assert b.size("sex") == 3 and b.size("geo") == 0


def test_lookup_gives_dense_ids_and_adds_unknown_codes():
    b = book()
    assert b.lookup("sex", ["male", "other", "total", "other"]).tolist() == [2, 3, 0, 3]
    assert b.lookup("sex", []).dtype == np.int32
    assert b.codes["sex"][3] == "other" and b.size("sex") == 4 and b.declared["sex"] == 3
    assert b.lookup("geo", ["B", "A"]).tolist() == [0, 1]
    assert [b.label("geo", i) for i in (0, np.int32(1))] == ["B", "A"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(max_size=3), max_size=6), max_size=5))
def test_lookup_is_a_stable_bijection(batches):
    """However codes arrive, each text has one id, ids are dense, and labels read them back."""
    b = CodeBook({})
    seen: dict[str, int] = {}
    for batch in batches:
        for code, i in zip(batch, b.lookup("d", batch).tolist()):
            assert seen.setdefault(code, i) == i
            assert b.label("d", i) == code
    assert sorted(seen.values()) == list(range(len(seen))) == list(range(b.size("d")))


def test_locator_for_csv_and_excel():
    csv = Locator("t.csv", "csv", 2, {"geo": 1, "value": 3})
    assert csv.locate(0, 3) == Location("t.csv", 2, 3)
    assert csv.where(4, 3) == "t.csv:6:3"
    xl = Locator("t.xlsx", "excel", 4, {"value": 28}, "Table 1")
    assert xl.locate(1, 28) == Location("t.xlsx", 5, 28, "Table 1!AB5")
    assert xl.where(1, 28) == "t.xlsx!Table 1!AB5"
    pq = Locator("t.parquet", "parquet", 1, {})
    assert pq.locate(np.int64(9), np.int32(2)) == Location("t.parquet", 10, 2)


@pytest.fixture
def table(table_spec) -> tuple[Table, CodeBook]:
    spec = table_spec(SPEC)
    b = CodeBook(spec.hierarchies)
    geo = b.lookup("geo", ["A", "B"])
    codes = {"geo": np.array([geo[0]] * 3 + [geo[1]] * 3, dtype=np.int8),
             "sex": np.array([0, 1, 2, 0, 1, 2], dtype=np.int8)}
    value = np.array([10, 4, 6, 5, np.nan, 3], dtype=float)
    locator = Locator("t.csv", "csv", 2, {"geo": 1, "sex": 2, "value": 3})
    return Table(spec.tables["t"], ["geo", "sex"], codes, value, None, 3, locator), b


def test_table_basics(table):
    t, _ = table
    assert (t.name, t.measure, len(t)) == ("t", "value", 6)
    assert (t.row_of(4), t.col_of(4)) == (4, 3)
    assert t.locate(4) == Location("t.csv", 6, 3)
    assert t.locate_dim(4, "sex") == Location("t.csv", 6, 2)
    assert t.notes == []


def test_subset_keeps_input_rows(table):
    t, _ = table
    sub = t.subset(np.array([False, True, False, False, True, True]))
    assert len(sub) == 3
    assert sub.row.tolist() == [1, 4, 5]
    assert sub.locate(1) == Location("t.csv", 6, 3)
    assert sub.codes["sex"].tolist() == [1, 1, 2]
    again = sub.subset(np.array([False, True, True]))
    assert again.row.tolist() == [4, 5] and again.locate(0) == Location("t.csv", 6, 3)


def test_frame_for_pandas_users(table):
    t, b = table
    frame = t.frame(b)
    assert list(frame.columns) == ["geo", "sex", "value", "_row", "_column"]
    assert list(frame["sex"].cat.categories) == ["total", "female", "male"]
    assert frame["value"].dtype == pd.Int64Dtype()
    assert frame["value"].isna().tolist() == [False, False, False, False, True, False]
    assert frame["geo"].tolist() == ["A", "A", "A", "B", "B", "B"]
    assert frame["_row"].tolist() == list(range(6)) and set(frame["_column"]) == {3}


def test_wide_cells_locate_their_own_column(table_spec):
    spec = table_spec("""
        tables:
          t:
            path: t.csv
            dimensions: [geo]
            wide: {dimension: sex, columns: {total: Total, female: F}}
        """)
    codes = {"geo": np.array([0, 0]), "sex": np.array([0, 1])}
    loc = Locator("t.csv", "csv", 2, {"geo": 1, "Total": 2, "F": 3})
    t = Table(spec.tables["t"], ["geo", "sex"], codes, np.array([3.0, 1.0]), np.array([0, 0]),
              np.array([2, 3]), loc)
    assert t.locate(1) == Location("t.csv", 2, 3)
    assert t.locate_dim(1, "sex") == Location("t.csv", 2, 3)  # the code is the column itself
    assert t.locate_dim(1, "geo") == Location("t.csv", 2, 1)
