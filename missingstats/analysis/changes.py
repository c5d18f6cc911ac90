"""The change table between two versions of a sheet (or of an editions file): which figures
changed, by how much, which are new and which are gone. `missingstats diff OLD NEW` prints
it alone (render/diff.py); `check --against` turns its rows into notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location
from missingstats.core.findings import Value
from missingstats.core.results import Note
from missingstats.inputs import yamlnodes as sy

SIDE_COLUMNS = ["lo", "hi", "value", "qualifier", "unit", "file", "line", "column"]


def change_table(old: pd.DataFrame, new: pd.DataFrame, renamed: dict[str, str]) -> pd.DataFrame:
    """One row per figure (and edition, for editions files) with both versions and the change."""
    keys = ["edition", "name"] if "edition" in old.columns and "edition" in new.columns else ["name"]
    back = {o: n for n, o in renamed.items()}
    old = old.assign(name=old["name"].map(lambda x: back.get(x, x)))
    left = old[keys + SIDE_COLUMNS].rename(columns={c: f"{c}_old" for c in SIDE_COLUMNS})
    right = new[keys + SIDE_COLUMNS].rename(columns={c: f"{c}_new" for c in SIDE_COLUMNS})
    t = left.merge(right, on=keys, how="outer", indicator=True, sort=False)
    lo_o, hi_o = t["lo_old"].to_numpy(float), t["hi_old"].to_numpy(float)
    lo_n, hi_n = t["lo_new"].to_numpy(float), t["hi_new"].to_numpy(float)
    same = (lo_o == lo_n) & (hi_o == hi_n) & (
        t["qualifier_old"].fillna("").to_numpy() == t["qualifier_new"].fillna("").to_numpy())
    status = np.where(t["_merge"] == "left_only", "removed",
                      np.where(t["_merge"] == "right_only", "added",
                               np.where(same, "unchanged", "changed")))
    t["status"] = status
    exact = (lo_o == hi_o) & (lo_n == hi_n)
    change = np.where(exact, lo_n - lo_o, np.nan)
    t["change"] = change
    with np.errstate(divide="ignore", invalid="ignore"):
        t["relative"] = np.where(exact & (lo_o != 0), change / np.abs(lo_o), np.nan)
    t["order"] = np.where(t["line_new"].notna(), t["line_new"], t["line_old"] + 1e6)
    sort = (["edition"] if "edition" in keys else []) + ["order"]
    return t.drop(columns="_merge").sort_values(sort, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Change:
    """One figure (of one edition) in both versions, and how it changed."""

    edition: str | None
    name: str
    status: str  # changed | added | removed | unchanged
    old: Value | None
    new: Value | None
    change: float | None  # exact change, when both values are exact
    relative: float | None
    old_location: Location | None
    new_location: Location | None


def _value(rec: dict, side: str) -> Value | None:
    unit = rec[f"unit_{side}"] if isinstance(rec[f"unit_{side}"], str) else "count"
    return Value.of(rec[f"lo_{side}"], rec[f"hi_{side}"], rec[f"qualifier_{side}"],
                    rec[f"value_{side}"], unit)


def _location(rec: dict, side: str) -> Location | None:
    line = rec[f"line_{side}"]
    if rec[f"file_{side}"] is None or line is None or np.isnan(line):
        return None
    return Location(str(rec[f"file_{side}"]), int(line), int(rec[f"column_{side}"]))


def _number(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def changes(table: pd.DataFrame, everything: bool = False) -> list[Change]:
    """The table's rows (changed, added and removed figures; all with `everything`)."""
    rows = table if everything else table[table["status"] != "unchanged"]
    return [
        Change(rec.get("edition"), rec["name"], rec["status"], _value(rec, "old"), _value(rec, "new"),
               _number(rec["change"]), _number(rec["relative"]), _location(rec, "old"),
               _location(rec, "new"))
        for rec in rows.to_dict("records")
    ]


def summary(table: pd.DataFrame) -> dict[str, int]:
    vc = table["status"].value_counts()
    return {k: int(vc.get(k, 0)) for k in ("changed", "added", "removed", "unchanged")}


def change_notes(table: pd.DataFrame, since: str, file: str) -> list[Note]:
    """Notes for `check --against`: one per changed figure, one per new or removed edition."""
    notes: list[Note] = []
    whole: set[tuple[str, str]] = set()
    if "edition" in table.columns:
        for status in ("added", "removed"):
            per = table.groupby("edition")["status"].agg(lambda s, st=status: bool((s == st).all()))
            for edition in per[per].index:
                n = int((table["edition"] == edition).sum())
                notes.append(Note(Location(file), reasons.EditionChange(
                    edition, status == "added", n, since)))
                whole.add((edition, status))
    for c in changes(table):
        if (c.edition, c.status) in whole:
            continue
        where = c.new_location if c.status != "removed" and c.new_location else Location(file)
        notes.append(Note(where, reasons.FigureChange(
            c.name, c.status, c.old, c.new, c.change, c.relative, since, c.edition)))
    return notes


# --- the `diff` command ------------------------------------------------------------------


def load_version(spec: str) -> tuple[str, pd.DataFrame, dict[str, str], bool]:
    """(label, cells, renames, is editions file) of a file, or of `REV:path` read through git."""
    from pathlib import Path

    from missingstats.inputs.editions import edition_meta, load_editions_file, sheet_from_mapping
    from missingstats.inputs.versions import read_revision

    if Path(spec).is_file() or ":" not in spec:
        label, text = spec, sy.read_text(spec)
    else:
        rev, path = spec.split(":", 1)
        got = read_revision(rev, path)
        if got is None:
            raise InputError(f"{path} is not in {rev}")
        label, text = got
    top = sy.expect_mapping(sy.load(label, text), "a figure sheet or editions file")
    if "editions" in top and "figures" not in top:
        return label, load_editions_file(label, top).cells, {}, True
    if "figures" not in top:
        raise InputError("not a figure sheet or editions file (no 'figures:' or 'editions:')", top.location)
    sheet = sheet_from_mapping(top, label)
    return label, sheet.cells(), edition_meta(sheet)[1], False


def diff_files(old_spec: str, new_spec: str) -> tuple[str, str, pd.DataFrame]:
    old_label, old, _, old_editions = load_version(old_spec)
    new_label, new, renamed, new_editions = load_version(new_spec)
    if old_editions != new_editions:
        raise InputError(
            "compare like with like: one is a sheet and the other an editions file "
            "(use check --against to compare a new edition with a sheet)"
        )
    return old_label, new_label, change_table(old, new, renamed)
