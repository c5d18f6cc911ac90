"""`explain` for tables: one localisation per failing record or cell group.

A record is what one set of rules speaks about at once:

- in a table spec, the cells of one dimension's codes for one combination of the other
  dimensions (a row of a wide table: total, female, male of one district and year), with
  the spec's pivot checks on that dimension (`Total == Female + Male`), its hierarchy
  (`total == female + male`, "sum <=" and "<=" relations too) and its per-cell checks
  (`value >= 0`, applied to each code). Group rules across tables are not localised.
- with `--records CSV`: each row, its columns named like the figures of a rules file.

The rules are compiled once per record layout; which records fail is found by one
vectorised interval evaluation over all of them, and only failing records reach the solver.
An absent or not-available cell is an unknown the solver may set (it never counts as a
change); under `missing_cells: zero` it is 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from missingstats.analysis import localize as lz
from missingstats.core.errors import InputError, Location
from missingstats.language import expr as ex
from missingstats.language import intervals as iv
from missingstats.language import partial

MAX_LISTED = 10_000  # records listed in a report (counts stay exact)


@dataclass
class RecordGroup:
    """Records sharing a layout: figure names, checks, and a values matrix (records x
    figures, NaN = absent), with how to name a record and locate a cell."""

    label: str
    names: list[str]
    checks: list[lz.Check]
    values: np.ndarray
    coords: Callable[[int], dict]
    locate: Callable[[int, int], Location | None]
    zero_missing: bool = False
    figures: list[lz.FigureVar] | None = None  # how the solver sees each (default: counts)


@dataclass
class RecordExplanation:
    """One failing record: its localisation (file = its group's label), where it is, and for
    a suspect cell that is a suspect in records of another layout too, those records."""

    explanation: lz.Explanation
    coordinates: dict[str, Any]
    group: str
    also: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    text: TextFailure | None = None  # --records: checks its text makes false


@dataclass
class TextFailure:
    """Checks a record's text values make false whatever its numbers are: reported, never
    "fixed" (explain changes numbers, not text)."""

    failing: list[lz.Check]
    values: dict[str, str | None]  # the text columns those checks read, as written
    locations: dict[str, Location]


@dataclass(frozen=True)
class NotLocalised:
    """A rule explain leaves out, and why: across tables, reading a source's figures, or
    on a row's columns."""

    rule: str
    why: str  # "across tables" | "sources" | "row rule"


@dataclass
class RecordsExplanation:
    """`explain` of a table spec (unit "group") or of --records (unit "record")."""

    file: str
    unit: str
    severities: tuple[str, ...]
    checked: int
    failing: int
    seconds: float
    records: list[RecordExplanation]
    not_localised: list[NotLocalised] = field(default_factory=list)

    @property
    def localised(self) -> int:
        return sum(r.explanation.result.status == "localised" for r in self.records)

    @property
    def cut(self) -> int:
        """Failing records not listed (MAX_LISTED); the counts stay exact."""
        return max(0, self.failing - len(self.records))

    @property
    def consistent(self) -> bool:
        return all(r.explanation.consistent for r in self.records)


def localise_group(group: RecordGroup, severities: tuple[str, ...], max_sets: int,
                   listed: int = MAX_LISTED) -> tuple[list[RecordExplanation], int, int]:
    """(failing records localised, records checked, records failing)."""
    values = group.values
    n, p = values.shape
    finite = values[np.isfinite(values)]
    consts = [abs(x.value) for c in group.checks for x in lz._nums(c.node)]
    row_sum = float(np.nansum(np.abs(values), axis=1).max()) if n else 0.0
    biggest = max(float(np.abs(finite).max()) if finite.size else 0.0, max(consts, default=0.0), 1.0)
    box = row_sum + 10.0 * biggest
    figures = group.figures or [lz.FigureVar(name) for name in group.names]
    problem = lz.Problem(figures, group.checks, [], box, severities)
    absent = np.isnan(values)
    lo = np.where(absent, 0.0, values)
    hi = np.where(absent, 0.0 if group.zero_missing else box, values)
    statuses = problem.statuses(lo, hi, problem.used)
    failing = np.flatnonzero((statuses == "fail").any(axis=0))
    shown = failing[:listed]
    singles = problem.single_changes(lo[shown], hi[shown]) if problem.simple else None
    out: list[RecordExplanation] = []
    for r, i in enumerate(shown):
        stated = [None if absent[i, j] else float(values[i, j]) for j in range(p)]
        one = (singles[0][r], singles[1][r]) if singles is not None else None
        result = lz.localize(problem, lo[i], hi[i], stated, max_sets=max_sets, singles=one)
        index = {name: j for j, name in enumerate(group.names)}
        for s in result.suspects:
            s.location = group.locate(int(i), index[s.figure])
            if absent[i, index[s.figure]]:
                s.reported = None
        out.append(RecordExplanation(problem.explanation(group.label, result),
                                     group.coords(int(i)), group.label))
    return out, n, len(failing)


def _explain(file: str, unit: str, groups: list[RecordGroup], severities: tuple[str, ...],
             max_sets: int, not_localised: list[NotLocalised]) -> RecordsExplanation:
    start = time.perf_counter()
    records: list[RecordExplanation] = []
    checked = failing = 0
    for g in groups:
        got, n, f = localise_group(g, severities, max_sets, MAX_LISTED - len(records))
        records += got
        checked += n
        failing += f
    _cross_evidence(records)
    seconds = time.perf_counter() - start
    return RecordsExplanation(file, unit, severities, checked, failing, seconds, records,
                              not_localised)


def _cell(loc: Location | None) -> tuple | None:
    if loc is None:
        return None
    return (loc.file, loc.line, loc.column, loc.cell)


def _cross_evidence(records: list[RecordExplanation]) -> None:
    """A cell that is a suspect in failing records of two layouts (the sex breakdown of a
    district and the district breakdown of a sex) explains both: its sets go first."""
    seen: dict[tuple, list[RecordExplanation]] = {}
    for rec in records:
        for s in rec.explanation.result.suspects:
            key = _cell(s.location)
            if key is not None:
                seen.setdefault(key, []).append(rec)
    groups_of = {k: v for k, v in seen.items() if len({r.group for r in v}) > 1}
    if not groups_of:
        return
    for rec in records:
        result = rec.explanation.result
        here = tuple(rec.coordinates.items())
        for s in result.suspects:
            key = _cell(s.location)
            if key in groups_of:
                rec.also[s.figure] = [r.coordinates for r in groups_of[key]
                                      if tuple(r.coordinates.items()) != here]

        def shared(cs: lz.ChangeSet, also=rec.also) -> int:
            return -sum(1 for f in cs.figures if f in also)

        result.sets.sort(key=shared)
        order = {f: i for i, f in enumerate(f for cs in result.sets for f in cs.figures)}
        result.suspects.sort(key=lambda s: order.get(s.figure, len(order)))


# --- table specs -----------------------------------------------------------------------


@dataclass
class _Options:
    rules: str | None
    implied: bool = True


def _rename(node: ex.Node, names: dict[str, str]) -> ex.Node:
    from missingstats.evaluate.tables.plan import map_children

    if isinstance(node, ex.Name):
        return ex.Name(names.get(node.path, node.path), node.col)
    return map_children(node, lambda c: _rename(c, names))


def _sum(codes: list[str]) -> ex.Node:
    out: ex.Node = ex.Name(codes[0], 1)
    for c in codes[1:]:
        out = ex.BinOp("+", out, ex.Name(c, 1), 1)
    return out


def _hierarchy_checks(rule, hierarchy, relation: str) -> list[lz.Check]:
    kids: dict[str, list[str]] = {}
    for parent, child in hierarchy.edges:
        kids.setdefault(parent, []).append(child)
    out = []
    for parent, children in kids.items():
        total = ex.Name(parent, 1)
        if relation == "==":
            nodes = [ex.Compare(("==",), (total, _sum(children)), 1)]
        elif relation == "sum <=":
            nodes = [ex.Compare(("<=",), (_sum(children), total), 1)]
        else:
            nodes = [ex.Compare(("<=",), (ex.Name(c, 1), total), 1) for c in children]
        for node in nodes:
            out.append(lz.Check(rule.id, ex.to_text(node), node, rule.tolerance, rule.severity))
    return out


def explain_table_spec(path: str, rules_path: str | None, severities: tuple[str, ...],
                       max_sets: int, implied: bool = True) -> RecordsExplanation:
    from missingstats.evaluate.tables.engine import Engine, compact
    from missingstats.evaluate.tables.run import load_tables, prepare
    from missingstats.inputs import yamlnodes as sy
    from missingstats.inputs.tables.model import CodeBook
    from missingstats.kinds.check import CellCheckPlan, PivotCheckPlan, RowCheckPlan
    from missingstats.kinds.group import GroupPlan
    from missingstats.kinds.hierarchy import HierarchyPlan

    top = sy.expect_mapping(sy.load(path), "a table spec")
    spec, rules, plans = prepare(path, top, _Options(rules_path, implied))
    layouts: dict[tuple[str, str], list[lz.Check]] = {}
    cell_checks: dict[str, list] = {}
    skipped: list[NotLocalised] = []
    for plan in plans:
        if getattr(plan, "constants", None):
            skipped.append(NotLocalised(plan.rule.id, "sources"))
        elif isinstance(plan, RowCheckPlan):
            skipped.append(NotLocalised(plan.rule.id, "row rule"))
        elif isinstance(plan, PivotCheckPlan):
            node = _rename(plan.instance.node, plan.names)
            layouts.setdefault((plan.tables[0], plan.dimension), []).append(lz.Check(
                plan.rule.id, plan.instance.text, node, plan.rule.tolerance, plan.rule.severity))
        elif isinstance(plan, HierarchyPlan):
            h = spec.hierarchies[plan.dimension]
            for table in plan.tables:
                layouts.setdefault((table, plan.dimension), []).extend(
                    _hierarchy_checks(plan.rule, h, plan.relation))
        elif isinstance(plan, CellCheckPlan):
            cell_checks.setdefault(plan.tables[0], []).append(plan)
        elif isinstance(plan, GroupPlan):
            skipped.append(NotLocalised(plan.rule.id, "across tables"))
    book = CodeBook(spec.hierarchies)
    tables = load_tables(spec, book)
    engine = Engine(tables, book, spec)
    groups: list[RecordGroup] = []
    zero = spec.missing_cells == "zero"
    by_table: dict[str, dict[str, list[lz.Check]]] = {}
    for (table, dim), checks in layouts.items():
        by_table.setdefault(table, {})[dim] = checks
    for table, dims in by_table.items():
        if len(dims) < 2:
            continue
        joint = _joint_group(path, engine, table, dims, cell_checks.get(table, []), zero)
        if joint is not None:  # one record per block: a cell in two hierarchies, one suspect
            groups.append(joint)
            for dim in dims:
                layouts.pop((table, dim))
    for (table, dim), checks in layouts.items():
        kt = engine.keyed(table)
        codes = list(dict.fromkeys(n for c in checks for n in ex.names(c.node)))
        for plan in cell_checks.get(table, []):  # per-cell checks hold for every code
            measure = kt.table.measure
            for code in codes:
                node = _rename(plan.instance.node, {measure: code})
                checks.append(lz.Check(plan.rule.id, ex.to_text(node), node,
                                       plan.rule.tolerance, plan.rule.severity))
        ids = np.array([book.ids.get(dim, {}).get(c, -1) for c in codes], dtype=np.int64)
        known = ids >= 0
        stride = kt.strides[dim]
        lookup = np.full(kt.radix[dim], -1, dtype=np.int64)
        lookup[ids[known]] = np.flatnonzero(known)
        which = lookup[kt.codes[dim]]
        pos = np.flatnonzero(which >= 0)
        which = which[pos]
        okey = kt.cell[pos] - kt.codes[dim][pos].astype(np.int64) * stride
        uniq, (kp,), size = compact([okey], kt.space, len(kt))
        present = np.zeros(size, dtype=bool)
        present[kp] = True
        sel = np.flatnonzero(present)
        row_of = np.full(size, -1, dtype=np.int64)
        row_of[sel] = np.arange(len(sel))
        values = np.full((len(sel), len(codes)), np.nan)
        where = np.full((len(sel), len(codes)), -1, dtype=np.int64)
        values[row_of[kp], which] = kt.value[pos]
        where[row_of[kp], which] = pos
        keys = sel if uniq is None else uniq[sel]
        extra = engine.table_coord(table)

        def coords(i: int, kt=kt, keys=keys, dim=dim, extra=extra) -> dict:
            out = kt.coordinates(int(keys[i]), book, extra)
            out.pop(dim, None)
            return out

        def locate(i: int, j: int, kt=kt, where=where) -> Location | None:
            at = int(where[i, j])
            return kt.locate(at) if at >= 0 else None

        groups.append(RecordGroup(
            f"{path} ({table}: {dim})", codes, checks, values, coords, locate,
            zero_missing=spec.missing_cells == "zero",
        ))
    if not groups and not skipped:
        raise InputError("no rule of this spec relates cells of one table (a pivot check or a "
                         "hierarchy), so there is nothing to localise", Location(path))
    return _explain(path, "group", groups, severities, max_sets, skipped)


JOINT_LIMIT = 400  # figures of one joint record (code combinations); beyond, one layout at a time


def _joint_group(path: str, engine, table: str, by_dim: dict[str, list[lz.Check]],
                 cell_plans: list, zero: bool) -> RecordGroup | None:
    """One record per combination of the table's other dimensions, holding every cell of
    the dimensions that have hierarchies or pivot checks (geo x sex), with all their checks
    instantiated over each other: the solver then sees that one wrong cell breaks both
    the geo sum at its sex and the sex sum at its geo, and names it once."""
    import itertools

    from missingstats.evaluate.tables.engine import compact

    kt = engine.keyed(table)
    book = engine.book
    dims = [d for d in kt.dims if d in by_dim]  # in the table's order
    codes = {d: list(dict.fromkeys(n for c in by_dim[d] for n in ex.names(c.node))) for d in dims}
    combos = list(itertools.product(*(codes[d] for d in dims)))
    if len(combos) > JOINT_LIMIT or not combos:
        return None

    def name(combo) -> str:
        return ", ".join(f"{d}={c}" for d, c in zip(dims, combo))

    names = [name(c) for c in combos]
    checks: list[lz.Check] = []
    for k, d in enumerate(dims):
        others = [codes[e] for e in dims if e != d]
        for rest in itertools.product(*others):  # per code combination of the other layouts
            mapping = {c: name((*rest[:k], c, *rest[k:])) for c in codes[d]}
            for chk in by_dim[d]:
                node = _rename(chk.node, mapping)
                checks.append(lz.Check(chk.rule, ex.to_text(node), node, chk.tolerance, chk.severity))
    measure = kt.table.measure
    for plan in cell_plans:  # per-cell checks hold for every figure
        for var in names:
            node = _rename(plan.instance.node, {measure: var})
            checks.append(lz.Check(plan.rule.id, ex.to_text(node), node, plan.rule.tolerance,
                                   plan.rule.severity))
    local = np.zeros(len(kt), dtype=np.int64)
    inside = np.ones(len(kt), dtype=bool)
    other = kt.cell.copy()
    for d in dims:  # mixed radix over the layouts' codes; the rest of the key is the record
        ids = np.array([book.ids.get(d, {}).get(c, -1) for c in codes[d]], dtype=np.int64)
        lookup = np.full(kt.radix[d], -1, dtype=np.int64)
        lookup[ids[ids >= 0]] = np.flatnonzero(ids >= 0)
        j = lookup[kt.codes[d]]
        inside &= j >= 0
        local = local * len(codes[d]) + np.maximum(j, 0)
        other -= kt.codes[d].astype(np.int64) * kt.strides[d]
    pos = np.flatnonzero(inside)
    uniq, (kp,), size = compact([other[pos]], kt.space, len(kt))
    present = np.zeros(size, dtype=bool)
    present[kp] = True
    sel = np.flatnonzero(present)
    row_of = np.full(size, -1, dtype=np.int64)
    row_of[sel] = np.arange(len(sel))
    values = np.full((len(sel), len(names)), np.nan)
    where = np.full((len(sel), len(names)), -1, dtype=np.int64)
    values[row_of[kp], local[pos]] = kt.value[pos]
    where[row_of[kp], local[pos]] = pos
    keys = sel if uniq is None else uniq[sel]
    extra = engine.table_coord(table)

    def coords(i: int) -> dict:
        out = kt.coordinates(int(keys[i]), book, extra)
        for d in dims:
            out.pop(d, None)
        return out

    def locate(i: int, j: int) -> Location | None:
        at = int(where[i, j])
        return kt.locate(at) if at >= 0 else None

    return RecordGroup(f"{path} ({table}: {' x '.join(dims)}, jointly)", names, checks, values,
                       coords, locate, zero_missing=zero)


# --- --records CSV ---------------------------------------------------------------------


def explain_records(rules_file: str, csv: str, rules_path: str | None,
                    severities: tuple[str, ...], max_sets: int, implied: bool = True
                    ) -> RecordsExplanation:
    """Each row of `csv` is a record; its columns named like the rules' figures are the
    figures. A record is named by its line in the CSV: the other columns are not figures,
    and values such as "income=0" would read like findings. A cell that is empty or "NA"
    (a table spec's default missing values) is not available: an unknown the solver may set,
    as in tables. Records that hold a fraction (0.5) in any figure are real numbers, every
    figure of them (a rule relating 0.5 to a whole 1 makes that a real too: 1 = 0.5 + 0.5
    may need to become 0.75); otherwise every figure is a count."""
    import pandas as pd

    from missingstats.inputs.rules import load_rules

    ruleset = load_rules(rules_path or rules_file)
    checks = lz.checks_of(ruleset.rules)
    if not checks:
        raise InputError("the rules file has no 'check' rules to localise with", Location(rules_file))
    try:
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError("the records file does not exist", Location(csv)) from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read the records as CSV: {exc}", Location(csv)) from None
    used = list(dict.fromkeys(n for c in checks for n in ex.names(c.node)))
    columns = list(frame.columns)
    absent = [n for n in used if n not in columns]
    if absent:
        from missingstats.core.errors import suggest

        raise InputError(
            f"the rules use {absent[0]!r}, which is not a column of the records"
            f"{suggest(absent[0], columns)}", Location(csv, 1, 1),
        )
    types = _column_types(checks, frame, used, csv, ruleset.rules)
    numbers = [n for n in used if types[n] == ex.NUMBER]
    values = record_values(frame, numbers, columns, csv)
    counts = bool((np.isnan(values) | (values == np.round(values))).all())
    figures = [lz.FigureVar(name, integer=counts) for name in numbers]
    texts = {n: _text_column(frame[n]) for n in used if types[n] == ex.TEXT}
    groups, decided = _text_groups(csv, checks, numbers, values, texts, types, columns, figures)
    out = _explain(csv, "record", groups, severities, max_sets, [])
    out.checked = len(frame)
    _text_failures(out, decided, checks, texts, severities, csv, columns)
    return out


def record_values(frame, used: list[str], columns: list[str], csv: str) -> np.ndarray:
    """The records' figures (records x figures, NaN: not available); a cell that is neither
    a number nor a missing value is an input error at its line and column."""
    import pandas as pd

    from missingstats.inputs.tables.spec import DEFAULT_MISSING

    values = np.full((len(frame), len(used)), np.nan)
    for j, name in enumerate(used):
        text = frame[name].str.strip()
        missing = text.isin(DEFAULT_MISSING).to_numpy()
        num = pd.to_numeric(text.str.replace(",", "", regex=False).where(~missing),
                            errors="coerce").to_numpy(dtype=float)
        bad = ~missing & ~np.isfinite(num)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{name} must be a number (or empty or NA: not available), found "
                f"{frame[name].iloc[i]!r}", Location(csv, i + 2, columns.index(name) + 1))
        values[:, j] = num
    return values


def _column_types(checks: list[lz.Check], frame, used: list[str], csv: str, rules) -> dict[str, str]:
    """Each column the rules read: text where a rule reads it as text, else a number; a
    column only compared with another column is text when its cells are not all numbers."""
    types: dict[str, str] = {}
    for c in checks:
        try:
            types.update(ex.infer(c.node, types, "another rule"))
        except ex.ExprError as err:
            rule = next(r for r in rules if r.id == c.rule)
            raise InputError(f"rule {c.rule!r}: {err.message}", rule.location) from None
    for name in used:  # untyped columns holding text are text, and so are their partners
        if name not in types:
            text = frame[name].str.strip()
            numeric = text.str.fullmatch(r"-?[0-9][0-9,]*(\.[0-9]+)?") | (text == "")
            if not bool(numeric.all()):
                types[name] = ex.TEXT
    for _ in range(len(used) + 1):  # until the partners of text columns are all text
        before = len(types)
        _infer_all(checks, {n: t for n, t in types.items() if t == ex.TEXT}, types, csv)
        if len(types) == before:
            break
    for name in used:
        types.setdefault(name, ex.NUMBER)
    _infer_all(checks, types, {}, csv)  # and again with every column's type known
    return types


def _infer_all(checks: list[lz.Check], seed: dict[str, str], into: dict[str, str], csv: str) -> None:
    for c in checks:
        try:
            into.update(ex.infer(c.node, seed, "a column of the records"))
        except ex.ExprError as err:
            raise InputError(f"rule {c.rule!r}: {err.message}", Location(csv, 1, 1)) from None


def _text_column(column) -> iv.Text:
    """A column read as text: empty and the default missing values are not available."""
    from missingstats.inputs.tables.spec import DEFAULT_MISSING

    text = column.str.strip()
    return iv.Text.of(text.where(~text.isin(DEFAULT_MISSING), None))


@dataclass
class Decided:
    """Records whose text conditions make a check fail whatever their numbers are."""

    rows: np.ndarray
    failing: list[int]  # indices of the checks that are false for these rows


def _text_groups(csv: str, checks: list[lz.Check], numbers: list[str], values: np.ndarray,
                 texts: dict, types: dict[str, str], columns: list[str],
                 figures: list[lz.FigureVar]) -> tuple[list[RecordGroup], list[Decided]]:
    """One RecordGroup per pattern of decided text conditions (one group when there are
    none); the checks a pattern makes false are kept aside for `_text_failures`."""
    def locate_in(rows: np.ndarray):
        return lambda i, j: Location(csv, int(rows[i]) + 2, columns.index(numbers[j]) + 1)

    def coords_in(rows: np.ndarray):
        return lambda i: {"line": int(rows[i]) + 2}  # the header is line 1

    found = [partial.atoms(c.node, types) for c in checks]
    n = len(values)
    if not any(found):
        everyone = np.arange(n)
        return [RecordGroup(csv, numbers, checks, values, coords_in(everyone),
                            locate_in(everyone), figures=figures)], []
    env: dict = dict(texts)
    env.update({name: iv.Interval.exact(values[:, j]) for j, name in enumerate(numbers)})
    flat = list(dict.fromkeys(a for atoms in found for a in atoms))
    table = partial.decide(flat, env, n)  # atoms x records
    patterns, inverse = np.unique(table.T, axis=0, return_inverse=True)
    groups: list[RecordGroup] = []
    decided: list[Decided] = []
    for k, pattern in enumerate(patterns):  # a loop over the few patterns, not records
        known = {a: bool(v) for a, v in zip(flat, pattern) if v >= 0}
        rows = np.flatnonzero(inverse.reshape(-1) == k)
        kept: list[lz.Check] = []
        false: list[int] = []
        for idx, c in enumerate(checks):
            node = partial.substitute(c.node, known) if found[idx] else c.node
            if isinstance(node, ex.Bool):
                if not node.value:
                    false.append(idx)
                continue
            if found[idx] and partial.atoms(node, types):
                continue  # reads text that is not reported: not evaluable, nothing to localise
            kept.append(lz.Check(c.rule, c.text, node, c.tolerance, c.severity))
        if false:
            decided.append(Decided(rows, false))
        if kept:
            groups.append(RecordGroup(csv, numbers, kept, values[rows], coords_in(rows),
                                      locate_in(rows), figures=figures))
    return groups, decided


def _text_failures(out: RecordsExplanation, decided: list[Decided], checks: list[lz.Check],
                   texts: dict, severities: tuple[str, ...], csv: str, columns: list[str]) -> None:
    """Records that fail on their text: added to `out` (their numeric part, if it failed
    too, is there already) with the checks and text values, never as suspects. All are
    counted; at most MAX_LISTED records are listed."""
    by_line = {r.coordinates["line"]: r for r in out.records}
    hits = [(d, [checks[k] for k in d.failing if checks[k].severity in severities])
            for d in decided]
    hits = [(d, failing) for d, failing in hits if failing]
    rows = np.unique(np.concatenate([d.rows for d, _ in hits])) if hits else np.empty(0, int)
    new = rows[~np.isin(rows + 2, list(by_line))]
    out.failing += len(new)
    listed = set(new[:max(MAX_LISTED - len(out.records), 0)].tolist())
    for d, failing in hits:
        names = list(dict.fromkeys(n for c in failing for n in ex.names(c.node) if n in texts))
        for i in (int(i) for i in d.rows if int(i) + 2 in by_line or int(i) in listed):
            rec = by_line.get(i + 2)
            if rec is None:
                result = lz.Localisation("text", failing=list(failing))
                rec = by_line[i + 2] = RecordExplanation(
                    lz.Explanation(csv, severities, result), {"line": i + 2}, csv)
                out.records.append(rec)
            else:
                rec.explanation.result.failing = rec.explanation.result.failing + failing
            rec.text = TextFailure(
                failing, {n: _text_of(texts[n], i) for n in names},
                {n: Location(csv, i + 2, columns.index(n) + 1) for n in names})
    out.records.sort(key=lambda r: r.coordinates["line"])


def _text_of(t: iv.Text, i: int) -> str | None:
    code = int(t.codes[i])
    return t.categories[code] if code >= 0 else None

