"""render.junit: one suite per file, one case per listed instance, unlisted ones folded, so the
XML counts add up to the report's exact counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.render import junit
from missingstats.render.context import RenderContext

CTX = RenderContext()


def parse(text: str) -> ET.Element:
    head, comment, body = text.split("\n", 2)
    assert head == '<?xml version="1.0" encoding="UTF-8"?>'
    assert comment.startswith("<!-- missingstats: ") and comment.endswith(" -->")
    return ET.fromstring(body)


def cases(suite: ET.Element) -> list[tuple[str, str, str]]:
    """(classname, name, outcome) of each test case."""
    out = []
    for c in suite.findall("testcase"):
        kind = next((k for k in ("failure", "skipped", "error") if c.find(k) is not None), "pass")
        out.append((c.get("classname"), c.get("name"), kind))
    return out


def test_totals_and_one_suite_per_file(report):
    root = parse(junit.render(report, CTX))
    assert root.tag == "testsuites" and root.get("name") == "missingstats"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "6", "failures": "2", "errors": "0", "skipped": "2"}
    s, t = root.findall("testsuite")
    assert (s.get("name"), t.get("name")) == ("s.yaml", "t.yaml")
    assert {k: s.get(k) for k in ("tests", "failures", "skipped")} == {
        "tests": "5", "failures": "2", "skipped": "2"}
    assert cases(t) == [("pos", "x >= 0", "pass")]


def test_listed_cases_and_folded_rest(report):
    s = parse(junit.render(report, CTX)).find("testsuite")
    assert cases(s) == [
        ("split", "a == b + c", "failure"),
        ("split", "split: 1 more instance failed (not listed)", "failure"),
        ("split", "split: 1 more instance passed (not listed)", "pass"),
        ("within", "d <= a", "skipped"),
        ("needs-e", "e <= a", "skipped"),
    ]


def test_a_failure_names_figures_lines_and_difference(report):
    case = parse(junit.render(report, CTX)).find("testsuite/testcase")
    assert (case.get("file"), case.get("line")) == ("s.yaml", "2")
    failure = case.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message") == "error: a == b + c fails"
    assert failure.text.splitlines() == [
        "a == b + c fails", "a = 10 (s.yaml:2:6)", "b = 7 (s.yaml:3:6)", "c = 4 (s.yaml:4:6)",
        "difference: -1 (left side minus right side)", "rule: the parts add up"]


def test_skipped_says_why(report):
    skipped = [c.find("skipped") for c in parse(junit.render(report, CTX)).iter("testcase")
               if c.find("skipped") is not None]
    assert [s.get("message") for s in skipped] == [
        "undetermined: holds if d (at least 8) is at most 10; fails above",
        "not evaluable: a figure it needs is not reported"]


def test_notes_go_to_the_suite_output(report):
    s = parse(junit.render(report, CTX)).find("testsuite")
    assert s.find("system-out").text.startswith("note: s.yaml:1:1: the sheet's text 's.txt'")
    assert parse(junit.render(report, CTX)).findall("testsuite")[1].find("system-out") is None


def test_a_rule_that_could_not_run_is_an_error():
    report = {"summary": {}, "files": ["s.yaml"], "results": [
        {"rule": "broken", "file": "s.yaml", "severity": "error", "status": "error",
         "message": "division by zero", "failures": []}]}
    root = parse(junit.render(report, CTX))
    (case,) = root.iter("testcase")
    assert case.find("error").get("message") == "division by zero"
    assert case.find("error").get("type") == "rule-error"
    assert root.get("errors") == "1"


def test_files_without_results_still_get_a_suite():
    report = {"summary": {"files": 2}, "files": ["a.yaml", "b.yaml"], "results": []}
    root = parse(junit.render(report, CTX))
    assert [s.get("name") for s in root.findall("testsuite")] == ["a.yaml", "b.yaml"]
    assert root.get("tests") == "0"


def test_control_characters_are_dropped():
    report = {"summary": {}, "files": ["s.yaml"], "results": [{
        "rule": "r\x01", "file": "s.yaml", "severity": "error", "status": "fail", "failed": 1,
        "checked": 1, "failures": [{"expression": "a\x08 <= b", "values": {}, "locations": []}]}]}
    case = next(parse(junit.render(report, CTX)).iter("testcase"))
    assert (case.get("classname"), case.get("name")) == ("r", "a <= b")


def one_rule(listed: dict[str, int], counts: dict[str, int], text: str = "a <= b") -> dict:
    keys = {"fail": "failures", "undetermined": "undetermined_instances",
            "missing": "missing_instances", "pass": "passed_instances"}
    res = {"rule": "r", "file": "s.yaml", "severity": "warning", "status": "fail",
           "checked": sum(counts.values()), "failed": counts["fail"], "passed": counts["pass"],
           "undetermined": counts["undetermined"], "missing": counts["missing"], "failures": []}
    for status, n in listed.items():
        res[keys[status]] = [{"expression": f"{text} #{i}", "status": status, "values": {},
                              "locations": []} for i in range(n)]
    return {"summary": {}, "files": ["s.yaml"], "results": [res]}


STATUSES = ("fail", "undetermined", "missing", "pass")


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({s: st.tuples(st.integers(0, 4), st.integers(0, 50)) for s in STATUSES}))
def test_listed_and_folded_cases_add_up_to_the_counts(sizes):
    """Each status gives its listed cases plus one folded case when some are not listed."""
    listed = {s: min(a, b) for s, (a, b) in sizes.items()}
    counts = {s: b for s, (_, b) in sizes.items()}
    root = parse(junit.render(one_rule(listed, counts), CTX))
    expect = {s: listed[s] + (counts[s] > listed[s]) for s in STATUSES}
    assert int(root.get("tests")) == sum(expect.values())
    assert int(root.get("failures")) == expect["fail"]
    assert int(root.get("skipped")) == expect["undetermined"] + expect["missing"]


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff")))
def test_any_text_gives_well_formed_xml(text):
    report = one_rule({"fail": 1}, {"fail": 2, "undetermined": 0, "missing": 0, "pass": 0}, text)
    report["results"][0]["rule"] = text
    report["results"][0]["description"] = text
    report["notes"] = [{"file": "s.yaml", "message": text}]
    root = parse(junit.render(report, CTX))
    assert root.get("failures") == "2"


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"])
def test_noncharacters_in_codes_give_well_formed_xml(char):
    report = one_rule({"fail": 1}, {"fail": 1, "undetermined": 0, "missing": 0, "pass": 0})
    report["results"][0]["failures"][0]["coordinates"] = {"geo": f"A{char}"}
    root = parse(junit.render(report, CTX))
    assert next(root.iter("testcase")).get("name") == "a <= b #0 [geo=A]"
