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
from missingstats.inputs.tables.units import unit as unit_of

INTEGRAL = re.compile(r"[+-]?[0-9]+(\.0*)?\Z")
DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\Z")


MAX_UNPACKED = 1 << 30  # bytes a workbook may unpack to (a million-row sheet is ~200 MB)
MAX_RATIO = 200  # unpacked / packed of one large part: XML packs ~10x, a zip bomb ~1000x


def _read_errors() -> tuple[type[BaseException], ...]:
    """What a damaged workbook raises from zipfile, zlib, the XML parser or openpyxl."""
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    from openpyxl.utils.exceptions import InvalidFileException

    return (zipfile.BadZipFile, zlib.error, ParseError, InvalidFileException, OSError, KeyError,
            ValueError, EOFError, IndexError, TypeError, AttributeError, NotImplementedError,
            RuntimeError)


def _check_packing(defn: TableDef) -> None:
    """Refuse a zip bomb before unpacking anything: the sizes the archive declares bound
    what reading it can produce (zipfile stops at the declared size)."""
    import zipfile

    try:
        with zipfile.ZipFile(defn.path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError) as exc:
        raise InputError(f"cannot read Excel workbook (not a zip archive?): {exc}",
                         Location(defn.file)) from None
    total = sum(p.file_size for p in parts)
    worst = max(parts, key=lambda p: p.file_size / max(p.compress_size, 1), default=None)
    if total > MAX_UNPACKED or (worst is not None and worst.file_size > (50 << 20)
                                and worst.file_size > MAX_RATIO * max(worst.compress_size, 1)):
        raise InputError(
            f"cannot read Excel workbook: it unpacks to {total / (1 << 20):,.0f} MB "
            f"({worst.filename if worst else '?'} alone {worst.file_size / (1 << 20):,.0f} MB "
            f"from {worst.compress_size / (1 << 20):,.1f} MB); a zip bomb?", Location(defn.file))


def read_excel(defn: TableDef) -> tuple[dict, Locator]:
    """The declared columns of a workbook; a damaged one is a located error, never a crash."""
    _check_packing(defn)
    errors = _read_errors()
    try:
        return _read_excel(defn)
    except errors as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read Excel workbook (damaged?): {type(exc).__name__}: {text}",
                         Location(defn.file)) from None


def _read_excel(defn: TableDef) -> tuple[dict, Locator]:
    import openpyxl

    wb = openpyxl.load_workbook(defn.path, read_only=True, data_only=True)
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
    whole = unit_of(defn.unit).whole
    for i, v in enumerate(values):
        problem = None
        if v is None:
            out[i] = np.nan
        elif isinstance(v, bool):
            problem = f"{v} is not a count"
        elif isinstance(v, int):
            out[i] = v
        elif isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")) or (whole and not v.is_integer()):
                problem = f"{v!r} is not a whole number"
            else:
                out[i] = v
        elif isinstance(v, str):
            text = v.strip()
            if text in markers:
                out[i] = np.nan
            elif (INTEGRAL.match(text) or (not whole and DECIMAL.match(text))
                  or (grouped is not None and grouped.match(text))):
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
    if whole:  # counts: 0 or more and exactly comparable (inputs/tables/columns.float_range)
        float_range(out, column, lambda i: Location(
            f"{defn.file}!{locator.sheet}!{column_letters(col)}{locator.first_line + int(rows[i])}"))
    if decimal and whole:
        notes.append(Note(Location(defn.file), f"counts in column {column!r} written as text with "
                                               "a zero decimal part were read as whole numbers"))
    return out
