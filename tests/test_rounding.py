"""Round figures: `rounded: implied` gives a count written with trailing zeros the precision
its digits state, and the report says when a verdict depends on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.inputs.sheet import load_sheet
from missingstats.language import bounds

runner = CliRunner()

ROUND = """\
source: {title: A statement in round numbers}
settings: {rounded: implied}
figures:
  missing:
    total: {value: 31000, qualifier: over, quote: "over 31,000 persons are missing"}
    exhaustive: true
    military: 23000
    civilians: 8000
"""


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize(("value", "written", "step"), [
    (23000, None, 1000), (1500, None, 100), (3889, None, 1), (870, None, 10), (0, None, 1),
    (23000, "23,000", 1000), (23000, "23 000", 1000), (1_500_000, "1.5 million", 100_000),
    (1_500_000, "1.50 million", 10_000), (20_000, "20 thousand", 10_000),
    (1500, "about 1,500", 100), (47.5, None, 1),
])
def test_the_precision_digits_state(value, written, step):
    assert bounds.rounding_step(value, written) == step


@given(st.integers(0, 10**9), st.integers(0, 10**6))
def test_rounded_intervals_contain_the_figure_and_never_shrink(value, spread):
    lo, hi = max(value - spread, 0), value + spread
    got = bounds.rounded(float(value), float(lo), float(hi))
    step = bounds.rounding_step(value)
    assert got[0] <= lo and got[1] >= hi and got[0] >= 0
    if step > 1:
        assert got[1] - value >= step / 2
    else:
        assert got == (lo, hi)


def test_a_round_sheet_passes_only_thanks_to_implied_rounding(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "round.yaml").write_text(ROUND, encoding="utf-8")
    (tmp_path / "exact.yaml").write_text(ROUND.replace("rounded: implied", "rounded: exact"),
                                         encoding="utf-8")
    exact = run("check", "exact.yaml", "-f", "json")
    assert exact.exit_code == 1
    rounded = run("check", "round.yaml", "-f", "json")
    assert rounded.exit_code == 0
    report = json.loads(rounded.stdout)
    assert report["version"] == 1
    rule = next(r for r in report["results"] if r["rule"] == "parts-sum-to-total")
    assert (rule["status"], rule["undetermined"]) == ("undetermined", 1)
    (inst,) = rule["undetermined_instances"]
    assert inst["values"]["missing.military"] == {"lo": 22500, "hi": 23500, "text": "23,000"}
    assert inst["decides"].startswith(
        "depends on the precision implied by rounding (23,000 stands for 22,500 to 23,500; "
        "8,000 stands for 7,500 to 8,500); taken as written (missing.military 23,000, "
        "missing.civilians 8,000) it fails")
    assert {"file": "round.yaml", "line": 7, "column": 15, "figure": "missing.military"} in (
        inst["locations"])
    text = run("check", "round.yaml").stdout
    assert "depends on the precision implied by rounding" in text
    assert run("check", "round.yaml", "--strict").exit_code == 1


def test_a_figure_may_opt_in_or_out(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("""\
settings: {rounded: implied}
figures:
  a: 23000
  b: {value: 23000, rounded: exact}
  c: {value: 1500, qualifier: about}
  d: {value: 800, qualifier: at least}
  e: {between: [100, 200]}
  f: {value: 47.0, unit: percent}
  g: 3889
""", encoding="utf-8")
    figs = load_sheet(path).figures
    assert (figs["a"].lo, figs["a"].hi, figs["a"].rounded) == (22500, 23500, True)
    assert (figs["b"].lo, figs["b"].hi, figs["b"].rounded) == (23000, 23000, False)
    assert (figs["c"].lo, figs["c"].hi) == (1350, 1650)  # "about" is already wider
    assert (figs["d"].lo, figs["d"].rounded) == (800, False)
    assert (figs["e"].lo, figs["e"].hi) == (100, 200)
    assert not figs["f"].rounded and not figs["g"].rounded
    path.write_text("figures:\n  a: {value: 23000, rounded: implied}\n  b: 23000\n", encoding="utf-8")
    figs = load_sheet(path).figures
    assert figs["a"].rounded and not figs["b"].rounded


def test_about_with_a_narrow_tolerance_takes_the_digits_precision(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("settings: {rounded: implied, approximate: 0.01}\n"
                    "figures:\n  c: {value: 1500, qualifier: about}\n", encoding="utf-8")
    c = load_sheet(path).figures["c"]
    assert (c.lo, c.hi, c.plain) == (1450, 1550, (1485, 1515))


@pytest.mark.parametrize(("text", "where", "fragment"), [
    ("settings: {rounded: maybe}\nfigures: {a: 1}\n", "1:21", "settings.rounded 'maybe' is not one"),
    ("settings: {rounded: yes}\nfigures: {a: 1}\n", "1:21", "is not one of exact, implied"),
    ("figures: {a: {value: 100, rounded: true}}\n", "1:36", "a.rounded"),
    ("figures: {a: {value: 100, rounde: implied}}\n", "1:27", "did you mean 'rounded'"),
])
def test_bad_rounded_settings_are_located(tmp_path, monkeypatch, text, where, fragment):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    res = run("check", "s.yaml")
    assert res.exit_code == 2
    assert f"s.yaml:{where}:" in res.stderr and fragment in res.stderr, res.stderr


def test_round_counts_in_the_prose(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.txt").write_text("As of today 23,000 persons remain missing.\n",
                                    encoding="utf-8")
    sheet = "text: t.txt\nfigures:\n  missing: {total: 23400}\n"
    (tmp_path / "exact.yaml").write_text(sheet, encoding="utf-8")
    (tmp_path / "round.yaml").write_text("settings: {rounded: implied}\n" + sheet, encoding="utf-8")

    def counts(name: str) -> dict:
        report = json.loads(run("check", name, "--prose", "-f", "json").stdout)
        return next(r for r in report["results"] if r["rule"] == "prose-counts-agree")

    assert (counts("exact.yaml")["checked"], counts("exact.yaml")["failed"]) == (1, 1)
    assert (counts("round.yaml")["checked"], counts("round.yaml")["failed"]) == (1, 0)
