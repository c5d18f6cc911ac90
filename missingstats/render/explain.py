"""`explain` in words: which figures are most likely wrong, as text, JSON and Markdown, and
check's one-line hint (the same localisation, bounded to a few solver calls).

The computing side (analysis/localize.py, explain_tables.py) hands over typed results: a
candidate says what kind of value it is (a typing slip, the quoted number, the only or the
nearest value that works) and the facts around it; the sentences are made here. The JSON
shapes are those of docs/explain.md "missingstats explain"; in them the reasons keep the numbers as
typed ("3889 typed as 389"), while text and Markdown print counts with thousands separators
as every report of `check` does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from missingstats.analysis.typos import digits
from missingstats.core.findings import Value
from missingstats.language import bounds
from missingstats.render.markdown import cell, code
from missingstats.render.values import (
    describe,
    interval_text,
    json_number,
    location_json,
    number_text,
    where,
)

if TYPE_CHECKING:
    from missingstats.analysis.explain_tables import RecordExplanation, RecordsExplanation
    from missingstats.analysis.localize import (
        Candidate,
        ChangeSet,
        Explanation,
        Localisation,
        Suspect,
        Unanalysed,
    )

FORMATS = ("text", "json", "markdown")
SLIP = {
    "swap": "two adjacent digits swapped", "dropped": "a digit dropped",
    "doubled": "a digit typed twice", "mistyped": "one digit mistyped", "sign": "the sign flipped",
}
SLIP_SHORT = {
    "swap": "swapped digits", "dropped": "a dropped digit", "doubled": "a digit typed twice",
    "mistyped": "a mistyped digit", "sign": "a flipped sign",
}
ONLY = "the only value that makes every rule hold given the other figures"
NEAREST = "the nearest value that makes every rule hold given the other figures"
STATUS = {
    "contradiction": "the rules cannot all hold whatever the figures are; run missingstats lint",
    "limit": "the solver reached its time limit",
}
NOT_LOCALISED = {
    "across tables": "a rule across tables is not localised",
    "sources": "a rule reading figures of sources is not localised",
    "row rule": "a rule on a row's columns is not localised (use --records)",
}
MAX_NAMED = 3  # figures the hint names; explain lists them all


# --- words -------------------------------------------------------------------------------------


def why(c: Candidate, as_typed: bool = False) -> str:
    """'two adjacent digits swapped: 604 typed as 640; the only value that makes every rule
    hold given the other figures'. `as_typed`: numbers as the JSON has always written them."""
    number = bounds.fmt if as_typed else number_text
    keys = digits if as_typed else number_text
    parts: list[str] = []
    if c.kind in SLIP:
        parts.append(f"{SLIP[c.kind]}: {keys(c.value)} typed as {keys(c.typed)}")
    if c.quoted:
        parts.append(f"the quoted sentence says {number(c.value)}")
    if c.kind == "nearest":
        parts.append(NEAREST)
    if c.breaks_warning:
        parts.append("though a warning rule then fails")
    if c.only:
        parts.append(ONLY)
    return "; ".join(parts)


def message(result: Localisation) -> str | None:
    """Why a record could not be localised (None when it was, or had nothing to explain)."""
    if result.status == "unanalysable":
        names = sorted({c.rule for c in result.failing})
        return f"the failing rules could not be analysed ({', '.join(names)})"
    return STATUS.get(result.status)


def unanalysed_reason(u: Unanalysed) -> str:
    return u.reason if u.reason is not None else (
        f"a {u.kind} rule is not a check expression; lint analyses checks")


def reported_text(v: Value | None) -> str:
    return "not reported" if v is None else describe(v)


def _reported_json(v: Value | None) -> str:
    if v is None:
        return "not reported"
    return bounds.describe(v.lo, v.hi, v.qualifier, v.stated)


BETWEEN = ("{lo}", "between {lo} and {hi}", "{lo} or more", "{hi} or less")


def _interval(lo: float | None, hi: float | None) -> str:
    """Where every rule can hold: '604', 'between 29 and 393', '719 or more'."""
    return interval_text(lo, hi, BETWEEN)


def record_label(coordinates: dict[str, Any]) -> str:
    """'district=D2, year=2020' for a cell group; 'line 3' for a row of --records."""
    if list(coordinates) == ["line"]:
        return f"line {coordinates['line']}"
    return ", ".join(f"{k}={v}" for k, v in coordinates.items())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _lead(c: Candidate, i: int) -> str:
    return ("needs" if c.kind == "determined" else "nearest" if c.kind == "nearest"
            else "probably" if i == 0 else "or")


# --- check's hint ----------------------------------------------------------------------------


def hint_text(hint) -> str | None:
    """'most likely wrong: detained.servicemen = 640 (probably 604, swapped digits); ...' for
    a results.Hint: one localisation per independent failing part searched."""
    parts: list[str] = []
    for result in hint.localisations:
        by_name = {s.figure: s for s in result.suspects}
        parts += [f"{n} = {reported_text(by_name[n].reported)} ({_because(by_name[n])})"
                  for n in result.sets[0].figures]
    if not parts and not hint.unsearched:
        return None
    shown = parts[:MAX_NAMED]
    if len(parts) > MAX_NAMED:
        shown.append(f"{len(parts) - MAX_NAMED} more")
    text = ("most likely wrong: " + " and ".join(shown)) if shown else (
        "the search for the wrong figures was skipped")
    if len(hint.localisations) == 1:
        result = hint.localisations[0]
        others = len(result.sets) - 1
        if others > 0:
            more = " or more" if result.more else ""
            text += f"; {others}{more} other equally small explanation{'s' if others > 1 or more else ''}"
    if hint.unsearched:
        text += (f"; {hint.unsearched} more failing part{'s' if hint.unsearched > 1 else ''} "
                 "not searched")
    return f"{text}; run missingstats explain {hint.file}"


def _because(s: Suspect) -> str:
    if s.candidates:
        c = s.candidates[0]
        if c.kind in SLIP_SHORT:
            return f"probably {number_text(c.value)}, {SLIP_SHORT[c.kind]}"
        if c.kind == "determined":
            return f"the rules need {number_text(c.value)}"
    lo, hi = s.feasible
    if lo is None and hi is None:
        return "any value the rules allow"
    return f"the rules need {interval_text(lo, hi)}"


# --- JSON ------------------------------------------------------------------------------------


def _suspect_json(s: Suspect, located: bool, also: dict[str, list[dict]] | None) -> dict:
    out: dict[str, Any] = {
        "figure": s.figure,
        "value": json_number(s.value),
        "reported": _reported_json(s.reported),
        "feasible": [json_number(s.feasible[0]), json_number(s.feasible[1])],
        "candidates": [{"value": json_number(c.value), "why": why(c, as_typed=True), "kind": c.kind}
                       for c in s.candidates],
        "location": (location_json(s.location, s.figure if located else None)
                     if s.location is not None else None),
    }
    if also is not None and s.figure in also:
        out["also_suspect_in"] = [record_label(c) for c in also[s.figure]]
    return out


def _set_json(cs: ChangeSet) -> dict:
    return {"figures": cs.figures, "weight": json_number(cs.weight),
            "fix": {k: json_number(v) for k, v in cs.fix.items()}, "typo": cs.typo,
            "warnings_hold": cs.warnings_hold}


def explanation_json(e: Explanation, located: bool = False,
                     also: dict[str, list[dict]] | None = None) -> dict[str, Any]:
    """The JSON of one localised record (docs/explain.md); `located` adds the
    figure to each suspect's location (table cells, CSV records)."""
    r = e.result
    return {
        "file": e.file,
        "status": r.status,
        "severities": list(e.severities),
        "failing": [{"rule": c.rule, "expression": c.text} for c in r.failing],
        "suspects": [_suspect_json(s, located, also) for s in r.suspects],
        "alternatives": [_set_json(cs) for cs in r.sets],
        "more_alternatives": r.more,
        "unanalysed": [{"rule": u.rule, "expression": u.expression, "reason": unanalysed_reason(u)}
                       for u in e.unanalysed],
        "message": message(r),
        **({"parts": [{"figures": p.figures, **explanation_json(p.explanation)}
                      for p in e.parts]} if e.parts else {}),
    }


def text_failure_json(t) -> dict[str, Any]:
    return {"failing": [{"rule": c.rule, "expression": c.text} for c in t.failing],
            "values": dict(t.values),
            "locations": [location_json(loc, n) for n, loc in t.locations.items()]}


def text_failure_text(t) -> str:
    """'fails on its text (status = found dead): ...; explain changes numbers, never text'."""
    said = ", ".join(f"{n} = {v if v is not None else 'not reported'}" for n, v in t.values.items())
    return (f"fails on its text ({said}): {'; '.join(c.text for c in t.failing)}; explain "
            "changes numbers, never text")


def records_json(x: RecordsExplanation) -> dict[str, Any]:
    """The JSON of a table spec's groups or of --records: one entry per failing record."""
    records = []
    for rec in x.records:
        out = explanation_json(rec.explanation, located=True, also=rec.also)
        out.update(record=record_label(rec.coordinates), coordinates=rec.coordinates,
                   group=rec.group)
        if "line" in rec.coordinates:
            out["line"] = rec.coordinates["line"]
        if rec.text is not None:
            out["text_failures"] = text_failure_json(rec.text)
            out["message"] = "; ".join(m for m in (text_failure_text(rec.text), out["message"]) if m)
        records.append(out)
    return {
        "file": x.file, "unit": x.unit, "severities": list(x.severities), "checked": x.checked,
        "failing": x.failing, "localised": x.localised, "seconds": round(x.seconds, 3),
        "groups_per_second": round(x.failing / x.seconds, 1) if x.seconds > 0 and x.failing else None,
        "records": records, "cut": x.cut,
        "not_localised": [{"rule": n.rule, "reason": NOT_LOCALISED[n.why]} for n in x.not_localised],
    }


# --- text ------------------------------------------------------------------------------------


def _suspect_lines(s: Suspect, indent: str, warnings_hold: bool | None = None) -> list[str]:
    at = f"  {where(location_json(s.location))}" if s.location is not None else ""
    lines = [f"{indent}{s.figure} = {reported_text(s.reported)}{at}",
             f"{indent}  every rule can hold if it is {_interval(*s.feasible)}"]
    for i, c in enumerate(s.candidates):
        lines.append(f"{indent}  {_lead(c, i)} {number_text(c.value)} ({why(c)})")
    if warnings_hold is False:
        lines.append(f"{indent}  (but a warning rule would still fail)")
    return lines


def _head(e: Explanation) -> list[str]:
    r, sev = e.result, " and ".join(e.severities)
    if r.status == "consistent":
        return [f"{e.file}: every rule of severity {sev} can hold; nothing to explain"]
    rules = sorted({c.rule for c in r.failing})
    n = len(r.failing)
    out = [f"{e.file}: {n} check{'s' if n != 1 else ''} of severity {sev} "
           f"fail{'s' if n == 1 else ''} ({', '.join(rules)})"]
    out += [f"  {c.text}" for c in r.failing]
    return out + [m for m in (message(r),) if m]


def _localised_lines(r: Localisation) -> list[str]:
    by_name = {s.figure: s for s in r.suspects}
    best = r.sets[0]
    k = len(best.figures)
    out = ["", f"Most likely wrong ({k} figure{'s' if k > 1 else ''} to change):"]
    for name in best.figures:
        out += _suspect_lines(by_name[name], "  ", best.warnings_hold)
    if len(r.sets) > 1:
        more = " (and more: --max-sets to list them)" if r.more else ""
        out += ["", f"Other explanations changing as few figures{more}:"]
        shown = set(best.figures)
        for alt in r.sets[1:]:
            out.append("  - " + " and ".join(alt.figures))
            for name in alt.figures:
                if name not in shown:
                    shown.add(name)
                    out += _suspect_lines(by_name[name], "      ", alt.warnings_hold)
    return out + [""]


def _part_label(figures: list[str], limit: int = 6) -> str:
    shown = ", ".join(figures[:limit])
    return shown + (f" and {len(figures) - limit} more" if len(figures) > limit else "")


def _parts_lines(e: Explanation) -> list[str]:
    """Each independent part with its own best set and alternatives."""
    out = ["", f"{len(e.parts)} independent parts fail (no rule reads figures of two of them); "
           "each is explained on its own:"]
    for i, part in enumerate(e.parts, 1):
        r = part.explanation.result
        rules = ", ".join(sorted({c.rule for c in r.failing}))
        out += ["", f"Part {i} ({_part_label(part.figures)}): {rules}"]
        if r.status == "localised":
            out += ["  " + line if line else line for line in _localised_lines(r)[1:-1]]
        elif message(r):
            out.append(f"  {message(r)}")
    return out + [""]


def explanation_text(e: Explanation) -> str:
    out = _head(e)
    if e.parts:
        out += _parts_lines(e)
    elif e.result.status == "localised":
        out += _localised_lines(e.result)
    if "error" in e.severities and "warning" not in e.severities:
        out.append("Localised with the rules of severity error (--warnings adds warning rules).")
    for u in e.unanalysed:
        out.append(f"not analysed: rule {u.rule} ({u.expression}): {unanalysed_reason(u)}")
    return "\n".join(out) + "\n"


def _record_lines(x: RecordsExplanation, rec: RecordExplanation) -> list[str]:
    r = rec.explanation.result
    out = ["", f"{x.unit} {record_label(rec.coordinates)}: "
           + ", ".join(sorted({c.rule for c in r.failing}))]
    by_name = {s.figure: s for s in r.suspects}
    if r.sets:
        for name in r.sets[0].figures:
            out += _suspect_lines(by_name[name], "  ")
            if rec.also.get(name):
                out.append(f"    also a suspect in {'; '.join(map(record_label, rec.also[name]))}")
        if len(r.sets) > 1:
            out.append(f"  or: {', '.join('/'.join(a.figures) for a in r.sets[1:])}")
    elif message(r):
        out.append(f"  {message(r)}")
    if rec.text is not None:
        out.append(f"  {text_failure_text(rec.text)}")
    return out


def records_text(x: RecordsExplanation) -> str:
    out = [f"{x.file}: {x.failing} of {x.checked} {x.unit}s fail; "
           f"{x.localised} localised in {x.seconds:.2f} s"]
    for rec in x.records:
        if not rec.explanation.consistent:
            out += _record_lines(x, rec)
    if x.cut:
        out.append(f"... {x.cut} more failing {x.unit}s not listed (--format json lists all)")
    return "\n".join(out) + "\n"


# --- Markdown (a pull-request comment) -------------------------------------------------------

SUSPECT_HEADER = ("Figure", "Reported", "Probably", "Why", "Every rule can hold if it is", "Location")


def _row(values: list[str]) -> str:
    return "| " + " | ".join(values) + " |"


def _table(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    return [_row(list(header)), _row(["---"] * len(header)), *(_row(r) for r in rows)]


def _suspect_row(s: Suspect, first: str = "") -> list[str]:
    c = s.candidates[0] if s.candidates else None
    loc = where(location_json(s.location)) if s.location is not None else ""
    return [*([first] if first else []), code(s.figure), cell(reported_text(s.reported)),
            cell(number_text(c.value)) if c else "", cell(why(c)) if c else "",
            cell(_interval(*s.feasible)), code(loc)]


def explanation_markdown(e: Explanation) -> str:
    r = e.result
    verdict = {"consistent": "nothing to explain", "localised": (
        f"{_plural(len(r.sets[0].figures), 'figure')} most likely wrong" if r.sets else "")
    }.get(r.status) or f"not localised ({r.status})"
    lines = [f"## missingstats explain: {verdict}", "", cell(_head(e)[0]), ""]
    lines += [f"- {code(c.text)} ({code(c.rule)})" for c in r.failing]
    if message(r):
        lines += ["", cell(message(r))]
    if r.status == "localised":
        by_name = {s.figure: s for s in r.suspects}
        best = r.sets[0]
        lines += ["", f"### Most likely wrong ({_plural(len(best.figures), 'figure')} to change)", ""]
        lines += _table(SUSPECT_HEADER, [_suspect_row(by_name[n]) for n in best.figures])
        if best.warnings_hold is False:
            lines += ["", "(but a warning rule would still fail)"]
        alternatives = [alt for part in e.parts for alt in part.explanation.result.sets[1:]]
        alternatives += r.sets[1:]
        if alternatives:
            more = " (and more: `--max-sets` to list them)" if r.more else ""
            lines += ["", f"### Other explanations changing as few figures{more}", ""]
            lines += ["- " + " and ".join(f"{code(f)} = {cell(number_text(v))}"
                                          for f, v in alt.fix.items()) for alt in alternatives]
    lines += [""] + [f"- not analysed: rule {code(u.rule)} ({code(u.expression)}): "
                     f"{cell(unanalysed_reason(u))}" for u in e.unanalysed]
    return "\n".join(lines).rstrip("\n") + "\n"


def records_markdown(x: RecordsExplanation) -> str:
    lines = [f"## missingstats explain: {x.failing} of {x.checked} {x.unit}s fail", "",
             cell(f"{x.file}: {x.localised} localised"), ""]
    rows = []
    for rec in x.records:
        r = rec.explanation.result
        if not r.sets:
            continue
        by_name = {s.figure: s for s in r.suspects}
        for i, name in enumerate(r.sets[0].figures):
            rows.append(_suspect_row(by_name[name], cell(record_label(rec.coordinates)) if i == 0
                                     else " "))
    if rows:
        lines += _table((x.unit.capitalize(), *SUSPECT_HEADER), rows)
    if x.cut:
        lines += ["", f"... {x.cut} more failing {x.unit}s not listed (`--format json` lists all)"]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- the command's output --------------------------------------------------------------------


def _json_text(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


ONE: dict[str, Callable[[Explanation], str]] = {
    "text": explanation_text, "json": lambda e: _json_text(explanation_json(e)),
    "markdown": explanation_markdown,
}
MANY: dict[str, Callable[[RecordsExplanation], str]] = {
    "text": records_text, "json": lambda x: _json_text(records_json(x)),
    "markdown": records_markdown,
}


def render(fmt: str, result: Explanation | RecordsExplanation) -> str:
    """`explain`'s output in `fmt` (one of FORMATS) for a sheet or for many records."""
    if hasattr(result, "records"):
        return MANY[fmt](result)  # type: ignore[arg-type]
    return ONE[fmt](result)  # type: ignore[arg-type]
