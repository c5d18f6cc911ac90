"""Sentences for the records of core/reasons.py: the one place findings and notes are worded.

Every format (text, JSON `message`, GitHub annotations, SARIF, JUnit, HTML) shows the same
words, because they all come from `words(record)`. A record type without words here is a
bug, and `words` says so rather than printing a Python repr.
"""

from __future__ import annotations

from functools import singledispatch

from missingstats.core import reasons as r
from missingstats.core.findings import Value
from missingstats.render.values import describe, number_text, row_text, signed_text


@singledispatch
def words(record: object) -> str:
    if isinstance(record, str):
        return record
    raise TypeError(f"no words for {type(record).__name__}")


@words.register
def _(x: r.NotReported) -> str:
    return f"not evaluable: {', '.join(x.names)} not reported"


@words.register
def _(x: r.NotAvailable) -> str:
    if not x.names:
        return "not evaluable: a count is not available"
    return f"not evaluable: {', '.join(x.names)} not available"


@words.register
def _(x: r.DivisionByZero) -> str:
    return f"division by zero: {x.divisor} is 0, so the rule cannot be decided for these figures"


@words.register
def _(x: r.SameCell) -> str:
    return f"same coordinates as {row_text(x.first)}"


@words.register
def _(x: r.UnknownCode) -> str:
    where = x.source if x.source != "inline" else "the spec"
    return f"{x.code!r} is not a code of {x.dimension} ({where} lists {x.declared} codes)"


@words.register
def _(x: r.Confidential) -> str:
    if not x.names:
        return "not evaluable: a cell is confidential"
    return f"not evaluable: {', '.join(x.names)} {'is' if len(x.names) == 1 else 'are'} confidential"


@words.register
def _(x: r.Flagged) -> str:
    cells = ", ".join(f"{name} ({flag})" for name, flag in x.cells) or "a flagged cell"
    return (f"reported as {x.level}: the failure involves estimated or provisional values: "
            f"{cells}")


@words.register
def _(x: r.WithinRounding) -> str:
    if not x.example:
        return "holds only within the rounding of the published values"
    at = ", ".join(f"{k}={v}" for k, v in x.example)
    many = "instance holds" if x.count == 1 else "instances hold"
    return (f"{x.rule}: {x.count:,} {many} only within the rounding of the published values "
            f"(half a rounding unit per cell), e.g. at {at}")


@words.register
def _(x: r.CodeNotPublished) -> str:
    return (f"rule {x.rule!r} names {x.dimension}={x.code}, a declared code that table "
            f"{x.table!r} does not publish: its instances there are not evaluable")


@words.register
def _(x: r.NoRow) -> str:
    return "this combination of codes has no row"


@words.register
def _(x: r.MissingAs) -> str:
    names = ", ".join(x.names)
    if x.policy == "zero":
        return f"{names} not reported, counted as 0 (missing: zero)"
    return f"{names} not reported, which this rule counts as a failure (missing: fail)"


# --- undetermined ----------------------------------------------------------------------------


def _range(a: float, b: float, lo: float, hi: float) -> str:
    if a == b:
        return f"exactly {number_text(a)}"
    if a <= lo and b >= hi:
        return "anywhere in its bounds"
    if a <= lo:
        return f"at most {number_text(b)}"
    if b >= hi:
        return f"at least {number_text(a)}"
    return f"between {number_text(a)} and {number_text(b)}"


VERB = {"pass": "holds", "fail": "fails"}


def split_words(s: r.Split) -> str:
    """'holds if detained.total (at least 871) is at most 3,889; fails above'."""
    lo, hi = s.value.lo, s.value.hi
    label = f"{s.name} ({describe(s.value)})"
    parts = s.pieces
    if len(parts) == 2 and "undetermined" not in (parts[0].status, parts[1].status):
        return (f"{VERB[parts[0].status]} if {label} is {_range(parts[0].lo, parts[0].hi, lo, hi)}; "
                f"{VERB[parts[1].status]} above")
    if len(parts) == 3 and parts[0].status == parts[2].status != "undetermined" != parts[1].status:
        mid = parts[1]
        return (f"{VERB[mid.status]} only if {label} is {_range(mid.lo, mid.hi, lo, hi)}; "
                f"{VERB[parts[0].status]} otherwise")
    phrases = []
    for p in parts:
        rng = _range(p.lo, p.hi, lo, hi)
        if p.status == "undetermined":
            who = ", ".join(s.others) if s.others else "the other bounds"
            phrases.append(f"depends on {who} if it is {rng}")
        else:
            phrases.append(f"{VERB[p.status]} if it is {rng}")
    return f"{label}: " + "; ".join(phrases)


@words.register
def _(x: r.Decides) -> str:
    if x.splits:
        return "; ".join(split_words(s) for s in x.splits)
    if x.within_bounds:
        return "depends on where the true values lie within the bounds of " + ", ".join(
            name for name, _ in x.joint)
    labels = ", ".join(f"{n} ({describe(v)})" if v is not None else n for n, v in x.joint)
    return f"depends jointly on where the true values lie for {labels}"


@words.register
def _(x: r.DependsOnRounding) -> str:
    stated = ", ".join(f"{n} {number_text(v.stated) if v.stated is not None else describe(v)}"
                       for n, v in x.figures)
    implied = "; ".join(f"{number_text(v.stated) if v.stated is not None else n} stands for "
                        f"{number_text(v.lo)} to {number_text(v.hi)}" for n, v in x.figures)
    verb = VERB.get(x.as_written, x.as_written)
    out = (f"depends on the precision implied by rounding ({implied}); taken as written "
           f"({stated}) it {verb}")
    return f"{out}; {words(x.decides)}" if x.decides is not None else out


# --- series ------------------------------------------------------------------------------


@words.register
def _(x: r.Fell) -> str:
    change = f" ({signed_text(x.change)})" if x.change is not None else ""
    return f"{x.name} fell from {describe(x.before)} to {describe(x.after)}{change}"


@words.register
def _(x: r.ChangedTooMuch) -> str:
    limits = ([number_text(x.absolute)] if x.absolute is not None else []) + (
        [f"{x.relative * 100:g}%"] if x.relative is not None else [])
    relative = ""
    if x.before.is_exact and x.before.lo:
        relative = f", {signed_text(round(100 * x.change / abs(x.before.lo), 1))}%"
    verb = "rose" if x.change > 0 else "fell"
    return (f"{x.name} {verb} from {describe(x.before)} to {describe(x.after)} "
            f"({signed_text(x.change)}{relative}), more than the plausible change of "
            f"{' or '.join(limits)}")


def _flow(f: r.Flow) -> str:
    if f.value is None:
        return f"{f.name} not reported"
    if f.value.is_exact:
        return f"{signed_text(f.sign * f.value.lo)} {f.name}"
    sign = "+" if f.sign > 0 else "-"
    return f"{sign}({number_text(f.value.lo)} to {number_text(f.value.hi)}) {f.name}"


@words.register
def _(x: r.StockGap) -> str:
    before = describe(x.before)
    terms = " ".join(_flow(f) for f in x.flows)
    return (f"{x.name} went from {before} to {describe(x.after)}, but its flows give "
            f"{describe(x.expected)} ({before} {terms})")


@words.register
def _(x: r.Explained) -> str:
    return (f"explained by the revision recorded in the {x.edition} edition ({x.why}): "
            f"{words(x.failure)}")


# --- shares ------------------------------------------------------------------------------


def _percent(lo: float, hi: float, decimals: int) -> str:
    if lo == hi:
        return f"{lo:.{decimals}f}"
    return f"{lo:.{decimals}f} to {hi:.{decimals}f}"


@words.register
def _(x: r.ShareMismatch) -> str:
    counts = (f"{number_text(x.counts[0])} / {number_text(x.counts[1])}"
              if x.counts is not None else "the counts")
    return (f"{x.percent} says {x.stated} per cent, but {' + '.join(x.parts)} / {x.whole} = "
            f"{counts} = {_percent(*x.share, x.decimals)} per cent")


@words.register
def _(x: r.SharesCannotSum) -> str:
    return (f"the shares {' + '.join(x.written)} per cent cannot add to {x.total:g}: with their "
            f"rounding their sum is {'more than' if x.lo_open else 'at least'} {number_text(x.lo)} "
            f"and {'less than' if x.hi_open else 'at most'} {number_text(x.hi)}")


# --- prose ----------------------------------------------------------------------------------


@words.register
def _(x: r.QuoteNotFound) -> str:
    where = ""
    if x.closest_line is not None:
        where = f"; the closest passage is at line {x.closest_line}: \"{x.snippet}...\""
    return f"the quote of {x.figure} is not in {x.text_file}{where}"


@words.register
def _(x: r.QuoteWithoutCount) -> str:
    return (f"the quote of {x.figure} is in {x.text_file} but holds no count that could be "
            f"{describe(x.value)}")


@words.register
def _(x: r.QuoteDiffers) -> str:
    return (f"the quote of {x.figure} differs from the text at line {x.line}: \"{x.snippet}...\" "
            "(the number agrees)")


@words.register
def _(x: r.TextDiffers) -> str:
    problems = [p for p, differs in (("value", x.value_differs), ("qualifier", x.qualifier_differs))
                if differs]
    exact = " (exact)" if x.value.is_exact and x.qualifier_differs else ""
    verb = "differs" if len(problems) == 1 else "differ"
    return (f"the text says \"{x.said}\" where the sheet has {describe(x.value)}{exact}: "
            f"{' and '.join(problems)} {verb}")


@words.register
def _(x: r.CountDisagrees) -> str:
    recorded = "; ".join(f"{n} = {describe(v)}" for n, v in x.recorded)
    return f"the text says \"{x.said}\" ({x.what}) but the sheet records {recorded}"


@words.register
def _(x: r.CountUnrecorded) -> str:
    return f"no figure holds \"{x.said}\": add the figure, or check the quote of {x.quoted_by}"


# --- headings: what is wrong, said where a failing finding is named ---------------------------


@singledispatch
def heading(record: object, subject: str) -> str | None:
    """What a failing finding gets wrong, in a few words, for its heading (the report's
    `heading`); None keeps the expression as the heading. `subject` names the finding's
    first figure."""
    return None


@heading.register
def _(x: r.TextDiffers, subject: str) -> str:
    exact = " (exact)" if x.value.is_exact and x.qualifier_differs else ""
    return f"{subject}: the text says {x.said}, the sheet {describe(x.value)}{exact}"


@heading.register
def _(x: r.QuoteNotFound, subject: str) -> str:
    return f"{x.figure}: its quote is not in {x.text_file}"


@heading.register
def _(x: r.QuoteWithoutCount, subject: str) -> str:
    return f"{x.figure}: its quote holds no count that could be {describe(x.value)}"


@heading.register
def _(x: r.QuoteDiffers, subject: str) -> str:
    return f"{x.figure}: its quote differs from the text at line {x.line}"


@heading.register
def _(x: r.CountDisagrees, subject: str) -> str:
    recorded = "; ".join(f"{n} = {describe(v)}" for n, v in x.recorded)
    return f"the text says {x.said} ({x.what}), the sheet {recorded}"


@heading.register
def _(x: r.CountUnrecorded, subject: str) -> str:
    return f"the text says {x.said} ({x.what}) in the quote of {x.quoted_by}; no figure holds it"


# --- notes -----------------------------------------------------------------------------------


@words.register
def _(x: r.TextNotFound) -> str:
    return (f"the sheet's text {x.text!r} was not found beside it; prose not checked "
            "(give --text PATH)")


@words.register
def _(x: r.TextLineElsewhere) -> str:
    return (f"{x.figure}: text_line is {x.text_line} but the number is on line {x.line} of "
            f"{x.text_file}")


@words.register
def _(x: r.RevisionApplied) -> str:
    return (f"{x.rule}: {words(x.failure)} ({x.before} -> {x.after}); explained by a revision: "
            f"{x.why}")


@words.register
def _(x: r.RevisionUnused) -> str:
    reach = f"from {x.since}" if x.since else "from the edition before"
    return (f"the revision of {x.name} recorded in the {x.edition} edition explains no failing "
            f"step of the series rules (it covers comparisons {reach} on)")


@words.register
def _(x: r.NewInRevision) -> str:
    if x.editions_file:
        return f"not in {x.against} (new since): nothing to compare against"
    return f"not in {x.against} (new since): there is no older version to compare against"


@words.register
def _(x: r.OlderUnreadable) -> str:
    return f"the older version ({x.label}) cannot be read, so it was not compared: {x.error}"


@words.register
def _(x: r.SameEdition) -> str:
    return (f"both versions are the edition as of {x.as_of}: the changes are corrections of that "
            "edition, so the series rules were not applied")


@words.register
def _(x: r.EditionChange) -> str:
    verb = "is new" if x.added else "is no longer in the file"
    return f"edition {x.edition} {verb} since {x.since} ({x.figures} figures)"


def change_text(status: str, change: float | None, relative: float | None, unit: str) -> str:
    """'-18, -1.7%' for a changed figure; 'added', 'removed', 'bounds changed' otherwise."""
    if status != "changed":
        return status
    if change is None:
        return "bounds changed"
    points = " points" if unit == "percent" else ""
    rel = "" if relative is None else f", {signed_text(round(100 * relative, 1))}%"
    return f"{signed_text(change)}{points}{rel}"


def _maybe(v: Value | None) -> str | None:
    return describe(v) if v is not None else None


@words.register
def _(x: r.FigureChange) -> str:
    prefix = f"edition {x.edition}: " if x.edition else ""
    old, new = _maybe(x.old), _maybe(x.new)
    if x.status == "changed":
        unit = x.new.unit if x.new is not None else "count"
        return (f"{prefix}{x.name}: {old} -> {new} "
                f"({change_text('changed', x.change, x.relative, unit)}) since {x.since}")
    if x.status == "added":
        return f"{prefix}{x.name} ({new}) is new since {x.since}"
    return f"{prefix}{x.name} (was {old}) is no longer reported since {x.since}"


@words.register
def _(x: r.FlagMismatch) -> str:
    return f"{x.flag} applies to figure sheets, not to this {x.kind} file"
