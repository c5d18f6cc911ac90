"""Rule-set analysis: planted contradictions and redundancies, bounds, names used once, and
(property-based) every finding checked by brute force on a tiny domain."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missingstats.analysis import lint
from missingstats.analysis.localize import Unanalysed
from missingstats.core.errors import Location
from missingstats.inputs.rules import Instance, Rule, load_rules
from missingstats.language import expr as ex
from missingstats.language import intervals as iv

FIXTURES = Path(__file__).parent / "fixtures" / "explain"


def make_rules(texts: list[str], severities: list[str] | None = None) -> list[Rule]:
    out = []
    for i, text in enumerate(texts):
        node = ex.parse_check(text)
        sev = severities[i] if severities else "error"
        out.append(Rule(f"r{i}", "check", Location("t.yaml", i + 1, 1), severity=sev,
                        instances=[Instance(ex.to_text(node), node)]))
    return out


def analyse(texts: list[str], box: float | None = None, **kw) -> lint.LintResult:
    rules = make_rules(texts, kw.pop("severities", None))
    return lint.analyse(rules, {r.id for r in rules}, box=box, **kw)


def test_planted_problems_are_each_found():
    ruleset = load_rules(FIXTURES / "rules-lint.yaml")
    result = lint.analyse(ruleset.rules, {r.id for r in ruleset.rules})
    assert [c.rules for c in result.conflicts] == [["men-bound", "men-floor"]]
    assert result.conflicts[0].expressions == ["men <= 100", "men >= 150"]
    assert result.single_use == [lint.SingleUse("wmoen", "typo", "women")]
    # the rest is still analysed, leaving the contradiction out
    assert [(r.rule, r.implied_by) for r in result.redundant] == [("total-not-negative", [])]
    # women <= total follows from total == men + women only where men is reported
    assert [(r.rule, r.implied_by, r.needs) for r in result.implied_where_reported] == [
        ("women-at-most-total", ["split"], ["men"])]
    assert result.unanalysed == [Unanalysed(
        "ratio", "men * women <= 10000", "it multiplies two figures (men * women)")]


def test_redundant_rules_name_what_implies_them():
    ruleset = load_rules(FIXTURES / "rules-clean.yaml")
    result = lint.analyse(ruleset.rules, {r.id for r in ruleset.rules})
    assert result.conflicts == []
    found = {r.rule: r.implied_by for r in result.redundant}
    assert found == {"if-any-then-women": ["split"]}  # split uses no figure it does not
    assert [(r.rule, r.needs) for r in result.implied_where_reported] == [
        ("women-at-most-total", ["men"])]
    assert result.bounds["men"] == (0, 100)
    assert result.bounds["total"] == (0, None)  # open: no rule caps it


def test_default_pack_redundancy_and_bounds_with_a_sheet(repo_root):
    from missingstats.inputs.sheet import load_sheet
    from missingstats.kinds.implied import for_sheet as implied_rules

    ruleset = load_rules(repo_root / "rules.yaml")
    result = lint.analyse(ruleset.rules, {r.id for r in ruleset.rules})
    # Not redundant: it checks the sheets that do not report missing.servicemen (the letter)
    assert result.redundant == []
    assert [(r.rule, r.implied_by, r.needs) for r in result.implied_where_reported] == [
        ("detained-servicemen-within-missing-military",
         ["detained-within-missing", "missing-split"], ["missing.servicemen"])]
    sheet = load_sheet(repo_root / "data" / "letter.yaml")
    rules = implied_rules(sheet) + list(ruleset.rules)
    result = lint.analyse(rules, {r.id for r in ruleset.rules}, sheet, ruleset.vocabulary)
    assert result.redundant == []  # the letter does not report missing.servicemen either
    assert result.bounds["missing.servicemen"] == (3170, 3170)  # not reported: derived
    assert result.bounds["detained.civilians.children"] == (0, 71)
    assert result.bounds["missing.total"] == (1323, None)


def test_a_rule_always_true_for_counts_is_implied_by_nothing():
    result = analyse(["a >= 0", "a <= b"])
    assert [(r.rule, r.implied_by) for r in result.redundant] == [("r0", [])]


def test_warnings_do_not_make_errors_redundant():
    result = analyse(["a <= 5", "a <= 3"], severities=["error", "warning"])
    assert [(r.rule, r.implied_by) for r in result.redundant] == []
    result = analyse(["a <= 3", "a <= 5"], severities=["error", "warning"])
    assert [(r.rule, r.implied_by) for r in result.redundant] == [("r1", ["r0"])]


def test_separate_contradictions_are_each_reported():
    result = analyse(["a < 1", "a > 2", "b == 1", "b == 2", "c <= 9"])
    assert [c.rules for c in result.conflicts] == [["r0", "r1"], ["r2", "r3"]]


def test_disjunction_and_implication_contradiction():
    result = analyse(["a == 1 or a == 2", "if a > 0 then b >= 5", "b <= 4"])
    assert [c.rules for c in result.conflicts] == [["r0", "r1", "r2"]]


# --- property: brute force on {0..3}^3 -------------------------------------------------

NAMES = ("a", "b", "c")
TOP = 3


def rule_texts():
    term = st.tuples(st.integers(-2, 2), st.sampled_from(NAMES)).map(lambda t: f"{t[0]} * {t[1]}")
    side = st.lists(term, min_size=1, max_size=2).map(" + ".join)
    atom = st.tuples(side, st.sampled_from(["==", "<=", "<", ">=", "!="]), st.integers(-2, 4)).map(
        lambda t: f"{t[0]} {t[1]} {t[2]}")
    return st.one_of(
        atom,
        st.tuples(atom, atom).map(lambda t: f"({t[0]}) or ({t[1]})"),
        st.tuples(atom, atom).map(lambda t: f"if {t[0]} then {t[1]}"),
    )


def holds(texts: list[str]) -> np.ndarray:
    grid = np.array(list(itertools.product(range(TOP + 1), repeat=3)), dtype=float)
    env = {n: iv.Interval.exact(grid[:, i]) for i, n in enumerate(NAMES)}
    out = np.ones((len(texts), len(grid)), dtype=bool)
    for k, t in enumerate(texts):
        out[k] = iv.evaluate(ex.parse_check(t), env, len(grid)).status() == "pass"
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rule_texts(), min_size=1, max_size=5))
def test_findings_agree_with_brute_force(texts):
    result = analyse(texts, box=TOP)
    ok = holds(texts)
    ids = [f"r{i}" for i in range(len(texts))]

    def sat(idx: list[int]) -> bool:
        return bool(ok[idx].all(axis=0).any()) if idx else True

    if not result.conflicts:
        assert sat(list(range(len(texts))))
    for c in result.conflicts:
        idx = [ids.index(r) for r in c.rules]
        assert not sat(idx)  # the subset really conflicts
        for r in idx:  # and is minimal
            assert sat([i for i in idx if i != r])
    if result.conflicts:
        return
    names = [set(re.findall(r"[a-c]", t)) for t in texts]
    for red in result.redundant + result.implied_where_reported:
        r = ids.index(red.rule)
        by = [ids.index(q) for q in red.implied_by]
        premise = ok[by].all(axis=0) if by else np.ones(ok.shape[1], dtype=bool)
        assert (ok[r] | ~premise).all()  # implied
    for red in result.redundant:  # by rules evaluable whenever it is
        assert all(names[ids.index(q)] <= names[ids.index(red.rule)] for q in red.implied_by)
    for red in result.implied_where_reported:
        assert red.needs and not set(red.needs) & names[ids.index(red.rule)]
    flagged = {red.rule for red in result.redundant + result.implied_where_reported}
    for r in range(len(texts)):
        if ids[r] not in flagged:
            others = [i for i in range(len(texts)) if i != r]
            premise = ok[others].all(axis=0) if others else np.ones(ok.shape[1], dtype=bool)
            assert not (ok[r] | ~premise).all()  # not implied: a point breaks it
