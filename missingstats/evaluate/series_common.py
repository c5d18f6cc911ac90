"""Helpers the series, shares and against passes share: numbers as editors read them, the
engine's value shape, and building Results frames from evaluated rows."""

from __future__ import annotations

import math
from typing import Any

from missingstats.language import bounds

STATUS_COUNT = {"pass": "passed", "fail": "failed", "undetermined": "undetermined", "missing": "missing"}


def num(x: float) -> str:
    """1053 -> '1,053'; 47.4 -> '47.4'; inf -> '∞' (figures as a publication prints them)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "not reported"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{round(float(x), 2):,g}" if abs(x) < 1e6 else f"{x:,.2f}"


def signed(x: float) -> str:
    return ("+" if x > 0 else "") + num(x)


def scalar(x: float) -> Any:
    """A JSON-friendly number: ints stay ints."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if math.isinf(x):
        return None
    x = float(x)
    return int(x) if x.is_integer() else round(x, 6)


def cell_value(lo: float, hi: float, qualifier: Any = None, stated: Any = None) -> Any:
    """A figure's value in the report, in the engine's shape: a number, or lo/hi/text."""
    if lo is None or (isinstance(lo, float) and math.isnan(lo)):
        return None
    if lo == hi:
        return scalar(lo)
    q = qualifier if isinstance(qualifier, str) else None
    s = stated if stated is not None and not (isinstance(stated, float) and math.isnan(stated)) else None
    out: dict[str, Any] = {"lo": scalar(lo), "hi": scalar(hi)}
    if q:
        out["qualifier"] = q
        if s is not None:
            out["stated"] = scalar(s)
    out["text"] = describe(lo, hi, q, s)
    return out


def describe(lo: float, hi: float, qualifier: Any = None, stated: Any = None) -> str:
    """'1,053', 'at least 871', '270 to 330' with thousands separators."""
    q = qualifier if isinstance(qualifier, str) and qualifier else None
    s = stated if stated is not None and not (isinstance(stated, float) and math.isnan(stated)) else None
    if q and s is not None and bounds.normalise(q) not in bounds.EXACT:
        return f"{bounds.normalise(q)} {num(s)}"
    if q and bounds.normalise(q) in bounds.MAGNITUDES:
        return bounds.normalise(q)
    if lo == hi:
        return num(lo)
    if math.isinf(hi):
        return f"at least {num(lo)}"
    return f"{num(lo)} to {num(hi)}"


def side(lo: float, hi: float) -> Any:
    if math.isnan(lo) or math.isnan(hi):
        return None
    if lo == hi:
        return scalar(lo)
    return [None if math.isinf(lo) else scalar(lo), None if math.isinf(hi) else scalar(hi)]


def location(file: Any, line: Any, column: Any, figure: str) -> dict | None:
    if file is None or line is None or (isinstance(line, float) and math.isnan(line)):
        return None
    return {"file": str(file), "line": int(line), "column": int(column), "figure": figure}


def count_rows(statuses, files, rule, default_file: str) -> list[dict]:
    """Exact per-(file, rule) counts from parallel status and file arrays."""
    import pandas as pd

    frame = pd.DataFrame({"file": list(files), "status": list(statuses)})
    if frame.empty:
        frame = pd.DataFrame({"file": [default_file], "status": [None]})
    out = []
    for file, sub in frame.groupby("file", sort=False):
        vc = sub["status"].value_counts()
        tally = {v: int(vc.get(k, 0)) for k, v in STATUS_COUNT.items()}
        out.append({
            "file": file, "rule": rule.id, "severity": rule.severity,
            "description": rule.description, "checked": int(sub["status"].notna().sum()), **tally,
        })
    return out


def results(rows: list[dict], counts: list[dict], files: list[str]):
    import pandas as pd

    from missingstats.core.results import COUNT_COLUMNS, INSTANCE_COLUMNS, Results

    return Results(
        # object dtype: pandas 3 would infer a string column and turn None into NaN
        instances=pd.DataFrame(rows, columns=INSTANCE_COLUMNS, dtype=object),
        counts=pd.DataFrame(counts, columns=COUNT_COLUMNS),
        files=files,
    )


def append(target, extra) -> None:
    """Add another Results' rows, counts, notes and extras to `target` in place."""
    import pandas as pd

    if len(extra.instances):
        target.instances = (
            pd.concat([target.instances, extra.instances], ignore_index=True)
            if len(target.instances) else extra.instances
        )
    if len(extra.counts):
        target.counts = (
            pd.concat([target.counts, extra.counts], ignore_index=True)
            if len(target.counts) else extra.counts
        )
    target.notes.extend(extra.notes)
    for key, value in extra.extras.items():
        target.extras.setdefault(key, []).extend(value if isinstance(value, list) else [value])
