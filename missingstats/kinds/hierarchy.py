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

`when: {geo: {not: [EU27]}, year: {from: 2020}}` keeps only the instances at those
coordinates. Half a rounding unit per cell widens `==` when the table is rounded
(`rounded:`, SDMX `DECIMALS`, JSON-stat `unit.decimals`); a confidential cell makes an
instance not evaluable, and a failure through an estimated or provisional cell is a
warning (docs/tables.md: flags). Dated edges (`valid_from`, `valid_to`) apply per period.

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

from dataclasses import dataclass, field

import numpy as np

from missingstats.core import reasons
from missingstats.core.errors import InputError
from missingstats.core.findings import Counts, Figure, Finding, Outcome, Relation, Status
from missingstats.core.results import Note
from missingstats.evaluate.tables.engine import Engine, Keyed, cell_value, pick, tolerance_ok
from missingstats.evaluate.tables.failures import FailingSet
from missingstats.evaluate.tables.gather import (
    Gathered,
    HierarchyIndex,
    gather_dense,
    gather_keys,
)
from missingstats.evaluate.tables.plan import Plan, policy_for, rule_where, tables_for
from missingstats.inputs import keys as kt
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.keys import Key, Table
from missingstats.inputs.tables.spec import parse_when
from missingstats.inputs.tables.units import unit as unit_of
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
    policy: str = "not-evaluable"  # absent cells (and empty ones when `empty` is "")
    empty: str = ""  # empty cells (a row without a value): not-evaluable | zero | fail
    when: list = field(default_factory=list)  # spec.Filter list: the instances the rule keeps
    time: str | None = None  # the time dimension, when the hierarchy has dated edges
    rounding: bool = True  # widen == by half a rounding unit per cell (`rounded:`, DECIMALS)


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
    when = parse_when(rule.when, spec, rule.id) if rule.when is not None else []
    time = spec.time if spec.hierarchies[dim].validity else None
    empty = spec.empty_cells if spec.empty_cells != spec.missing_cells else ""
    return [HierarchyPlan(rule, tables, dimension=dim, relation=rule.spec["relation"],
                          policy=policy_for(spec, rule), empty=empty, when=when, time=time)]



def run(engine: Engine, plan: HierarchyPlan, cap: int) -> Outcome:
    index = HierarchyIndex.build(engine, plan.dimension, plan.time)
    out = Outcome()
    for name in plan.tables:
        kt = engine.keyed(name)
        out.add(_one_table(engine, kt, index, plan, cap - len(out.findings)))
    return out


def _gather(engine: Engine, kt: Keyed, hx: HierarchyIndex, plan: HierarchyPlan) -> Gathered:
    """The dense slice-by-slice path when nothing but values matters; else by keys."""
    flags = kt.table.defn.flags
    plain = (kt.bits() is None and not _rounded(kt, plan) and hx.valid is None)
    if kt.dense and plain:
        return gather_dense(kt, hx, plan.dimension, plan.relation)
    return gather_keys(kt, hx, plan.dimension, plan.relation,
                       flags.downgraded if flags is not None else 0, plan.time)


def _rounded(kt: Keyed, plan: HierarchyPlan) -> bool:
    return plan.rounding and (isinstance(kt.half, np.ndarray) or bool(kt.half))


@dataclass
class Verdicts:
    """Per instance: the two sides compared, and the masks every engine must agree on."""

    lhs: np.ndarray
    rhs: np.ndarray
    fail: np.ndarray
    missing: np.ndarray | None
    flagged: np.ndarray | None  # failures reported at warning level (estimated cells)
    rounding: np.ndarray | None  # passes that hold only within the rounding tolerance
    confidential: np.ndarray | None


def verdicts(g: Gathered, plan: HierarchyPlan, tol, exact: bool) -> Verdicts:
    """Pass, fail or not evaluable for every instance, from the gathered sides and masks.

    A missing cell follows its policy: absent (no row) `plan.policy`, empty (a row without
    a value) `plan.empty`; each is not evaluable, zero, or a failure. A confidential cell
    makes the instance not evaluable whatever the policy. Half a rounding unit per cell
    involved widens the tolerance of `==`."""
    absent_pol, empty_pol = plan.policy, plan.empty or plan.policy
    total, rhs = g.total, g.parts
    if g.total_absent is None:  # a full cube: nothing is missing
        absent_any = empty_any = None
        lhs = total
    else:
        total_empty = ~g.total_absent & np.isnan(total)
        part_absent = g.n_present < g.expected
        part_empty = g.n_known < g.n_present
        absent_any = g.total_absent | part_absent
        empty_any = total_empty | part_empty
        zero_total = (g.total_absent & (absent_pol == "zero")) | (total_empty & (empty_pol == "zero"))
        lhs = np.where(zero_total, 0.0, total)
        if plan.relation == "<=":  # a missing part counted as 0 also bounds the largest part
            zero_part = (part_absent & (absent_pol == "zero")) | (part_empty & (empty_pol == "zero"))
            rhs = np.where(zero_part, np.maximum(np.where(np.isinf(rhs), 0.0, rhs), 0.0), rhs)
    unresolved = None
    if absent_any is not None:
        unresolved = ((absent_any if absent_pol != "zero" else False)
                      | (empty_any if empty_pol != "zero" else False))
        if not isinstance(unresolved, np.ndarray):
            unresolved = None
    if g.confidential is not None:
        unresolved = g.confidential if unresolved is None else unresolved | g.confidential
    with np.errstate(invalid="ignore"):
        holds = _holds(lhs, rhs, tol, plan.relation, None, exact)
        rounding = None
        if g.half is not None and plan.rounding:
            exact_holds = holds
            holds = _holds(lhs, rhs, tol, plan.relation, g.half, exact)
            rounding = holds & ~exact_holds
    fail = ~holds if unresolved is None else ~unresolved & ~holds
    if plan.relation == "<=" and unresolved is not None:
        # a part known to exceed the total fails even when other parts are missing
        known = ~np.isnan(lhs) & ~holds & np.isfinite(rhs)
        if g.n_present is not None:
            known &= g.n_present > 0
        if g.confidential is not None:
            known &= ~g.confidential
        fail |= known
    missing = None if unresolved is None else unresolved & ~fail
    if missing is not None and absent_any is not None and "fail" in (absent_pol, empty_pol):
        as_fail = missing & (((absent_any & (absent_pol == "fail")) if absent_pol == "fail" else False)
                             | ((empty_any & (empty_pol == "fail")) if empty_pol == "fail" else False))
        if g.confidential is not None:
            as_fail &= ~g.confidential
        fail, missing = fail | as_fail, missing & ~as_fail
    if rounding is not None:
        rounding &= ~fail if missing is None else ~fail & ~missing
    flagged = None if g.soft is None else fail & g.soft
    return Verdicts(lhs, rhs, fail, missing, flagged, rounding, g.confidential)


def _holds(lhs: np.ndarray, rhs: np.ndarray, tol, relation: str, half: np.ndarray | None,
           exact: bool) -> np.ndarray:
    """The relation within tolerance (plus rounding half-units; plus float noise for
    decimal units, where 1726.1 + 1304.8 is not 3030.9 in binary)."""
    slack = None
    if half is not None:
        slack = half
    if not exact:
        noise = 1e-9 * np.maximum(np.abs(lhs), np.abs(rhs))
        slack = noise if slack is None else slack + noise
    ok = tolerance_ok(lhs, rhs, tol) if slack is None else (
        np.abs(lhs - rhs) <= tol.absolute + tol.relative * np.maximum(np.abs(lhs), np.abs(rhs))
        + slack)
    if relation == "==":
        return ok
    return (rhs <= lhs) | ok  # "sum <=" and "<=": parts (sum or largest) at most the total


def _one_table(engine: Engine, kt: Keyed, hx: HierarchyIndex, plan: HierarchyPlan, cap: int) -> Outcome:
    g = _gather(engine, kt, hx, plan)
    if plan.when:
        g = _when(engine, kt, g, plan)
    exact = unit_of(kt.table.defn.unit).whole
    v = verdicts(g, plan, plan.rule.tolerance, exact)
    n = len(v.lhs)
    counts = Counts(n, failed=int(np.count_nonzero(v.fail)),
                    missing=0 if v.missing is None else int(np.count_nonzero(v.missing)))
    counts.passed = counts.checked - counts.failed - counts.missing
    counts.flagged = 0 if v.flagged is None else int(np.count_nonzero(v.flagged))
    out = Outcome(counts)
    statuses = [(Status.FAIL, v.fail), (Status.NOT_EVALUABLE, v.missing)]
    if engine.list_passes:
        passed = ~v.fail if v.missing is None else ~v.fail & ~v.missing
        statuses.append((Status.PASS, passed))
    for status, mask in statuses:
        if mask is None:
            continue
        chosen = pick(mask, cap - len(out.findings) if status != Status.PASS else cap)
        if len(chosen):
            out.findings.extend(_listed(engine, kt, hx, plan, g, chosen, v, status))
    failing = np.flatnonzero(v.fail)
    if len(failing):
        out.failing.append(FailingSet(plan.rule.id, plan.rule.severity, kt.table.name,
                                      g.keys(failing), v.lhs[failing], v.rhs[failing],
                                      None if v.flagged is None else v.flagged[failing]))
    if v.rounding is not None and v.rounding.any():
        first = int(np.flatnonzero(v.rounding)[0])
        coords = kt.coordinates(int(g.keys(np.array([first]))[0]), engine.book,
                                engine.table_coord(kt.table.name))
        out.notes.append(Note(plan.rule.location, reasons.WithinRounding(
            plan.rule.id, int(np.count_nonzero(v.rounding)), tuple(coords.items()))))
    return out


def _when(engine: Engine, kt: Keyed, g: Gathered, plan: HierarchyPlan) -> Gathered:
    """Only the instances whose coordinates the rule's `when:` keeps."""
    n = len(g.total)
    keys = g.keys(np.arange(n))
    keep = np.ones(n, dtype=bool)
    for f in plan.when:
        if f.dimension not in kt.strides:
            continue  # a table without the dimension is not restricted by it
        allowed = engine.allowed(f)
        digit = (keys // kt.strides[f.dimension]) % kt.radix[f.dimension]
        ok = np.zeros(len(digit), dtype=bool)
        inside = digit < len(allowed)
        ok[inside] = allowed[digit[inside]]
        keep &= ok
    idx = np.flatnonzero(keep)

    def cut(a):
        return None if a is None else a[idx]

    return Gathered(
        g.total[idx], g.parts[idx], cut(g.total_absent), cut(g.n_present), cut(g.n_known),
        cut(g.expected), lambda i: keys[idx[i]], lambda i: g.parents(idx[i]),
        cut(g.confidential), cut(g.soft), cut(g.half),
        None if g.period is None else (lambda i: g.period(idx[i])),
    )


def _listed(engine: Engine, kt: Keyed, hx: HierarchyIndex, plan: HierarchyPlan, g: Gathered,
            chosen: np.ndarray, v: Verdicts, status: Status) -> list[Finding]:
    """Findings for a few instances: coordinates, the total and its parts, where they are."""
    dim = plan.dimension
    book = engine.book
    stride = kt.strides[dim]
    rule = plan.rule
    periods = g.period(chosen) if g.period is not None else [None] * len(chosen)
    out = []
    for i, key, parent, period in zip(chosen, g.keys(chosen), g.parents(chosen), periods):
        left, right = v.lhs[i], v.rhs[i]
        kids = hx.kids(int(parent), None if period is None else int(period))
        ptext = book.label(dim, parent)
        labels = [book.label(dim, k) for k in kids]
        shown = kids[:PARTS_LISTED]
        found = kt.find(np.concatenate([[key], key + (shown - parent) * stride]))
        figures = [
            Figure(label, cell_value(kt.value[pos]) if pos >= 0 else None,
                   kt.locate(int(pos)) if pos >= 0 else None,
                   flag=kt.flag_text(int(pos)) if pos >= 0 else None)
            for label, pos in zip([ptext] + labels[:PARTS_LISTED], found)
        ]
        if len(kids) > PARTS_LISTED:
            total = cell_value(right) if plan.relation != "<=" else None
            figures.append(Figure(f"sum of the {len(kids)} parts", total))
        absent = tuple(lb for lb, pos in zip([ptext] + labels, found) if pos < 0)
        reason = None
        severity = rule.severity
        if v.confidential is not None and v.confidential[i] and status != Status.FAIL:
            reason = reasons.Confidential(tuple(f.name for f in figures if _is_conf(kt, f)))
        elif status == Status.NOT_EVALUABLE or (status == Status.FAIL and absent and "fail" in (
                plan.policy, plan.empty)):
            reason = reasons.NotReported(absent[:5]) if absent else reasons.NotAvailable()
        elif status == Status.FAIL and v.flagged is not None and v.flagged[i]:
            severity = "warning" if rule.severity == "error" else rule.severity
            reason = reasons.Flagged(tuple((f.name, f.flag) for f in figures if f.flag), severity)
        elif status == Status.PASS and v.rounding is not None and v.rounding[i]:
            reason = reasons.WithinRounding(rule.id, 1, ())
        right_v = cell_value(right)
        left_v = cell_value(left)
        relation = None  # each part at most the total ("<=") is no sum: nothing to stack
        if plan.relation != "<=" and len(kids) <= PARTS_LISTED:
            relation = Relation("==" if plan.relation == "==" else "<=", tuple(labels), ptext)
        out.append(Finding(
            rule.id, severity, status, "", _expression(dim, ptext, labels, plan.relation),
            tuple(figures), left_v, right_v,
            left - right if left_v is not None and right_v is not None and status == Status.FAIL
            else None,
            kt.coordinates(int(key), book, engine.table_coord(kt.table.name)), rule.message,
            reason, relation=relation,
        ))
    return out


def _is_conf(kt: Keyed, figure: Figure) -> bool:
    from missingstats.inputs.tables.flags import CONFIDENTIAL

    if not figure.flag or kt.table.defn.flags is None:
        return False
    return bool(kt.table.defn.flags.classify([figure.flag])[0] & CONFIDENTIAL)


def _expression(dim: str, parent: str, kids: list[str], relation: str) -> str:
    if relation == "<=":
        if len(kids) <= PARTS_SPELLED:
            return f"{dim} {parent} >= each of {', '.join(kids)}"
        return f"{dim} {parent} >= each of its {len(kids)} parts"
    op = "==" if relation == "==" else ">="
    if len(kids) <= PARTS_SPELLED:
        return f"{dim} {parent} {op} {' + '.join(kids)}"
    return f"{dim} {parent} {op} sum of its {len(kids)} parts"
