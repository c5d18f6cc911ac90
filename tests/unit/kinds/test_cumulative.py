"""kinds.cumulative: a cumulative count never decreases between editions (parse, figures,
evaluate, expressions, failures)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.core import reasons
from missingstats.core.errors import InputError
from missingstats.core.findings import Value
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import load_editions_file
from missingstats.inputs.rules import rules_from_node
from missingstats.kinds import cumulative

X = Value.exact


def series(figures: list[str]):
    """Editions 2019, 2020, 2021 ... with the given inline figure mappings."""
    items = "".join(f"  - as_of: {2019 + i}-12-31\n    figures: {f}\n" for i, f in enumerate(figures))
    return load_editions_file("e.yaml", sy.load("e.yaml", "editions:\n" + items))


def rule(text: str):
    return rules_from_node(sy.load("r.yaml", textwrap.dedent(text)), "r.yaml", Path(".")).rules[0]


def statuses(frame) -> list[str]:
    return frame["status"].tolist()


# --- cumulative ------------------------------------------------------------------------------


def test_cumulative_parse_forms():
    r = rule("rules:\n  - {id: c, cumulative: identified}\n")
    assert (r.kind, r.spec, cumulative.figures(r)) == (
        "cumulative", {"figures": ["identified"], "pairs": "consecutive"}, ["identified"])
    assert r.description == "a cumulative count never decreases from one edition to the next"
    r = rule("rules:\n  - {id: c, cumulative: {figures: [a, b], pairs: all}, description: d}\n")
    assert r.spec == {"figures": ["a", "b"], "pairs": "all"} and r.description == "d"


@pytest.mark.parametrize("text, message", [
    ("cumulative: [a, a]", "lists 'a' twice"),
    ("cumulative: {figures: [a], pairs: some}", "pairs must be consecutive or all"),
    ("cumulative: [a-b]", "is not a figure name"),
])
def test_cumulative_parse_errors(text, message):
    with pytest.raises(InputError, match=message):
        rule(f"rules:\n  - id: c\n    {text}\n")


def test_cumulative_pass_fail_undetermined():
    s = series(["{a: 1053, b: 10}", "{a: 1035, b: {value: 8, qualifier: at least}}",
                "{a: 1040, b: 12}"])
    r = rule("rules:\n  - {id: c, cumulative: [a, b]}\n")
    frame = cumulative.evaluate(s, r)
    assert statuses(frame) == ["fail", "pass", "undetermined", "undetermined"]
    assert cumulative.expressions(r, frame)[:2] == ["a@2020-12-31 >= a@2019-12-31",
                                                    "a@2021-12-31 >= a@2020-12-31"]
    fell = cumulative.failures(r, frame)
    assert fell[0] == reasons.Fell("a", Value(1053, 1053, None, 1053), Value(1035, 1035, None, 1035),
                                   -18.0)
    assert fell[2].name == "b" and fell[2].change is None  # bounds: no exact change


def test_cumulative_tolerance():
    s = series(["{a: 100}", "{a: 98}", "{a: 95}"])
    r = rule("rules:\n  - {id: c, cumulative: a, tolerance: 2}\n")
    assert statuses(cumulative.evaluate(s, r)) == ["pass", "fail"]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=2, max_size=6))
def test_cumulative_fails_exactly_the_decreases(values):
    s = series([f"{{a: {v}}}" for v in values])
    frame = cumulative.evaluate(s, rule("rules:\n  - {id: c, cumulative: a}\n"))
    assert statuses(frame) == ["fail" if b < a else "pass" for a, b in zip(values, values[1:])]
    assert frame["d_lo"].tolist() == [b - a for a, b in zip(values, values[1:])]
