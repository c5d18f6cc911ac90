"""Results are data: the findings of every rule, exact counts per rule, and side sections.

`findings` holds the instances a report lists (the non-passing ones, and the passes when a
caller keeps them: sheets do for --verbose; a 10-million-cell table does not). `tallies`
holds one exact count per (file, rule), so a report can cut the listed findings short
without lying about how many there are. Every output format renders these through
render/report.py; nothing here decides a verdict or words one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from missingstats.core.errors import Location
from missingstats.core.findings import Finding, Status, Tally

REPORT_VERSION = 1


@dataclass(frozen=True)
class Note:
    """Something a loader or an evaluator decided deliberately and the report should mention.

    `message` is a sentence (loaders word their own decisions, as they word input errors)
    or a reasons.* record that the renderers word."""

    location: Location
    message: Any


@dataclass(frozen=True)
class Hint:
    """The figures most likely wrong in a failing sheet: one analysis.localize result per
    independent failing part searched, and how many failing parts were not searched."""

    file: str
    localisations: tuple[Any, ...]
    unsearched: int = 0


@dataclass(frozen=True)
class ProseSummary:
    """What `check --text` read: quoted figures checked, counts found and matched."""

    file: str
    text_file: str
    quoted_figures: int
    counts_in_text: int
    counts_matched: int
    failed: int


@dataclass(frozen=True)
class Timeline:
    """One figure across the editions of a series, with the failing steps marked."""

    series: str
    figure: str
    file: str
    points: tuple[tuple[str, float | None], ...]
    breaks: tuple[str, ...]
    explained: tuple[str, ...]


@dataclass(frozen=True)
class ChangeTable:
    """A sheet (or editions file) against its older version (`check --against`)."""

    file: str
    older: str
    changes: tuple[Any, ...]  # analysis.changes.Change rows


@dataclass(frozen=True)
class Pattern:
    """Coordinates that many failing table instances share, across rules (one likely cause)."""

    file: str
    where: tuple[tuple[str, str], ...]  # (dimension, code), in the tables' dimension order
    failures: int
    rules: tuple[str, ...]


@dataclass(frozen=True)
class FileError:
    """An input that could not be checked: bad YAML, a bad figure or rule, a missing file.

    `file` is the input as given on the command line; `location` is where the problem is,
    which may be another file (the rules file or the text it names). The message is worded
    by the loader that found it, as every input error is. The run goes on with the other
    files, reports this one as an error of that file, and exits 2."""

    file: str
    location: Location | None
    message: str

    @property
    def where(self) -> Location:
        return self.location if self.location is not None else Location(self.file)


@dataclass
class Results:
    findings: list[Finding] = field(default_factory=list)
    tallies: list[Tally] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    prose: list[ProseSummary] = field(default_factory=list)
    timelines: list[Timeline] = field(default_factory=list)
    against: list[ChangeTable] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)
    failure_tables: list[Any] = field(default_factory=list)  # frames of every failing table
    # instance (pandas), kept only when asked (check --failures-out)
    errors: list[FileError] = field(default_factory=list)

    def extend(self, other: Results) -> None:
        """Add another part's findings, counts and sections (its files are the caller's)."""
        self.findings.extend(other.findings)
        self.tallies.extend(other.tallies)
        self.notes.extend(other.notes)
        self.hints.extend(other.hints)
        self.prose.extend(other.prose)
        self.timelines.extend(other.timelines)
        self.against.extend(other.against)
        self.patterns.extend(other.patterns)
        self.failure_tables.extend(other.failure_tables)
        self.errors.extend(other.errors)

    @classmethod
    def combine(cls, parts: list[Results]) -> Results:
        out = cls(files=[f for p in parts for f in p.files])
        for p in parts:
            out.extend(p)
        return out

    def merge_tallies(self) -> None:
        """One tally per (file, rule) after several partial evaluations of the same rule."""
        merged: dict[tuple[str, str], Tally] = {}
        for t in self.tallies:
            key = (t.file, t.rule)
            if key in merged:
                merged[key].counts.add(t.counts)
            else:
                merged[key] = Tally(t.file, t.rule, t.severity, t.description)
                merged[key].counts.add(t.counts)
        self.tallies = list(merged.values())

    def failing(self, strict: bool = False) -> bool:
        """Exit 1? Errors that fail; with --strict also warnings and undetermined verdicts."""
        for t in self.tallies:
            if strict and t.severity != "info" and (t.counts.failed or t.counts.undetermined):
                return True
            if t.severity == "error" and t.counts.failed - t.counts.flagged:
                return True
        return False

    def unchecked(self) -> list[str]:
        """The inputs that could not be checked (an input error each), in report order."""
        return list(dict.fromkeys(e.file for e in self.errors))

    def errors_failed(self) -> bool:
        return any(t.severity == "error" and t.counts.failed - t.counts.flagged
                   for t in self.tallies)

    def frame(self):
        """The listed findings as a pandas frame (one row per finding) for pandas users."""
        import pandas as pd

        rows = [{
            "file": f.file, "rule": f.rule, "severity": f.severity, "status": str(f.status),
            "expression": f.expression, "difference": f.difference,
            **{f"coordinate:{k}": v for k, v in (f.coordinates or {}).items()},
        } for f in self.findings]
        return pd.DataFrame(rows)

    def listed(self, file: str, rule: str, status: Status) -> list[Finding]:
        return [f for f in self.findings if f.file == file and f.rule == rule and f.status == status]
