"""`lint` in words: contradictions, redundant rules, names used once, derived bounds, as text,
JSON (docs/explain.md, "missingstats lint") and Markdown for a pull-request comment.

analysis/lint.py returns a typed LintResult; every sentence is made here. `locations` maps a
rule id to where the rule is written, so each finding points at the line to edit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from missingstats.core.errors import Location
from missingstats.render.explain import unanalysed_reason
from missingstats.render.markdown import cell, code
from missingstats.render.values import interval_text, json_number, location_json, where

if TYPE_CHECKING:
    from missingstats.analysis.lint import LintResult

FORMATS = ("text", "json", "markdown")
NO_PREMISE = "the figures being whole numbers of 0 or more"


def notes(result: LintResult) -> list[str]:
    """The analysis' own caveats, in the order they arose."""
    out = []
    if result.left_out:
        out.append("redundancy and bounds leave out the rules in contradictions ("
                   + ", ".join(result.left_out) + ")")
    if result.stuck:
        out.append("redundancy and bounds are not analysed: more rules contradict")
    if result.sheet_breaks:
        path = result.sheet_breaks
        out.append(f"the figures of {path} break the error rules (bounds are each given the "
                   f"other figures); run missingstats explain {path}")
    return out


MUST = ("must be {lo}", "must lie in [{lo}, {hi}]", "must be {lo} or more", "must be {hi} or less")


def bound_text(lo: float | None, hi: float | None) -> str:
    return interval_text(lo, hi, MUST)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(result: LintResult, file: str, sheet: str | None) -> str:
    head = f"{file} (with {sheet})" if sheet and sheet != file else file
    return (f"{head}: {_plural(len(result.conflicts), 'contradiction')}, "
            f"{_plural(len(result.redundant), 'redundant rule')}, "
            f"{_plural(len(result.single_use), 'name')} used only once, "
            f"{len(result.unanalysed)} not analysed")


def where_reported_text(r) -> str:
    """Why a rule the others imply only where more figures are reported is kept."""
    them = "it" if len(r.needs) == 1 else "them"
    return (f"follows from {', '.join(r.implied_by)} only where {', '.join(r.needs)} "
            f"{'is' if len(r.needs) == 1 else 'are'} reported; it also checks sheets that do "
            f"not report {them} (not redundant: keep it)")


def _same(result: LintResult, rule: str, by: list[str]) -> bool:
    """Two rules that each imply only the other say the same thing."""
    implied = {r.rule: r.implied_by for r in result.redundant}
    return len(by) == 1 and implied.get(by[0]) == [rule]


# --- JSON ------------------------------------------------------------------------------------


def lint_json(result: LintResult, file: str, sheet: str | None) -> dict[str, Any]:
    return {
        "file": file,
        "sheet": sheet,
        "infeasible": [c.rules for c in result.conflicts],
        "conflicts": [{"rules": c.rules, "expressions": c.expressions} for c in result.conflicts],
        "redundant": [{"rule": r.rule, "implied_by": r.implied_by} for r in result.redundant],
        "implied_where_reported": [{"rule": r.rule, "implied_by": r.implied_by, "needs": r.needs}
                                   for r in result.implied_where_reported],
        "bounds": {k: ([json_number(x) for x in v] if v is not None else None)
                   for k, v in result.bounds.items()},
        "unanalysed": [{"rule": u.rule, "expression": u.expression, "reason": unanalysed_reason(u)}
                       for u in result.unanalysed],
        "single_use": [{"name": s.name, "rule": s.rule, "did_you_mean": s.did_you_mean}
                       for s in result.single_use],
        "notes": notes(result),
    }


# --- text ------------------------------------------------------------------------------------


def lint_text(result: LintResult, file: str, sheet: str | None,
              locations: dict[str, Location]) -> str:
    def at(rid: str) -> str:
        loc = locations.get(rid)
        return f"  {where(location_json(loc))}" if loc is not None and loc.line is not None else ""

    out = [summary_line(result, file, sheet)]
    for c in result.conflicts:
        out += ["", "CONTRADICTION: these rules cannot all hold, whatever the figures:"]
        out += [f"  {rid}{at(rid)}" for rid in c.rules]
        out += [f"    {e}" for e in c.expressions]
    for r in result.redundant:
        out += ["", f"REDUNDANT: {r.rule}{at(r.rule)}",
                f"  always holds when these hold: {', '.join(r.implied_by) or NO_PREMISE}"]
        if _same(result, r.rule, r.implied_by):
            out.append(f"  ({r.rule} and {r.implied_by[0]} say the same: keep one)")
    for r in result.implied_where_reported:
        out += ["", f"IMPLIED WHERE REPORTED: {r.rule}{at(r.rule)}", f"  {where_reported_text(r)}"]
    for s in result.single_use:
        hint = f" (did you mean {s.did_you_mean}?)" if s.did_you_mean else ""
        out += ["", f"USED ONCE: {s.name} in rule {s.rule}{at(s.rule)}{hint}"]
    for u in result.unanalysed:
        out += ["", f"NOT ANALYSED: rule {u.rule}{at(u.rule)}: {unanalysed_reason(u)}",
                f"  {u.expression}"]
    if result.bounds:
        given = " given the other figures of the sheet" if sheet else ""
        out += ["", f"Bounds the error rules imply{given}:"]
        width = max(len(k) for k in result.bounds)
        for name, b in result.bounds.items():
            out.append(f"  {name.ljust(width)}  {bound_text(*b) if b is not None else 'no value works'}")
    for note in notes(result):
        out += ["", f"note: {note}"]
    return "\n".join(out) + "\n"


# --- Markdown (a pull-request comment) -------------------------------------------------------


def _md_at(locations: dict[str, Location], rid: str) -> str:
    loc = locations.get(rid)
    return f" ({code(where(location_json(loc)))})" if loc is not None and loc.line is not None else ""


def lint_markdown(result: LintResult, file: str, sheet: str | None,
                  locations: dict[str, Location]) -> str:
    verdict = "contradictions" if result.conflicts else "no contradictions"
    lines = [f"## missingstats lint: {verdict}", "", cell(summary_line(result, file, sheet)), ""]
    sections: list[tuple[str, list[str]]] = [
        ("Contradictions: these rules cannot all hold, whatever the figures", [
            ", ".join(f"{code(rid)}{_md_at(locations, rid)}" for rid in c.rules) + ": "
            + "; ".join(code(e) for e in c.expressions) for c in result.conflicts]),
        ("Redundant rules", [
            f"{code(r.rule)}{_md_at(locations, r.rule)} always holds when these hold: "
            + (", ".join(code(b) for b in r.implied_by) or NO_PREMISE)
            + (" (they say the same: keep one)" if _same(result, r.rule, r.implied_by) else "")
            for r in result.redundant]),
        ("Implied only where more figures are reported", [
            f"{code(r.rule)}{_md_at(locations, r.rule)} {cell(where_reported_text(r))}"
            for r in result.implied_where_reported]),
        ("Names used only once", [
            f"{code(s.name)} in rule {code(s.rule)}{_md_at(locations, s.rule)}"
            + (f": did you mean {code(s.did_you_mean)}?" if s.did_you_mean else "")
            for s in result.single_use]),
        ("Not analysed", [
            f"rule {code(u.rule)}{_md_at(locations, u.rule)}: {cell(unanalysed_reason(u))} "
            f"({code(u.expression)})" for u in result.unanalysed]),
    ]
    for title, items in sections:
        if items:
            lines += [f"### {title}", "", *(f"- {item}" for item in items), ""]
    if result.bounds:
        given = " given the other figures of the sheet" if sheet else ""
        lines += [f"### Bounds the error rules imply{given}", "", "| Figure | Bound |", "| --- | --- |"]
        lines += [f"| {code(name)} | {cell(bound_text(*b) if b is not None else 'no value works')} |"
                  for name, b in result.bounds.items()]
        lines.append("")
    lines += [f"- note: {cell(note)}" for note in notes(result)]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- the command's output --------------------------------------------------------------------

RENDER: dict[str, Callable[[LintResult, str, str | None, dict[str, Location]], str]] = {
    "text": lint_text,
    "json": lambda r, f, s, _: json.dumps(lint_json(r, f, s), indent=2, ensure_ascii=False) + "\n",
    "markdown": lint_markdown,
}


def render(fmt: str, result: LintResult, file: str, sheet: str | None,
           locations: dict[str, Location]) -> str:
    """`lint`'s output in `fmt` (one of FORMATS)."""
    return RENDER[fmt](result, file, sheet, locations)
