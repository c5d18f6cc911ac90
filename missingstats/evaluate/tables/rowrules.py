"""Expression rules on tables, evaluated with the core's interval engine over whole columns.

    cell checks    value >= 0                one instance per cell
    pivot checks   total == female + male    per combination of the other dimensions: each
                                             name is the cell with that code (long or wide
                                             tables alike)
    group rules    sum(regions.value) == national.value, by: [year]
                                             one instance per group: sums over the rows of
                                             a group, compared across tables

Absent cells and not-available counts follow the spec's missing-cells policy (NaN for
not-evaluable, 0 for zero; under fail a not-evaluable instance fails).
"""

from __future__ import annotations

import numpy as np

from missingstats.core.errors import InputError
from missingstats.evaluate.tables import engine as engine_mod
from missingstats.evaluate.tables.engine import Engine, Keyed, Outcome, compact, index_other, number, pick
from missingstats.evaluate.tables.plan import CellCheckPlan, GroupPlan, PivotCheckPlan
from missingstats.inputs.rules import suggest
from missingstats.inputs.tables.spec import Filter, levels
from missingstats.language import expr as ex
from missingstats.language import intervals as iv


def verdicts(truth: iv.Truth, policy: str) -> dict[str, np.ndarray]:
    t, f, na = truth.can_true, truth.can_false, truth.na
    out = {
        "pass": t & ~f,
        "fail": ~t & f,
        "missing": na & t & f,
        "undetermined": t & f & ~na,
    }
    if policy == "fail":
        out["fail"] = out["fail"] | out["missing"]
        out["missing"] = np.zeros_like(out["missing"])
    return out


def tally(v: dict[str, np.ndarray]) -> Outcome:
    out = Outcome(checked=len(v["pass"]))
    out.passed = int(v["pass"].sum())
    out.failed = int(v["fail"].sum())
    out.missing = int(v["missing"].sum())
    out.undetermined = int(v["undetermined"].sum())
    return out


def _sides(node: ex.Node, env: dict[str, iv.Interval], n: int, i: int):
    sides = iv.top_difference(node, env, n)
    if sides is None:
        return None, None, None
    lo_l, lo_r = float(sides[0].lo[i]), float(sides[1].lo[i])
    if sides[0].lo[i] != sides[0].hi[i] or sides[1].lo[i] != sides[1].hi[i]:
        return None, None, None
    diff = lo_l - lo_r if not (np.isnan(lo_l) or np.isnan(lo_r)) else None
    return number(lo_l), number(lo_r), number(diff) if diff is not None else None


def _env(values: dict[str, np.ndarray], policy: str) -> dict[str, iv.Interval]:
    out = {}
    for name, v in values.items():
        if policy == "zero":
            v = np.where(np.isnan(v), 0.0, v)
        out[name] = iv.Interval(v, v)
    return out


def _listed_rows(v: dict[str, np.ndarray], cap: int, build) -> list[dict]:
    rows: list[dict] = []
    for status in ("fail", "undetermined", "missing"):
        chosen = pick(v[status], cap - len(rows))
        for i in chosen:
            rows.append(build(int(i), status))
    return rows


# --- per cell ----------------------------------------------------------------------------


BLOCK = 1 << 20  # cells evaluated at a time: temporaries stay in cache-friendly sizes


def run_cell_check(engine: Engine, plan: CellCheckPlan, cap: int) -> Outcome:
    (name,) = plan.tables
    kt = engine.keyed(name)
    node = plan.instance.node
    names = ex.names(node)
    raw = kt.value
    out = Outcome()
    found: dict[str, list[np.ndarray]] = {"fail": [], "undetermined": [], "missing": []}
    for start in range(0, len(raw), BLOCK):  # a loop over blocks of a million cells
        part = raw[start:start + BLOCK]
        env = _env({n: part for n in names}, plan.policy)
        truth = iv.evaluate(node, env, len(part), plan.rule.tolerance)
        assert isinstance(truth, iv.Truth)
        v = verdicts(truth, plan.policy)
        out.add(tally(v))
        for status, got in found.items():
            if sum(len(g) for g in got) < cap:
                got.append(np.flatnonzero(v[status])[:cap] + start)

    def build(i: int, status: str) -> dict:
        env = _env({n: raw[i:i + 1] for n in names}, plan.policy)
        lhs, rhs, diff = _sides(node, env, 1, 0)
        measure = kt.table.measure
        return {
            "status": status, "expression": plan.instance.text, "message": plan.rule.message,
            "lhs": lhs, "rhs": rhs, "difference": diff if status == "fail" else None,
            "values": {measure: number(raw[i])},
            "locations": [kt.locate(i, measure)],
            "coordinates": kt.coordinates(int(kt.cell[i]), engine.book,
                                          engine.table_coord(name)),
            "decides": None,
        }

    for status, got in found.items():
        for i in (np.concatenate(got) if got else [])[: max(cap - len(out.instances), 0)]:
            out.instances.append(build(int(i), status))
    return out


# --- per combination of the other dimensions ----------------------------------------------


def code_id(engine: Engine, plan, dim: str, code: str) -> int:
    got = engine.book.ids.get(dim, {}).get(code)
    if got is None:
        known = engine.book.codes.get(dim, [])
        raise InputError(
            f"rule {plan.rule.id!r}: {code!r} is not a code of {dim!r} in the tables"
            f"{suggest(code, known)}", plan.rule.location,
        )
    return got


def run_pivot_check(engine: Engine, plan: PivotCheckPlan, cap: int) -> Outcome:
    (name,) = plan.tables
    kt = engine.keyed(name)
    dim = plan.dimension
    node = plan.instance.node
    codes = list(dict.fromkeys(plan.names.values()))
    ids = np.array([code_id(engine, plan, dim, c) for c in codes], dtype=np.int64)
    stride = kt.strides[dim]
    lookup = np.full(kt.radix[dim], -1, dtype=np.int64)
    lookup[ids] = np.arange(len(ids))
    which = lookup[kt.codes[dim]]
    pos = np.flatnonzero(which >= 0)
    which = which[pos]
    okey = kt.cell[pos] - kt.codes[dim][pos].astype(np.int64) * stride
    kp, size, o_key = index_other(okey, kt, dim, engine_mod.dense_limit(len(kt)))
    del okey
    present = np.zeros(size, dtype=bool)
    present[kp] = True
    sel = np.flatnonzero(present)
    del present
    by_code: dict[str, np.ndarray] = {}
    for j, code in enumerate(codes):  # a loop over the rule's few codes
        arr = np.full(size, np.nan)
        m = which == j
        arr[kp[m]] = kt.value[pos[m]]
        by_code[code] = arr[sel]
    keys = o_key(sel)
    raw = {n: by_code[c] for n, c in plan.names.items()}
    env = _env(raw, plan.policy)
    truth = iv.evaluate(node, env, len(sel), plan.rule.tolerance)
    assert isinstance(truth, iv.Truth)
    v = verdicts(truth, plan.policy)
    out = tally(v)

    def build(i: int, status: str) -> dict:
        key = int(keys[i])
        found = kt.find(np.array([key + int(x) * stride for x in ids], dtype=np.int64))
        where = dict(zip(codes, found))
        sub = {n: iv.Interval(e.lo[i:i + 1], e.hi[i:i + 1]) for n, e in env.items()}
        lhs, rhs, diff = _sides(node, sub, 1, 0)
        coords = kt.coordinates(key, engine.book, engine.table_coord(name))
        coords.pop(dim, None)
        absent = [n for n, c in plan.names.items() if where[c] < 0]
        message = plan.rule.message
        if status == "missing" and not message:
            message = ("not evaluable: " + ", ".join(absent) + " not reported") if absent else (
                "not evaluable: a count is not available")
        return {
            "status": status, "expression": plan.instance.text, "message": message,
            "lhs": lhs, "rhs": rhs, "difference": diff if status == "fail" else None,
            "values": {n: number(raw[n][i]) for n in plan.names},
            "locations": [kt.locate(int(where[c]), n) for n, c in plan.names.items() if where[c] >= 0],
            "coordinates": coords, "decides": None,
        }

    out.instances = _listed_rows(v, cap, build)
    return out


# --- groups across tables ----------------------------------------------------------------


def allowed_codes(engine: Engine, f: Filter, where) -> np.ndarray:
    """Bool per code id of the filter's dimension: which codes a filter keeps."""
    size = max(engine.book.size(f.dimension), 1)
    keep = np.zeros(size, dtype=bool)
    if f.level is not None:
        depth = levels(engine.spec.hierarchies[f.dimension])
        codes = [c for c, d in depth.items() if d == f.level]
        if not codes:
            raise InputError(f"the hierarchy of {f.dimension!r} has no level {f.level} "
                             f"(levels 0 to {max(depth.values())})", f.location)
    else:
        codes = f.codes or []
    ids = engine.book.ids.get(f.dimension, {})
    unknown = [c for c in codes if c not in ids]
    if unknown and f.level is None:
        raise InputError(
            f"{unknown[0]!r} is not a code of {f.dimension!r}{suggest(unknown[0], ids)}", f.location
        )
    keep[[ids[c] for c in codes if c in ids]] = True
    return keep


def run_group(engine: Engine, plan: GroupPlan, cap: int) -> Outcome:
    book = engine.book
    by = plan.by
    gstride: dict[str, int] = {}
    space = 1
    for d in reversed(by):
        gstride[d] = space
        space *= max(book.size(d), 1)
    allowed = {f.dimension: allowed_codes(engine, f, f.location) for f in plan.where}
    groups: dict[str, tuple[np.ndarray, np.ndarray, Keyed]] = {}
    total_rows = 0
    for envname, ref in plan.refs.items():
        kt = engine.keyed(ref.table)
        mask = np.ones(len(kt), dtype=bool)
        for dim, keep in allowed.items():
            if dim in kt.codes:
                mask &= keep[kt.codes[dim]]
        if ref.code is not None:
            mask &= kt.codes[ref.dimension] == code_id(engine, plan, ref.dimension, ref.code)
        pos = np.flatnonzero(mask)
        gkey = np.zeros(len(pos), dtype=np.int64)
        for d in by:
            gkey += kt.codes[d][pos].astype(np.int64) * gstride[d]
        groups[envname] = (pos, gkey, kt)
        total_rows += len(pos)
    names = list(groups)
    uniq, positions, size = compact([groups[n][1] for n in names], space, total_rows)
    present = np.zeros(size, dtype=bool)
    for p in positions:
        present[p] = True
    sel = np.flatnonzero(present)
    keys = sel if uniq is None else uniq[sel]
    raw: dict[str, np.ndarray] = {}
    single_pos: dict[str, np.ndarray] = {}
    for n, gp in zip(names, positions):
        pos, _, kt = groups[n]
        vals = kt.value[pos]
        count = np.bincount(gp, minlength=size)[sel]
        na = np.isnan(vals)
        if n in plan.summed:
            s = np.bincount(gp, weights=np.where(na, 0.0, vals), minlength=size)[sel].astype(float)
            if na.any() and plan.policy != "zero":
                s[np.bincount(gp, weights=na, minlength=size)[sel] > 0] = np.nan
            s[count == 0] = np.nan
            raw[n] = s
        else:
            if (count > 1).any():
                i = int(np.flatnonzero(count > 1)[0])
                coords = _group_coords(book, by, gstride, int(keys[i]))
                raise InputError(
                    f"rule {plan.rule.id!r}: {n} has {int(count[i])} cells in the group "
                    f"{_coord_text(coords)}; sum them with sum({n}) or group by more dimensions",
                    plan.rule.location,
                )
            arr = np.full(size, np.nan)
            arr[gp] = vals
            at = np.full(size, -1, dtype=np.int64)
            at[gp] = pos
            raw[n] = arr[sel]
            single_pos[n] = at[sel]
    env = _env(raw, plan.policy)
    truth = iv.evaluate(plan.node, env, len(sel), plan.rule.tolerance)
    assert isinstance(truth, iv.Truth)
    v = verdicts(truth, plan.policy)
    out = tally(v)

    def build(i: int, status: str) -> dict:
        sub = {n: iv.Interval(e.lo[i:i + 1], e.hi[i:i + 1]) for n, e in env.items()}
        lhs, rhs, diff = _sides(plan.node, sub, 1, 0)
        locations = []
        for n, at in single_pos.items():
            if at[i] >= 0:
                locations.append(groups[n][2].locate(int(at[i]), n))
        absent = [n for n in names if np.isnan(raw[n][i])]
        message = plan.rule.message
        if status == "missing" and not message:
            message = "not evaluable: " + ", ".join(absent) + " not available"
        return {
            "status": status, "expression": plan.text, "message": message,
            "lhs": lhs, "rhs": rhs, "difference": diff if status == "fail" else None,
            "values": {n: number(raw[n][i]) for n in names}, "locations": locations,
            "coordinates": _group_coords(book, by, gstride, int(keys[i])), "decides": None,
        }

    out.instances = _listed_rows(v, cap, build)
    return out


def _group_coords(book, by: list[str], gstride: dict[str, int], key: int) -> dict:
    return {d: book.label(d, (key // gstride[d]) % max(book.size(d), 1)) for d in by}


def _coord_text(coords: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in coords.items()) or "(all rows)"
