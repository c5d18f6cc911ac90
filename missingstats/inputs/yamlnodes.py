"""Strict YAML: the node tree with positions, and no YAML 1.1 type guessing.

PyYAML resolves `no` to False, `0719` to an octal 465, `1:20` to 80 and keeps the last of
two duplicate keys. A data editor never means any of that, so we compose the node tree
(which keeps every mark) and interpret scalars ourselves: a scalar stays its source text
until a caller asks for a count, a number or a string, and each request explains itself
when the text is not of that kind.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from missingstats.core.errors import InputError, Location
from missingstats.core.results import Note  # noqa: F401  (loaders report their decisions)
from missingstats.inputs import reader
from missingstats.inputs.reader import display_name

# libyaml's parser when present (10x faster, same nodes and marks), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Scalar(str):
    """A scalar's source text with its position; `plain` is False when it was quoted."""

    file: str
    line: int
    column: int
    plain: bool

    def __new__(cls, text: str, file: str, line: int, column: int, plain: bool) -> Scalar:
        obj = super().__new__(cls, text)
        obj.file, obj.line, obj.column, obj.plain = file, line, column, plain
        return obj

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.column)


class Mapping(dict):
    """A mapping whose keys are Scalars (so each key knows its line) and with its own mark."""

    location: Location


class Sequence(list):
    """A sequence with its own mark."""

    location: Location


Node = Scalar | Mapping | Sequence

NULL_WORDS = {"", "~", "null", "Null", "NULL"}
BOOL_WORDS = {
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
    "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
}
DIGITS = re.compile(r"(0|[1-9][0-9]*)\Z")
LEADING_ZERO = re.compile(r"0[0-9]+\Z")
SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z")
FLOATISH = re.compile(r"[-+]?([0-9][0-9_]*)?\.?[0-9_]*([eE][-+]?[0-9]+)?\Z")
NUMBER = re.compile(r"[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?\Z")
# Thousands grouped by comma, space, no-break space, narrow no-break or thin space.
GROUPED = re.compile(r"[1-9][0-9]{0,2}([,\u0020\u00a0\u202f\u2009])[0-9]{3}(\1[0-9]{3})*\Z")


def read_text(path: str | Path) -> str:
    """A YAML file's text through the bounded reader (special files, size cap, encoding)."""
    return reader.read_text(path, "yaml")


def load(path: str | Path, text: str | None = None) -> Node:
    """Compose one YAML document into Scalars, Mappings and Sequences with positions."""
    name = display_name(path)
    if text is None:
        text = read_text(path)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise InputError("is empty: expected a YAML mapping", Location(name, 1, 1))
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"invalid YAML: {problem}", where) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", Location(name)) from None
    if root is None:
        raise InputError("is empty: expected a YAML mapping", Location(name, 1, 1))
    _Expansion(name).size(root, 0)
    return _convert(root, name)


MAX_DEPTH = 100  # nesting levels: no sheet nests that deep, and each costs Python frames
ALIAS_BUDGET = 100_000  # nodes that aliases may add to the ones written out


class _Expansion:
    """What aliases would make of the composed tree, measured before it is expanded.

    The composer shares an anchored node between its aliases, so the tree is small even
    when its expansion is not (a 'billion laughs' document: nine aliases of nine aliases
    ...). Sizes are memoised per node, so this costs one visit per written node; a node that
    contains itself (a recursive alias) or a tree nested too deeply is a located error."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()
        self.added = 0

    def size(self, node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in self.open:
            raise InputError("a recursive alias: this anchored node contains an alias of "
                             "itself", self._where(node))
        if key in self.sizes:  # an alias: its whole expansion is added again
            self.added += self.sizes[key]
            if self.added > ALIAS_BUDGET:
                raise InputError(
                    f"aliases expand this document by more than {ALIAS_BUDGET:,} nodes "
                    "(an alias of this anchor, repeated); write the entries out or use fewer "
                    "aliases", self._where(node))
            return self.sizes[key]
        if depth > MAX_DEPTH:
            raise InputError(f"nested more than {MAX_DEPTH} levels deep", self._where(node))
        total = 1
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            self.open.add(key)
            items = node.value if isinstance(node, yaml.SequenceNode) else \
                [n for pair in node.value for n in pair]
            for item in items:
                total += self.size(item, depth + 1)
            self.open.discard(key)
        self.sizes[key] = total
        return total

    def _where(self, node: yaml.Node) -> Location:
        line, col = _where(node, self.name)
        return Location(self.name, line, col)


def _where(node: yaml.Node, name: str) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: yaml.Node, name: str) -> Node:
    line, col = _where(node, name)
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in (
            "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
            "tag:yaml.org,2002:value", "tag:yaml.org,2002:merge",
        ):
            raise InputError(
                f"YAML tag {node.tag!r} is not supported; write plain values",
                Location(name, line, col),
            )
        return Scalar(node.value, name, line, col, plain=node.style in (None, ""))
    if isinstance(node, yaml.SequenceNode):
        seq = Sequence(_convert(item, name) for item in node.value)
        seq.location = Location(name, line, col)
        return seq
    mapping = Mapping()
    mapping.location = Location(name, line, col)
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            kl, kc = _where(key_node, name)
            raise InputError("a key must be a plain name", Location(name, kl, kc))
        key = _convert(key_node, name)
        assert isinstance(key, Scalar)
        if key.plain and key == "<<":
            raise InputError(
                "YAML merge keys ('<<') are not supported; write the entries out",
                key.location,
            )
        if key in mapping:
            first = next(k for k in mapping if k == key)
            raise InputError(
                f"duplicate key {str(key)!r} (first at line {first.line}); "
                "YAML would silently keep only the last one",
                key.location,
            )
        mapping[key] = _convert(value_node, name)
    return mapping


def describe(node: Node) -> str:
    """Name a node's kind for error messages."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return f"{str(node)!r}"


def location_of(node: Node) -> Location:
    return node.location


def expect_mapping(node: Node, what: str) -> Mapping:
    if not isinstance(node, Mapping):
        raise InputError(f"{what} must be a mapping, found {describe(node)}", node.location)
    return node


def expect_sequence(node: Node, what: str) -> Sequence:
    if not isinstance(node, Sequence):
        raise InputError(f"{what} must be a list, found {describe(node)}", node.location)
    return node


def expect_string(node: Node, what: str) -> Scalar:
    if not isinstance(node, Scalar):
        raise InputError(f"{what} must be text, found {describe(node)}", node.location)
    if node.plain and node in NULL_WORDS:
        raise InputError(f"{what} is empty; give a value", node.location)
    return node


def expect_choice(node: Node, choices: tuple[str, ...] | list[str], what: str) -> str:
    """One of a fixed set of words (severity, policy, unit), naming the valid ones if not."""
    text = expect_string(node, what)
    if text not in choices:
        raise InputError(f"{what} {str(text)!r} is not one of {', '.join(choices)}", text.location)
    return str(text)


def expect_bool(node: Node, what: str) -> bool:
    """Only true/false: YAML 1.1's yes/no/on/off are refused, they are too easy to mistype."""
    if isinstance(node, Scalar) and node.plain and node in ("true", "false"):
        return node == "true"
    raise InputError(f"{what} must be true or false, found {describe(node)}", node.location)


def _count_problem(text: str) -> str:
    """Explain, for a plain scalar that is not a count, what YAML or a reader would make of it."""
    if text in NULL_WORDS:
        return "has no value; write the count (leave a figure out if it was not published)"
    if text in BOOL_WORDS:
        return (
            f"{text!r} is read as a boolean by YAML 1.1, not a count; "
            "write a whole number such as 719"
        )
    if LEADING_ZERO.match(text):
        return (
            f"{text!r} has a leading zero, which YAML 1.1 reads as an octal number; "
            f"write {int(text)} (or quote it if the zero matters)"
        )
    if SEXAGESIMAL.match(text):
        return (
            f"{text!r} is read by YAML 1.1 as a base-60 number; a count is a whole number "
            "(write a ratio such as 1:20 as two figures)"
        )
    if text.startswith("-") and DIGITS.match(text[1:]):
        return f"{text!r} is negative; a count of persons is 0 or more"
    if FLOATISH.match(text) and any(ch.isdigit() for ch in text):
        return f"{text!r} is not a whole number; a count is written with digits only, such as 3889"
    return f"{text!r} is not a count; write a whole number such as 3889"


MAX_COUNT = (1 << 53) - 1  # the largest whole number float64 (every engine's number) holds exactly


def parse_count(node: Node, what: str, notes: list[Note] | None = None) -> int:
    """A count, refused beyond MAX_COUNT: 2^63 and 2^63 - 1 would compare equal as floats."""
    if isinstance(node, Scalar) and len(node) > 20 and re.fullmatch(r"\s*[0-9][0-9,\s]*", node):
        value = MAX_COUNT + 1  # digits only, but too many to convert (int() stops at 4,300)
    else:
        value = _parse_count(node, what, notes)
    if value > MAX_COUNT:
        raise InputError(
            f"{what}: {_short(node)!r} is too large: counts must be below 2^53 = "
            "9,007,199,254,740,992 (larger whole numbers cannot be compared exactly)",
            node.location,
        )
    return value


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:30] + "..." + text[-6:]


def _parse_count(node: Node, what: str, notes: list[Note] | None = None) -> int:
    """Accept a count only from plain digits, or deliberately from '3,889'-style grouping.

    A grouped number (comma, space or no-break space between groups of three) is read as a
    count and recorded as a note, so the report shows the decision; anything else is an error
    that says what YAML or a reader would have made of it.
    """
    if not isinstance(node, Scalar):
        raise InputError(f"{what} must be a count, found {describe(node)}", node.location)
    text = str(node)
    if node.plain and DIGITS.match(text):
        return int(text)
    stripped = text.strip()
    if not node.plain and DIGITS.match(stripped):
        if LEADING_ZERO.match(stripped):
            raise InputError(f"{what}: {_count_problem(stripped)}", node.location)
        return int(stripped)
    if GROUPED.match(stripped):
        value = int(re.sub(r"[^0-9]", "", stripped))
        if notes is not None:
            notes.append(
                Note(node.location, f"{what}: {text!r} read as {value} (thousands separators)")
            )
        return value
    if re.fullmatch(r"[1-9][0-9]{0,2}([.'][0-9]{3})+", stripped):
        raise InputError(
            f"{what}: {text!r} is ambiguous (a decimal point or a thousands separator?); "
            f"write the count with digits only",
            node.location,
        )
    if not node.plain:
        return_problem = _count_problem(stripped) if stripped else "is empty"
        raise InputError(f"{what}: {return_problem}", node.location)
    raise InputError(f"{what}: {_count_problem(text)}", node.location)


def parse_number(node: Node, what: str) -> float:
    """A plain decimal number (tolerances, percentages): no exponents, no YAML 1.1 forms."""
    if isinstance(node, Scalar) and NUMBER.match(str(node).strip()):
        text = str(node).strip()
        if len(text.lstrip("-+").split(".")[0]) > 15:
            raise InputError(f"{what}: {text[:20]!r}... has more than 15 digits before the "
                             "decimal point; no tolerance, share or weight is that large",
                             node.location)
        return float(text)
    raise InputError(
        f"{what} must be a number such as 0.5, found {describe(node)}",
        node.location,
    )
