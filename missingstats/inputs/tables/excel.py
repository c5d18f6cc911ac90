"""Excel tables: a named sheet (default the first) and a range whose first row is the header.

openpyxl hands out cells one by one, so reading is a loop over cells by nature (Excel stops
at about a million rows); everything after reading is the same columnar path as CSV. Values
are the ones Excel last calculated: a workbook whose formulas were never calculated has no
values to check, and its counts read as not available.
"""

from __future__ import annotations

import re

import numpy as np

from missingstats.core.errors import InputError, Location
from missingstats.core.results import Note
from missingstats.inputs.tables.columns import (
    code_text,
    count_problem,
    float_range,
    grouped_pattern,
    missing_columns,
    needed_columns,
)
from missingstats.inputs.tables.model import Locator
from missingstats.inputs.tables.spec import TableDef, column_letters

INTEGRAL = re.compile(r"[+-]?[0-9]+(\.0*)?\Z")


def read_excel(defn: TableDef) -> tuple[dict, Locator]:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(defn.path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(f"cannot read Excel workbook: {exc}", Location(defn.file)) from None
    try:
        if defn.sheet is not None:
            if defn.sheet not in wb.sheetnames:
                raise InputError(
                    f"{defn.file} has no sheet {defn.sheet!r} (sheets: {', '.join(wb.sheetnames)})",
                    defn.location,
                )
            ws = wb[defn.sheet]
        else:
            ws = wb.worksheets[0]
        sheet = ws.title
        if defn.cell_range:
            r1, c1, r2, c2 = defn.cell_range
        else:
            r1, c1, r2, c2 = defn.header_row, 1, defn.last_row, None
        no_header_row = r1 == 0  # header_row: 0 with header: the data start at row 1
        rows = ws.iter_rows(min_row=max(r1, 1), max_row=r2, min_col=c1, max_col=c2,
                            values_only=True)

        if not no_header_row:
            header_cells = next(rows, None)
            if header_cells is None:
                raise InputError(f"sheet {sheet!r} has no row {r1} (the header)", Location(defn.file))
            header = [(code_text(h) or "").strip() for h in header_cells]
        if defn.header:
            header = list(defn.header)

        cols = needed_columns(defn)
        missing_columns(defn, header, cols)
        pos = {c: header.index(c) for c in cols}
        data: dict[str, list] = {c: [] for c in cols}
        kept: list[int] = []
        for i, cells in enumerate(rows):
            picked = [cells[pos[c]] if pos[c] < len(cells) else None for c in cols]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in picked):
                continue  # a blank row, keep counting
            kept.append(i)
            for c, v in zip(cols, picked):
                data[c].append(v)
    finally:
        wb.close()
    locator = Locator(defn.file, "excel", r1 + 1, {c: c1 + pos[c] for c in cols}, sheet)
    out: dict = dict(data)
    out["__row__"] = np.asarray(kept, dtype=np.int64)
    out["__len__"] = len(kept)
    if not kept:
        raise InputError(f"sheet {sheet!r} has no data rows below the header", Location(defn.file))
    return out, locator


def counts_from_cells(values: list, column: str, defn: TableDef, locator: Locator,
                      rows: np.ndarray, notes: list[Note]) -> np.ndarray:
    """Excel cells to counts: numbers must be whole, text must be digits or a missing marker."""
    out = np.empty(len(values), dtype=np.float64)
    markers = set(defn.missing_values)
    col = locator.columns[column]
    grouped = None
    if defn.thousands:

        grouped = re.compile(grouped_pattern(defn.thousands))
    decimal = False
    for i, v in enumerate(values):
        problem = None
        if v is None:
            out[i] = np.nan
        elif isinstance(v, bool):
            problem = f"{v} is not a count"
        elif isinstance(v, int):
            out[i] = v
        elif isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")) or not v.is_integer():
                problem = f"{v!r} is not a whole number"
            else:
                out[i] = v
        elif isinstance(v, str):
            text = v.strip()
            if text in markers:
                out[i] = np.nan
            elif INTEGRAL.match(text) or (grouped is not None and grouped.match(text)):
                clean = text.replace(defn.thousands, "") if defn.thousands else text
                out[i] = float(clean)
                decimal = decimal or "." in clean
            else:

                problem = count_problem(text, defn)
        else:
            problem = f"{v!r} is not a count"
        if problem:
            cell = f"{locator.sheet}!{column_letters(col)}{locator.first_line + int(rows[i])}"
            raise InputError(f"count column {column!r}: {problem}", Location(f"{defn.file}!{cell}"))
    float_range(out, column, lambda i: Location(
        f"{defn.file}!{locator.sheet}!{column_letters(col)}{locator.first_line + int(rows[i])}"))
    if decimal:
        notes.append(Note(Location(defn.file), f"counts in column {column!r} written as text with "
                                               "a zero decimal part were read as whole numbers"))
    return out
