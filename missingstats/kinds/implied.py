"""Rules implied by a sheet's structure: every part is at most its total, and the parts of a
breakdown marked `exhaustive` add up to it. Switch off with `settings: {implied: false}` or
`check --no-implied`."""

from __future__ import annotations

from missingstats.core.errors import Location
from missingstats.inputs.rules import Instance, Rule
from missingstats.inputs.sheet import Sheet
from missingstats.language import expr as ex

WITHIN_TOTAL = "part-within-total"
SUM_TO_TOTAL = "parts-sum-to-total"


def _part_name(sheet: Sheet, group: str, child: str) -> str | None:
    """A child's figure: itself, or the `total` of a child group; None if neither exists."""
    path = f"{group}.{child}" if group else child
    if path in sheet.figures:
        return path
    if f"{path}.total" in sheet.figures:
        return f"{path}.total"
    return None


def _counts_only(sheet: Sheet, *names: str) -> bool:
    return all(sheet.figures[n].unit == "count" for n in names)


def implied_rules(sheet: Sheet) -> list[Rule]:
    within: list[Instance] = []
    sums: list[Instance] = []
    for group in sheet.groups:
        total = f"{group.path}.total" if group.path else "total"
        if total not in sheet.figures:
            continue
        for child in group.children:
            if child == "total":
                continue
            part = _part_name(sheet, group.path, child)
            if part is None or not _counts_only(sheet, part, total):
                continue
            node = ex.parse_check(f"{part} <= {total}")
            within.append(Instance(ex.to_text(node), node, {"part": part}))
        if group.exhaustive:
            parts = [_part_name(sheet, group.path, c) for c in group.exhaustive]
            parts = [p for p in parts if p is not None]
            if parts:
                node = ex.parse_check(f"{' + '.join(parts)} == {total}")
                sums.append(Instance(ex.to_text(node), node, {"total": total}))
    where = Location(sheet.path)
    out = []
    if within:
        out.append(Rule(
            WITHIN_TOTAL, "check", where, description="a part is never larger than its total",
            instances=within, source="(implied by the sheet's structure)",
        ))
    if sums:
        out.append(Rule(
            SUM_TO_TOTAL, "check", where,
            description="the parts of an exhaustive breakdown add up to its total",
            instances=sums, source="(implied by the sheet's structure)",
        ))
    return out
