"""inputs.tables.columns: the columns a spec reads, code cell texts, and why a count is bad."""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.core.errors import InputError
from missingstats.inputs.tables.columns import (
    code_text,
    count_problem,
    grouped_pattern,
    missing_columns,
    needed_columns,
)
from missingstats.render.values import number_text

LONG = """
tables:
  t: {path: t.csv, dimensions: {geo: Region, year: Year}, measure: {value: Count}}
"""
WIDE = """
tables:
  t:
    path: t.csv
    dimensions: [geo]
    wide: {dimension: sex, columns: {total: Total, female: F, male: M}}
    missing_values: [":", ".."]
"""


def test_needed_columns_of_a_long_table(table_spec):
    assert needed_columns(table_spec(LONG).tables["t"]) == ["Region", "Year", "Count"]


def test_needed_columns_of_a_wide_table(table_spec):
    assert needed_columns(table_spec(WIDE).tables["t"]) == ["geo", "Total", "F", "M"]


def test_missing_column_names_the_file_a_close_column_and_the_spec_line(table_spec):
    defn = table_spec(LONG).tables["t"]
    with pytest.raises(InputError) as err:
        missing_columns(defn, ["Region", "year", "Count"], needed_columns(defn))
    assert err.value.message == ("table 't': t.csv has no column 'Year'; did you mean 'year'? "
                                 "(its columns: 'Region', 'year', 'Count')")
    assert (err.value.location.file, err.value.location.line) == ("spec.yaml", 3)
    missing_columns(defn, ["Count", "Year", "Region", "extra"], needed_columns(defn))  # no error


def test_missing_column_without_a_close_name_lists_at_most_30_columns(table_spec):
    defn = table_spec(LONG).tables["t"]
    header = [f"c{i}" for i in range(40)]
    with pytest.raises(InputError) as err:
        missing_columns(defn, header, ["Region"])
    assert "did you mean" not in err.value.message
    assert "'c29')" in err.value.message and "'c30'" not in err.value.message


@pytest.mark.parametrize("v, text", [
    (None, None), (math.nan, None), (3.0, "3"), (2019.0, "2019"), (2.5, "2.5"), (2019, "2019"),
    ("P001", "P001"), (" N1 ", " N1 "), (dt.date(2020, 1, 31), "2020-01-31"),
    (dt.datetime(2020, 1, 31, 12, 0), "2020-01-31T12:00:00"), (True, "True"),
])
def test_code_text(v, text):
    assert code_text(v) == text


@pytest.mark.parametrize("sep, yes, no", [
    (",", ["1,234", "12,345,678", "-1,234", "+999,000"], ["1234", "12,34", "1,2345", ",123", "1.234"]),
    (" ", ["1 234", "12 345 678"], ["1  234", "1234"]),
    (".", ["1.234"], ["1x234", "1,234"]),  # the separator is escaped, not a regex dot
    ("'", ["1'234'567"], ["1'23"]),
])
def test_grouped_pattern(sep, yes, no):
    pattern = re.compile(grouped_pattern(sep))
    assert all(pattern.match(t) for t in yes)
    assert not any(pattern.match(t) for t in no)


@settings(max_examples=80, deadline=None)
@given(st.integers(1000, 10**15), st.sampled_from([",", " ", "'", ".", "\u00a0"]))
def test_grouped_pattern_matches_every_printed_count(n, sep):
    text = number_text(n).replace(",", sep)
    assert re.match(grouped_pattern(sep), text)
    assert int(text.replace(sep, "")) == n


def test_count_problem_says_what_is_wrong(table_spec):
    defn = table_spec(WIDE).tables["t"]
    assert count_problem("1.5", defn).startswith("'1.5' is not a whole number (for decimal")
    assert count_problem(" 12. ", defn) == "'12.' ends in a decimal point; write the count with digits only"
    assert count_problem("1,234", defn) == (
        "'1,234' has thousands separators; declare them (thousands: ',') or write the count "
        "with digits only")
    assert count_problem("1\u00a0234", defn).startswith("'1\\xa0234' has thousands separators")
    assert count_problem("n/a", defn) == (
        "text 'n/a' is not a count (cells meaning 'not available': ':', '..'; add others under "
        "missing_values)")
    assert count_problem(None, defn).startswith("text '' is not a count")
