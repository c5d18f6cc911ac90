"""Tables found inside a document (PDF, web page, Word file), for `extract --tables`.

A table is its rows of cell texts as the document shows them, and where it is (page, or
line of the extracted text). `columns` reads it for a table spec: the first row names the
columns; a column whose every filled cell is a count in the document's language ("1.204"
in Spanish, "1 204" in French) is a count column, written as plain digits in the CSV, and
the other columns hold codes (dimensions). Column names become simple words (accents
dropped; a name that has no letters left is column_N) so rules can use them. A column of
years ("2019", "2020") holds codes, not counts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from missingstats.inputs.documents.language import Profile

YEAR = re.compile(r"(?:1[6-9]|20)\d\d")
MISSING = {"", "-", "–", "—", "..", "...", "n/a", "na", "x", ":", "s/d", "n.d.", "nd"}


@dataclass
class Table:
    rows: list[list[str]]
    source: str
    page: int | None = None
    top: float = 0.0
    line: int | None = None  # of the extracted text, when there are no pages
    last_page: int | None = None

    def __post_init__(self) -> None:
        if self.last_page is None:
            self.last_page = self.page
        width = max((len(r) for r in self.rows), default=0)
        self.rows = [r + [""] * (width - len(r)) for r in self.rows]

    @property
    def where(self) -> str:
        if self.page is None:
            return f"line {self.line}" if self.line else "the document"
        if self.last_page != self.page:
            return f"pages {self.page}-{self.last_page}"
        return f"page {self.page}"


@dataclass
class Column:
    name: str  # a simple word for specs and rules
    header: str  # as the document writes it
    counts: bool  # every filled cell is a count
    cells: list[str] = field(default_factory=list)  # as written to the CSV


def slug(text: str) -> str:
    """'Mujeres' -> 'mujeres', 'Total (2023)' -> 'total_2023', 'Niños' -> 'ninos'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", plain.lower())
    name = "_".join(words)[:40]
    if not name or not re.match(r"[a-z_]", name):
        return ""
    return name


def _count(cell: str, profile: Profile) -> str | None:
    """The cell as plain digits when it is a count written the document's way, else None."""
    text = cell.strip()
    m = profile.digits.fullmatch(text)
    if not m:
        return None
    if profile.is_decimal(text):
        return None
    value = profile.parse_digits(text)
    return str(int(value)) if float(value).is_integer() else None


def columns(table: Table, profile: Profile) -> list[Column]:
    """The columns of the table: names from the first row, counts recognised per column."""
    header, body = table.rows[0], table.rows[1:]
    out: list[Column] = []
    seen: set[str] = set()
    for i, title in enumerate(header):
        cells = [row[i] for row in body]
        filled = [c for c in cells if c.strip().lower() not in MISSING]
        parsed = [_count(c, profile) for c in filled]
        counts = bool(filled) and all(p is not None for p in parsed) and not all(
            YEAR.fullmatch(c.strip()) for c in filled)  # a column of years holds codes
        name = slug(title) or f"column_{i + 1}"
        base, k = name, 2
        while name in seen:
            name, k = f"{base}_{k}", k + 1
        seen.add(name)
        written = []
        for c in cells:
            value = _count(c, profile) if counts and c.strip().lower() not in MISSING else None
            written.append(value if value is not None else ("" if counts else c.strip()))
        out.append(Column(name, title.strip() or name, counts, written))
    return out
