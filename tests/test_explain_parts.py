"""`explain` of a sheet whose failing rules fall in independent parts: each part is searched
and reported on its own (its best set and its alternatives), their best sets together are
the sheet's answer, and (property) that answer changes as few figures as the search over
the whole sheet."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.analysis import localize as lz
from missingstats.analysis.explain import explain_sheet, union
from missingstats.cli import app
from missingstats.evaluate.rulesets import sheet_rules
from missingstats.inputs.sheet import load_sheet

TWO_PARTS = """\
figures:
  north: {total: 100, a: 40, b: 61}
  south: {total: 80, a: 30, b: 50}
  east: {total: 53, a: 30, b: 32}
rules:
  - id: split
    for: {g: [north, south, east]}
    check: '{g}.total == {g}.a + {g}.b'
"""


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_each_failing_part_is_explained_on_its_own(tmp_path: Path):
    sheet = tmp_path / "parts.yaml"
    sheet.write_text(TWO_PARTS, encoding="utf-8")
    res = run("explain", str(sheet))
    assert res.exit_code == 1
    out = res.stdout
    assert "2 independent parts fail" in out
    assert "Part 1 (north.total, north.a, north.b): split" in out
    assert "Part 2 (east.total, east.a, east.b): split" in out
    assert "south" not in out.split("independent parts fail")[1]  # south adds up
    assert out.count("Most likely wrong (1 figure to change):") == 2
    assert out.count("Other explanations changing as few figures:") == 2
    assert f"north.b = 61  {sheet}:2:33" in out


def test_parts_in_json_and_markdown(tmp_path: Path):
    sheet = tmp_path / "parts.yaml"
    sheet.write_text(TWO_PARTS, encoding="utf-8")
    rep = json.loads(run("explain", str(sheet), "-f", "json").stdout)
    assert rep["status"] == "localised"
    assert [p["figures"] for p in rep["parts"]] == [
        ["north.total", "north.a", "north.b"], ["east.total", "east.a", "east.b"]]
    best = rep["alternatives"][0]["figures"]
    assert len(best) == 2 and best[0].startswith("north.") and best[1].startswith("east.")
    assert all(len(p["alternatives"]) == 3 for p in rep["parts"])  # any one of three figures
    named = {s["figure"] for s in rep["suspects"]}
    assert named == {f"{g}.{f}" for g in ("north", "east") for f in ("total", "a", "b")}
    md = run("explain", str(sheet), "-f", "markdown").stdout
    assert md.startswith("## missingstats explain: 2 figures most likely wrong")
    assert md.count("\n- `") >= 2 + 4  # the two failing checks, then each part's alternatives


def test_one_failing_part_reads_as_the_whole_sheet(tmp_path: Path):
    sheet = tmp_path / "one.yaml"
    sheet.write_text(TWO_PARTS.replace("b: 61", "b: 60"), encoding="utf-8")
    rep = json.loads(run("explain", str(sheet), "-f", "json").stdout)
    assert "parts" not in rep
    assert rep["alternatives"][0]["figures"][0].startswith("east.")


def test_a_contradiction_in_one_part_is_the_sheets():
    ok = lz.Localisation("localised", [lz.ChangeSet(["a"], 1.0, {"a": 1.0})], [], False, [])
    bad = lz.Localisation("contradiction")
    assert union([ok, bad]).status == "contradiction"
    assert union([lz.Localisation("limit"), lz.Localisation("unanalysable")]).status == "limit"


def test_union_joins_best_sets_and_keeps_more():
    one = lz.Localisation("localised", [lz.ChangeSet(["a"], 1.0, {"a": 1.0}, typo=True,
                                                     warnings_hold=True)], [], False, [])
    two = lz.Localisation("localised", [lz.ChangeSet(["b", "c"], 2.0, {"b": 2.0, "c": 3.0},
                                                     typo=True, warnings_hold=None)], [], True, [])
    joined = union([one, two])
    best = joined.sets[0]
    assert best.figures == ["a", "b", "c"] and best.weight == 3.0
    assert best.fix == {"a": 1.0, "b": 2.0, "c": 3.0} and best.typo
    assert best.warnings_hold is None and joined.more


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(-3, 3)),
                min_size=1, max_size=5))
def test_parts_change_as_few_figures_as_the_whole_search(tmp_path: Path, groups):
    lines = ["figures:"]
    for k, (a, b, off) in enumerate(groups):
        lines.append(f"  g{k}: {{total: {a + b + off}, a: {a}, b: {b}}}")
    names = ", ".join(f"g{k}" for k in range(len(groups)))
    lines += ["rules:", "  - id: split", f"    for: {{g: [{names}]}}",
              "    check: '{g}.total == {g}.a + {g}.b'"]
    path = tmp_path / "random.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sheet = load_sheet(str(path))
    rules, known = sheet_rules(str(path), sheet, None)
    parted = explain_sheet(sheet, rules, known, ("error",), 3)
    rec = lz.sheet_record(sheet, rules, known, ("error",))
    whole = lz.localize(rec.problem, rec.lo, rec.hi, rec.stated, max_sets=3)
    broken = int(np.count_nonzero([off for _, _, off in groups]))
    assert parted.result.status == whole.status
    if broken:
        assert len(parted.result.sets[0].figures) == len(whole.sets[0].figures) == broken
        assert len(parted.parts) == (broken if broken > 1 else 0)
