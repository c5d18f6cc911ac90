"""check: a relation between figures, written in the expression language.

On a figure sheet a check is one instance (a `for:` template expands it to one instance
per choice of its variables); in an editions file, one per edition. On a table, a check
that names the measure holds for every cell, one that names codes of one dimension holds
for every combination of the other dimensions, and one that names the table's dimensions
holds for every input row, reading its codes as text. The language (dotted names,
arithmetic, comparisons and chains, `and`/`or`/`not`, `if ... then`, `sum`, `abs`, `min`,
`max`, `round`; text in quotes, `in [...]`, `is missing`) is described in
[rules.md](rules.md#the-expression-language). Figures of the file's `sources:` are names
too (`letter2020.missing.total`, [sources.md](sources.md)).

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
(exit 2) with a suggestion ("did you mean 'civilians'?"). A bounded figure ("at least
871") gives pass, fail or undetermined.

On a table (`value` is the measure; `female` and `sex.female` are codes of `sex`):

      - id: nonneg
        check: value >= 0                  # every cell
      - id: split
        check: total == female + male      # every combination of the other dimensions
      - id: status-known                   # every row: `status` is a dimension
        check: status in ["missing", "found alive", "found dead"]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location, suggest
from missingstats.core.findings import Counts, Figure, Finding, Outcome, Status, Tally, Value
from missingstats.core.results import Results
from missingstats.evaluate.tables import engine as arrays
from missingstats.evaluate.tables import listing, rows
from missingstats.evaluate.tables.engine import Engine, cell_value, index_other
from missingstats.evaluate.tables.plan import Plan, code_names, policy_for, resolve, source_names
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.tables.spec import TableSpec
from missingstats.kinds.base import Instance, Rule, expr_location
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
    local = ctx.environment(rule, names, inst.node, policy)
    n = len(ctx.editions)
    truth = iv.evaluate(inst.node, local, n, rule.tolerance)
    assert isinstance(truth, iv.Truth)
    status = truth.status(policy)
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
            message=rule.message,
        )
        absent = tuple(nm for nm, r in zip(names, recs) if r is None)
        if absent and policy != "not-evaluable" and (policy == "zero" or truth.na[i]):
            finding.reason = reasons.MissingAs(absent, policy)
        if sides is not None:
            finding.lhs, finding.rhs = _side(sides[0], i), _side(sides[1], i)
            if st in (Status.FAIL, Status.UNDETERMINED):
                finding.difference = _difference(sides[0], sides[1], i)
        if st == Status.UNDETERMINED:
            cell_map = {nm: r for nm, r in zip(names, recs) if r}
            finding.decides = decides(inst.node, cell_map, names, rule.tolerance)
            if as_written is not None and Status(as_written[i]) != st:
                finding.decides = reasons.DependsOnRounding(
                    tuple((nm, _value(cell_map[nm])) for nm in round_names if nm in cell_map),
                    str(Status(as_written[i])), finding.decides)
        found.append(finding)
    return found


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts; several times faster than DataFrame.to_dict for our small frames."""
    cols = list(frame.columns)
    return [dict(zip(cols, row)) for row in zip(*(frame[c].tolist() for c in cols))]


# --- tables ----------------------------------------------------------------------------------


@dataclass
class CellCheckPlan(Plan):
    """A check evaluated per cell: names are the measure of one table."""

    instance: Instance = None  # type: ignore[assignment]
    policy: str = "not-evaluable"
    constants: dict[str, Figure] = field(default_factory=dict)  # figures of the spec's sources


@dataclass
class PivotCheckPlan(Plan):
    """A check over codes of one dimension, per combination of the other dimensions."""

    instance: Instance = None  # type: ignore[assignment]
    dimension: str = ""
    names: dict[str, str] = field(default_factory=dict)  # name in the expression -> code
    policy: str = "not-evaluable"
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
    for inst in rule.instances:
        plans.extend(_compile_instance(spec, rule, inst))
    return plans


def _compile_instance(spec: TableSpec, rule: Rule, inst: Instance) -> list[Plan]:
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
        got = bad[0] if bad else _plan(spec, rule, inst, table, resolved, constants)
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
          constants: dict[str, Figure]) -> Plan | str:
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
    if kinds == {"measure"}:
        return CellCheckPlan(rule, [table], instance=inst, policy=policy, constants=constants)
    if kinds == {"code"} and len(dims) == 1:
        return PivotCheckPlan(rule, [table], instance=inst, dimension=dims.pop(),
                              names={n: r[2] for n, r in resolved.items()}, policy=policy,
                              constants=constants)
    if "column" in kinds and kinds <= {"column", "measure"}:
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
             sides: tuple, reason: Any = None) -> Finding:
    lhs, rhs, diff = sides
    rule = plan.rule
    return Finding(
        rule.id, rule.severity, status, "", plan.instance.text, figures, lhs, rhs,
        diff if status == Status.FAIL else None, coords, rule.message, reason,
    )


def run_cells(engine: Engine, plan: CellCheckPlan, cap: int) -> Outcome:
    (name,) = plan.tables
    kt = engine.keyed(name)
    node = plan.instance.node
    names = [n for n in ex.names(node) if n not in plan.constants]
    raw = kt.value
    out = Outcome()
    found: dict[Status, list[np.ndarray]] = {s: [] for s in listing.LISTED}
    for start in range(0, len(raw), BLOCK):  # a loop over blocks of a million cells
        part = raw[start:start + BLOCK]
        env = listing.environment({n: part for n in names}, plan.policy)
        env.update(rows.constants(plan.constants, len(part)))
        truth = iv.evaluate(node, env, len(part), plan.rule.tolerance)
        assert isinstance(truth, iv.Truth)
        masks = truth.masks(plan.policy)
        out.counts.add(Counts.of_masks(masks))
        for status, got in found.items():
            if sum(len(g) for g in got) < cap:
                got.append(np.flatnonzero(masks[status])[:cap] + start)
    measure = kt.table.measure
    for status, got in found.items():
        for i in (np.concatenate(got) if got else [])[: max(cap - len(out.findings), 0)]:
            i = int(i)
            env = listing.environment({n: raw[i:i + 1] for n in names}, plan.policy)
            env.update(rows.constants(plan.constants, 1))
            coords = kt.coordinates(int(kt.cell[i]), engine.book, engine.table_coord(name))
            figures = (Figure(measure, cell_value(raw[i]), kt.locate(i)),
                       *plan.constants.values())
            out.findings.append(_finding(plan, status, figures, coords, listing.sides(node, env)))
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
        reason = reasons.NotAvailable(tuple(dict.fromkeys(absent)))
    elif absent and plan.policy != "not-evaluable":
        reason = reasons.MissingAs(tuple(dict.fromkeys(absent)), plan.policy)
    return _finding(plan, status, tuple(figures), coords,
                    listing.sides(plan.instance.node, env), reason)


def run_pivot(engine: Engine, plan: PivotCheckPlan, cap: int) -> Outcome:
    (name,) = plan.tables
    kt = engine.keyed(name)
    dim = plan.dimension
    node = plan.instance.node
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
    by_code: dict[str, np.ndarray] = {}
    for j, code in enumerate(codes):  # a loop over the rule's few codes
        arr = np.full(size, np.nan)
        m = which == j
        arr[kp[m]] = kt.value[pos[m]]
        by_code[code] = arr[sel]
    keys = o_key(sel)
    raw = {n: by_code[c] for n, c in plan.names.items()}
    env = listing.environment(raw, plan.policy)
    env.update(rows.constants(plan.constants, len(sel)))
    truth = iv.evaluate(node, env, len(sel), plan.rule.tolerance)
    assert isinstance(truth, iv.Truth)
    masks = truth.masks(plan.policy)
    out = Outcome(Counts.of_masks(masks))

    def build(i: int, status: Status) -> Finding:
        key = int(keys[i])
        found = kt.find(np.array([key + int(x) * stride for x in ids], dtype=np.int64))
        where = dict(zip(codes, found))
        coords = kt.coordinates(key, engine.book, engine.table_coord(name))
        coords.pop(dim, None)
        absent = tuple(n for n, c in plan.names.items() if where[c] < 0)
        reason = None
        if status == Status.NOT_EVALUABLE:
            reason = reasons.NotReported(absent) if absent else reasons.NotAvailable()
        figures = tuple(
            Figure(n, cell_value(raw[n][i]), kt.locate(int(where[c])) if where[c] >= 0 else None)
            for n, c in plan.names.items()
        ) + tuple(plan.constants.values())
        return _finding(plan, status, figures, coords, listing.sides(node, listing.row(env, i)),
                        reason)

    out.findings = listing.listed(masks, cap, build)
    return out
