"""Structural rules: one cell per coordinates, codes from the code list, complete combinations.

    unique     checked = cells; a cell whose coordinates an earlier row already has fails
               (the first occurrence is the one every other rule uses)
    codes      checked = cells; a cell with a code outside its dimension's declared codes
               fails (declared codes have the lowest ids, so this is one comparison)
    complete   checked = expected cells: for every combination of the other dimensions that
               occurs, every combination of the listed dimensions' codes (declared codes, or
               the codes the table uses); an absent one fails, located to the first row of
               its group
"""

from __future__ import annotations

import numpy as np

from missingstats.evaluate.tables.engine import Engine, Outcome, compact, number
from missingstats.evaluate.tables.plan import CodesPlan, CompletePlan, UniquePlan


def run_unique(engine: Engine, plan: UniquePlan, cap: int) -> Outcome:
    out = Outcome()
    for name in plan.tables:
        kt = engine.keyed(name)
        table = kt.table
        dup, first = kt.dup, kt.dup_first
        res = Outcome(checked=len(table), failed=len(dup))
        res.passed = res.checked - res.failed
        order = np.argsort(dup, kind="stable")[: max(cap - len(out.instances), 0)]
        for i in order:
            d, f = int(dup[i]), int(first[i])
            loc_first = table.locate(f, "first")
            res.instances.append({
                "status": "fail",
                "expression": "one cell per combination of codes",
                "message": plan.rule.message or (
                    f"same coordinates as {_where(loc_first)}"),
                "lhs": None, "rhs": None, "difference": None,
                "values": {"this": number(table.value[d]), "first": number(table.value[f])},
                "locations": [table.locate(d, "this"), loc_first],
                "coordinates": _cell_coords(engine, table, d),
                "decides": None,
            })
        out.add(res)
    return out


def _where(loc: dict) -> str:
    if "cell" in loc:
        return loc["cell"]
    return f"line {loc['line']}" if loc["file"].lower().endswith((".csv", ".tsv", ".txt")) else (
        f"row {loc['line']}")


def _cell_coords(engine: Engine, table, i: int) -> dict:
    out = {d: engine.book.label(d, table.codes[d][i]) for d in table.dims}
    out.update(engine.table_coord(table.name))
    return out


def run_codes(engine: Engine, plan: CodesPlan, cap: int) -> Outcome:
    out = Outcome()
    book = engine.book
    for name in plan.tables:
        table = engine.tables[name]
        dims = [d for d in plan.dimensions if d in table.dims]
        bad = np.zeros(len(table), dtype=bool)
        for d in dims:  # a loop over the rule's dimensions
            bad |= table.codes[d] >= book.declared[d]
        res = Outcome(checked=len(table), failed=int(bad.sum()))
        res.passed = res.checked - res.failed
        for i in np.flatnonzero(bad)[: max(cap - len(out.instances), 0)]:
            i = int(i)
            wrong = [d for d in dims if table.codes[d][i] >= book.declared[d]]
            d = wrong[0]
            code = book.label(d, table.codes[d][i])
            h = engine.spec.hierarchies[d]
            res.instances.append({
                "status": "fail",
                "expression": f"{d} {code!r} is in the code list of {d}",
                "message": plan.rule.message or (
                    f"{code!r} is not a code of {d} ({h.source if h.source != 'inline' else 'the spec'}"
                    f" lists {len(h.codes)} codes)"),
                "lhs": None, "rhs": None, "difference": None,
                "values": {d: code},
                "locations": [table.locate_dim(i, d, d)],
                "coordinates": _cell_coords(engine, table, i),
                "decides": None,
            })
        out.add(res)
    return out


def run_complete(engine: Engine, plan: CompletePlan, cap: int) -> Outcome:
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
            missing_flat = np.flatnonzero(~seen)[: max(cap - len(out.instances), 0)]
            n_present = int(seen.sum())
        else:
            distinct = np.unique(combo)
            n_present = len(distinct)
            missing_flat = _first_absent(distinct, have_total, cap - len(out.instances))
        res = Outcome(checked=have_total, failed=have_total - n_present)
        res.passed = n_present
        for flat in missing_flat:
            g, c = divmod(int(flat), per_group)
            first = int(kt.origin(group_first[gsel[g]]))
            coords = {}
            for d in others:
                coords[d] = book.label(d, table.codes[d][first])
            rem = c
            codes_here = {}
            for d in reversed(listed):
                exp = expected[d]
                rem, r = divmod(rem, len(exp))
                codes_here[d] = book.label(d, exp[r])
            for d in listed:
                coords[d] = codes_here[d]
            coords.update(engine.table_coord(name))
            res.instances.append({
                "status": "fail",
                "expression": "a cell for " + ", ".join(f"{d}={codes_here[d]}" for d in listed),
                "message": plan.rule.message or "this combination of codes has no row",
                "lhs": None, "rhs": None, "difference": None, "values": {},
                "locations": [table.locate(first, "group")] if others else [],
                "coordinates": coords, "decides": None,
            })
        out.add(res)
    return out


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
