"""The columns a table spec reads, and the text of a code cell, for every table reader."""

from __future__ import annotations

import re

import numpy as np

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


MAX_EXACT = 1 << 53  # float64 holds every whole number below it exactly


def float_range(values: np.ndarray, column: str, where, text=None) -> None:
    """Counts read as float64 (NaN: not available): 0 or more and below 2^53, else an error
    at the first such cell, saying how it was written when `text(i)` can tell."""
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(np.signbit(values) & ~np.isnan(values) | (values >= MAX_EXACT))
    if not len(bad):
        return
    i = int(bad[0])
    shown = text(i) if text is not None else repr(float(values[i]))
    raise InputError(f"count column {column!r}: {count_range_problem(shown, values[i])}"
                     + more_like_it(len(bad)), where(i))


def more_like_it(n: int) -> str:
    return f" ({n - 1} more cell{'s' if n > 2 else ''} like it)" if n > 1 else ""


def count_range_problem(text: str, value: float | None = None) -> str:
    """Why a whole number is no count: negative, or too large to compare exactly."""
    negative = text.strip().startswith("-") if value is None else bool(np.signbit(value))
    if negative:
        return f"{text!r} is negative; a count is 0 or more"
    return (f"{text!r} is too large: counts must be below 2^53 = 9,007,199,254,740,992 "
            "(larger whole numbers cannot be compared exactly)")


def count_problem(raw: str | None, defn: TableDef) -> str:
    text = (raw or "").strip()
    if "\n" in text or "\r" in text:
        return (f"a field runs over several lines ({text[:20]!r}...): a quote opened here is "
                "not closed")
    if re.fullmatch(r"[+-]?(0[xX][0-9a-fA-F]+|0[bBoO][0-9]+)", text):
        return f"{text!r} is a hexadecimal, binary or octal spelling; write the count in digits"
    if re.fullmatch(r"\+[0-9]+", text):
        return f"{text!r} has a plus sign; write the count with digits only"
    if re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+", text):
        return f"{text!r} is in exponent notation; write the count with digits only"
    if re.fullmatch(r"-?[0-9]+\.", text):
        return f"{text!r} ends in a decimal point; write the count with digits only"
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
