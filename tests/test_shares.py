"""Shares: stated percentages with their rounding and qualifiers against the counts."""

from __future__ import annotations

import json
import textwrap
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import sheet_from_mapping
from missingstats.inputs.rules import rules_from_node
from missingstats.kinds.share import evaluate_shares, percent_bounds, sheet_cells

FIXTURE = Path(__file__).parent / "fixtures" / "series" / "shares-pending.yaml"
RULES = """
rules:
  - id: share
    share: {percent: pct, part: part, whole: whole}
"""


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(app, [str(a) for a in args])
        assert "Traceback" not in result.output
        return result

    return invoke


def sheet(text: str):
    top = sy.load("s.yaml", textwrap.dedent(text))
    return sheet_from_mapping(top, "s.yaml")


def verdicts(figures: str, rules: str = RULES) -> list[str]:
    s = sheet(f"figures:\n{textwrap.indent(textwrap.dedent(figures), '  ')}")
    rs = rules_from_node(sy.load("r.yaml", textwrap.dedent(rules)), "r.yaml", Path("."))
    res = evaluate_shares(sheet_cells(s), rs.rules, "s.yaml", set())
    return [str(f.status) for f in res.findings]


def bounds_of(value: str, qualifier: str | None = None, approximate: float = 0.1):
    q = f", qualifier: {qualifier}" if qualifier else ""
    s = sheet(f"figures:\n  p: {{value: {value}, unit: percent{q}}}\n")
    return percent_bounds(s.figures["p"], value, approximate)


@pytest.mark.parametrize("value, qualifier, expected", [
    ("49", None, (48.5, 49.5, False, True)),
    ("47.4", None, (47.35, 47.45, False, True)),
    ("49.0", None, (48.95, 49.05, False, True)),
    ("49", "over", (49, 100, True, False)),
    ("49", "at least", (49, 100, False, False)),
    ("49", "under", (0, 49, False, True)),
    ("49", "at most", (0, 49, False, False)),
    ("0", None, (0, 0.5, False, True)),
])
def test_a_percentage_stands_for_its_rounding_interval(value, qualifier, expected):
    got = bounds_of(value, qualifier)
    assert got[:2] == pytest.approx(expected[:2]) and got[2:] == expected[2:]


def test_about_and_almost_widen_by_the_approximate_setting():
    lo, hi, _, _ = bounds_of("50", "about")
    assert (lo, hi) == pytest.approx((44.5, 55.5))
    lo, hi, _, hi_open = bounds_of("50", "almost")
    assert (lo, hi, hi_open) == (pytest.approx(44.5), 50, True)


def test_over_49_per_cent_against_counts_giving_47_4_fails(run):
    result = run("check", FIXTURE, "--format", "json")
    assert result.exit_code == 1
    rep = json.loads(result.stdout)
    entry = next(r for r in rep["results"] if r["rule"] == "pending-share")
    (f,) = entry["failures"]
    assert f["message"] == (
        "pending_percent says over 49 per cent, but still_missing / registered = "
        "3,577 / 7,546 = 47.4 per cent")
    assert f["values"]["pending_percent"]["text"] == "over 49%"
    assert f["rhs"] == 47.4 and f["difference"] == 1.6
    assert [loc["line"] for loc in f["locations"]] == [9, 7, 6]
    assert f["relation"] == {"compare": "=="}  # the stated share against the computed one


def test_shares_of_a_whole_must_be_able_to_add_to_100(run):
    rep = json.loads(run("check", FIXTURE, "--format", "json").stdout)
    entry = next(r for r in rep["results"] if r["rule"] == "missing-by-status")
    assert entry["failed"] == 1
    assert "at least 98 and less than 100" in entry["failures"][0]["message"]


@pytest.mark.parametrize("part, whole, stated, expected", [
    (3577, 7546, "{value: 47.4}", "pass"),
    (3577, 7546, "{value: 47}", "pass"),
    (3577, 7546, "{value: 47.5}", "fail"),
    (3577, 7546, "{value: 49, qualifier: over}", "fail"),
    (3577, 7546, "{value: 47, qualifier: over}", "pass"),
    (3577, 7546, "{value: 50, qualifier: under}", "pass"),
    (99, 200, "{value: 49}", "fail"),  # 49.5 rounds to 50
    (97, 200, "{value: 49}", "pass"),  # 48.5 rounds to 49
    (99, 200, "{value: 50}", "pass"),
    (1, 3, "{value: 33.3}", "pass"),
    (1, 3, "{value: 33.4}", "fail"),
])
def test_share_verdicts_follow_stated_rounding(part, whole, stated, expected):
    unit = stated[:-1] + ", unit: percent}"
    assert verdicts(f"part: {part}\nwhole: {whole}\npct: {unit}\n") == [expected]


def test_bounded_counts_can_leave_a_share_undetermined():
    figures = "part: {value: 470, qualifier: about}\nwhole: 1000\npct: {value: 47, unit: percent}\n"
    assert verdicts(figures) == ["undetermined"]
    figures = "part: {value: 800, qualifier: about}\nwhole: 1000\npct: {value: 47, unit: percent}\n"
    assert verdicts(figures) == ["fail"]


def test_a_zero_whole_is_not_evaluable():
    assert verdicts("part: 0\nwhole: 0\npct: {value: 0, unit: percent}\n") == ["missing"]


@pytest.mark.parametrize("values, expected", [
    (["61", "39"], "pass"),
    (["61", "38"], "fail"),
    (["33.3", "33.3", "33.3"], "pass"),
    (["34", "33", "34"], "pass"),  # 99.5 to 102.5 holds 100
    (["34", "34", "34"], "fail"),
    (["50.5", "50.5"], "fail"),
])
def test_shares_sum_within_rounding(values, expected):
    names = [f"s{i}" for i in range(len(values))]
    figures = "".join(f"{n}: {{value: {v}, unit: percent}}\n" for n, v in zip(names, values))
    rules = f"rules:\n  - id: sum\n    shares_sum: [{', '.join(names)}]\n"
    assert verdicts(figures, rules) == [expected]


def test_a_share_of_a_count_is_an_input_error(run, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("figures: {part: 1, whole: 2, pct: 50}\n" + RULES.replace("\nrules:", "rules:"))
    result = run("check", path)
    assert result.exit_code == 2
    assert "is a count" in result.output


def test_shares_in_an_editions_file_are_checked_per_edition(run, tmp_path):
    path = tmp_path / "e.yaml"
    path.write_text(textwrap.dedent("""
        editions:
          - as_of: 2019
            figures: {part: 50, whole: 100, pct: {value: 50, unit: percent}}
          - as_of: 2020
            figures: {part: 45, whole: 100, pct: {value: 50, unit: percent}}
          - as_of: 2021
            figures: {part: 45, whole: 100}
    """) + RULES)
    result = run("check", path, "--format", "json")
    assert result.exit_code == 1
    entry = json.loads(result.stdout)["results"][-1]
    assert (entry["checked"], entry["failed"], entry["missing"]) == (3, 1, 1)
    assert entry["failures"][0]["coordinates"] == {"edition": "2020"}


def _half_up(x: Decimal, decimals: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@settings(max_examples=80, deadline=None)
@given(whole=st.integers(1, 10**6), data=st.data(), decimals=st.integers(0, 2))
def test_a_correctly_rounded_share_always_passes_and_a_wrong_one_fails(whole, data, decimals):
    part = data.draw(st.integers(0, whole))
    exact = Decimal(100 * part) / Decimal(whole)
    shown = _half_up(exact, decimals)
    text = f"{shown:.{decimals}f}"
    assert verdicts(f"part: {part}\nwhole: {whole}\npct: {{value: {text}, unit: percent}}\n") == ["pass"]
    step = Decimal(1).scaleb(-decimals)
    wrong = shown + step if exact <= shown else shown - step
    if wrong >= 0:
        wrong_text = f"{wrong:.{decimals}f}"
        got = verdicts(f"part: {part}\nwhole: {whole}\npct: {{value: {wrong_text}, unit: percent}}\n")
        assert got == ["fail"]
