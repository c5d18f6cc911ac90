"""render.diff: the change table of `missingstats diff` as text, Markdown and JSON."""

from __future__ import annotations

import json

from missingstats.analysis.changes import Change
from missingstats.core.errors import Location
from missingstats.core.findings import Value
from missingstats.render import diff

X = Value.exact
SUMMARY = {"changed": 1, "added": 1, "removed": 1, "unchanged": 4}
CHANGES = [
    Change(None, "identified", "changed", X(1053), X(1035), -18.0, -18 / 1053,
           Location("old.yaml", 4, 15), Location("new.yaml", 4, 15)),
    Change(None, "found_alive", "added", None, X(72), None, None, None, Location("new.yaml", 7, 3)),
    Change(None, "exhumed", "removed", X(1180), None, None, None, Location("old.yaml", 9, 3), None),
]


def test_report_is_versioned_json_with_one_row_per_change():
    rep = diff.report("old.yaml", "new.yaml", SUMMARY, CHANGES)
    assert rep["version"] == diff.DIFF_VERSION == 1
    assert (rep["old"], rep["new"], rep["summary"]) == ("old.yaml", "new.yaml", SUMMARY)
    first, added, removed = rep["changes"]
    assert first == {"figure": "identified", "status": "changed", "old": 1053, "new": 1035,
                     "change": -18, "relative": round(-18 / 1053, 6),
                     "old_location": {"file": "old.yaml", "line": 4, "column": 15},
                     "new_location": {"file": "new.yaml", "line": 4, "column": 15}}
    assert added["old"] is None and "change" not in added and "old_location" not in added
    assert removed["new"] is None and "new_location" not in removed


def test_render_json_round_trips():
    text = diff.render("json", "old.yaml", "new.yaml", SUMMARY, CHANGES, False)
    assert json.loads(text) == diff.report("old.yaml", "new.yaml", SUMMARY, CHANGES)


def test_render_text_aligns_a_table():
    text = diff.render("text", "old.yaml", "new.yaml", SUMMARY, CHANGES, False)
    lines = text.splitlines()
    assert lines[0] == "old.yaml -> new.yaml: 1 changed, 1 added, 1 removed, 4 unchanged"
    assert lines[1].split() == ["figure", "old", "new", "change", "where"]
    assert lines[2].split() == ["identified", "1,053", "1,035", "-18,", "-1.7%", "new.yaml:4"]
    assert lines[3].split() == ["found_alive", "-", "72", "added", "new.yaml:7"]
    assert lines[4].split() == ["exhumed", "1,180", "-", "removed", "old.yaml:9"]
    # the old and new columns are right-aligned: their last characters line up
    ends = {len(line[: line.index(word) + len(word)]) for line, word in
            zip(lines[2:5], ["1,053", "-", "1,180"])}
    assert len(ends) == 1


def test_render_text_without_changes_is_the_headline_only():
    summary = {"changed": 0, "added": 0, "removed": 0, "unchanged": 3}
    assert diff.render("text", "a", "b", summary, [], False) == (
        "a -> b: 0 changed, 0 added, 0 removed, 3 unchanged\n")


def test_render_markdown_escapes_pipes_and_right_aligns_numbers():
    text = diff.render("markdown", "HEAD:a|b.yaml", "a|b.yaml", SUMMARY, CHANGES[:1], False)
    lines = text.splitlines()
    assert lines[0] == "### Changes: `HEAD:a\\|b.yaml` → `a\\|b.yaml`"
    assert lines[2] == "1 changed, 1 added, 1 removed, 4 unchanged"
    assert lines[4] == "| figure | old | new | change | where |"
    assert lines[5] == "|---|---:|---:|---:|---|"
    assert lines[6] == "| identified | 1,053 | 1,035 | -18, -1.7% | new.yaml:4 |"


def test_editions_add_a_first_column():
    change = Change("2020-12-31", "identified", "changed", X(1053), X(1035), -18.0, None,
                    None, None)
    rep = diff.report("a", "b", SUMMARY, [change])
    assert rep["changes"][0]["edition"] == "2020-12-31"
    text = diff.render("text", "a", "b", SUMMARY, [change], True)
    assert text.splitlines()[1].split()[0] == "edition"
    assert text.splitlines()[2].split() == ["2020-12-31", "identified", "1,053", "1,035", "-18"]
    md = diff.render("markdown", "a", "b", SUMMARY, [change], True)
    assert "| edition | figure | old | new | change | where |" in md
    assert "|---|---|---:|---:|---:|---|" in md


def test_percent_changes_are_points():
    change = Change(None, "pending", "changed", X(50, "percent"), X(47.5, "percent"), -2.5, None,
                    None, None)
    text = diff.render("text", "a", "b", SUMMARY, [change], False)
    assert text.splitlines()[2].split() == ["pending", "50%", "47.5%", "-2.5", "points"]
