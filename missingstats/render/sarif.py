"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, GitLab, IDE viewers).

- `ruleId` is the rule's own id (stable across runs); `tool.driver.rules` lists each rule
  once with its description and default level (error, warning, note for info).
- A failing instance is a result of kind `fail` at its first figure, with the other figures
  as `relatedLocations`; URIs are relative to the git top-level (else the working
  directory), with forward slashes; `region` carries 1-based startLine and startColumn
  (a spreadsheet cell has no region; its sheet!cell is in the location's message).
- An undetermined instance is a result of kind `review` (level `none`, as SARIF requires
  for kinds other than `fail`). Not-evaluable instances (a figure not reported) are not
  results, so dashboards do not carry permanent alerts for figures a publisher never gave;
  the exact counts are in `runs[0].properties.summary`.
- `partialFingerprints` hash file, rule, check and coordinates (not the line), so an alert
  keeps its identity when lines move.
- An input that could not be checked (an input error) is a `toolExecutionNotification` of
  level `error` in `runs[0].invocations[0]` (present only then, with `executionSuccessful`
  false), located where the problem is.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from missingstats.render.common import (
    clean,
    coordinates_text,
    error_message,
    input_errors,
    instance_lines,
    instances,
    present,
    primary_location,
    relative_uri,
    repo_root,
    side_notes,
    value_text,
)
from missingstats.render.context import RenderContext

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _physical(loc: dict, root: Path) -> dict:
    out: dict = {"artifactLocation": {"uri": relative_uri(str(loc.get("file") or ""), root)}}
    line = loc.get("line")
    if isinstance(line, int) and line >= 1 and not loc.get("cell"):  # no lines in a workbook
        region: dict = {"startLine": line}
        col = loc.get("column")
        if isinstance(col, int) and col >= 1:
            region["startColumn"] = col
        out["region"] = region
    return out


def _location(loc: dict, root: Path, text: str, ident: int | None = None) -> dict:
    out: dict = {}
    if ident is not None:
        out["id"] = ident
    out["physicalLocation"] = _physical(loc, root)
    label = f"{text} ({loc['cell']})" if loc.get("cell") else text
    if label:
        out["message"] = {"text": label}
    return out


def _figure_label(inst: dict, loc: dict) -> str:
    name = loc.get("figure")
    values = inst.get("values") or {}
    if name and name in values:
        return f"{name} = {value_text(values[name])}"
    return str(name or "")


def _rules(report: dict) -> tuple[list[dict], dict[str, int]]:
    rules: list[dict] = []
    index: dict[str, int] = {}
    for res in report.get("results") or []:
        rid = str(res.get("rule", ""))
        if rid in index:
            continue
        index[rid] = len(rules)
        text = str(res.get("description") or rid)
        entry = {
            "id": rid,
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "defaultConfiguration": {"level": LEVEL.get(str(res.get("severity")), "warning")},
            "properties": {"severity": str(res.get("severity", "error"))},
        }
        rules.append(entry)
    return rules, index


def _fingerprint(uri: str, res: dict, inst: dict) -> str:
    key = "|".join([uri, str(res.get("rule", "")), str(inst.get("expression", "")),
                    coordinates_text(inst)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _invocation(report: dict, root: Path) -> dict:
    """The run itself: its input errors as notifications, located where each problem is."""
    notes = []
    for err, inputs in input_errors(report):
        notes.append({
            "level": "error",
            "message": {"text": error_message(err, inputs)},
            "locations": [{"physicalLocation": _physical(err, root)}],
            "descriptor": {"id": "input-error"},
        })
    return {"executionSuccessful": False, "toolExecutionNotifications": notes}


def render(report: dict, ctx: RenderContext) -> str:
    root = repo_root()
    rules, index = _rules(report)
    results: list[dict] = []
    for res, inst, status in instances(report):
        if status not in ("fail", "undetermined"):
            continue
        rid = str(res.get("rule", ""))
        primary = primary_location(res, inst)
        result: dict = {"ruleId": rid, "ruleIndex": index[rid]}
        if status == "fail":
            result["level"] = LEVEL.get(str(inst.get("severity") or res.get("severity")), "warning")
        else:
            result["kind"] = "review"
            result["level"] = "none"
        lines = instance_lines(res, inst, status)
        result["message"] = {"text": "\n".join(lines)}
        result["locations"] = [_location(primary, root, _figure_label(inst, primary))]
        related = [loc for loc in inst.get("locations") or [] if loc is not primary]
        if related:
            result["relatedLocations"] = [
                _location(loc, root, _figure_label(inst, loc), i + 1) for i, loc in enumerate(related)
            ]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        result["partialFingerprints"] = {"missingstatsInstance/v1": _fingerprint(uri, res, inst)}
        props: dict = {"values": inst.get("values") or {}}
        for key in ("lhs", "rhs", "difference", "coordinates"):
            if present(inst.get(key)):
                props[key] = inst[key]
        result["properties"] = clean(props)
        results.append(result)
    tool = report.get("tool") or {}
    driver: dict = {
        "name": "missingstats",
        "rules": rules,
    }
    if tool.get("version"):
        driver["version"] = str(tool["version"])
    run: dict = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"summary": clean(report.get("summary", {}))},
    }
    if report.get("errors"):
        run["invocations"] = [_invocation(report, root)]
    extras = side_notes(report)
    if extras:
        run["properties"]["notes"] = [{"kind": k, "file": f, "text": t} for k, f, t in extras]
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
