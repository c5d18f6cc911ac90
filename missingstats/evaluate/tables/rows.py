"""A table's input rows for row rules: one cell per row, code columns as text.

A row rule (`if status == "found dead" then age_group is not missing`) reads a row's code
columns and its count. Codes are already integer ids into the spec-wide CodeBook, so a code
column becomes an `intervals.Text` without touching a string per row: the ids are the text
codes, the CodeBook's list their categories, and codes that are one of the table's
`missing_values` markers (such as ":") are not available.
"""

from __future__ import annotations

import numpy as np

from missingstats.core.findings import Figure
from missingstats.inputs.tables.model import CodeBook, Table
from missingstats.language import intervals as iv


def row_cells(table: Table) -> np.ndarray:
    """The first cell of each input row (every cell of a long table; for a wide table, whose
    rows hold several cells, the first of each row)."""
    if table.defn.wide is None or table.row is None and len(table.defn.wide.cells) == 1:
        return np.arange(len(table))
    rows = np.arange(len(table)) // len(table.defn.wide.cells) if table.row is None else table.row
    first = np.ones(len(rows), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    return np.flatnonzero(first)


def text(table: Table, dim: str, book: CodeBook, cells: np.ndarray) -> iv.Text:
    """A code column as Text over `cells` (missing-value markers are not available)."""
    categories = book.codes.get(dim, [])
    markers = set(table.defn.missing_values)
    remap = np.arange(len(categories), dtype=np.int64)
    na = [i for i, c in enumerate(categories) if c in markers]  # a loop over codes, not rows
    if na:
        remap[na] = -1
    codes = table.codes[dim][cells].astype(np.int64)
    return iv.Text(remap[codes] if na else codes, categories)


def constants(figures: dict[str, Figure], n: int) -> dict[str, iv.Interval]:
    """Figures of the spec's sources, the same in every row."""
    out = {}
    for name, f in figures.items():
        lo, hi = (f.value.lo, f.value.hi) if f.value is not None and not isinstance(
            f.value, str) else (np.nan, np.nan)
        out[name] = iv.Interval(np.full(n, lo), np.full(n, hi))
    return out
