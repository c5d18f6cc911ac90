"""Evaluate check rules over a frame of cells and return a Results frame.

The narrow interface is `evaluate_checks(cells, rules, ...)`: cells in the long shape every
loader produces (one row per figure and edition: name, lo, hi, position), rules already
parsed. Each rule instance is evaluated once as numpy operations over all editions at once;
the loop over instances is a loop over a sheet's handful of expressions, never over rows.
Tables have their own vectorised compilers (tables.py) that produce the same Results shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from missingstats.core.errors import InputError
from missingstats.core.results import COUNT_COLUMNS, INSTANCE_COLUMNS, Results, records
from missingstats.inputs.rules import Rule, suggest
from missingstats.language import bounds
from missingstats.language import expr as ex
from missingstats.language import intervals as iv


def wide_env(cells: pd.DataFrame, editions: list[Any]) -> dict[str, iv.Interval]:
    """name -> Interval over editions (NaN where an edition does not report the name)."""
    env: dict[str, iv.Interval] = {}
    if "edition" not in cells.columns:
        for name, lo, hi in zip(cells["name"], cells["lo"], cells["hi"]):
            env[name] = iv.Interval(np.array([lo], dtype=float), np.array([hi], dtype=float))
        return env
    lo = cells.pivot(index="edition", columns="name", values="lo").reindex(editions)
    hi = cells.pivot(index="edition", columns="name", values="hi").reindex(editions)
    for name in lo.columns:
        env[name] = iv.Interval(lo[name].to_numpy(float), hi[name].to_numpy(float))
    return env


def _value(lo: float, hi: float, qualifier: str | None, stated: Any) -> Any:
    if np.isnan(lo):
        return None
    if lo == hi:
        return int(lo) if float(lo).is_integer() else float(lo)
    out: dict[str, Any] = {
        "lo": bounds.fmt(lo) if np.isinf(lo) else (int(lo) if float(lo).is_integer() else lo),
        "hi": None if np.isinf(hi) else (int(hi) if float(hi).is_integer() else hi),
    }
    if np.isinf(lo):
        out["lo"] = None
    if qualifier:
        out["qualifier"] = qualifier
        if stated is not None and not (isinstance(stated, float) and np.isnan(stated)):
            out["stated"] = int(stated) if float(stated).is_integer() else stated
    out["text"] = bounds.describe(lo, hi, qualifier, stated if stated == stated else None)
    return out


def _side(x: iv.Interval, i: int) -> Any:
    lo, hi = float(x.lo[i]), float(x.hi[i])
    if np.isnan(lo) or np.isnan(hi):
        return None
    if lo == hi:
        return int(lo) if lo.is_integer() else lo
    return [None if np.isinf(lo) else lo, None if np.isinf(hi) else hi]


def _difference(lhs: iv.Interval, rhs: iv.Interval, i: int) -> Any:
    d = iv.sub(lhs, rhs)
    lo, hi = float(d.lo[i]), float(d.hi[i])
    if np.isnan(lo):
        return None
    if lo == hi:
        return int(lo) if lo.is_integer() else round(lo, 6)
    # Smallest violation: the distance from zero of the whole difference interval.
    near = lo if lo > 0 else hi if hi < 0 else 0.0
    return int(near) if float(near).is_integer() else round(near, 6)


def decides(node: ex.Node, cells_by_name: dict[str, dict], names: Iterable[str],
            tolerance: iv.Tolerance | None = None) -> str | None:
    """For an undetermined verdict, which bound would decide it (see decide.py)."""
    from missingstats.language.decide import explain

    return explain(node, {n: cells_by_name.get(n) for n in names}, tolerance)


def evaluate_checks(
    cells: pd.DataFrame,
    rules: list[Rule],
    file: str,
    known: set[str],
    editions: list[Any] | None = None,
    keep_passes: bool = True,
) -> Results:
    """Evaluate every `check` rule over the cells of one file."""
    editions = editions if editions is not None else [None]
    n = len(editions)
    env = wide_env(cells, editions) if "edition" in cells.columns else wide_env(cells, [None])
    present = set(cells["name"])
    by_key: dict[tuple[Any, str], dict] = {}
    for rec in records(cells):
        by_key[(rec.get("edition"), rec["name"])] = rec
    nan = np.full(n, np.nan)
    instance_rows: list[dict] = []
    count_rows: list[dict] = []
    for rule in rules:
        if rule.kind != "check":
            continue
        tally = {"checked": 0, "passed": 0, "failed": 0, "undetermined": 0, "missing": 0}
        for inst in rule.instances:
            names = ex.names(inst.node)
            local = dict(env)
            for name in names:
                if name in present:
                    continue
                if name in known or rule.generic:
                    local[name] = iv.Interval(nan, nan)
                    continue
                raise InputError(
                    f"rule {rule.id!r} uses {name!r}, which {file} does not report"
                    f"{suggest(name, present | known)}",
                    rule.location,
                )
            truth = iv.evaluate(inst.node, local, n, rule.tolerance)
            assert isinstance(truth, iv.Truth)
            status = truth.status()
            sides = iv.top_difference(inst.node, local, n)
            for i, edition in enumerate(editions):
                st = str(status[i])
                tally["checked"] += 1
                tally[{"pass": "passed", "fail": "failed"}.get(st, st)] += 1
                if st == "pass" and not keep_passes:
                    continue
                recs = [by_key.get((edition, name)) for name in names]
                values = {
                    name: _value(r["lo"], r["hi"], r.get("qualifier"), r.get("value")) if r else None
                    for name, r in zip(names, recs)
                }
                locations = [
                    {"file": r["file"], "line": int(r["line"]), "column": int(r["column"]),
                     "figure": name}
                    for name, r in zip(names, recs) if r is not None and r.get("line") is not None
                ]
                row = {
                    "file": file, "rule": rule.id, "severity": rule.severity, "status": st,
                    "expression": inst.text, "message": rule.message, "values": values,
                    "locations": locations,
                    "coordinates": {"edition": edition} if edition is not None else None,
                    "lhs": None, "rhs": None, "difference": None, "decides": None,
                }
                if sides is not None:
                    row["lhs"], row["rhs"] = _side(sides[0], i), _side(sides[1], i)
                    if st in ("fail", "undetermined"):
                        row["difference"] = _difference(sides[0], sides[1], i)
                if st == "undetermined":
                    cell_map = {nm: r for nm, r in zip(names, recs) if r}
                    row["decides"] = decides(inst.node, cell_map, names, rule.tolerance)
                instance_rows.append(row)
        count_rows.append({
            "file": file, "rule": rule.id, "severity": rule.severity,
            "description": rule.description, **tally,
        })
    return Results(
        instances=pd.DataFrame(instance_rows, columns=INSTANCE_COLUMNS, dtype=object),
        counts=pd.DataFrame(count_rows, columns=COUNT_COLUMNS),
        files=[file],
    )
