"""Read CSV, TSV, Parquet and Excel tables into columnar cells with row provenance.

Only the declared columns are read. Dimension columns come in dictionary-encoded (Parquet
usually stores them so; CSV is parsed straight into dictionaries), so mapping 10 million
codes to ids is a lookup per distinct code plus one take. A count must be a whole number:
text, fractions and infinities are InputErrors at the CSV line / Parquet row / sheet!cell;
empty cells and the declared `missing_values` markers are "not available".
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

from missingstats.core.errors import InputError, Location
from missingstats.core.results import Note
from missingstats.inputs.tables.columns import (
    MAX_EXACT,
    attribute_columns,
    code_text,
    count_problem,
    count_range_problem,
    float_range,
    grouped_pattern,
    missing_columns,
    needed_columns,
)
from missingstats.inputs.tables.model import CodeBook, Locator, Table
from missingstats.inputs.tables.spec import TableDef, column_letters
from missingstats.inputs.tables.units import unit as unit_of

ARROW_INTEGRAL = r"^-?[0-9]+(\.0+)?$"  # after trimming whitespace: 12, 12.0 (noted), -3 (refused)
ARROW_DECIMAL = r"^-?([0-9]+(\.[0-9]+)?|\.[0-9]+)$"  # amounts: 1.5, .5, -2 (no +4, 4., 1e3)


def load_table(defn: TableDef, book: CodeBook, hierarchies: dict | None = None) -> Table:
    """The one entry for every format: the file's columns, then `build` (codes to ids, rows
    a filter excludes dropped, then the values parsed, flags and rounding attached)."""
    if not defn.path.exists():
        raise InputError(f"table file {defn.file} does not exist (paths are relative to the spec)",
                         _spec_where(defn))
    if defn.path.is_dir():
        raise InputError(f"table path {defn.file} is a directory", _spec_where(defn))
    if not defn.path.is_file():  # a FIFO or a device: the readers would wait or never end
        raise InputError(f"table path {defn.file} is not a regular file (a FIFO or a device?)",
                         _spec_where(defn))
    if defn.format == "excel":
        from missingstats.inputs.tables.excel import read_excel

        columns, locator = read_excel(defn)
    elif defn.format == "json-stat":
        from missingstats.inputs.tables.jsonstat import read_jsonstat

        columns, numbers = read_jsonstat(defn)
        locator = Locator(defn.file, "json-stat", 0, numbers)
    elif defn.format == "sdmx-ml":
        from missingstats.inputs.tables.sdmx import read_sdmx_ml

        columns, numbers = read_sdmx_ml(defn, needed_columns(defn))
        locator = Locator(defn.file, "sdmx-ml", 0, numbers)
    else:
        columns, locator = read_arrow(defn)
    try:
        return build(defn, columns, locator, book, hierarchies or {})
    except UnicodeDecodeError as exc:  # Parquet text that is not UTF-8: a damaged file
        raise InputError(f"a text column is not valid UTF-8 ({exc.reason}; a damaged file?)",
                         Location(defn.file)) from None


def _spec_where(defn: TableDef) -> Location:
    return defn.path_location or defn.location


# --- Arrow readers (CSV, Parquet) --------------------------------------------------------


def read_arrow(defn: TableDef):
    """Read the declared columns; returns ({column: Arrow array}, Locator)."""

    cols = needed_columns(defn)
    if defn.format == "parquet":
        table, header = _read_parquet(defn, cols)
        locator = Locator(defn.file, "parquet", 1, {})
    else:
        table, header = _read_csv(defn, cols)
        locator = Locator(defn.file, "csv", defn.header_row + 1, {})
    if defn.format == "sdmx-csv":
        header = [_sdmx_id(h) for h in header]
    locator.columns = {c: header.index(c) + 1 for c in cols}
    if defn.format == "parquet":
        return table, locator  # columns read one at a time while building (less memory)
    out = {c: table.column(c) for c in cols}  # chunked: no copy, no dictionary unification
    out["__len__"] = table.num_rows
    del table
    return _drop_blank_rows(out, cols), locator


def _sdmx_id(column: str) -> str:
    """SDMX-CSV with labels writes 'geo: Geopolitical entity'; the id is before the colon."""
    return column.split(":", 1)[0].strip()


def _read_parquet(defn: TableDef, cols: list[str]):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        probe = pq.ParquetFile(defn.path)
        header = list(probe.schema_arrow.names)
        # text dimensions straight into dictionaries (int32 indices, no cast to the stored type)
        strings = [c for c in defn.dimensions.values() if c in header and
                   str(probe.schema_arrow.field(c).type).startswith(("string", "large_string", "dictionary"))]
        pf = pq.ParquetFile(defn.path, read_dictionary=strings) if strings else probe
    except (pa.ArrowException, OSError, ValueError, EOFError) as exc:
        raise InputError(f"cannot read Parquet: {_first_line(exc)}", Location(defn.file)) from None
    missing_columns(defn, header, cols)
    return ParquetColumns(defn, pf), header


class ParquetColumns:
    """Columns of a Parquet file read on first use, so at most one is held as Arrow data."""

    def __init__(self, defn: TableDef, pf) -> None:
        self.defn = defn
        self.pf = pf
        self.num_rows = pf.metadata.num_rows

    def __getitem__(self, column: str):
        import pyarrow as pa

        if column == "__len__":
            return self.num_rows
        try:
            got = self.pf.read(columns=[column], use_pandas_metadata=False).column(0)
        except (pa.ArrowException, OSError, ValueError, EOFError) as exc:
            raise InputError(f"cannot read Parquet column {column!r}: {_first_line(exc)}",
                             Location(self.defn.file)) from None
        if len(got) != self.num_rows:  # a damaged footer or page: the parts disagree
            raise InputError(f"cannot read Parquet column {column!r}: it has {len(got)} rows, "
                             f"the file's footer says {self.num_rows} (a damaged file?)",
                             Location(self.defn.file))
        return got

    def pop(self, key: str, default=None):
        return default

    def get(self, key: str, default=None):
        return self[key] if key in self else default

    def __contains__(self, column: str) -> bool:
        return column in self.pf.schema_arrow.names


def _read_csv(defn: TableDef, cols: list[str]):
    import pyarrow as pa

    header = list(defn.header) if defn.header else _csv_header(defn)
    if defn.format == "sdmx-csv" and any(":" in h for h in header):
        defn = _with_header(defn, [_sdmx_id(h) for h in header])
        header = list(defn.header)
    missing_columns(defn, header, cols)
    seen = Counter(header)  # header.count() per column was quadratic: 100,000 columns took minutes
    dup = sorted({c for c in cols if seen[c] > 1})
    if dup:
        raise InputError(
            f"{defn.file} has two columns named {dup[0]!r}", Location(defn.file, defn.header_row)
        )
    measures = [defn.measure_column] if defn.measure_column else list(defn.wide.cells)
    types = {c: pa.dictionary(pa.int32(), pa.string()) for c in defn.dimensions.values()}
    types.update({c: pa.dictionary(pa.int32(), pa.string()) for c in attribute_columns(defn)
                  if c not in types and c != defn.decimals_column})
    number = pa.int64() if defn.unit == "count" else pa.float64()
    try:
        if _may_hold_hex(defn):
            raise _Conversion("0x")  # Arrow reads 0x10 as 16: counts go through the text path
        return _csv(defn, cols, {**types, **{m: number for m in measures}}, True), header
    except _Conversion:
        # Not all counts are plain integers: read them as text and say which cell is wrong.
        table = _csv(defn, cols, {**types, **{m: pa.string() for m in measures}}, True)
        return table, header


class _Conversion(Exception):
    pass


def _may_hold_hex(defn: TableDef) -> bool:
    """Does the file hold "0x" anywhere? Arrow's integer parser takes 0x10 for 16, so such a
    file's counts are read as text and checked digit by digit (one scan of the bytes)."""
    import mmap

    try:
        with open(defn.path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            return mm.find(b"0x") >= 0 or mm.find(b"0X") >= 0
    except (ValueError, OSError):
        return False  # an empty file; the reader says what is wrong


def _csv(defn: TableDef, cols: list[str], types: dict, threads: bool):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    bad: list = []
    last = defn.last_row
    if last is not None:
        threads = False  # row numbers are needed to tell data rows from the footer

    def invalid(row) -> str:
        if last is not None and row.number is not None and row.number > last:
            return "skip"  # a footnote below the data
        bad.append(row)
        return "skip"

    unraisable: list = []
    previous_hook = sys.unraisablehook
    # Arrow decodes a bad row's text before calling `invalid`; text that is not UTF-8 fails
    # there and would print a traceback ("Exception ignored in ..."): catch it and say so.
    sys.unraisablehook = unraisable.append
    try:
        table = pacsv.read_csv(
            defn.path,
            read_options=pacsv.ReadOptions(
                skip_rows=defn.header_row - (0 if defn.header else 1), encoding=defn.encoding,
                use_threads=threads, column_names=list(defn.header) if defn.header else None,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=defn.delimiter or ",", ignore_empty_lines=False,
                invalid_row_handler=invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=cols, column_types=types, null_values=defn.missing_values,
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if any(isinstance(u.exc_value, UnicodeDecodeError) for u in unraisable):
            text = "UTF-8"  # a bad row that is not UTF-8 either: say where the encoding breaks
        if "conversion error" in text and "UTF8" not in text:
            raise _Conversion(text) from None
        if "UTF8" in text or "UTF-8" in text:
            raise InputError(
                f"is not valid {defn.encoding} text; save it as UTF-8 or set encoding:",
                _bad_encoding(defn),
            ) from None
        raise InputError(f"cannot read CSV: {_first_line(exc)}", Location(defn.file)) from None
    except (pa.ArrowException, OSError, LookupError) as exc:
        raise InputError(f"cannot read CSV: {_first_line(exc)}", Location(defn.file)) from None
    finally:
        sys.unraisablehook = previous_hook
    if any(isinstance(u.exc_value, UnicodeDecodeError) for u in unraisable):
        raise InputError(f"is not valid {defn.encoding} text; save it as UTF-8 or set encoding:",
                         _bad_encoding(defn))
    if bad:
        first = bad[0]
        if first.number is None and threads:
            return _csv(defn, cols, types, False)  # single-threaded to learn the line number
        line = first.number if first.number is not None else None
        quote = " (a quote opened in it is not closed)" if (first.text or "").count('"') % 2 else ""
        raise InputError(
            f"ragged row: {first.actual_columns} fields where the header has "
            f"{first.expected_columns}{quote} ({len(bad)} such row{'s' if len(bad) > 1 else ''})",
            Location(defn.file, line, None),
        )
    if last is not None:
        table = table.slice(0, max(last - defn.header_row, 0))
    return table


def _with_header(defn: TableDef, header: list[str]) -> TableDef:
    """The same table read with these column names (the file's header line skipped)."""
    import dataclasses

    return dataclasses.replace(defn, header=header, header_row=defn.header_row)


def _csv_header(defn: TableDef) -> list[str]:
    """The header row (so a missing column is named before the whole file is parsed)."""
    import csv

    try:
        with open(defn.path, "rb") as fh:
            for _ in range(defn.header_row - 1):
                if not fh.readline():
                    break
            raw = fh.readline()
    except OSError as exc:
        raise InputError(f"cannot read CSV: {_first_line(exc)}", Location(defn.file)) from None
    try:
        line = raw.decode(defn.encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the header: {_first_line(exc)} (set encoding:)",
                         Location(defn.file, defn.header_row)) from None
    if not line.strip():
        raise InputError(
            f"no header at line {defn.header_row} (set header_row: to the line of the column names)",
            Location(defn.file, defn.header_row),
        )
    if line.startswith("\ufeff"):
        line = line[1:]
    try:
        return next(csv.reader([line.rstrip("\r\n")], delimiter=defn.delimiter or ","))
    except csv.Error as exc:  # a lone carriage return inside the header, a stray quote ...
        raise InputError(f"cannot read the header: {exc}",
                         Location(defn.file, defn.header_row)) from None


def _bad_encoding(defn: TableDef) -> Location:
    """Where a file stops being valid in its encoding (only on the error path)."""
    data = defn.path.read_bytes()
    try:
        data.decode(defn.encoding)
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        return Location(defn.file, before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1)
    except LookupError:
        pass
    return Location(defn.file)


def _chunks(arr) -> list:
    import pyarrow as pa

    return list(arr.chunks) if isinstance(arr, pa.ChunkedArray) else [arr]


def _drop_blank_rows(columns: dict, cols: list[str]) -> dict:
    """Blank lines are read as rows (to keep line numbers right), then dropped here."""
    import pyarrow as pa

    blank = None
    for c in reversed(cols):  # counts first: most rows have one, so this usually ends early
        parts = []
        for chunk in _chunks(columns[c]):
            empty = np.asarray(chunk.is_null().to_numpy(zero_copy_only=False))
            if pa.types.is_dictionary(chunk.type):
                where = [i for i, v in enumerate(chunk.dictionary.to_pylist()) if v == ""]
                if where:
                    idx = np.asarray(chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False))
                    empty = empty | (idx == where[0])
            elif pa.types.is_string(chunk.type):
                empty = empty | (np.asarray(chunk.fill_null("").to_numpy(zero_copy_only=False)) == "")
            parts.append(empty)
        empty_all = np.concatenate(parts) if parts else np.zeros(0, dtype=bool)
        blank = empty_all if blank is None else blank & empty_all
        if not blank.any():
            return columns
    assert blank is not None
    keep = ~blank
    mask = pa.array(keep)
    out = {c: columns[c].filter(mask) for c in cols}
    out["__row__"] = np.flatnonzero(keep)
    out["__len__"] = int(keep.sum())
    return out


# --- columns -> Table --------------------------------------------------------------------


def build(defn: TableDef, columns: dict, locator: Locator, book: CodeBook,
          hierarchies: dict | None = None) -> Table:
    """Dimension codes to ids, rows a filter excludes dropped (before any value is parsed, so
    a rate in an excluded row cannot abort), values validated, wide tables melted, flags and
    rounding attached; provenance kept."""
    n = int(columns["__len__"])
    given = columns.pop("__row__", None)
    rows = _Identity() if given is None else np.asarray(given, dtype=np.int64)
    notes: list[Note] = []
    codes = {}
    for dim, col in defn.dimensions.items():
        codes[dim] = dimension_ids(columns[col], dim, col, book, defn, locator, rows)
    for dim, code in defn.constants.items():
        (cid,) = book.lookup(dim, [code])
        codes[dim] = np.full(n, cid, dtype=code_dtype(book.size(dim)))
    keep = _kept_rows(defn, codes, book, hierarchies or {})
    if keep is not None:
        extra = [c for c in ("__decimals__",) if c in columns]
        columns = _take_rows(columns, keep, [c for c in needed_columns(defn)
                                             if c not in defn.dimensions.values()] + extra)
        codes = {d: c[keep] for d, c in codes.items()}
        rows = np.flatnonzero(keep) if isinstance(rows, _Identity) else rows[keep]
        n = int(keep.sum())
    if defn.wide is None:
        value = parse_counts(columns[defn.measure_column], defn.measure_column, defn, locator, rows,
                             notes)
        table = Table(defn, defn.all_dimensions, codes, value, given_rows(rows),
                      locator.columns[defn.measure_column], locator, notes)
        _attributes(table, columns, defn, locator, rows)
    else:
        wide = defn.wide
        k = len(wide.cells)
        values = [parse_counts(columns[c], c, defn, locator, rows, notes) for c in wide.cells]
        # cell order: row-major (each input row's wide cells together)
        value = np.stack(values, axis=1).reshape(-1) if values else np.empty(0)
        melted = {d: np.repeat(c, k) for d, c in codes.items()}
        for wd in wide.dimensions:
            ids = book.lookup(wd, [cw[wd] for cw in wide.cells.values()])
            melted[wd] = np.tile(ids.astype(code_dtype(book.size(wd))), n)
        col_idx = np.tile(np.array([locator.columns[c] for c in wide.cells], dtype=np.int32), n)
        source = np.arange(n) if isinstance(rows, _Identity) else rows
        table = Table(defn, defn.all_dimensions, melted, value, np.repeat(source, k), col_idx,
                      locator, notes)
        if defn.rounded is not None:
            table.half = defn.rounded / 2
    return table


def _kept_rows(defn: TableDef, codes: dict, book: CodeBook, hierarchies: dict) -> np.ndarray | None:
    """Rows the filters on row dimensions keep (None: all); wide dimensions are filtered
    after melting, since their codes are columns, not rows."""
    keep = None
    for f in defn.filters:
        if f.dimension not in codes or (defn.wide and f.dimension in defn.wide.dimensions):
            continue
        if f.level is not None and f.dimension not in hierarchies:
            continue
        allowed = book.allowed(f, hierarchies)
        size = book.size(f.dimension)
        if len(allowed) < size:
            allowed = np.concatenate([allowed, np.zeros(size - len(allowed), dtype=bool)])
        mask = allowed[codes[f.dimension]]
        keep = mask if keep is None else keep & mask
    return keep


def _take_rows(columns: dict, keep: np.ndarray, names: list[str]) -> dict:
    """The value and attribute columns of the kept rows only (Arrow, lists or lazy Parquet)."""
    import pyarrow as pa

    mask = pa.array(keep)
    out = {}
    for c in dict.fromkeys(names):
        if c not in columns:
            continue
        arr = columns[c]
        if isinstance(arr, list):
            out[c] = [v for v, k in zip(arr, keep) if k]
        elif isinstance(arr, np.ndarray):
            out[c] = arr[keep]
        else:
            out[c] = arr.filter(mask)
    out["__len__"] = int(keep.sum())
    return out


def _attributes(table: Table, columns: dict, defn: TableDef, locator: Locator, rows) -> None:
    """Flags (class bits per distinct text) and the rounding of every cell."""
    if defn.flags is not None:
        present = [c for c in defn.flags.columns if c in columns]
        if present:
            table.flag, table.flag_texts = flag_ids([columns[c] for c in present])
            table.flag_bits = defn.flags.classify(table.flag_texts)
    if defn.rounded is not None:
        table.half = defn.rounded / 2
        return
    raw = columns.get("__decimals__")
    if raw is None and defn.decimals_column and defn.decimals_column in columns:
        raw = _decimals(columns[defn.decimals_column], defn, locator, rows)
    if raw is not None:
        raw = np.asarray(raw, dtype=np.float64)
        table.half = np.where(np.isnan(raw), 0.0, 0.5 * 10.0 ** -np.nan_to_num(raw))


def _decimals(arr, defn: TableDef, locator: Locator, rows) -> np.ndarray:
    """SDMX's DECIMALS attribute per row (digits after the point; empty: exact)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunked = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    if pa.types.is_dictionary(chunked.type):
        chunked = chunked.cast(chunked.type.value_type)
    col = locator.columns.get(defn.decimals_column or "", 0)
    if pa.types.is_integer(chunked.type) or pa.types.is_floating(chunked.type):
        values = np.asarray(chunked.cast(pa.float64()).to_numpy(), dtype=np.float64)
    else:
        text = pc.utf8_trim_whitespace(chunked.cast(pa.string()))
        ok = pc.or_kleene(pc.match_substring_regex(text, r"^[0-9]{1,2}$"), pc.equal(text, ""))
        ok = np.asarray(ok.fill_null(True).to_numpy(zero_copy_only=False))
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            raise InputError(f"DECIMALS {text[i].as_py()!r} is not a number of decimals",
                             _loc(locator, int(rows[i]), col))
        values = pc.cast(pc.if_else(pc.equal(text, ""), None, text), pa.float64())
        values = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad = (values > 15) | (values < 0) | (values != np.floor(values))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError("DECIMALS is a whole number of decimals from 0 to 15",
                         _loc(locator, int(rows[i]), col))
    return values


def flag_ids(arrays: list) -> tuple[np.ndarray, list[str]]:
    """Per cell an index into the distinct flag texts ("" first: no flag); several flag
    columns (OBS_STATUS and CONF_STATUS) are joined with a comma. Work per distinct text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    per_column = []
    for arr in arrays:
        if isinstance(arr, list):
            arr = pa.array(["" if v is None else str(v) for v in arr], type=pa.string())
        chunked = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
        if pa.types.is_dictionary(chunked.type):
            chunked = chunked.cast(chunked.type.value_type)
        chunked = pc.fill_null(chunked.cast(pa.string()), "")
        enc = pc.dictionary_encode(chunked).combine_chunks()
        texts = [str(t).strip() for t in enc.dictionary.to_pylist()]
        per_column.append((np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64),
                           texts))
    if len(per_column) == 1:
        combined, labels = per_column[0]
    else:
        stacked = np.stack([i for i, _ in per_column], axis=1)
        uniq, combined = np.unique(stacked, axis=0, return_inverse=True)
        labels = [",".join(t for t in (per_column[c][1][u[c]] for c in range(len(per_column))) if t)
                  for u in uniq]
    names = [""] + [t for t in dict.fromkeys(labels) if t]
    where = {t: i for i, t in enumerate(names)}
    lookup = np.array([where[t] for t in labels] or [0], dtype=np.int32)
    return lookup[np.asarray(combined).reshape(-1)], names


def code_dtype(size: int):
    return np.int8 if size <= 127 else np.int16 if size <= 32767 else np.int32


class _Identity:
    """Row i of the table is data row i of the file (no blank rows dropped)."""

    def __getitem__(self, i: int) -> int:
        return i


def given_rows(rows) -> np.ndarray | None:
    return None if isinstance(rows, _Identity) else rows


def dimension_ids(arr, dim: str, column: str, book: CodeBook, defn: TableDef, locator: Locator,
                  rows: np.ndarray) -> np.ndarray:
    """Code ids for one dimension column (Arrow, chunked or not, or a Python list from Excel).

    Work per distinct code (a lookup in the CodeBook) plus one take per cell; integer columns
    (years) are ranked with numpy instead of hashing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, list):
        arr = pa.array([code_text(v) for v in arr], type=pa.string())
    chunked = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    if dim in defn.fill_down:  # merged or blank cells repeat the code above
        if pa.types.is_dictionary(chunked.type):
            chunked = chunked.cast(chunked.type.value_type)
        if pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type):
            chunked = pc.if_else(pc.equal(pc.utf8_trim_whitespace(chunked), ""), None, chunked)
        chunked = pc.fill_null_forward(chunked)
        if not isinstance(chunked, pa.ChunkedArray):
            chunked = pa.chunked_array([chunked])
    if chunked.null_count:
        nulls = np.asarray(chunked.is_null().to_numpy())
        i = int(np.flatnonzero(nulls)[0])
        raise InputError(
            f"row has no {dim!r} code (column {column!r})",
            _loc(locator, int(rows[i]), locator.columns[column]),
        )
    t = chunked.type
    if pa.types.is_floating(t):
        f = chunked.to_numpy()
        if np.all(np.isfinite(f) & (f == np.floor(f))):
            chunked = pa.chunked_array([pa.array(f.astype(np.int64))])
            t = chunked.type
    if pa.types.is_integer(t):
        return _integer_ids(chunked, dim, book)
    if not pa.types.is_dictionary(t):
        chunked = pc.dictionary_encode(chunked)
    pieces = []
    previous = None
    for chunk in chunked.chunks:
        dictionary = chunk.dictionary
        if previous is not None and dictionary.equals(previous[0]):
            pieces.append((previous[1], np.asarray(chunk.indices.to_numpy(zero_copy_only=False))))
            continue  # row groups written from one categorical share their dictionary
        if pa.types.is_floating(dictionary.type):
            texts = [code_text(v) for v in dictionary.to_pylist()]
        else:
            texts = [str(v).strip() for v in dictionary.to_pylist()]  # " N1" is N1
        idx = np.asarray(chunk.indices.to_numpy(zero_copy_only=False))
        broken = next((j for j, x in enumerate(texts) if "\n" in x or "\r" in x), None)
        if broken is not None and len(hits := np.flatnonzero(idx == broken)):
            i = int(hits[0]) + sum(len(p[1]) for p in pieces)
            raise InputError(
                f"a {dim!r} code runs over several lines ({texts[broken][:20]!r}...): a quote "
                f"opened here is not closed (column {column!r})",
                _loc(locator, int(rows[i]), locator.columns[column]),
            )
        if "" in texts:
            hits = np.flatnonzero(idx == texts.index(""))
            if len(hits):
                i = int(hits[0]) + sum(len(p[1]) for p in pieces)
                raise InputError(
                    f"row has an empty {dim!r} code (column {column!r})",
                    _loc(locator, int(rows[i]), locator.columns[column]),
                )
        pieces.append((book.lookup(dim, texts), idx))
        previous = (dictionary, pieces[-1][0])
    dtype = code_dtype(book.size(dim))
    out = np.empty(len(chunked), dtype=dtype)
    at = 0
    for lookup, idx in pieces:
        if np.array_equal(lookup, np.arange(len(lookup))):
            out[at:at + len(idx)] = idx  # dictionary order is the CodeBook's: no gather
        else:
            out[at:at + len(idx)] = np.take(lookup.astype(dtype), idx)
        at += len(idx)
    return out


def _integer_ids(chunked, dim: str, book: CodeBook) -> np.ndarray:
    """Integer codes (years): ranked through a table over their range, chunk by chunk."""
    import pyarrow.compute as pc

    n = len(chunked)
    if n == 0:
        return np.empty(0, dtype=np.int8)
    bounds = pc.min_max(chunked).as_py()
    lo, hi = int(bounds["min"]), int(bounds["max"])
    if hi - lo > 4 * n + (1 << 20):
        uniq, idx = np.unique(np.asarray(chunked.to_numpy(), dtype=np.int64), return_inverse=True)
        lookup = book.lookup(dim, [str(int(u)) for u in uniq])
        return lookup.astype(code_dtype(book.size(dim)))[idx]
    present = np.zeros(hi - lo + 1, dtype=bool)
    for chunk in chunked.chunks:
        present[np.asarray(chunk.to_numpy(zero_copy_only=False), dtype=np.int64) - lo] = True
    uniq = np.flatnonzero(present) + lo
    lookup = book.lookup(dim, [str(int(u)) for u in uniq])
    dtype = code_dtype(book.size(dim))
    by_offset = np.zeros(hi - lo + 1, dtype=dtype)
    by_offset[present] = lookup
    out = np.empty(n, dtype=dtype)
    at = 0
    for chunk in chunked.chunks:  # a loop over the file's few chunks
        offsets = np.asarray(chunk.to_numpy(zero_copy_only=False), dtype=np.int64) - lo
        out[at:at + len(chunk)] = by_offset[offsets]
        at += len(chunk)
    return out


def _loc(locator: Locator, row: int, column: int) -> Location:
    loc = locator.locate(row, column)
    if locator.kind in ("json-stat", "sdmx-ml"):
        return loc
    if locator.kind == "excel":
        return Location(f"{locator.file}!{loc.cell}")
    return Location(locator.file, loc.line, loc.column)


def parse_counts(arr, column: str, defn: TableDef, locator: Locator, rows: np.ndarray,
                 notes: list[Note]) -> np.ndarray:
    """A count column as float64 (NaN = not available); anything but whole numbers is an error."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = locator.columns[column]
    if isinstance(arr, list):
        from missingstats.inputs.tables.excel import counts_from_cells

        return counts_from_cells(arr, column, defn, locator, rows, notes)
    chunked = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    t = chunked.type
    if pa.types.is_dictionary(t):
        chunked = chunked.cast(t.value_type)
        t = chunked.type
    counts = unit_of(defn.unit).whole  # whole counts are 0 or more and below 2^53
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        if pa.types.is_integer(t) and counts:
            _integer_range(chunked, column, locator, rows, col)
        values = np.empty(len(chunked), dtype=np.float64)
        at = 0
        for chunk in chunked.chunks:  # a loop over a file's few chunks
            part = values[at:at + len(chunk)]
            if chunk.null_count:
                part[:] = chunk.fill_null(0).to_numpy(zero_copy_only=False)
                part[np.asarray(chunk.is_null().to_numpy(zero_copy_only=False))] = np.nan
            else:
                part[:] = chunk.to_numpy(zero_copy_only=False)
            at += len(chunk)
        if pa.types.is_floating(t):
            unit = unit_of(defn.unit)
            bad = np.flatnonzero(unit.rejects(values))
            if len(bad):
                i = int(bad[0])
                raise InputError(
                    f"{_what(defn)} column {column!r}: {unit.problem(float(values[i]))}"
                    + _more(len(bad)), _loc(locator, int(rows[i]), col),
                )
            if counts:
                float_range(values, column, lambda i: _loc(locator, int(rows[i]), col))
        return values
    arr = chunked.combine_chunks()
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        text = arr.cast(pa.string())
        stripped = pc.utf8_trim_whitespace(text)
        if defn.thousands:
            grouped = pc.match_substring_regex(stripped, grouped_pattern(defn.thousands))
            stripped = pc.if_else(grouped, pc.replace_substring(stripped, defn.thousands, ""),
                                  stripped)
        missing = pc.is_in(stripped, value_set=pa.array(defn.missing_values, pa.string()))
        missing = pc.or_kleene(missing, pc.is_null(text)).fill_null(True)
        pattern = ARROW_INTEGRAL if unit_of(defn.unit).whole else ARROW_DECIMAL
        ok = pc.or_kleene(missing, pc.match_substring_regex(stripped, pattern))
        ok = np.asarray(ok.fill_null(False).to_numpy(zero_copy_only=False))
        if not ok.all():
            bad = np.flatnonzero(~ok)
            i = int(bad[0])
            raw = text[i].as_py()
            raise InputError(
                f"{_what(defn)} column {column!r}: {count_problem(raw, defn)}" + _more(len(bad)),
                _loc(locator, int(rows[i]), col),
            )
        values = pc.cast(pc.if_else(missing, None, stripped), pa.float64())
        values = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
        if counts:
            float_range(values, column, lambda i: _loc(locator, int(rows[i]), col),
                        lambda i: text[i].as_py().strip())
        decimal = pc.match_substring(stripped, ".").fill_null(False)
        if unit_of(defn.unit).whole and pc.any(decimal).as_py():
            notes.append(Note(
                Location(defn.file),
                f"counts in column {column!r} written with a decimal part of zero (such as 12.0) "
                "were read as whole numbers",
            ))
        return values
    raise InputError(
        f"column {column!r} holds {t}, not counts", Location(defn.file, None, col)
    )


def _what(defn: TableDef) -> str:
    return "count" if defn.unit == "count" else defn.unit


def _integer_range(chunked, column: str, locator: Locator, rows, col: int) -> None:
    """Integer counts are 0 or more and below 2^53 (beyond it float64 compares wrongly)."""
    import pyarrow.compute as pc

    bounds = pc.min_max(chunked).as_py()
    if bounds["min"] is None or (bounds["min"] >= 0 and bounds["max"] < MAX_EXACT):
        return
    values = np.asarray(chunked.fill_null(0).to_numpy(), dtype=np.int64)
    bad = np.flatnonzero((values < 0) | (values >= MAX_EXACT))
    i = int(bad[0])
    raise InputError(f"count column {column!r}: {count_range_problem(str(int(values[i])))}"
                     + _more(len(bad)), _loc(locator, int(rows[i]), col))


def number_text(v: float) -> str:
    return repr(float(v)) if not np.isinf(v) else ("infinity" if v > 0 else "-infinity")


def _more(n: int) -> str:
    return f" ({n - 1} more cell{'s' if n > 2 else ''} like it)" if n > 1 else ""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def table_suffix(path: Path) -> str:
    return path.suffix.lower()


__all__ = ["load_table", "column_letters"]
