"""`missingstats diff`: the change table as text, Markdown or JSON (its own version 1)."""

from __future__ import annotations

import json
from typing import Any

from missingstats.render.sections import change_json
from missingstats.render.values import describe
from missingstats.render.wording import change_text

DIFF_VERSION = 1


def report(old_label: str, new_label: str, summary: dict[str, int], changes: list) -> dict[str, Any]:
    return {"version": DIFF_VERSION, "old": old_label, "new": new_label,
            "summary": summary, "changes": [change_json(c) for c in changes]}


def _rows(changes: list) -> list[list[str]]:
    out = []
    for c in changes:
        loc = c.new_location or c.old_location
        where = f"{loc.file}:{loc.line}" if loc is not None else ""
        unit = c.new.unit if c.new is not None else "count"
        cells = [c.name, describe(c.old) if c.old else "-", describe(c.new) if c.new else "-",
                 change_text(c.status, c.change, c.relative, unit), where]
        if c.edition is not None:
            cells.insert(0, str(c.edition))
        out.append(cells)
    return out


def _head(editions: bool) -> list[str]:
    return ["edition"] * editions + ["figure", "old", "new", "change", "where"]


def _headline(summary: dict[str, int]) -> str:
    return (f"{summary['changed']} changed, {summary['added']} added, {summary['removed']} removed, "
            f"{summary['unchanged']} unchanged")


def render_text(old_label: str, new_label: str, summary: dict, changes: list, editions: bool) -> str:
    lines = [f"{old_label} -> {new_label}: {_headline(summary)}"]
    rows = _rows(changes)
    if rows:
        head = _head(editions)
        widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
        numeric = {len(head) - 4, len(head) - 3}
        for r in [head] + rows:
            cells = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
            lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(old_label: str, new_label: str, summary: dict, changes: list, editions: bool) -> str:
    lines = [f"### Changes: `{_md(old_label)}` → `{_md(new_label)}`", "", _headline(summary), ""]
    rows = _rows(changes)
    if rows:
        head = _head(editions)
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join("---:" if h in ("old", "new", "change") else "---" for h in head) + "|")
        for r in rows:
            lines.append("| " + " | ".join(_md(c) for c in r) + " |")
    return "\n".join(lines) + "\n"


def render(fmt: str, old_label: str, new_label: str, summary: dict, changes: list,
           editions: bool) -> str:
    if fmt == "json":
        return json.dumps(report(old_label, new_label, summary, changes), indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return render_markdown(old_label, new_label, summary, changes, editions)
    return render_text(old_label, new_label, summary, changes, editions)
