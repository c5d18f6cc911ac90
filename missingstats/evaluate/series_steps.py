"""Series rules (cumulative, stock, max_change) over the editions of a series.

Each rule kind turns its figures into one frame of edition pairs (the previous edition that
reports the figure, or every earlier one with `pairs: all`) and a handful of numpy
comparisons on it, with the interval semantics of the engine: a step passes when it holds
for every value inside the figures' bounds, fails when it holds for none. This module does
what the kinds share: the pairs, the verdicts, revisions that explain a failing step
(`revised: {from, why}` turns it into a pass with a note), the findings and the timelines.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location, suggest
from missingstats.core.findings import Figure, Finding, Status, Tally, Value
from missingstats.core.results import Note, Results, Timeline
from missingstats.evaluate.edition_pairs import pairs  # noqa: F401  (tests and tools)
from missingstats.inputs.editions import Revision, Series
from missingstats.kinds.base import Rule
from missingstats.kinds.registry import KINDS, module

PASS_LIMIT = 1_000  # list passing pairs only up to this many per rule (counts stay exact)
SERIES_KINDS = tuple(k.id for k in KINDS.values() if "series" in k.inputs)


def evaluate_series(series: Series, rules: list[Rule], known: set[str], default_file: str,
                    keep_passes: bool = True) -> Results:
    """Series rules over every pair of editions they compare; one Results for all rules."""
    out = Results(files=[])
    chosen = [r for r in rules if r.kind in SERIES_KINDS]
    marks: dict[str, dict[str, set]] = {}
    used: list[Revision] = []
    for rule in chosen:
        kind = module(rule.kind)
        _check_names(rule, kind.figures(rule), series, known)
        frame = kind.evaluate(series, rule)
        frame = _explain(frame, series, rule, out, used)
        _mark(rule, frame, marks)
        tally = Tally(default_file, rule.id, rule.severity, rule.description)
        by_file = _tallies(frame, rule, default_file)
        passes = keep_passes and len(frame) <= PASS_LIMIT
        listed = frame if passes else frame[(frame["status"] != "pass") | frame["explained"].notna()]
        listed = listed.reset_index(drop=True)
        expressions = kind.expressions(rule, listed) if len(listed) else []
        failures = kind.failures(rule, listed) if len(listed) else []
        for i, rec in enumerate(listed.to_dict("records")):
            out.findings.append(_finding(rule, kind, rec, expressions[i], failures[i]))
        out.tallies.extend(by_file or [tally])
    if chosen:
        out.timelines.extend(_timelines(series, chosen, marks))
        _unused_revisions(series, out, used)
    return out


def _tallies(frame: pd.DataFrame, rule: Rule, default_file: str) -> list[Tally]:
    """Exact counts per file (the newer edition's file of each pair)."""
    out: dict[str, Tally] = {}
    for file, status in zip(frame["file_b"], frame["status"]):
        t = out.setdefault(file, Tally(file, rule.id, rule.severity, rule.description))
        t.counts.count(Status(status))
    return list(out.values())


def _unused_revisions(series: Series, out: Results, used: list[Revision]) -> None:
    """Say so when a recorded revision explains nothing: often its `from` is too late."""
    seen = {id(r) for r in used}
    first = series.editions[0].label
    for rev in series.revisions:
        if id(rev) in seen or rev.edition == first:
            continue
        out.notes.append(Note(rev.location, reasons.RevisionUnused(rev.name, rev.edition, rev.since)))


def _check_names(rule: Rule, names: list[str], series: Series, known: set[str]) -> None:
    present = set(series.cells["name"])
    for name in names:
        if name not in present and name not in known and not rule.generic:
            raise InputError(
                f"rule {rule.id!r} uses {name!r}, which no edition of {series.id} reports"
                f"{suggest(name, present | known)}",
                rule.location,
            )


def _explain(frame: pd.DataFrame, series: Series, rule: Rule, out: Results,
             used: list[Revision]) -> pd.DataFrame:
    """Turn failures covered by a recorded revision into passes with an explained note."""
    frame["explained"] = None
    frame["why"] = None
    if not series.revisions or not (frame["status"] == "fail").any():
        return frame
    order = {e.label: i for i, e in enumerate(series.editions)}
    revs = pd.DataFrame([
        {"rname": r.name, "rorder": order[r.edition], "since": _since(r, series, order), "rev": i}
        for i, r in enumerate(series.revisions)
    ])
    failing = frame[frame["status"] == "fail"][["name", "order_a", "order_b", "edition_a"]]
    if rule.kind == "stock":  # a revision of the stock or of any of its flows explains it
        names = module(rule.kind).figures(rule)
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
    failures = module(rule.kind).failures(rule, frame.loc[first.index].reset_index(drop=True))
    for (idx, rev_i), failure in zip(first.items(), failures):
        rev: Revision = series.revisions[rev_i]
        used.append(rev)
        frame.at[idx, "status"] = Status.PASS
        frame.at[idx, "explained"] = rev.edition
        frame.at[idx, "why"] = rev.why
        out.notes.append(Note(rev.location, reasons.RevisionApplied(
            rule.id, failure, frame.at[idx, "edition_a"], frame.at[idx, "edition_b"], rev.why)))
    return frame


def _since(rev: Revision, series: Series, order: dict[str, int]) -> str:
    """A revision without `from` covers only the step from the edition just before it."""
    if rev.since is not None:
        return rev.since
    i = order[rev.edition]
    return series.editions[i - 1].label if i > 0 else rev.edition


def _location(file: Any, line: Any, column: Any) -> Location | None:
    if file is None or line is None or (isinstance(line, float) and np.isnan(line)):
        return None
    return Location(str(file), int(line), int(column))


def _finding(rule: Rule, kind, rec: dict, expression: str, failure: Any) -> Finding:
    st = Status(rec["status"])
    na, nb = f"{rec['name']}@{rec['edition_a']}", f"{rec['name']}@{rec['edition_b']}"
    figures = [
        Figure(na, Value.of(rec["lo_a"], rec["hi_a"], rec["qualifier_a"], rec["value_a"]),
               _location(rec["file_a"], rec["line_a"], rec["column_a"])),
        Figure(nb, Value.of(rec["lo_b"], rec["hi_b"], rec["qualifier_b"], rec["value_b"]),
               _location(rec["file_b"], rec["line_b"], rec["column_b"])),
    ]
    if hasattr(kind, "flows"):
        figures += [Figure(f"{n} (flow)", v) for n, v in kind.flows(rule, rec).items()]
    lhs, rhs = Value.of(rec["lo_b"], rec["hi_b"]), Value.of(rec["lo_a"], rec["hi_a"])
    if hasattr(kind, "sides"):
        lhs, rhs = kind.sides(rec)
    finding = Finding(
        rule.id, rule.severity, st, rec["file_b"], expression, tuple(figures), lhs, rhs,
        coordinates={"edition": rec["edition_b"], "previous": rec["edition_a"]},
        primary=nb,  # the newer edition: annotations point at the line to fix
    )
    explained = isinstance(rec.get("explained"), str)
    if st in (Status.FAIL, Status.UNDETERMINED) or explained:
        if hasattr(kind, "difference"):
            finding.difference = kind.difference(rec)
        else:
            d = rec["d_lo"] if rec["d_lo"] > 0 else rec["d_hi"] if rec["d_hi"] < 0 else 0.0
            finding.difference = None if np.isnan(d) else float(d)
    if explained:
        finding.reason = reasons.Explained(rec["explained"], rec["why"], failure)
    elif st == Status.FAIL:
        finding.message, finding.reason = rule.message, failure
    elif st == Status.UNDETERMINED:
        finding.decides = reasons.Decides(joint=tuple((f.name, None) for f in figures),
                                          within_bounds=True)
    return finding


def _mark(rule: Rule, frame: pd.DataFrame, marks: dict[str, dict[str, set]]) -> None:
    marked = frame[(frame["status"] == "fail") | frame["explained"].notna()]
    names_of = module(rule.kind).figures(rule) if rule.kind == "stock" else None
    for rec in marked[["name", "edition_b", "explained"]].to_dict("records"):
        for name in (names_of or [rec["name"]]):
            entry = marks.setdefault(name, {"breaks": set(), "explained": set()})
            key = "explained" if isinstance(rec["explained"], str) else "breaks"
            entry[key].add(rec["edition_b"])


def _timelines(series: Series, rules: list[Rule], marks: dict[str, dict[str, set]]) -> list[Timeline]:
    """Points per figure for the HTML timeline, with the failing steps marked."""
    names = list(dict.fromkeys(n for r in rules for n in module(r.kind).figures(r)))
    cells = series.cells[series.cells["name"].isin(names) & series.cells["lo"].notna()]
    out = []
    for name, sub in cells.sort_values("order").groupby("name", sort=False):
        value = sub["value"].where(sub["value"].notna(), sub["lo"])
        mark = marks.get(name, {"breaks": set(), "explained": set()})
        out.append(Timeline(
            series.id, name, str(sub["file"].iloc[-1]),
            tuple(zip(sub["edition"], (float(v) for v in value))),
            tuple(sorted(mark["breaks"])), tuple(sorted(mark["explained"])),
        ))
    out.sort(key=lambda t: names.index(t.figure))
    return out
