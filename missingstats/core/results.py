"""Results are data: a frame of rule instances plus exact per-rule counts.

`instances` holds one row per rule instance that did not pass (and, when asked, the passes
too: sheets keep them for --verbose; a 10-million-cell table does not). `counts` holds one
row per (file, rule) with exact checked/passed/failed/undetermined/missing counts, so a
report can cut the listed failures short without lying about how many there are.
Every output format renders `report()`; no renderer computes a verdict of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from missingstats import __version__
from missingstats.inputs.yamlnodes import Note

INSTANCE_COLUMNS = [
    "file", "rule", "severity", "status", "expression", "message", "lhs", "rhs",
    "difference", "values", "locations", "coordinates", "decides",
]
COUNT_COLUMNS = [
    "file", "rule", "severity", "description", "checked", "passed", "failed",
    "undetermined", "missing",
]
SEVERITIES = ("error", "warning", "info")
REPORT_VERSION = 1


@dataclass
class Results:
    instances: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INSTANCE_COLUMNS))
    counts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COUNT_COLUMNS))
    files: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def combine(cls, parts: list[Results]) -> Results:
        inst = [p.instances for p in parts if len(p.instances)]
        cnt = [p.counts for p in parts if len(p.counts)]
        extras: dict[str, Any] = {}
        for p in parts:
            for key, value in p.extras.items():
                extras.setdefault(key, []).extend(value if isinstance(value, list) else [value])
        return cls(
            instances=pd.concat(inst, ignore_index=True) if inst else cls().instances,
            counts=pd.concat(cnt, ignore_index=True) if cnt else cls().counts,
            files=[f for p in parts for f in p.files],
            notes=[n for p in parts for n in p.notes],
            extras=extras,
        )

    def failing(self, strict: bool = False) -> bool:
        """Exit 1? Errors that fail; with --strict also warnings and undetermined verdicts."""
        c = self.counts
        if c.empty:
            return False
        if strict:
            return bool(((c["failed"] > 0) | (c["undetermined"] > 0))[c["severity"] != "info"].any())
        return bool((c["failed"][c["severity"] == "error"] > 0).any())


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts; several times faster than DataFrame.to_dict for our small frames."""
    cols = list(frame.columns)
    return [dict(zip(cols, row)) for row in zip(*(frame[c].tolist() for c in cols))]


def rule_status(row: pd.Series | dict) -> str:
    if row["failed"]:
        return "fail"
    if row["undetermined"]:
        return "undetermined"
    if row["missing"] and not row["passed"]:
        return "missing"
    return "pass"


def _instance_dict(row: dict) -> dict:
    out: dict[str, Any] = {"expression": row["expression"], "status": row["status"]}
    # pandas may hold an absent text as NaN (a str column), so test types, not truthiness.
    if isinstance(row.get("message"), str) and row["message"]:
        out["message"] = row["message"]
    if isinstance(row.get("coordinates"), dict) and row["coordinates"]:
        out["coordinates"] = row["coordinates"]
    out["values"] = row["values"] if isinstance(row.get("values"), dict) else {}
    for key in ("lhs", "rhs", "difference"):
        value = row.get(key)
        if value is not None and not (isinstance(value, float) and pd.isna(value)):
            out[key] = value
    if isinstance(row.get("decides"), str) and row["decides"]:
        out["decides"] = row["decides"]
    out["locations"] = row["locations"] if isinstance(row.get("locations"), list) else []
    return out


def report(results: Results, max_failures: int | None = None) -> dict:
    """The versioned JSON report (README: 'JSON report'); every format is a view of it."""
    counts = results.counts
    inst = results.instances
    listed_by_rule: dict[tuple[str, str], dict[str, list]] = {}
    for r in records(inst) if len(inst) else []:
        per_status = listed_by_rule.setdefault(
            (r["file"], r["rule"]), {"fail": [], "undetermined": [], "missing": [], "pass": []}
        )
        bucket = per_status[str(r["status"])]
        if max_failures is None or len(bucket) < max_failures:
            bucket.append(_instance_dict(r))
    rows = []
    for row in records(counts):
        listed = listed_by_rule.get(
            (row["file"], row["rule"]), {"fail": [], "undetermined": [], "missing": [], "pass": []}
        )
        entry = {
            "rule": row["rule"],
            "severity": row["severity"],
            "status": rule_status(row),
            "file": row["file"],
            "description": row["description"] or "",
            "checked": int(row["checked"]),
            "passed": int(row["passed"]),
            "failed": int(row["failed"]),
            "undetermined": int(row["undetermined"]),
            "missing": int(row["missing"]),
            "failures": listed["fail"],
        }
        if listed["undetermined"]:
            entry["undetermined_instances"] = listed["undetermined"]
        if listed["missing"]:
            entry["missing_instances"] = listed["missing"]
        if listed["pass"]:
            entry["passed_instances"] = listed["pass"]
        rows.append(entry)
    summary = {
        "files": len(results.files),
        "rules": int(counts["rule"].nunique()) if len(counts) else 0,
        "instances": int(counts["checked"].sum()) if len(counts) else 0,
        "passed": int(counts["passed"].sum()) if len(counts) else 0,
        "failed": int(counts["failed"].sum()) if len(counts) else 0,
        "undetermined": int(counts["undetermined"].sum()) if len(counts) else 0,
        "missing": int(counts["missing"].sum()) if len(counts) else 0,
    }
    for sev in SEVERITIES:
        summary[f"{sev}s_failed"] = (
            int(counts["failed"][counts["severity"] == sev].sum()) if len(counts) else 0
        )
    out: dict[str, Any] = {
        "version": REPORT_VERSION,
        "tool": {"name": "missingstats", "version": __version__},
        "files": list(results.files),
        "summary": summary,
        "results": rows,
        "notes": [{**n.location.as_dict(), "message": n.message} for n in results.notes],
    }
    for key, value in results.extras.items():
        out[key] = value
    return out
