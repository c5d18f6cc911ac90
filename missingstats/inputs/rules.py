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

A rule is data: an id, one kind key (`check`, or a kind another module registers in
RULE_KINDS, such as table hierarchies) and metadata. A bad rule is an input error with
file:line:col; we never drop a rule with a warning, a CI gate must fail loudly.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from missingstats.core.errors import InputError, Location
from missingstats.inputs import yamlnodes as sy
from missingstats.language import expr as ex
from missingstats.language.intervals import Tolerance

RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*\Z")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
SEVERITIES = ("error", "warning", "info")
COMMON_KEYS = {"id", "severity", "description", "message", "tolerance", "for", "label"}
TOP_KEYS = {"rules", "include", "figures", "description"}

# Kind key -> parser(rule mapping, Rule) filling rule.spec; `check` is built in, tables and
# series register their own kinds here when their modules are imported.
RULE_KINDS: dict[str, Callable[[sy.Mapping, Rule], None]] = {}
# Modules that register kinds, imported before the first rule is parsed, so every caller of
# load_rules (check, lint, schema, tests) knows every kind. They import no pandas.
KIND_MODULES: list[str] = ["missingstats.kinds.series_rules", "missingstats.kinds.table_rules"]
_KINDS_LOADED: list[bool] = []


def _load_kinds() -> None:
    if _KINDS_LOADED:
        return
    import importlib

    _KINDS_LOADED.append(True)
    for module in KIND_MODULES:
        importlib.import_module(module)


@dataclass
class Instance:
    """One expanded rule expression (a template bound to one choice of its variables)."""

    text: str
    node: ex.Node
    bindings: dict[str, str] = field(default_factory=dict)


@dataclass
class Rule:
    id: str
    kind: str
    location: Location
    severity: str = "error"
    description: str = ""
    message: str | None = None
    tolerance: Tolerance = Tolerance()
    instances: list[Instance] = field(default_factory=list)
    spec: dict[str, Any] = field(default_factory=dict)
    generic: bool = False  # from a pack with a vocabulary: absent names are "missing"
    source: str = ""


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
        top = sy.expect_mapping(root, "a rules file")
        for key in top:
            if key not in TOP_KEYS:
                hint = " (is this a figure sheet?)" if key in ("figures", "source") else ""
                raise InputError(
                    f"unknown top-level key {str(key)!r} in a rules file; use "
                    f"{', '.join(sorted(TOP_KEYS))}{hint}",
                    key.location,
                )
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
    if any(k not in COMMON_KEYS and k != "check" and k not in RULE_KINDS for k in m):
        _load_kinds()  # only a rule of another kind pays for importing the kind modules
    kinds = [k for k in m if k == "check" or k in RULE_KINDS]
    for key in m:
        if key not in COMMON_KEYS and key != "check" and key not in RULE_KINDS:
            valid = sorted(COMMON_KEYS | {"check"} | set(RULE_KINDS))
            raise InputError(
                f"unknown rule key {str(key)!r}; a rule may have {', '.join(valid)}",
                key.location,
            )
    if "id" not in m:
        raise InputError("a rule needs an 'id'", m.location)
    rid = sy.expect_string(m["id"], "a rule id")
    if not RULE_ID.match(rid):
        raise InputError(
            f"rule id {str(rid)!r} may use letters, digits and - _ . : only", rid.location
        )
    if len(kinds) != 1:
        choices = ", ".join(["check"] + sorted(RULE_KINDS))
        raise InputError(
            f"rule {str(rid)!r} needs exactly one of: {choices}",
            m.location,
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
    bindings = _bindings(m.get("for"))
    if rule.kind == "check":
        rule.instances = expand(m["check"], bindings, rule.id)
    else:
        if bindings:
            raise InputError(f"'for:' applies to 'check' rules, not {rule.kind}", m["for"].location)
        RULE_KINDS[rule.kind](m, rule)
    return rule


def parse_tolerance(node: sy.Node) -> Tolerance:
    if isinstance(node, sy.Scalar):
        value = sy.parse_number(node, "tolerance")
        if value < 0:
            raise InputError("tolerance must be 0 or more", node.location)
        return Tolerance(absolute=value)
    m = sy.expect_mapping(node, "tolerance")
    out = {"absolute": 0.0, "relative": 0.0}
    for key, value in m.items():
        if key not in out:
            raise InputError("tolerance has 'absolute' and 'relative'", key.location)
        out[str(key)] = sy.parse_number(value, f"tolerance.{key}")
        if out[str(key)] < 0:
            raise InputError(f"tolerance.{key} must be 0 or more", value.location)
    return Tolerance(**out)


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
                _expr_location(text, col + 1),
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
            where = _expr_location(text, err.column) if not keys else text.location
            bound = f" (with {', '.join(f'{k}={v}' for k, v in chosen.items())})" if keys else ""
            raise InputError(f"rule {rule_id!r}: {err.message}{bound}", where) from None
        instances.append(Instance(ex.to_text(node), node, chosen))
    return instances


def _expr_location(text: sy.Scalar, column: int) -> Location:
    """Point into the expression when it sits on one line of the file."""
    if "\n" in text:
        return text.location
    offset = 0 if text.plain else 1
    return Location(text.file, text.line, text.column + offset + column - 1)


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


def suggest(name: str, candidates) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
