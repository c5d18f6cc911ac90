"""Say which bound would decide an undetermined verdict.

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

from missingstats.language import bounds
from missingstats.language import expr as ex
from missingstats.language import intervals as iv

MAX_ROUNDS = 64
MAX_PIECES = 512

Piece = tuple[float, float, str]


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
           tolerance: iv.Tolerance | None = None) -> list[Piece]:
    """Split `name`'s interval into runs where the check passes, fails or stays open."""
    tol = tolerance or iv.Tolerance()
    lo, hi = _bounds(cells[name])
    integral = float(lo).is_integer() and (math.isinf(hi) or float(hi).is_integer())
    done: list[Piece] = []
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


def _merge(items: list[Piece], integral: bool) -> list[Piece]:
    out: list[Piece] = []
    for a, b, st in items:
        if st == iv.MISSING:
            st = iv.UNDETERMINED
        if out and out[-1][2] == st:
            out[-1] = (out[-1][0], max(out[-1][1], b), st)
        else:
            out.append((a, b, st))
    return out


def _range(a: float, b: float, lo: float, hi: float) -> str:
    if a == b:
        return f"exactly {bounds.fmt(a)}"
    if a <= lo and b >= hi:
        return "anywhere in its bounds"
    if a <= lo:
        return f"at most {bounds.fmt(b)}"
    if b >= hi:
        return f"at least {bounds.fmt(a)}"
    return f"between {bounds.fmt(a)} and {bounds.fmt(b)}"


def describe_pieces(name: str, rec: Mapping[str, Any], parts: list[Piece],
                    others: list[str]) -> str | None:
    """'holds if detained.total (at least 871) is at most 3889; fails above'."""
    if all(st == iv.UNDETERMINED for _, _, st in parts):
        return None
    lo, hi = _bounds(rec)
    label = f"{name} ({bounds.describe(lo, hi, rec.get('qualifier'), _stated(rec))})"
    word = {iv.PASS: "holds", iv.FAIL: "fails"}
    if len(parts) == 2 and iv.UNDETERMINED not in (parts[0][2], parts[1][2]):
        (a0, b0, s0), (_, _, s1) = parts
        return f"{word[s0]} if {label} is {_range(a0, b0, lo, hi)}; {word[s1]} above"
    if len(parts) == 3 and parts[0][2] == parts[2][2] != iv.UNDETERMINED != parts[1][2]:
        a, b, s = parts[1]
        return f"{word[s]} only if {label} is {_range(a, b, lo, hi)}; {word[parts[0][2]]} otherwise"
    phrases = []
    for a, b, st in parts:
        rng = _range(a, b, lo, hi)
        if st == iv.UNDETERMINED:
            who = ", ".join(others) if others else "the other bounds"
            phrases.append(f"depends on {who} if it is {rng}")
        else:
            phrases.append(f"{word[st]} if it is {rng}")
    return f"{label}: " + "; ".join(phrases)


def explain(node: ex.Node, cells: Mapping[str, Mapping[str, Any] | None],
            tolerance: iv.Tolerance | None = None) -> str | None:
    """The sentence a report shows for an undetermined instance (None if nothing decides it)."""
    cells = dict(cells)
    for n in ex.names(node):
        cells.setdefault(n, None)
    loose = [
        n for n, rec in cells.items()
        if rec is not None and not math.isnan(float(rec["lo"])) and rec["lo"] != rec["hi"]
    ]
    if not loose:
        return None
    texts = []
    for name in loose:
        parts = pieces(node, cells, name, tolerance)
        others = [n for n in loose if n != name]
        text = describe_pieces(name, cells[name], parts, others)
        if text:
            texts.append(text)
    if not texts:
        labels = ", ".join(
            f"{n} ({bounds.describe(float(cells[n]['lo']), float(cells[n]['hi']), cells[n].get('qualifier'), _stated(cells[n]))})"  # noqa: E501
            for n in loose
        )
        return f"depends jointly on where the true values lie for {labels}"
    return "; ".join(texts)
