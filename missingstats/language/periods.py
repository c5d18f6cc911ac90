"""Time periods as statistical offices write them (SDMX, Eurostat, JSON-stat), as day ranges.

    2020  2020-A1          a year               2020-S1  2020S1    a half-year
    2020-Q1  2020Q1        a quarter            2020-T1            a third of a year
    2020-03  2020-M03  2020M03   a month       2020-W05  2020W05   an ISO week
    2020-03-15  2020-D075          a day       2020-01-01/2020-06-30   an explicit range

A period is the range of days it covers, (first day, last day) as proleptic Gregorian
ordinals, so periods of different frequencies compare: `2020-Q1` lies within `2020`, and an
edge `valid_from: 2020-03` is in force for `2020-Q2` but not for `2020-Q1`. Codes are parsed
once per distinct code, never per cell.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

YEAR = r"(?P<y>[0-9]{4})"
PATTERNS = [
    (re.compile(YEAR + r"(-A1)?\Z"), "A"),
    (re.compile(YEAR + r"-?S(?P<n>[12])\Z"), "S"),
    (re.compile(YEAR + r"-?Q(?P<n>[1-4])\Z"), "Q"),
    (re.compile(YEAR + r"-?T(?P<n>[1-3])\Z"), "T"),
    (re.compile(YEAR + r"-M?(?P<n>0[1-9]|1[0-2])\Z"), "M"),
    (re.compile(YEAR + r"M(?P<n>0[1-9]|1[0-2])\Z"), "M"),
    (re.compile(YEAR + r"-?W(?P<n>0[1-9]|[1-4][0-9]|5[0-3])\Z"), "W"),
    (re.compile(YEAR + r"-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12][0-9]|3[01])\Z"), "D"),
    (re.compile(YEAR + r"-D(?P<n>[0-9]{3})\Z"), "J"),
]
MONTHS = {"S": 6, "Q": 3, "T": 4, "M": 1}


def parse(text: str) -> tuple[int, int] | None:
    """(first day, last day) as ordinals, or None when `text` is not a period."""
    text = str(text).strip()
    if "/" in text:
        a, _, b = text.partition("/")
        first, last = parse(a), parse(b)
        if first is None or last is None or last[1] < first[0]:
            return None
        return first[0], last[1]
    for pattern, kind in PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return _range(kind, m)
            except ValueError:  # 2021-W53, 2021-02-30, day 366 of a common year
                return None
    return None


def _range(kind: str, m: re.Match) -> tuple[int, int]:
    y = int(m["y"])
    if kind == "A":
        return date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal()
    if kind in MONTHS:
        size = MONTHS[kind]
        start_month = (int(m["n"]) - 1) * size + 1
        first = date(y, start_month, 1)
        end_month = start_month + size
        last = date(y + (end_month > 12), (end_month - 1) % 12 + 1, 1) - timedelta(days=1)
        return first.toordinal(), last.toordinal()
    if kind == "W":
        first = date.fromisocalendar(y, int(m["n"]), 1)
        return first.toordinal(), first.toordinal() + 6
    if kind == "D":
        d = date(y, int(m["m"]), int(m["d"])).toordinal()
        return d, d
    n = int(m["n"])
    if not 1 <= n <= (366 if date(y, 12, 31).timetuple().tm_yday == 366 else 365):
        raise ValueError(n)
    d = date(y, 1, 1).toordinal() + n - 1
    return d, d


def within(period: tuple[int, int], start: tuple[int, int] | None,
           end: tuple[int, int] | None) -> bool:
    """Whether `period` lies wholly in [start's first day, end's last day] (open ends: None)."""
    if start is not None and period[0] < start[0]:
        return False
    return end is None or period[1] <= end[1]


def sort_key(text: str) -> tuple[int, int, str]:
    """Periods in time order (then by length: 2020 before 2020-Q1); other codes after."""
    got = parse(text)
    if got is None:
        return (1 << 40, 0, text)
    return (got[0], got[0] - got[1], text)
