"""The change table between two versions of a sheet (or of an editions file): which figures
changed, by how much, which are new and which are gone. `missingstats diff OLD NEW` prints
it alone; `check --against` turns its rows into notes.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from missingstats.core.errors import InputError, Location
from missingstats.evaluate import series_common as cm
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.yamlnodes import Note

SIDE_COLUMNS = ["lo", "hi", "value", "qualifier", "unit", "file", "line", "column"]
DIFF_VERSION = 1


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


def _text(rec: dict, side: str) -> str | None:
    lo = rec[f"lo_{side}"]
    if lo is None or (isinstance(lo, float) and np.isnan(lo)):
        return None
    text = cm.describe(lo, rec[f"hi_{side}"], rec[f"qualifier_{side}"], rec[f"value_{side}"])
    return f"{text}%" if rec[f"unit_{side}"] == "percent" else text


def _change_text(rec: dict) -> str:
    if rec["status"] != "changed":
        return rec["status"]
    if np.isnan(rec["change"]):
        return "bounds changed"
    unit = " points" if rec["unit_new"] == "percent" else ""
    rel = "" if np.isnan(rec["relative"]) else f", {cm.signed(round(100 * rec['relative'], 1))}%"
    return f"{cm.signed(rec['change'])}{unit}{rel}"


def records(table: pd.DataFrame, everything: bool = False) -> list[dict]:
    """The table as JSON rows (changed, added and removed figures; all with `everything`)."""
    rows = table if everything else table[table["status"] != "unchanged"]
    out = []
    for rec in rows.to_dict("records"):
        row: dict[str, Any] = {}
        if "edition" in rec:
            row["edition"] = rec["edition"]
        row.update({
            "figure": rec["name"], "status": rec["status"],
            "old": cm.cell_value(rec["lo_old"], rec["hi_old"], rec["qualifier_old"], rec["value_old"]),
            "new": cm.cell_value(rec["lo_new"], rec["hi_new"], rec["qualifier_new"], rec["value_new"]),
        })
        if not np.isnan(rec["change"]):
            row["change"] = cm.scalar(rec["change"])
        if not np.isnan(rec["relative"]):
            row["relative"] = round(float(rec["relative"]), 6)
        for side in ("old", "new"):
            loc = cm.location(rec[f"file_{side}"], rec[f"line_{side}"], rec[f"column_{side}"], rec["name"])
            if loc:
                loc.pop("figure")
                row[f"{side}_location"] = loc
        out.append(row)
    return out


def summary(table: pd.DataFrame) -> dict[str, int]:
    vc = table["status"].value_counts()
    return {k: int(vc.get(k, 0)) for k in ("changed", "added", "removed", "unchanged")}


def change_notes(table: pd.DataFrame, since: str, file: str) -> list[Note]:
    """Notes for `check --against`: one per changed figure, one per new or removed edition."""
    notes: list[Note] = []
    rows = table[table["status"] != "unchanged"]
    whole: set[tuple[str, str]] = set()
    if "edition" in table.columns:
        for status in ("added", "removed"):
            per = table.groupby("edition")["status"].agg(lambda s, st=status: bool((s == st).all()))
            for edition in per[per].index:
                n = int((table["edition"] == edition).sum())
                verb = "is new" if status == "added" else "is no longer in the file"
                notes.append(Note(Location(file), f"edition {edition} {verb} since {since} ({n} figures)"))
                whole.add((edition, status))
    for rec in rows.to_dict("records"):
        edition = rec.get("edition")
        if (edition, rec["status"]) in whole:
            continue
        prefix = f"edition {edition}: " if edition else ""
        old, new = _text(rec, "old"), _text(rec, "new")
        if rec["status"] == "changed":
            message = f"{prefix}{rec['name']}: {old} -> {new} ({_change_text(rec)}) since {since}"
        elif rec["status"] == "added":
            message = f"{prefix}{rec['name']} ({new}) is new since {since}"
        else:
            message = f"{prefix}{rec['name']} (was {old}) is no longer reported since {since}"
        side = "new" if rec["status"] != "removed" else None
        if side and not np.isnan(rec["line_new"]):
            where = Location(str(rec["file_new"]), int(rec["line_new"]), int(rec["column_new"]))
        else:
            where = Location(file)
        notes.append(Note(where, message))
    return notes


# --- the `diff` command ------------------------------------------------------------------


def load_version(spec: str) -> tuple[str, pd.DataFrame, dict[str, str], bool]:
    """(label, cells, renames, is editions file) of a file, or of `REV:path` read through git."""
    from pathlib import Path

    from missingstats.analysis.against import read_revision
    from missingstats.inputs.editions import edition_meta, load_editions_file, sheet_from_mapping

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


def report(old_label: str, new_label: str, table: pd.DataFrame, everything: bool) -> dict:
    return {"version": DIFF_VERSION, "old": old_label, "new": new_label,
            "summary": summary(table), "changes": records(table, everything)}


def _rows(table: pd.DataFrame, everything: bool) -> list[list[str]]:
    rows = table if everything else table[table["status"] != "unchanged"]
    out = []
    for rec in rows.to_dict("records"):
        where = ""
        if not np.isnan(rec["line_new"]):
            where = f"{rec['file_new']}:{int(rec['line_new'])}"
        elif not np.isnan(rec["line_old"]):
            where = f"{rec['file_old']}:{int(rec['line_old'])}"
        cells = [rec["name"], _text(rec, "old") or "-", _text(rec, "new") or "-", _change_text(rec), where]
        if "edition" in rec:
            cells.insert(0, str(rec["edition"]))
        out.append(cells)
    return out


def _head(table: pd.DataFrame) -> list[str]:
    return ["edition"] * ("edition" in table.columns) + ["figure", "old", "new", "change", "where"]


def _headline(rep: dict) -> str:
    s = rep["summary"]
    return (f"{s['changed']} changed, {s['added']} added, {s['removed']} removed, "
            f"{s['unchanged']} unchanged")


def render_text(old_label: str, new_label: str, table: pd.DataFrame, everything: bool) -> str:
    rep = report(old_label, new_label, table, everything)
    lines = [f"{old_label} -> {new_label}: {_headline(rep)}"]
    rows = _rows(table, everything)
    if rows:
        head = _head(table)
        widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
        numeric = {len(head) - 4, len(head) - 3}
        for r in [head] + rows:
            cells = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
            lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(old_label: str, new_label: str, table: pd.DataFrame, everything: bool) -> str:
    rep = report(old_label, new_label, table, everything)
    lines = [f"### Changes: `{_md(old_label)}` → `{_md(new_label)}`", "", _headline(rep), ""]
    rows = _rows(table, everything)
    if rows:
        head = _head(table)
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join("---:" if h in ("old", "new", "change") else "---" for h in head) + "|")
        for r in rows:
            lines.append("| " + " | ".join(_md(c) for c in r) + " |")
    return "\n".join(lines) + "\n"


def render(fmt: str, old_label: str, new_label: str, table: pd.DataFrame, everything: bool) -> str:
    if fmt == "json":
        rep = report(old_label, new_label, table, everything)
        return json.dumps(rep, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return render_markdown(old_label, new_label, table, everything)
    return render_text(old_label, new_label, table, everything)
