"""complete: every combination of the listed dimensions' codes has a row, within every
combination of the other dimensions.

    rules:
      - id: complete
        complete: [sex]                 # or [sex, age], or {dimensions: all, table: cube}

The expected codes of a dimension are its declared codes (its hierarchy), or the codes the
table uses when it has none. One instance per expected cell (checked = expected
combinations, within each combination of the other dimensions that occurs); each one
without a row fails, with its coordinates and the first row of its group. A row whose
count is not available still counts as present.

Passes: geo A has rows for total, female and male. Fails: geo B has no row for male:

    FAIL complete (error) spec.yaml  1 of 6 failed
      a cell for sex=male
        at geo=B, sex=male
        this combination of codes has no row
        cube.csv:5:3
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from missingstats.core import reasons
from missingstats.core.findings import Counts, Figure, Finding, Outcome, Status
from missingstats.evaluate.tables.engine import Engine, compact
from missingstats.evaluate.tables.plan import Plan, dims_known, tables_for
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.keys import Key, Table
from missingstats.kinds.base import NAMES_OR_ALL, Rule, names_or_all

ID = "complete"
KEYS = ("complete",)


@dataclass
class CompletePlan(Plan):
    dimensions: list[str] = field(default_factory=list)


TABLE = Table("completeRule", "'complete'", "Which combinations must be present, in which tables.", (
    Key("dimensions", NAMES_OR_ALL, "The dimensions whose combinations must all be present, or all.",
        required=True),
    Key("table", NAMES_OR_ALL, "The table or tables to check (default: every table with them)."),
))
SCHEMAS = {"complete": {
    "description": "Every combination of these dimensions is present (table rule).",
    "anyOf": [*NAMES_OR_ALL["anyOf"], TABLE],
}}


def parse(m: sy.Mapping, rule: Rule) -> None:
    node = m["complete"]
    rule.spec = {"tables": None, "node": node}
    if isinstance(node, sy.Mapping):
        TABLE.check(node)
        rule.spec["dimensions"] = names_or_all(node["dimensions"], "'dimensions'")
        if "table" in node:
            rule.spec["tables"] = names_or_all(node["table"], "'table'", allow_all=False)
    else:
        rule.spec["dimensions"] = names_or_all(node, "'complete' (dimensions)")




def compile(spec, rule: Rule) -> list[Plan]:
    dims = rule.spec.get("dimensions")
    given = rule.spec.get("tables")
    if dims is None:
        tables = tables_for(spec, rule, given, [])
        return [CompletePlan(rule, [t], dimensions=spec.tables[t].all_dimensions) for t in tables]
    dims_known(spec, rule, dims)
    return [CompletePlan(rule, tables_for(spec, rule, given, dims), dimensions=dims)]


def run(engine: Engine, plan: CompletePlan, cap: int) -> Outcome:
    out = Outcome()
    book = engine.book
    for name in plan.tables:
        kt = engine.keyed(name)
        table = kt.table
        listed = [d for d in plan.dimensions if d in kt.dims]
        others = [d for d in kt.dims if d not in listed]
        # expected codes of each listed dimension, and each cell's position among them
        local = np.zeros(len(kt), dtype=np.int64)
        valid = np.ones(len(kt), dtype=bool)
        expected: dict[str, np.ndarray] = {}
        radix = 1
        for d in reversed(listed):
            size = max(book.size(d), 1)
            if book.has_list(d):
                exp = np.arange(book.declared[d])
            else:
                exp = np.flatnonzero(np.bincount(kt.codes[d], minlength=size) > 0)
            expected[d] = exp
            rank = np.full(size, -1, dtype=np.int64)
            rank[exp] = np.arange(len(exp))
            r = rank[kt.codes[d]]
            valid &= r >= 0
            local += np.where(r >= 0, r, 0) * radix
            radix *= len(exp)
        per_group = radix
        okey = kt.cell.copy()
        for d in listed:
            okey -= kt.codes[d].astype(np.int64) * kt.strides[d]
        uniq, (gpos,), size = compact([okey], kt.space, len(kt))
        group_first = np.full(size, len(kt), dtype=np.int64)
        np.minimum.at(group_first, gpos, np.arange(len(kt)))
        present = group_first < len(kt)
        gsel = np.flatnonzero(present)
        gindex = np.full(size, -1, dtype=np.int64)
        gindex[gsel] = np.arange(len(gsel))
        n_groups = len(gsel)
        combo = gindex[gpos[valid]] * per_group + local[valid]
        have_total = n_groups * per_group
        if have_total <= 4 * len(kt) + (1 << 20):
            seen = np.zeros(have_total, dtype=bool)
            seen[combo] = True
            missing_flat = np.flatnonzero(~seen)[: max(cap - len(out.findings), 0)]
            n_present = int(seen.sum())
        else:
            distinct = np.unique(combo)
            n_present = len(distinct)
            missing_flat = _first_absent(distinct, have_total, cap - len(out.findings))
        res = Outcome(Counts(have_total, passed=n_present, failed=have_total - n_present))
        for flat in missing_flat:
            g, c = divmod(int(flat), per_group)
            first = int(kt.origin(group_first[gsel[g]]))
            res.findings.append(_finding(engine, plan, table, first, c, listed, others, expected))
        out.add(res)
    return out


def _finding(engine: Engine, plan: CompletePlan, table, first: int, combination: int,
             listed: list[str], others: list[str], expected: dict[str, np.ndarray]) -> Finding:
    """The absent combination number `combination` of the group whose first row is `first`."""
    book = engine.book
    coords = {d: book.label(d, table.codes[d][first]) for d in others}
    rem = combination
    codes_here = {}
    for d in reversed(listed):
        exp = expected[d]
        rem, r = divmod(rem, len(exp))
        codes_here[d] = book.label(d, exp[r])
    for d in listed:
        coords[d] = codes_here[d]
    coords.update(engine.table_coord(table.name))
    rule = plan.rule
    return Finding(
        rule.id, rule.severity, Status.FAIL, "",
        "a cell for " + ", ".join(f"{d}={codes_here[d]}" for d in listed),
        (Figure("group", None, table.locate(first), listed=False),) if others else (),
        coordinates=coords, message=rule.message, reason=reasons.NoRow(),
    )


def _first_absent(distinct: np.ndarray, total: int, cap: int) -> np.ndarray:
    """The first `cap` integers in [0, total) that are not in the sorted array `distinct`."""
    if cap <= 0:
        return np.empty(0, dtype=np.int64)
    # shift[i] = how many absent numbers lie below distinct[i]; the k-th absent number has
    # searchsorted(shift, k) present numbers below it.
    shift = distinct - np.arange(len(distinct))
    k = np.arange(1, cap + 1)
    absent = np.searchsorted(shift, k, side="left") + k - 1
    return absent[absent < total]
