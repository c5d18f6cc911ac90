"""In-memory tables: integer codes per dimension, a float measure, and row provenance.

A loaded table is columnar numpy: for each dimension an int32 array of code ids (into the
spec-wide CodeBook, so two tables and a hierarchy agree on what "P001" is), the measure as
float64 with NaN for "not available" (exact for counts below 2**53), and for every cell the
input row and column it came from. Locations are built only for the few cells a report
lists, never for the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from missingstats.core.errors import InputError, Location
from missingstats.core.results import Note
from missingstats.inputs.tables.spec import Filter, Hierarchy, TableDef, column_letters, levels


class CodeBook:
    """Codes of every dimension, declared ones (from hierarchies) first, as dense int ids."""

    def __init__(self, hierarchies: dict[str, Hierarchy]) -> None:
        self.ids: dict[str, dict[str, int]] = {}
        self.codes: dict[str, list[str]] = {}
        self.declared: dict[str, int] = {}
        for dim, h in hierarchies.items():
            self.codes[dim] = list(h.codes)
            self.ids[dim] = {c: i for i, c in enumerate(h.codes)}
            self.declared[dim] = len(h.codes)

    def lookup(self, dim: str, values: list[str]) -> np.ndarray:
        """Ids for a list of distinct code texts (per distinct code, not per row)."""
        ids = self.ids.setdefault(dim, {})
        codes = self.codes.setdefault(dim, [])
        out = np.empty(len(values), dtype=np.int32)
        for i, v in enumerate(values):
            got = ids.get(v)
            if got is None:
                got = ids[v] = len(codes)
                codes.append(v)
            out[i] = got
        return out

    def size(self, dim: str) -> int:
        return len(self.codes.get(dim, ()))

    def has_list(self, dim: str) -> bool:
        return dim in self.declared

    def label(self, dim: str, code_id: int) -> str:
        return self.codes[dim][int(code_id)]

    def allowed(self, f: Filter, hierarchies: dict[str, Hierarchy]) -> np.ndarray:
        """Bool per code id of the filter's dimension: which codes a filter keeps."""
        from missingstats.core.errors import suggest

        size = max(self.size(f.dimension), 1)
        keep = np.zeros(size, dtype=bool)
        if f.level is not None:
            depth = levels(hierarchies[f.dimension])
            codes = [c for c, d in depth.items() if d == f.level]
            if not codes:
                raise InputError(f"the hierarchy of {f.dimension!r} has no level {f.level} "
                                 f"(levels 0 to {max(depth.values())})", f.location)
        elif f.period is not None:
            return self.in_period(f.dimension, f.period, size)
        else:
            codes = f.codes or []
        ids = self.ids.get(f.dimension, {})
        unknown = [c for c in codes if c not in ids]
        if unknown and f.level is None:
            raise InputError(
                f"{unknown[0]!r} is not a code of {f.dimension!r}{suggest(unknown[0], ids)}",
                f.location,
            )
        keep[[ids[c] for c in codes if c in ids]] = True
        return keep

    def in_period(self, dim: str, bounds: tuple[str | None, str | None], size: int) -> np.ndarray:
        """Bool per code id: time codes lying wholly within [from, to] (other codes: no)."""
        from missingstats.language import periods

        start, end = (periods.parse(b) if b is not None else None for b in bounds)
        keep = np.zeros(size, dtype=bool)
        for i, code in enumerate(self.codes.get(dim, [])):  # per distinct code
            got = periods.parse(code)
            keep[i] = got is not None and periods.within(got, start, end)
        return keep


@dataclass
class Locator:
    """Turns (input row, column) into report locations: CSV line, Parquet row or sheet!cell."""

    file: str
    kind: str  # csv | parquet | excel
    first_line: int  # line (CSV) or sheet row (Excel) of the first data row; 1 for Parquet
    columns: dict[str, int]  # dimension / measure / wide column name -> 1-based column
    sheet: str | None = None

    def locate(self, row: int, column: int) -> Location:
        if self.kind == "json-stat":  # the value's position in `value`, as a JSON Pointer
            return Location(self.file, None, None, f"/value/{int(row)}")
        if self.kind == "sdmx-ml":  # the observation's line
            return Location(self.file, int(row), None)
        line = int(self.first_line + row)
        cell = None
        if self.kind == "excel":
            cell = f"{self.sheet}!{column_letters(int(column))}{line}"
        return Location(self.file, line, int(column), cell)

    def where(self, row: int, column: int) -> str:
        if self.kind in ("json-stat", "sdmx-ml"):
            loc = self.locate(row, column)
            return f"{loc.file}#{loc.cell}" if loc.cell else f"{loc.file}:{loc.line}"
        if self.kind == "excel":
            return f"{self.file}!{self.sheet}!{column_letters(int(column))}{self.first_line + row}"
        return f"{self.file}:{self.first_line + row}:{column}"


@dataclass
class Table:
    defn: TableDef
    dims: list[str]
    codes: dict[str, np.ndarray]  # dim -> int32 code ids, one per cell
    value: np.ndarray  # float64, NaN = not available
    row: np.ndarray | None  # int64 input data row (0-based) per cell; None: the cell index
    col: np.ndarray | int  # 1-based input column of the measure, per cell or for all
    locator: Locator
    notes: list[Note] = field(default_factory=list)
    flag: np.ndarray | None = None  # per cell: index into flag_texts (0: no flag)
    flag_texts: list[str] = field(default_factory=lambda: [""])
    flag_bits: np.ndarray | None = None  # per flag text: inputs/tables/flags.py class bits
    half: np.ndarray | float = 0.0  # per cell (or for all): half the rounding unit

    def flag_text(self, cell: int) -> str | None:
        """The cell's flag as published, when it matters (confidential, estimated or
        provisional); other flags (SDMX's A for a normal value, F for free) are not shown."""
        if self.flag is None:
            return None
        i = int(self.flag[cell])
        if self.flag_bits is not None and not self.flag_bits[i]:
            return None
        text = self.flag_texts[i]
        if "," in text and self.defn.flags is not None:  # OBS_STATUS,CONF_STATUS: keep what matters
            text = ",".join(p for p in text.split(",") if self.defn.flags.classify([p])[0]) or text
        return text or None

    def cell_bits(self) -> np.ndarray | None:
        """Class bits per cell (None: no flags)."""
        if self.flag is None or self.flag_bits is None or not self.flag_bits.any():
            return None
        return self.flag_bits[self.flag]

    @property
    def name(self) -> str:
        return self.defn.name

    @property
    def measure(self) -> str:
        return self.defn.measure

    def __len__(self) -> int:
        return len(self.value)

    def row_of(self, cell: int) -> int:
        return int(cell if self.row is None else self.row[cell])

    def col_of(self, cell: int) -> int:
        return int(self.col if isinstance(self.col, int) else self.col[cell])

    def locate(self, cell: int) -> Location:
        return self.locator.locate(self.row_of(cell), self.col_of(cell))

    def locate_dim(self, cell: int, dim: str) -> Location:
        """The cell's code of `dim` (for unknown codes: point at the code, not the count)."""
        col = self.locator.columns.get(dim, self.col_of(cell))
        if self.defn.wide is not None and dim in self.defn.wide.dimensions:
            col = self.col_of(cell)
        return self.locator.locate(self.row_of(cell), col)

    def subset(self, keep: np.ndarray) -> Table:
        row = np.flatnonzero(keep) if self.row is None else self.row[keep]
        col = self.col if isinstance(self.col, int) else self.col[keep]
        half = self.half[keep] if isinstance(self.half, np.ndarray) else self.half
        return Table(
            self.defn, self.dims, {d: c[keep] for d, c in self.codes.items()}, self.value[keep],
            row, col, self.locator, self.notes,
            None if self.flag is None else self.flag[keep], self.flag_texts, self.flag_bits, half,
        )

    def frame(self, book: CodeBook):
        """The long frame (categoricals, nullable Int64 counts, provenance) for pandas users."""
        import pandas as pd

        data = {
            d: pd.Categorical.from_codes(self.codes[d], categories=book.codes[d]) for d in self.dims
        }
        data[self.measure] = pd.array(self.value, dtype="Float64").astype("Int64")
        data["_row"] = np.arange(len(self)) if self.row is None else self.row
        data["_column"] = self.col
        return pd.DataFrame(data)
