"""SDMX-ML data messages (generic and structure-specific, 2.1 and 3.0) and SDMX structure
messages (code lists and hierarchical code lists) as tables and hierarchies.

Data: our own streaming reader on lxml's `iterparse`, because it keeps what a report needs
and the libraries drop: the line of every observation. Measured on a 13 MB structure-specific
message (270,000 observations, docs/tables.md): lxml iterparse 0.42 s and 76 MiB; pysdmx
1.21 6.7 s and 279 MiB (a frame of strings, no lines); sdmx1 2.28 26 s and 615 MiB (an
object per observation, no lines). Series-level values and attributes are inherited by
their observations; `OBS_VALUE` "NaN" is SDMX's "not available".

Structure: pysdmx reads structure messages (`codelist: structure.xml` in `hierarchies:`):
a hierarchical code list gives parent -> child edges with their validity (validFrom /
validTo of each hierarchical code), a code list its codes.

Both need the `sdmx` extra (`pip install 'missingstats[sdmx]'`): lxml and pysdmx[xml].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from missingstats.core.errors import InputError, Location

DATA_ROOTS = ("GenericData", "StructureSpecificData", "GenericTimeSeriesData",
              "StructureSpecificTimeSeriesData", "Data")
EXTRA = "reading SDMX-ML needs the sdmx extra: pip install 'missingstats[sdmx]'"
# Attributes of the SDMX cross-domain concepts (and Eurostat's OBS_FLAG): never dimensions.
SDMX_ATTRIBUTES = ("OBS_STATUS", "OBS_FLAG", "OBS_CONF", "CONF_STATUS", "OBS_PRE_BREAK",
                   "OBS_COMMENT", "COMMENT", "UNIT_MULT", "DECIMALS", "TITLE", "TITLE_COMPL",
                   "TIME_FORMAT", "COLLECTION", "COMPILATION", "EMBARGO_TIME", "SOURCE_AGENCY",
                   "UNIT_MEASURE_TYPE", "BREAK", "NOTE")
FLAG_COLUMNS = ("OBS_STATUS", "OBS_FLAG", "CONF_STATUS", "OBS_CONF")


def _etree():
    try:
        from lxml import etree
    except ImportError:
        raise InputError(EXTRA, Location("")) from None
    return etree


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _plain(attrib) -> dict[str, str]:
    """An element's attributes without namespaced ones (xsi:type, ss:structureRef)."""
    return {k: v for k, v in attrib.items() if not k.startswith("{")}


class _Observations:
    """Walks a data message once: (line, series values, observation values) per Obs."""

    def __init__(self, path: Path, shown: str) -> None:
        self.path, self.shown = path, shown
        self.generic = False

    def __iter__(self):
        etree = _etree()
        try:
            events = etree.iterparse(str(self.path), events=("start", "end"), resolve_entities=False,
                                     no_network=True, huge_tree=False, remove_comments=True)
            yield from self._walk(events)
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if getattr(exc, "position", None) else None
            raise InputError(f"is not well-formed XML: {exc.msg}", Location(self.shown, line)) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc}", Location(self.shown)) from None

    def _walk(self, events):
        series: dict[str, str] = {}
        root_seen = False
        for event, el in events:
            name = _local(el.tag)
            if not root_seen:
                root_seen = True
                if name not in DATA_ROOTS:
                    raise InputError(f"is not an SDMX-ML data message (its root is {name!r})",
                                     Location(self.shown, el.sourceline))
                self.generic = name.startswith("Generic")
                continue
            if event == "start":
                if name == "Series":
                    series = {} if self.generic else _plain(el.attrib)
                continue
            if name == "Obs":
                values = self._generic_obs(el) if self.generic else _plain(el.attrib)
                yield el.sourceline, series, values
                el.clear(keep_tail=False)
            elif name == "SeriesKey" and self.generic:
                series = {**series, **_values(el)}
            elif name == "Attributes" and self.generic and _local(el.getparent().tag) == "Series":
                series = {**series, **_values(el)}
            elif name == "Series":
                series = {}
                el.clear(keep_tail=False)

    @staticmethod
    def _generic_obs(el) -> dict[str, str]:
        out: dict[str, str] = {}
        for child in el:
            name = _local(child.tag)
            if name in ("ObsDimension", "ObsValue"):
                key = child.get("id") or ("OBS_VALUE" if name == "ObsValue" else "TIME_PERIOD")
                out[key] = child.get("value", "")
            elif name in ("ObsKey", "Attributes"):
                out.update(_values(child))
        return out


def _values(el) -> dict[str, str]:
    """<Value id="geo" value="AT"/> children of SeriesKey, ObsKey or Attributes."""
    return {v.get("id"): v.get("value", "") for v in el if _local(v.tag) == "Value" and v.get("id")}


def describe_sdmx_ml(path: Path, shown: str) -> tuple[list[str], list[str]]:
    """(every component id, the dimensions): the series key and observation dimension
    (generic), or every value of a Series and an Obs that is not OBS_VALUE or a cross-domain
    attribute (structure-specific)."""
    from missingstats.inputs.tables.jsonstat import column_name

    walk = _Observations(path, shown)
    first = next(iter(walk), None)
    if first is None:
        raise InputError("holds no observation (Obs)", Location(shown))
    _, series, obs = first
    keys = list(dict.fromkeys([*series, *obs]))
    dims = [k for k in keys if k != "OBS_VALUE" and k not in SDMX_ATTRIBUTES]
    bad = [k for k in keys if column_name(k) != k]
    if bad:
        raise InputError(f"has a component id {bad[0]!r} that is not a simple name", Location(shown))
    return keys, dims


def read_sdmx_ml(defn, needed: list[str]) -> tuple[dict[str, Any], dict[str, int]]:
    """Every observation as a row: its columns (Arrow), its line as provenance (`__row__`)."""
    import pyarrow as pa

    wanted = list(dict.fromkeys(needed + ["DECIMALS"]))
    lists: dict[str, list] = {c: [] for c in wanted}
    lines: list[int] = []
    for line, series, obs in _Observations(defn.path, defn.file):  # one pass, per observation
        lines.append(line)
        for c in wanted:
            v = obs.get(c)
            lists[c].append(series.get(c) if v is None else v)
    if not lines:
        raise InputError("holds no observation (Obs)", Location(defn.file))
    columns: dict[str, Any] = {}
    for c, vals in lists.items():
        if c in defn.dimensions.values():
            missing = [i for i, v in enumerate(vals) if v is None]
            if missing:
                raise InputError(f"observation has no {c!r}", Location(defn.file, lines[missing[0]]))
            columns[c] = pa.array(vals, type=pa.string()).dictionary_encode()
        elif c == "DECIMALS":
            if any(v is not None for v in vals):
                columns[c] = pa.array(vals, type=pa.string())
        else:
            columns[c] = pa.array(vals, type=pa.string())
    columns["__len__"] = len(lines)
    columns["__row__"] = np.asarray(lines, dtype=np.int64)
    return columns, {c: 0 for c in wanted}


# --- structure messages ---------------------------------------------------------------------


def structure_hierarchy(path: Path, shown: str, wanted: str | None, where: Location):
    """(codes, edges, validity) of a hierarchy (with dated edges), or of a code list (its
    codes, no edges), from a structure message."""
    if not path.is_file():
        raise InputError(f"structure message {shown} does not exist", where)
    try:
        from pysdmx.io import read_sdmx
    except ImportError:
        raise InputError(EXTRA.replace("SDMX-ML", "SDMX structure messages"), where) from None
    try:
        message = read_sdmx(str(path), validate=False)
        hierarchies = _get(message, "get_hierarchies")
        codelists = _get(message, "get_codelists")
    except InputError:
        raise
    except Exception as exc:  # pysdmx raises its own errors, and lxml's, for a bad message
        raise InputError(f"cannot read the SDMX structure message: {type(exc).__name__}: {exc}",
                         Location(shown)) from None
    found = {h.id: h for h in hierarchies} | {c.id: c for c in codelists}
    if wanted is None:
        pick = hierarchies or codelists
        if len(pick) != 1:
            names = ", ".join(found) or "none"
            raise InputError(f"{shown} has {len(pick)} hierarchies or code lists ({names}); say "
                             "which with 'id:'", where)
        item = pick[0]
    elif wanted in found:
        item = found[wanted]
    else:
        raise InputError(f"{shown} has no hierarchy or code list {wanted!r} (it has: "
                         f"{', '.join(found) or 'none'})", where)
    codes: dict[str, None] = {}
    edges: list[tuple[str, str]] = []
    validity: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    if hasattr(item, "items"):  # a code list: its codes, no edges
        for code in item.items:
            codes.setdefault(str(code.id), None)
    else:
        stack = [(None, c) for c in item.codes]
        while stack:  # iterative: a deep hierarchy must not exhaust the recursion limit
            parent, hc = stack.pop()
            code = str(hc.id)
            codes.setdefault(code, None)
            if parent is not None:
                edges.append((parent, code))
                start = getattr(hc, "rel_valid_from", None) or getattr(hc, "valid_from", None)
                end = getattr(hc, "rel_valid_to", None) or getattr(hc, "valid_to", None)
                if start or end:
                    validity[(parent, code)] = (_day(start), _day(end))
            stack.extend((code, c) for c in reversed(hc.codes))
    return list(codes), edges, validity


def _get(message, method: str) -> list:
    try:
        return list(getattr(message, method)())
    except Exception:  # pysdmx raises NotFound when a message has none of them
        return []


def _day(moment) -> str | None:
    return None if moment is None else moment.date().isoformat()
