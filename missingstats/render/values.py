"""Values and locations, formatted once for every renderer.

Two forms of each: the JSON form of the report (numbers stay numbers: an exact figure is
an integer, a bounded one `{"lo", "hi", "qualifier", "stated", "text"}`) and the words an
editor reads ("3,889", "at least 871", "letter.yaml:14:14", "regions.xlsx!Table!C7").
Counts are printed with thousands separators, as the publications we check print them.

And text a user wrote, made safe to print once (`printable`): the report every format reads
is cleaned of control characters in render/report.py with it, and the words here go
through it too.
"""

from __future__ import annotations

import math
from typing import Any

from missingstats.core.errors import Location
from missingstats.core.findings import Figure, FigureValue, Value
from missingstats.language import bounds

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings,
# overrides and isolates: they recolour a terminal, move its cursor or reorder a line.
CONTROLS = dict.fromkeys(
    [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0),
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def printable(text: str) -> str:
    """`text` without control characters (docs/report.md, "Control characters"); tab and
    newline stay, for the formats that lay them out."""
    return text.translate(CONTROLS)


def printable_all(node: Any) -> Any:
    """A JSON-like tree with every string (keys too) made printable."""
    if isinstance(node, str):
        return node.translate(CONTROLS)
    if isinstance(node, dict):
        return {printable_all(k): printable_all(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [printable_all(v) for v in node]
    return node


def json_number(x: Any) -> int | float | None:
    """A JSON number: integers stay integers; NaN and infinities (JSON has neither) are None."""
    if x is None or isinstance(x, bool):
        return None
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return None
    return int(x) if x.is_integer() else round(x, 6)


def number_text(x: Any) -> str:
    """3889 -> '3,889'; 47.4 -> '47.4'; inf -> '∞'."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    x = float(x)
    if math.isnan(x):
        return "not reported"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x.is_integer():
        return f"{int(x):,}"
    if abs(x) < 1e-4:
        return f"{x:g}"
    return f"{x:,.6f}".rstrip("0").rstrip(".")


def signed_text(x: float) -> str:
    return ("+" if x > 0 else "") + number_text(x)


def describe(v: Value) -> str:
    """'3,889', 'at least 871', 'tens of thousands', '270 to 330', 'over 49%'."""
    text = printable(_describe(v))
    return f"{text}%" if v.unit == "percent" else text


def _describe(v: Value) -> str:
    if v.written:
        return v.written
    q = v.qualifier
    if q in bounds.MAGNITUDES:
        return q
    if q == "between":
        return f"between {number_text(v.lo)} and {number_text(v.hi)}"
    if q and v.stated is not None and q not in bounds.EXACT:
        return f"{q} {number_text(v.stated)}"
    if v.lo == v.hi:
        return number_text(v.lo)
    if v.stated is not None and not q:
        return number_text(v.stated)  # a rounded percentage: "49" stands for [48.5, 49.5)
    if math.isinf(v.hi):
        return f"at least {number_text(v.lo)}"
    if math.isinf(v.lo):
        return f"at most {number_text(v.hi)}"
    return f"{number_text(v.lo)} to {number_text(v.hi)}"


def value_json(v: FigureValue) -> Any:
    if v is None or isinstance(v, str):
        return v
    if v.is_exact:
        return json_number(v.lo)
    out: dict[str, Any] = {"lo": json_number(v.lo), "hi": json_number(v.hi)}
    if v.qualifier:
        out["qualifier"] = v.qualifier
        if v.stated is not None:
            out["stated"] = json_number(v.stated)
    out["text"] = describe(v)
    return out


def side_json(v: Value | None) -> Any:
    """One side of a comparison: a number, or [lo, hi] (None for an open end)."""
    if v is None:
        return None
    if v.is_exact:
        return json_number(v.lo)
    return [json_number(v.lo), json_number(v.hi)]


def location_json(loc: Location, figure: str | None = None) -> dict[str, Any]:
    out = loc.as_dict()
    if figure is not None:
        out["figure"] = figure
    return out


def figures_json(figures: tuple[Figure, ...], primary: str | None = None
                 ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The report's `values` (listed figures) and `locations` (every located one, the
    `primary` figure's first: annotations point at it)."""
    values = {f.name: value_json(f.value) for f in figures if f.listed}
    located = [f for f in figures if f.location is not None]
    located.sort(key=lambda f: f.name != primary)
    return values, [{**location_json(f.location, f.name), **({"flag": f.flag} if f.flag else {})}
                    for f in located]


# --- words, read from the report's JSON forms ------------------------------------------------


def value_text(v: Any) -> str:
    """A value of the report as an editor reads it: '92', 'at least 800', 'not reported'."""
    if v is None:
        return "not reported"
    if isinstance(v, dict):
        if v.get("text"):
            return printable(str(v["text"]))
        return range_text(v.get("lo"), v.get("hi"))
    if isinstance(v, list | tuple) and len(v) == 2:
        return range_text(*v)
    return printable(number_text(v))


def range_text(lo: Any, hi: Any) -> str:
    return f"{'?' if lo is None else number_text(lo)} to {'?' if hi is None else number_text(hi)}"


def where(loc: dict | None) -> str:
    """file:line:column, or file!cell for a spreadsheet cell, and the page of a PDF."""
    if not loc:
        return ""
    file = str(loc.get("file", ""))
    if loc.get("cell") and str(loc["cell"]).startswith("/"):
        return f"{file}#{loc['cell']}"  # a JSON Pointer: a JSON-stat value's position
    if loc.get("cell"):
        cell = str(loc["cell"])
        return printable(f"{file}!{cell}" if "!" not in cell else f"{file} {cell}")
    parts = [file]
    if loc.get("line") is not None:
        parts.append(str(loc["line"]))
        if loc.get("column") is not None:
            parts.append(str(loc["column"]))
    text = printable(":".join(parts))
    return f"{text} (page {loc['page']})" if loc.get("page") is not None else text


# how an interval is said: (one value, both ends, only a lower end, only an upper end)
TO = ("{lo}", "{lo} to {hi}", "at least {lo}", "at most {hi}")


def interval_text(lo: float | None, hi: float | None,
                  words: tuple[str, str, str, str] = TO) -> str:
    """'29 to 393', 'at least 719', 'any value' (None: an open end); `words` other phrasings,
    such as explain's ('between {lo} and {hi}', '{lo} or more', ...)."""
    a = None if lo is None else number_text(lo)
    b = None if hi is None else number_text(hi)
    if a is not None and b is not None:
        return words[0].format(lo=a) if lo == hi else words[1].format(lo=a, hi=b)
    if a is not None:
        return words[2].format(lo=a)
    if b is not None:
        return words[3].format(hi=b)
    return "any value"


def row_text(loc: Location) -> str:
    """A table row as an editor finds it: 'line 7' of a CSV, 'row 7' of Parquet, or a cell."""
    if loc.cell and loc.cell.startswith("/"):
        return f"value {loc.cell.rsplit('/', 1)[-1]}"
    if loc.cell:
        return loc.cell
    if loc.file.lower().endswith((".csv", ".tsv", ".txt")):
        return f"line {loc.line}"
    return f"row {loc.line}"
