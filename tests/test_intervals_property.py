"""The interval engine: exact figures give exactly Python's verdicts (property), bounded ones
the hand-worked verdicts, and undetermined ones say which bound decides them."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.language import bounds
from missingstats.language import expr as ex
from missingstats.language import intervals as iv
from missingstats.language.decide import explain
from missingstats.render.wording import words

NAMES = ["a", "b", "c", "d"]
LIMIT = 2.0**50  # float64 holds every whole number below 2**53 exactly; stay well inside


# --- random ASTs and a tiny exact evaluator -------------------------------------------------

numbers = st.integers(-40, 40).map(lambda v: ex.Num(float(v), 1))
names = st.sampled_from(NAMES).map(lambda n: ex.Name(n, 1))


def _numeric(children):
    return st.one_of(
        st.builds(lambda o: ex.Unary("-", o, 1), children),
        st.builds(lambda op, left, right: ex.BinOp(op, left, right, 1),
                  st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(lambda f, args: ex.Call(f, tuple(args), 1),
                  st.sampled_from(["sum", "min", "max"]), st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda f, a: ex.Call(f, (a,), 1), st.sampled_from(["abs", "round"]), children),
    )


numeric = st.recursive(st.one_of(numbers, names), _numeric, max_leaves=8)
compare = st.builds(
    lambda ops, operands: ex.Compare(tuple(ops), tuple(operands[: len(ops) + 1]), 1),
    st.lists(st.sampled_from(["==", "!=", "<=", ">=", "<", ">"]), min_size=1, max_size=2),
    st.lists(numeric, min_size=3, max_size=3),
)


def _logic(children):
    return st.one_of(
        st.builds(lambda o: ex.Unary("not", o, 1), children),
        st.builds(lambda op, items: ex.BoolOp(op, tuple(items), 1),
                  st.sampled_from(["and", "or"]), st.lists(children, min_size=2, max_size=3)),
        st.builds(lambda c, t: ex.Implies(c, t, 1), children, children),
    )


checks = st.recursive(compare, _logic, max_leaves=4)
figures = st.fixed_dictionaries({n: st.integers(0, 5000) for n in NAMES})


class Undefined(Exception):
    """Division by zero: the engine's 'missing' (not evaluable)."""


def number(node: ex.Node, env: dict[str, int]) -> float | int | None:
    """Python's own arithmetic on Python numbers; None where a division by zero happened."""
    if isinstance(node, ex.Num):
        out = int(node.value)
    elif isinstance(node, ex.Name):
        out = env[node.path]
    elif isinstance(node, ex.Unary):
        v = number(node.operand, env)
        if v is None:
            return None
        out = -v
    elif isinstance(node, ex.BinOp):
        x, y = number(node.left, env), number(node.right, env)
        if x is None or y is None:
            return None
        if node.op == "+":
            out = x + y
        elif node.op == "-":
            out = x - y
        elif node.op == "*":
            out = x * y
        else:
            if y == 0:
                return None
            out = x / y
    else:
        assert isinstance(node, ex.Call)
        args = [number(a, env) for a in node.args]
        if any(a is None for a in args):
            return None
        if node.func == "sum":
            out = args[0]
            for a in args[1:]:
                out = out + a
        elif node.func == "min":
            out = min(args)
        elif node.func == "max":
            out = max(args)
        elif node.func == "abs":
            out = abs(args[0])
        else:
            out = round(args[0])
    assume(abs(out) < LIMIT)
    return out


def truth(node: ex.Node, env: dict[str, int]) -> bool | None:
    """Kleene three-valued logic: None is 'not evaluable'."""
    if isinstance(node, ex.Compare):
        values = [number(o, env) for o in node.operands]
        results = []
        for op, x, y in zip(node.ops, values, values[1:]):
            if x is None or y is None:
                results.append(None)
                continue
            results.append({"==": x == y, "!=": x != y, "<=": x <= y, ">=": x >= y,
                            "<": x < y, ">": x > y}[op])
        return _and(results)
    if isinstance(node, ex.Unary):
        t = truth(node.operand, env)
        return None if t is None else not t
    if isinstance(node, ex.BoolOp):
        items = [truth(i, env) for i in node.items]
        return _and(items) if node.op == "and" else _or(items)
    assert isinstance(node, ex.Implies)
    cond = truth(node.condition, env)
    return _or([None if cond is None else not cond, truth(node.consequence, env)])


def _and(items: list[bool | None]) -> bool | None:
    if any(i is False for i in items):
        return False
    return None if any(i is None for i in items) else True


def _or(items: list[bool | None]) -> bool | None:
    if any(i is True for i in items):
        return True
    return None if any(i is None for i in items) else False


def engine_status(node: ex.Node, env: dict[str, int]) -> str:
    intervals = {k: iv.Interval.exact(np.array([float(v)])) for k, v in env.items()}
    t = iv.evaluate(node, intervals, 1)
    assert isinstance(t, iv.Truth)
    return str(t.status()[0])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(checks, figures)
def test_exact_figures_get_exactly_pythons_verdict(node, env):
    expected = truth(node, env)
    want = {True: "pass", False: "fail", None: "missing"}[expected]
    assert engine_status(node, env) == want
    # the same check written out and parsed back gives the same verdict (a literal divisor
    # that is always 0 is refused when rules are parsed: issue 11)
    try:
        again = ex.parse(ex.to_text(node))
    except ex.ExprError as err:
        assert "division by zero" in err.message
        return
    assert engine_status(again, env) == want


@settings(max_examples=150, deadline=None)
@given(checks, st.lists(figures, min_size=2, max_size=6))
def test_rows_are_evaluated_independently(node, envs):
    """Many editions at once (one numpy evaluation) give each row its own verdict."""
    expected = []
    for env in envs:
        expected.append(engine_status(node, env))
    n = len(envs)
    intervals = {k: iv.Interval.exact(np.array([float(e[k]) for e in envs])) for k in NAMES}
    t = iv.evaluate(node, intervals, n)
    assert [str(s) for s in t.status()] == expected


def test_exact_division_is_pythons():
    assert engine_status(ex.parse("a / b == 1"), {"a": 49, "b": 49}) == "pass"
    assert engine_status(ex.parse("100 * a / b == 50"), {"a": 1, "b": 2}) == "pass"
    assert engine_status(ex.parse("a / b <= 1"), {"a": 1, "b": 0}) == "missing"


# --- hand-worked bounded cases ----------------------------------------------------------------


def fig(value=None, qualifier=None, tolerance=bounds.DEFAULT_APPROXIMATE, between=None):
    lo, hi = between if between else bounds.interval(value, qualifier, tolerance)
    return iv.Interval(np.array([float(lo)]), np.array([float(hi)]))


def verdict(text: str, **env) -> str:
    values = {k: v if isinstance(v, iv.Interval) else fig(v) for k, v in env.items()}
    t = iv.evaluate(ex.parse(text), values, 1)
    return str(t.status()[0])


AT_LEAST_871 = dict(value=871, qualifier="at least")


@pytest.mark.parametrize(
    ("check", "env", "expected"),
    [
        # "at least 871" detained within 3889 missing: true up to 3889, false above
        ("d <= m", {"d": fig(**AT_LEAST_871), "m": 3889}, "undetermined"),
        ("d <= m", {"d": 871, "m": fig(3889, "at least")}, "pass"),
        ("d <= m", {"d": fig(**AT_LEAST_871), "m": 800}, "fail"),
        ("d <= m", {"d": fig(**AT_LEAST_871), "m": 900}, "undetermined"),
        ("d >= 871", {"d": fig(**AT_LEAST_871)}, "pass"),
        ("d > 871", {"d": fig(871, "more than")}, "pass"),
        ("d < 871", {"d": fig(871, "fewer than")}, "pass"),
        ("d <= 870", {"d": fig(871, "at most")}, "undetermined"),
        # about 300 is 270..330 (tolerance 0.1), or 285..315 with tolerance 0.05
        ("x <= 350", {"x": fig(300, "about")}, "pass"),
        ("x <= 250", {"x": fig(300, "about")}, "fail"),
        ("x <= 300", {"x": fig(300, "about")}, "undetermined"),
        ("x >= 280", {"x": fig(300, "about")}, "undetermined"),
        ("x >= 280", {"x": fig(300, "about", 0.05)}, "pass"),
        ("x <= 300", {"x": fig(300, "nearly")}, "pass"),
        # explicit intervals with open ends
        ("x >= 50", {"x": fig(between=(100, math.inf))}, "pass"),
        ("x <= 99", {"x": fig(between=(100, math.inf))}, "fail"),
        ("x <= 1000", {"x": fig(between=(100, math.inf))}, "undetermined"),
        ("x <= 20", {"x": fig(between=(0, 20))}, "pass"),
        # magnitudes
        ("k >= 10000", {"k": fig(None, "tens of thousands")}, "pass"),
        ("k <= 15000", {"k": fig(None, "tens of thousands")}, "fail"),
        ("k > 50000", {"k": fig(None, "tens of thousands")}, "undetermined"),
        ("k < 100000", {"k": fig(None, "tens of thousands")}, "pass"),
        ("h < t", {"h": fig(None, "hundreds"), "t": fig(None, "thousands")}, "pass"),
        # arithmetic on bounds: [604+267, 604+267] against "at least 871"
        ("d == s + c", {"d": fig(**AT_LEAST_871), "s": 604, "c": 267}, "undetermined"),
        ("d == s + c", {"d": fig(871, "more than"), "s": 604, "c": 267}, "fail"),
        ("s + c <= d", {"d": fig(**AT_LEAST_871), "s": 604, "c": 267}, "pass"),
        ("d - s >= 267", {"d": fig(**AT_LEAST_871), "s": 604}, "pass"),
    ],
)
def test_hand_worked_verdicts(check, env, expected):
    assert verdict(check, **env) == expected


def cells(**figs):
    out = {}
    for name, (value, qualifier) in figs.items():
        lo, hi = bounds.interval(value, qualifier)
        out[name] = {"lo": lo, "hi": hi, "qualifier": qualifier, "value": value}
    return out


@pytest.mark.parametrize(
    ("check", "figs", "expected"),
    [
        ("d <= m", {"d": (871, "at least"), "m": (3889, None)},
         "holds if d (at least 871) is at most 3,889; fails above"),
        ("d == s + c", {"d": (871, "at least"), "s": (604, None), "c": (267, None)},
         "holds if d (at least 871) is exactly 871; fails above"),
        ("x >= 280", {"x": (300, "about")},
         "fails if x (about 300) is at most 279; holds above"),
        ("x <= 300", {"x": (300, "about")},
         "holds if x (about 300) is at most 300; fails above"),
        ("k > 50000", {"k": (None, "tens of thousands")},
         "fails if k (tens of thousands) is at most 50,000; holds above"),
    ],
)
def test_undetermined_says_which_bound_decides(check, figs, expected):
    assert words(explain(ex.parse(check), cells(**figs))) == expected


def test_two_loose_figures_each_get_their_thresholds():
    found = explain(ex.parse("d <= m"), cells(d=(871, "at least"), m=(3000, "about")))
    assert found is not None
    assert words(found) == ("d (at least 871): holds if it is at most 2,700; depends on m if it is "
                            "between 2,701 and 3,300; fails if it is at least 3,301")
    # m alone decides nothing: whatever m is, d may be above it


def test_nothing_decides_alone():
    text = words(explain(ex.parse("a + b == 100"), cells(a=(50, "about"), b=(50, "about"))))
    assert text == ("depends jointly on where the true values lie for a (about 50), "
                    "b (about 50)")


def test_decides_in_the_check_report(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text(
        "figures:\n"
        "  missing: 3889\n"
        "  detained: {value: 871, qualifier: at least}\n"
        "rules:\n"
        "  - id: detained-within\n"
        "    check: detained <= missing\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["check", str(sheet), "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["undetermined"] == 1 and report["summary"]["failed"] == 0
    (res,) = [r for r in report["results"] if r["rule"] == "detained-within"]
    assert res["status"] == "undetermined"
    (inst,) = res["undetermined_instances"]
    assert inst["decides"] == "holds if detained (at least 871) is at most 3,889; fails above"
    assert inst["values"]["detained"]["text"] == "at least 871"
    text = runner.invoke(app, ["check", str(sheet)]).stdout
    assert "holds if detained (at least 871) is at most 3,889; fails above" in text
    assert runner.invoke(app, ["check", str(sheet), "--strict"]).exit_code == 1


def test_exact_sheets_never_show_undetermined(tmp_path):
    root = Path(__file__).resolve().parent.parent
    runner = CliRunner()
    report = json.loads(runner.invoke(app, ["check", str(root / "data" / "letter.yaml"),
                                            "-f", "json"]).stdout)
    assert report["summary"]["undetermined"] == 0
