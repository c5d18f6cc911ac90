"""Qualified figures ("at least 871", "some 300", "tens of thousands") as integer intervals.

Counts are whole numbers, so every interval is closed: "more than 871" is [872, inf).
Vague magnitudes map to the documented intervals in MAGNITUDES (README: "Bounded figures").
"""

from __future__ import annotations

import math

INF = math.inf

LOWER = {"at least", "no fewer than", "not fewer than", "no less than", "not less than",
         "a minimum of", "minimum", "min"}
LOWER_STRICT = {"more than", "over", "above", "in excess of", "upwards of", "exceeding"}
UPPER = {"at most", "no more than", "not more than", "up to", "a maximum of", "maximum", "max"}
UPPER_STRICT = {"fewer than", "less than", "under", "below"}
APPROX = {"about", "approximately", "around", "some", "roughly", "an estimated", "estimated",
          "circa", "approx.", "approx", "close to", "almost", "nearly", "~"}
BELOW_APPROX = {"almost", "nearly", "close to"}
EXACT = {"exactly", "exact", "precisely"}

MAGNITUDES: dict[str, tuple[float, float]] = {
    "a dozen": (10, 14),
    "dozens": (24, 199),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "several hundred": (200, 999),
    "thousands": (2_000, 9_999),
    "several thousand": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 9_999_999),
}

DEFAULT_APPROXIMATE = 0.1  # "about 300" is 270..330 unless the sheet says otherwise

QUALIFIERS = sorted(
    LOWER | LOWER_STRICT | UPPER | UPPER_STRICT | APPROX | EXACT | set(MAGNITUDES)
)


def normalise(qualifier: str) -> str:
    return " ".join(qualifier.lower().replace("_", " ").split())


def is_known(qualifier: str) -> bool:
    return normalise(qualifier) in set(QUALIFIERS)


def interval(value: float | None, qualifier: str | None,
             approximate: float = DEFAULT_APPROXIMATE) -> tuple[float, float]:
    """The [lo, hi] a qualified figure stands for; `value` may be None for a magnitude."""
    q = normalise(qualifier) if qualifier else ""
    if q in MAGNITUDES:
        lo, hi = MAGNITUDES[q]
        return float(lo), float(hi)
    if value is None:
        raise ValueError(f"qualifier {qualifier!r} needs a value")
    v = float(value)
    if not q or q in EXACT:
        return v, v
    if q in LOWER:
        return v, INF
    if q in LOWER_STRICT:
        return v + 1, INF
    if q in UPPER:
        return 0.0, v
    if q in UPPER_STRICT:
        return 0.0, max(v - 1, 0.0)
    if q in APPROX:
        lo = float(math.ceil(v * (1 - approximate) - 1e-9))
        hi = v if q in BELOW_APPROX else float(math.floor(v * (1 + approximate) + 1e-9))
        return max(lo, 0.0), hi
    raise ValueError(f"unknown qualifier {qualifier!r}")


def describe(lo: float, hi: float, qualifier: str | None = None, value: float | None = None) -> str:
    """Short human text: '3889', 'at least 871', '270 to 330'."""
    if qualifier and value is not None and normalise(qualifier) not in EXACT:
        return f"{normalise(qualifier)} {fmt(value)}"
    if qualifier and normalise(qualifier) in MAGNITUDES:
        return normalise(qualifier)
    if lo == hi:
        return fmt(lo)
    if hi == INF:
        return f"at least {fmt(lo)}"
    if lo == -INF or lo == 0 and hi != INF:
        return f"at most {fmt(hi)}" if lo != 0 else f"0 to {fmt(hi)}"
    return f"{fmt(lo)} to {fmt(hi)}"


def fmt(x: float) -> str:
    if x == INF:
        return "∞"
    if x == -INF:
        return "-∞"
    if float(x).is_integer():
        return str(int(x))
    return f"{x:g}"
