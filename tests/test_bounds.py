"""Qualifier words -> integer intervals (bounds.py), and how a sheet uses them."""

from __future__ import annotations

import math

import pytest

from missingstats.core.errors import InputError
from missingstats.inputs.sheet import load_sheet
from missingstats.language import bounds

INF = math.inf


@pytest.mark.parametrize(
    ("value", "qualifier", "expected"),
    [
        (871, None, (871, 871)),
        (871, "exactly", (871, 871)),
        (871, "a total of", (871, 871)),
        (871, "at least", (871, INF)),
        (871, "no fewer than", (871, INF)),
        (871, "or more", (871, INF)),
        (871, "more than", (872, INF)),
        (871, "over", (872, INF)),
        (871, "at most", (0, 871)),
        (871, "up to", (0, 871)),
        (871, "fewer than", (0, 870)),
        (0, "fewer than", (0, 0)),
        (300, "about", (270, 330)),
        (300, "some", (270, 330)),
        (300, "approximately", (270, 330)),
        (300, "nearly", (270, 300)),
        (300, "almost", (270, 300)),
        (1_000_000, "more than", (1_000_001, INF)),
        (None, "tens of thousands", (20_000, 99_999)),
        (None, "hundreds", (200, 999)),
        (None, "a dozen", (10, 14)),
    ],
)
def test_interval(value, qualifier, expected):
    assert bounds.interval(value, qualifier) == expected


def test_tolerance_widens_and_rounds_outwards():
    assert bounds.interval(300, "about", 0.05) == (285, 315)
    # 0.1 of 7 is 0.7: no other whole number is that close, so "about 7" is [7, 7]
    assert bounds.interval(7, "about", 0.1) == (7, 7)
    assert bounds.interval(25, "about", 0.1) == (23, 27)
    assert bounds.interval(0, "about") == (0, 0)


def test_words_are_normalised():
    assert bounds.interval(871, "At  Least") == (871, INF)
    assert bounds.interval(None, "tens_of_thousands") == (20_000, 99_999)
    assert bounds.is_known("More Than")
    assert not bounds.is_known("loads of")


def test_unknown_or_valueless_qualifiers_raise():
    with pytest.raises(ValueError):
        bounds.interval(3, "loads of")
    with pytest.raises(ValueError):
        bounds.interval(None, "at least")


def test_magnitudes_are_ordered_and_whole():
    for word, (lo, hi) in bounds.MAGNITUDES.items():
        assert 0 < lo <= hi, word
        assert float(lo).is_integer() and float(hi).is_integer(), word
    order = ["a dozen", "dozens", "hundreds", "thousands", "tens of thousands",
             "hundreds of thousands", "millions"]
    his = [bounds.MAGNITUDES[w][1] for w in order]
    los = [bounds.MAGNITUDES[w][0] for w in order]
    assert his == sorted(his) and los == sorted(los)
    # each plural magnitude starts above where the one below it ends: no word means two things
    for smaller, larger in zip(order[2:], order[3:]):
        assert bounds.MAGNITUDES[smaller][1] < bounds.MAGNITUDES[larger][0]


def test_families_tell_wordings_apart():
    assert bounds.family("at least") == bounds.family("no fewer than") == "lower"
    assert bounds.family(None) == bounds.family("exactly") == "exact"
    assert bounds.family("more than") == "lower_strict"
    assert bounds.family("about") == bounds.family("some") == "approx"
    assert bounds.family("nearly") == "below_approx"
    assert bounds.family("tens of thousands") == "tens of thousands"
    assert bounds.family("at least") != bounds.family(None)


def test_describe():
    assert bounds.describe(3889, 3889) == "3889"
    assert bounds.describe(871, INF, "at least", 871) == "at least 871"
    assert bounds.describe(20_000, 99_999, "tens of thousands") == "tens of thousands"
    assert bounds.describe(100, INF) == "at least 100"
    assert bounds.describe(270, 330) == "270 to 330"
    assert bounds.describe(0, 9) == "0 to 9"


def test_sheet_figures_get_intervals(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text(
        "settings: {approximate: 0.2}\n"
        "figures:\n"
        "  a: {value: 871, qualifier: at least}\n"
        "  b: {value: 300, qualifier: about}\n"
        "  c: {value: 300, qualifier: about, tolerance: 0.05}\n"
        "  d: {between: [100, null]}\n"
        "  e: {qualifier: tens of thousands}\n"
        "  f: {value: 1000000, qualifier: more than}\n"
        "  g: 42\n",
        encoding="utf-8",
    )
    figs = load_sheet(sheet).figures
    got = {name: (f.lo, f.hi) for name, f in figs.items()}
    assert got == {
        "a": (871, INF), "b": (240, 360), "c": (285, 315), "d": (100, INF),
        "e": (20_000, 99_999), "f": (1_000_001, INF), "g": (42, 42),
    }
    assert figs["a"].display() == "at least 871"
    assert figs["e"].display() == "tens of thousands"


def test_sheet_refuses_unknown_qualifier(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text("figures:\n  a: {value: 3, qualifier: loads of}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_sheet(sheet)
    assert "unknown qualifier" in str(err.value) and ":2:" in str(err.value)
