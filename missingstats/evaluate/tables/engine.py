"""The numpy engine: runs compiled plans over loaded tables, a few array passes per plan.

Every cell gets a mixed-radix int64 key over its dimensions' code ids (spec-wide ids, so a
hierarchy instance "parent P001 at these coordinates" has the same key as the P001 cell).
Group sums are `np.bincount` over keys, directly when the key space is small enough to
index (a dense cube) and after `np.unique` compaction otherwise. Nothing loops over rows or
rule instances in Python; loops run over a rule's handful of names or over the few failing
instances a report lists (capped by --max-failures).

Each rule kind's `run(engine, plan, cap)` (missingstats.kinds) evaluates its plans on these
arrays; evaluate/tables/run.py picks the kind for each plan.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from missingstats.core.errors import InputError, Location, suggest
from missingstats.core.findings import Value
from missingstats.inputs.tables.model import CodeBook, Table
from missingstats.inputs.tables.spec import Filter, TableSpec

MAX_KEY = 2**62


def dense_limit(n: int) -> int:
    return max(4 * n, 1 << 20)


class Keyed:
    """A table with cell keys; duplicates beyond the first occurrence set aside."""

    def __init__(self, table: Table, book: CodeBook) -> None:
        self.table = table
        self.dims = list(table.dims)
        self.radix = {d: max(book.size(d), 1) for d in self.dims}
        space = 1
        self.strides: dict[str, int] = {}
        for d in reversed(self.dims):
            self.strides[d] = space
            space *= self.radix[d]
            if space >= MAX_KEY:
                raise InputError(
                    f"table {table.name!r} has too many possible combinations of codes to index "
                    f"({' x '.join(str(self.radix[x]) for x in self.dims)})",
                    table.defn.location,
                )
        self.space = space
        n = len(table)
        cell = np.zeros(n, dtype=np.int64)
        for d in self.dims:  # Horner: ((g * n_year + year) * n_sex + sex) ..., in place
            cell *= self.radix[d]
            cell += table.codes[d]
        self.dense = space <= dense_limit(n)
        # duplicates: the first occurrence counts, later ones only fail `unique`
        self.dup: np.ndarray = np.empty(0, dtype=np.int64)  # later occurrences (table index)
        self.dup_first: np.ndarray = np.empty(0, dtype=np.int64)  # their first occurrence
        self._present: np.ndarray | None = None
        # Published tables are usually sorted by their dimensions: then keys are increasing,
        # there are no duplicates and a cell is found by binary search.
        self.sorted = bool(n < 2 or (cell[1:] > cell[:-1]).all())
        if self.sorted:
            has_dup = False
        elif self.dense:
            seen = np.zeros(space, dtype=bool)
            seen[cell] = True
            has_dup = int(np.count_nonzero(seen)) < n
            self._present = None if has_dup else seen
            del seen
        else:
            has_dup = None
        self._order: np.ndarray | None = None
        if has_dup is None or has_dup:
            order = np.argsort(cell, kind="stable")
            s = cell[order]
            same = np.zeros(n, dtype=bool)
            same[1:] = s[1:] == s[:-1]
            if same.any():
                group_start = np.maximum.accumulate(np.where(~same, np.arange(n), 0))
                self.dup = order[same]
                self.dup_first = order[group_start[same]]
            self._order = order
        half = table.half
        if len(self.dup):
            keep = np.ones(n, dtype=bool)
            keep[self.dup] = False
            self.index = np.flatnonzero(keep)
            self.cell = cell[keep]
            self.codes = {d: c[keep] for d, c in table.codes.items()}
            self.value = table.value[keep]
            self._order = None
            half = half[keep] if isinstance(half, np.ndarray) else half
        else:
            self.index = None
            self.cell = cell
            self.codes = table.codes
            self.value = table.value
        self.half: np.ndarray | float = half  # half the rounding unit of each cell (or all)
        self._bits: np.ndarray | None | bool = False  # flag class bits per cell, built once
        self._lookup: np.ndarray | None = None
        self._cube: tuple | None = None

    def cube(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
        """Dense arrays over the whole key space (dense tables only), built once:
        values (NaN = absent or not available), values with 0 there, present, known, and
        whether every cell is present and known (then the masks are all true)."""
        if self._cube is None:
            assert self.dense
            nan = np.isnan(self.value)
            full = len(self.cell) == self.space and not nan.any()
            if full:
                val = np.empty(self.space)
                val[self.cell] = self.value
                present = known = np.ones(self.space, dtype=bool)
                zeroed = val
            else:
                val = np.full(self.space, np.nan)
                val[self.cell] = self.value
                if self._present is None:
                    self._present = np.zeros(self.space, dtype=bool)
                    self._present[self.cell] = True
                present = self._present
                known = present.copy()
                known[self.cell[nan]] = False
                zeroed = np.where(known, val, 0.0)
            self._cube = (val, zeroed, present, known, full)
            self._present = None
        return self._cube

    def __len__(self) -> int:
        return len(self.cell)

    def bits(self) -> np.ndarray | None:
        """Flag class bits per (deduplicated) cell; None when no cell carries a flag."""
        if self._bits is False:
            bits = self.table.cell_bits()
            self._bits = bits if bits is None or self.index is None else bits[self.index]
        return self._bits  # type: ignore[return-value]

    def flag_text(self, pos: int) -> str | None:
        return self.table.flag_text(int(self.origin(pos)))

    def origin(self, i: np.ndarray | int):
        """Table cell index of a (deduplicated) position."""
        return i if self.index is None else self.index[i]

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Positions of the cells with these keys, -1 where there is none."""
        keys = np.asarray(keys, dtype=np.int64)
        out = np.full(len(keys), -1, dtype=np.int64)
        ok = (keys >= 0) & (keys < self.space)
        if self.sorted and self.index is None:
            pos = np.searchsorted(self.cell, keys[ok])
            pos_c = np.minimum(pos, max(len(self.cell) - 1, 0))
            hit = (pos < len(self.cell)) & (self.cell[pos_c] == keys[ok]) if len(self.cell) else pos < 0
            out[np.flatnonzero(ok)[hit]] = pos[hit]
            return out
        if self.dense:
            if self._lookup is None:
                dtype = np.int32 if len(self.cell) < 2**31 else np.int64
                lookup = np.full(self.space, -1, dtype=dtype)
                lookup[self.cell] = np.arange(len(self.cell), dtype=dtype)
                self._lookup = lookup
            out[ok] = self._lookup[keys[ok]]
            return out
        if self._order is None:
            self._order = np.argsort(self.cell, kind="stable")
        s = self.cell[self._order]
        pos = np.searchsorted(s, keys[ok])
        pos_c = np.minimum(pos, len(s) - 1) if len(s) else pos
        hit = (pos < len(s)) & (s[pos_c] == keys[ok]) if len(s) else np.zeros(len(pos), bool)
        res = np.full(len(pos), -1, dtype=np.int64)
        res[hit] = self._order[pos_c[hit]]
        out[ok] = res
        return out

    def coordinates(self, key: int, book: CodeBook, extra: dict | None = None) -> dict:
        out: dict[str, Any] = {}
        for d in self.dims:
            out[d] = book.label(d, (int(key) // self.strides[d]) % self.radix[d])
        if extra:
            out.update(extra)
        return out

    def locate(self, pos: int) -> Location:
        return self.table.locate(int(self.origin(pos)))


def compact(keys: list[np.ndarray], space: int, n: int) -> tuple[np.ndarray | None, list[np.ndarray], int]:
    """Keys -> positions in a small index: the keys themselves when the space is dense enough,
    else one hash pass over all of them (pandas.factorize). Returns (distinct keys or None,
    positions per input array, size of the index)."""
    if space <= dense_limit(n):
        return None, keys, space
    import pandas as pd

    allk = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
    index, uniq = pd.factorize(allk, sort=False)
    index = index.astype(np.int64, copy=False)
    bounds = np.cumsum([0] + [len(k) for k in keys])
    return (np.asarray(uniq, dtype=np.int64),
            [index[a:b] for a, b in zip(bounds[:-1], bounds[1:])], len(uniq))


def index_other(other: np.ndarray, kt: Keyed, dim: str, limit: int):
    """Index keys whose `dim` digit is zeroed: directly (the digit dropped) when that space is
    at most `limit`, else by one hash pass (pandas.factorize). Returns (index per key, size,
    a function from index back to key)."""
    stride = kt.strides[dim]
    n_dim = kt.radix[dim]
    o_space = kt.space // n_dim
    if o_space <= limit:
        def o_key(o: np.ndarray) -> np.ndarray:
            return (o // stride) * (stride * n_dim) + o % stride

        return (other // (stride * n_dim)) * stride + other % stride, o_space, o_key
    import pandas as pd

    index, uniques = pd.factorize(other, sort=False)
    uniques = np.asarray(uniques, dtype=np.int64)

    def o_key_hashed(o: np.ndarray) -> np.ndarray:
        return uniques[o]

    return index.astype(np.int64, copy=False), len(uniques), o_key_hashed


def cell_value(v: float | None) -> Value | None:
    """A cell's value for a finding: None when not available."""
    if v is None or not np.isfinite(v):
        return None
    return Value.exact(float(v))


def tolerance_ok(lhs: np.ndarray, rhs: np.ndarray, tol) -> np.ndarray:
    if tol.zero:
        return lhs == rhs
    d = np.abs(lhs - rhs)
    return d <= tol.absolute + tol.relative * np.maximum(np.abs(lhs), np.abs(rhs))


class Engine:
    def __init__(self, tables: dict[str, Table], book: CodeBook, spec: TableSpec,
                 multi: bool | None = None) -> None:
        self.tables = tables
        self.book = book
        self.spec = spec
        self.multi = len(tables) > 1 if multi is None else multi
        self._keyed: dict[str, Keyed] = {}
        self.list_passes = False  # --all-instances: kinds list passing instances too

    def keyed(self, name: str) -> Keyed:
        if name not in self._keyed:
            self._keyed[name] = Keyed(self.tables[name], self.book)
        return self._keyed[name]

    def table_coord(self, name: str) -> dict:
        return {"table": name} if self.multi else {}

    def allowed(self, f: Filter) -> np.ndarray:
        """Bool per code id of the filter's dimension: which codes a filter keeps."""
        keep = self.book.allowed(f, self.spec.hierarchies)
        return ~keep if f.negate else keep

    def code_id(self, rule, dim: str, code: str) -> int:
        """The id of a code a rule names (an input error when the tables do not have it)."""
        got = self.book.ids.get(dim, {}).get(code)
        if got is None:
            known = self.book.codes.get(dim, [])
            raise InputError(
                f"rule {rule.id!r}: {code!r} is not a code of {dim!r} in the tables"
                f"{suggest(code, known)}", rule.location,
            )
        return got


def pick(mask: np.ndarray, cap: int) -> np.ndarray:
    """Indices of the first `cap` true entries (without scanning past them when possible)."""
    if cap <= 0:
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(mask)[:cap]
