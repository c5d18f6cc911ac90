"""The vectorised three-valued evaluator: exact verdicts, bounds, missing figures, tolerance."""

from __future__ import annotations

import numpy as np

from missingstats.language import expr as ex
from missingstats.language import intervals as iv

INF = np.inf


def env(**figures):
    out = {}
    for name, value in figures.items():
        lo, hi = value if isinstance(value, tuple) else (value, value)
        out[name] = iv.Interval(np.array([lo], float), np.array([hi], float))
    return out


EXACT = iv.Tolerance()


def verdict(text, tolerance=EXACT, **figures):
    truth = iv.evaluate(ex.parse_check(text), env(**figures), 1, tolerance)
    return truth.status()[0]


def test_exact_comparisons():
    assert verdict("a <= b", a=3, b=4) == "pass"
    assert verdict("a <= b", a=5, b=4) == "fail"
    assert verdict("a == b + c", a=871, b=604, c=267) == "pass"
    assert verdict("a == b + c", a=871, b=640, c=267) == "fail"
    assert verdict("0 <= a < b", a=1, b=1) == "fail"
    assert verdict("a != b", a=1, b=2) == "pass"


def test_bounds_give_pass_fail_or_undetermined():
    at_least_871 = (871, INF)
    assert verdict("a <= b", a=at_least_871, b=3889) == "undetermined"
    assert verdict("a >= b", a=at_least_871, b=800) == "pass"
    assert verdict("a <= b", a=at_least_871, b=800) == "fail"
    assert verdict("a == b + c", a=(860, 880), b=604, c=267) == "undetermined"
    assert verdict("a == b + c", a=(900, 950), b=604, c=267) == "fail"


def test_missing_figures_are_not_evaluable_unless_decided():
    nan = np.nan
    assert verdict("a <= b", a=nan, b=3) == "missing"
    assert verdict("a <= b and c <= d", a=nan, b=3, c=5, d=1) == "fail"  # false either way
    assert verdict("a <= b or c <= d", a=nan, b=3, c=0, d=1) == "pass"
    assert verdict("if a > 0 then b <= c", a=nan, b=1, c=2) == "pass"


def test_implication():
    assert verdict("if a > 0 then b > 0", a=0, b=0) == "pass"
    assert verdict("if a > 0 then b > 0", a=1, b=0) == "fail"
    assert verdict("if a > 0 then b > 0", a=1, b=2) == "pass"


def test_tolerance_applies_to_equalities():
    tol = iv.Tolerance(absolute=2)
    assert verdict("a == b", tol, a=100, b=102) == "pass"
    assert verdict("a == b", tol, a=100, b=103) == "fail"
    rel = iv.Tolerance(relative=0.01)
    assert verdict("a == b", rel, a=1000, b=1010) == "pass"
    assert verdict("a == b", rel, a=1000, b=1020) == "fail"


def test_functions_and_division():
    assert verdict("sum(a, b) == c", a=1, b=2, c=3) == "pass"
    assert verdict("abs(a - b) <= 1", a=5, b=6) == "pass"
    assert verdict("max(a, b) == 7 and min(a, b) == 2", a=7, b=2) == "pass"
    assert verdict("100 * a / b >= 49", a=474, b=1000) == "fail"
    assert verdict("a / b <= 1", a=1, b=0) == "missing"  # undefined, not a pass
    assert verdict("round(a / b) == 3", a=10, b=3) == "pass"


def test_vectorised_over_rows():
    e = {
        "a": iv.Interval.exact(np.array([1, 5, np.nan])),
        "b": iv.Interval.exact(np.array([2, 2, 2])),
    }
    truth = iv.evaluate(ex.parse_check("a <= b"), e, 3)
    assert list(truth.status()) == ["pass", "fail", "missing"]
