"""render.context, render.json_report and render.init: the layout settings, the JSON report
as printed, and init's words."""

from __future__ import annotations

import dataclasses
import json

import pytest

from missingstats.render import init as init_words
from missingstats.render import json_report
from missingstats.render.context import RenderContext


def test_render_context_defaults_and_immutability():
    ctx = RenderContext()
    assert (ctx.color, ctx.verbose, ctx.width, ctx.max_failures) == (False, False, 100, 20)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.width = 80  # type: ignore[misc]
    assert RenderContext(max_failures=None).max_failures is None
    assert RenderContext(width=80) == RenderContext(width=80)


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


def test_init_text_in_the_current_directory():
    text = init_words.init_text(".", [("figures.yaml", True), ("rules.yaml", False)])
    assert text.splitlines() == [
        "created  figures.yaml",
        "skipped  rules.yaml (exists; left unchanged)",
        "next: missingstats check figures.yaml    # then edit the figures; "
        "`pre-commit install` checks them on every commit",
    ]
    assert init_words.init_text("", []).startswith("next: missingstats check figures.yaml ")


def test_init_text_in_another_directory_shows_paths_there():
    text = init_words.init_text("stats", [("figures.yaml", True), (".pre-commit-config.yaml", True)])
    lines = text.splitlines()
    assert lines[0] == "created  stats/figures.yaml"
    assert lines[1] == "created  stats/.pre-commit-config.yaml"
    assert lines[2].startswith("next: missingstats check stats/figures.yaml ")
    assert text.endswith("\n") and not text.endswith("\n\n")
