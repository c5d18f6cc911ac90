"""core.findings: statuses, values, exact counts and outcomes, the contract every kind answers in."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.core.errors import Location
from missingstats.core.findings import (
    LISTED_ORDER,
    SEVERITIES,
    Counts,
    Figure,
    Finding,
    Outcome,
    Relation,
    Status,
    Tally,
    Value,
)


def test_status_values_and_counters_follow_report_v1():
    assert [str(s) for s in Status] == ["pass", "fail", "undetermined", "missing"]
    assert {s: s.counter for s in Status} == {
        Status.PASS: "passed", Status.FAIL: "failed", Status.UNDETERMINED: "undetermined",
        Status.NOT_EVALUABLE: "missing"}
    assert Status("missing") is Status.NOT_EVALUABLE
    assert LISTED_ORDER == (Status.FAIL, Status.UNDETERMINED, Status.NOT_EVALUABLE)
    assert SEVERITIES == ("error", "warning", "info")


def test_value_exact_is_a_float_point_interval():
    v = Value.exact(871)
    assert (v.lo, v.hi, v.unit, v.qualifier, v.stated) == (871.0, 871.0, "count", None, None)
    assert isinstance(v.lo, float) and v.is_exact
    assert Value.exact(47.4, unit="percent").unit == "percent"
    assert not Value(871, math.inf, "at least", 871).is_exact


@pytest.mark.parametrize("lo, hi, expected", [
    (5, None, (5.0, 5.0)),
    ("12", "15", (12.0, 15.0)),
    (np.int64(3), np.float64(4), (3.0, 4.0)),
    (1, math.inf, (1.0, math.inf)),
])
def test_value_of_accepts_loose_cells(lo, hi, expected):
    v = Value.of(lo, hi)
    assert v is not None and (v.lo, v.hi) == expected


@pytest.mark.parametrize("lo, hi", [
    (None, None), (math.nan, None), (float("nan"), 3), (3, math.nan), ("x", None), (5, "y"),
    ([1], None),
])
def test_value_of_not_reported_is_none(lo, hi):
    assert Value.of(lo, hi) is None


def test_value_of_keeps_only_a_text_qualifier_and_a_numeric_stated():
    assert Value.of(871, math.inf, "at least", 871).qualifier == "at least"
    assert Value.of(871, math.inf, "at least", 871).stated == 871.0
    assert Value.of(5, 5, math.nan, math.nan).qualifier is None  # a frame's NaN, not a word
    assert Value.of(5, 5, "", None).qualifier is None
    assert Value.of(5, 5, None, math.nan).stated is None
    assert Value.of(47.4, unit="percent").unit == "percent"


def test_value_is_frozen_and_hashable():
    v = Value.exact(3)
    with pytest.raises(AttributeError):
        v.lo = 4  # type: ignore[misc]
    assert {v, Value.exact(3)} == {v}


def test_relation_part_whole_only_with_a_whole():
    assert Relation("<=", ("a", "b"), "t").part_whole
    assert not Relation("==").part_whole
    assert Relation("<=").parts == ()


def test_figure_and_finding_defaults():
    fig = Figure("missing.total", Value.exact(3889), Location("letter.yaml", 5, 12))
    assert fig.listed
    f = Finding("r", "error", Status.FAIL, "s.yaml", "a <= b", (fig,))
    assert (f.lhs, f.rhs, f.difference, f.coordinates, f.reason, f.decides, f.primary,
            f.relation, f.message) == (None,) * 9


def test_counts_count_adds_to_checked_and_the_status_counter():
    c = Counts()
    c.count(Status.PASS)
    c.count(Status.FAIL, 3)
    c.count(Status.NOT_EVALUABLE, 2)
    c.count(Status.UNDETERMINED, 0)
    assert (c.checked, c.passed, c.failed, c.undetermined, c.missing) == (6, 1, 3, 0, 2)


def test_counts_of_masks_exact():
    masks = {Status.PASS: np.array([True, False, False, True]),
             Status.FAIL: np.array([False, True, False, False]),
             Status.NOT_EVALUABLE: np.array([False, False, True, False])}
    c = Counts.of_masks(masks)
    assert (c.checked, c.passed, c.failed, c.undetermined, c.missing) == (4, 2, 1, 0, 1)


def test_counts_of_masks_empty():
    assert Counts.of_masks({}) == Counts()
    assert Counts.of_masks({Status.PASS: np.zeros(0, dtype=bool)}) == Counts()


def test_counts_of_masks_checked_is_the_length_not_the_sum():
    """Masks that do not cover every instance still report every instance as checked."""
    c = Counts.of_masks({Status.PASS: np.array([True, False, False])})
    assert (c.checked, c.passed) == (3, 1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(list(Status)), max_size=60))
def test_counts_of_masks_totals(statuses):
    """Masks that partition n instances count each once: the counters add up to checked."""
    arr = np.array([str(s) for s in statuses], dtype=object)
    masks = {s: arr == str(s) for s in Status}
    c = Counts.of_masks(masks)
    assert c.checked == len(statuses)
    assert c.passed + c.failed + c.undetermined + c.missing == c.checked
    for s in Status:
        assert getattr(c, s.counter) == statuses.count(s)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(list(Status)), max_size=30),
       st.lists(st.sampled_from(list(Status)), max_size=30))
def test_counts_add_is_the_counts_of_the_union(a, b):
    ca, cb, both = Counts(), Counts(), Counts()
    for s in a:
        ca.count(s)
        both.count(s)
    for s in b:
        cb.count(s)
        both.count(s)
    ca.add(cb)
    assert ca == both


@pytest.mark.parametrize("counts, status", [
    (Counts(), Status.PASS),
    (Counts(3, passed=3), Status.PASS),
    (Counts(3, passed=1, failed=1, undetermined=1), Status.FAIL),
    (Counts(2, passed=1, undetermined=1), Status.UNDETERMINED),
    (Counts(2, missing=2), Status.NOT_EVALUABLE),
    (Counts(3, passed=1, missing=2), Status.PASS),  # missing only when nothing was evaluable
    (Counts(2, undetermined=1, missing=1), Status.UNDETERMINED),
])
def test_counts_status_of_a_rule(counts, status):
    assert counts.status is status


def test_tally_has_its_own_counts():
    a, b = Tally("f", "r", "error"), Tally("f", "r2", "error")
    a.counts.count(Status.FAIL)
    assert b.counts == Counts() and a.description == ""


def test_outcome_add_sums_counts_and_appends_findings():
    f1 = Finding("r", "error", Status.FAIL, "", "a <= b")
    f2 = Finding("r", "error", Status.NOT_EVALUABLE, "", "c <= d")
    a = Outcome(Counts(2, passed=1, failed=1), [f1])
    a.add(Outcome(Counts(1, missing=1), [f2]))
    assert a.counts == Counts(3, passed=1, failed=1, missing=1)
    assert a.findings == [f1, f2]
    assert Outcome().findings == [] and Outcome().findings is not Outcome().findings
