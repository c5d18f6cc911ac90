"""`missingstats check SPEC.yaml` for a table spec: spec -> rules -> plans -> tables -> Results.

Rules and the spec are checked completely before a table is read. Counts per rule are
exact; the instances kept for the report are the non-passing ones, at most
--max-failures per rule (a 10-million-cell table never builds a row per passing cell).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from missingstats.analysis.patterns import find_patterns
from missingstats.core.errors import InputError
from missingstats.core.findings import Outcome, Tally
from missingstats.core.results import Results
from missingstats.evaluate.tables.engine import Engine
from missingstats.evaluate.tables.failures import frame
from missingstats.evaluate.tables.plan import Plan
from missingstats.evaluate.tables.progress import LONG_INPUT_BYTES, steps
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.rules import RuleSet
from missingstats.inputs.tables.load import load_table
from missingstats.inputs.tables.model import CodeBook, Table
from missingstats.inputs.tables.spec import TableSpec, load_spec
from missingstats.kinds import implied
from missingstats.kinds.base import Rule
from missingstats.kinds.registry import module

HARD_CAP = 100_000  # instances kept per rule when --max-failures is unlimited


def find_table_rules(spec: TableSpec, path: str, explicit: str | None) -> RuleSet:
    """--rules, else the spec's `rules:`, else a rules.yaml beside it, else none (the
    built-in pack is for figure sheets; a table's own structure implies its rules)."""
    from missingstats.evaluate.rulesets import find_rules

    beside = Path(path).parent / "rules.yaml"
    if explicit or spec.rules is not None:
        return find_rules(path, spec.rules, explicit)
    if beside.is_file() and beside.resolve() != Path(path).resolve():
        found = find_rules(path, None, None)
        if found.vocabulary:  # a pack for figure sheets (it lists figure names): not for tables
            return RuleSet([], set(), [])
        return found
    return RuleSet([], set(), [])


def compile_rules(spec: TableSpec, rules: list[Rule]) -> list[Plan]:
    """Every rule as plans of its kind, checked against the spec before any table is read."""
    plans: list[Plan] = []
    for rule in rules:
        kind = module(rule.kind)
        if not hasattr(kind, "compile"):
            raise InputError(
                f"rule {rule.id!r} of kind {rule.kind!r} does not apply to tables", rule.location
            )
        plans.extend(kind.compile(spec, rule))
    return plans


def prepare(path: str, top: sy.Mapping, options, cache: dict | None = None
            ) -> tuple[TableSpec, list[Rule], list[Plan]]:
    spec = load_spec(path, top)
    if "sources" in top:
        from missingstats.inputs.sources import cells, check_aliases, load_sources

        spec.sources = cells(load_sources(path, top["sources"], cache))
        check_aliases(top["sources"], spec.tables, "a table name")
    rules = list(find_table_rules(spec, path, options.rules).rules)
    if options.implied:
        rules = implied.for_tables(spec, rules) + rules
    return spec, rules, compile_rules(spec, rules)


def load_tables(spec: TableSpec, book: CodeBook, tick=None) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for name, defn in spec.tables.items():
        if tick:
            tick.start(f"reading {defn.file}")
        tables[name] = load_table(defn, book, spec.hierarchies)
        if tick:
            tick.done()
    engine = Engine(tables, book, spec)
    for name, defn in spec.tables.items():
        if defn.filters:  # rows were filtered while reading; this catches wide dimensions
            t = tables[name]
            keep = np.ones(len(t), dtype=bool)
            for f in defn.filters:
                allowed = engine.allowed(f)
                ids = t.codes[f.dimension]
                ok = np.zeros(len(ids), dtype=bool)
                inside = ids < len(allowed)
                ok[inside] = allowed[ids[inside]]
                keep &= ok
            if not keep.all():
                tables[name] = t.subset(keep)
    return tables


def _input_bytes(spec: TableSpec) -> int:
    total = 0
    for t in spec.tables.values():
        try:
            total += t.path.stat().st_size
        except OSError:
            pass
    return total


def check_table_spec(path: str, top: sy.Mapping, options) -> Results:
    spec, rules, plans = prepare(path, top, options, options.sheets())
    cap = options.max_failures if options.max_failures is not None else HARD_CAP
    book = CodeBook(spec.hierarchies)
    long = bool(options.progress) and _input_bytes(spec) >= LONG_INPUT_BYTES
    with steps(long, len(spec.tables) + len(plans)) as tick:
        tables = load_tables(spec, book, tick)
        engine = Engine(tables, book, spec)
        engine.list_passes = options.all_instances
        outcomes: dict[str, Outcome] = {r.id: Outcome() for r in rules}
        for plan in plans:
            tick.start(f"rule {plan.rule.id}")
            got = module(plan.rule.kind).run(engine, plan, cap - len(outcomes[plan.rule.id].findings))
            outcomes[plan.rule.id].add(got)
            tick.done()
    results = to_results(path, rules, outcomes, tables)
    failing = [fs for o in outcomes.values() for fs in o.failing]
    results.notes.extend(n for o in outcomes.values() for n in o.notes)
    results.patterns = find_patterns(failing, engine, path)
    if options.collect_failures:
        results.failure_tables.append(frame(failing, engine, path))
    return results


def to_results(path: str, rules: list[Rule], outcomes: dict[str, Outcome],
               tables: dict[str, Table]) -> Results:
    out = Results(files=[path], notes=[n for t in tables.values() for n in t.notes])
    for rule in rules:
        o = outcomes[rule.id]
        out.tallies.append(Tally(path, rule.id, rule.severity, rule.description, o.counts))
        for f in o.findings:
            f.file = path
            out.findings.append(f)
    return out


def check_path(path: str, options) -> Results:
    """Check a spec file directly (library use, tests)."""
    root = sy.load(path)
    top = sy.expect_mapping(root, "a table spec")
    if "tables" not in top:
        raise InputError("a table spec needs 'tables:'", top.location)
    return check_table_spec(path, top, options)
