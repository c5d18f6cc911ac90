"""Rules as linear constraints: what compiles, what is refused, and (property-based) that
the solver's answer agrees with brute-force evaluation over a tiny domain."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missingstats.language import expr as ex
from missingstats.language import intervals as iv
from missingstats.language import linear as lin

NAMES = ("a", "b", "c")
TOP = 3  # every variable a whole number in [0, TOP]


def compile_rule(text: str, tolerance: iv.Tolerance = lin.EXACT, top: float = TOP):
    specs = {n: lin.VarSpec(0.0, top, True) for n in NAMES}
    compiler = lin.Compiler(dict(specs), lin.VarSpec(0.0, top, True))
    formula = compiler.check(ex.parse_check(text), tolerance)
    model = lin.Model()
    for n, s in specs.items():
        model.var(n, s)
    model.add(formula, 0, compiler.specs)
    return model


def feasible(model: lin.Model, fixed: dict[str, float] | None = None) -> bool:
    a, lo, hi, _ = model.matrix()
    lb, ub = np.array(model.lb), np.array(model.ub)
    for name, v in (fixed or {}).items():
        lb[model.index[name]] = ub[model.index[name]] = v
    sol = lin.solve(np.zeros(len(lb)), a, lo, hi, lb, ub, np.array(model.integer))
    assert sol.status in ("optimal", "infeasible")
    return sol.status == "optimal"


def brute(text: str, tolerance: iv.Tolerance = lin.EXACT) -> np.ndarray:
    """Verdict 'pass' per point of the grid {0..TOP}^3, by interval evaluation."""
    grid = np.array(list(itertools.product(range(TOP + 1), repeat=len(NAMES))), dtype=float)
    env = {n: iv.Interval.exact(grid[:, i]) for i, n in enumerate(NAMES)}
    truth = iv.evaluate(ex.parse_check(text), env, len(grid), tolerance)
    return grid, truth.status() == "pass"


# --- unit cases ------------------------------------------------------------------------


@pytest.mark.parametrize("text, point, holds", [
    ("a + b == c", {"a": 1, "b": 2, "c": 3}, True),
    ("a + b == c", {"a": 1, "b": 2, "c": 2}, False),
    ("a < b", {"a": 2, "b": 2}, False),
    ("a < b <= c", {"a": 1, "b": 2, "c": 2}, True),
    ("a != b", {"a": 1, "b": 1}, False),
    ("a != b", {"a": 1, "b": 3}, True),
    ("if a > 0 then b >= 2", {"a": 1, "b": 1}, False),
    ("if a > 0 then b >= 2", {"a": 0, "b": 0}, True),
    ("not (a <= b or c == 0)", {"a": 2, "b": 1, "c": 1}, True),
    ("abs(a - b) <= 1", {"a": 3, "b": 1}, False),
    ("abs(a - b) >= 2", {"a": 3, "b": 1}, True),
    ("min(a, b) == c", {"a": 3, "b": 1, "c": 1}, True),
    ("max(a, b, 2) == c", {"a": 0, "b": 1, "c": 2}, True),
    ("max(a, b) < c", {"a": 3, "b": 1, "c": 3}, False),
    ("round(a / 2) == c", {"a": 3, "c": 1}, True),  # 1.5 may round either way
    ("round(a / 2) == c", {"a": 1, "c": 2}, False),
    ("sum(a, b, c) == 2 * a", {"a": 2, "b": 1, "c": 1}, True),
    ("1 <= 2", {}, True),
    ("2 <= 1 or a == 1", {"a": 0}, False),
])
def test_point_verdicts(text, point, holds):
    assert feasible(compile_rule(text), point) is holds


def test_tolerance_absolute_and_relative():
    model = compile_rule("a == b + c", iv.Tolerance(absolute=1))
    assert feasible(model, {"a": 3, "b": 1, "c": 1})
    assert not feasible(model, {"a": 3, "b": 0, "c": 1})
    rel = iv.Tolerance(relative=0.1)
    model = compile_rule("a == b", rel, top=200)
    assert feasible(model, {"a": 100, "b": 110})  # |a-b| = 10 <= 0.1 * 110
    assert not feasible(model, {"a": 100, "b": 112})


@pytest.mark.parametrize("text, words", [
    ("a * b <= 3", "multiplies two figures"),
    ("a / b <= 3", "divides by a figure"),
])
def test_not_linear_says_why(text, words):
    with pytest.raises(lin.NotLinear, match=words):
        compile_rule(text)


def test_literal_zero_divisor_is_refused_when_parsed():
    from missingstats.language import expr as ex

    with pytest.raises(ex.ExprError, match="division by zero") as err:
        ex.parse_check("a / 0 <= 3")
    assert err.value.column == 5


def test_relative_tolerance_needs_non_negative_sides():
    with pytest.raises(lin.NotLinear, match="relative tolerance"):
        compile_rule("a - b == c", iv.Tolerance(relative=0.1))


def test_strict_step_follows_the_grid_of_the_values():
    compiler = lin.Compiler({"a": lin.VarSpec(0, 9, True), "x": lin.VarSpec(0, 9, False)},
                            lin.VarSpec(0, 9, True))
    atom = compiler.check(ex.parse_check("a < 3"))  # not (3 <= a): -a >= -2
    assert (atom.terms, atom.lo, atom.step) == ((("a", -1.0),), -2.0, 1.0)
    atom = compiler.check(ex.parse_check("a / 4 < 1"))  # a/4 lives on quarters
    assert atom.lo == pytest.approx(-0.75)
    atom = compiler.check(ex.parse_check("x < 3"))
    assert atom.lo == pytest.approx(-3 + lin.STRICT_EPS)


def test_negation_of_an_equality_is_a_disjunction():
    f = lin.negate(lin.Atom((("a", 1.0),), 2.0, 2.0, 1.0))
    assert isinstance(f, lin.Or)
    assert [(i.lo, i.hi) for i in f.items] == [(-np.inf, 1.0), (3.0, np.inf)]


# --- property: solver == brute force ---------------------------------------------------


def numbers(depth: int):
    leaf = st.one_of(st.sampled_from(NAMES), st.integers(0, 4).map(str))
    if depth == 0:
        return leaf
    sub = numbers(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(sub, st.sampled_from(["+", "-"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.integers(-2, 3), sub).map(lambda t: f"({t[0]} * {t[1]})"),
        st.tuples(sub, st.sampled_from([2, 4])).map(lambda t: f"({t[0]} / {t[1]})"),
        sub.map(lambda s: f"abs({s})"),
        st.tuples(st.sampled_from(["min", "max"]), sub, sub).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    )


def truths(depth: int):
    cmp = st.tuples(numbers(2), st.sampled_from(ex.COMPARISONS), numbers(2)).map(
        lambda t: f"{t[0]} {t[1]} {t[2]}")
    if depth == 0:
        return cmp
    sub = truths(depth - 1)
    return st.one_of(
        cmp,
        st.tuples(sub, st.sampled_from(["and", "or"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        sub.map(lambda s: f"(not {s})"),
        st.tuples(sub, sub).map(lambda t: f"(if {t[0]} then {t[1]})"),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(truths(2), st.data())
def test_solver_agrees_with_brute_force(text, data):
    grid, holds = brute(text)
    model = compile_rule(text)
    assert feasible(model) == bool(holds.any()), text
    # and point by point, on a few points of the grid
    for k in data.draw(st.lists(st.integers(0, len(grid) - 1), min_size=1, max_size=4)):
        point = dict(zip(NAMES, grid[k]))
        assert feasible(model, point) == bool(holds[k]), (text, point)
