"""`check --failures-out`: every failing instance as one row of a frame, for pandas users
(as pandera's failure cases): tables give all of them with their coordinates, sheets their
listed failures."""

from __future__ import annotations


def failures_frame(results):
    """One row per failing instance, with its file, rule, severity, coordinates and sides."""
    import pandas as pd

    from missingstats.core.findings import Status

    tables = results.failure_tables
    table_files = {f for fr in tables for f in fr["file"].unique()}
    rows = []
    for f in results.findings:
        if f.status != Status.FAIL or f.file in table_files:
            continue
        rows.append({"file": f.file, "rule": f.rule, "severity": f.severity, "table": None,
                     **{k: v for k, v in (f.coordinates or {}).items()},
                     "left": f.lhs.lo if f.lhs is not None else None,
                     "right": f.rhs.lo if f.rhs is not None else None,
                     "difference": f.difference})
    parts = [fr for fr in tables if len(fr)] + ([pd.DataFrame(rows)] if rows else [])
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["file", "rule", "severity", "table", "left", "right", "difference"])
    for col in data.columns:
        if data[col].dtype == object and col not in ("left", "right", "difference"):
            data[col] = data[col].astype("string")
    return data
