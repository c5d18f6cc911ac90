"""Property-based tests: a series built to satisfy its rules passes; one perturbed step fails
at exactly that step (and, with `pairs: all`, at exactly the pairs that cross it)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from missingstats.evaluate.series_steps import evaluate_series
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import load_editions_file
from missingstats.inputs.rules import rules_from_node

RULES = {
    "cumulative": "cumulative: {figures: [identified, registered], pairs: PAIRS}",
    "period": "stock: {name: still, inflows: [new], outflows: [found], pairs: PAIRS}",
    "cumulative-flows": ("stock: {name: open_cases, inflows: [registered], outflows: [identified], "
                         "flows: cumulative, pairs: PAIRS}"),
}


@st.composite
def consistent_series(draw):
    """Yearly editions whose figures satisfy every rule in RULES."""
    n = draw(st.integers(2, 9))
    identified = [draw(st.integers(0, 3000))]
    registered = [identified[0] + draw(st.integers(0, 3000))]
    still = [draw(st.integers(0, 3000))]
    new, found = [draw(st.integers(0, 300))], [draw(st.integers(0, 300))]
    for _ in range(n - 1):
        identified.append(identified[-1] + draw(st.integers(0, 200)))
        registered.append(max(registered[-1] + draw(st.integers(0, 200)), identified[-1]))
        new.append(draw(st.integers(0, 300)))
        found.append(draw(st.integers(0, still[-1] + new[-1])))
        still.append(still[-1] + new[-1] - found[-1])
    base = draw(st.integers(0, 500))
    open_cases = [base + r - i for r, i in zip(registered, identified)]
    order = draw(st.permutations(range(n)))  # the file may list editions in any order
    return {
        "n": n, "order": list(order),
        "figures": {"identified": identified, "registered": registered, "still": still,
                    "new": new, "found": found, "open_cases": open_cases},
    }


def evaluate(data: dict, kind: str, pairs: str, tolerance: int = 0):
    lines = ["editions:"]
    for i in data["order"]:
        values = ", ".join(f"{k}: {v[i]}" for k, v in data["figures"].items())
        lines.append(f"  - as_of: {2000 + i}\n    figures: {{{values}}}")
    top = sy.load("e.yaml", "\n".join(lines) + "\n")
    series = load_editions_file("e.yaml", top)
    rule = RULES[kind].replace("PAIRS", pairs)
    text = f"rules:\n  - id: r\n    {rule}\n    tolerance: {tolerance}\n"
    rules = rules_from_node(sy.load("r.yaml", textwrap.dedent(text)), "r.yaml", Path("."))
    res = evaluate_series(series, rules.rules, set(), "e.yaml")
    steps = [(int(f.coordinates["previous"]) - 2000, int(f.coordinates["edition"]) - 2000)
             for f in res.findings]
    return [str(f.status) for f in res.findings], steps


def failing(statuses, steps):
    return {s for st_, s in zip(statuses, steps) if st_ == "fail"}


KINDS = st.sampled_from(sorted(RULES))
PAIRS = st.sampled_from(["consecutive", "all"])


@settings(max_examples=30, deadline=None)
@given(data=consistent_series(), kind=KINDS, pairs=PAIRS)
def test_a_consistent_series_passes(data, kind, pairs):
    statuses, steps = evaluate(data, kind, pairs)
    n = data["n"]
    assert set(statuses) == {"pass"}
    expected = (n - 1) if pairs == "consecutive" else n * (n - 1) // 2
    per_rule = 2 if kind == "cumulative" else 1
    assert len(statuses) == expected * per_rule


@settings(max_examples=30, deadline=None)
@given(data=consistent_series(), kind=st.sampled_from(["period", "cumulative-flows"]), pairs=PAIRS,
       step=st.data(), shift=st.integers(1, 400) | st.integers(-400, -1),
       tolerance=st.integers(0, 3))
def test_a_stock_shifted_from_one_edition_on_fails_exactly_there(data, kind, pairs, step, shift,
                                                                  tolerance):
    n = data["n"]
    k = step.draw(st.integers(1, n - 1))
    name = "still" if kind == "period" else "open_cases"
    shift = shift if abs(shift) > tolerance else shift + (tolerance + 1) * (1 if shift > 0 else -1)
    values = data["figures"][name]
    if min(values[k:]) + shift < 0:
        shift = -shift
    data["figures"][name] = [v + (shift if i >= k else 0) for i, v in enumerate(values)]
    statuses, steps = evaluate(data, kind, pairs, tolerance)
    expected = {(a, b) for a in range(n) for b in range(a + 1, n) if a < k <= b}
    if pairs == "consecutive":
        expected = {(k - 1, k)}
    assert failing(statuses, steps) == expected
    assert all(s == "pass" for s, p in zip(statuses, steps) if p not in expected)


@settings(max_examples=30, deadline=None)
@given(data=consistent_series(), pairs=PAIRS, step=st.data(), drop=st.integers(1, 500))
def test_a_cumulative_count_that_falls_fails_exactly_at_that_step(data, pairs, step, drop):
    n = data["n"]
    k = step.draw(st.integers(1, n - 1))
    identified = data["figures"]["identified"]
    drop = min(drop, identified[k - 1])
    assume(drop >= 1)  # counts are never negative
    identified[k] = identified[k - 1] - drop
    statuses, steps = evaluate(data, "cumulative", pairs)
    bad = failing(statuses, steps)
    assert {b for _, b in bad} == {k}
    assert (k - 1, k) in bad
    if pairs == "consecutive":
        assert bad == {(k - 1, k)}
    else:
        assert bad == {(a, k) for a in range(k) if identified[a] > identified[k]}


@settings(max_examples=30, deadline=None)
@given(data=consistent_series(), step=st.data(), extra=st.integers(1, 300))
def test_a_perturbed_flow_fails_exactly_its_step(data, step, extra):
    n = data["n"]
    k = step.draw(st.integers(1, n - 1))
    data["figures"]["new"][k] += extra
    statuses, steps = evaluate(data, "period", "consecutive")
    assert failing(statuses, steps) == {(k - 1, k)}
