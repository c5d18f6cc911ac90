"""The report's optional sections in their JSON form: prose, series timelines, changes
since an older version, and check's hints."""

from __future__ import annotations

from typing import Any

from missingstats.core.results import ChangeTable, Hint, ProseSummary, Timeline
from missingstats.render.explain import hint_text
from missingstats.render.values import json_number, location_json, value_json


def prose_json(p: ProseSummary) -> dict[str, Any]:
    return {
        "file": p.file, "text_file": p.text_file, "quoted_figures": p.quoted_figures,
        "counts_in_text": p.counts_in_text, "counts_matched": p.counts_matched,
        "failed": p.failed, "text": prose_text(p),
    }


def prose_text(p: ProseSummary) -> str:
    return (f"{p.text_file}: {p.quoted_figures} quoted figure(s) checked, {p.counts_in_text} "
            f"count(s) in the text, {p.counts_matched} matched to figures by context, "
            f"{p.failed} disagree")


def timeline_json(t: Timeline) -> dict[str, Any]:
    return {
        "series": t.series, "figure": t.figure, "file": t.file,
        "points": [[e, json_number(v)] for e, v in t.points],
        "breaks": list(t.breaks), "explained": list(t.explained),
    }


def change_json(c) -> dict[str, Any]:
    """One row of a change table (analysis.changes.Change)."""
    row: dict[str, Any] = {}
    if c.edition is not None:
        row["edition"] = c.edition
    row.update({"figure": c.name, "status": c.status, "old": value_json(c.old),
                "new": value_json(c.new)})
    if c.change is not None:
        row["change"] = json_number(c.change)
    if c.relative is not None:
        row["relative"] = round(float(c.relative), 6)
    for side, loc in (("old", c.old_location), ("new", c.new_location)):
        if loc is not None:
            row[f"{side}_location"] = location_json(loc)
    return row


def against_json(a: ChangeTable) -> dict[str, Any]:
    return {"file": a.file, "older": a.older, "changes": [change_json(c) for c in a.changes]}


def hint_json(h: Hint) -> dict[str, Any] | None:
    text = hint_text(h)
    return {"file": h.file, "text": text} if text else None
