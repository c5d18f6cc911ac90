"""Load a series: several sheets of one series, or one file of editions, into one frame of
cells with an `edition` coordinate ordered by as_of.

Figures are matched across editions by name. A figure renamed in an edition is mapped
explicitly (`renamed: {new_name: old_name}`), and every edition's cells then carry the newest
name, so a rule written for today's sheet reads the whole history.

An editions file:

    source: {title: ICMP fact sheet}
    rules: rules.yaml
    editions:
      - as_of: 2019-12-31            # or source: {as_of: ..., date: ..., url: ...}
        figures: {identified: 1053}
      - as_of: 2020-12-31
        renamed: {identified: found}  # optional: `identified` was called `found` before
        figures: {identified: {value: 1035, revised: {from: 2001, why: "..."}}}

A sheet that is one edition of a series says so with `edition: {series: ID}` (and may carry
`renamed:` there), so `missingstats check a.yaml b.yaml` knows the two belong together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from missingstats.core.errors import InputError, Location
from missingstats.inputs import keys as kt
from missingstats.inputs import sheet as sh
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.keys import Key, Table

# --- the keys of an editions file's mappings (checked here, and the sheet JSON Schema) ------

RENAMED = {"type": "object", "additionalProperties": kt.STRING,
           "description": "new_name: old_name for figures renamed in this edition."}
SERIES = Key("series", kt.TEXT, "The series this sheet is an edition of.")
EDITION = Table("edition", "'edition'", "This sheet is one edition of a series.", (
    SERIES, Key("renamed", RENAMED),
))
FILE_EDITION = Table("fileEdition", "'edition' of an editions file", "The series these editions form.",
                     (SERIES,),
                     hints={"renamed": "each edition has its own 'renamed:'"})
EDITION_ITEM = Table("editionItem", "an edition", "One edition: its date and its figures.", (
    Key("as_of", kt.DATE, "The date the figures refer to (or give it in source)."),
    Key("source", sh.SOURCE),
    Key("figures", sh.GROUP, "The edition's figures, nested by group.", required=True,
        missing="an edition needs a 'figures:' mapping"),
    Key("settings", sh.SETTINGS),
    Key("renamed", RENAMED),
))
EDITIONS_FILE = Table(
    "editionsFile", "an editions file", "Several editions of one series in one file.", (
        Key("source", sh.SOURCE, "What every edition shares (each may add its own)."),
        Key("rules", kt.RULES),
        Key("settings", sh.SETTINGS),
        Key("editions", {"type": "array", "items": EDITION_ITEM, "minItems": 1},
            "The editions, each with its as_of and figures.", required=True),
        Key("edition", FILE_EDITION),
        Key("sources", kt.SOURCES),
    ),
    unknown="unknown top-level key",
    hints={"figures": "a file holds either 'figures' or 'editions'",
           "text": "a text belongs to one sheet, not to a series"},
)


@dataclass
class Revision:
    """A figure's recorded revision: comparisons across it from `since` on are explained."""

    name: str
    edition: str
    since: str | None
    why: str
    location: Location


@dataclass
class Edition:
    label: str
    sheet: sh.Sheet
    renamed: dict[str, str] = field(default_factory=dict)  # new name -> old name
    rename_locations: dict[str, Location] = field(default_factory=dict)


@dataclass
class Series:
    id: str
    editions: list[Edition]
    cells: Any  # pandas.DataFrame: sheet cells + edition, order, canonical names
    revisions: list[Revision]
    sources: dict[str, sh.Sheet] = field(default_factory=dict)  # `sources:` (inputs/sources.py)

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.editions]


sheet_from_mapping = sh.sheet_from_mapping  # one loader for sheets, editions and git text


def parse_sheet_text(label: str, text: str) -> sh.Sheet:
    """A sheet from text (e.g. `git show REV:path`), with `label` as its file name."""
    return sh.load_sheet(label, text)


def edition_meta(sheet: sh.Sheet) -> tuple[str | None, dict[str, str], dict[str, Location]]:
    """A sheet's `edition:` key: (series id or None, renames new -> old, their locations)."""
    node = sheet.root.get("edition") if sheet.root is not None else None
    if node is None:
        return None, {}, {}
    m = EDITION.mapping(node)
    series = str(sy.expect_string(m["series"], "edition.series")) if "series" in m else None
    renamed, where = parse_renamed(m.get("renamed"), sheet)
    return series, renamed, where


def parse_renamed(node: sy.Node | None, sheet: sh.Sheet) -> tuple[dict[str, str], dict[str, Location]]:
    if node is None:
        return {}, {}
    m = sy.expect_mapping(node, "'renamed' (new name: old name)")
    out: dict[str, str] = {}
    where: dict[str, Location] = {}
    for key, value in m.items():
        old = str(sy.expect_string(value, f"renamed.{key}"))
        if str(key) not in sheet.figures:
            raise InputError(
                f"renamed: {str(key)!r} is not a figure of this edition (write new_name: old_name)"
                f"{_suggest(str(key), sheet.figures)}",
                key.location,
            )
        if old in sheet.figures:
            raise InputError(
                f"renamed: {old!r} is still a figure of this edition, so it was not renamed",
                value.location,
            )
        out[str(key)] = old
        where[str(key)] = key.location
    return out, where


def _suggest(name: str, candidates) -> str:
    from missingstats.core.errors import suggest

    return suggest(name, candidates)


def parse_revisions(sheet: sh.Sheet, label: str, as_of: str | None) -> list[Revision]:
    """Every figure's `revised: {from: DATE, why: TEXT}`, strictly checked."""
    out: list[Revision] = []
    for fig in sheet.figures.values():
        node = fig.extra.get("revised")
        if node is None:
            continue
        what = f"{fig.name}.revised"
        m = sh.REVISED.mapping(node, f"{what} (from: DATE, why: TEXT)", what)
        why = str(sy.expect_string(m["why"], f"{what}.why"))
        since = None
        if "from" in m:
            since = str(sy.expect_string(m["from"], f"{what}.from"))
            sh.check_date(since, m["from"], f"{what}.from")
            if as_of is not None and as_of[: len(since)] < since:
                raise InputError(
                    f"{what}.from {since} is after this edition (as_of {as_of}); a revision "
                    "covers earlier editions",
                    m["from"].location,
                )
        out.append(Revision(fig.name, label, since, why, m.location))
    return out


def load_editions_file(path: str, top: sy.Mapping) -> Series:
    """One file holding several editions (top-level `editions:` list)."""
    EDITIONS_FILE.check(top)
    settings = sh.parse_settings(top.get("settings"))
    shared_source = sh.parse_source(top.get("source"))
    series_id = path
    if "edition" in top:
        m = FILE_EDITION.mapping(top["edition"], "'edition'")
        if "series" in m:
            series_id = str(sy.expect_string(m["series"], "edition.series"))
    items = sy.expect_sequence(top["editions"], "'editions'")
    if not items:
        raise InputError("'editions' lists no editions", items.location)
    editions: list[Edition] = []
    for item in items:
        m = EDITION_ITEM.mapping(item)
        sheet = sheet_from_mapping(m, path, settings)
        sheet.source = {**shared_source, **sheet.source}
        if "as_of" in m:
            if "as_of" in sheet.source and "source" in m and "as_of" in m["source"]:
                raise InputError("give as_of once (here or in source)", m["as_of"].location)
            as_of = str(sy.expect_string(m["as_of"], "as_of"))
            sh.check_date(as_of, m["as_of"], "as_of")
            sheet.source["as_of"] = as_of
        if "as_of" not in sheet.source:
            raise InputError("an edition needs its date: as_of: YYYY-MM-DD", m.location)
        renamed, where = parse_renamed(m.get("renamed"), sheet)
        editions.append(Edition(sheet.source["as_of"], sheet, renamed, where))
    return build_series(series_id, editions)


def edition_from_sheet(sheet: sh.Sheet, label: str | None = None) -> Edition:
    """A sheet as one edition; its label is its as_of unless given."""
    _, renamed, where = edition_meta(sheet)
    return Edition(label or sheet.source.get("as_of", sheet.path), sheet, renamed, where)


def build_series(series_id: str, editions: list[Edition], order_by_date: bool = True) -> Series:
    """Order editions, apply renames, and stack their cells into one frame."""
    import pandas as pd

    if order_by_date:
        editions = sorted(editions, key=lambda e: e.label)
    seen: dict[str, Edition] = {}
    for e in editions:
        if e.label in seen:
            first = seen[e.label]
            raise InputError(
                f"two editions of series {series_id!r} have as_of {e.label} "
                f"(also in {first.sheet.path}); each edition needs its own date",
                _where(e),
            )
        seen[e.label] = e
    mapping: dict[str, str] = {}  # a name in an older edition -> the newest name
    frames = [_cell_rows(e.sheet) for e in editions]
    canonical: list[list[str]] = [[] for _ in editions]
    bound_rows: list[dict] = []
    revisions: list[Revision] = []
    from missingstats.kinds.share import BOUND_COLUMNS, stated_bounds_rows

    for order in range(len(editions) - 1, -1, -1):  # newest first: renames reach back
        e = editions[order]
        names = [mapping.get(r["name"], r["name"]) for r in frames[order]]
        if len(set(names)) != len(names):
            clash = next(n for i, n in enumerate(names) if n in names[:i])
            raise InputError(
                f"edition {e.label}: two figures map to {clash!r} after renames; "
                "check the 'renamed' entries of later editions",
                _where(e),
            )
        canonical[order] = names
        for row in stated_bounds_rows(e.sheet):
            bound_rows.append({**row, "name": mapping.get(row["name"], row["name"]), "order": order})
        for rev in parse_revisions(e.sheet, e.label, e.sheet.source.get("as_of")):
            rev.name = mapping.get(rev.name, rev.name)
            revisions.append(rev)
        for new, old in e.renamed.items():
            mapping[old] = mapping.get(new, new)
    cells = pd.DataFrame([r for rows in frames for r in rows], columns=CELL_COLUMNS)
    cells["original"] = cells["name"]
    cells["name"] = [n for names in canonical for n in names]
    cells["edition"] = [e.label for e, f in zip(editions, frames) for _ in range(len(f))]
    cells["order"] = [i for i, f in enumerate(frames) for _ in range(len(f))]
    bounds = pd.DataFrame(bound_rows, columns=["name", *BOUND_COLUMNS, "order"])
    cells = cells.merge(bounds, on=["order", "name"], how="left")
    return Series(series_id, editions, cells, revisions)


CELL_COLUMNS = sh.CELL_COLUMNS


def _cell_rows(sheet: sh.Sheet) -> list[dict]:
    """A sheet's own cells as rows (the columns of Sheet.cells), so a long series builds one
    frame (its sources' figures are added where the check rules run, not to the series)."""
    return [sh.cell_row(sheet.path, f) for f in sheet.figures.values()]


def _where(e: Edition) -> Location:
    if e.sheet.root is not None and hasattr(e.sheet.root, "location"):
        return e.sheet.root.location
    return Location(e.sheet.path)
