"""JSON-stat 2.0 datasets (alone, in a collection or in a bundle) read as tables.

Our own small reader rather than pyjstat or jsonstat.py: pyjstat (2.4.0) turns a dataset
into a pandas frame of labels or ids but drops `status`, `child` and `unit.decimals` and
keeps no position of a value; jsonstat.py has not been released since 2017. A dataset is
plain JSON whose cells are addressed by position, so reading it is one `json.load` and a
few vectorised steps:

- `value` (an array, or an object of positions for a sparse cube) -> float64, null = empty;
  a position the object leaves out is an absent cell;
- each position -> one code per dimension (`np.unravel_index` over `size`, row-major as
  the format defines it), as Arrow dictionary arrays, like the other readers' columns;
- `status` (one text, an array, or an object of positions) -> the flag column `status`;
- `dimension.<d>.category.unit.<code>.decimals` -> the rounding of each cell;
- `category.child` -> a hierarchy (`hierarchies: {geo: {from: dataset}}`).

Every cell keeps its position in `value` as its provenance (shown `pop.json#/value/17`, a
JSON Pointer). Malformed documents are input errors naming the JSON Pointer at fault.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from missingstats.core.errors import InputError, Location

MAX_CELLS = 2**40  # the product of `size` beyond which positions could not be indexed


def _constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


@lru_cache(maxsize=8)
def _document(path: str, mtime: int, size: int) -> Any:
    with open(path, "rb") as fh:
        return json.loads(fh.read().decode("utf-8-sig"), parse_constant=_constant)


def document(path: Path, shown: str) -> Any:
    try:
        st = path.stat()
        return _document(str(path), st.st_mtime_ns, st.st_size)
    except (UnicodeDecodeError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "colno", None)
        message = getattr(exc, "msg", None) or str(exc)
        raise InputError(f"is not valid JSON: {message}", Location(shown, line, column)) from None
    except RecursionError:
        raise InputError("is nested too deeply to be a JSON-stat document", Location(shown)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", Location(shown)) from None


def _at(shown: str, pointer: str) -> Location:
    return Location(shown, None, None, pointer or "/")


def select(doc: Any, shown: str, wanted: str | None) -> tuple[dict, str]:
    """The dataset a table means, and its JSON Pointer: the document itself, an item of a
    collection (by label, id or position from 1) or a member of a bundle (by name)."""
    if not isinstance(doc, dict):
        raise InputError("is not a JSON-stat document (an object with 'class')", _at(shown, ""))
    cls = doc.get("class")
    found: list[tuple[str, str, dict]] = []  # (name, pointer, dataset)
    if cls == "dataset" or (cls is None and "dimension" in doc and "value" in doc):
        found = [(str(doc.get("label") or doc.get("id") or "dataset"), "", doc)]
    elif cls == "collection":
        items = (doc.get("link") or {}).get("item") if isinstance(doc.get("link"), dict) else None
        if not isinstance(items, list):
            raise InputError("a JSON-stat collection needs link.item", _at(shown, "/link"))
        for i, item in enumerate(items):
            if isinstance(item, dict) and item.get("class") == "dataset" and "dimension" in item:
                name = str(item.get("label") or item.get("href") or i + 1)
                found.append((name, f"/link/item/{i}", item))
    elif cls is None or cls == "bundle":
        for key, item in doc.items():
            if isinstance(item, dict) and "dimension" in item and "value" in item:
                found.append((str(key), f"/{key}", item))
    if not found:
        raise InputError("holds no JSON-stat dataset (with 'dimension' and 'value')", _at(shown, ""))
    if wanted is None:
        if len(found) > 1:
            raise InputError(f"holds {len(found)} datasets; say which with 'dataset:' "
                             f"({', '.join(n for n, _, _ in found[:10])})", _at(shown, ""))
        return found[0][2], found[0][1]
    for i, (name, pointer, item) in enumerate(found):
        if wanted in (name, str(i + 1), item.get("id"), item.get("label")):
            return item, pointer
    raise InputError(f"has no dataset {wanted!r} (it has: {', '.join(n for n, _, _ in found[:10])})",
                     _at(shown, ""))


def structure(ds: dict, shown: str, base: str) -> tuple[list[str], list[int]]:
    """The dataset's dimension ids and sizes, checked against each other."""
    ids, size = ds.get("id"), ds.get("size")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise InputError("'id' must list the dimension ids", _at(shown, f"{base}/id"))
    if not isinstance(size, list) or len(size) != len(ids) or not all(
            isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in size):
        raise InputError("'size' must give one whole number per dimension in 'id'",
                         _at(shown, f"{base}/size"))
    if len(set(ids)) != len(ids):
        raise InputError("'id' lists a dimension twice", _at(shown, f"{base}/id"))
    dims = ds.get("dimension")
    if not isinstance(dims, dict):
        raise InputError("'dimension' must be an object", _at(shown, f"{base}/dimension"))
    for d in ids:
        if not isinstance(dims.get(d), dict):
            raise InputError(f"dimension {d!r} of 'id' is not described", _at(shown, f"{base}/dimension"))
    total = 1
    for s in size:
        total *= s
    if total > MAX_CELLS:
        raise InputError("'size' describes more cells than can be indexed", _at(shown, f"{base}/size"))
    return ids, size


def categories(ds: dict, dim: str, n: int, shown: str, base: str) -> list[str]:
    """A dimension's codes in position order (index as a list or an object; or the one
    label of a single-category dimension)."""
    where = f"{base}/dimension/{dim}/category"
    cat = ds["dimension"][dim].get("category")
    if not isinstance(cat, dict):
        raise InputError(f"dimension {dim!r} has no category", _at(shown, where))
    index = cat.get("index")
    if index is None:
        labels = cat.get("label")
        if n == 1 and isinstance(labels, dict) and len(labels) == 1:
            return [str(next(iter(labels)))]
        raise InputError(f"dimension {dim!r} has no category.index", _at(shown, where))
    if isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, dict):
        codes = [""] * len(index)
        for code, pos in index.items():
            if not isinstance(pos, int) or isinstance(pos, bool) or not 0 <= pos < len(index) or codes[pos]:
                raise InputError(f"category.index of {dim!r} gives {code!r} the position {pos!r}",
                                 _at(shown, f"{where}/index"))
            codes[pos] = str(code)
    else:
        raise InputError(f"category.index of {dim!r} must be a list or an object", _at(shown, where))
    if len(codes) != n:
        raise InputError(f"dimension {dim!r} has {len(codes)} categories but 'size' says {n}",
                         _at(shown, f"{where}/index"))
    if len(set(codes)) != len(codes):
        raise InputError(f"dimension {dim!r} lists a category twice", _at(shown, f"{where}/index"))
    return codes


def column_name(dim_id: str) -> str:
    """A dimension id as a name rules can use: other characters become _."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", dim_id)
    return f"_{name}" if not name or name[0].isdigit() else name


def describe_jsonstat(path: Path, shown: str, dataset: str | None) -> tuple[list[str], list[str]]:
    """The dimension names of a dataset, and its flag column (`status`) if it has one."""
    ds, base = select(document(path, shown), shown, dataset)
    ids, _ = structure(ds, shown, base)
    names = [column_name(d) for d in ids]
    if len(set(names)) != len(names) or "value" in names or "status" in names:
        raise InputError("dimension ids clash with each other or with 'value'/'status' once "
                         "written as names", _at(shown, f"{base}/id"))
    return names, ["status"] if ds.get("status") is not None else []


def _positions(value: Any, total: int, shown: str, base: str) -> tuple[np.ndarray, Any]:
    """Positions present, and their values (a list): all of a dense array, the keys of an object."""
    if isinstance(value, list):
        if len(value) != total:
            raise InputError(f"'value' has {len(value)} entries where 'size' gives {total} cells",
                             _at(shown, f"{base}/value"))
        return np.arange(total, dtype=np.int64), value
    if isinstance(value, dict):
        try:
            pos = np.fromiter((int(k) for k in value), dtype=np.int64, count=len(value))
        except ValueError:
            bad = next(k for k in value if not str(k).isdigit())
            raise InputError(f"'value' key {bad!r} is not a position", _at(shown, f"{base}/value")) from None
        if len(pos) and (pos.min() < 0 or pos.max() >= total):
            raise InputError(f"'value' has a position outside the {total} cells of 'size'",
                             _at(shown, f"{base}/value"))
        return pos, list(value.values())
    raise InputError("'value' must be an array or an object", _at(shown, f"{base}/value"))


def _numbers(values: list, shown: str, base: str, positions: np.ndarray):
    """The values as a float64 Arrow array (null: not available); text is an input error."""
    import pyarrow as pa

    try:
        arr = pa.array(values, from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        arr = None
    if arr is None or not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)
                           or pa.types.is_null(arr.type)):
        i = next(i for i, v in enumerate(values)
                 if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)))
        raise InputError(f"value {values[i]!r} is not a number", _at(shown, f"{base}/value/{positions[i]}"))
    return arr.cast(pa.float64())


def _status(status: Any, positions: np.ndarray, total: int, shown: str, base: str):
    """The flag text of each present position ('' where there is none)."""
    import pyarrow as pa

    if isinstance(status, str):
        return pa.array(np.full(len(positions), status, dtype=object), type=pa.string())
    if isinstance(status, list):
        if len(status) != total and len(status) != 1:
            raise InputError(f"'status' has {len(status)} entries where 'size' gives {total} cells",
                             _at(shown, f"{base}/status"))
        if len(status) == 1:
            return pa.array(np.full(len(positions), str(status[0] or ""), dtype=object), pa.string())
        texts = np.array(["" if s is None else str(s) for s in status], dtype=object)
        return pa.array(texts[positions], type=pa.string())
    if isinstance(status, dict):
        out = np.full(len(positions), "", dtype=object)
        if not len(positions):  # a sparse cube with no value at all
            return pa.array(out, type=pa.string())
        where = {int(k): str(v or "") for k, v in status.items() if str(k).isdigit()}
        if len(where) != len(status):
            raise InputError("'status' keys must be positions", _at(shown, f"{base}/status"))
        order = np.argsort(positions)
        keys = np.fromiter(where, dtype=np.int64, count=len(where))
        at = np.searchsorted(positions[order], keys)
        hit = (at < len(positions)) & (positions[order][np.minimum(at, len(positions) - 1)] == keys)
        vals = np.array(list(where.values()), dtype=object)
        out[order[at[hit]]] = vals[hit]
        return pa.array(out, type=pa.string())
    raise InputError("'status' must be text, an array or an object", _at(shown, f"{base}/status"))


def _decimals(ds: dict, ids: list[str], digits: list[np.ndarray]) -> np.ndarray | None:
    """Decimals per cell from the metric dimension's category.unit (None: none given)."""
    for d, dig in zip(ids, digits):
        cat = ds["dimension"][d].get("category") or {}
        unit = cat.get("unit")
        if not isinstance(unit, dict):
            continue
        codes = categories(ds, d, _size(ds, d), "", "")
        dec = np.full(len(codes), np.nan)
        for i, c in enumerate(codes):
            u = unit.get(c)
            if isinstance(u, dict) and isinstance(u.get("decimals"), int) and 0 <= u["decimals"] <= 15:
                dec[i] = u["decimals"]
        if not np.isnan(dec).all():
            return dec[dig]
    return None


def _size(ds: dict, dim: str) -> int:
    return ds["size"][ds["id"].index(dim)]


def read_jsonstat(defn) -> tuple[dict[str, Any], dict[str, int]]:
    """The columns of a JSON-stat dataset (Arrow arrays, like the CSV reader's) with the
    positions in `value` as rows, and the column numbers for a Locator."""
    import pyarrow as pa

    shown = defn.file
    ds, base = select(document(defn.path, shown), shown, defn.dataset)
    ids, size = structure(ds, shown, base)
    total = int(np.prod(size, dtype=np.int64)) if size else 1
    every = [categories(ds, d, n, shown, base) for d, n in zip(ids, size)]
    positions, values = _positions(ds.get("value"), total, shown, base)
    digits = list(np.unravel_index(positions, size)) if size else []
    columns: dict[str, Any] = {}
    for d, codes, dig in zip(ids, every, digits):
        columns[column_name(d)] = pa.DictionaryArray.from_arrays(
            pa.array(dig.astype(np.int32)), pa.array(codes, type=pa.string()))
    columns["value"] = _numbers(values, shown, base, positions)
    if ds.get("status") is not None:
        columns["status"] = _status(ds["status"], positions, total, shown, base)
    decimals = _decimals(ds, ids, digits)
    if decimals is not None:
        columns["__decimals__"] = decimals
    columns["__len__"] = len(positions)
    columns["__row__"] = positions
    names = [column_name(d) for d in ids]
    return columns, {c: i + 1 for i, c in enumerate([*names, "value", "status"])}


def dataset_hierarchy(path: Path, shown: str, dataset: str | None, column: str,
                      where: Location) -> tuple[list[str], list[tuple[str, str]]]:
    """A dimension's codes and its `category.child` edges (parent -> child)."""
    ds, base = select(document(path, shown), shown, dataset)
    ids, size = structure(ds, shown, base)
    by_name = {column_name(d): d for d in ids}
    dim = by_name.get(column)
    if dim is None:
        raise InputError(f"{shown} has no dimension {column!r}", where)
    codes = categories(ds, dim, size[ids.index(dim)], shown, base)
    child = (ds["dimension"][dim].get("category") or {}).get("child")
    if child is None:
        raise InputError(f"dimension {dim!r} of {shown} has no category.child to take a "
                         "hierarchy from", where)
    if not isinstance(child, dict):
        raise InputError("category.child must be an object",
                         _at(shown, f"{base}/dimension/{dim}/category/child"))
    known = set(codes)
    edges: list[tuple[str, str]] = []
    for parent, kids in child.items():
        if not isinstance(kids, list) or parent not in known or not all(k in known for k in kids):
            raise InputError(f"category.child of {dim!r}: {parent!r} must map to a list of its "
                             "categories", _at(shown, f"{base}/dimension/{dim}/category/child"))
        edges.extend((str(parent), str(k)) for k in kids if k != parent)
    return codes, edges
