"""Key tables: the keys each mapping of each input file may have, declared once.

A `Table` lists a mapping's keys (a sheet's top level, a figure, a table definition, a rule
kind's mapping ...): each key's name, whether it is required, a one-line description and the
JSON Schema of its value, which may name another table for a nested mapping. From that one
table come both

- the loader's check (`Table.check`): an unknown key is an InputError at the key's
  file:line:col with "did you mean" and the valid keys; a missing required key is one at
  the mapping; and
- the editor schema (`Table.schema`, assembled by missingstats.schemas.build),

so the loaders and the shipped JSON Schemas cannot drift. The loaders stay the authority on
values (YAML 1.1 surprises, names, conflicts between keys); a table only says which keys
exist and roughly what each holds.

A value schema is plain JSON Schema, in which a `Table` or a `Shared` schema may stand for
a nested part (it becomes a `$ref` into the document's `$defs`), and which may be a
zero-argument callable for a part another module owns (a rule kind's own keys, imported
only when a schema is built, never while checking).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from missingstats.core.errors import InputError, suggest
from missingstats.inputs import yamlnodes as sy

# Shared value schemas (an approximation of what the loaders accept, for editors).
NAME_RE = r"^[A-Za-z_][A-Za-z0-9_]*$"
DOTTED_RE = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
DATE_RE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
SCALAR = {"type": ["string", "number", "integer", "boolean"]}
TEXT = {"type": ["string", "number", "integer"]}
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
NAME = {"type": "string", "pattern": NAME_RE}
FIGURE_NAME = {"type": "string", "pattern": DOTTED_RE}
FIGURE_NAMES = {"anyOf": [FIGURE_NAME, {"type": "array", "items": FIGURE_NAME, "minItems": 1}]}
CODE = {"type": ["string", "integer"]}
DATE = {"anyOf": [{"type": "string", "pattern": DATE_RE},
                  {"type": "integer", "minimum": 1000, "maximum": 9999}]}  # a year: `as_of: 2020`
AMOUNT = {"type": "number", "minimum": 0}
SOURCES = {
    "description": "Other figure sheets whose figures this file's rules may use, as "
                   "alias.figure (letter2020.missing.total): alias: path, relative to this file.",
    "type": "object", "minProperties": 1, "propertyNames": NAME,
    "additionalProperties": {"type": "string", "minLength": 1},
}
# A rules file name, a list of rules or a rules file's mapping. Named by `$ref` rather than by
# table: inputs/rules.py imports the rule kinds, some of which import inputs/sheet.py, so a
# sheet cannot import the rules tables; schemas/build.py adds them to the documents that
# refer to them (and tests/test_schemas.py checks every `$ref` resolves).
RULES = {
    "description": "A rules file (relative to this file) or a list of rules.",
    "anyOf": [STRING, {"$ref": "#/$defs/ruleList"}, {"$ref": "#/$defs/rulesFile"}],
}


def case_free(words: list[str] | tuple[str, ...]) -> str:
    """A pattern matching `words` as bounds.normalise reads them: any case, spaces or _."""
    alts = []
    for word in sorted(words, key=len, reverse=True):
        out = ""
        for ch in word:
            if ch.isalpha():
                out += f"[{ch.lower()}{ch.upper()}]"
            elif ch == " ":
                out += "[ _]+"
            else:
                out += re.escape(ch)
        alts.append(out)
    return r"^\s*(" + "|".join(alts) + r")\s*$"


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its name, the schema of its value, and whether it must be there."""

    name: str
    value: Any = field(default_factory=dict)  # JSON Schema, a Table, a Shared, or a callable
    description: str = ""
    required: bool = False
    missing: str = ""  # the message when a required key is absent; {where} names the mapping


@dataclass(frozen=True)
class Shared:
    """A value schema that is not a mapping of known keys but is worth one `$defs` entry
    (it is used in several places, or refers to itself)."""

    name: str
    schema: dict


@dataclass(frozen=True)
class Table:
    """The keys of one kind of mapping, for the loader's check and for the JSON Schema."""

    name: str  # its `$defs` name in the schemas
    where: str  # how messages name the mapping ("a figure sheet", "'stock'"); check() may override
    description: str
    keys: tuple[Key, ...]
    other: Any = None  # the schema of keys not listed (an open mapping); None: a closed mapping
    other_names: str | None = None  # the pattern such other keys match (None: any)
    also: dict = field(default_factory=dict)  # further schema of the mapping (anyOf required ...)
    unknown: str = "unknown key"  # "unknown top-level key", "unknown rule key"
    hints: dict[str, str] = field(default_factory=dict)  # an unknown key -> what it suggests

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.keys)

    @property
    def closed(self) -> bool:
        return self.other is None

    def check(self, m: sy.Mapping, where: str | None = None) -> sy.Mapping:
        """Refuse unknown keys (at the key) and missing required ones (at the mapping)."""
        where = self.where if where is None else where
        if self.closed:
            names = set(self.names)
            for key in m:
                if key not in names:
                    raise InputError(self.unknown_message(str(key), where), key.location)
        for key in self.keys:
            if key.required and key.name not in m:
                message = key.missing or "{where} needs '" + key.name + "'"
                raise InputError(message.replace("{where}", where), m.location)
        return m

    def mapping(self, node: sy.Node, what: str | None = None, where: str | None = None) -> sy.Mapping:
        """`node` as a mapping of this table's keys (`what` names it if it is not a mapping)."""
        return self.check(sy.expect_mapping(node, what or self.where), where)

    def unknown_message(self, key: str, where: str) -> str:
        text = f"{self.unknown} {key!r}" + (f" in {where}" if where else "")
        hint = self.hints.get(key)
        text += f" ({hint})" if hint else suggest(key, self.names)
        return f"{text}; valid keys: {', '.join(sorted(self.names))}"

    def schema(self, defs: Defs) -> dict:
        """This mapping as a JSON Schema object; nested tables are added to `defs`."""
        out: dict[str, Any] = {"type": "object"}
        if self.description:
            out["description"] = self.description
        out["properties"] = {k.name: _described(resolve(k.value, defs), k.description)
                             for k in self.keys}
        required = [k.name for k in self.keys if k.required]
        if required:
            out["required"] = required
        if self.other is not None and self.other_names is not None:
            out["patternProperties"] = {self.other_names: resolve(self.other, defs)}
            out["additionalProperties"] = False
        else:
            out["additionalProperties"] = False if self.other is None else resolve(self.other, defs)
        out.update(resolve(self.also, defs))
        return out


def _described(schema: dict, description: str) -> dict:
    return {**schema, "description": description} if description else schema


class Defs(dict):
    """A schema document's `$defs`, remembering which table or shared schema made each entry."""

    def __init__(self) -> None:
        super().__init__()
        self.owners: dict[str, Table | Shared] = {}


def resolve(value: Any, defs: Defs) -> Any:
    """A value schema as plain JSON: tables and shared schemas become `$ref`s into `defs`
    (filled here, once per name), callables are called."""
    if isinstance(value, (Table, Shared)):
        owner = defs.owners.setdefault(value.name, value)
        if owner is not value:
            raise ValueError(f"two schemas are both called {value.name!r}")
        if value.name not in defs:
            defs[value.name] = {}  # a placeholder, so a table may refer to itself
            defs[value.name] = (value.schema(defs) if isinstance(value, Table)
                                else resolve(value.schema, defs))
        return {"$ref": f"#/$defs/{value.name}"}
    if callable(value):
        return resolve(value(), defs)
    if isinstance(value, dict):
        return {k: resolve(v, defs) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve(v, defs) for v in value]
    return value
