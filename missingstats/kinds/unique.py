"""unique: each combination of codes appears once in a table (no duplicate cells).

    rules:
      - id: no-duplicates
        unique: cube                    # a table, a list of tables, or all

Implied for every table spec (rule `unique-cells`) unless a rule of this kind is given.
One instance per cell (checked = cells). The first occurrence of a combination is the one
every other rule uses; a later row with the same coordinates fails, naming both rows.

Passes: one row each for (A, total), (A, female), (A, male). Fails: a second row
`B,female,3` in cube.csv:

    FAIL no-duplicates (error) spec.yaml  1 of 7 failed
      one cell per combination of codes
        at geo=B, sex=female
        same coordinates as line 6
        this  = 3  cube.csv:7:3
        first = 3  cube.csv:6:3
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from missingstats.core import reasons
from missingstats.core.findings import Counts, Figure, Finding, Outcome, Status
from missingstats.evaluate.tables.engine import Engine, cell_value
from missingstats.evaluate.tables.plan import Plan, tables_for
from missingstats.inputs import yamlnodes as sy
from missingstats.kinds.base import NAMES_OR_ALL, Rule, names_or_all

ID = "unique"
KEYS = ("unique",)


@dataclass
class UniquePlan(Plan):
    pass


SCHEMAS = {"unique": {**NAMES_OR_ALL, "description": "No cell appears twice: a table, a list, or all."}}


def parse(m: sy.Mapping, rule: Rule) -> None:
    rule.spec = {"tables": names_or_all(m["unique"], "'unique' (tables)"), "node": m["unique"]}


def compile(spec, rule: Rule) -> list[Plan]:
    return [UniquePlan(rule, tables_for(spec, rule, rule.spec.get("tables"), []))]


def run(engine: Engine, plan: UniquePlan, cap: int) -> Outcome:
    out = Outcome()
    rule = plan.rule
    for name in plan.tables:
        kt = engine.keyed(name)
        table = kt.table
        dup, first = kt.dup, kt.dup_first
        res = Outcome(Counts(len(table), failed=len(dup)))
        res.counts.passed = res.counts.checked - res.counts.failed
        order = np.argsort(dup, kind="stable")[: max(cap - len(out.findings), 0)]
        for i in order:
            d, f = int(dup[i]), int(first[i])
            loc_first = table.locate(f)
            res.findings.append(Finding(
                rule.id, rule.severity, Status.FAIL, "", "one cell per combination of codes",
                (Figure("this", cell_value(table.value[d]), table.locate(d)),
                 Figure("first", cell_value(table.value[f]), loc_first)),
                coordinates=cell_coordinates(engine, table, d), message=rule.message,
                reason=reasons.SameCell(loc_first),
            ))
        out.add(res)
    return out


def cell_coordinates(engine: Engine, table, i: int) -> dict:
    out = {d: engine.book.label(d, table.codes[d][i]) for d in table.dims}
    out.update(engine.table_coord(table.name))
    return out
