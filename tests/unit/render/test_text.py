"""render.text: the terminal report, figure names and values and lines before jargon."""

from __future__ import annotations

import copy
import re

from missingstats.render import text
from missingstats.render.context import RenderContext

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_plain_report(report):
    out = text.render(report, RenderContext())
    assert out.splitlines() == [
        "2 files, 4 rules, 6 checks: 2 passed, 2 failed, 1 undetermined, 1 not evaluable (2 errors)",
        "note: s.yaml:1:1: the sheet's text 's.txt' was not found beside it; prose not checked "
        "(give --text PATH)",
        "",
        "FAIL split (error) s.yaml  2 of 3 failed",
        "  the parts add up",
        "  a == b + c",
        "    a = 10  s.yaml:2:6",
        "    b = 7  s.yaml:3:6",
        "    c = 4  s.yaml:4:6",
        "    difference: -1 (left side minus right side)",
        "  ... and 1 more failures (--max-failures to list more)",
        "",
        "UNDETERMINED within (warning) s.yaml  1 checked",
        "  d <= a",
        "    d = at least 8  s.yaml:5:6",
        "    a = 10  s.yaml:2:6",
        "    holds if d (at least 8) is at most 10; fails above",
        "",
        "1 rule passed (pos in t.yaml; --verbose lists them)",
        "",
        "Not evaluable, figures not reported:",
        "  needs-e (1 of 1): needs e in s.yaml",
    ]
    assert "\x1b[" not in out


def test_verbose_lists_passes_and_not_evaluable_rules_in_full(report):
    out = text.render(report, RenderContext(verbose=True)).splitlines()
    assert "PASS pos (error) t.yaml  1 checked" in out
    assert "  ok x >= 0" in out
    assert "NOT EVALUABLE needs-e (error) s.yaml  1 checked" in out
    assert "  not evaluable: needs-e (1 of 1): needs e" in out
    assert not any("--verbose lists them" in line for line in out)


def test_colour_only_when_asked_and_the_words_stay_the_same(report):
    plain = text.render(report, RenderContext())
    coloured = text.render(report, RenderContext(color=True))
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == plain


def test_markup_in_names_is_not_interpreted(report):
    rep = copy.deepcopy(report)
    rep["results"][0]["failures"][0]["expression"] = "[bold]a[/] == b + c"
    assert "  [bold]a[/] == b + c" in text.render(rep, RenderContext()).splitlines()
    assert "[bold]a[/] == b + c" in ANSI.sub("", text.render(rep, RenderContext(color=True)))


def test_coordinates_and_messages_of_table_cells():
    report = {"summary": {"files": 1, "rules": 1, "instances": 1, "failed": 1, "passed": 0},
              "files": ["spec.yaml"], "results": [{
                  "rule": "unique-cells", "severity": "error", "status": "fail",
                  "file": "spec.yaml", "checked": 7, "failed": 1, "missing": 0,
                  "failures": [{"expression": "one cell per combination of codes",
                                "coordinates": {"geo": "B", "sex": "female"},
                                "message": "same coordinates as line 6",
                                "values": {"this": 3, "first": 3},
                                "locations": [
                                    {"file": "cube.csv", "line": 7, "column": 3, "figure": "this"},
                                    {"file": "cube.csv", "line": 6, "column": 3, "figure": "first"},
                                    {"file": "cube.csv", "line": 2, "column": 1, "figure": "group"}]}]}]}
    lines = text.render(report, RenderContext()).splitlines()
    assert lines[2:] == [
        "FAIL unique-cells (error) spec.yaml  1 of 7 failed",
        "  one cell per combination of codes",
        "    at geo=B, sex=female",
        "    same coordinates as line 6",
        "    this  = 3  cube.csv:7:3",
        "    first = 3  cube.csv:6:3",
        "    cube.csv:2:1",
    ]


def unreported(rule: str, checked: int, missing: int, names: list[str]) -> dict:
    return {"rule": rule, "severity": "error", "file": "s.yaml",
            "status": "missing" if missing == checked else "pass", "checked": checked,
            "passed": checked - missing, "failed": 0, "missing": missing, "failures": [],
            "missing_instances": [{"values": {n: None, "x": 1}} for n in names]}


def unreported_lines(*rules: dict) -> list[str]:
    report = {"summary": {"failed": 0}, "files": ["s.yaml"], "results": list(rules)}
    lines = text.render(report, RenderContext()).splitlines()
    return lines[lines.index("Not evaluable, figures not reported:") + 1:]


def test_unreported_names_at_most_four_figures():
    assert unreported_lines(unreported("r", 6, 6, ["a", "b", "a", "c", "d", "e", "f"])) == [
        "  r (6 of 6): needs a, b, c, d and 2 more"]
    assert unreported_lines(unreported("r", 3, 1, [])) == ["  r (1 of 3): needs figures"]


def test_many_wholly_unevaluable_rules_share_one_line():
    idle = [unreported(f"r{i}", 1, 1, ["z"]) for i in range(3)]
    part = unreported("p", 4, 1, ["y"])
    assert unreported_lines(part, *idle) == [
        "  p (1 of 4): needs y",
        "  3 rules could not be evaluated at all (each needs a figure this file does not "
        "report): r0, r1, r2 (--verbose lists the figures)"]
    assert unreported_lines(*idle[:2]) == ["  r0 (1 of 1): needs z", "  r1 (1 of 1): needs z"]


def test_side_sections_are_printed(report):
    rep = dict(report, prose=[{"text": "letter.txt: 3 quoted figure(s) checked"}],
               hints=[{"file": "s.yaml", "text": "b = 7 is most likely wrong"}, {"file": "x"}])
    out = text.render(rep, RenderContext()).splitlines()
    assert out[-2:] == ["prose: letter.txt: 3 quoted figure(s) checked",
                        "hint (s.yaml): b = 7 is most likely wrong"]
