"""render.values: the one formatting of values and locations, as JSON and as words."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.core.errors import Location
from missingstats.core.findings import Figure, Value
from missingstats.render.values import (
    describe,
    figures_json,
    interval_text,
    json_number,
    location_json,
    number_text,
    range_text,
    row_text,
    side_json,
    signed_text,
    value_json,
    value_text,
    where,
)

INF = math.inf


@pytest.mark.parametrize("x, out", [
    (3889, 3889), (3889.0, 3889), (47.4, 47.4), (1 / 3, 0.333333), (-2.0, -2),
    (None, None), (True, None), (math.nan, None), (INF, None), (-INF, None), ("12", 12),
])
def test_json_number(x, out):
    got = json_number(x)
    assert got == out and type(got) is type(out)


@pytest.mark.parametrize("x, text", [
    (3889, "3,889"), (3889.0, "3,889"), (1234567, "1,234,567"), (0, "0"), (-18, "-18"),
    (47.4, "47.4"), (1234.5, "1,234.5"), (0.125, "0.125"), (1 / 3, "0.333333"),
    (0.00001, "1e-05"), (INF, "∞"), (-INF, "-∞"), (math.nan, "not reported"),
    ("X", "X"), (None, "None"), (True, "True"),
])
def test_number_text(x, text):
    assert number_text(x) == text


@settings(max_examples=60, deadline=None)
@given(st.integers(-10**15, 10**15))
def test_number_text_of_a_count_round_trips_without_separators(n):
    text = number_text(n)
    assert int(text.replace(",", "")) == n
    assert all(len(g) == 3 for g in text.lstrip("-").split(",")[1:])


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=1e-3, max_value=1e12, allow_nan=False) | st.floats(
    min_value=-1e12, max_value=-1e-3, allow_nan=False))
def test_number_text_of_a_fraction_round_trips_to_six_places(x):
    back = float(number_text(x).replace(",", ""))
    assert back == pytest.approx(round(x, 6), abs=1e-6)


@pytest.mark.parametrize("x, text", [(18, "+18"), (-18, "-18"), (0, "0"), (2.5, "+2.5")])
def test_signed_text(x, text):
    assert signed_text(x) == text


@pytest.mark.parametrize("v, text", [
    (Value.exact(3889), "3,889"),
    (Value(871, INF, "at least", 871), "at least 871"),
    (Value(20_000, 99_999, "tens of thousands"), "tens of thousands"),
    (Value(270, 330), "270 to 330"),
    (Value(270, 330, "between"), "between 270 and 330"),
    (Value(871, 871, "exactly", 871), "871"),
    (Value(48.5, 49.5, None, 49, "percent"), "49%"),
    (Value(49, INF, "over", 49, "percent"), "over 49%"),
    (Value(47.395, 47.405, None, 47.4, "percent", "47.40"), "47.40%"),
    (Value(5, INF), "at least 5"),
    (Value(-INF, 9), "at most 9"),
    (Value.exact(47.4, "percent"), "47.4%"),
])
def test_describe(v, text):
    assert describe(v) == text


def test_value_json_shapes():
    assert value_json(None) is None
    assert value_json("P001") == "P001"
    assert value_json(Value.exact(92)) == 92
    assert value_json(Value(871, INF, "at least", 871)) == {
        "lo": 871, "hi": None, "qualifier": "at least", "stated": 871, "text": "at least 871"}
    assert value_json(Value(270, 330)) == {"lo": 270, "hi": 330, "text": "270 to 330"}
    assert value_json(Value(20_000, 99_999, "tens of thousands")) == {
        "lo": 20000, "hi": 99999, "qualifier": "tens of thousands", "text": "tens of thousands"}


def test_side_json_shapes():
    assert side_json(None) is None
    assert side_json(Value.exact(5)) == 5
    assert side_json(Value(871, INF)) == [871, None]
    assert side_json(Value(1.5, 2)) == [1.5, 2]


VALUES = st.builds(
    Value, st.floats(allow_nan=False, width=32), st.floats(allow_nan=False, width=32),
    st.none() | st.sampled_from(["at least", "about", "between", "dozens", "exactly"]),
    st.none() | st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["count", "percent"]))


@settings(max_examples=80, deadline=None)
@given(VALUES)
def test_value_json_and_side_json_shapes(v):
    """An exact value is a JSON number; a bounded one a dict with its text (value_json) or a
    pair [lo, hi] (side_json), open ends null; both agree on the ends."""
    got, side = value_json(v), side_json(v)
    if v.is_exact:
        assert got == side == json_number(v.lo)
        assert got is None or isinstance(got, int | float)
    else:
        assert isinstance(got, dict) and isinstance(side, list) and len(side) == 2
        assert [got["lo"], got["hi"]] == side
        assert got["text"] == describe(v)
        assert ("qualifier" in got) == bool(v.qualifier)
        assert set(got) <= {"lo", "hi", "qualifier", "stated", "text"}
        assert all(x is None or math.isfinite(x) for x in side)
        assert value_text(got) == describe(v)


def test_location_json():
    loc = Location("s.yaml", 4, 7)
    assert location_json(loc) == {"file": "s.yaml", "line": 4, "column": 7}
    assert location_json(loc, "a.b") == {"file": "s.yaml", "line": 4, "column": 7, "figure": "a.b"}
    assert location_json(Location("t.xlsx", 7, 3, "T!C7")) == {
        "file": "t.xlsx", "line": 7, "column": 3, "cell": "T!C7"}
    assert location_json(Location("doc.pdf", 3, 1, page=2))["page"] == 2


def test_figures_json_lists_values_and_puts_the_primary_location_first():
    figs = (Figure("a", Value.exact(1), Location("s.yaml", 1, 1)),
            Figure("b", None, Location("s.yaml", 2, 1)),
            Figure("c", Value(1, 3)),
            Figure("group", None, Location("t.csv", 5, 1), listed=False))
    values, locations = figures_json(figs, primary="b")
    assert values == {"a": 1, "b": None, "c": {"lo": 1, "hi": 3, "text": "1 to 3"}}
    assert [loc["figure"] for loc in locations] == ["b", "a", "group"]
    _, locations = figures_json(figs)
    assert [loc["figure"] for loc in locations] == ["a", "b", "group"]
    assert figures_json(()) == ({}, [])


@pytest.mark.parametrize("v, text", [
    (None, "not reported"), (92, "92"), (3889, "3,889"),
    ({"lo": 800, "hi": None, "text": "at least 800"}, "at least 800"),
    ({"lo": 800, "hi": None}, "800 to ?"), ([1, 5], "1 to 5"), ((None, 5), "? to 5"),
    ("P001", "P001"),
])
def test_value_text(v, text):
    assert value_text(v) == text


def test_range_text():
    assert range_text(1000, 2000) == "1,000 to 2,000"
    assert range_text(None, None) == "? to ?"


@pytest.mark.parametrize("loc, text", [
    (None, ""), ({}, ""),
    ({"file": "s.yaml", "line": 4, "column": 7}, "s.yaml:4:7"),
    ({"file": "s.yaml", "line": 4}, "s.yaml:4"),
    ({"file": "s.yaml", "column": 4}, "s.yaml"),
    ({"file": "t.xlsx", "line": 7, "cell": "C7"}, "t.xlsx!C7"),
    ({"file": "t.xlsx", "cell": "Table!C7"}, "t.xlsx Table!C7"),
    ({"file": "d.pdf", "line": 3, "column": 1, "page": 2}, "d.pdf:3:1 (page 2)"),
])
def test_where(loc, text):
    assert where(loc) == text


@pytest.mark.parametrize("lo, hi, text", [
    (29, 393, "29 to 393"), (5, 5, "5"), (719, None, "at least 719"), (None, 9, "at most 9"),
    (None, None, "any value"),
])
def test_interval_text(lo, hi, text):
    assert interval_text(lo, hi) == text


def test_interval_text_with_other_words():
    said = ("exactly {lo}", "between {lo} and {hi}", "{lo} or more", "{hi} or fewer")
    assert interval_text(1, 1, said) == "exactly 1"
    assert interval_text(1, 2000, said) == "between 1 and 2,000"
    assert interval_text(1, None, said) == "1 or more"
    assert interval_text(None, 3, said) == "3 or fewer"


@pytest.mark.parametrize("loc, text", [
    (Location("t.csv", 7, 3), "line 7"), (Location("T.TSV", 7), "line 7"),
    (Location("t.txt", 2), "line 2"), (Location("t.parquet", 7, 3), "row 7"),
    (Location("t.xlsx", 7, 3, "Sheet!C7"), "Sheet!C7"),
])
def test_row_text(loc, text):
    assert row_text(loc) == text
