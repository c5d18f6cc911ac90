"""Figures across documents: a file's `sources:` names other figure sheets by an alias.

    sources:
      letter2020: ../2020/letter.yaml     # relative to this file
    rules:
      - id: total-does-not-fall
        check: missing.total >= letter2020.missing.total

A figure sheet, an editions file and a table spec may all name sources; their rules then
read each source's figures as `alias.name`, located in the source file, so a failure points
into both documents. Sources are loaded with their own sources (each file once per run,
through `cache`), so a cycle (a.yaml -> b.yaml -> a.yaml) or a file that is not there is an
input error at the entry that names it. A source is only read, never checked here: given
to the same `check` run, it is checked once, as itself.
"""

from __future__ import annotations

import os
from pathlib import Path

from missingstats.core.errors import InputError, Location
from missingstats.core.findings import Figure as Cell
from missingstats.core.findings import Value
from missingstats.inputs import sheet as sh
from missingstats.inputs import yamlnodes as sy

Cache = dict[str, sh.Sheet]  # resolved path -> a sheet with its sources loaded
MAX_DEPTH = 32  # sources of sources of ...: deeper is refused (and never a RecursionError)


def shown_path(owner: str, relative: str) -> str:
    """A source's path as reports show it: the owner's directory joined with the path."""
    parent = os.path.dirname(owner)
    return os.path.normpath(os.path.join(parent, relative)) if parent else os.path.normpath(relative)


def _key(path: str | Path) -> str:
    return str(Path(path).resolve())


def load_sources(owner: str, node: sy.Node | None, cache: Cache | None = None,
                 chain: tuple[tuple[str, str], ...] = ()) -> dict[str, sh.Sheet]:
    """The sheets `node` (a `sources:` mapping of the file `owner`) names, by alias.
    `chain` is the (resolved, shown) files that led here, to name a cycle."""
    if node is None:
        return {}
    chain = chain or ((_key(owner), owner),)
    m = sy.expect_mapping(node, "'sources' (alias: path of a figure sheet)")
    if not m:
        raise InputError("'sources' names no sheet (write alias: path)", m.location)
    out: dict[str, sh.Sheet] = {}
    for alias, target in m.items():
        if not sh.NAME.match(alias) or alias in sh.RESERVED_NAMES:
            raise InputError(f"{str(alias)!r} cannot name a source: use letters, digits and "
                             "underscores, starting with a letter (e.g. letter2020)", alias.location)
        rel = sy.expect_string(target, f"the path of source {str(alias)!r}")
        shown = shown_path(owner, str(rel))
        key = _key(shown)
        seen = [k for k, _ in chain]
        if key in seen:
            loop = " -> ".join([s for _, s in chain[seen.index(key):]] + [shown])
            raise InputError(f"a cycle of sources: {loop}", rel.location)
        if len(chain) > MAX_DEPTH:
            raise InputError(f"sources are nested more than {MAX_DEPTH} deep (a source of a "
                             f"source of ... {chain[0][1]})", rel.location)
        if not Path(shown).exists():
            raise InputError(f"source {str(alias)!r}: {shown} does not exist (paths are "
                             "relative to this file)", rel.location)
        if not Path(shown).is_file():
            raise InputError(f"source {str(alias)!r}: {shown} is not a file", rel.location)
        out[str(alias)] = load_source(shown, rel.location, cache, chain + ((key, shown),))
    return out


def load_source(shown: str, where: Location, cache: Cache | None,
                chain: tuple[tuple[str, str], ...]) -> sh.Sheet:
    """One source sheet (from the cache when this run has read it), with its own sources."""
    key = chain[-1][0]
    if cache is not None and key in cache:
        return cache[key]
    root = sy.load(shown)
    if not isinstance(root, sy.Mapping) or not isinstance(root.get("figures"), sy.Mapping):
        raise InputError(f"source {shown} is not a figure sheet (a source needs 'figures:')",
                         where)
    sheet = sh.load_sheet(shown)
    sheet.sources = load_sources(shown, root.get("sources"), cache, chain)
    if cache is not None:
        cache[key] = sheet
    return sheet


def cached_sheet(path: str, cache: Cache) -> sh.Sheet | None:
    """The sheet at `path` if this run has read it already (as another file's source)."""
    if not cache or not Path(path).is_file():
        return None
    got = cache.get(_key(path))
    return got if got is not None and got.path == path else None


def attach(sheet: sh.Sheet, cache: Cache | None = None) -> sh.Sheet:
    """Load a sheet's `sources:` onto it (an alias may not shadow one of its own groups)."""
    node = sheet.root.get("sources") if sheet.root is not None else None
    if node is not None and not sheet.sources:
        sheet.sources = load_sources(sheet.path, node, cache)
        check_aliases(node, sheet.figures, "a figure of this sheet")
    if cache is not None and Path(sheet.path).is_file():
        cache.setdefault(_key(sheet.path), sheet)
    return sheet


def check_aliases(node: sy.Node, names, what: str) -> None:
    """An alias that is also the first part of one of the file's own names would hide it."""
    heads = {str(name).split(".", 1)[0] for name in names}
    for alias in sy.expect_mapping(node, "'sources'"):
        if alias in heads:
            raise InputError(f"source alias {str(alias)!r} is also {what}; choose another alias",
                             alias.location)


def rows(sources: dict[str, sh.Sheet]) -> list[dict]:
    """The sources' figures as rows of a cells frame (sh.CELL_COLUMNS), named `alias.name`."""
    return [sh.cell_row(f.location.file, f) for f in sh.source_figures(sources).values()]


def cells(sources: dict[str, sh.Sheet]) -> dict[str, Cell]:
    """Every source figure as `alias.name` with its value and location (tables' rules)."""
    out: dict[str, Cell] = {}
    for name, f in sh.source_figures(sources).items():
        value = Value.of(f.lo, f.hi, f.qualifier, f.value, f.unit)
        out[name] = Cell(name, value, f.location)
    return out
