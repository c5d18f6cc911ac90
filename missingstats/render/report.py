"""The versioned JSON report (docs/report.md), built from Results in one place.

Every output format is a view of this dict: `json` prints it, the others word and lay it
out. Values, locations and messages come from render/values.py and render/wording.py, so
every format shows a figure and a finding the same way.

Version 1 grows only by new optional keys. Added since the first release:
- `relation` on an instance (a listed finding) whose kind knows how its figures compare:
  `{"compare": "<=", "parts": ["a", "b"], "whole": "t"}` says a + b <= t (parts and whole
  are keys of `values`); `{"compare": "<="}` alone is a comparison of the two sides
  (`lhs` <= `rhs`) that is no part-whole relation. The HTML report draws it.
- `heading` on a failing instance whose reason says what is wrong in a few words (prose:
  "detained.servicemen: the text says 604, the sheet 640"); formats show it where they
  name the instance, while `expression` stays the check (and the identity of the instance:
  SARIF fingerprints and JUnit test names use it).
- `errors` at the top level (always present, empty when every input was read): one entry
  per input that could not be checked, `{"file", "line", "column", "message", "input"}`;
  `file`, `line` and `column` say where the problem is (null when not known), `input` is the
  file given on the command line (they differ when its rules file is bad).

Every string of the report is stripped of control characters here (values.printable), once
for every format; JSON holds the stripped text too (docs/report.md, "Control characters").
"""

from __future__ import annotations

from typing import Any

from missingstats import __version__
from missingstats.core import reasons
from missingstats.core.findings import LISTED_ORDER, SEVERITIES, Finding, Relation, Status
from missingstats.core.results import REPORT_VERSION, FileError, Results
from missingstats.render.values import figures_json, json_number, printable_all, side_json, value_json
from missingstats.render.wording import heading, words

LIST_KEYS = {Status.FAIL: "failures", Status.UNDETERMINED: "undetermined_instances",
             Status.NOT_EVALUABLE: "missing_instances", Status.PASS: "passed_instances"}


def finding_json(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {"expression": f.expression, "status": str(f.status)}
    if isinstance(f.reason, reasons.Flagged):
        out["severity"] = f.severity  # a failure its flags make a warning
    if f.status == Status.FAIL and f.reason is not None:
        said = heading(f.reason, f.figures[0].name if f.figures else "")
        if said:
            out["heading"] = said
    message = f.message or (words(f.reason) if f.reason is not None else None)
    if message:
        out["message"] = message
    if f.coordinates:
        out["coordinates"] = dict(f.coordinates)
    values, locations = figures_json(f.figures, f.primary)
    out["values"] = values
    for key, side in (("lhs", f.lhs), ("rhs", f.rhs)):
        if side is not None:
            out[key] = side_json(side)
    if f.difference is not None and json_number(f.difference) is not None:
        out["difference"] = json_number(f.difference)
    if f.decides is not None:
        out["decides"] = words(f.decides)
    out["locations"] = locations
    if f.relation is not None:
        out["relation"] = relation_json(f.relation)
    return out


def relation_json(r: Relation) -> dict[str, Any]:
    if not r.part_whole:
        return {"compare": r.compare}
    return {"compare": r.compare, "parts": list(r.parts), "whole": r.whole}


def _listed(results: Results, max_failures: int | None) -> dict[tuple[str, str], dict[Status, list]]:
    by_rule: dict[tuple[str, str], dict[Status, list]] = {}
    for f in results.findings:
        bucket = by_rule.setdefault((f.file, f.rule), {s: [] for s in Status})[f.status]
        if max_failures is None or len(bucket) < max_failures:
            bucket.append(finding_json(f))
    return by_rule


def rule_results(results: Results, max_failures: int | None) -> list[dict[str, Any]]:
    listed = _listed(results, max_failures)
    rows = []
    for t in results.tallies:
        lists = listed.get((t.file, t.rule), {s: [] for s in Status})
        c = t.counts
        entry: dict[str, Any] = {
            "rule": t.rule, "severity": t.severity, "status": str(c.status), "file": t.file,
            "description": t.description or "", "checked": c.checked, "passed": c.passed,
            "failed": c.failed, "undetermined": c.undetermined, "missing": c.missing,
            "failures": lists[Status.FAIL],
        }
        if c.flagged:
            entry["flagged"] = c.flagged  # failures reported at warning level (their flags)
        for status in (*LISTED_ORDER[1:], Status.PASS):
            if lists[status]:
                entry[LIST_KEYS[status]] = lists[status]
        rows.append(entry)
    return rows


def summary(results: Results) -> dict[str, int]:
    tallies = results.tallies
    out = {
        "files": len(results.files),
        "rules": len({t.rule for t in tallies}),
        "instances": sum(t.counts.checked for t in tallies),
        "passed": sum(t.counts.passed for t in tallies),
        "failed": sum(t.counts.failed for t in tallies),
        "undetermined": sum(t.counts.undetermined for t in tallies),
        "missing": sum(t.counts.missing for t in tallies),
    }
    for sev in SEVERITIES:
        out[f"{sev}s_failed"] = sum(t.counts.failed - t.counts.flagged for t in tallies
                                    if t.severity == sev)
    out["warnings_failed"] += sum(t.counts.flagged for t in tallies if t.severity == "error")
    return out


def sections(results: Results) -> dict[str, Any]:
    """The optional top-level sections, each only when something filled it."""
    from missingstats.render.sections import against_json, hint_json, prose_json, timeline_json

    out: dict[str, Any] = {}
    if results.prose:
        out["prose"] = [prose_json(p) for p in results.prose]
    if results.timelines:
        out["series"] = [timeline_json(t) for t in results.timelines]
    if results.against:
        out["against"] = [against_json(a) for a in results.against]
    hints = [h for h in (hint_json(h) for h in results.hints) if h is not None]
    if hints:
        out["hints"] = hints
    if results.patterns:
        out["patterns"] = [{"file": p.file, "where": dict(p.where), "failures": p.failures,
                            "rules": list(p.rules)} for p in results.patterns]
    return out


def error_json(e: FileError) -> dict[str, Any]:
    """An input that could not be checked: where the problem is, what it is, which input."""
    where = e.where.as_dict()
    out: dict[str, Any] = {"file": where.pop("file"), "line": where.pop("line", None),
                           "column": where.pop("column", None)}
    out.update(where)  # a spreadsheet cell or a page, when the problem has one
    out.update(message=e.message, input=e.file)
    return out


def build(results: Results, max_failures: int | None = None) -> dict[str, Any]:
    """The versioned JSON report; `max_failures` caps each list (counts stay exact). Every
    string in it is printable: what a user wrote reaches no format with control characters."""
    return printable_all({
        "version": REPORT_VERSION,
        "tool": {"name": "missingstats", "version": __version__},
        "files": list(results.files),
        "summary": summary(results),
        "results": rule_results(results, max_failures),
        "notes": [{**n.location.as_dict(), "message": words(n.message)} for n in results.notes],
        "errors": [error_json(e) for e in results.errors],
        **sections(results),
    })


__all__ = ["build", "finding_json", "value_json"]
