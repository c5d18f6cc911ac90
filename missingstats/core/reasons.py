"""Why an instance is not a plain pass, as data: the closed vocabulary of findings and notes.

Evaluators attach one of these records to a Finding (`reason`, `decides`) or a Note; the
renderers word them (render/wording.py), so every format says the same thing the same way
and no evaluator builds a sentence. A record holds names, values and locations only.
"""

from __future__ import annotations

from dataclasses import dataclass

from missingstats.core.errors import Location
from missingstats.core.findings import Value

# --- cells that are absent or not available (tables, groups) -------------------------------


@dataclass(frozen=True, slots=True)
class NotReported:
    """Cells the instance needs are absent from the table (or the figures from the sheet)."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NotAvailable:
    """Cells are present but hold no count (a suppression mark, an empty value)."""

    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SameCell:
    """A duplicate cell: the coordinates of an earlier row."""

    first: Location


@dataclass(frozen=True, slots=True)
class UnknownCode:
    """A code outside its dimension's code list."""

    code: str
    dimension: str
    source: str  # the code list's file, or "inline" for codes listed in the spec
    declared: int


@dataclass(frozen=True, slots=True)
class Confidential:
    """Cells the publisher marks confidential: the instance cannot be evaluated."""

    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Flagged:
    """A failure that involves estimated or provisional cells, reported at `level`."""

    cells: tuple[tuple[str, str], ...]  # (cell, its flag)
    level: str


@dataclass(frozen=True, slots=True)
class WithinRounding:
    """Instances of a rule that hold only within the rounding of the published values."""

    rule: str
    count: int
    example: tuple[tuple[str, str], ...]  # the coordinates of one of them


@dataclass(frozen=True, slots=True)
class CodeNotPublished:
    """A rule names a declared code that a table does not publish: not evaluable there."""

    rule: str
    dimension: str
    code: str
    table: str


@dataclass(frozen=True, slots=True)
class NoRow:
    """A combination of codes that a complete table should have, and has no row for."""


@dataclass(frozen=True, slots=True)
class DivisionByZero:
    """A rule divides by a figure (or an expression of figures) that is 0 here, so its
    verdict is undefined. Reported as *undetermined*, not as "not reported" (every figure
    is there) and never as a pass: the figures cannot decide the rule (0 / 0 may be a
    consistent pair of zeros), so it fails only under --strict, like other open verdicts."""

    divisor: str  # the divisor as written in the rule (canonical text)


@dataclass(frozen=True, slots=True)
class MissingAs:
    """Figures or cells not reported that the rule's `missing:` counts as 0 or as a failure."""

    names: tuple[str, ...]
    policy: str  # "zero" or "fail"


# --- undetermined verdicts of bounded figures ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of one loose figure's interval where the check holds, fails or stays open."""

    lo: float
    hi: float
    status: str  # "pass", "fail" or "undetermined"


@dataclass(frozen=True, slots=True)
class Split:
    """How one loose figure decides an undetermined instance."""

    name: str
    value: Value
    pieces: tuple[Piece, ...]
    others: tuple[str, ...]  # the other loose figures


@dataclass(frozen=True, slots=True)
class Decides:
    """Which bound would decide an undetermined instance. With no `splits`, no single figure
    does: it depends jointly on `joint` (figure names with their values)."""

    splits: tuple[Split, ...] = ()
    joint: tuple[tuple[str, Value | None], ...] = ()
    within_bounds: bool = False  # say "within the bounds of" (series) rather than "for"


@dataclass(frozen=True, slots=True)
class DependsOnRounding:
    """A verdict that the precision implied by round figures decides: taken as written (the
    stated values as exact), the instance would be `as_written` ("pass" or "fail")."""

    figures: tuple[tuple[str, Value], ...]  # the round figures, with their implied bounds
    as_written: str
    decides: Decides | None = None  # which bound decides it, when one does


# --- series of editions --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fell:
    """A cumulative count that fell between two editions."""

    name: str
    before: Value
    after: Value
    change: float | None  # exact change, when both are exact


@dataclass(frozen=True, slots=True)
class ChangedTooMuch:
    """A change between editions beyond every plausible limit."""

    name: str
    before: Value
    after: Value
    change: float
    absolute: float | None
    relative: float | None


@dataclass(frozen=True, slots=True)
class Flow:
    name: str
    sign: int  # +1 inflow, -1 outflow
    value: Value | None  # None: not reported


@dataclass(frozen=True, slots=True)
class StockGap:
    """A stock whose change disagrees with its flows."""

    name: str
    before: Value
    after: Value
    expected: Value
    flows: tuple[Flow, ...]


@dataclass(frozen=True, slots=True)
class Explained:
    """A failing step that a recorded revision explains (so it passes)."""

    edition: str
    why: str
    failure: object  # the reason it would have failed


# --- shares ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShareMismatch:
    """A stated percentage that its counts do not give."""

    percent: str
    stated: str  # the percentage as written ("over 49")
    parts: tuple[str, ...]
    whole: str
    counts: tuple[float, float] | None  # (part, whole) when both are exact
    share: tuple[float, float]  # what the counts give, in per cent
    decimals: int


@dataclass(frozen=True, slots=True)
class SharesCannotSum:
    """Shares of one whole whose rounding intervals cannot add up to the total."""

    written: tuple[str, ...]
    total: float
    lo: float
    hi: float
    lo_open: bool
    hi_open: bool


# --- prose against a sheet -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuoteNotFound:
    figure: str
    text_file: str
    closest_line: int | str | None = None  # a line, or page:line in a paged document
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class QuoteWithoutCount:
    figure: str
    text_file: str
    value: Value


@dataclass(frozen=True, slots=True)
class QuoteDiffers:
    """The quote is only approximately in the text (its number agrees)."""

    figure: str
    line: int | str  # a line, or page:line in a paged document
    snippet: str


@dataclass(frozen=True, slots=True)
class TextDiffers:
    """The text's number for a quoted figure has another value or qualifier."""

    said: str
    value: Value
    value_differs: bool
    qualifier_differs: bool


@dataclass(frozen=True, slots=True)
class CountDisagrees:
    """A count in the text that no figure recorded under its context agrees with."""

    said: str
    what: str
    recorded: tuple[tuple[str, Value], ...]


@dataclass(frozen=True, slots=True)
class CountUnrecorded:
    """A count stated inside a figure's quote that no figure of the sheet holds (a figure
    deleted from the sheet, or one never typed in)."""

    said: str
    what: str
    quoted_by: str  # the figure whose quote states it


# --- notes of evaluation ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextNotFound:
    """The sheet names a text (`text:`) that is not beside it."""

    text: str


@dataclass(frozen=True, slots=True)
class TextLineElsewhere:
    figure: str
    text_line: int | str  # as the sheet gives it: a line, or page:line
    line: int | str
    text_file: str


@dataclass(frozen=True, slots=True)
class RevisionApplied:
    rule: str
    failure: object
    before: str
    after: str
    why: str


@dataclass(frozen=True, slots=True)
class RevisionUnused:
    name: str
    edition: str
    since: str | None


@dataclass(frozen=True, slots=True)
class NewInRevision:
    against: str
    editions_file: bool = False


@dataclass(frozen=True, slots=True)
class OlderUnreadable:
    label: str
    error: str


@dataclass(frozen=True, slots=True)
class SameEdition:
    as_of: str


@dataclass(frozen=True, slots=True)
class EditionChange:
    """An edition of an editions file that is new, or gone, since the older version."""

    edition: str
    added: bool
    figures: int
    since: str


@dataclass(frozen=True, slots=True)
class FigureChange:
    """A figure that changed, is new or is gone since the older version."""

    name: str
    status: str  # changed | added | removed
    old: Value | None
    new: Value | None
    change: float | None
    relative: float | None
    since: str
    edition: str | None = None


@dataclass(frozen=True, slots=True)
class FlagMismatch:
    """A sheet-only option given for another kind of file."""

    flag: str
    kind: str
