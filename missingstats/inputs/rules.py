"""Rule files: declarative YAML, parsed and checked before any data is touched.

    figures: [missing.total, ...]     # optional vocabulary of the pack (names it may use)
    include: [other-rules.yaml]       # optional, relative to this file
    rules:
      - id: detained-within-missing
        for: {g: [total, civilians.total]}
        check: detained.{g} <= missing.{g}
        severity: error               # error | warning | info
        description: ...
        message: ...
        tolerance: 0                  # or {absolute: 2, relative: 0.01}, for equalities
        missing: zero                 # a figure not reported counts as 0 (or fail;
                                      # default: the file's policy, not evaluable)

A rule is data: an id, one kind key (`check`, `hierarchy`, `cumulative` ...: the kinds of
missingstats.kinds.registry, each of which parses its own key) and metadata. A bad rule is an input error with
file:line:col; we never drop a rule with a warning, a CI gate must fail loudly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from missingstats.core.errors import InputError, Location, suggest
from missingstats.inputs import keys as kt
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.keys import Key, Table
from missingstats.kinds.base import MISSING, MISSING_KINDS, Instance, Rule  # noqa: F401
from missingstats.kinds.registry import BY_KEY, module
from missingstats.language import expr as ex
from missingstats.language.intervals import Tolerance

RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*\Z")
SEVERITIES = ("error", "warning", "info")

# --- the keys of a rules file's mappings (checked here, and the rules JSON Schema) ----------

TOLERANCE = Table("tolerance", "tolerance", "Absolute and relative slack for equalities.", (
    Key("absolute", kt.AMOUNT, "Slack in the figures' unit."),
    Key("relative", kt.AMOUNT, "Slack as a fraction of the larger side (0.01: 1%)."),
))
COMMON = (
    Key("id", {**kt.TEXT, "pattern": "^" + RULE_ID.pattern.removesuffix(r"\Z") + "$"},
        "A stable id (letters, digits, - _ . :); reports and SARIF use it.", required=True,
        missing="a rule needs an 'id'"),
    Key("severity", {"enum": list(SEVERITIES), "default": "error"},
        "error fails the run (exit 1); warning and info do not unless --strict."),
    Key("description", kt.TEXT, "The rule in words, shown with every failure."),
    Key("label", kt.TEXT, "A short name for the rule (used as description when none is given)."),
    Key("message", kt.TEXT, "A message shown with each failing instance."),
    Key("tolerance", {"anyOf": [kt.AMOUNT, TOLERANCE]},
        "Slack for equalities: a number (absolute) or {absolute, relative}."),
    Key("missing", {"enum": list(MISSING)},
        "How a figure or cell that is not reported counts for this rule: not-evaluable, zero "
        "or fail (default: the table spec's missing_cells; not-evaluable on sheets). For check, "
        "group and hierarchy rules."),
    Key("for", {"type": "object", "additionalProperties": {"type": "array", "items": kt.TEXT,
                                                           "minItems": 1}},
        "Template variables: each `{name}` in the check takes every listed value (cartesian "
        "product over several variables)."),
    Key("when", {"type": "object", "additionalProperties": {"anyOf": [
        kt.CODE, {"type": "array", "items": kt.CODE, "minItems": 1},
        {"type": "object", "required": ["not"], "additionalProperties": False,
         "properties": {"not": {"anyOf": [kt.CODE, {"type": "array", "items": kt.CODE}]}}},
        {"type": "object", "properties": {"from": kt.TEXT, "to": kt.TEXT},
         "additionalProperties": False}]}},
        "Table rules (check, hierarchy): only where these dimensions have these codes, e.g. "
        "{sex: T, geo: {not: [EU27]}, time: {from: 2020}}."),
)
COMMON_KEYS = {k.name for k in COMMON}
KIND_KEYS = ("check", *sorted(k for k in BY_KEY if k != "check"))


def _kind_value(key: str) -> Callable[[], Any]:
    """The schema of a rule kind's key, from the kind's module (imported only for schemas)."""
    return lambda: module(key).SCHEMAS[key]


RULE = Table(
    "rule", "a rule", "A rule: an id, exactly one kind key (check, ...) and metadata.",
    (*COMMON, *(Key(k, _kind_value(k)) for k in KIND_KEYS)),
    unknown="unknown rule key",
    also={"oneOf": [{"required": [k]} for k in KIND_KEYS]},
)
RULE_LIST = kt.Shared("ruleList", {"type": "array", "items": RULE, "description": "A list of rules."})
RULES_FILE = Table(
    "rulesFile", "a rules file", "Rules for `missingstats check --rules`, a sheet's `rules:` or a "
    "rules.yaml beside a sheet.", (
        Key("rules", RULE_LIST),
        Key("include", {"type": "array", "items": kt.STRING},
            "Other rules files, relative to this one."),
        Key("figures", {"type": "array", "items": kt.FIGURE_NAME, "minItems": 1},
            "The pack's vocabulary: names its rules may use. A sheet that lacks one gets 'not "
            "evaluable' for the rules using it."),
        Key("description", kt.TEXT, "What this pack is for."),
    ),
    unknown="unknown top-level key",
    hints={"source": "is this a figure sheet?", "tables": "is this a table spec?",
           "editions": "is this an editions file?"},
    also={"anyOf": [{"required": ["rules"]}, {"required": ["include"]}]},
)


@dataclass
class RuleSet:
    rules: list[Rule]
    vocabulary: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)

    def extend(self, other: RuleSet) -> None:
        seen = {r.id: r for r in self.rules}
        for rule in other.rules:
            if rule.id in seen:
                raise InputError(
                    f"rule id {rule.id!r} is defined twice (also at {seen[rule.id].location})",
                    rule.location,
                )
            seen[rule.id] = rule
            self.rules.append(rule)
        self.vocabulary |= other.vocabulary
        self.files += other.files


def load_rules(path: str | Path, _stack: tuple[str, ...] = ()) -> RuleSet:
    """Load a rules file (and its includes)."""
    name = str(path)
    resolved = str(Path(path).resolve())
    if resolved in _stack:
        raise InputError("include cycle: this file includes itself", Location(name))
    root = sy.load(path)
    return rules_from_node(root, name, base=Path(path).parent, stack=_stack + (resolved,))


def rules_from_node(root: sy.Node, name: str, base: Path, stack: tuple[str, ...] = ()) -> RuleSet:
    """Rules from a parsed node: a rules file's root, or a sheet's inline `rules:` value."""
    if isinstance(root, sy.Sequence):
        top = sy.Mapping({sy.Scalar("rules", name, 0, 0, True): root})
        top.location = root.location
    else:
        top = RULES_FILE.mapping(root)
    ruleset = RuleSet([], set(), [name])
    if isinstance(top.get("figures"), sy.Mapping):
        raise InputError(
            "this looks like a figure sheet, not a rules file (is this a figure sheet?)",
            top.location,
        )
    if "figures" in top:
        for item in sy.expect_sequence(top["figures"], "'figures' (the pack's vocabulary)"):
            text = sy.expect_string(item, "a figure name")
            ruleset.vocabulary.add(str(text))
    for item in _sequence_or_empty(top.get("include"), "'include'"):
        target = sy.expect_string(item, "an include")
        included = base / str(target)
        if not included.exists():
            raise InputError(f"included rules file {str(target)!r} does not exist", item.location)
        ruleset.extend(load_rules(included, stack))
    own = RuleSet([], set(), [])
    if "rules" not in top and "include" not in top:
        raise InputError("a rules file needs a 'rules:' list", top.location)
    for node in _sequence_or_empty(top.get("rules"), "'rules'"):
        own.rules.append(parse_rule(node, name, bool(ruleset.vocabulary)))
    ruleset.extend(own)
    if ruleset.vocabulary:
        check_vocabulary(ruleset)
    return ruleset


def _sequence_or_empty(node: sy.Node | None, what: str) -> list[sy.Node]:
    if node is None:
        return []
    return list(sy.expect_sequence(node, what))


def parse_rule(node: sy.Node, file: str, generic: bool = False) -> Rule:
    m = sy.expect_mapping(node, "a rule")
    given = m.get("id")
    RULE.check(m, f"rule {str(given)!r}" if isinstance(given, sy.Scalar) else "")
    kinds = [k for k in m if k in BY_KEY]
    rid = sy.expect_string(m["id"], "a rule id")
    if not RULE_ID.match(rid):
        raise InputError(
            f"rule id {str(rid)!r} may use letters, digits and - _ . : only", rid.location
        )
    if len(kinds) != 1:
        raise InputError(
            f"rule {str(rid)!r} needs exactly one of: {', '.join(KIND_KEYS)}", m.location,
        )
    rule = Rule(str(rid), str(kinds[0]), rid.location, generic=generic, source=file)
    if "severity" in m:
        rule.severity = sy.expect_choice(m["severity"], SEVERITIES, "severity")
    for key in ("description", "message", "label"):
        if key in m:
            text = str(sy.expect_string(m[key], key))
            if key == "message":
                rule.message = text
            elif key == "description" or not rule.description:
                rule.description = text
    if "tolerance" in m:
        rule.tolerance = parse_tolerance(m["tolerance"])
    if "missing" in m:
        rule.missing = sy.expect_choice(m["missing"], MISSING, "missing")
        if rule.kind not in MISSING_KINDS:
            raise InputError(f"'missing:' applies to {', '.join(MISSING_KINDS)} rules, not "
                             f"{rule.kind}", m["missing"].location)
    if "for" in m and rule.kind != "check":
        raise InputError(f"'for:' applies to 'check' rules, not {rule.kind}", m["for"].location)
    if "when" in m:
        if rule.kind not in ("check", "hierarchy"):
            raise InputError(f"'when:' applies to check and hierarchy rules on tables, not "
                             f"{rule.kind}", m["when"].location)
        rule.when = sy.expect_mapping(m["when"], "'when'")
    module(rule.kind).parse(m, rule)
    return rule


def parse_tolerance(node: sy.Node) -> Tolerance:
    if isinstance(node, sy.Scalar):
        value = sy.parse_number(node, "tolerance")
        if value < 0:
            raise InputError("tolerance must be 0 or more", node.location)
        return Tolerance(absolute=value)
    m = TOLERANCE.mapping(node)
    out = {"absolute": 0.0, "relative": 0.0}
    for key, value in m.items():
        out[str(key)] = sy.parse_number(value, f"tolerance.{key}")
        if out[str(key)] < 0:
            raise InputError(f"tolerance.{key} must be 0 or more", value.location)
    return Tolerance(**out)


def check_vocabulary(ruleset: RuleSet) -> None:
    """A pack that declares its vocabulary may only use those names (typos caught early)."""
    for rule in ruleset.rules:
        for inst in rule.instances:
            for name in ex.names(inst.node):
                if name not in ruleset.vocabulary:
                    raise InputError(
                        f"rule {rule.id!r} uses {name!r}, which is not in the pack's "
                        f"'figures:' list{suggest(name, ruleset.vocabulary)}",
                        rule.location,
                    )
