"""Every failing instance of the table rules, as arrays: for failure patterns and for
`--failures-out` (one row per failing instance, as pandera's failure cases).

A kind's `run` hands over the instance keys, the two sides and which failures its flags
make warnings, for all failures, not only the listed ones (vectorised: a few arrays per
plan). Coordinates are decoded from the keys here, once, when a report or a file needs them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class FailingSet:
    rule: str
    severity: str
    table: str
    keys: np.ndarray  # instance keys in the table's mixed radix (see engine.Keyed)
    lhs: np.ndarray
    rhs: np.ndarray
    flagged: np.ndarray | None = None  # reported at warning level
    dropped: str | None = None  # a dimension whose digit the key does not hold (pivot checks)


def coordinates(fs: FailingSet, engine) -> dict[str, np.ndarray]:
    """Code ids per dimension of each failing instance (-1 where the instance has none)."""
    kt = engine.keyed(fs.table)
    out = {}
    for d in kt.dims:
        if d == fs.dropped:
            out[d] = np.full(len(fs.keys), -1, dtype=np.int64)
        else:
            out[d] = (fs.keys // kt.strides[d]) % kt.radix[d]
    return out


def frame(sets: list[FailingSet], engine, file: str):
    """One row per failing instance: file, rule, severity, table, coordinates (codes), the
    two sides and their difference (a pandas frame)."""
    import pandas as pd

    parts = []
    for fs in sets:
        coords = coordinates(fs, engine)
        severity = np.full(len(fs.keys), fs.severity, dtype=object)
        if fs.flagged is not None and fs.severity == "error":
            severity[fs.flagged] = "warning"
        data = {"file": file, "rule": fs.rule, "severity": severity, "table": fs.table}
        for d, ids in coords.items():
            labels = np.array(engine.book.codes[d] + [None], dtype=object)
            data[d] = labels[np.where(ids < 0, len(labels) - 1, ids)]
        with np.errstate(invalid="ignore"):
            data.update({"left": fs.lhs, "right": fs.rhs, "difference": fs.lhs - fs.rhs})
        parts.append(pd.DataFrame(data))
    if not parts:
        return pd.DataFrame(columns=["file", "rule", "severity", "table", "left", "right",
                                     "difference"])
    out = pd.concat(parts, ignore_index=True)
    first = ["file", "rule", "severity", "table"]
    last = ["left", "right", "difference"]
    return out[first + [c for c in out.columns if c not in first + last] + last]
