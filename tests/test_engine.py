"""The check engine and the results frame, without the CLI."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from missingstats.core.errors import InputError, Location
from missingstats.core.results import Results
from missingstats.kinds.base import Instance, Rule
from missingstats.kinds.check import evaluate_checks
from missingstats.language import expr as ex
from missingstats.language.intervals import Tolerance
from missingstats.render.report import build as report
from tests.conftest import counts, instances


def cells(rows):
    return pd.DataFrame(
        [{"file": "s.yaml", "name": n, "lo": lo, "hi": hi, "value": lo if lo == hi else None,
          "qualifier": None, "unit": "count", "line": i + 1, "column": 3, "quote": None}
         for i, (n, lo, hi) in enumerate(rows)]
    )


EXACT = Tolerance()


def rule(rid, *checks, severity="error", generic=False, tolerance=EXACT):
    insts = [Instance(ex.to_text(ex.parse_check(c)), ex.parse_check(c)) for c in checks]
    return Rule(rid, "check", Location("r.yaml", 1, 1), severity=severity, instances=insts,
                generic=generic, tolerance=tolerance)


def test_counts_and_failure_details():
    frame = cells([("a", 10, 10), ("b", 4, 4), ("c", 7, 7)])
    res = evaluate_checks(frame, [rule("sum", "a == b + c"), rule("le", "b <= a", "c <= a")],
                          "s.yaml", set())
    got = counts(res)
    assert (got["sum"]["checked"], got["sum"]["failed"]) == (1, 1)
    assert (got["le"]["checked"], got["le"]["passed"]) == (2, 2)
    fail = next(i for i in instances(res) if i["status"] == "fail")
    assert (fail["lhs"], fail["rhs"], fail["difference"]) == (10, 11, -1)
    assert fail["values"] == {"a": 10, "b": 4, "c": 7}
    assert [loc["line"] for loc in fail["locations"]] == [1, 2, 3]


def test_generic_rule_missing_name_is_not_evaluable_other_rule_is_an_error():
    frame = cells([("a", 1, 1)])
    res = evaluate_checks(frame, [rule("g", "a <= b", generic=True)], "s.yaml", set())
    assert counts(res)["g"]["missing"] == 1
    with pytest.raises(InputError, match="does not report"):
        evaluate_checks(frame, [rule("own", "a <= b")], "s.yaml", set())


def test_bounded_difference_is_the_smallest_violation():
    frame = cells([("a", 900, math.inf), ("b", 800, 800)])
    res = evaluate_checks(frame, [rule("le", "a <= b")], "s.yaml", set())
    inst = instances(res)[0]
    assert inst["status"] == "fail" and inst["difference"] == 100
    assert inst["values"]["a"]["lo"] == 900 and inst["values"]["a"]["hi"] is None


def test_report_caps_lists_but_keeps_counts_and_strict_mode():
    frame = cells([(f"x{i}", i + 5, i + 5) for i in range(5)] + [("t", 1, 1)])
    checks = [f"x{i} <= t" for i in range(5)]
    res = evaluate_checks(frame, [rule("within", *checks, severity="warning")], "s.yaml", set())
    rep = report(res, max_failures=2)
    (entry,) = rep["results"]
    assert (entry["failed"], len(entry["failures"]), entry["status"]) == (5, 2, "fail")
    assert rep["summary"]["warnings_failed"] == 5 and rep["summary"]["errors_failed"] == 0
    assert res.failing() is False and res.failing(strict=True) is True


def test_combine_keeps_files_and_counts():
    a = evaluate_checks(cells([("a", 1, 1)]), [rule("r", "a >= 0")], "a.yaml", set())
    b = evaluate_checks(cells([("a", 1, 1)]), [rule("r", "a >= 2")], "b.yaml", set())
    both = Results.combine([a, b])
    assert both.files == ["a.yaml", "b.yaml"]
    assert [t.counts.failed for t in both.tallies] == [0, 1]
    assert both.failing()
