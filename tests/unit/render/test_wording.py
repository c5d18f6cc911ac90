"""render.wording: the words of every record of core/reasons.py, pinned one by one, and a
property that every record type is worded (without raising) for any field values."""

from __future__ import annotations

import dataclasses
import inspect
import math
import types
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.core import reasons as r
from missingstats.core.errors import Location
from missingstats.core.findings import Value
from missingstats.render.wording import change_text, split_words, words

INF = math.inf
X = Value.exact


def records() -> list[type]:
    return [c for _, c in inspect.getmembers(r, inspect.isclass)
            if c.__module__ == r.__name__ and dataclasses.is_dataclass(c)]


# --- one exact sentence per record ------------------------------------------------------------

FELL = r.Fell("identified", X(1053), X(1035), -18.0)
CASES = [
    (r.CountUnrecorded("604", "servicemen, detained", "detained.total"),
     'no figure holds "604": add the figure, or check the quote of detained.total'),
    (r.DivisionByZero("total - found"),
     "division by zero: total - found is 0, so the rule cannot be decided for these figures"),
    (r.Confidential(), "not evaluable: a cell is confidential"),
    (r.MissingAs(("women", "children"), "zero"),
     "women, children not reported, counted as 0 (missing: zero)"),
    (r.MissingAs(("women",), "fail"),
     "women not reported, which this rule counts as a failure (missing: fail)"),
    (r.DependsOnRounding((("total", Value(lo=650.0, hi=750.0, stated=700.0)),), "pass"),
     "depends on the precision implied by rounding (700 stands for 650 to 750); "
     "taken as written (total 700) it holds"),
    (r.Confidential(("total", "male")), "not evaluable: total, male are confidential"),
    (r.Flagged((("female", "e"),), "warning"),
     "reported as warning: the failure involves estimated or provisional values: female (e)"),
    (r.WithinRounding("geo", 1, ()), "holds only within the rounding of the published values"),
    (r.WithinRounding("geo", 1200, (("geo", "ES"), ("time", "2001"))),
     "geo: 1,200 instances hold only within the rounding of the published values (half a "
     "rounding unit per cell), e.g. at geo=ES, time=2001"),
    (r.CodeNotPublished("split", "sex", "X", "cube"),
     "rule 'split' names sex=X, a declared code that table 'cube' does not publish: its "
     "instances there are not evaluable"),
    (r.NotReported(("a", "b")), "not evaluable: a, b not reported"),
    (r.NotAvailable(), "not evaluable: a count is not available"),
    (r.NotAvailable(("value",)), "not evaluable: value not available"),
    (r.SameCell(Location("cube.csv", 6, 3)), "same coordinates as line 6"),
    (r.SameCell(Location("cube.parquet", 6, 3)), "same coordinates as row 6"),
    (r.SameCell(Location("book.xlsx", 6, 3, "T!C6")), "same coordinates as T!C6"),
    (r.UnknownCode("X", "geo", "inline", 3), "'X' is not a code of geo (the spec lists 3 codes)"),
    (r.UnknownCode("X", "geo", "geo.csv", 12),
     "'X' is not a code of geo (geo.csv lists 12 codes)"),
    (r.NoRow(), "this combination of codes has no row"),
    (r.Decides(joint=(("a", Value(1, 5)), ("b", None))),
     "depends jointly on where the true values lie for a (1 to 5), b"),
    (r.Decides(joint=(("a", Value(1, 5)), ("b", None)), within_bounds=True),
     "depends on where the true values lie within the bounds of a, b"),
    (r.Decides((r.Split("d", Value(871, INF, "at least", 871),
                        (r.Piece(871, 3889, "pass"), r.Piece(3890, INF, "fail")), ()),)),
     "holds if d (at least 871) is at most 3,889; fails above"),
    (FELL, "identified fell from 1,053 to 1,035 (-18)"),
    (r.Fell("a", Value(10, 20), X(5), None), "a fell from 10 to 20 to 5"),
    (r.ChangedTooMuch("missing", X(1145), X(1845), 700.0, 500.0, 0.3),
     "missing rose from 1,145 to 1,845 (+700, +61.1%), more than the plausible change of 500 or 30%"),
    (r.ChangedTooMuch("m", X(0), X(600), 600.0, 500.0, None),
     "m rose from 0 to 600 (+600), more than the plausible change of 500"),
    (r.ChangedTooMuch("m", X(1000), X(400), -600.0, None, 0.5),
     "m fell from 1,000 to 400 (-600, -60%), more than the plausible change of 50%"),
    (r.StockGap("missing", X(1145), X(1845), X(1163),
                (r.Flow("reported", 1, X(30)), r.Flow("identified", -1, X(12)))),
     "missing went from 1,145 to 1,845, but its flows give 1,163 (1,145 +30 reported -12 identified)"),
    (r.StockGap("s", X(10), X(20), Value(10, 15),
                (r.Flow("in", 1, Value(0, 5)), r.Flow("out", -1, None))),
     "s went from 10 to 20, but its flows give 10 to 15 (10 +(0 to 5) in out not reported)"),
    (r.Explained("2020-12-31", "recount", FELL),
     "explained by the revision recorded in the 2020-12-31 edition (recount): "
     "identified fell from 1,053 to 1,035 (-18)"),
    (r.ShareMismatch("pct", "over 49", ("a", "b"), "t", (30.0, 100.0), (30.0, 30.0), 1),
     "pct says over 49 per cent, but a + b / t = 30 / 100 = 30.0 per cent"),
    (r.ShareMismatch("pct", "49", ("a",), "t", None, (30.0, 35.0), 0),
     "pct says 49 per cent, but a / t = the counts = 30 to 35 per cent"),
    (r.SharesCannotSum(("40", "50"), 100.0, 89.0, 91.0, False, True),
     "the shares 40 + 50 per cent cannot add to 100: with their rounding their sum is at least "
     "89 and less than 91"),
    (r.SharesCannotSum(("60", "50"), 100.0, 109.0, 111.0, True, False),
     "the shares 60 + 50 per cent cannot add to 100: with their rounding their sum is more than "
     "109 and at most 111"),
    (r.QuoteNotFound("a", "t.txt"), "the quote of a is not in t.txt"),
    (r.QuoteNotFound("a", "t.txt", 7, "some 300 persons"),
     'the quote of a is not in t.txt; the closest passage is at line 7: "some 300 persons..."'),
    (r.QuoteWithoutCount("a", "t.txt", Value(871, INF, "at least", 871)),
     "the quote of a is in t.txt but holds no count that could be at least 871"),
    (r.QuoteDiffers("a", 4, "some 300"),
     'the quote of a differs from the text at line 4: "some 300..." (the number agrees)'),
    (r.TextDiffers("at least 871", X(871), False, True),
     'the text says "at least 871" where the sheet has 871 (exact): qualifier differs'),
    (r.TextDiffers("872", X(871), True, False),
     'the text says "872" where the sheet has 871: value differs'),
    (r.TextDiffers("about 900", Value(871, INF, "at least", 871), True, True),
     'the text says "about 900" where the sheet has at least 871: value and qualifier differ'),
    (r.CountDisagrees("92 children", "detained children",
                      (("detained.children", X(29)), ("missing.children", X(71)))),
     'the text says "92 children" (detained children) but the sheet records '
     "detained.children = 29; missing.children = 71"),
    (r.TextNotFound("letter.txt"),
     "the sheet's text 'letter.txt' was not found beside it; prose not checked (give --text PATH)"),
    (r.TextLineElsewhere("a", 3, 5, "t.txt"), "a: text_line is 3 but the number is on line 5 of t.txt"),
    (r.RevisionApplied("cum", FELL, "2019-12-31", "2020-12-31", "recount"),
     "cum: identified fell from 1,053 to 1,035 (-18) (2019-12-31 -> 2020-12-31); "
     "explained by a revision: recount"),
    (r.RevisionUnused("a", "2020", None),
     "the revision of a recorded in the 2020 edition explains no failing step of the series "
     "rules (it covers comparisons from the edition before on)"),
    (r.RevisionUnused("a", "2020", "2018"),
     "the revision of a recorded in the 2020 edition explains no failing step of the series "
     "rules (it covers comparisons from 2018 on)"),
    (r.NewInRevision("HEAD"), "not in HEAD (new since): there is no older version to compare against"),
    (r.NewInRevision("HEAD", True), "not in HEAD (new since): nothing to compare against"),
    (r.OlderUnreadable("HEAD:s.yaml", "bad YAML"),
     "the older version (HEAD:s.yaml) cannot be read, so it was not compared: bad YAML"),
    (r.SameEdition("2020-01-01"),
     "both versions are the edition as of 2020-01-01: the changes are corrections of that "
     "edition, so the series rules were not applied"),
    (r.EditionChange("2021", True, 6, "HEAD"), "edition 2021 is new since HEAD (6 figures)"),
    (r.EditionChange("2019", False, 5, "HEAD"),
     "edition 2019 is no longer in the file since HEAD (5 figures)"),
    (r.FigureChange("a", "changed", X(1053), X(1035), -18.0, -18 / 1053, "HEAD"),
     "a: 1,053 -> 1,035 (-18, -1.7%) since HEAD"),
    (r.FigureChange("p", "changed", X(50, "percent"), X(47.5, "percent"), -2.5, None, "HEAD",
                    "2021"),
     "edition 2021: p: 50% -> 47.5% (-2.5 points) since HEAD"),
    (r.FigureChange("a", "changed", Value(1, 5), Value(2, 6), None, None, "HEAD"),
     "a: 1 to 5 -> 2 to 6 (bounds changed) since HEAD"),
    (r.FigureChange("a", "added", None, X(7), None, None, "HEAD"), "a (7) is new since HEAD"),
    (r.FigureChange("a", "removed", X(7), None, None, None, "HEAD~1"),
     "a (was 7) is no longer reported since HEAD~1"),
    (r.FlagMismatch("--text", "table spec"),
     "--text applies to figure sheets, not to this table spec file"),
]


@pytest.mark.parametrize("record, text", CASES,
                         ids=[f"{type(rec).__name__}-{i}" for i, (rec, _) in enumerate(CASES)])
def test_words_of_each_record(record, text):
    assert words(record) == text


def test_every_record_type_has_a_pinned_sentence():
    pinned = {type(rec) for rec, _ in CASES}
    # Piece, Split and Flow are parts of Decides and StockGap, worded inside them
    parts = {r.Piece, r.Split, r.Flow}
    missing = {c.__name__ for c in records()} - {c.__name__ for c in pinned | parts}
    assert not missing, f"add a sentence for {sorted(missing)}"


def test_strings_pass_through_and_unknown_objects_raise():
    assert words("a note the loader worded") == "a note the loader worded"
    with pytest.raises(TypeError, match="no words for object"):
        words(object())
    with pytest.raises(TypeError, match="no words for int"):
        words(3)


# --- the undetermined splits -------------------------------------------------------------------

LOOSE = Value(871, INF, "at least", 871)


@pytest.mark.parametrize("pieces, text", [
    ((r.Piece(871, 3889, "pass"), r.Piece(3890, INF, "fail")),
     "holds if d (at least 871) is at most 3,889; fails above"),
    ((r.Piece(871, 999, "fail"), r.Piece(1000, INF, "pass")),
     "fails if d (at least 871) is at most 999; holds above"),
    ((r.Piece(871, 899, "fail"), r.Piece(900, 950, "pass"), r.Piece(951, INF, "fail")),
     "holds only if d (at least 871) is between 900 and 950; fails otherwise"),
    ((r.Piece(871, 871, "pass"), r.Piece(872, INF, "undetermined")),
     "d (at least 871): holds if it is exactly 871; depends on b, c if it is at least 872"),
    ((r.Piece(871, INF, "undetermined"),),
     "d (at least 871): depends on b, c if it is anywhere in its bounds"),
])
def test_split_words(pieces, text):
    assert split_words(r.Split("d", LOOSE, pieces, ("b", "c"))) == text


def test_split_words_without_other_figures_names_the_other_bounds():
    s = r.Split("d", Value(0, 10), (r.Piece(0, 4, "undetermined"), r.Piece(5, 10, "undetermined")), ())
    assert split_words(s) == ("d (0 to 10): depends on the other bounds if it is at most 4; "
                              "depends on the other bounds if it is at least 5")


def test_decides_joins_several_splits():
    a = r.Split("a", Value(0, 10), (r.Piece(0, 4, "pass"), r.Piece(5, 10, "fail")), ())
    b = r.Split("b", Value(0, 10), (r.Piece(0, 2, "fail"), r.Piece(3, 10, "pass")), ())
    assert words(r.Decides((a, b))) == ("holds if a (0 to 10) is at most 4; fails above; "
                                        "fails if b (0 to 10) is at most 2; holds above")


@pytest.mark.parametrize("status, change, relative, unit, text", [
    ("changed", -18.0, -0.017, "count", "-18, -1.7%"),
    ("changed", 2.0, None, "percent", "+2 points"),
    ("changed", None, None, "count", "bounds changed"),
    ("added", None, None, "count", "added"),
    ("removed", None, None, "count", "removed"),
])
def test_change_text(status, change, relative, unit, text):
    assert change_text(status, change, relative, unit) == text


# --- every record, any field values ------------------------------------------------------------

FLOATS = st.floats(allow_nan=True, allow_infinity=True)
TEXT = st.text(max_size=12)
VALUES = st.builds(Value, FLOATS, FLOATS, st.none() | st.sampled_from(
    ["at least", "about", "between", "tens of thousands", "exactly", "over"]) | TEXT,
    st.none() | FLOATS, st.sampled_from(["count", "percent"]), st.none() | TEXT)
LOCATIONS = st.builds(Location, st.sampled_from(["a.csv", "b.parquet", "s.yaml"]),
                      st.none() | st.integers(1, 10**6), st.none() | st.integers(1, 500),
                      st.none() | st.just("T!C7"), st.none() | st.integers(1, 99))
SIMPLE_RECORDS = st.one_of(
    st.builds(r.Fell, TEXT, VALUES, VALUES, st.none() | FLOATS),
    st.builds(r.NotReported, st.lists(TEXT, max_size=3).map(tuple)),
    st.builds(r.NoRow),
)
# fields whose values the record documents as one of a few
CONSTRAINED = {
    ("Piece", "status"): st.sampled_from(["pass", "fail", "undetermined"]),
    ("FigureChange", "status"): st.sampled_from(["changed", "added", "removed"]),
    ("ShareMismatch", "decimals"): st.integers(0, 6),
    ("Flow", "sign"): st.sampled_from([1, -1]),
}


def strategy(hint) -> st.SearchStrategy:
    """A strategy for a field's type hint, with our own for values, locations and records."""
    origin = typing.get_origin(hint)
    if hint is Value:
        return VALUES
    if hint is Location:
        return LOCATIONS
    if hint is object:
        return SIMPLE_RECORDS
    if hint is float:
        return FLOATS
    if hint is str:
        return TEXT
    if hint is int:
        return st.integers(-10**9, 10**9)
    if hint is bool:
        return st.booleans()
    if hint is type(None):
        return st.none()
    if origin in (typing.Union, types.UnionType):
        return st.one_of([strategy(a) for a in typing.get_args(hint)])
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(strategy(args[0]), max_size=3).map(tuple)
        return st.tuples(*(strategy(a) for a in args))
    if dataclasses.is_dataclass(hint):
        return record_strategy(hint)
    raise AssertionError(f"no strategy for {hint!r}")


def record_strategy(cls: type) -> st.SearchStrategy:
    hints = typing.get_type_hints(cls)
    fields = {f.name: CONSTRAINED[(cls.__name__, f.name)] if (cls.__name__, f.name) in CONSTRAINED
              else strategy(hints[f.name]) for f in dataclasses.fields(cls)}
    return st.builds(cls, **fields)


WORDED = [c for c in records() if c not in (r.Piece, r.Split, r.Flow)]


@pytest.mark.parametrize("cls", WORDED, ids=lambda c: c.__name__)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_every_record_is_worded_for_any_values(cls, data):
    record = data.draw(record_strategy(cls))
    text = words(record)
    assert isinstance(text, str) and text
    assert "object at 0x" not in text  # never a Python repr


@settings(max_examples=25, deadline=None)
@given(record_strategy(r.Split))
def test_split_words_for_any_pieces(split):
    assert isinstance(split_words(split), str)
