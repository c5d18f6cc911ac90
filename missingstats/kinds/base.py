"""The rule model every kind shares, and the parsing helpers of rule mappings.

A rule is data: an id, one kind (the key that says what it checks: `check`, `hierarchy`,
`cumulative` ...), metadata (severity, description, message, tolerance) and the kind's own
`spec`, filled by the kind's `parse`. Kinds live one per module in this package; the
registry (registry.py) maps rule keys to them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from missingstats.core.errors import InputError, Location
from missingstats.inputs import yamlnodes as sy
from missingstats.language import expr as ex
from missingstats.language.intervals import Tolerance

FIGURE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
PAIRS = ("consecutive", "all")
# How a figure or cell that is not reported (or not available) counts: the table spec's
# `missing_cells`, or a rule's own `missing:` (R validate's na.value).
MISSING = ("not-evaluable", "zero", "fail")
MISSING_KINDS = ("check", "group", "hierarchy")  # the kinds that read values that may be missing
# Value schemas the kinds' key tables share (see missingstats.inputs.keys).
PAIRS_SCHEMA = {"enum": list(PAIRS), "default": "consecutive",
                "description": "Compare consecutive editions, or every pair."}
NAMES_OR_ALL = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"},
                                               "minItems": 1}]}


# How many checks one rule may expand to (a `for:` template is a cartesian product: ten
# variables of ten values are 10^10 checks). Commands raise it with --max-instances.
MAX_INSTANCES = 10_000
_INSTANCE_LIMIT: ContextVar[int] = ContextVar("instance_limit", default=MAX_INSTANCES)


def instance_limit() -> int:
    return _INSTANCE_LIMIT.get()


@contextmanager
def limit_instances(limit: int | None) -> Iterator[None]:
    """Rules loaded inside may expand to `limit` checks each (None: the default)."""
    token = _INSTANCE_LIMIT.set(MAX_INSTANCES if limit is None else limit)
    try:
        yield
    finally:
        _INSTANCE_LIMIT.reset(token)


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
    when: Any = None  # tables: the `when:` mapping (dimension -> codes), read by compile
    missing: str | None = None  # `missing:` of the rule; None: the file's policy


def names_or_all(node: sy.Node, what: str, allow_all: bool = True) -> list[str] | None:
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


def figure_name(node: sy.Node, what: str) -> str:
    text = sy.expect_string(node, what)
    if not FIGURE_NAME.match(text):
        raise InputError(
            f"{what} {str(text)!r} is not a figure name (dotted names such as missing.total)",
            text.location,
        )
    return str(text)


def figure_names(node: sy.Node, what: str, allow_one: bool = False) -> list[str]:
    if allow_one and isinstance(node, sy.Scalar):
        return [figure_name(node, what)]
    items = sy.expect_sequence(node, f"{what} (a list of figure names)")
    if not items:
        raise InputError(f"{what} lists no figures", items.location)
    names = [figure_name(i, what) for i in items]
    for i, n in enumerate(names):
        if n in names[:i]:
            raise InputError(f"{what} lists {n!r} twice", items[i].location)
    return names


def choice(m: sy.Mapping, key: str, choices: tuple[str, ...], default: str) -> str:
    if key not in m:
        return default
    text = sy.expect_string(m[key], key)
    if text not in choices:
        raise InputError(f"{key} must be {' or '.join(choices)}, found {str(text)!r}", text.location)
    return str(text)


def expr_location(text: sy.Scalar, column: int) -> Location:
    """Point into an expression when it sits on one line of the file."""
    if "\n" in text:
        return text.location
    offset = 0 if text.plain else 1
    return Location(text.file, text.line, text.column + offset + column - 1)


def parse_expression(text: sy.Scalar, rule_id: str) -> ex.Node:
    """A check expression, with a parse error located at its column in the file."""
    try:
        return ex.parse_check(str(text))
    except ex.ExprError as err:
        raise InputError(f"rule {rule_id!r}: {err.message}", expr_location(text, err.column)) from None
