"""render.sarif: SARIF 2.1.0 results for failing and undetermined instances, with stable rule
ids, repo-relative URIs, regions and fingerprints that survive moved lines."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from missingstats.render import sarif
from missingstats.render.context import RenderContext

CTX = RenderContext()
SCHEMA = Path(__file__).resolve().parents[2] / "fixtures" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture
def outside_git(tmp_path, monkeypatch):
    """A working directory outside any git repository: URIs are relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def render(report: dict) -> dict:
    return json.loads(sarif.render(report, CTX))


def test_is_valid_sarif(report, outside_git):
    import jsonschema

    doc = render(report)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert (doc["$schema"], doc["version"]) == (sarif.SCHEMA, "2.1.0")


def test_rules_listed_once_with_levels(report, outside_git):
    driver = render(report)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "missingstats" and driver["version"] == report["tool"]["version"]
    assert [(r["id"], r["defaultConfiguration"]["level"]) for r in driver["rules"]] == [
        ("split", "error"), ("within", "warning"), ("needs-e", "error"), ("pos", "error")]
    assert driver["rules"][0]["shortDescription"] == {"text": "the parts add up"}
    assert driver["rules"][1]["shortDescription"] == {"text": "within"}  # no description: its id


def test_fail_and_undetermined_are_results_missing_is_not(report, outside_git):
    results = render(report)["runs"][0]["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"], r.get("kind")) for r in results] == [
        ("split", 0, "error", None), ("within", 1, "none", "review")]


def test_a_failure_points_at_its_first_figure_with_the_others_related(report, outside_git):
    fail = render(report)["runs"][0]["results"][0]
    (loc,) = fail["locations"]
    assert loc["physicalLocation"] == {"artifactLocation": {"uri": "s.yaml"},
                                       "region": {"startLine": 2, "startColumn": 6}}
    assert loc["message"] == {"text": "a = 10"}
    assert [(r["id"], r["message"]["text"]) for r in fail["relatedLocations"]] == [
        (1, "b = 7"), (2, "c = 4")]
    assert fail["message"]["text"].splitlines()[0] == "a == b + c fails"
    assert fail["properties"] == {"values": {"a": 10, "b": 7, "c": 4}, "lhs": 10, "rhs": 11,
                                  "difference": -1}


def test_summary_and_notes_in_run_properties(report, outside_git):
    props = render(report)["runs"][0]["properties"]
    assert props["summary"] == report["summary"]
    report["hints"] = [{"file": "s.yaml", "text": "b is most likely wrong"}]
    props = render(report)["runs"][0]["properties"]
    assert props["notes"] == [{"kind": "hint", "file": "s.yaml", "text": "b is most likely wrong"}]


def test_fingerprint_survives_moved_lines_but_not_other_coordinates(report, outside_git):
    first = render(report)["runs"][0]["results"][0]["partialFingerprints"]
    moved = copy.deepcopy(report)
    for loc in moved["results"][0]["failures"][0]["locations"]:
        loc["line"] += 10
    assert render(moved)["runs"][0]["results"][0]["partialFingerprints"] == first
    other = copy.deepcopy(report)
    other["results"][0]["failures"][0]["coordinates"] = {"geo": "A"}
    assert render(other)["runs"][0]["results"][0]["partialFingerprints"] != first
    (key,) = first
    assert key == "missingstatsInstance/v1" and len(first[key]) == 32


def table_report(loc: dict) -> dict:
    return {"summary": {}, "files": ["spec.yaml"], "results": [{
        "rule": "nonneg", "file": "spec.yaml", "severity": "info", "status": "fail",
        "failures": [{"expression": "value >= 0", "status": "fail", "values": {"value": -4},
                      "coordinates": {"geo": "S1"}, "locations": [loc]}]}]}


def test_a_spreadsheet_cell_has_no_region_and_names_the_cell(outside_git):
    loc = {"file": "t.xlsx", "line": 7, "column": 3, "cell": "Table!C7", "figure": "value"}
    (res,) = render(table_report(loc))["runs"][0]["results"]
    physical = res["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "t.xlsx"}}
    assert res["locations"][0]["message"] == {"text": "value = -4 (Table!C7)"}
    assert res["level"] == "note"  # info
    assert res["properties"]["coordinates"] == {"geo": "S1"}


def test_uris_are_relative_with_forward_slashes_and_escaped(outside_git):
    loc = {"file": str(outside_git / "sub dir" / "t.csv"), "line": 3, "figure": "value"}
    (res,) = render(table_report(loc))["runs"][0]["results"]
    assert res["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "sub%20dir/t.csv"}, "region": {"startLine": 3}}


def test_a_file_outside_the_working_directory_is_a_file_uri(outside_git, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "t.csv"
    (res,) = render(table_report({"file": str(elsewhere), "line": 0}))["runs"][0]["results"]
    physical = res["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == elsewhere.resolve().as_uri()
    assert "region" not in physical  # line 0 is no line
