"""Compile rules against a table spec into engine-neutral plans, before any table is read.

A plan names tables, dimensions and code texts only (no arrays), so another engine (DuckDB,
Spark) could run the same plans; engine.py runs them with numpy. Every reference a rule
makes (table, dimension, hierarchy, measure, code) is checked here and a wrong one is an
InputError at the rule. Implied rules (unique cells, known codes, one hierarchy rule per
declared hierarchy) are added unless the rules already cover them or `implied: false`.

Names in a `check` rule on a table:
    value                 the measure: one instance per cell          (value >= 0)
    female, sex.female    a code of one dimension: one instance per combination of the
                          other dimensions                            (total == female + male)
    cube.value            pinned to table `cube` (otherwise the rule runs on every table
                          in which all its names resolve)
In a wide table the declared column names work as names of their codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from missingstats.core.errors import InputError, Location
from missingstats.inputs.rules import Instance, Rule, suggest
from missingstats.inputs.tables.spec import Filter, TableSpec, _filter
from missingstats.language import expr as ex

IMPLIED_UNIQUE = "unique-cells"
IMPLIED_CODES = "known-codes"


@dataclass
class Plan:
    rule: Rule
    tables: list[str]


@dataclass
class HierarchyPlan(Plan):
    dimension: str = ""
    relation: str = "=="
    policy: str = "not-evaluable"


@dataclass
class CellCheckPlan(Plan):
    """A check evaluated per cell: names are the measure of one table."""

    instance: Instance = None  # type: ignore[assignment]
    policy: str = "not-evaluable"


@dataclass
class PivotCheckPlan(Plan):
    """A check over codes of one dimension, per combination of the other dimensions."""

    instance: Instance = None  # type: ignore[assignment]
    dimension: str = ""
    names: dict[str, str] = field(default_factory=dict)  # name in the expression -> code
    policy: str = "not-evaluable"


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


@dataclass
class UniquePlan(Plan):
    pass


@dataclass
class CodesPlan(Plan):
    dimensions: list[str] = field(default_factory=list)


@dataclass
class CompletePlan(Plan):
    dimensions: list[str] = field(default_factory=list)


def _rule_where(rule: Rule, key: str = "node") -> Location:
    node = rule.spec.get(key)
    return getattr(node, "location", None) or rule.location


def compile_rules(spec: TableSpec, rules: list[Rule]) -> list[Plan]:
    plans: list[Plan] = []
    for rule in rules:
        plans.extend(compile_rule(spec, rule))
    return plans


def implied_rules(spec: TableSpec, rules: list[Rule]) -> list[Rule]:
    if not spec.implied:
        return []
    kinds = {r.kind for r in rules}
    ids = {r.id for r in rules}
    covered = {r.spec.get("dimension") for r in rules if r.kind == "hierarchy"}
    out: list[Rule] = []
    where = spec.location
    if "unique" not in kinds and IMPLIED_UNIQUE not in ids:
        out.append(Rule(IMPLIED_UNIQUE, "unique", where, description=(
            "each combination of codes appears once in a table"), spec={"tables": None}))
    if "codes" not in kinds and spec.hierarchies and IMPLIED_CODES not in ids:
        out.append(Rule(IMPLIED_CODES, "codes", where, description=(
            "every code is in its dimension's code list (hierarchy)"), spec={"dimensions": None}))
    for dim, h in spec.hierarchies.items():
        rid = f"{dim}-hierarchy"
        if dim in covered or rid in ids:
            continue
        out.append(Rule(rid, "hierarchy", h.location, description=(
            f"every total of {dim} is the sum of its parts, for every combination of the "
            "other dimensions"), spec={"dimension": dim, "relation": "==", "tables": None}))
    return out


def compile_rule(spec: TableSpec, rule: Rule) -> list[Plan]:
    if rule.kind == "check":
        return compile_check(spec, rule)
    if rule.kind == "hierarchy":
        dim = rule.spec["dimension"]
        if dim not in spec.hierarchies:
            known = ", ".join(spec.hierarchies) or "none"
            raise InputError(
                f"rule {rule.id!r}: no hierarchy declared for {dim!r} (declared: {known}); add it "
                "under 'hierarchies:'", _rule_where(rule),
            )
        tables = _tables(spec, rule, rule.spec.get("tables"), [dim])
        return [HierarchyPlan(rule, tables, dimension=dim, relation=rule.spec["relation"],
                              policy=spec.missing_cells)]
    if rule.kind == "unique":
        return [UniquePlan(rule, _tables(spec, rule, rule.spec.get("tables"), []))]
    if rule.kind == "codes":
        dims = rule.spec.get("dimensions")
        if dims is None:
            dims = [d for d in spec.dimensions if d in spec.hierarchies]
        for d in dims:
            if d not in spec.hierarchies:
                raise InputError(
                    f"rule {rule.id!r}: {d!r} has no code list; declare it under 'hierarchies:' "
                    "(a list of parts, or a codelist file)", _rule_where(rule),
                )
        tables = [t.name for t in spec.tables.values() if any(d in t.all_dimensions for d in dims)]
        return [CodesPlan(rule, tables, dimensions=dims)]
    if rule.kind == "complete":
        dims = rule.spec.get("dimensions")
        given = rule.spec.get("tables")
        if dims is None:
            tables = _tables(spec, rule, given, [])
            return [CompletePlan(rule, [t], dimensions=spec.tables[t].all_dimensions) for t in tables]
        _dims_known(spec, rule, dims)
        return [CompletePlan(rule, _tables(spec, rule, given, dims), dimensions=dims)]
    if rule.kind == "group":
        return [compile_group(spec, rule)]
    raise InputError(
        f"rule {rule.id!r} of kind {rule.kind!r} does not apply to tables", rule.location
    )


def _dims_known(spec: TableSpec, rule: Rule, dims: list[str]) -> None:
    for d in dims:
        if d not in spec.dimensions:
            raise InputError(
                f"rule {rule.id!r}: {d!r} is not a dimension of any table"
                f"{suggest(d, spec.dimensions)}", _rule_where(rule),
            )


def _tables(spec: TableSpec, rule: Rule, given: list[str] | None, dims: list[str]) -> list[str]:
    _dims_known(spec, rule, dims)
    if given is None:
        return [t.name for t in spec.tables_with(*dims)]
    for name in given:
        if name not in spec.tables:
            raise InputError(
                f"rule {rule.id!r}: no table {name!r}{suggest(name, spec.tables)}", _rule_where(rule)
            )
        missing = [d for d in dims if d not in spec.tables[name].all_dimensions]
        if missing:
            raise InputError(
                f"rule {rule.id!r}: table {name!r} has no dimension {missing[0]!r}", _rule_where(rule)
            )
    return list(given)


# --- check rules on tables ---------------------------------------------------------------


def _code_names(spec: TableSpec, table: str) -> dict[str, tuple[str, str]]:
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


def _resolve(spec: TableSpec, table: str, name: str) -> tuple[str, str | None, str | None] | str:
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
    codes = _code_names(spec, table)
    if name in codes:
        dim, code = codes[name]
        if not dim:
            dims = [d for d in t.all_dimensions if name in _code_names_of(spec, table, d)]
            return f"{name!r} is a code of several dimensions ({', '.join(dims)}); write {dims[0]}.{name}"
        return ("code", dim, code)
    known = [t.measure, *codes]
    known += [f"{d}.{c}" for d in t.all_dimensions for c in _code_names_of(spec, table, d)]
    hint = suggest(name, known) or " (write a code without a hierarchy as dimension.code)"
    return f"{name!r} is not the measure ({t.measure!r}) or a declared code of table {table!r}{hint}"


def _code_names_of(spec: TableSpec, table: str, dim: str) -> set[str]:
    t = spec.tables[table]
    out = set(spec.hierarchies[dim].codes) if dim in spec.hierarchies else set()
    if t.wide is not None:
        out |= set(t.wide.aliases(dim))
    return out


def compile_check(spec: TableSpec, rule: Rule) -> list[Plan]:
    plans: list[Plan] = []
    for inst in rule.instances:
        names = ex.names(inst.node)
        pinned = {n.split(".", 1)[0] for n in names if n.split(".", 1)[0] in spec.tables}
        if len(pinned) > 1:
            raise InputError(
                f"rule {rule.id!r}: a check compares cells of one table; to compare tables use a "
                "'group' rule", rule.location,
            )
        candidates = list(pinned) or list(spec.tables)
        reasons: list[str] = []
        made = len(plans)
        for table in candidates:
            local = {n: (n.split(".", 1)[1] if pinned else n) for n in names}
            resolved = {n: _resolve(spec, table, local[n]) for n in names}
            bad = [r for r in resolved.values() if isinstance(r, str)]
            if bad:
                reasons.append(bad[0])
                continue
            kinds = {r[0] for r in resolved.values()}  # type: ignore[index]
            dims = {r[1] for r in resolved.values() if r[0] == "code"}  # type: ignore[index]
            if kinds == {"measure"}:
                plans.append(CellCheckPlan(rule, [table], instance=inst, policy=spec.missing_cells))
            elif kinds == {"code"} and len(dims) == 1:
                plans.append(PivotCheckPlan(
                    rule, [table], instance=inst, dimension=dims.pop(),
                    names={n: r[2] for n, r in resolved.items()},  # type: ignore[index]
                    policy=spec.missing_cells,
                ))
            else:
                reasons.append(
                    "a check uses either the measure (per cell) or codes of one dimension "
                    "(per combination of the others), not both"
                )
        if len(plans) == made:
            why = reasons[0] if reasons else "no table"
            raise InputError(f"rule {rule.id!r}: {why}", rule.location)
    return plans


# --- group rules -------------------------------------------------------------------------


def compile_group(spec: TableSpec, rule: Rule) -> GroupPlan:
    node: ex.Node = rule.spec["node"]
    where_loc = _rule_where(rule, "check_node")
    by: list[str] = rule.spec["by"]
    _dims_known(spec, rule, by)
    refs: dict[str, GroupRef] = {}
    summed: set[str] = set()

    def ref_for(name: str) -> GroupRef:
        head, _, rest = name.partition(".")
        if head in spec.tables and rest:
            tables, local = [head], rest
        else:
            tables, local = list(spec.tables), name
        found: list[GroupRef] = []
        why = ""
        for t in tables:
            r = _resolve(spec, t, local)
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
                if not isinstance(arg, ex.Name):
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
            refs[n.path] = ref_for(n.path)
            return n
        return _map_children(n, lambda c: rewrite(c, inside_sum))

    new = rewrite(node, False)
    where = [_filter(dim, value, value.location) for dim, value in rule.spec["where"].items()]
    for f in where:
        _dims_known(spec, rule, [f.dimension])
        if f.level is not None and f.dimension not in spec.hierarchies:
            raise InputError(f"filter by level needs a hierarchy for {f.dimension!r}", f.location)
    tables = sorted({r.table for r in refs.values()})
    return GroupPlan(rule, tables, node=new, text=rule.spec["text"], by=by, where=where, refs=refs,
                     summed=summed, policy=spec.missing_cells)


def _map_children(n: ex.Node, fn) -> ex.Node:
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
    return n


def describe_plan(plan: Plan) -> dict[str, Any]:
    """A plain description (for debugging and for a future engine's tests)."""
    out = {"kind": type(plan).__name__, "rule": plan.rule.id, "tables": plan.tables}
    for key in ("dimension", "relation", "policy", "dimensions", "by", "text"):
        if hasattr(plan, key):
            out[key] = getattr(plan, key)
    return out
