"""Input errors that carry their location, so every bad input becomes one located message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a figure or a problem lives: 1-based line and column, as editors count."""

    file: str
    line: int | None = None
    column: int | None = None
    cell: str | None = None  # a spreadsheet cell, "Sheet!C7"
    page: int | None = None  # a page of a PDF document

    def __str__(self) -> str:
        if self.cell is not None and self.cell.startswith("/"):
            return f"{self.file}#{self.cell}"  # a JSON Pointer into the file
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def as_dict(self) -> dict:
        out: dict = {"file": self.file}
        if self.line is not None:
            out["line"] = self.line
        if self.column is not None:
            out["column"] = self.column
        if self.cell is not None:
            out["cell"] = self.cell
        if self.page is not None:
            out["page"] = self.page
        return out


class InputError(Exception):
    """Bad input (data, rules, usage): reported as one line and exit code 2, never a traceback."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


def suggest(name: str, candidates) -> str:
    """'; did you mean 'civilians'?' for a close candidate, else ''."""
    import difflib

    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
