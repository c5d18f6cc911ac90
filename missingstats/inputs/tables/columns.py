"""The columns a table spec reads, and the text of a code cell, for every table reader."""

from __future__ import annotations

import re

from missingstats.core.errors import InputError
from missingstats.inputs.tables.spec import TableDef


def needed_columns(defn: TableDef) -> list[str]:
    cols = list(defn.dimensions.values())
    if defn.measure_column:
        cols.append(defn.measure_column)
    if defn.wide:
        cols.extend(defn.wide.cells)
    return cols + [c for c in attribute_columns(defn) if c not in cols]


def attribute_columns(defn: TableDef) -> list[str]:
    """Flag columns and the DECIMALS column, read beside the measure."""
    cols = list(defn.flags.columns) if defn.flags is not None else []
    if defn.decimals_column:
        cols.append(defn.decimals_column)
    return cols


def missing_columns(defn: TableDef, header: list[str], cols: list[str]) -> None:
    absent = [c for c in cols if c not in header]
    if absent:
        import difflib

        close = difflib.get_close_matches(absent[0], header, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        shown = ", ".join(repr(h) for h in header[:30])
        raise InputError(
            f"table {defn.name!r}: {defn.file} has no column {absent[0]!r}{hint} "
            f"(its columns: {shown})", defn.location,
        )


def code_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        if v != v:
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def grouped_pattern(sep: str) -> str:
    """Digits grouped by threes with a declared thousands separator: 1,234 or 12 345 678."""
    return "^[+-]?[0-9]{1,3}(" + re.escape(sep) + "[0-9]{3})+$"


def count_problem(raw: str | None, defn: TableDef) -> str:
    text = (raw or "").strip()
    if re.fullmatch(r"[+-]?[0-9]*\.[0-9]+|[+-]?[0-9]+\.[0-9]*", text):
        return (f"{text!r} is not a whole number (for decimal quantities say measure: "
                "{name: column, unit: amount})")
    if re.fullmatch(r"[0-9]{1,3}([,\u00a0\u202f' ][0-9]{3})+", text):
        return (f"{text!r} has thousands separators; declare them (thousands: ',') or write the "
                "count with digits only")
    markers = ", ".join(repr(m) for m in defn.missing_values)
    what = "a count" if defn.unit == "count" else f"an {defn.unit}"
    return (f"text {text!r} is not {what} (cells meaning 'not available': {markers}; add "
            f"others under missing_values)")
