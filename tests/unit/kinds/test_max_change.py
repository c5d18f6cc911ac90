"""kinds.max_change: a change between editions beyond every plausible limit (parse, figures,
evaluate, expressions, failures, sides, difference)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.core import reasons
from missingstats.core.errors import InputError
from missingstats.core.findings import Value
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import load_editions_file
from missingstats.inputs.rules import rules_from_node
from missingstats.kinds import max_change

X = Value.exact


def series(figures: list[str]):
    """Editions 2019, 2020, 2021 ... with the given inline figure mappings."""
    items = "".join(f"  - as_of: {2019 + i}-12-31\n    figures: {f}\n" for i, f in enumerate(figures))
    return load_editions_file("e.yaml", sy.load("e.yaml", "editions:\n" + items))


def rule(text: str):
    return rules_from_node(sy.load("r.yaml", textwrap.dedent(text)), "r.yaml", Path(".")).rules[0]


def statuses(frame) -> list[str]:
    return frame["status"].tolist()


# --- max_change ------------------------------------------------------------------------------


def test_max_change_parse():
    r = rule("rules:\n  - {id: m, max_change: {figures: [a], absolute: 500, relative: 0.3}}\n")
    assert r.severity == "warning"
    assert r.spec == {"figures": ["a"], "pairs": "consecutive", "absolute": 500, "relative": 0.3}
    assert r.description == "a change of more than 500 or 30% per edition is worth a second look"
    r = rule("rules:\n  - {id: m, max_change: {figures: a, relative: 0.5}, severity: error}\n")
    assert (r.severity, r.spec["absolute"], max_change.figures(r)) == ("error", None, ["a"])


@pytest.mark.parametrize("text, message", [
    ("max_change: {figures: [a]}", "'max_change' needs absolute, relative or both"),
    ("max_change: {figures: [a], absolute: -1}", "max_change.absolute must be 0 or more"),
])
def test_max_change_parse_errors(text, message):
    with pytest.raises(InputError, match=message):
        rule(f"rules:\n  - id: m\n    {text}\n")


def test_max_change_flags_changes_beyond_every_limit():
    s = series(["{a: 1127}", "{a: 1145}", "{a: 1845}", "{a: {value: 1000, qualifier: at least}}"])
    r = rule("rules:\n  - {id: m, max_change: {figures: [a], absolute: 500, relative: 0.3}}\n")
    frame = max_change.evaluate(s, r)
    assert statuses(frame) == ["pass", "fail", "undetermined"]
    assert max_change.expressions(r, frame)[1] == (
        "abs(a@2021-12-31 - a@2020-12-31) <= max(500, 0.3 * abs(a@2020-12-31))")
    too_much = max_change.failures(r, frame)[1]
    assert too_much == reasons.ChangedTooMuch("a", Value(1145, 1145, None, 1145),
                                              Value(1845, 1845, None, 1845), 700.0, 500, 0.3)
    rec = frame.to_dict("records")[1]
    assert max_change.sides(rec) == (X(700), X(500))
    assert max_change.difference(rec) == 200
    loose = frame.to_dict("records")[2]
    assert max_change.sides(loose)[0] is None and max_change.difference(loose) is None


def test_max_change_expression_with_one_limit():
    s = series(["{a: 10}", "{a: 30}"])
    r = rule("rules:\n  - {id: m, max_change: {figures: [a], relative: 0.5}}\n")
    frame = max_change.evaluate(s, r)
    assert max_change.expressions(r, frame) == ["abs(a@2020-12-31 - a@2019-12-31) <= 0.5 * abs(a@2019-12-31)"]
    assert statuses(frame) == ["fail"]
    assert max_change.sides(frame.to_dict("records")[0]) == (X(20), X(5))


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**5),
       st.one_of(st.none(), st.integers(0, 200).map(lambda k: k / 100)))
def test_max_change_fails_iff_beyond_every_limit(before, after, absolute, relative):
    limits = f"absolute: {absolute}" + (f", relative: {relative!r}" if relative is not None else "")
    r = rule(f"rules:\n  - {{id: m, max_change: {{figures: [a], {limits}}}}}\n")
    frame = max_change.evaluate(series([f"{{a: {before}}}", f"{{a: {after}}}"]), r)
    limit = max(absolute, relative * before) if relative is not None else absolute
    assert statuses(frame) == ["fail" if abs(after - before) > limit else "pass"]
    assert np.isclose(frame["lim_lo"].iloc[0], limit)
