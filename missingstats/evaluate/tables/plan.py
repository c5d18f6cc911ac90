"""Plans: rules compiled against a table spec, engine-neutral, before any table is read.

A plan names tables, dimensions and code texts only (no arrays), so another engine (DuckDB,
Spark) can run the same plans. Each rule kind compiles its own plans (its `compile`); the
helpers here resolve what a rule names (tables, dimensions, the measure, codes) and make a
wrong reference an InputError at the rule.

Names in a `check` rule on a table:
    value                 the measure: one instance per cell          (value >= 0)
    female, sex.female    a code of one dimension: one instance per combination of the
                          other dimensions                            (total == female + male)
    cube.value            pinned to table `cube` (otherwise the rule runs on every table
                          in which all its names resolve)
In a wide table the declared column names work as names of their codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from missingstats.core.errors import InputError, Location, suggest
from missingstats.inputs.tables.spec import TableSpec
from missingstats.kinds.base import Rule
from missingstats.language import expr as ex


@dataclass
class Plan:
    rule: Rule
    tables: list[str]


def source_names(spec: TableSpec, rule: Rule, names: list[str], where: Location | None = None
                 ) -> list[str]:
    """The names that are figures of the spec's `sources:` (letter2020.missing.total); a name
    under a source's alias that the source does not report is an input error."""
    found = [n for n in names if n in spec.sources]
    aliases = {s.split(".", 1)[0]: f.location.file if f.location else "" for s, f in spec.sources.items()}
    for n in names:
        head = n.split(".", 1)[0]
        if n not in spec.sources and head in aliases and head not in spec.tables:
            raise InputError(
                f"rule {rule.id!r} uses {n!r}, which source {head!r} ({aliases[head]}) does not "
                f"report{suggest(n, spec.sources)}", where or rule.location,
            )
    return found


def policy_for(spec: TableSpec, rule: Rule) -> str:
    """How a missing cell counts for this rule: its own `missing:`, else the spec's."""
    return rule.missing or spec.missing_cells


def rule_where(rule: Rule, key: str = "node") -> Location:
    node = rule.spec.get(key)
    return getattr(node, "location", None) or rule.location


def dims_known(spec: TableSpec, rule: Rule, dims: list[str]) -> None:
    for d in dims:
        if d not in spec.dimensions:
            raise InputError(
                f"rule {rule.id!r}: {d!r} is not a dimension of any table"
                f"{suggest(d, spec.dimensions)}", rule_where(rule),
            )


def tables_for(spec: TableSpec, rule: Rule, given: list[str] | None, dims: list[str]) -> list[str]:
    dims_known(spec, rule, dims)
    if given is None:
        return [t.name for t in spec.tables_with(*dims)]
    for name in given:
        if name not in spec.tables:
            raise InputError(
                f"rule {rule.id!r}: no table {name!r}{suggest(name, spec.tables)}", rule_where(rule)
            )
        missing = [d for d in dims if d not in spec.tables[name].all_dimensions]
        if missing:
            raise InputError(
                f"rule {rule.id!r}: table {name!r} has no dimension {missing[0]!r}", rule_where(rule)
            )
    return list(given)


# --- check rules on tables ---------------------------------------------------------------


def code_names(spec: TableSpec, table: str) -> dict[str, tuple[str, str]]:
    """Bare names that mean a code in this table: declared codes and wide column names."""
    t = spec.tables[table]
    out: dict[str, tuple[str, str]] = {}
    ambiguous: set[str] = set()
    for dim in t.all_dimensions:
        names: dict[str, str] = {}
        h = spec.hierarchies.get(dim)
        if h is not None:
            names.update({c: c for c in h.codes})
        if t.wide is not None:
            names.update(t.wide.aliases(dim))
        for name, code in names.items():
            if name in out and out[name][0] != dim:
                ambiguous.add(name)
            out[name] = (dim, code)
    for name in ambiguous:
        out[name] = ("", "")  # several dimensions: must be qualified
    return out


def resolve(spec: TableSpec, table: str, name: str) -> tuple[str, str | None, str | None] | str:
    """('measure'|'code', dim, code) or an explanation of why the name does not resolve."""
    t = spec.tables[table]
    if name == t.measure:
        return ("measure", None, None)
    head, _, rest = name.partition(".")
    if rest and head in t.all_dimensions:
        if "." in rest:
            return f"{name!r} has too many parts (write dimension.code)"
        code = rest
        if t.wide is not None:
            code = t.wide.aliases(head).get(rest, rest)
        return ("code", head, code)
    codes = code_names(spec, table)
    if name in codes:
        dim, code = codes[name]
        if not dim:
            dims = [d for d in t.all_dimensions if name in code_names_of(spec, table, d)]
            return f"{name!r} is a code of several dimensions ({', '.join(dims)}); write {dims[0]}.{name}"
        return ("code", dim, code)
    known = [t.measure, *codes]
    known += [f"{d}.{c}" for d in t.all_dimensions for c in code_names_of(spec, table, d)]
    hint = suggest(name, known) or " (write a code without a hierarchy as dimension.code)"
    return f"{name!r} is not the measure ({t.measure!r}) or a declared code of table {table!r}{hint}"


def code_names_of(spec: TableSpec, table: str, dim: str) -> set[str]:
    t = spec.tables[table]
    out = set(spec.hierarchies[dim].codes) if dim in spec.hierarchies else set()
    if t.wide is not None:
        out |= set(t.wide.aliases(dim))
    return out


def map_children(n: ex.Node, fn) -> ex.Node:
    if isinstance(n, ex.Unary):
        return ex.Unary(n.op, fn(n.operand), n.col)
    if isinstance(n, ex.BinOp):
        return ex.BinOp(n.op, fn(n.left), fn(n.right), n.col)
    if isinstance(n, ex.Compare):
        return ex.Compare(n.ops, tuple(fn(o) for o in n.operands), n.col)
    if isinstance(n, ex.BoolOp):
        return ex.BoolOp(n.op, tuple(fn(i) for i in n.items), n.col)
    if isinstance(n, ex.Implies):
        return ex.Implies(fn(n.condition), fn(n.consequence), n.col)
    if isinstance(n, ex.Call):
        return ex.Call(n.func, tuple(fn(a) for a in n.args), n.col)
    if isinstance(n, ex.In):
        return ex.In(fn(n.operand), n.items, n.negated, n.col)
    if isinstance(n, ex.IsMissing):
        return ex.IsMissing(fn(n.operand), n.negated, n.col)
    return n


def describe_plan(plan: Plan) -> dict[str, Any]:
    """A plain description (for debugging and for a future engine's tests)."""
    out = {"kind": type(plan).__name__, "rule": plan.rule.id, "tables": plan.tables}
    for key in ("dimension", "relation", "policy", "empty", "dimensions", "by", "text", "time",
                "columns"):
        if hasattr(plan, key):
            out[key] = getattr(plan, key)
    if getattr(plan, "when", None):
        out["when"] = [(f.dimension, f.codes, f.level, f.period, f.negate) for f in plan.when]
    return out
