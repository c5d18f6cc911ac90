"""check: a relation between figures, written in the expression language.

On a figure sheet a check is one instance (a `for:` template expands it to one instance
per choice of its variables); in an editions file, one per edition. On a table, a check
that names the measure holds for every cell, and one that names codes of one dimension
holds for every combination of the other dimensions. The language (dotted names,
arithmetic, comparisons and chains, `and`/`or`/`not`, `if ... then`, `sum`, `abs`, `min`,
`max`, `round`) is described in [rules.md](rules.md#the-expression-language).

    rules:
      - id: detained-split
        check: detained.total == detained.servicemen + detained.civilians.total
        tolerance: {absolute: 0, relative: 0}   # == and !=: |a - b| <= absolute + relative * max(|a|, |b|)
      - id: detained-within-missing
        for: {g: [total, civilians.total, civilians.children]}
        check: detained.{g} <= missing.{g}      # three instances

Passes: `detained.total` 871, `detained.servicemen` 604, `detained.civilians.total` 267
(871 == 604 + 267). Fails: the servicemen typed as 640. The report names every figure with
its value and file:line:column, and the difference (left side minus right side):

    FAIL detained-split (error) letter.yaml  1 of 1 failed
      detained.total == detained.servicemen + detained.civilians.total
        detained.total           = 871  letter.yaml:40:14
        detained.servicemen      = 640  letter.yaml:47:14
        detained.civilians.total = 267  letter.yaml:55:16
        difference: -36 (left side minus right side)

A figure the file does not report makes the instance *not evaluable* when the rules file
lists the name in its vocabulary (`figures:`); otherwise an unknown name is an input error
(exit 2) with a suggestion ("did you mean 'civilians'?"). Division by zero: a divisor that
is always 0 (`a / 0`, `a / (1 - 1)`) is a rules error (exit 2) at its column; a divisor
that is 0 for the figures given (`women / total` with `total: 0`) makes the instance
*undetermined* with "division by zero: total is 0", since the figures cannot decide it
(it fails only under --strict). A bounded figure ("at least
871") gives pass, fail or undetermined.

On a table (`value` is the measure; `female` and `sex.female` are codes of `sex`):

      - id: nonneg
        check: value >= 0                  # every cell
      - id: split
        check: total == female + male      # every combination of the other dimensions
        when: {geo: {not: [EU27]}}         # only where geo is not EU27
      - id: status-known                   # every row: `status` is a dimension
        check: status in ["missing", "found alive", "found dead"]
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from missingstats.core import reasons as reasons_
from missingstats.core.errors import InputError, Location, suggest
from missingstats.core.findings import (
    Counts,
    Figure,
    Finding,
    Outcome,
    Relation,
    Status,
    Tally,
    Value,
)
from missingstats.core.results import Note, Results
from missingstats.evaluate.tables import engine as arrays
from missingstats.evaluate.tables import listing, rows
from missingstats.evaluate.tables.engine import Engine, Keyed, cell_value, index_other
from missingstats.evaluate.tables.plan import (
    Plan,
    code_names,
    policy_for,
    resolve,
    source_names,
)
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.tables.spec import TableSpec, parse_when
from missingstats.kinds.base import Instance, Rule, expr_location, instance_limit
from missingstats.language import expr as ex
from missingstats.language import intervals as iv

ID = "check"
KEYS = ("check",)
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


# --- parsing -------------------------------------------------------------------------------


SCHEMAS = {"check": {
    "type": "string",
    "description": "The relation that must hold, e.g. `detained.total <= missing.total`. Names are "
                   "dotted figure paths; + - * /, comparisons, and/or/not, `if A then B`, "
                   "sum/abs/min/max/round. `{g}` placeholders take their values from `for:`.",
}}


def parse(m: sy.Mapping, rule: Rule) -> None:
    rule.instances = expand(m["check"], _bindings(m.get("for")), rule.id)


def _bindings(node: sy.Node | None) -> dict[str, list[sy.Scalar]]:
    if node is None:
        return {}
    m = sy.expect_mapping(node, "'for'")
    out: dict[str, list[sy.Scalar]] = {}
    for key, values in m.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise InputError(f"template variable {str(key)!r} must be a simple name", key.location)
        items = sy.expect_sequence(values, f"'for: {key}'")
        if not items:
            raise InputError(f"'for: {key}' lists no values", values.location)
        out[str(key)] = [sy.expect_string(v, f"a value of {key}") for v in items]
    return out


def expand(check: sy.Node, bindings: dict[str, list[sy.Scalar]], rule_id: str) -> list[Instance]:
    """Bind a template's variables (cartesian product) and parse each instance."""
    text = sy.expect_string(check, "'check'")
    used = PLACEHOLDER.findall(text)
    for var in used:
        if var not in bindings:
            col = text.index("{" + var + "}")
            raise InputError(
                f"placeholder {{{var}}} has no values; list them under 'for: {{{var}: [...]}}'",
                expr_location(text, col + 1),
            )
    unused = [v for v in bindings if v not in used]
    if unused:
        raise InputError(
            f"template variable {unused[0]!r} is not used in the check", text.location
        )
    keys = list(bindings)
    total = math.prod(len(bindings[k]) for k in keys)
    if total > instance_limit():
        raise InputError(
            f"rule {rule_id!r}: the template expands to {total:,} checks; the limit is "
            f"{instance_limit():,}, set --max-instances to allow more", text.location,
        )
    instances: list[Instance] = []
    for combo in itertools.product(*(bindings[k] for k in keys)) if keys else [()]:
        chosen = dict(zip(keys, map(str, combo)))
        source = PLACEHOLDER.sub(lambda mt, bound=chosen: bound[mt.group(1)], str(text))
        try:
            node = ex.parse_check(source)
        except ex.ExprError as err:
            where = expr_location(text, err.column) if not keys else text.location
            bound = f" (with {', '.join(f'{k}={v}' for k, v in chosen.items())})" if keys else ""
            raise InputError(f"rule {rule_id!r}: {err.message}{bound}", where) from None
        instances.append(Instance(ex.to_text(node), node, chosen))
    return instances


# --- the relation a report draws -------------------------------------------------------------

MIRROR = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "==": "==", "!=": "!="}


def _addends(node: ex.Node) -> list[str] | None:
    """Figure names of a plain sum (a, a + b + c, sum(a, b)); None for anything else."""
    if isinstance(node, ex.Name):
        return [node.path]
    if isinstance(node, ex.BinOp) and node.op == "+":
        left, right = _addends(node.left), _addends(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ex.Call) and node.func == "sum":
        out: list[str] = []
        for arg in node.args:
            part = _addends(arg)
            if part is None:
                return None
            out += part
        return out
    return None


def relation_of(node: ex.Node) -> Relation | None:
    """The relation of a check, read once from its parsed form: parts against one whole when
    one side is a single figure and the other a plain sum (`a + b <= t`, `t == sum(a, b)`,
    `t <= a + b`), else its two sides; None when it is not a single comparison."""
    if not isinstance(node, ex.Compare) or len(node.ops) != 1:
        return None
    op = node.ops[0]
    left, right = _addends(node.operands[0]), _addends(node.operands[1])
    if left is None or right is None or op not in ("<=", "<", "==", ">=", ">"):
        return Relation(op)
    if op in (">=", ">") or (op == "==" and len(right) > 1 and len(left) == 1):
        left, right, op = right, left, MIRROR[op]
    if len(right) != 1:
        if len(left) != 1:
            return Relation(op)
        left, right, op = right, left, MIRROR[op]  # total <= a + b: the single term is the whole
    return Relation(op, tuple(left), right[0])


# --- figure sheets and editions --------------------------------------------------------------


def wide_env(cells: pd.DataFrame, editions: list[Any], lo: str = "lo", hi: str = "hi"
             ) -> dict[str, iv.Interval]:
    """name -> Interval over editions (NaN where an edition does not report the name); `lo`
    and `hi` name the columns (`plain_lo`/`plain_hi`: round figures as written)."""
    env: dict[str, iv.Interval] = {}
    if "edition" not in cells.columns:
        for name, a, b in zip(cells["name"], cells[lo], cells[hi]):
            env[name] = iv.Interval(np.array([a], dtype=float), np.array([b], dtype=float))
        return env
    los = cells.pivot(index="edition", columns="name", values=lo).reindex(editions)
    his = cells.pivot(index="edition", columns="name", values=hi).reindex(editions)
    for name in los.columns:
        env[name] = iv.Interval(los[name].to_numpy(float), his[name].to_numpy(float))
    return env


def _value(rec: dict) -> Value | None:
    return Value.of(rec["lo"], rec["hi"], rec.get("qualifier"), rec.get("value"),
                    rec.get("unit") or "count")


def _side(x: iv.Interval, i: int) -> Value | None:
    return Value.of(x.lo[i], x.hi[i])


def _difference(lhs: iv.Interval, rhs: iv.Interval, i: int) -> float | None:
    d = iv.sub(lhs, rhs)
    lo, hi = float(d.lo[i]), float(d.hi[i])
    if np.isnan(lo):
        return None
    if lo == hi:
        return lo
    # Smallest violation: the distance from zero of the whole difference interval.
    return lo if lo > 0 else hi if hi < 0 else 0.0


def decides(node: ex.Node, cells_by_name: dict[str, dict], names: Iterable[str],
            tolerance: iv.Tolerance | None = None):
    """For an undetermined verdict, which bound would decide it (see decide.py)."""
    from missingstats.language.decide import explain

    return explain(node, {n: cells_by_name.get(n) for n in names}, tolerance)


def _figures(names: list[str], recs: list[dict | None]) -> tuple[Figure, ...]:
    return tuple(
        Figure(name, _value(r) if r else None,
               Location(r["file"], int(r["line"]), int(r["column"]))
               if r is not None and r.get("line") is not None else None)
        for name, r in zip(names, recs)
    )


@dataclass
class SheetCells:
    """The figures of one file (a sheet with its sources, or every edition of a series) as
    the interval environments its check rules read."""

    file: str
    editions: list[Any]
    env: dict[str, iv.Interval]
    present: set[str]
    known: set[str]
    by_key: dict[tuple[Any, str], dict]
    rounded: set[str]  # names whose interval is widened by `rounded: implied`
    plain: dict[str, iv.Interval]  # those names as written (built when a rule needs them)
    sources: dict[str, str]  # alias -> file, for messages

    @classmethod
    def of(cls, cells: pd.DataFrame, file: str, known: set[str], editions: list[Any]) -> SheetCells:
        env = wide_env(cells, editions)
        by_key = {(rec.get("edition"), rec["name"]): rec for rec in records(cells)}
        rounded: set[str] = set()
        if "plain_lo" in cells.columns:
            widened = (cells["plain_lo"] != cells["lo"]) | (cells["plain_hi"] != cells["hi"])
            rounded = set(cells.loc[widened.fillna(False).astype(bool), "name"])
        sources = {rec["name"].split(".", 1)[0]: rec["file"] for rec in by_key.values()
                   if rec["file"] != file and "." in rec["name"]}
        return cls(file, editions, env, set(cells["name"]), known, by_key, rounded, {}, sources)

    def plain_env(self, cells: pd.DataFrame) -> dict[str, iv.Interval]:
        if not self.plain:
            self.plain = wide_env(cells, self.editions, "plain_lo", "plain_hi")
        return self.plain

    def environment(self, rule: Rule, names: list[str], node: ex.Node, policy: str
                    ) -> dict[str, iv.Interval]:
        """The figures an instance reads; names the file lacks are not evaluable (a pack's
        vocabulary) or an input error (a typo); under `missing: zero` not reported is 0."""
        if ex.uses_text(node):  # only text can clash: the parser typed the rest
            try:
                ex.infer(node, dict.fromkeys(names, ex.NUMBER), "a figure: figures are numbers")
            except ex.ExprError as err:
                raise InputError(f"rule {rule.id!r}: {err.message}; text values are for records "
                                 "and tables (docs/rules.md)", rule.location) from None
        n = len(self.editions)
        absent = [name for name in names if name not in self.present]
        if not absent and policy != "zero":
            return self.env
        local = dict(self.env)
        for name in absent:
            if name in self.known or rule.generic:
                local[name] = iv.Interval(np.full(n, np.nan), np.full(n, np.nan))
                continue
            head = name.split(".", 1)[0]
            where = f"source {head!r} ({self.sources[head]})" if head in self.sources else self.file
            raise InputError(
                f"rule {rule.id!r} uses {name!r}, which {where} does not report"
                f"{suggest(name, self.present | self.known)}",
                rule.location,
            )
        if policy == "zero":
            for name in names:
                x = local[name]
                local[name] = iv.Interval(np.nan_to_num(x.lo, nan=0.0), np.nan_to_num(x.hi, nan=0.0))
        return local


def evaluate_checks(
    cells: pd.DataFrame,
    rules: list[Rule],
    file: str,
    known: set[str],
    editions: list[Any] | None = None,
    keep_passes: bool = True,
) -> Results:
    """Evaluate every `check` rule over the cells of one file."""
    editions = editions if editions is not None else [None]
    if "edition" not in cells.columns:
        editions = [None]
    ctx = SheetCells.of(cells, file, known, editions)
    out = Results(files=[file])
    for rule in rules:
        if rule.kind != "check":
            continue
        tally = Tally(file, rule.id, rule.severity, rule.description)
        for inst in rule.instances:
            out.findings.extend(_instance(ctx, cells, rule, inst, tally, keep_passes))
        out.tallies.append(tally)
    return out


def _instance(ctx: SheetCells, cells: pd.DataFrame, rule: Rule, inst: Instance, tally: Tally,
              keep_passes: bool) -> list[Finding]:
    """One instance over every edition: counted in `tally`, the findings to list returned."""
    policy = rule.missing or "not-evaluable"
    names = ex.names(inst.node)
    relation = relation_of(inst.node)
    local = ctx.environment(rule, names, inst.node, policy)
    n = len(ctx.editions)
    truth = iv.evaluate(inst.node, local, n, rule.tolerance)
    assert isinstance(truth, iv.Truth)
    status = truth.status(policy)
    undefined = _undefined(inst.node, local, n, names, status)
    as_written = None
    round_names = [nm for nm in names if nm in ctx.rounded]
    if round_names:
        plain = {**local, **{nm: ctx.plain_env(cells)[nm] for nm in round_names}}
        written = iv.evaluate(inst.node, plain, n, rule.tolerance)
        assert isinstance(written, iv.Truth)
        as_written = written.status(policy)
    sides = iv.top_difference(inst.node, local, n)
    found: list[Finding] = []
    for i, edition in enumerate(ctx.editions):
        st = Status(status[i])
        tally.counts.count(st)
        if st == Status.PASS and not keep_passes:
            continue
        recs = [ctx.by_key.get((edition, name)) for name in names]
        finding = Finding(
            rule.id, rule.severity, st, ctx.file, inst.text, _figures(names, recs),
            coordinates={"edition": edition} if edition is not None else None,
            message=rule.message, relation=relation,
        )
        absent = tuple(nm for nm, r in zip(names, recs) if r is None)
        if absent and policy != "not-evaluable" and (policy == "zero" or truth.na[i]):
            finding.reason = reasons_.MissingAs(absent, policy)
        if sides is not None:
            finding.lhs, finding.rhs = _side(sides[0], i), _side(sides[1], i)
            if st in (Status.FAIL, Status.UNDETERMINED):
                finding.difference = _difference(sides[0], sides[1], i)
        if i in undefined:
            finding.reason = undefined[i]
        elif st == Status.UNDETERMINED:
            cell_map = {nm: r for nm, r in zip(names, recs) if r}
            finding.decides = decides(inst.node, cell_map, names, rule.tolerance)
            if as_written is not None and Status(as_written[i]) != st:
                finding.decides = reasons_.DependsOnRounding(
                    tuple((nm, _value(cell_map[nm])) for nm in round_names if nm in cell_map),
                    str(Status(as_written[i])), finding.decides)
        found.append(finding)
    return found


def _undefined(node: ex.Node, env: dict[str, iv.Interval], n: int, names: list[str],
               status: np.ndarray) -> dict[int, reasons_.DivisionByZero]:
    """Rows not evaluable only because a divisor is 0 (every figure is there): they become
    undetermined with the divisor named (see reasons.DivisionByZero), in `status` too."""
    if "/" not in ex.to_text(node):
        return {}
    absent = np.zeros(n, dtype=bool)
    for name in names:
        absent |= env[name].missing
    out: dict[int, reasons_.DivisionByZero] = {}
    for text, zero in iv.zero_divisors(node, env, n):
        for i in np.flatnonzero(zero & ~absent & (status == Status.NOT_EVALUABLE)):
            out.setdefault(int(i), reasons_.DivisionByZero(text))
            status[i] = Status.UNDETERMINED
    return out


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts; several times faster than DataFrame.to_dict for our small frames."""
    cols = list(frame.columns)
    return [dict(zip(cols, row)) for row in zip(*(frame[c].tolist() for c in cols))]


# --- tables ----------------------------------------------------------------------------------


@dataclass
class CellCheckPlan(Plan):
    """A check evaluated per cell: names are the measure of one table."""

    instance: Instance = None  # type: ignore[assignment]
    policy: str = "not-evaluable"  # an empty value (a cell check has no absent cells)
    when: list = field(default_factory=list)  # spec.Filter list: the cells it applies to
    constants: dict[str, Figure] = field(default_factory=dict)  # figures of the spec's sources


@dataclass
class PivotCheckPlan(Plan):
    """A check over codes of one dimension, per combination of the other dimensions."""

    instance: Instance = None  # type: ignore[assignment]
    dimension: str = ""
    names: dict[str, str] = field(default_factory=dict)  # name in the expression -> code
    policy: str = "not-evaluable"  # absent cells (and empty ones when `empty` is "")
    empty: str = ""  # empty cells: not-evaluable | zero | fail ("": as policy)
    when: list = field(default_factory=list)  # spec.Filter list: the instances it applies to
    constants: dict[str, Figure] = field(default_factory=dict)


@dataclass
class RowCheckPlan(Plan):
    """A check per input row over its columns: code columns as text (`status == "found
    dead"`), the measure as a number; one instance per row of the table."""

    instance: Instance = None  # type: ignore[assignment]
    columns: dict[str, str] = field(default_factory=dict)  # name in the expression -> dimension
    measures: list[str] = field(default_factory=list)  # names that mean the measure
    policy: str = "not-evaluable"
    constants: dict[str, Figure] = field(default_factory=dict)


def compile(spec: TableSpec, rule: Rule) -> list[Plan]:
    plans: list[Plan] = []
    when = parse_when(rule.when, spec, rule.id) if rule.when is not None else []
    for inst in rule.instances:
        plans.extend(_compile_instance(spec, rule, inst, when))
    return plans


def _compile_instance(spec: TableSpec, rule: Rule, inst: Instance, when: list) -> list[Plan]:
    """The plans of one instance: on its pinned table, else on every table it fits."""
    names = ex.names(inst.node)
    constants = {n: spec.sources[n] for n in source_names(spec, rule, names)}
    names = [n for n in names if n not in constants]
    if not names:
        raise InputError(f"rule {rule.id!r} reads only figures of sources; check it in a sheet "
                         "that names them", rule.location)
    pinned = {n.split(".", 1)[0] for n in names if n.split(".", 1)[0] in spec.tables}
    if len(pinned) > 1:
        raise InputError(
            f"rule {rule.id!r}: a check compares cells of one table; to compare tables use a "
            "'group' rule", rule.location,
        )
    types = ex.infer(inst.node)
    plans: list[Plan] = []
    why: list[str] = []
    for table in list(pinned) or list(spec.tables):
        local = {n: (n.split(".", 1)[1] if pinned else n) for n in names}
        resolved = {n: _resolve(spec, table, local[n], types.get(n)) for n in names}
        bad = [r for r in resolved.values() if isinstance(r, str)]
        got = bad[0] if bad else _plan(spec, rule, inst, table, resolved, constants, when)
        if isinstance(got, str):
            why.append(got)
        else:
            plans.append(got)
    if not plans:
        raise InputError(f"rule {rule.id!r}: {why[0] if why else 'no table'}", rule.location)
    return plans


def _resolve(spec: TableSpec, table: str, name: str, typed: str | None):
    """As plan.resolve, plus a dimension's name for its column: ('column', dim, None) (a code
    of the same name wins unless the rule reads it as text)."""
    t = spec.tables[table]
    if name in t.all_dimensions and (typed == ex.TEXT or name not in code_names(spec, table)):
        return ("column", name, None)
    return resolve(spec, table, name)


def _plan(spec: TableSpec, rule: Rule, inst: Instance, table: str, resolved: dict[str, tuple],
          constants: dict[str, Figure], when: list) -> Plan | str:
    """The plan for one table, or why the instance does not fit it."""
    kinds = {r[0] for r in resolved.values()}
    dims = {r[1] for r in resolved.values() if r[0] == "code"}
    seed = {n: ex.TEXT if r[0] == "column" else ex.NUMBER for n, r in resolved.items()}
    try:
        ex.infer(inst.node, {**seed, **dict.fromkeys(constants, ex.NUMBER)},
                 "in the table: code columns are text, counts are numbers")
    except ex.ExprError as err:
        hint = "; write codes in quotes, e.g. year == \"2020\"" if "is text" in err.message else ""
        return err.message + hint
    policy = policy_for(spec, rule)
    empty = "" if rule.missing else (spec.empty_cells if spec.empty_cells != spec.missing_cells
                                      else "")
    if kinds == {"measure"}:  # every cell is present: only an empty value can be missing
        return CellCheckPlan(rule, [table], instance=inst, when=when, constants=constants,
                             policy=rule.missing or spec.empty_cells)
    if kinds == {"code"} and len(dims) == 1:
        return PivotCheckPlan(rule, [table], instance=inst, dimension=dims.pop(),
                              names={n: r[2] for n, r in resolved.items()}, policy=policy,
                              empty=empty, when=when, constants=constants)
    if "column" in kinds and kinds <= {"column", "measure"}:
        if when:
            return "'when:' applies to checks on the measure or on codes, not to row rules"
        t = spec.tables[table]
        wide = set(t.wide.dimensions) if t.wide is not None else set()
        if wide and ("measure" in kinds or {r[1] for r in resolved.values()} & wide):
            return (f"table {table!r} is wide: a row rule reads its code columns only, not its "
                    "counts or the wide dimension")
        return RowCheckPlan(rule, [table], instance=inst, policy=policy, constants=constants,
                            columns={n: r[1] for n, r in resolved.items() if r[0] == "column"},
                            measures=[n for n, r in resolved.items() if r[0] == "measure"])
    return ("a check uses the measure (per cell), codes of one dimension (per combination of "
            "the others), or a row's columns (per row), not a mix")


def run(engine: Engine, plan: Plan, cap: int) -> Outcome:
    if isinstance(plan, PivotCheckPlan):
        return run_pivot(engine, plan, cap)
    if isinstance(plan, RowCheckPlan):
        return run_rows(engine, plan, cap)
    return run_cells(engine, plan, cap)


BLOCK = 1 << 20  # cells evaluated at a time: temporaries stay in cache-friendly sizes


def _finding(plan: Plan, status: Status, figures: tuple[Figure, ...], coords: dict,
             sides: tuple, reason: Any = None, flagged: bool = False) -> Finding:
    lhs, rhs, diff = sides
    rule = plan.rule
    severity = rule.severity
    if reason is None and flagged and status == Status.FAIL:
        severity = "warning" if severity == "error" else severity
        reason = reasons_.Flagged(tuple((f.name, f.flag) for f in figures if f.flag), severity)
    return Finding(
        rule.id, severity, status, "", plan.instance.text, figures, lhs, rhs,
        diff if status == Status.FAIL else None, coords, rule.message, reason,
        relation=relation_of(plan.instance.node),
    )


def _sides_of(node: ex.Node, env: dict[str, iv.Interval], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Left and right side of every row (the lower ends; NaN where not exact)."""
    got = iv.top_difference(node, env, n)
    if got is None:
        return np.full(n, np.nan), np.full(n, np.nan)
    left, right = got
    return (np.where(left.lo == left.hi, left.lo, np.nan),
            np.where(right.lo == right.hi, right.lo, np.nan))


def run_cells(engine: Engine, plan: CellCheckPlan, cap: int) -> Outcome:
    from missingstats.evaluate.tables import marks  # tables only: sheets start faster
    from missingstats.evaluate.tables.failures import FailingSet

    (name,) = plan.tables
    kt = engine.keyed(name)
    node = plan.instance.node
    names = [nm for nm in ex.names(node) if nm not in plan.constants]
    sel = None
    if plan.when:
        keep = marks.when_mask(engine, kt, plan.when, lambda d: kt.codes[d])
        sel = None if keep is None else np.flatnonzero(keep)
    raw = kt.value if sel is None else kt.value[sel]
    n = len(raw)
    masks = {s: np.zeros(n, dtype=bool) for s in Status}
    for start in range(0, n, BLOCK):  # a loop over blocks of a million cells
        part = raw[start:start + BLOCK]
        env = listing.environment({nm: part for nm in names}, plan.policy)
        env.update(rows.constants(plan.constants, len(part)))
        truth = iv.evaluate(node, env, len(part), plan.rule.tolerance)
        assert isinstance(truth, iv.Truth)
        for status, got in truth.masks(plan.policy).items():
            masks[status][start:start + len(part)] = got
    conf, soft = marks.flag_masks(kt, sel)
    marks.confidential(masks, conf)
    out = Outcome(Counts.of_masks(masks))
    flagged = None if soft is None else masks[Status.FAIL] & soft
    out.counts.flagged = 0 if flagged is None else int(flagged.sum())
    measure = kt.table.measure

    def pos(i):
        return i if sel is None else sel[i]

    def build(i: int, status: Status) -> Finding:
        p = int(pos(i))
        env = listing.environment({nm: raw[i:i + 1] for nm in names}, plan.policy)
        env.update(rows.constants(plan.constants, 1))
        coords = kt.coordinates(int(kt.cell[p]), engine.book, engine.table_coord(name))
        figures = (Figure(measure, cell_value(raw[i]), kt.locate(p), flag=kt.flag_text(p)),
                   *plan.constants.values())
        reason = reasons_.Confidential((measure,)) if conf is not None and conf[i] else None
        return _finding(plan, status, figures, coords, listing.sides(node, env), reason,
                        bool(flagged is not None and flagged[i]))

    out.findings = listing.listed(masks, cap, build, marks.listed_statuses(engine))
    failing = np.flatnonzero(masks[Status.FAIL])
    if len(failing):
        env = listing.environment({nm: raw[failing] for nm in names}, plan.policy)
        env.update(rows.constants(plan.constants, len(failing)))
        left, right = _sides_of(node, env, len(failing))
        out.failing.append(FailingSet(plan.rule.id, plan.rule.severity, name,
                                      kt.cell[pos(failing)], left, right,
                                      None if flagged is None else flagged[failing]))
    return out


def run_rows(engine: Engine, plan: RowCheckPlan, cap: int) -> Outcome:
    """One instance per input row, evaluated a block of rows at a time."""
    (name,) = plan.tables
    table = engine.tables[name]
    node = plan.instance.node
    cells = rows.row_cells(table)
    out = Outcome()
    found: dict[Status, list[np.ndarray]] = {s: [] for s in listing.LISTED}

    def env_of(at: np.ndarray) -> dict:
        env: dict = {n: rows.text(table, d, engine.book, at) for n, d in plan.columns.items()}
        env.update(listing.environment(dict.fromkeys(plan.measures, table.value[at]), plan.policy))
        env.update(rows.constants(plan.constants, len(at)))
        return env

    for start in range(0, len(cells), BLOCK):  # a loop over blocks of a million rows
        part = cells[start:start + BLOCK]
        truth = iv.evaluate(node, env_of(part), len(part), plan.rule.tolerance)
        assert isinstance(truth, iv.Truth)
        masks = truth.masks(plan.policy)
        out.counts.add(Counts.of_masks(masks))
        for status, got in found.items():
            if sum(len(g) for g in got) < cap:
                got.append(part[np.flatnonzero(masks[status])[:cap]])
    for status, got in found.items():
        for cell in (np.concatenate(got) if got else [])[: max(cap - len(out.findings), 0)]:
            out.findings.append(_row_finding(engine, plan, table, int(cell), status, env_of))
    return out


def _row_finding(engine: Engine, plan: RowCheckPlan, table, cell: int, status: Status,
                 env_of) -> Finding:
    """A listed row: its columns (text, at their cells), its count and the sources' figures."""
    book = engine.book
    env = env_of(np.array([cell]))
    figures: list[Figure] = []
    absent: list[str] = []
    for n, d in plan.columns.items():
        code = int(env[n].codes[0])
        figures.append(Figure(n, env[n].categories[code] if code >= 0 else None,
                              table.locate_dim(cell, d)))
        if code < 0:
            absent.append(n)
    for n in plan.measures:
        figures.append(Figure(n, cell_value(table.value[cell]), table.locate(cell)))
        if np.isnan(table.value[cell]):
            absent.append(n)
    figures.extend(plan.constants.values())
    coords = {d: book.label(d, int(table.codes[d][cell])) for d in table.dims}
    coords.update(engine.table_coord(table.name))
    reason = None
    if status == Status.NOT_EVALUABLE:
        reason = reasons_.NotAvailable(tuple(dict.fromkeys(absent)))
    elif absent and plan.policy != "not-evaluable":
        reason = reasons_.MissingAs(tuple(dict.fromkeys(absent)), plan.policy)
    return _finding(plan, status, tuple(figures), coords,
                    listing.sides(plan.instance.node, env), reason)


def _pivot_cells(engine: Engine, kt: Keyed, plan: PivotCheckPlan):
    """Per instance (combination of the other dimensions) and code: the cell's position
    (-1: absent). Returns (ids, positions per code, instance keys)."""
    dim = plan.dimension
    codes = list(dict.fromkeys(plan.names.values()))
    ids = np.array([engine.code_id(plan.rule, dim, c) for c in codes], dtype=np.int64)
    stride = kt.strides[dim]
    lookup = np.full(kt.radix[dim], -1, dtype=np.int64)
    lookup[ids] = np.arange(len(ids))
    which = lookup[kt.codes[dim]]
    pos = np.flatnonzero(which >= 0)
    which = which[pos]
    okey = kt.cell[pos] - kt.codes[dim][pos].astype(np.int64) * stride
    kp, size, o_key = index_other(okey, kt, dim, arrays.dense_limit(len(kt)))
    del okey
    present = np.zeros(size, dtype=bool)
    present[kp] = True
    sel = np.flatnonzero(present)
    del present
    at: dict[str, np.ndarray] = {}
    for j, code in enumerate(codes):  # a loop over the rule's few codes
        where = np.full(size, -1, dtype=np.int64)
        m = which == j
        where[kp[m]] = pos[m]
        at[code] = where[sel]
    return ids, at, o_key(sel)


def run_pivot(engine: Engine, plan: PivotCheckPlan, cap: int) -> Outcome:
    from missingstats.evaluate.tables import marks
    from missingstats.evaluate.tables.failures import FailingSet

    (name,) = plan.tables
    kt = engine.keyed(name)
    dim = plan.dimension
    node = plan.instance.node
    ids, at, keys = _pivot_cells(engine, kt, plan)
    out = Outcome()
    for code, where in at.items():
        if not (where >= 0).any():
            out.notes.append(Note(plan.rule.location, reasons_.CodeNotPublished(
                plan.rule.id, dim, code, name)))
    if plan.when:
        keep = marks.when_mask(engine, kt, plan.when, lambda d: None if d == dim else
                               (keys // kt.strides[d]) % kt.radix[d])
        if keep is not None:
            at = {c: w[keep] for c, w in at.items()}
            keys = keys[keep]
    empty_policy = plan.empty or plan.policy
    raw, absent, empty = {}, None, None
    for n_, code in plan.names.items():
        where = at[code]
        v = np.where(where >= 0, kt.value[np.maximum(where, 0)], np.nan) if len(where) else np.empty(0)
        gone, blank = where < 0, (where >= 0) & np.isnan(v)
        v = np.where(gone & (plan.policy == "zero"), 0.0, v)
        raw[n_] = np.where(blank & (empty_policy == "zero"), 0.0, v)
        absent = gone if absent is None else absent | gone
        empty = blank if empty is None else empty | blank
    env = listing.environment(raw, "not-evaluable")
    env.update(rows.constants(plan.constants, len(keys)))
    truth = iv.evaluate(node, env, len(keys), plan.rule.tolerance)
    assert isinstance(truth, iv.Truth)
    masks = truth.masks("not-evaluable")
    marks.missing_policy(masks, absent, empty, plan.policy, empty_policy)
    conf = soft = None
    for where in at.values():  # a loop over the rule's few codes
        c, s_ = marks.flag_masks(kt, np.maximum(where, 0))
        if c is not None:
            conf = (c & (where >= 0)) if conf is None else conf | (c & (where >= 0))
        if s_ is not None:
            soft = (s_ & (where >= 0)) if soft is None else soft | (s_ & (where >= 0))
    marks.confidential(masks, conf)
    out.counts = Counts.of_masks(masks)
    flagged = None if soft is None else masks[Status.FAIL] & soft
    out.counts.flagged = 0 if flagged is None else int(flagged.sum())

    def build(i: int, status: Status) -> Finding:
        coords = kt.coordinates(int(keys[i]), engine.book, engine.table_coord(name))
        coords.pop(dim, None)
        absent_names = tuple(n_ for n_, c in plan.names.items() if at[c][i] < 0)
        reason = None
        if conf is not None and conf[i]:
            reason = reasons_.Confidential(tuple(
                n_ for n_, c in plan.names.items() if at[c][i] >= 0 and _conf_cell(kt, at[c][i])))
        elif status == Status.NOT_EVALUABLE or (status == Status.FAIL and (
                absent_names or empty[i]) and "fail" in (plan.policy, empty_policy)):
            reason = reasons_.NotReported(absent_names) if absent_names else reasons_.NotAvailable()
        figures = tuple(
            Figure(n_, cell_value(raw[n_][i]), kt.locate(int(at[c][i])) if at[c][i] >= 0 else None,
                   flag=kt.flag_text(int(at[c][i])) if at[c][i] >= 0 else None)
            for n_, c in plan.names.items()
        ) + tuple(plan.constants.values())
        return _finding(plan, status, figures, coords, listing.sides(node, listing.row(env, i)),
                        reason, bool(flagged is not None and flagged[i]))

    out.findings = listing.listed(masks, cap, build, marks.listed_statuses(engine))
    failing = np.flatnonzero(masks[Status.FAIL])
    if len(failing):
        left, right = _sides_of(node, {k: iv.Interval(e.lo[failing], e.hi[failing])
                                       for k, e in env.items()}, len(failing))
        out.failing.append(FailingSet(plan.rule.id, plan.rule.severity, name, keys[failing],
                                      left, right, None if flagged is None else flagged[failing],
                                      dropped=dim))
    return out


def _conf_cell(kt: Keyed, pos: int) -> bool:
    from missingstats.evaluate.tables import marks

    conf, _ = marks.flag_masks(kt, np.array([pos]))
    return bool(conf is not None and conf[0])
