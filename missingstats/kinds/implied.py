"""implied: the rules a file's structure implies, added to the rules it is given.

On a figure sheet, nesting implies them:

- `part-within-total`: every part of a group is at most the group's `total` (one instance
  per part; a child group contributes its own `total`).
- `parts-sum-to-total`: where a group says `exhaustive: true` (all parts) or
  `exhaustive: [a, b]`, those parts add up to the total.

    figures:
      detained:
        total: 871
        servicemen: 604          # implies detained.servicemen <= detained.total
        civilians: {total: 267}  # implies detained.civilians.total <= detained.total
        exhaustive: [servicemen, civilians]   # implies 604 + 267 == 871

Passes as written. Fails with the servicemen typed as 640:

    FAIL parts-sum-to-total (error) sheet.yaml  1 of 1 failed
      the parts of an exhaustive breakdown add up to its total
      detained.servicemen + detained.civilians.total == detained.total
        detained.servicemen      = 640  sheet.yaml:4:17
        detained.civilians.total = 267  sheet.yaml:5:24
        detained.total           = 871  sheet.yaml:3:12
        difference: 36 (left side minus right side)

On a table spec: `unique-cells` (each combination of codes once), `known-codes` (codes
from the code lists) and `<dim>-hierarchy` (exact sums) for each declared hierarchy,
unless a rule of that kind covers it.

Switch them off with `settings: {implied: false}` (sheets), `implied: false` (table specs)
or `check --no-implied`.
"""

from __future__ import annotations

from missingstats.core.errors import Location
from missingstats.inputs.sheet import Sheet
from missingstats.kinds.base import Instance, Rule
from missingstats.language import expr as ex

ID = "implied"
KEYS: tuple[str, ...] = ()  # never written in a rules file
WITHIN_TOTAL = "part-within-total"
SUM_TO_TOTAL = "parts-sum-to-total"
IMPLIED_UNIQUE = "unique-cells"
IMPLIED_CODES = "known-codes"


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


def for_sheet(sheet: Sheet) -> list[Rule]:
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


def for_tables(spec, rules: list[Rule]) -> list[Rule]:
    """Unique cells, known codes, and one hierarchy rule per declared hierarchy, unless the
    rules already cover them or the spec says `implied: false`."""
    if not spec.implied:
        return []
    kinds = {r.kind for r in rules}
    ids = {r.id for r in rules}
    covered = {r.spec.get("dimension") for r in rules if r.kind == "hierarchy"}
    out: list[Rule] = []
    where = spec.location
    if "unique" not in kinds and IMPLIED_UNIQUE not in ids:
        out.append(Rule(IMPLIED_UNIQUE, "unique", where, description=(
            "each combination of codes appears once in a table"), spec={"tables": None}))
    if "codes" not in kinds and spec.hierarchies and IMPLIED_CODES not in ids:
        out.append(Rule(IMPLIED_CODES, "codes", where, description=(
            "every code is in its dimension's code list (hierarchy)"), spec={"dimensions": None}))
    for dim, h in spec.hierarchies.items():
        rid = f"{dim}-hierarchy"
        if dim in covered or rid in ids:
            continue
        out.append(Rule(rid, "hierarchy", h.location, description=(
            f"every total of {dim} is the sum of its parts, for every combination of the "
            "other dimensions"), spec={"dimension": dim, "relation": "==", "tables": None}))
    return out
