"""kinds.stock: a stock changes only by its flows between editions (parse, figures, evaluate,
expressions, flows, failures, sides)."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest

from missingstats.core import reasons
from missingstats.core.errors import InputError
from missingstats.core.findings import Value
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import load_editions_file
from missingstats.inputs.rules import rules_from_node
from missingstats.kinds import stock

X = Value.exact


def series(figures: list[str]):
    """Editions 2019, 2020, 2021 ... with the given inline figure mappings."""
    items = "".join(f"  - as_of: {2019 + i}-12-31\n    figures: {f}\n" for i, f in enumerate(figures))
    return load_editions_file("e.yaml", sy.load("e.yaml", "editions:\n" + items))


def rule(text: str):
    return rules_from_node(sy.load("r.yaml", textwrap.dedent(text)), "r.yaml", Path(".")).rules[0]


def statuses(frame) -> list[str]:
    return frame["status"].tolist()


# --- stock -----------------------------------------------------------------------------------

STOCK = """
rules:
  - id: register
    stock: {name: missing, inflows: [reported], outflows: [identified]%s}
"""


def test_stock_parse():
    r = rule(STOCK % "")
    assert r.spec == {"name": "missing", "inflows": ["reported"], "outflows": ["identified"],
                      "flows": "period", "pairs": "consecutive"}
    assert stock.figures(r) == ["missing", "reported", "identified"]
    assert r.description == ("missing changes only by its flows: now = before + reported - "
                             "identified")


@pytest.mark.parametrize("text, message", [
    ("stock: {name: m}", "'stock' needs inflows, outflows or both"),
    ("stock: {name: m, inflows: [m]}", "cannot be its own flow"),
    ("stock: {name: m, inflows: [a], flows: weekly}", "flows must be period or cumulative"),
])
def test_stock_parse_errors(text, message):
    with pytest.raises(InputError, match=message):
        rule(f"rules:\n  - id: s\n    {text}\n")


def test_stock_period_flows():
    s = series(["{missing: 1127, reported: 40, identified: 5}",
                "{missing: 1145, reported: 30, identified: 12}",
                "{missing: 1845, reported: 30, identified: 12}",
                "{missing: 1863, identified: 12}"])
    r = rule(STOCK % "")
    frame = stock.evaluate(s, r)
    assert statuses(frame) == ["pass", "fail", "missing"]
    assert stock.expressions(r, frame)[1] == (
        "missing@2021-12-31 == missing@2020-12-31 + reported@2021-12-31 - identified@2021-12-31")
    gap = stock.failures(r, frame)[1]
    assert (gap.name, gap.after.lo, gap.expected) == ("missing", 1845, X(1163))
    assert gap.flows == (reasons.Flow("reported", 1, X(30)), reasons.Flow("identified", -1, X(12)))
    rec = frame.to_dict("records")[1]
    assert stock.sides(rec) == (X(1845), X(1163))
    assert stock.flows(r, frame.to_dict("records")[2])["reported"] is None


def test_stock_cumulative_flows_and_all_pairs():
    s = series(["{missing: 100, found: 10}", "{missing: 95, found: 15}",
                "{missing: 90, found: 20}"])
    r = rule("rules:\n  - id: s\n    stock: {name: missing, outflows: found, flows: cumulative, "
             "pairs: all}\n")
    frame = stock.evaluate(s, r)
    assert statuses(frame) == ["pass", "pass", "pass"]
    assert stock.expressions(r, frame)[1] == (
        "missing@2021-12-31 == missing@2019-12-31 - (found@2021-12-31 - found@2019-12-31)")


def test_stock_period_flows_over_several_editions_add_up():
    s = series(["{m: 10, inflow: 99}", "{m: 15, inflow: 5}", "{m: 22, inflow: 7}"])
    r = rule("rules:\n  - id: s\n    stock: {name: m, inflows: inflow, pairs: all}\n")
    frame = stock.evaluate(s, r)
    assert statuses(frame) == ["pass", "pass", "pass"]
    assert stock.expressions(r, frame)[1] == "m@2021-12-31 == m@2019-12-31 + inflow@(2019-12-31, 2021-12-31]"


def test_stock_with_a_bounded_flow_is_undetermined():
    s = series(["{m: 10}", "{m: 15, inflow: {value: 3, qualifier: at least}}"])
    r = rule("rules:\n  - id: s\n    stock: {name: m, inflows: inflow}\n")
    frame = stock.evaluate(s, r)
    assert statuses(frame) == ["undetermined"]
    (gap,) = stock.failures(r, frame)
    assert gap.expected == Value(13, math.inf)
