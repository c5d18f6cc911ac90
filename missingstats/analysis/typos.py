"""Values a typing error explains: what the figure probably was before a slip of the keys.

Given a reported value, list the values whose mistyping gives it, most plausible slip
first (the ranking follows what studies of keying errors and everyday editing find most
often; error localisation then keeps only the ones that make every rule hold):

    1 swap      two adjacent digits swapped          604 typed as 640
    2 dropped   a digit left out                     3889 typed as 389 (a repeated digit
                                                     left out ranks first: 3889 -> 389)
    3 doubled   a digit typed twice                  604 typed as 6004
    4 mistyped  one digit replaced                   604 typed as 605 (a neighbouring key
                                                     on the numeric keypad ranks first)
    5 sign      the sign flipped                     -12 typed as 12
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KIND_RANK = {"swap": 1, "dropped": 2, "doubled": 3, "mistyped": 4, "sign": 5}
# Numeric keypad: 7 8 9 / 4 5 6 / 1 2 3 / 0 (0 sits under 1 and 2).
_PAD = {"7": (0, 0), "8": (0, 1), "9": (0, 2), "4": (1, 0), "5": (1, 1), "6": (1, 2),
        "1": (2, 0), "2": (2, 1), "3": (2, 2), "0": (3, 0.5)}
PLAIN = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
MAX_DIGITS = 15


@dataclass(frozen=True)
class Typo:
    """A value the reported one may have been meant to be, and the slip that explains it
    (render/explain.py words it: "two adjacent digits swapped: 604 typed as 640")."""

    value: float
    kind: str
    rank: tuple[int, int, float]  # (kind, within kind: 0 more likely, |value - reported|)


def digits(value: float) -> str:
    """The digits a value is typed with: 3889, -12, 12.5 (no separators: slips are of keys)."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _number(text: str) -> float | None:
    if not PLAIN.match(text):
        return None
    body = text.lstrip("-")
    whole = body.split(".")[0]
    if len(whole) > 1 and whole.startswith("0"):
        return None  # leading zero: not a way anyone writes a count
    return float(text)


def _adjacent_keys(a: str, b: str) -> bool:
    (r1, c1), (r2, c2) = _PAD[a], _PAD[b]
    return abs(r1 - r2) <= 1 and abs(c1 - c2) <= 1


def candidates(value: float, integer: bool = True) -> list[Typo]:
    """Every value one typing slip turns into `value`, most plausible first."""
    text = digits(value)
    if not PLAIN.match(text) or len(text) > MAX_DIGITS or integer and not float(value).is_integer():
        return []
    sign = "-" if text.startswith("-") else ""
    body = text[len(sign):]
    places = [i for i, ch in enumerate(body) if ch.isdigit()]
    found: dict[float, Typo] = {}

    def add(new_body: str, kind: str, within: int) -> None:
        v = _number(sign + new_body)
        if v is None or v == value or (integer and not float(v).is_integer()):
            return
        typo = Typo(v, kind, (KIND_RANK[kind], within, abs(v - value)))
        if v not in found or typo.rank < found[v].rank:
            found[v] = typo

    chars = list(body)
    # The reported text is the slip; each candidate is the text before the slip.
    for a, b in zip(places, places[1:]):
        if b == a + 1 and chars[a] != chars[b]:
            swapped = chars.copy()
            swapped[a], swapped[b] = chars[b], chars[a]
            add("".join(swapped), "swap", 0)
    for pos in range(len(body) + 1):
        for d in "0123456789":
            new = body[:pos] + d + body[pos:]
            repeated = (pos > 0 and body[pos - 1] == d) or (pos < len(body) and body[pos] == d)
            add(new, "dropped", 0 if repeated else 1)
    for a, b in zip(places, places[1:]):
        if b == a + 1 and chars[a] == chars[b]:
            add(body[:a] + body[b:], "doubled", 0)
    for i in places:
        for d in "0123456789":
            if d != chars[i]:
                new = body[:i] + d + body[i + 1:]
                add(new, "mistyped", 0 if _adjacent_keys(chars[i], d) else 1)
    if value != 0:
        flipped = -value
        typo = Typo(flipped, "sign", (KIND_RANK["sign"], 0, abs(2 * value)))
        found.setdefault(flipped, typo)
    return sorted(found.values(), key=lambda t: t.rank)
