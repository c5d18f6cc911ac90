"""hierarchy: every total of a dimension equals the sum of its parts (or bounds them), for
every combination of the other dimensions, as SDMX VTL's check_hierarchy.

    hierarchies:
      sex: {total: [female, male]}          # in the table spec: a list of parts ...
      geo: {codelist: geo.csv}              # ... or a code,parent list of several levels
    rules:
      - id: sex-adds-up
        hierarchy: sex                      # or {dimension: age, relation: "<=", table: cube}

Every declared hierarchy is checked as an exact sum (implied rule `<dim>-hierarchy`)
unless a rule names it. `relation`: `"=="` the parts add up to the total (default);
`"sum <="` they add up to at most the total (a breakdown that leaves some out); `"<="`
each part is at most the total (overlapping breakdowns, such as children and women).
`tolerance` applies.

Passes: total 100, female 55, male 45. Fails: total 100, female 60, male 45, with each
cell's coordinates, file and line:

    FAIL sex-adds-up (error) spec.yaml  1 of 2 failed
      sex total == female + male
        at geo=B, sex=total, table=people
        total  = 100  sex.csv:5:3
        female = 60  sex.csv:6:3
        male   = 45  sex.csv:7:3
        difference: -5 (left side minus right side)

A missing total or part (an absent row, or a count that is not available) follows the
spec's `missing_cells`: `not-evaluable` (default) makes the instance not evaluable, `zero`
counts the cell as 0, `fail` fails the instance (the benchmark's reference counts a
missing side as a failure). With relation `"<="`, a part already larger than the
total still fails when another part is missing.

How it is computed, vectorised over the whole table: one instance per parent key in the
outer union of "parent cells present" and "parent keys some child cell maps to". With
integer codes a child's parent key is its own cell key with the dimension's digit
replaced, key + (parent - code) * stride; the parts' sums are one `np.bincount`, the
totals one scatter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from missingstats.core import reasons
from missingstats.core.errors import InputError
from missingstats.core.findings import Counts, Figure, Finding, Outcome, Status
from missingstats.evaluate.tables import engine as arrays
from missingstats.evaluate.tables.engine import (
    Engine,
    Keyed,
    cell_value,
    index_other,
    pick,
    tolerance_ok,
)
from missingstats.evaluate.tables.plan import Plan, policy_for, rule_where, tables_for
from missingstats.inputs import keys as kt
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.keys import Key, Table
from missingstats.kinds.base import NAMES_OR_ALL, Rule, names_or_all

ID = "hierarchy"
KEYS = ("hierarchy",)
RELATIONS = ("==", "sum <=", "<=")

PARTS_LISTED = 25  # parts listed per failing instance (values and locations)
PARTS_SPELLED = 6  # up to this many parts the expression names them: total == a + b + c


@dataclass
class HierarchyPlan(Plan):
    dimension: str = ""
    relation: str = "=="
    policy: str = "not-evaluable"


TABLE = Table("hierarchyRule", "'hierarchy'", "Which hierarchy, how its parts relate, where.", (
    Key("dimension", kt.STRING, "The dimension whose declared hierarchy must hold.", required=True),
    Key("relation", {"enum": list(RELATIONS), "default": "=="},
        "==: the parts add up to the total; sum <=: to at most the total; <=: each part is at "
        "most it."),
    Key("table", NAMES_OR_ALL, "The table or tables to check (default: every table with it)."),
))
SCHEMAS = {"hierarchy": {
    "description": "A dimension's hierarchy holds in every combination of the other dimensions "
                   "(table rule).",
    "anyOf": [kt.STRING, TABLE],
}}


def parse(m: sy.Mapping, rule: Rule) -> None:
    node = m["hierarchy"]
    rule.spec = {"relation": "==", "tables": None, "node": node}
    if isinstance(node, sy.Scalar):
        rule.spec["dimension"] = str(sy.expect_string(node, "'hierarchy' (a dimension)"))
        return
    h = TABLE.mapping(node)
    rule.spec["dimension"] = str(sy.expect_string(h["dimension"], "'dimension'"))
    if "relation" in h:
        rel = sy.expect_string(h["relation"], "'relation'")
        norm = " ".join(str(rel).split())
        if norm not in RELATIONS:
            raise InputError(
                f"relation {str(rel)!r} is one of: \"==\" (parts add up to the total), "
                "\"sum <=\" (they add up to at most the total), \"<=\" (each part is at most "
                "the total: overlapping parts)", rel.location,
            )
        rule.spec["relation"] = norm
    if "table" in h:
        rule.spec["tables"] = names_or_all(h["table"], "'table'", allow_all=False)




def compile(spec, rule: Rule) -> list[Plan]:
    dim = rule.spec["dimension"]
    if dim not in spec.hierarchies:
        known = ", ".join(spec.hierarchies) or "none"
        raise InputError(
            f"rule {rule.id!r}: no hierarchy declared for {dim!r} (declared: {known}); add it "
            "under 'hierarchies:'", rule_where(rule),
        )
    tables = tables_for(spec, rule, rule.spec.get("tables"), [dim])
    return [HierarchyPlan(rule, tables, dimension=dim, relation=rule.spec["relation"],
                          policy=policy_for(spec, rule))]



@dataclass
class HierarchyIndex:
    """A hierarchy as arrays over a dimension's code ids."""

    size: int
    parents: np.ndarray  # edge parent ids
    children: np.ndarray  # edge child ids
    is_parent: np.ndarray  # bool per code
    n_children: np.ndarray  # declared children per code
    parent_of: np.ndarray | None  # per code, -1 if none (when every code has <= 1 parent)

    @classmethod
    def build(cls, engine: Engine, dim: str) -> HierarchyIndex:
        h = engine.spec.hierarchies[dim]
        ids = engine.book.ids[dim]
        size = engine.book.size(dim)
        parents = np.array([ids[p] for p, _ in h.edges], dtype=np.int64)
        children = np.array([ids[c] for _, c in h.edges], dtype=np.int64)
        is_parent = np.zeros(size, dtype=bool)
        is_parent[parents] = True
        n_children = np.bincount(parents, minlength=size)
        n_parents = np.bincount(children, minlength=size)
        parent_of = None
        if len(children) == 0 or n_parents.max() <= 1:
            parent_of = np.full(size, -1, dtype=np.int64)
            parent_of[children] = parents
        return cls(size, parents, children, is_parent, n_children, parent_of)

    def kids(self, parent: int) -> np.ndarray:
        return self.children[self.parents == parent]

    def child_rows(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions of child cells, their parent id), one row per (cell, parent) edge."""
        if self.parent_of is not None:
            pc = self.parent_of[codes]
            pos = np.flatnonzero(pc >= 0)
            return pos, pc[pos]
        order = np.argsort(self.children, kind="stable")
        child_sorted = self.children[order]
        start = np.searchsorted(child_sorted, np.arange(self.size))
        count = np.bincount(self.children, minlength=self.size)
        reps = count[codes]
        pos = np.repeat(np.arange(len(codes)), reps)
        offset = np.arange(len(pos)) - np.repeat(np.cumsum(reps) - reps, reps)
        parent = self.parents[order][start[codes[pos]] + offset]
        return pos, parent


def run(engine: Engine, plan: HierarchyPlan, cap: int) -> Outcome:
    index = HierarchyIndex.build(engine, plan.dimension)
    out = Outcome()
    for name in plan.tables:
        kt = engine.keyed(name)
        out.add(_one_table(engine, kt, index, plan, cap - len(out.findings)))
    return out


@dataclass
class Gathered:
    """Per instance (parent key): the total, its parts' aggregate, and whether it is complete.

    `keys(idx)` and `parents(idx)` give instance keys and parent codes for selected instances
    only (the listed ones), so a complete cube never materialises millions of keys."""

    total: np.ndarray  # NaN when absent or not available
    parts: np.ndarray  # sum of the known parts (max for relation "<=", -inf if none)
    complete: np.ndarray | None  # total and every declared part known (None: all are)
    short: np.ndarray | None  # fewer known parts than declared (None: none is)
    any_part: np.ndarray | None  # at least one part present (None: all have one)
    keys: Callable[[np.ndarray], np.ndarray]
    parents: Callable[[np.ndarray], np.ndarray]


def other_limit(n: int) -> int:
    """Largest index space over (other dimensions, parent) used without hashing."""
    return arrays.dense_limit(n)


def gather_keys(kt: Keyed, hx: HierarchyIndex, dim: str, relation: str) -> Gathered:
    """A sparse table: instances indexed by (other dimensions, parent slot); parts summed
    with bincount. The other dimensions' key is used directly when its space is small, and
    hashed (pandas.factorize, one pass) otherwise."""
    codes = kt.codes[dim]
    stride = kt.strides[dim]
    n = len(kt)
    value = kt.value
    pids = np.flatnonzero(hx.is_parent)
    npar = max(len(pids), 1)
    slot = np.full(kt.radix[dim], -1, dtype=np.int64)
    slot[pids] = np.arange(len(pids))
    other = kt.cell - codes.astype(np.int64) * stride  # the cell key with this digit zeroed
    o_index, o_size, o_key = index_other(other, kt, dim, other_limit(n) // npar)
    del other
    tmask = hx.is_parent[codes]
    tinst = o_index[tmask] * npar + slot[codes[tmask]]
    tval = value[tmask]
    del tmask
    cpos, cparent = hx.child_rows(codes)
    cinst = o_index[cpos] * npar + slot[cparent]
    cval = value[cpos]
    del cpos, cparent, o_index
    size = o_size * npar

    has_total = np.zeros(size, dtype=bool)
    has_total[tinst] = True
    total = np.full(size, np.nan)
    total[tinst] = tval
    na_parts = np.isnan(cval)
    any_na = bool(na_parts.any())
    n_parts = np.bincount(cinst, minlength=size)
    if relation == "<=":
        parts = np.full(size, -np.inf)
        np.fmax.at(parts, cinst, cval)
    else:
        parts = np.bincount(cinst, weights=np.where(na_parts, 0.0, cval) if any_na else cval,
                            minlength=size).astype(float, copy=False)  # (int when empty)
    na_count = np.bincount(cinst, weights=na_parts, minlength=size) if any_na else None
    del tinst, cinst, cval, na_parts

    sel = np.flatnonzero(has_total | (n_parts > 0))
    n_parts = n_parts[sel]
    known = n_parts - (na_count[sel].astype(np.int64) if na_count is not None else 0)
    parent = pids[sel % npar]
    total = total[sel]
    short = known < hx.n_children[parent]

    def keys(idx: np.ndarray) -> np.ndarray:
        return o_key(sel[idx] // npar) + pids[sel[idx] % npar] * stride

    return Gathered(total, parts[sel], ~np.isnan(total) & ~short, short, n_parts > 0,
                    keys, lambda idx: parent[idx])


EDGE_LOOP = 256  # up to this many edges, add slices per edge; beyond, gather + reduceat


def gather_dense(kt: Keyed, hx: HierarchyIndex, dim: str, relation: str) -> Gathered:
    """A dense table: the cube as (before, codes, after); parts added slice by slice."""
    val, zeroed, present, known, full = kt.cube()
    n_dim = kt.radix[dim]
    after = kt.strides[dim]
    before = kt.space // (n_dim * after)
    shape = (before, n_dim, after)
    V = (val if relation == "<=" else zeroed).reshape(shape)
    pids = np.flatnonzero(hx.is_parent)
    slot = np.full(n_dim, -1, dtype=np.int64)
    slot[pids] = np.arange(len(pids))
    total = val.reshape(shape)[:, pids, :]
    out_shape = (before, len(pids), after)
    edges_p, edges_c = slot[hx.parents], hx.children
    counts = not full
    parts = np.full(out_shape, -np.inf) if relation == "<=" else np.zeros(out_shape)
    n_parts = np.zeros(out_shape, dtype=np.int32) if counts else None
    n_known = np.zeros(out_shape, dtype=np.int32) if counts else None
    P = present.reshape(shape) if counts else None
    K = known.reshape(shape) if counts else None
    if len(edges_c) <= EDGE_LOOP:
        for j, c in zip(edges_p, edges_c):  # a loop over the hierarchy's few edges
            if relation == "<=":
                np.fmax(parts[:, j, :], V[:, c, :], out=parts[:, j, :])
            else:
                parts[:, j, :] += V[:, c, :]
            if counts:
                n_parts[:, j, :] += P[:, c, :]
                n_known[:, j, :] += K[:, c, :]
    else:
        order = np.argsort(edges_p, kind="stable")
        kids = edges_c[order]
        starts = np.searchsorted(edges_p[order], np.arange(len(pids)))
        red = np.fmax if relation == "<=" else np.add
        parts = red.reduceat(V.take(kids, axis=1), starts, axis=1)
        if relation == "<=":
            parts = np.where(np.isnan(parts), -np.inf, parts)
        if counts:
            n_parts = np.add.reduceat(P.take(kids, axis=1), starts, axis=1, dtype=np.int32)
            n_known = np.add.reduceat(K.take(kids, axis=1), starts, axis=1, dtype=np.int32)
    npar = len(pids)

    def keys_of(flat: np.ndarray) -> np.ndarray:
        b, rest = np.divmod(flat, npar * after)
        j, a = np.divmod(rest, after)
        return b * (n_dim * after) + pids[j] * after + a

    def parents_of(flat: np.ndarray) -> np.ndarray:
        return pids[(flat // after) % npar]

    if full:  # every cell present and known: every instance exists and is complete
        return Gathered(total.reshape(-1), parts.reshape(-1), None, None, None,
                        keys_of, parents_of)
    expected = np.broadcast_to(hx.n_children[pids].astype(np.int32)[None, :, None], out_shape)
    has_total = present.reshape(shape)[:, pids, :]
    sel = np.flatnonzero(has_total | (n_parts > 0))
    short = (n_known < expected).reshape(-1)[sel]
    total = total.reshape(-1)[sel]
    return Gathered(total, parts.reshape(-1)[sel], ~np.isnan(total) & ~short, short,
                    n_parts.reshape(-1)[sel] > 0,
                    lambda idx: keys_of(sel[idx]), lambda idx: parents_of(sel[idx]))


def _one_table(engine: Engine, kt: Keyed, hx: HierarchyIndex, plan: HierarchyPlan, cap: int) -> Outcome:
    dim = plan.dimension
    if kt.dense:
        g = gather_dense(kt, hx, dim, plan.relation)
    else:
        g = gather_keys(kt, hx, dim, plan.relation)
    total, parts = g.total, g.parts
    n = len(total)
    if plan.policy == "zero":
        lhs = np.where(np.isnan(total), 0.0, total)
        rhs = parts
        if plan.relation == "<=":  # absent parts count as 0 in the largest part too
            rhs = np.where(np.isinf(parts), 0.0, parts)
            if g.short is not None:
                rhs = np.where(g.short, np.maximum(rhs, 0.0), rhs)
        evaluable = None
    else:
        lhs, rhs, evaluable = total, parts, g.complete
    tol = plan.rule.tolerance
    with np.errstate(invalid="ignore"):
        if plan.relation == "==":
            holds = tolerance_ok(lhs, rhs, tol)
        else:  # "sum <=" and "<=": parts (sum or largest) at most the total
            holds = (rhs <= lhs) | tolerance_ok(lhs, rhs, tol)
    fail = ~holds if evaluable is None else evaluable & ~holds
    if plan.relation == "<=" and plan.policy != "zero" and evaluable is not None:
        # a part known to exceed the total fails even when other parts are missing
        known_violation = ~np.isnan(total) & ~holds & np.isfinite(rhs)
        if g.any_part is not None:
            known_violation &= g.any_part
        fail |= known_violation
    missing = None if evaluable is None else ~evaluable & ~fail
    if plan.policy == "fail" and missing is not None:
        fail, missing = fail | missing, None

    counts = Counts(n, failed=int(np.count_nonzero(fail)),
                    missing=0 if missing is None else int(np.count_nonzero(missing)))
    counts.passed = counts.checked - counts.failed - counts.missing
    out = Outcome(counts)
    for status, mask in ((Status.FAIL, fail), (Status.NOT_EVALUABLE, missing)):
        if mask is None:
            continue
        chosen = pick(mask, cap - len(out.findings))
        if len(chosen):
            out.findings.extend(_listed(engine, kt, hx, plan, g.keys(chosen), g.parents(chosen),
                                        lhs[chosen], rhs[chosen], status))
    return out


def _listed(engine: Engine, kt: Keyed, hx: HierarchyIndex, plan: HierarchyPlan, keys: np.ndarray,
            parents: np.ndarray, lhs: np.ndarray, rhs: np.ndarray, status: Status) -> list[Finding]:
    """Findings for a few instances: coordinates, the total and its parts, where they are."""
    dim = plan.dimension
    book = engine.book
    stride = kt.strides[dim]
    rule = plan.rule
    out = []
    for key, parent, left, right in zip(keys, parents, lhs, rhs):
        kids = hx.kids(int(parent))
        ptext = book.label(dim, parent)
        labels = [book.label(dim, k) for k in kids]
        shown = kids[:PARTS_LISTED]
        found = kt.find(np.concatenate([[key], key + (shown - parent) * stride]))
        figures = [
            Figure(label, cell_value(kt.value[pos]) if pos >= 0 else None,
                   kt.locate(int(pos)) if pos >= 0 else None)
            for label, pos in zip([ptext] + labels[:PARTS_LISTED], found)
        ]
        if len(kids) > PARTS_LISTED:
            total = cell_value(right) if plan.relation != "<=" else None
            figures.append(Figure(f"sum of the {len(kids)} parts", total))
        absent = tuple(lb for lb, pos in zip([ptext] + labels, found) if pos < 0)
        reason = None
        if status == Status.NOT_EVALUABLE or (status == Status.FAIL and absent and plan.policy == "fail"):
            reason = reasons.NotReported(absent[:5]) if absent else reasons.NotAvailable()
        right_v = cell_value(right)
        left_v = cell_value(left)
        out.append(Finding(
            rule.id, rule.severity, status, "", _expression(dim, ptext, labels, plan.relation),
            tuple(figures), left_v, right_v,
            left - right if left_v is not None and right_v is not None and status == Status.FAIL
            else None,
            kt.coordinates(int(key), book, engine.table_coord(kt.table.name)), rule.message,
            reason,
        ))
    return out


def _expression(dim: str, parent: str, kids: list[str], relation: str) -> str:
    if relation == "<=":
        if len(kids) <= PARTS_SPELLED:
            return f"{dim} {parent} >= each of {', '.join(kids)}"
        return f"{dim} {parent} >= each of its {len(kids)} parts"
    op = "==" if relation == "==" else ">="
    if len(kids) <= PARTS_SPELLED:
        return f"{dim} {parent} {op} {' + '.join(kids)}"
    return f"{dim} {parent} {op} sum of its {len(kids)} parts"
