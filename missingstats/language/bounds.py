"""Qualified figures ("at least 871", "some 300", "tens of thousands") as integer intervals.

Counts are whole numbers, so every interval is closed: "more than 871" is [872, inf) and
"fewer than 10" is [0, 9]. Approximate words widen the stated value by a tolerance (a
fraction, 0.1 unless the sheet's `settings: {approximate: ...}` or a figure's `tolerance:`
says otherwise) to the whole numbers inside: "about 300" is [270, 330], "about 15" [14, 16]. "Nearly",
"almost" and "close to" say the truth is at or below the stated value: "nearly 300" is
[270, 300] (300 itself is kept so a rounded "nearly" never makes a false failure).
Vague magnitudes map to the fixed intervals in MAGNITUDES (docs/sheets.md, "Bounded figures").
"""

from __future__ import annotations

import math

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
