"""Rule kinds for tables, registered in missingstats.inputs.rules.RULE_KINDS on import.

    - id: sex-adds-up
      hierarchy: sex                  # or {dimension: age, relation: "<=", table: cube}
    - id: no-duplicates
      unique: cube                    # a table, a list of tables, or all
    - id: known-codes
      codes: geo                      # a dimension, a list, or all (dimensions with a code list)
    - id: complete
      complete: [sex, age, status]    # these combinations, within every combination of the rest
    - id: regions-make-national
      group:
        check: sum(regions.value) == national.value
        by: [year, sex]               # one instance per year x sex
        where: {geo: {level: 1}}      # optional: which rows take part

Parsing only checks the rule's own shape; names of tables, dimensions and codes are checked
against the spec when the rules are compiled (plan.py), still before any data is read.
`relation` of a hierarchy: "==" the parts add up to the total (default); "sum <=" they add
up to at most the total (a breakdown that leaves some out); "<=" each part is at most the
total (overlapping breakdowns, such as children and women).
"""

from __future__ import annotations

from missingstats.core.errors import InputError, Location
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.rules import RULE_KINDS, Rule
from missingstats.language import expr as ex

RELATIONS = ("==", "sum <=", "<=")


def _names(node: sy.Node, what: str, allow_all: bool = True) -> list[str] | None:
    """A name, a list of names, or `all` (None)."""
    if isinstance(node, sy.Scalar):
        text = sy.expect_string(node, what)
        if allow_all and text == "all" and text.plain:
            return None
        return [str(text)]
    items = sy.expect_sequence(node, what)
    if not items:
        raise InputError(f"{what} lists nothing", node.location)
    return [str(sy.expect_string(i, what)) for i in items]


def parse_hierarchy_rule(m: sy.Mapping, rule: Rule) -> None:
    node = m["hierarchy"]
    rule.spec = {"relation": "==", "tables": None, "node": node}
    if isinstance(node, sy.Scalar):
        rule.spec["dimension"] = str(sy.expect_string(node, "'hierarchy' (a dimension)"))
        return
    h = sy.expect_mapping(node, "'hierarchy'")
    for key in h:
        if key not in ("dimension", "relation", "table"):
            raise InputError("'hierarchy' has dimension, relation and table", key.location)
    if "dimension" not in h:
        raise InputError("'hierarchy' needs 'dimension'", h.location)
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
        rule.spec["tables"] = _names(h["table"], "'table'", allow_all=False)


def parse_unique_rule(m: sy.Mapping, rule: Rule) -> None:
    rule.spec = {"tables": _names(m["unique"], "'unique' (tables)"), "node": m["unique"]}


def parse_codes_rule(m: sy.Mapping, rule: Rule) -> None:
    rule.spec = {"dimensions": _names(m["codes"], "'codes' (dimensions)"), "node": m["codes"]}


def parse_complete_rule(m: sy.Mapping, rule: Rule) -> None:
    node = m["complete"]
    rule.spec = {"tables": None, "node": node}
    if isinstance(node, sy.Mapping):
        for key in node:
            if key not in ("dimensions", "table"):
                raise InputError("'complete' has dimensions and table", key.location)
        if "dimensions" not in node:
            raise InputError("'complete' needs 'dimensions'", node.location)
        rule.spec["dimensions"] = _names(node["dimensions"], "'dimensions'")
        if "table" in node:
            rule.spec["tables"] = _names(node["table"], "'table'", allow_all=False)
    else:
        rule.spec["dimensions"] = _names(node, "'complete' (dimensions)")


def parse_group_rule(m: sy.Mapping, rule: Rule) -> None:
    g = sy.expect_mapping(m["group"], "'group'")
    for key in g:
        if key not in ("check", "by", "where"):
            raise InputError("'group' has check, by and where", key.location)
    if "check" not in g:
        raise InputError("'group' needs 'check', e.g. sum(regions.value) == national.value",
                         g.location)
    text = sy.expect_string(g["check"], "'check'")
    try:
        node = ex.parse_check(str(text))
    except ex.ExprError as err:
        raise InputError(f"rule {rule.id!r}: {err.message}", expr_location(text, err.column)) from None
    by = _names(g["by"], "'by'", allow_all=False) if "by" in g else []
    where: dict[str, sy.Node] = {}
    if "where" in g:
        for dim, value in sy.expect_mapping(g["where"], "'where'").items():
            where[str(dim)] = value
    rule.spec = {"node": node, "text": ex.to_text(node), "by": by, "where": where,
                 "check_node": text, "by_node": g.get("by"), "group_node": g}


def expr_location(text: sy.Scalar, column: int) -> Location:
    """Point into an expression when it sits on one line of the file."""
    if "\n" in text:
        return text.location
    offset = 0 if text.plain else 1
    return Location(text.file, text.line, text.column + offset + column - 1)


KINDS = {
    "hierarchy": parse_hierarchy_rule,
    "unique": parse_unique_rule,
    "codes": parse_codes_rule,
    "complete": parse_complete_rule,
    "group": parse_group_rule,
}
TABLE_KINDS = frozenset(KINDS)
for _kind, _parser in KINDS.items():
    RULE_KINDS.setdefault(_kind, _parser)
