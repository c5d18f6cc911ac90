"""Find which bound would decide an undetermined verdict (render/wording.py words it).

"detained.total <= missing.total" with detained.total "at least 871" and missing.total 3889
is undetermined: it holds if the truth is at most 3889 and fails above. We find such
thresholds by splitting the loose figure's interval and re-running the interval engine on
all pieces at once (one vectorised evaluation per round, a few dozen rounds at most), holding
every other figure at its own bounds. A piece stays whole when it is undetermined and so
are both its ends (another loose figure decides there), so only thresholds are refined.
Pieces that come out pass or fail are decided whatever the other figures are; pieces that
stay undetermined depend on another loose figure too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from missingstats.core.findings import Value
from missingstats.core.reasons import Decides, Piece, Split
from missingstats.language import expr as ex
from missingstats.language import intervals as iv

MAX_ROUNDS = 64
MAX_PIECES = 512

Run = tuple[float, float, str]


def _bounds(rec: Mapping[str, Any] | None) -> tuple[float, float]:
    if rec is None:
        return math.nan, math.nan
    return float(rec["lo"]), float(rec["hi"])


def _stated(rec: Mapping[str, Any]) -> float | None:
    v = rec.get("value")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def pieces(node: ex.Node, cells: Mapping[str, Mapping[str, Any] | None], name: str,
           tolerance: iv.Tolerance | None = None) -> list[Run]:
    """Split `name`'s interval into runs where the check passes, fails or stays open."""
    tol = tolerance or iv.Tolerance()
    lo, hi = _bounds(cells[name])
    integral = float(lo).is_integer() and (math.isinf(hi) or float(hi).is_integer())
    done: list[Run] = []
    todo: list[tuple[float, float]] = [(lo, hi)]
    for _ in range(MAX_ROUNDS):
        if not todo:
            break
        k = len(todo)
        # one evaluation per round: every piece as an interval, then its two ends as points
        los = np.array([p[0] for p in todo])
        his = np.array([p[1] for p in todo])
        env: dict[str, iv.Interval] = {}
        for other, rec in cells.items():
            a, b = _bounds(rec)
            env[other] = iv.Interval(np.full(3 * k, a), np.full(3 * k, b))
        ends_lo = np.concatenate([los, los, np.where(np.isinf(his), los, his)])
        ends_hi = np.concatenate([his, los, np.where(np.isinf(his), los, his)])
        env[name] = iv.Interval(ends_lo, ends_hi)
        truth = iv.evaluate(node, env, 3 * k, tol)
        assert isinstance(truth, iv.Truth)
        status = truth.status()
        nxt: list[tuple[float, float]] = []
        for i, (a, b) in enumerate(todo):
            st = str(status[i])
            open_at_both_ends = (not math.isinf(b) and status[k + i] == iv.UNDETERMINED
                                 and status[2 * k + i] == iv.UNDETERMINED)
            if st in (iv.PASS, iv.FAIL) or not _splittable(a, b, integral) or open_at_both_ends:
                done.append((a, b, st))
            elif len(nxt) + len(done) + 2 > MAX_PIECES:
                done.append((a, b, st))
            else:
                nxt.extend(_split(a, b, integral))
        todo = nxt
    done.extend((a, b, iv.UNDETERMINED) for a, b in todo)
    return _merge(sorted(done), integral)


def _splittable(a: float, b: float, integral: bool) -> bool:
    if integral:
        return b > a
    return b - a > 1e-9 * max(1.0, abs(a), abs(b))


def _split(a: float, b: float, integral: bool) -> list[tuple[float, float]]:
    if math.isinf(b):
        m = max(2 * a, a + 1000.0) if a >= 0 else 0.0
        return [(a, m), (m + 1 if integral else m, b)]
    if integral:
        m = math.floor((a + b) / 2)
        return [(a, m), (m + 1, b)]
    m = (a + b) / 2
    return [(a, m), (m, b)]


def _merge(items: list[Run], integral: bool) -> list[Run]:
    out: list[Run] = []
    for a, b, st in items:
        if st == iv.MISSING:
            st = iv.UNDETERMINED
        if out and out[-1][2] == st:
            out[-1] = (out[-1][0], max(out[-1][1], b), st)
        else:
            out.append((a, b, st))
    return out


def _value(rec: Mapping[str, Any]) -> Value:
    lo, hi = _bounds(rec)
    q = rec.get("qualifier")  # NaN in a frame of cells where a figure has none
    return Value(lo, hi, q if isinstance(q, str) and q else None, _stated(rec))


def explain(node: ex.Node, cells: Mapping[str, Mapping[str, Any] | None],
            tolerance: iv.Tolerance | None = None) -> Decides | None:
    """Which bounds decide an undetermined instance (None if no figure is loose)."""
    cells = dict(cells)
    for n in ex.names(node):
        cells.setdefault(n, None)
    loose = [
        n for n, rec in cells.items()
        if rec is not None and not math.isnan(float(rec["lo"])) and rec["lo"] != rec["hi"]
    ]
    if not loose:
        return None
    splits = []
    for name in loose:
        parts = pieces(node, cells, name, tolerance)
        if all(st == iv.UNDETERMINED for _, _, st in parts):
            continue
        others = tuple(n for n in loose if n != name)
        splits.append(Split(name, _value(cells[name]), tuple(Piece(*p) for p in parts), others))
    if splits:
        return Decides(tuple(splits))
    return Decides(joint=tuple((n, _value(cells[n])) for n in loose))
