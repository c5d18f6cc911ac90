"""evaluate.tables.listing: cells as intervals, one row's sides, and the findings a report lists."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.core.findings import Finding, Status, Value
from missingstats.evaluate.tables import listing
from missingstats.language import expr as ex
from missingstats.language import intervals as iv

NAN = np.nan


def test_environment_keeps_nan_unless_the_policy_is_zero():
    values = {"a": np.array([1.0, NAN]), "b": np.array([NAN, 2.0])}
    env = listing.environment(values, "not-evaluable")
    assert np.isnan(env["a"].lo[1]) and np.isnan(env["a"].hi[1])
    assert env["a"].lo[0] == env["a"].hi[0] == 1
    zero = listing.environment(values, "zero")
    assert zero["a"].lo.tolist() == [1, 0] and zero["b"].hi.tolist() == [0, 2]
    assert np.isnan(values["a"][1])  # the caller's arrays are not changed
    assert listing.environment(values, "fail")["a"].missing.tolist() == [False, True]


def test_row_is_a_one_row_environment():
    env = listing.environment({"a": np.array([1.0, 2.0, 3.0])}, "not-evaluable")
    one = listing.row(env, 1)
    assert one["a"].lo.tolist() == [2] and one["a"].hi.tolist() == [2]


def test_sides_of_a_comparison():
    node = ex.parse_check("total == female + male")
    env = listing.environment({"total": np.array([10.0]), "female": np.array([4.0]),
                               "male": np.array([5.0])}, "not-evaluable")
    assert listing.sides(node, env) == (Value.exact(10), Value.exact(9), 1.0)


def test_sides_are_none_for_intervals_missing_cells_and_non_comparisons():
    node = ex.parse_check("a <= b")
    loose = {"a": iv.Interval(np.array([1.0]), np.array([3.0])), "b": iv.Interval.exact([2.0])}
    assert listing.sides(node, loose) == (None, None, None)
    missing = listing.environment({"a": np.array([NAN]), "b": np.array([2.0])}, "not-evaluable")
    assert listing.sides(node, missing) == (None, None, None)
    both = ex.parse_check("a <= b and b <= 3")
    exact = listing.environment({"a": np.array([1.0]), "b": np.array([2.0])}, "not-evaluable")
    assert listing.sides(both, exact) == (None, None, None)


def build(i: int, status: Status) -> Finding:
    return Finding("r", "error", status, "", f"#{i}")


def test_listed_takes_failures_first_then_undetermined_then_missing_up_to_the_cap():
    masks = {Status.PASS: np.array([1, 0, 0, 0, 0, 0], bool),
             Status.FAIL: np.array([0, 0, 1, 0, 1, 0], bool),
             Status.UNDETERMINED: np.array([0, 1, 0, 0, 0, 0], bool),
             Status.NOT_EVALUABLE: np.array([0, 0, 0, 1, 0, 1], bool)}
    got = listing.listed(masks, 4, build)
    assert [(f.expression, f.status) for f in got] == [
        ("#2", Status.FAIL), ("#4", Status.FAIL), ("#1", Status.UNDETERMINED),
        ("#3", Status.NOT_EVALUABLE)]
    assert listing.listed(masks, 0, build) == []
    assert len(listing.listed(masks, 100, build)) == 5  # passes are never listed


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list(Status)), max_size=40), st.integers(0, 50))
def test_listed_is_capped_and_in_order(statuses, cap):
    arr = np.array([str(s) for s in statuses], dtype=object)
    masks = {s: arr == str(s) for s in Status}
    got = listing.listed(masks, cap, build)
    not_passing = [(i, s) for s in listing.LISTED for i, t in enumerate(statuses) if t == s]
    assert [(int(f.expression[1:]), f.status) for f in got] == not_passing[:cap]
