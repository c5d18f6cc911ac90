"""Qualified figures ("at least 871", "some 300", "tens of thousands") as integer intervals.

Counts are whole numbers, so every interval is closed: "more than 871" is [872, inf) and
"fewer than 10" is [0, 9]. Approximate words widen the stated value by a tolerance (a
fraction, 0.1 unless the sheet's `settings: {approximate: ...}` or a figure's `tolerance:`
says otherwise) to the whole numbers inside: "about 300" is [270, 330], "about 15" [14, 16]. "Nearly",
"almost" and "close to" say the truth is at or below the stated value: "nearly 300" is
[270, 300] (300 itself is kept so a rounded "nearly" never makes a false failure).
Vague magnitudes map to the fixed intervals in MAGNITUDES (docs/sheets.md, "Bounded figures").

Round figures: where a sheet says `rounded: implied`, a count written with trailing zeros
carries the precision its digits state: 23,000 is 22,500 to 23,500, "1.5 million" is
1,450,000 to 1,550,000 (`rounding_step`, `rounded`); an "about" figure keeps the wider of
its two intervals.
"""

from __future__ import annotations

import math
import re

INF = math.inf

LOWER = {"at least", "no fewer than", "not fewer than", "no less than", "not less than",
         "a minimum of", "minimum", "min", "or more"}
LOWER_STRICT = {"more than", "over", "above", "in excess of", "upwards of", "exceeding",
                "greater than"}
UPPER = {"at most", "no more than", "not more than", "up to", "a maximum of", "maximum", "max",
         "or fewer", "or less"}
UPPER_STRICT = {"fewer than", "less than", "under", "below"}
APPROX = {"about", "approximately", "around", "some", "roughly", "an estimated", "estimated",
          "circa", "approx.", "approx", "close to", "almost", "nearly", "~", "or so",
          "an approximate", "approximate"}
BELOW_APPROX = {"almost", "nearly", "close to"}
EXACT = {"exactly", "exact", "precisely", "a total of"}

# Vague magnitudes as whole-number intervals. The low end is the smallest amount a careful
# writer would still call so ("hundreds" means at least two hundred, else "a hundred or
# so"); the high end is the last amount before the next magnitude word would be used.
MAGNITUDES: dict[str, tuple[float, float]] = {
    "a handful": (2, 9),
    "a dozen": (10, 14),
    "dozens": (24, 199),
    "several dozen": (36, 199),
    "scores": (40, 199),
    "tens": (20, 99),
    "hundreds": (200, 999),
    "a few hundred": (200, 599),
    "several hundred": (300, 999),
    "thousands": (2_000, 9_999),
    "a few thousand": (2_000, 5_999),
    "several thousand": (3_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 9_999_999),
    "several million": (3_000_000, 9_999_999),
}

DEFAULT_APPROXIMATE = 0.1  # "about 300" is 270..330 unless the sheet says otherwise

QUALIFIERS = sorted(
    LOWER | LOWER_STRICT | UPPER | UPPER_STRICT | APPROX | EXACT | set(MAGNITUDES)
)
_KNOWN = frozenset(QUALIFIERS)


def normalise(qualifier: str) -> str:
    return " ".join(qualifier.lower().replace("_", " ").split())


def is_known(qualifier: str) -> bool:
    return normalise(qualifier) in _KNOWN


def family(qualifier: str | None) -> str:
    """The meaning class of a qualifier: two wordings of one class say the same thing.

    exact, lower, lower_strict, upper, upper_strict, approx, below_approx, or the magnitude
    itself ("tens of thousands"). Used to compare prose with a sheet: "at least" and "no
    fewer than" agree, "at least" and an exact figure do not.
    """
    q = normalise(qualifier) if qualifier else ""
    if not q or q in EXACT:
        return "exact"
    if q in MAGNITUDES:
        return q
    for name, words in (("lower", LOWER), ("lower_strict", LOWER_STRICT), ("upper", UPPER),
                        ("upper_strict", UPPER_STRICT), ("below_approx", BELOW_APPROX),
                        ("approx", APPROX)):
        if q in words:
            return name
    raise ValueError(f"unknown qualifier {qualifier!r}")


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
    kind = family(q)
    if kind == "exact":
        return v, v
    if kind == "lower":
        return v, INF
    if kind == "lower_strict":
        return v + 1, INF
    if kind == "upper":
        return 0.0, v
    if kind == "upper_strict":
        return 0.0, max(v - 1, 0.0)
    lo = float(math.ceil(v * (1 - approximate) - 1e-9))
    hi = v if kind == "below_approx" else float(math.floor(v * (1 + approximate) + 1e-9))
    return max(lo, 0.0), hi


def describe(lo: float, hi: float, qualifier: str | None = None, value: float | None = None) -> str:
    """Short human text: '3889', 'at least 871', 'tens of thousands', '270 to 330'."""
    q = normalise(qualifier) if qualifier else ""
    if q in MAGNITUDES:
        return q
    if q and value is not None and q not in EXACT:
        return f"{q} {fmt(value)}"
    if lo == hi:
        return fmt(lo)
    if hi == INF:
        return f"at least {fmt(lo)}"
    if lo == -INF:
        return f"at most {fmt(hi)}"
    return f"{fmt(lo)} to {fmt(hi)}"


def fmt(x: float) -> str:
    if x == INF:
        return "∞"
    if x == -INF:
        return "-∞"
    if float(x).is_integer():
        return str(int(x))
    return f"{x:g}"


# --- round figures ---------------------------------------------------------------------------

ROUNDED = ("exact", "implied")  # settings.rounded / a figure's rounded: the default is exact
MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
WRITTEN = re.compile(
    r"\s*([0-9][0-9,'\u00a0\u202f\u2009 ]*)(\.([0-9]+))?\s*(thousand|million|billion)?\s*\Z",
    re.IGNORECASE,
)


def rounding_step(value: float, written: str | None = None) -> float:
    """The unit a count is rounded to, as its digits state: 23,000 -> 1,000, 1,500 -> 100,
    3,889 -> 1 (exact), "1.5 million" -> 100,000, "20 thousand" -> 10,000. From `written`
    (the text as published) when it is given and readable, else from the value's trailing
    zeros; 0 states no precision (1), and "1.50 million" states 10,000."""
    match = WRITTEN.match(written) if written else None
    if match:
        whole = re.sub(r"[^0-9]", "", match.group(1))
        decimals = match.group(3) or ""
        scale = MULTIPLIERS.get((match.group(4) or "").lower(), 1.0)
        if decimals:  # "1.5 million": the last written decimal is the unit
            return max(scale / 10 ** len(decimals), 1.0)
        return max(scale * _zeros_unit(int(whole or "0")), 1.0)
    if not float(value).is_integer():
        return 1.0
    return _zeros_unit(int(value))


def _zeros_unit(v: int) -> float:
    if v == 0:
        return 1.0
    step = 1
    while v % (step * 10) == 0:
        step *= 10
    return float(step)


def rounded(value: float, lo: float, hi: float, written: str | None = None) -> tuple[float, float]:
    """[lo, hi] widened by the precision `value`'s digits state (never below 0)."""
    half = rounding_step(value, written) / 2
    if half < 1:
        return lo, hi
    return max(min(lo, value - half), 0.0), max(hi, value + half)
