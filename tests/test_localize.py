"""Error localisation: the founding example, intervals, weights, alternatives, and
(property-based) the solver's minimum against brute force over all subsets."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missingstats.analysis import localize as lz
from missingstats.core.results import Hint
from missingstats.evaluate.rulesets import sheet_rules
from missingstats.inputs.sheet import load_sheet
from missingstats.language import expr as ex
from missingstats.language import intervals as iv
from missingstats.render.explain import hint_text, message, why

FIXTURES = Path(__file__).parent / "fixtures" / "explain"


def explain_sheet(path: Path, severities=("error",), max_sets: int = 5):
    sheet = load_sheet(path)
    rules, known = sheet_rules(str(path), sheet, None)
    rec = lz.sheet_record(sheet, rules, known, severities)
    return lz.localize(rec.problem, rec.lo, rec.hi, rec.stated, max_sets=max_sets), rec


def record(rules: list[str], values: dict[str, float], box: float = 50.0,
           weights: dict[str, float] | None = None):
    """A Problem over the given figures and rule texts, and its record arrays."""
    figs = [lz.FigureVar(n, (weights or {}).get(n, 1.0)) for n in values]
    checks = [lz.Check(f"r{i}", t, ex.parse_check(t), iv.Tolerance(), "error")
              for i, t in enumerate(rules)]
    problem = lz.Problem(figs, checks, [], box)
    v = np.array(list(values.values()), dtype=float)
    return problem, v


def test_founding_example_names_servicemen_and_the_swap():
    result, _ = explain_sheet(FIXTURES / "swapped.yaml")
    assert result.status == "localised"
    assert result.sets[0].figures == ["detained.servicemen"]
    best = result.suspects[0]
    assert (best.figure, best.value, best.feasible) == ("detained.servicemen", 640, (604, 604))
    assert best.candidates[0].value == 604
    top = best.candidates[0]
    assert (top.kind, top.typed, top.only, top.quoted) == ("swap", 640, True, False)
    assert why(top).startswith("two adjacent digits swapped: 604 typed as 640")
    # the other single changes are listed, not dropped silently
    assert {tuple(s.figures) for s in result.sets} == {
        ("detained.servicemen",), ("detained.total",), ("detained.civilians.total",)}
    assert hint_text(Hint("x.yaml", (result,))).startswith(
        "most likely wrong: detained.servicemen = 640 (probably 604, swapped digits)")


def test_consistent_sheet_reports_nothing():
    result, _ = explain_sheet(FIXTURES / "consistent.yaml")
    assert result.status == "consistent"
    assert result.suspects == [] and result.sets == []


@pytest.mark.parametrize("name, figures, original", [
    ("dropped.yaml", {"detained.total"}, {"detained.total": 871}),
    ("wrong-total.yaml", {"detained.civilians.total"}, {"detained.civilians.total": 267}),
    ("two.yaml", {"detained.servicemen", "missing.civilians.children"},
     {"detained.servicemen": 604, "missing.civilians.children": 71}),
    ("quoted.yaml", {"missing.total"}, {"missing.total": 3889}),
])
def test_altered_figures_are_suspects_with_their_original_on_top(name, figures, original):
    result, _ = explain_sheet(FIXTURES / name)
    assert set(result.sets[0].figures) == figures
    by_name = {s.figure: s for s in result.suspects}
    for fig, value in original.items():
        assert by_name[fig].candidates[0].value == value


def test_interval_figure_is_unchanged_inside_its_interval():
    problem, v = record(["t == a + b"], {"t": 10, "a": 4, "b": 9})
    lo, hi = v.copy(), v.copy()
    lo[0], hi[0] = 10, 50  # t is "at least 10"
    result = lz.localize(problem, lo, hi, [10, 4, 9])
    assert result.status == "consistent"
    hi[0] = 12  # t in [10, 12]: now a or b (or t) must change
    result = lz.localize(problem, lo, hi, [10, 4, 9])
    assert result.status == "localised" and result.sets[0].weight == 1


def test_weights_steer_the_choice():
    rules = ["t == a + b"]
    problem, v = record(rules, {"t": 10, "a": 4, "b": 9}, weights={"t": 3, "a": 2, "b": 2})
    result = lz.localize(problem, v, v, list(v))
    assert {tuple(s.figures) for s in result.sets} == {("a",), ("b",)}
    assert result.sets[0].weight == 2


def test_max_sets_limits_the_list_and_says_there_is_more():
    problem, v = record(["t == a + b + c"], {"t": 13, "a": 4, "b": 4, "c": 4})
    result = lz.localize(problem, v, v, list(v), max_sets=2)
    assert len(result.sets) == 2 and result.more


def test_contradictory_rules_are_said_so():
    problem, v = record(["a <= 3", "a >= 5"], {"a": 4})
    result = lz.localize(problem, v, v, [4])
    assert result.status == "contradiction" and "lint" in message(result)


def test_unanalysable_failing_rule_is_said_so():
    problem, v = record(["a * b <= 3"], {"a": 2, "b": 2})
    result = lz.localize(problem, v, v, [2, 2])
    assert result.status == "unanalysable"
    assert problem.unanalysed == {0: "it multiplies two figures (a * b)"}


def test_candidates_are_verified_against_every_rule():
    # 640 -> 604 would be a swap, but a second rule forbids it: only 460 (also a swap) works
    problem, v = record(["t == s + c", "s <= 500"], {"t": 727, "s": 640, "c": 267}, box=5000)
    result = lz.localize(problem, v, v, list(v))
    s = {x.figure: x for x in result.suspects}["s"]
    assert [c.value for c in s.candidates] == [460]


def test_hint_is_added_to_a_failing_check(in_repo):
    from missingstats.evaluate.options import CheckOptions
    from missingstats.evaluate.run import run
    from missingstats.render.explain import hint_text

    results = run([str(FIXTURES / "swapped.yaml")], CheckOptions())
    (hint,) = results.hints
    text = hint_text(hint)
    assert "detained.servicemen = 640 (probably 604, swapped digits)" in text
    assert not run([str(FIXTURES / "consistent.yaml")], CheckOptions()).hints


# --- property: minimum cardinality equals brute force ----------------------------------

NAMES = ["a", "b", "c", "d"]
TOP = 5


def systems():
    """Small random linear systems over a..d with values in [0, TOP]."""
    term = st.tuples(st.integers(-2, 2), st.sampled_from(NAMES))
    side = st.lists(term, min_size=1, max_size=3).map(
        lambda ts: " + ".join(f"({k} * {n})" for k, n in ts))
    rule = st.tuples(side, st.sampled_from(["==", "<=", "<", "!="]), st.integers(0, 6)).map(
        lambda t: f"{t[0]} {t[1]} {t[2]}")
    return st.tuples(
        st.lists(rule, min_size=1, max_size=3),
        st.lists(st.integers(0, TOP), min_size=4, max_size=4),
        st.lists(st.sampled_from([1.0, 2.0, 3.0]), min_size=4, max_size=4),
    )


def brute_minimum(rules: list[str], values: list[int], weights: list[float]) -> float | None:
    grid = np.array(list(itertools.product(range(TOP + 1), repeat=len(NAMES))), dtype=float)
    env = {n: iv.Interval.exact(grid[:, i]) for i, n in enumerate(NAMES)}
    ok = np.ones(len(grid), dtype=bool)
    for text in rules:
        ok &= iv.evaluate(ex.parse_check(text), env, len(grid)).status() == "pass"
    if not ok.any():
        return None
    changed = (grid != np.array(values, dtype=float)) @ np.array(weights)
    return float(changed[ok].min())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(systems())
def test_minimum_weight_matches_brute_force(system):
    rules, values, weights = system
    problem, v = record(rules, dict(zip(NAMES, values)), box=TOP,
                        weights=dict(zip(NAMES, weights)))
    expected = brute_minimum(rules, values, weights)
    result = lz.localize(problem, v, v, list(v), max_sets=50)
    if expected is None:
        assert result.status == "contradiction"
    elif expected == 0:
        assert result.status == "consistent"
    else:
        assert result.status == "localised"
        assert {s.weight for s in result.sets} == {expected}
        for s in result.sets:  # each listed set really works: its fix makes every rule hold
            x = v.copy()
            for name, value in s.fix.items():
                x[NAMES.index(name)] = value
            env = {n: iv.Interval.exact(np.array([x[i]])) for i, n in enumerate(NAMES)}
            for text in rules:
                assert iv.evaluate(ex.parse_check(text), env, 1).status()[0] == "pass"


def plain_systems():
    """Conjunctions of linear rows (no or, no !=) with equal weights: the numpy fast path."""
    term = st.tuples(st.integers(-2, 2), st.sampled_from(NAMES))
    side = st.lists(term, min_size=1, max_size=3).map(
        lambda ts: " + ".join(f"({k} * {n})" for k, n in ts))
    rule = st.tuples(side, st.sampled_from(["==", "<=", "<", ">="]), st.integers(0, 6)).map(
        lambda t: f"{t[0]} {t[1]} {t[2]}")
    return st.tuples(st.lists(rule, min_size=1, max_size=3),
                     st.lists(st.integers(0, TOP), min_size=4, max_size=4))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_systems())
def test_fast_path_sets_match_brute_force(system):
    rules, values = system
    problem, v = record(rules, dict(zip(NAMES, values)), box=TOP)
    assert problem.simple
    expected = brute_minimum(rules, values, [1.0] * 4)
    result = lz.localize(problem, v, v, list(v), max_sets=50)
    if expected == 1:  # every single figure that can fix the record, and nothing else
        grid = np.array(list(itertools.product(range(TOP + 1), repeat=4)), dtype=float)
        env = {n: iv.Interval.exact(grid[:, i]) for i, n in enumerate(NAMES)}
        ok = np.ones(len(grid), dtype=bool)
        for text in rules:
            ok &= iv.evaluate(ex.parse_check(text), env, len(grid)).status() == "pass"
        single = {NAMES[j] for j in range(4)
                  if (ok & ((grid != v).sum(axis=1) <= 1) & (grid[:, j] != v[j])).any()}
        assert {s.figures[0] for s in result.sets} == single
        assert all(len(s.figures) == 1 for s in result.sets)
    elif expected is None:
        assert result.status == "contradiction"
    elif expected == 0:
        assert result.status == "consistent"
    else:
        assert {s.weight for s in result.sets} == {expected}
