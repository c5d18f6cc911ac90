"""codes: every code is in its dimension's code list (its hierarchy).

    hierarchies:
      geo: {ALL: [A, B]}                # or {codelist: geo.csv}
    rules:
      - id: known-codes
        codes: geo                      # a dimension, a list, or all (those with a code list)

Implied (rule `known-codes`) when the spec declares hierarchies, unless a rule of this kind
is given. One instance per cell (checked = cells); a dimension without a code list is an
input error. A code outside the declared codes takes part in no hierarchy, and its cell
fails, located at the code in the file.

Passes: every row's geo is ALL, A or B. Fails: a row with geo `X`:

    FAIL known-codes (error) spec.yaml  1 of 7 failed
      geo 'X' is in the code list of geo
        at geo=X, sex=total
        'X' is not a code of geo (the spec lists 3 codes)
        geo = X  cube.csv:8:1
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from missingstats.core import reasons
from missingstats.core.errors import InputError
from missingstats.core.findings import Counts, Figure, Finding, Outcome, Status
from missingstats.evaluate.tables.engine import Engine
from missingstats.evaluate.tables.plan import Plan, rule_where
from missingstats.inputs import yamlnodes as sy
from missingstats.kinds.base import NAMES_OR_ALL, Rule, names_or_all
from missingstats.kinds.unique import cell_coordinates

ID = "codes"
KEYS = ("codes",)


@dataclass
class CodesPlan(Plan):
    dimensions: list[str] = field(default_factory=list)


SCHEMAS = {"codes": {**NAMES_OR_ALL, "description": "Codes are in the declared code list: a "
                                                   "dimension, a list, or all."}}


def parse(m: sy.Mapping, rule: Rule) -> None:
    rule.spec = {"dimensions": names_or_all(m["codes"], "'codes' (dimensions)"), "node": m["codes"]}


def compile(spec, rule: Rule) -> list[Plan]:
    dims = rule.spec.get("dimensions")
    if dims is None:
        dims = [d for d in spec.dimensions if d in spec.hierarchies]
    for d in dims:
        if d not in spec.hierarchies:
            raise InputError(
                f"rule {rule.id!r}: {d!r} has no code list; declare it under 'hierarchies:' "
                "(a list of parts, or a codelist file)", rule_where(rule),
            )
    tables = [t.name for t in spec.tables.values() if any(d in t.all_dimensions for d in dims)]
    return [CodesPlan(rule, tables, dimensions=dims)]


def run(engine: Engine, plan: CodesPlan, cap: int) -> Outcome:
    out = Outcome()
    book = engine.book
    rule = plan.rule
    for name in plan.tables:
        table = engine.tables[name]
        dims = [d for d in plan.dimensions if d in table.dims]
        bad = np.zeros(len(table), dtype=bool)
        for d in dims:  # a loop over the rule's dimensions
            bad |= table.codes[d] >= book.declared[d]
        res = Outcome(Counts(len(table), failed=int(bad.sum())))
        res.counts.passed = res.counts.checked - res.counts.failed
        for i in np.flatnonzero(bad)[: max(cap - len(out.findings), 0)]:
            i = int(i)
            d = next(d for d in dims if table.codes[d][i] >= book.declared[d])
            code = book.label(d, table.codes[d][i])
            h = engine.spec.hierarchies[d]
            res.findings.append(Finding(
                rule.id, rule.severity, Status.FAIL, "", f"{d} {code!r} is in the code list of {d}",
                (Figure(d, code, table.locate_dim(i, d)),),
                coordinates=cell_coordinates(engine, table, i), message=rule.message,
                reason=reasons.UnknownCode(code, d, h.source, len(h.codes)),
            ))
        out.add(res)
    return out
