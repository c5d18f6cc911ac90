"""Independent parts of a sheet's rules: figures linked by the checks that read them.

Localising errors is a search over subsets of figures, exponential in the worst case; a
sheet of thirty unrelated breakdowns is thirty small searches, not one big one. Two checks
belong to one component when they read a common figure (or a common name the sheet does
not report); figures no check reads belong to none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from missingstats.analysis.localize import (
    Check,
    Problem,
    SheetRecord,
    box_for,
    checks_of,
    figure_var,
    free_names,
)
from missingstats.language import expr as ex


def components(checks: list[Check]) -> list[list[int]]:
    """Check indices grouped by shared names (union-find), in order of first appearance."""
    parent = list(range(len(checks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for k, check in enumerate(checks):
        for name in ex.names(check.node):
            if name in owner:
                parent[root(k)] = root(owner[name])
            else:
                owner[name] = k
    groups: dict[int, list[int]] = {}
    for k in range(len(checks)):
        groups.setdefault(root(k), []).append(k)
    return list(groups.values())


@dataclass
class Component:
    """One independent part of a sheet, as a record of its own Problem."""

    record: SheetRecord
    names: list[str]


def sheet_components(sheet, rules, known: set[str], severities: tuple[str, ...]) -> list[Component]:
    """The sheet's independent parts, each a small record (same box as the whole sheet)."""
    own = sheet.all_figures()  # with its sources' figures (letter2020.missing.total)
    figs = list(own.values())
    checks = checks_of(rules)
    free = free_names(checks, set(own), rules, known, sheet.path)
    values = [x for f in figs for x in (f.lo, f.hi, f.value if f.value is not None else 0.0)]
    box = box_for(values, checks)
    out = []
    for group in components(checks):
        part = [checks[k] for k in group]
        used = {n for c in part for n in ex.names(c.node)}
        chosen = [f for f in figs if f.name in used]
        figures = [figure_var(f) for f in chosen]
        problem = Problem(figures, part, [n for n in free if n in used], box, severities)
        lo = np.array([f.lo for f in chosen], dtype=float)
        hi = np.array([min(f.hi, box) for f in chosen], dtype=float)
        stated = [f.value if f.value is not None else (f.lo if f.lo == f.hi else None)
                  for f in chosen]
        out.append(Component(SheetRecord(problem, lo, hi, stated), [f.name for f in chosen]))
    return out


def failing(component: Component, undetermined: bool = False) -> bool:
    """Does a rule in use of this component fail (or, with `undetermined`, stay open) on its
    figures?"""
    rec = component.record
    p = rec.problem
    if not p.used:
        return False
    statuses = p.statuses(rec.lo[None, :], rec.hi[None, :], p.used)[:, 0]
    return bool((statuses == "fail").any() or (undetermined and (statuses == "undetermined").any()))
