"""Evaluate series rules (cumulative, stock, max_change) over the editions of a series.

Each rule becomes one frame of edition pairs (the previous edition that reports the figure,
or every earlier one with `pairs: all`) and a handful of numpy comparisons on it, with the
interval semantics of the engine: a step passes when it holds for every value inside the
figures' bounds, fails when it holds for none. A failure whose figure carries a revision
covering that step (`revised: {from, why}`) becomes a pass with an explained note.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from missingstats.core.errors import InputError
from missingstats.core.results import Results
from missingstats.evaluate import series_common as cm
from missingstats.inputs.editions import Revision, Series
from missingstats.inputs.rules import Rule, suggest
from missingstats.inputs.yamlnodes import Note
from missingstats.kinds.series_rules import SERIES_KINDS, figures_of

PASS_LIMIT = 1_000  # list passing pairs only up to this many per rule (counts stay exact)
PAIR_COLUMNS = ["name", "order", "edition", "lo", "hi", "value", "qualifier", "file", "line", "column"]


def evaluate_series(series: Series, rules: list[Rule], known: set[str], default_file: str,
                    keep_passes: bool = True) -> Results:
    """Series rules over every pair of editions they compare; one Results for all rules."""
    out = Results(files=[])
    chosen = [r for r in rules if r.kind in SERIES_KINDS]
    timeline: dict[str, dict[str, Any]] = {}
    for rule in chosen:
        _check_names(rule, series, known)
        if rule.kind == "cumulative":
            frame = _cumulative(series, rule)
        elif rule.kind == "max_change":
            frame = _max_change(series, rule)
        else:
            frame = _stock(series, rule)
        frame = _explain(frame, series, rule, out)
        _mark_timeline(rule, frame, timeline)
        statuses = frame["status"].tolist()
        files = frame["file_b"].tolist()
        passes = keep_passes and len(frame) <= PASS_LIMIT
        listed = frame if passes else frame[(frame["status"] != "pass") | frame["explained"].notna()]
        listed = _describe(rule, listed.copy())
        rows = [_row(rule, rec) for rec in listed.to_dict("records")]
        cm.append(out, cm.results(rows, cm.count_rows(statuses, files, rule, default_file), []))
    if chosen:
        out.extras["series"] = _timeline(series, chosen, timeline)
        _unused_revisions(series, out)
    return out


def _unused_revisions(series: Series, out: Results) -> None:
    """Say so when a recorded revision explains nothing: often its `from` is too late."""
    used = {id(r) for r in out.extras.pop("_used", [])}
    first = series.editions[0].label
    for rev in series.revisions:
        if id(rev) in used or rev.edition == first:
            continue
        reach = f"from {rev.since}" if rev.since else "from the edition before"
        out.notes.append(Note(rev.location, (
            f"the revision of {rev.name} recorded in the {rev.edition} edition explains no failing "
            f"step of the series rules (it covers comparisons {reach} on)"
        )))


def _check_names(rule: Rule, series: Series, known: set[str]) -> None:
    present = set(series.cells["name"])
    for name in figures_of(rule):
        if name not in present and name not in known and not rule.generic:
            raise InputError(
                f"rule {rule.id!r} uses {name!r}, which no edition of {series.id} reports"
                f"{suggest(name, present | known)}",
                rule.location,
            )


def pairs(cells: pd.DataFrame, names: list[str], mode: str) -> pd.DataFrame:
    """Edition pairs per figure: (previous reporting edition, this one), or all earlier ones."""
    sub = cells.loc[cells["name"].isin(names) & cells["lo"].notna(), PAIR_COLUMNS]
    sub = sub.sort_values(["name", "order"], kind="stable")
    if mode == "consecutive":
        prev = sub.groupby("name", sort=False)["order"].shift(1)
        right = sub.assign(prev=prev).dropna(subset=["prev"])
        right["prev"] = right["prev"].astype(int)
        merged = right.merge(sub, left_on=["name", "prev"], right_on=["name", "order"],
                             suffixes=("_b", "_a")).drop(columns="prev")
    else:
        merged = sub.merge(sub, on="name", suffixes=("_a", "_b"))
        merged = merged[merged["order_a"] < merged["order_b"]]
    return merged.reset_index(drop=True)


def _tolerance(rule: Rule, *scales: np.ndarray) -> np.ndarray:
    tol = rule.tolerance
    if tol.relative == 0:
        return np.full(len(scales[0]), tol.absolute)
    finite = [np.where(np.isfinite(s), np.abs(s), 0.0) for s in scales]
    return tol.absolute + tol.relative * np.maximum.reduce(finite)


def _verdict(frame: pd.DataFrame, ok: np.ndarray, fail: np.ndarray, missing: np.ndarray | None = None):
    status = np.full(len(frame), "undetermined", dtype=object)
    status[ok] = "pass"
    status[fail] = "fail"
    if missing is not None:
        status[missing] = "missing"
    frame["status"] = status
    return frame


def _cumulative(series: Series, rule: Rule) -> pd.DataFrame:
    frame = pairs(series.cells, rule.spec["figures"], rule.spec["pairs"])
    d_lo = frame["lo_b"].to_numpy(float) - frame["hi_a"].to_numpy(float)
    d_hi = frame["hi_b"].to_numpy(float) - frame["lo_a"].to_numpy(float)
    tol = _tolerance(rule, frame["hi_a"].to_numpy(float), frame["hi_b"].to_numpy(float))
    frame = _verdict(frame, d_lo >= -tol, d_hi < -tol)
    frame["d_lo"], frame["d_hi"] = d_lo, d_hi
    return frame


def _cumulative_text(rule: Rule, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    expressions = [f"{n}@{eb} >= {n}@{ea}"
                   for n, ea, eb in zip(frame["name"], frame["edition_a"], frame["edition_b"])]
    messages = [
        f"{n} fell from {_show(a)} to {_show(b)}" + (f" ({cm.signed(d_h)})" if d_l == d_h else "")
        for n, a, b, d_l, d_h in zip(frame["name"], _cells(frame, "a"), _cells(frame, "b"),
                                     frame["d_lo"], frame["d_hi"])
    ]
    return expressions, messages


def _max_change(series: Series, rule: Rule) -> pd.DataFrame:
    s = rule.spec
    frame = pairs(series.cells, s["figures"], s["pairs"])
    a_lo, a_hi = frame["lo_a"].to_numpy(float), frame["hi_a"].to_numpy(float)
    d_lo = frame["lo_b"].to_numpy(float) - a_hi
    d_hi = frame["hi_b"].to_numpy(float) - a_lo
    least = np.where((d_lo <= 0) & (d_hi >= 0), 0.0, np.minimum(np.abs(d_lo), np.abs(d_hi)))
    most = np.maximum(np.abs(d_lo), np.abs(d_hi))
    floor = -np.inf if s["absolute"] is None else s["absolute"]
    rel = s["relative"]
    lim_lo = np.maximum(floor, rel * np.abs(a_lo)) if rel is not None else np.full(len(frame), floor)
    lim_hi = np.maximum(floor, rel * np.abs(a_hi)) if rel is not None else np.full(len(frame), floor)
    frame = _verdict(frame, most <= lim_lo, least > lim_hi)
    frame["d_lo"], frame["d_hi"] = d_lo, d_hi
    return frame


def _max_change_text(rule: Rule, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    s = rule.spec
    limit = []
    if s["absolute"] is not None:
        limit.append(f"{s['absolute']:g}")
    if s["relative"] is not None:
        limit.append(f"{s['relative']:g} * abs(" + "{a})")
    bound = limit[0] if len(limit) == 1 else f"max({', '.join(limit)})"
    expressions = [
        f"abs({n}@{eb} - {n}@{ea}) <= " + bound.format(a=f"{n}@{ea}")
        for n, ea, eb in zip(frame["name"], frame["edition_a"], frame["edition_b"])
    ]
    d_lo, d_hi = frame["d_lo"].to_numpy(float), frame["d_hi"].to_numpy(float)
    words = " or ".join(
        ([cm.num(s["absolute"])] if s["absolute"] is not None else [])
        + ([f"{s['relative'] * 100:g}%"] if s["relative"] is not None else [])
    )
    messages = [
        f"{n} {'rose' if d > 0 else 'fell'} from {_show(a)} to {_show(b)} ({cm.signed(d)}"
        + (f", {cm.signed(round(100 * d / abs(a['lo']), 1))}%" if a["lo"] == a["hi"] and a["lo"] else "")
        + f"), more than the plausible change of {words}"
        for n, a, b, d in zip(frame["name"], _cells(frame, "a"), _cells(frame, "b"),
                              np.where(d_lo > 0, d_lo, d_hi))
    ]
    return expressions, messages


def _flow_arrays(series: Series, names: list[str], n: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    cells = series.cells[series.cells["name"].isin(names)]
    lo = cells.pivot(index="order", columns="name", values="lo").reindex(index=range(n), columns=names)
    hi = cells.pivot(index="order", columns="name", values="hi").reindex(index=range(n), columns=names)
    return {name: (lo[name].to_numpy(float), hi[name].to_numpy(float)) for name in names}


def _period(lo: np.ndarray, hi: np.ndarray, a: np.ndarray, b: np.ndarray):
    """Sum of a per-edition flow over editions (a, b], NaN where one of them is missing."""
    def prefix(x: np.ndarray) -> np.ndarray:
        return np.concatenate([[0.0], np.cumsum(x)])

    miss = prefix(np.isnan(lo).astype(float))
    inf = prefix(np.isinf(hi).astype(float))
    plo = prefix(np.nan_to_num(lo, nan=0.0))
    phi = prefix(np.where(np.isfinite(hi), hi, 0.0))
    gap = (miss[b + 1] - miss[a + 1]) > 0
    s_lo = np.where(gap, np.nan, plo[b + 1] - plo[a + 1])
    s_hi = np.where(gap, np.nan, np.where(inf[b + 1] - inf[a + 1] > 0, np.inf, phi[b + 1] - phi[a + 1]))
    return s_lo, s_hi


def _stock(series: Series, rule: Rule) -> pd.DataFrame:
    s = rule.spec
    frame = pairs(series.cells, [s["name"]], s["pairs"])
    a, b = frame["order_a"].to_numpy(int), frame["order_b"].to_numpy(int)
    flows = _flow_arrays(series, s["inflows"] + s["outflows"], len(series.editions))
    exp_lo, exp_hi = frame["lo_a"].to_numpy(float), frame["hi_a"].to_numpy(float)
    parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, (f_lo, f_hi) in flows.items():
        if s["flows"] == "period":
            lo, hi = _period(f_lo, f_hi, a, b)
        else:
            lo, hi = f_lo[b] - f_hi[a], f_hi[b] - f_lo[a]
        parts[name] = (lo, hi)
        if name in s["inflows"]:
            exp_lo, exp_hi = exp_lo + lo, exp_hi + hi
        else:
            exp_lo, exp_hi = exp_lo - hi, exp_hi - lo
    d_lo = frame["lo_b"].to_numpy(float) - exp_hi
    d_hi = frame["hi_b"].to_numpy(float) - exp_lo
    tol = _tolerance(rule, frame["hi_a"].to_numpy(float), frame["hi_b"].to_numpy(float))
    missing = np.isnan(d_lo) | np.isnan(d_hi)
    frame = _verdict(frame, (d_lo >= -tol) & (d_hi <= tol), (d_lo > tol) | (d_hi < -tol), missing)
    frame["d_lo"], frame["d_hi"] = d_lo, d_hi
    frame["exp_lo"], frame["exp_hi"] = exp_lo, exp_hi
    for name, (lo, hi) in parts.items():
        frame[f"flow_lo:{name}"], frame[f"flow_hi:{name}"] = lo, hi
    return frame


def _flows(rule: Rule, rec: dict) -> dict[str, tuple[float, float]]:
    s = rule.spec
    return {n: (float(rec[f"flow_lo:{n}"]), float(rec[f"flow_hi:{n}"]))
            for n in s["inflows"] + s["outflows"]}


def _stock_text(rule: Rule, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    s = rule.spec
    recs = frame.to_dict("records")
    expressions = [_stock_expression(s, r["edition_a"], r["edition_b"], r["order_a"] + 1 == r["order_b"])
                   for r in recs]
    return expressions, [_stock_message(s, r, _flows(rule, r)) for r in recs]


def _flow_term(s: dict, name: str, ea: str, eb: str, adjacent: bool) -> str:
    if s["flows"] == "cumulative":
        return f"({name}@{eb} - {name}@{ea})"
    return f"{name}@{eb}" if adjacent else f"{name}@({ea}, {eb}]"


def _stock_expression(s: dict, ea: str, eb: str, adjacent: bool) -> str:
    text = f"{s['name']}@{eb} == {s['name']}@{ea}"
    for name in s["inflows"]:
        text += " + " + _flow_term(s, name, ea, eb, adjacent)
    for name in s["outflows"]:
        text += " - " + _flow_term(s, name, ea, eb, adjacent)
    return text


def _stock_message(s: dict, rec: dict, flows: dict[str, tuple[float, float]]) -> str:
    a = {"lo": rec["lo_a"], "hi": rec["hi_a"], "qualifier": rec["qualifier_a"], "value": rec["value_a"]}
    b = {"lo": rec["lo_b"], "hi": rec["hi_b"], "qualifier": rec["qualifier_b"], "value": rec["value_b"]}
    terms = []
    for name, (lo, hi) in flows.items():
        sign = 1 if name in s["inflows"] else -1
        if np.isnan(lo):
            terms.append(f"{name} not reported")
            continue
        shown = cm.signed(sign * lo) if lo == hi else \
            f"{'+' if sign > 0 else '-'}({cm.num(lo)} to {cm.num(hi)})"
        terms.append(f"{shown} {name}")
    expected = cm.describe(rec["exp_lo"], rec["exp_hi"])
    return (f"{s['name']} went from {_show(a)} to {_show(b)}, but its flows give {expected} "
            f"({_show(a)} {' '.join(terms)})")


def _cells(frame: pd.DataFrame, side: str) -> list[dict]:
    return [
        {"lo": lo, "hi": hi, "qualifier": q, "value": v}
        for lo, hi, q, v in zip(frame[f"lo_{side}"], frame[f"hi_{side}"], frame[f"qualifier_{side}"],
                                frame[f"value_{side}"])
    ]


def _show(c: dict) -> str:
    return cm.describe(c["lo"], c["hi"], c.get("qualifier"), c.get("value"))


def _explain(frame: pd.DataFrame, series: Series, rule: Rule, out: Results) -> pd.DataFrame:
    """Turn failures covered by a recorded revision into passes with an explained note."""
    frame["explained"] = None
    frame["explanation"] = None
    if not series.revisions or not (frame["status"] == "fail").any():
        return frame
    order = {e.label: i for i, e in enumerate(series.editions)}
    revs = pd.DataFrame([
        {"rname": r.name, "rorder": order[r.edition], "since": _since(r, series, order), "rev": i}
        for i, r in enumerate(series.revisions)
    ])
    failing = frame[frame["status"] == "fail"][["name", "order_a", "order_b", "edition_a"]]
    if rule.kind == "stock":  # a revision of the stock or of any of its flows explains it
        names = figures_of(rule)
        failing = failing.assign(names=[names] * len(failing)).explode("names")
    else:
        failing = failing.assign(names=failing["name"])
    long = failing.reset_index().merge(revs, left_on="names", right_on="rname")
    covered = long[
        (long["order_a"] < long["rorder"]) & (long["rorder"] <= long["order_b"])
        & (long.apply(lambda r: r["edition_a"][: len(r["since"])] >= r["since"], axis=1)
           if len(long) else pd.Series(dtype=bool))
    ]
    first = covered.drop_duplicates("index").set_index("index")["rev"]
    if first.empty:
        return frame
    _, texts = TEXTS[rule.kind](rule, frame.loc[first.index])
    for (idx, rev_i), message in zip(first.items(), texts):
        rev: Revision = series.revisions[rev_i]
        out.extras.setdefault("_used", []).append(rev)
        frame.at[idx, "status"] = "pass"
        frame.at[idx, "explained"] = rev.edition
        frame.at[idx, "explanation"] = (
            f"explained by the revision recorded in the {rev.edition} edition ({rev.why}): {message}"
        )
        out.notes.append(Note(rev.location, (
            f"{rule.id}: {message} ({frame.at[idx, 'edition_a']} -> {frame.at[idx, 'edition_b']}); "
            f"explained by a revision: {rev.why}"
        )))
    return frame


def _since(rev: Revision, series: Series, order: dict[str, int]) -> str:
    """A revision without `from` covers only the step from the edition just before it."""
    if rev.since is not None:
        return rev.since
    i = order[rev.edition]
    return series.editions[i - 1].label if i > 0 else rev.edition


def _row(rule: Rule, rec: dict) -> dict:
    st = rec["status"]
    na, nb = f"{rec['name']}@{rec['edition_a']}", f"{rec['name']}@{rec['edition_b']}"
    values = {
        na: cm.cell_value(rec["lo_a"], rec["hi_a"], rec["qualifier_a"], rec["value_a"]),
        nb: cm.cell_value(rec["lo_b"], rec["hi_b"], rec["qualifier_b"], rec["value_b"]),
    }
    locations = [loc for loc in (  # the newer edition first: annotations point at it
        cm.location(rec["file_b"], rec["line_b"], rec["column_b"], nb),
        cm.location(rec["file_a"], rec["line_a"], rec["column_a"], na),
    ) if loc]
    row = {
        "file": rec["file_b"], "rule": rule.id, "severity": rule.severity, "status": st,
        "expression": rec["expression"], "message": None, "values": values,
        "locations": locations,
        "coordinates": {"edition": rec["edition_b"], "previous": rec["edition_a"]},
        "lhs": cm.side(rec["lo_b"], rec["hi_b"]), "rhs": cm.side(rec["lo_a"], rec["hi_a"]),
        "difference": None, "decides": None,
    }
    if rule.kind == "stock":
        row["rhs"] = cm.side(rec["exp_lo"], rec["exp_hi"])
        for name, (lo, hi) in _flows(rule, rec).items():
            values[f"{name} (flow)"] = cm.cell_value(lo, hi)
    if rule.kind == "max_change":
        row["lhs"], row["rhs"] = cm.side(abs(rec["d_lo"]), abs(rec["d_hi"])) \
            if rec["d_lo"] == rec["d_hi"] else None, None
    if st in ("fail", "undetermined") or isinstance(rec.get("explained"), str):
        d = rec["d_lo"] if rec["d_lo"] > 0 else rec["d_hi"] if rec["d_hi"] < 0 else 0.0
        row["difference"] = cm.scalar(d)
    if isinstance(rec.get("explained"), str):
        row["message"] = rec["explanation"]
    elif st == "fail":
        row["message"] = rule.message or rec["message"]
    elif st == "undetermined":
        row["decides"] = "depends on where the true values lie within the bounds of " + ", ".join(values)
    return row


def _describe(rule: Rule, frame: pd.DataFrame) -> pd.DataFrame:
    """Expressions and messages, built only for the rows a report lists."""
    frame["expression"], frame["message"] = TEXTS[rule.kind](rule, frame) if len(frame) else ([], [])
    return frame


TEXTS = {"cumulative": _cumulative_text, "max_change": _max_change_text, "stock": _stock_text}


def _mark_timeline(rule: Rule, frame: pd.DataFrame, timeline: dict[str, dict[str, Any]]) -> None:
    marked = frame[(frame["status"] == "fail") | frame["explained"].notna()]
    for rec in marked[["name", "edition_b", "explained"]].to_dict("records"):
        for name in (figures_of(rule) if rule.kind == "stock" else [rec["name"]]):
            entry = timeline.setdefault(name, {"breaks": set(), "explained": set()})
            key = "explained" if isinstance(rec["explained"], str) else "breaks"
            entry[key].add(rec["edition_b"])


def _timeline(series: Series, rules: list[Rule], marks: dict[str, dict[str, Any]]) -> list[dict]:
    """Points per figure for the HTML timeline, with the failing steps marked."""
    names = list(dict.fromkeys(n for r in rules for n in figures_of(r)))
    cells = series.cells[series.cells["name"].isin(names) & series.cells["lo"].notna()]
    out = []
    for name, sub in cells.sort_values("order").groupby("name", sort=False):
        value = sub["value"].where(sub["value"].notna(), sub["lo"])
        mark = marks.get(name, {"breaks": set(), "explained": set()})
        out.append({
            "series": series.id, "figure": name,
            "file": str(sub["file"].iloc[-1]),
            "points": [[e, cm.scalar(v)] for e, v in zip(sub["edition"], value)],
            "breaks": sorted(mark["breaks"]),
            "explained": sorted(mark["explained"]),
        })
    out.sort(key=lambda e: names.index(e["figure"]))
    return out
