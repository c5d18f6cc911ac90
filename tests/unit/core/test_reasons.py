"""core.reasons: the closed vocabulary of why an instance is not a plain pass, as data only."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from missingstats.core import reasons as r
from missingstats.core.errors import Location
from missingstats.core.findings import Value


def records() -> list[type]:
    """Every record type defined in core/reasons.py (not the ones it imports)."""
    return [c for _, c in inspect.getmembers(r, inspect.isclass)
            if c.__module__ == r.__name__ and dataclasses.is_dataclass(c)]


def test_the_vocabulary_is_all_records():
    names = {c.__name__ for c in records()}
    assert {"NotReported", "NotAvailable", "SameCell", "UnknownCode", "NoRow", "Piece", "Split",
            "Decides", "Fell", "ChangedTooMuch", "Flow", "StockGap", "Explained", "ShareMismatch",
            "SharesCannotSum", "QuoteNotFound", "QuoteWithoutCount", "QuoteDiffers", "TextDiffers",
            "CountDisagrees", "TextNotFound", "TextLineElsewhere", "RevisionApplied",
            "RevisionUnused", "NewInRevision", "OlderUnreadable", "SameEdition", "EditionChange",
            "FigureChange", "FlagMismatch"} <= names
    # every class the module defines is a record: no helpers with behaviour hide in it
    defined = [c for _, c in inspect.getmembers(r, inspect.isclass) if c.__module__ == r.__name__]
    assert len(defined) == len(records())


@pytest.mark.parametrize("cls", records(), ids=lambda c: c.__name__)
def test_records_are_frozen_slotted_values(cls):
    params = cls.__dataclass_params__
    assert params.frozen, f"{cls.__name__} must be immutable"
    assert hasattr(cls, "__slots__")
    # records hold data only: no methods beyond what dataclass generates
    own = {k for k, v in vars(cls).items() if inspect.isfunction(v)}
    assert own <= {"__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__",
                   "__getstate__", "__setstate__", "__replace__"}


def test_defaults():
    assert r.NotAvailable().names == ()
    assert r.NoRow() == r.NoRow()
    d = r.Decides()
    assert (d.splits, d.joint, d.within_bounds) == ((), (), False)
    q = r.QuoteNotFound("a", "t.txt")
    assert (q.closest_line, q.snippet) == (None, "")
    assert r.NewInRevision("HEAD").editions_file is False
    assert r.FigureChange("a", "added", None, Value.exact(1), None, None, "HEAD").edition is None


def test_records_compare_and_hash_by_value():
    a = r.UnknownCode("X", "geo", "geo.csv", 3)
    assert a == r.UnknownCode("X", "geo", "geo.csv", 3)
    assert a != r.UnknownCode("Y", "geo", "geo.csv", 3)
    assert len({a, r.UnknownCode("X", "geo", "geo.csv", 3)}) == 1
    cell = r.SameCell(Location("t.csv", 6, 3))
    assert hash(cell) == hash(r.SameCell(Location("t.csv", 6, 3)))


def test_records_cannot_be_changed():
    fell = r.Fell("identified", Value.exact(1053), Value.exact(1035), -18.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fell.change = 0.0  # type: ignore[misc]


def test_nested_records_keep_their_parts():
    split = r.Split("detained.total", Value(871, float("inf"), "at least", 871),
                    (r.Piece(871, 3889, "pass"), r.Piece(3890, float("inf"), "fail")), ())
    d = r.Decides((split,))
    assert d.splits[0].pieces[1].status == "fail"
    gap = r.StockGap("missing", Value.exact(1145), Value.exact(1845), Value.exact(1163),
                     (r.Flow("reported", 1, Value.exact(30)), r.Flow("identified", -1, None)))
    assert [f.sign for f in gap.flows] == [1, -1]
    explained = r.Explained("2020-12-31", "recount", r.Fell("a", Value.exact(2), Value.exact(1), -1))
    assert isinstance(explained.failure, r.Fell)
