"""Findings for the few table instances a report lists: their two sides, and the pick.

Table rules count every instance with numpy masks; only the instances a report lists
(non-passing ones, at most --max-failures per rule) become Finding objects, built here one
by one with the same interval evaluation as the whole column.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from missingstats.core.findings import Finding, Status, Value
from missingstats.evaluate.tables.engine import pick
from missingstats.language import expr as ex
from missingstats.language import intervals as iv

LISTED = (Status.FAIL, Status.UNDETERMINED, Status.NOT_EVALUABLE)


def environment(values: dict[str, np.ndarray], policy: str) -> dict[str, iv.Interval]:
    """Cells as exact intervals; not available is NaN, or 0 under the `zero` policy."""
    out = {}
    for name, v in values.items():
        if policy == "zero":
            v = np.where(np.isnan(v), 0.0, v)
        out[name] = iv.Interval(v, v)
    return out


def row(env: dict[str, iv.Interval], i: int) -> dict[str, iv.Interval]:
    return {n: iv.Interval(e.lo[i:i + 1], e.hi[i:i + 1]) for n, e in env.items()}


def sides(node: ex.Node, env: dict[str, iv.Interval]) -> tuple[Value | None, Value | None, float | None]:
    """(left side, right side, difference) of a one-row environment, when both are exact."""
    got = iv.top_difference(node, env, 1)
    if got is None:
        return None, None, None
    left, right = got
    lo_l, lo_r = float(left.lo[0]), float(right.lo[0])
    if left.lo[0] != left.hi[0] or right.lo[0] != right.hi[0]:
        return None, None, None
    lhs, rhs = Value.of(lo_l), Value.of(lo_r)
    diff = lo_l - lo_r if lhs is not None and rhs is not None else None
    return lhs, rhs, diff


def listed(masks: dict[Status, np.ndarray], cap: int,
           build: Callable[[int, Status], Finding],
           statuses: tuple[Status, ...] = LISTED) -> list[Finding]:
    """Findings for the first instances of each non-passing status, `cap` in all (passes,
    when asked for, have a cap of their own)."""
    out: list[Finding] = []
    for status in statuses:
        room = cap if status == Status.PASS else cap - len(out)
        for i in pick(masks[status], room):
            out.append(build(int(i), status))
    return out
