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
    """A code column as Text over `cells` (missing-value markers are not available). The
    CodeBook's code -> id mapping is the Text's index, so nothing loops over the codes (an
    `id` column of a register has as many codes as rows)."""
    ids = book.ids.get(dim, {})
    na = [ids[m] for m in table.defn.missing_values if m in ids]
    codes = table.codes[dim][cells].astype(np.int64)
    if na:
        codes = np.where(np.isin(codes, na), -1, codes)
    return iv.Text(codes, book.codes.get(dim, []), ids)


def constants(figures: dict[str, Figure], n: int) -> dict[str, iv.Interval]:
    """Figures of the spec's sources, the same in every row."""
    out = {}
    for name, f in figures.items():
        lo, hi = (f.value.lo, f.value.hi) if f.value is not None and not isinstance(
            f.value, str) else (np.nan, np.nan)
        out[name] = iv.Interval(np.full(n, lo), np.full(n, hi))
    return out
