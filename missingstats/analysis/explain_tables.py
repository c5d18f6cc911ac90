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
    locate: Callable[[int, int], dict | None]
    zero_missing: bool = False
    skipped: list[dict] = field(default_factory=list)
    lines: np.ndarray | None = None  # --records: each record's line in the CSV


def localise_group(group: RecordGroup, severities: tuple[str, ...], max_sets: int,
                   listed: int = MAX_LISTED) -> tuple[list[dict], int, int]:
    """(record reports, records checked, records failing)."""
    values = group.values
    n, p = values.shape
    finite = values[np.isfinite(values)]
    consts = [abs(x.value) for c in group.checks for x in lz._nums(c.node)]
    row_sum = float(np.nansum(np.abs(values), axis=1).max()) if n else 0.0
    biggest = max(float(np.abs(finite).max()) if finite.size else 0.0, max(consts, default=0.0), 1.0)
    box = row_sum + 10.0 * biggest
    figures = [lz.FigureVar(name) for name in group.names]
    problem = lz.Problem(figures, group.checks, [], box, severities)
    absent = np.isnan(values)
    lo = np.where(absent, 0.0, values)
    hi = np.where(absent, 0.0 if group.zero_missing else box, values)
    statuses = problem.statuses(lo, hi, problem.used)
    failing = np.flatnonzero((statuses == "fail").any(axis=0))
    shown = failing[:listed]
    singles = problem.single_changes(lo[shown], hi[shown]) if problem.simple else None
    out: list[dict] = []
    for r, i in enumerate(shown):
        stated = [None if absent[i, j] else float(values[i, j]) for j in range(p)]
        one = (singles[0][r], singles[1][r]) if singles is not None else None
        result = lz.localize(problem, lo[i], hi[i], stated, max_sets=max_sets, singles=one)
        for s in result.suspects:
            s.location = None
        rep = lz.to_dict(result, group.label, problem)
        index = {name: j for j, name in enumerate(group.names)}
        for s in rep["suspects"]:
            s["location"] = group.locate(int(i), index[s["figure"]])
            if absent[i, index[s["figure"]]]:
                s["reported"] = "not reported"
        coords = group.coords(int(i))
        rep["record"] = ", ".join(f"{k}={v}" for k, v in coords.items())
        rep["coordinates"] = coords
        if group.lines is not None:
            rep["line"] = int(group.lines[i])
        rep["group"] = group.label
        out.append(rep)
    return out, n, len(failing)


def _report(file: str, unit: str, groups: list[RecordGroup], severities: tuple[str, ...],
            max_sets: int) -> dict:
    start = time.perf_counter()
    records: list[dict] = []
    checked = failing = 0
    skipped: list[dict] = []
    for g in groups:
        got, n, f = localise_group(g, severities, max_sets, MAX_LISTED - len(records))
        records += got
        checked += n
        failing += f
        skipped += g.skipped
    _cross_evidence(records)
    seconds = time.perf_counter() - start
    return {
        "file": file, "unit": unit, "severities": list(severities), "checked": checked,
        "failing": failing, "localised": sum(r["status"] == "localised" for r in records),
        "seconds": round(seconds, 3),
        "groups_per_second": round(failing / seconds, 1) if seconds > 0 and failing else None,
        "records": records, "cut": max(0, failing - len(records)),
        "not_localised": skipped,
    }


def _cell(loc: dict | None) -> tuple | None:
    if not loc:
        return None
    return (loc.get("file"), loc.get("line"), loc.get("column"), loc.get("cell"))


def _cross_evidence(records: list[dict]) -> None:
    """A cell that is a suspect in failing records of two layouts (the sex breakdown of a
    district and the district breakdown of a sex) explains both: its sets go first."""
    seen: dict[tuple, list[str]] = {}
    for rec in records:
        for s in rec["suspects"]:
            key = _cell(s.get("location"))
            if key is not None:
                seen.setdefault(key, []).append(rec["record"] + f" [{rec['group']}]")
    groups_of = {k: v for k, v in seen.items() if len({x.split(" [")[1] for x in v}) > 1}
    if not groups_of:
        return
    for rec in records:
        by_name = {s["figure"]: s for s in rec["suspects"]}
        for s in rec["suspects"]:
            key = _cell(s.get("location"))
            if key in groups_of:
                s["also_suspect_in"] = [x.split(" [")[0] for x in groups_of[key]
                                        if not x.startswith(rec["record"] + " [")]

        def shared(alt: dict, by_name=by_name) -> int:
            return -sum(1 for f in alt["figures"] if "also_suspect_in" in by_name[f])

        rec["alternatives"].sort(key=shared)
        order = {f: i for i, f in enumerate(
            f for alt in rec["alternatives"] for f in alt["figures"])}
        rec["suspects"].sort(key=lambda s: order.get(s["figure"], len(order)))


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
                       max_sets: int, implied: bool = True) -> dict:
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
    skipped: list[dict] = []
    for plan in plans:
        if getattr(plan, "constants", None):
            skipped.append({"rule": plan.rule.id, "reason": "a rule reading figures of sources "
                            "is not localised"})
        elif isinstance(plan, RowCheckPlan):
            skipped.append({"rule": plan.rule.id, "reason": "a rule on a row's columns is not "
                            "localised (use --records)"})
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
            skipped.append({"rule": plan.rule.id, "reason": "a rule across tables is not localised"})
    book = CodeBook(spec.hierarchies)
    tables = load_tables(spec, book)
    engine = Engine(tables, book, spec)
    groups: list[RecordGroup] = []
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

        def locate(i: int, j: int, kt=kt, where=where, codes=codes) -> dict | None:
            at = int(where[i, j])
            return {**kt.locate(at).as_dict(), "figure": codes[j]} if at >= 0 else None

        groups.append(RecordGroup(
            f"{path} ({table}: {dim})", codes, checks, values, coords, locate,
            zero_missing=spec.missing_cells == "zero",
        ))
    if groups:
        groups[0].skipped = skipped
    elif not skipped:
        raise InputError("no rule of this spec relates cells of one table (a pivot check or a "
                         "hierarchy), so there is nothing to localise", Location(path))
    rep = _report(path, "group", groups, severities, max_sets)
    rep["not_localised"] = skipped
    return rep


# --- --records CSV ---------------------------------------------------------------------


def explain_records(rules_file: str, csv: str, rules_path: str | None,
                    severities: tuple[str, ...], max_sets: int, implied: bool = True) -> dict:
    """Each row of `csv` is a record; its columns named like the rules' figures are the
    figures, the others label the row. Columns the rules read as text (`status ==
    "found dead"`) take part in the conditions but are never changed: each record's text
    conditions are decided first (language/partial.py), and records with the same decided
    conditions share one problem."""
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
    values = np.full((len(frame), len(numbers)), np.nan)
    for j, name in enumerate(numbers):
        text = frame[name].str.strip()
        num = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        bad = num.isna() & (text != "")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"{name} must be a number, found {frame[name].iloc[i]!r}",
                             Location(csv, i + 2, columns.index(name) + 1))
        values[:, j] = num.to_numpy(dtype=float)
    labels = [c for c in columns if c not in used]
    label_values = frame[labels].to_numpy() if labels else None

    def coords(i: int) -> dict:
        if label_values is None:
            return {"row": i + 1}
        return dict(zip(labels, label_values[i]))

    texts = {n: iv.Text.of(frame[n].str.strip().replace("", None)) for n in used
             if types[n] == ex.TEXT}
    groups, decided = _text_groups(csv, checks, numbers, values, texts, types, coords, columns)
    rep = _report(csv, "record", groups, severities, max_sets)
    rep["checked"] = len(frame)
    _text_failures(rep, decided, checks, texts, coords, severities, csv, columns)
    return rep


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


@dataclass
class Decided:
    """Records whose text conditions make a check fail whatever their numbers are."""

    rows: np.ndarray
    failing: list[int]  # indices of the checks that are false for these rows


def _text_groups(csv: str, checks: list[lz.Check], numbers: list[str], values: np.ndarray,
                 texts: dict, types: dict[str, str], coords, columns: list[str]
                 ) -> tuple[list[RecordGroup], list[Decided]]:
    """One RecordGroup per pattern of decided text conditions (one group when there are
    none); the checks a pattern makes false are kept aside for `_text_failures`."""
    def locate_in(rows: np.ndarray):
        def locate(i: int, j: int) -> dict:
            return {"file": csv, "line": int(rows[i]) + 2,
                    "column": columns.index(numbers[j]) + 1, "figure": numbers[j]}
        return locate

    def coords_in(rows: np.ndarray):
        return lambda i: coords(int(rows[i]))

    found = [partial.atoms(c.node, types) for c in checks]
    n = len(values)
    if not any(found):
        everyone = np.arange(n)
        return [RecordGroup(csv, numbers, checks, values, coords_in(everyone),
                            locate_in(everyone), lines=everyone + 2)], []
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
                                      locate_in(rows), lines=rows + 2))
    return groups, decided


def _text_failures(rep: dict, decided: list[Decided], checks: list[lz.Check], texts: dict,
                   coords, severities: tuple[str, ...], csv: str, columns: list[str]) -> None:
    """Records that fail on their text: added to the report (their numeric part, if it
    failed too, is already there) with the checks and text values, never as suspects. All
    are counted; at most MAX_LISTED records are listed (exact unless failing numbers were
    cut too, when a record failing both ways may be counted twice)."""
    by_line = {r["line"]: r for r in rep["records"]}
    hits = [(d, [checks[k] for k in d.failing if checks[k].severity in severities])
            for d in decided]
    hits = [(d, failing) for d, failing in hits if failing]
    rows = np.unique(np.concatenate([d.rows for d, _ in hits])) if hits else np.empty(0, int)
    new = rows[~np.isin(rows + 2, list(by_line))]
    rep["failing"] += len(new)
    listed = set(new[:max(MAX_LISTED - len(rep["records"]), 0)].tolist())
    for d, failing in hits:
        names = list(dict.fromkeys(n for c in failing for n in ex.names(c.node) if n in texts))
        for i in (int(i) for i in d.rows if int(i) + 2 in by_line or int(i) in listed):
            said = {n: _text_of(texts[n], i) for n in names}
            rec = by_line.get(i + 2)
            if rec is None:
                c = coords(i)
                rec = by_line[i + 2] = {
                    "file": csv, "status": "text", "severities": list(severities), "failing": [],
                    "suspects": [], "alternatives": [], "more_alternatives": False,
                    "unanalysed": [], "message": None, "coordinates": c, "group": csv,
                    "record": ", ".join(f"{k}={v}" for k, v in c.items()), "line": i + 2}
                rep["records"].append(rec)
            rec["failing"] = rec["failing"] + [{"rule": f.rule, "expression": f.text}
                                               for f in failing]
            rec["text_failures"] = {
                "failing": [{"rule": f.rule, "expression": f.text} for f in failing],
                "values": said,
                "locations": [{"file": csv, "line": i + 2, "column": columns.index(n) + 1,
                               "figure": n} for n in said]}
            words = ", ".join(f"{n} = {v if v is not None else 'not reported'}"
                              for n, v in said.items())
            message = (f"fails on its text ({words}): {'; '.join(f.text for f in failing)}; "
                       "explain changes numbers, never text")
            rec["message"] = message if not rec.get("message") else f"{message}; {rec['message']}"
    rep["records"].sort(key=lambda r: r["line"])
    rep["cut"] = max(0, rep["failing"] - len(rep["records"]))


def _text_of(t: iv.Text, i: int) -> str | None:
    code = int(t.codes[i])
    return t.categories[code] if code >= 0 else None
