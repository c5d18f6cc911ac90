"""Observation flags: which cells a publisher marks confidential, estimated or provisional.

    flags: {column: OBS_STATUS, confidential: [c], estimated: [e], provisional: [p]}
    flags: {estimated: error}          # default codes, but a failure stays an error

A cell's flag is the text of its flag column (SDMX `OBS_STATUS`/`OBS_FLAG`/`CONF_STATUS`,
JSON-stat `status`). A confidential cell makes every instance it takes part in not
evaluable; an instance that fails while one of its cells is estimated or provisional is
reported at warning level unless that class says `error`. The texts are classified once
per distinct text (a table has a handful), never per cell. Eurostat writes several flags in
one text ("ep": estimated and provisional): a text that is not itself a code counts as each
of its characters that is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from missingstats.core.errors import InputError, Location
from missingstats.inputs import keys as kt
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.keys import Key, Table

CONFIDENTIAL, ESTIMATED, PROVISIONAL = 1, 2, 4
CLASSES = {"confidential": CONFIDENTIAL, "estimated": ESTIMATED, "provisional": PROVISIONAL}
# Eurostat's lower-case flags and SDMX's OBS_STATUS / CONF_STATUS code lists.
DEFAULT_CODES = {"confidential": ("c", "C", "D"), "estimated": ("e", "E"),
                 "provisional": ("p", "P")}
LEVELS = ("warning", "error")

CODES = {"type": "array", "items": kt.CODE, "minItems": 1}
CLASS_VALUE = {"anyOf": [CODES, {"enum": list(LEVELS)}, {
    "type": "object", "properties": {"codes": CODES, "level": {"enum": list(LEVELS)}},
    "additionalProperties": False}]}
TABLE = Table("flags", "'flags'", "Observation flags and what they mean for a check.", (
    Key("column", {"anyOf": [kt.STRING, {"type": "array", "items": kt.STRING, "minItems": 1}]},
        "The flag column(s) (default: OBS_STATUS or OBS_FLAG in SDMX, status in JSON-stat)."),
    Key("confidential", CLASS_VALUE, "Flags of confidential cells (default c, C, D): an "
        "instance with one is not evaluable."),
    Key("estimated", CLASS_VALUE, "Flags of estimates (default e, E), or `error` to keep "
        "their failures errors (default: warnings)."),
    Key("provisional", CLASS_VALUE, "Flags of provisional cells (default p, P), or `error`."),
))


@dataclass
class FlagSpec:
    columns: list[str]  # empty: the format's own (JSON-stat status, SDMX OBS_STATUS ...)
    codes: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_CODES))
    error: set[str] = field(default_factory=set)  # classes whose failures stay errors
    location: Location | None = None

    @property
    def downgraded(self) -> int:
        """The class bits that make a failure a warning."""
        bits = 0
        for name in ("estimated", "provisional"):
            if name not in self.error:
                bits |= CLASSES[name]
        return bits

    def classify(self, texts: list[str]) -> np.ndarray:
        """Class bits per distinct flag text (0: no flag that matters)."""
        lookup: dict[str, int] = {}
        for name, codes in self.codes.items():
            for code in codes:
                lookup[code] = lookup.get(code, 0) | CLASSES[name]
        out = np.zeros(len(texts), dtype=np.int8)
        for i, text in enumerate(texts):  # per distinct text: a handful
            t = text.strip()
            if t in lookup:
                out[i] = lookup[t]
            else:
                for ch in t:
                    out[i] |= lookup.get(ch, 0)
        return out


def parse_flags(node: sy.Node) -> FlagSpec:
    m = TABLE.mapping(node)
    columns: list[str] = []
    if "column" in m:
        col = m["column"]
        items = [col] if isinstance(col, sy.Scalar) else list(sy.expect_sequence(col, "'column'"))
        columns = [str(sy.expect_string(c, "a flag column")) for c in items]
    spec = FlagSpec(columns, location=m.location)
    for name in CLASSES:
        if name not in m:
            continue
        value = m[name]
        if isinstance(value, sy.Scalar):
            level = sy.expect_choice(value, LEVELS, f"'{name}' (a list of flags, or a level)")
            _level(spec, name, level)
            continue
        if isinstance(value, sy.Mapping):
            if set(value) - {"codes", "level"}:
                raise InputError(f"'{name}' has the keys codes and level", value.location)
            if "level" in value:
                _level(spec, name, sy.expect_choice(value["level"], LEVELS, "'level'"))
            if "codes" not in value:
                continue
            value = value["codes"]
        items = sy.expect_sequence(value, f"'{name}' (a list of flags)")
        if not items:
            raise InputError(f"'{name}' lists no flag", value.location)
        spec.codes[name] = tuple(str(sy.expect_string(i, "a flag")) for i in items)
    return spec


def _level(spec: FlagSpec, name: str, level: str) -> None:
    if name == "confidential" and level == "error":
        raise InputError("a confidential cell is never evaluable; 'level' applies to estimated "
                         "and provisional", spec.location)
    if level == "error":
        spec.error.add(name)
    else:
        spec.error.discard(name)
