"""render.json_report: the JSON report (version 1) printed as it is."""

from __future__ import annotations

import json

from missingstats.render import json_report
from missingstats.render.context import RenderContext


def test_json_report_prints_the_dict_as_is(report):
    text = json_report.render(report, RenderContext())
    assert text.endswith("}\n") and text.count("\n") > 10  # indented, one trailing newline
    assert json.loads(text) == report
    assert text == json_report.render(report, RenderContext(color=True, verbose=True, width=40))


def test_json_report_keeps_non_ascii_and_never_writes_nan():
    report = {"version": 1, "results": [{"rule": "über", "values": {"a": None}}]}
    text = json_report.render(report, RenderContext())
    assert "über" in text and "\\u" not in text
    assert json.loads(text) == report
