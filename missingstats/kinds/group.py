"""group: sums over the rows of a group, compared across tables, one instance per group.

    tables:
      regions:  {path: regions.csv, dimensions: [geo, year], measure: value}
      national: {path: national.csv, dimensions: [year], measure: value}
    hierarchies:
      geo: {C: [N, S]}
    rules:
      - id: regions-make-national
        group:
          check: sum(regions.value) == national.value
          by: [year]                          # one instance per year (default: one overall)
          where: {geo: {level: 1}}            # optional: which rows take part

Names are a table's measure (`regions.value`), or the cells of one code
(`regions.sex.female`), unqualified when only one table has them; `sum(...)` adds up the
group's rows, and a name outside `sum()` must be a single cell per group (else an input
error says so). `where` filters by codes or hierarchy levels (0 is the top); a table
without that dimension is not filtered by it.

Passes: the regions N and S of 2019 add up to the national 2019 figure (600 + 500 ==
1,100). Fails: in 2020 they add up to 1,190 where national says 1,200:

    FAIL regions-make-national (error) spec.yaml  1 of 2 failed
      sum(regions.value) == national.value
        at year=2020
        sum(regions.value) = 1,190
        national.value     = 1,200  national.csv:3:2
        difference: -10 (left side minus right side)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from missingstats.core import reasons
from missingstats.core.errors import InputError
from missingstats.core.findings import Counts, Figure, Finding, Outcome, Status
from missingstats.evaluate.tables import listing, marks, rows
from missingstats.evaluate.tables.engine import Engine, Keyed, cell_value, compact
from missingstats.evaluate.tables.plan import (
    Plan,
    dims_known,
    map_children,
    policy_for,
    resolve,
    rule_where,
    source_names,
)
from missingstats.inputs import keys as kt
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.keys import Key, Table
from missingstats.inputs.tables.spec import FILTER_VALUE, Filter, TableSpec, _filter
from missingstats.kinds.base import Rule, names_or_all, parse_expression
from missingstats.kinds.check import relation_of
from missingstats.language import expr as ex
from missingstats.language import intervals as iv

ID = "group"
KEYS = ("group",)


@dataclass
class GroupRef:
    """A name in a group rule: a table's measure, optionally only the cells of one code."""

    table: str
    dimension: str | None = None
    code: str | None = None


@dataclass
class GroupPlan(Plan):
    node: ex.Node = None  # type: ignore[assignment]  # sum(...) replaced by synthetic names
    text: str = ""
    by: list[str] = field(default_factory=list)
    where: list[Filter] = field(default_factory=list)
    refs: dict[str, GroupRef] = field(default_factory=dict)  # env name -> reference
    summed: set[str] = field(default_factory=set)  # env names that are group sums
    policy: str = "not-evaluable"
    constants: dict[str, Figure] = field(default_factory=dict)  # figures of the spec's sources


TABLE = Table(
    "groupRule", "'group'", "A check over sums of table cells, one instance per `by` group.", (
        Key("check", kt.STRING, "e.g. sum(regions.value) == national.value", required=True,
            missing="{where} needs 'check', e.g. sum(regions.value) == national.value"),
        Key("by", {"anyOf": [kt.STRING, {"type": "array", "items": kt.STRING}]},
            "The dimensions whose codes make the groups: one instance per group."),
        Key("where", {"type": "object", "additionalProperties": FILTER_VALUE},
            "Which rows take part, per dimension: [codes] or {level: N}."),
    ),
)
SCHEMAS = {"group": TABLE}


def parse(m: sy.Mapping, rule: Rule) -> None:
    g = TABLE.mapping(m["group"])
    text = sy.expect_string(g["check"], "'check'")
    node = parse_expression(text, rule.id)
    by = names_or_all(g["by"], "'by'", allow_all=False) if "by" in g else []
    where: dict[str, sy.Node] = {}
    if "where" in g:
        for dim, value in sy.expect_mapping(g["where"], "'where'").items():
            where[str(dim)] = value
    rule.spec = {"node": node, "text": ex.to_text(node), "by": by, "where": where,
                 "check_node": text, "by_node": g.get("by"), "group_node": g}


def compile(spec: TableSpec, rule: Rule) -> list[GroupPlan]:
    node: ex.Node = rule.spec["node"]
    where_loc = rule_where(rule, "check_node")
    by: list[str] = rule.spec["by"]
    dims_known(spec, rule, by)
    refs: dict[str, GroupRef] = {}
    summed: set[str] = set()
    constants = {n: spec.sources[n] for n in source_names(spec, rule, ex.names(node), where_loc)}

    def ref_for(name: str) -> GroupRef:
        head, _, rest = name.partition(".")
        if head in spec.tables and rest:
            tables, local = [head], rest
        else:
            tables, local = list(spec.tables), name
        found: list[GroupRef] = []
        why = ""
        for t in tables:
            r = resolve(spec, t, local)
            if isinstance(r, str):
                why = why or r
                continue
            found.append(GroupRef(t, r[1], r[2]))
        if not found:
            raise InputError(f"rule {rule.id!r}: {why}", where_loc)
        if len(found) > 1:
            raise InputError(
                f"rule {rule.id!r}: {name!r} is in several tables "
                f"({', '.join(f.table for f in found)}); write table.{name}", where_loc,
            )
        ref = found[0]
        missing = [d for d in by if d not in spec.tables[ref.table].all_dimensions]
        if missing:
            raise InputError(
                f"rule {rule.id!r}: table {ref.table!r} has no dimension {missing[0]!r} to group "
                "by", where_loc,
            )
        return ref

    def rewrite(n: ex.Node, inside_sum: bool) -> ex.Node:
        if isinstance(n, ex.Call) and n.func == "sum":
            terms: list[ex.Node] = []
            for arg in n.args:
                if not isinstance(arg, ex.Name) or arg.path in constants:
                    raise InputError(
                        f"rule {rule.id!r}: in a group rule sum() takes measure names, such as "
                        "sum(regions.value)", where_loc,
                    )
                key = f"sum({arg.path})"
                refs[key] = ref_for(arg.path)
                summed.add(key)
                terms.append(ex.Name(key, arg.col))
            out = terms[0]
            for term in terms[1:]:
                out = ex.BinOp("+", out, term, n.col)
            return out
        if isinstance(n, ex.Name):
            if n.path not in constants:
                refs[n.path] = ref_for(n.path)
            return n
        return map_children(n, lambda c: rewrite(c, inside_sum))

    new = rewrite(node, False)
    where = [_filter(dim, value, value.location) for dim, value in rule.spec["where"].items()]
    for f in where:
        dims_known(spec, rule, [f.dimension])
        if f.level is not None and f.dimension not in spec.hierarchies:
            raise InputError(f"filter by level needs a hierarchy for {f.dimension!r}", f.location)
    tables = sorted({r.table for r in refs.values()})
    if not refs:
        raise InputError(f"rule {rule.id!r} reads no table, only figures of sources", where_loc)
    return [GroupPlan(rule, tables, node=new, text=rule.spec["text"], by=by, where=where,
                      refs=refs, summed=summed, policy=policy_for(spec, rule),
                      constants=constants)]


def run(engine: Engine, plan: GroupPlan, cap: int) -> Outcome:
    book = engine.book
    by = plan.by
    gstride: dict[str, int] = {}
    space = 1
    for d in reversed(by):
        gstride[d] = space
        space *= max(book.size(d), 1)
    allowed = {f.dimension: engine.allowed(f) for f in plan.where}
    groups: dict[str, tuple[np.ndarray, np.ndarray, Keyed]] = {}
    total_rows = 0
    for envname, ref in plan.refs.items():
        kt = engine.keyed(ref.table)
        mask = np.ones(len(kt), dtype=bool)
        for dim, keep in allowed.items():
            if dim in kt.codes:
                mask &= keep[kt.codes[dim]]
        if ref.code is not None:
            mask &= kt.codes[ref.dimension] == engine.code_id(plan.rule, ref.dimension, ref.code)
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
    conf = soft = None
    for n, gp in zip(names, positions):
        pos, _, kt = groups[n]
        vals = kt.value[pos]
        c, f = marks.flag_masks(kt, pos)  # flags of the group's cells, per group
        if c is not None:
            got = np.bincount(gp, weights=c, minlength=size)[sel] > 0
            conf = got if conf is None else conf | got
        if f is not None:
            got = np.bincount(gp, weights=f, minlength=size)[sel] > 0
            soft = got if soft is None else soft | got
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
    env = listing.environment(raw, plan.policy)
    env.update(rows.constants(plan.constants, len(sel)))
    truth = iv.evaluate(plan.node, env, len(sel), plan.rule.tolerance)
    assert isinstance(truth, iv.Truth)
    masks = truth.masks(plan.policy)
    marks.confidential(masks, conf)
    out = Outcome(Counts.of_masks(masks))
    flagged = None if soft is None else masks[Status.FAIL] & soft
    out.counts.flagged = 0 if flagged is None else int(flagged.sum())
    rule = plan.rule

    relation = relation_of(plan.node)

    def build(i: int, status: Status) -> Finding:
        located = {n: groups[n][2].locate(int(at[i])) for n, at in single_pos.items() if at[i] >= 0}
        absent = tuple(n for n in names if np.isnan(raw[n][i]))
        lhs, rhs, diff = listing.sides(plan.node, listing.row(env, i))
        severity, reason = rule.severity, None
        if conf is not None and conf[i]:
            reason = reasons.Confidential()
        elif status == Status.NOT_EVALUABLE:
            reason = reasons.NotAvailable(absent)
        elif flagged is not None and flagged[i]:
            severity = "warning" if severity == "error" else severity
            reason = reasons.Flagged((), severity)
        return Finding(
            rule.id, severity, status, "", plan.text,
            tuple(Figure(n, cell_value(raw[n][i]), located.get(n)) for n in names)
            + tuple(plan.constants.values()),
            lhs, rhs, diff if status == Status.FAIL else None,
            _group_coords(book, by, gstride, int(keys[i])), rule.message, reason,
            relation=relation,
        )

    out.findings = listing.listed(masks, cap, build, marks.listed_statuses(engine))
    return out


def _group_coords(book, by: list[str], gstride: dict[str, int], key: int) -> dict:
    return {d: book.label(d, (key // gstride[d]) % max(book.size(d), 1)) for d in by}


def _coord_text(coords: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in coords.items()) or "(all rows)"
