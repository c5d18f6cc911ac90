"""The findings contract: what every rule kind answers, on every input.

A rule is evaluated into *instances* (one per figure pair, table cell, group, edition step,
quoted figure ...). Each instance the report lists is a `Finding`: the rule, one `Status`,
the figures or cells involved with their values and locations, the two sides and their
difference, and why (a typed `reason`, see reasons.py). Exact per-rule counts are a `Tally`,
so a report can list only some findings without lying about how many there are.

Findings hold numbers and names, never sentences: renderers word them (render/wording.py)
and format values and locations (render/values.py), the same way in every format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from missingstats.core.errors import Location

INF = math.inf


class Status(StrEnum):
    """An instance's verdict. `NOT_EVALUABLE` is written "missing" in the JSON report (v1)."""

    PASS = "pass"
    FAIL = "fail"
    UNDETERMINED = "undetermined"
    NOT_EVALUABLE = "missing"

    @property
    def counter(self) -> str:
        """The Tally field that counts this status."""
        return _COUNTER[self]


_COUNTER = {Status.PASS: "passed", Status.FAIL: "failed", Status.UNDETERMINED: "undetermined",
            Status.NOT_EVALUABLE: "missing"}
LISTED_ORDER = (Status.FAIL, Status.UNDETERMINED, Status.NOT_EVALUABLE)
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Value:
    """A figure's value: exact when lo == hi, else the interval its bounds allow.

    `qualifier` and `stated` keep how it was written ("at least" 871), so a report can say
    it the way the source did; `unit` is "count" or "percent"; `written` is the text as the
    source wrote it where its digits matter (a percentage's "47.40" states its rounding)."""

    lo: float
    hi: float
    qualifier: str | None = None
    stated: float | None = None
    unit: str = "count"
    written: str | None = None

    @classmethod
    def exact(cls, x: float, unit: str = "count") -> Value:
        return cls(float(x), float(x), unit=unit)

    @classmethod
    def of(cls, lo: Any, hi: Any = None, qualifier: Any = None, stated: Any = None,
           unit: str = "count") -> Value | None:
        """From loose inputs (frame cells, NaN for not reported); None when not reported."""
        lo = _float(lo)
        hi = lo if hi is None else _float(hi)
        if lo is None or hi is None:
            return None
        q = qualifier if isinstance(qualifier, str) and qualifier else None
        return cls(lo, hi, q, _float(stated), unit)

    @property
    def is_exact(self) -> bool:
        return self.lo == self.hi


def _float(x: Any) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


FigureValue = Value | str | None  # a number (or bounds), a code or text, or not reported


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure or table cell taking part in an instance.

    `listed` is False for a place shown only for where it is (a group's first row), not
    for its value."""

    name: str
    value: FigureValue = None
    location: Location | None = None
    listed: bool = True
    flag: str | None = None  # the publisher's flag of a table cell ("e", "p", "c")


@dataclass(frozen=True, slots=True)
class Relation:
    """How the figures of an instance compare, for the part-whole picture of a report.

    A part-whole relation names its `parts` and its `whole` (figure names of the finding),
    oriented so that `sum(parts) <compare> whole`: `a + b <= t` and `t >= a + b` are both
    parts (a, b), whole t, compare "<=". Without a whole it is a single comparison of the
    finding's two sides (`lhs <compare> rhs`), drawn as one side against the other. The
    kind that builds a finding knows its relation (the parsed check, the hierarchy's total
    and parts); renderers never parse expressions to find it."""

    compare: str
    parts: tuple[str, ...] = ()
    whole: str | None = None

    @property
    def part_whole(self) -> bool:
        return self.whole is not None


@dataclass(slots=True)
class Finding:
    """One evaluated rule instance, as every renderer reads it."""

    rule: str
    severity: str
    status: Status
    file: str
    expression: str
    figures: tuple[Figure, ...] = ()
    lhs: Value | None = None
    rhs: Value | None = None
    difference: float | None = None
    coordinates: dict[str, str] | None = None
    message: str | None = None  # the rule's own words (its `message:`), when it has them
    reason: Any = None  # a reasons.* record: why, in data; worded by the renderers
    decides: Any = None  # for undetermined verdicts: a reasons.Decides record
    primary: str | None = None  # the figure a report points at first (default: the first located)
    relation: Relation | None = None  # parts and whole, for pictures (None: not a comparison)


@dataclass(slots=True)
class Counts:
    """Exact counts of instances by status."""

    checked: int = 0
    passed: int = 0
    failed: int = 0
    undetermined: int = 0
    missing: int = 0
    flagged: int = 0  # of the failures: reported at warning level (estimated/provisional cells)

    def count(self, status: Status, n: int = 1) -> None:
        self.checked += n
        setattr(self, status.counter, getattr(self, status.counter) + n)

    @classmethod
    def of_masks(cls, masks: dict[Status, Any]) -> Counts:
        """Counts from one boolean mask per status (numpy arrays of one length)."""
        out = cls()
        for status, mask in masks.items():
            out.count(status, int(mask.sum()))
        out.checked = len(next(iter(masks.values()))) if masks else 0
        return out

    def add(self, other: Counts) -> None:
        for key in ("checked", "passed", "failed", "undetermined", "missing", "flagged"):
            setattr(self, key, getattr(self, key) + getattr(other, key))

    @property
    def status(self) -> Status:
        """The rule's verdict: any failure fails it; not evaluable only if nothing was."""
        if self.failed:
            return Status.FAIL
        if self.undetermined:
            return Status.UNDETERMINED
        if self.missing and not self.passed:
            return Status.NOT_EVALUABLE
        return Status.PASS


@dataclass(slots=True)
class Tally:
    """Exact counts of one rule in one file, however many findings are listed."""

    file: str
    rule: str
    severity: str
    description: str = ""
    counts: Counts = field(default_factory=Counts)


@dataclass(slots=True)
class Outcome:
    """What evaluating one rule (or one plan of it) gives: exact counts, listed findings."""

    counts: Counts = field(default_factory=Counts)
    findings: list[Finding] = field(default_factory=list)
    failing: list[Any] = field(default_factory=list)  # tables: every failing instance, as arrays
    notes: list[Any] = field(default_factory=list)  # results.Note records for the report

    def add(self, other: Outcome) -> None:
        self.counts.add(other.counts)
        self.findings.extend(other.findings)
        self.failing.extend(other.failing)
        self.notes.extend(other.notes)
