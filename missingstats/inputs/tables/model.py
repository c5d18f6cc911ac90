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

from missingstats.core.errors import Location
from missingstats.core.results import Note
from missingstats.inputs.tables.spec import Hierarchy, TableDef, column_letters


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


@dataclass
class Locator:
    """Turns (input row, column) into report locations: CSV line, Parquet row or sheet!cell."""

    file: str
    kind: str  # csv | parquet | excel
    first_line: int  # line (CSV) or sheet row (Excel) of the first data row; 1 for Parquet
    columns: dict[str, int]  # dimension / measure / wide column name -> 1-based column
    sheet: str | None = None

    def locate(self, row: int, column: int) -> Location:
        line = int(self.first_line + row)
        cell = None
        if self.kind == "excel":
            cell = f"{self.sheet}!{column_letters(int(column))}{line}"
        return Location(self.file, line, int(column), cell)

    def where(self, row: int, column: int) -> str:
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
        return Table(
            self.defn, self.dims, {d: c[keep] for d, c in self.codes.items()}, self.value[keep],
            row, col, self.locator, self.notes,
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
