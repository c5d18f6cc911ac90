"""PDF: the text layer as lines of text, page by page, in reading order (pdfplumber).

pdfplumber (on pdfminer.six) gives every word with its page and position, which is what
reading order and line numbers need; the content stream order that pypdf follows puts the
lines of two columns in whatever order the producer drew them (docs/prose.md has the
figures). From the words we rebuild the page as text a person would type:

- columns: a vertical gutter that no line crosses splits the page; lines that cross it
  (titles) come before or after the columns by their height on the page;
- a line is the words at one height, left to right; the gaps between words and the indent
  of the line become spaces (one per space width), so indented paragraph starts and the
  wide gap after a footnote number read as they do in a text file;
- a vertical gap of about two lines becomes a blank line (three or more: two), so
  paragraphs and double spacing survive;
- a line that is only a page number ("3", "- 3 -", "3/4", "Page 3 of 4") is dropped.

Each line keeps its page and its number on the page (1-based, in reading order). Tables
found from the ruling lines of a page (pdfplumber's find_tables) are kept for
`extract --tables`. A PDF with no text at all is a scan: refused with a message, never
OCR'd. An encrypted PDF that needs a password, a truncated or corrupt file: input errors.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from missingstats.core.errors import InputError, Location
from missingstats.inputs.documents.tables import Table

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page\s+|p\.\s*|página\s+|стр\.\s*)?\d{1,4}(?:\s*(?:/|of|de|sur|из)\s*\d{1,4})?"
    r"(?:\s*[-–—])?\s*$", re.IGNORECASE,
)
MAX_PAGES = 2000


@dataclass
class Extracted:
    """What a reader takes out of a document: text lines, where each is, and more."""

    lines: list[str]
    pages: list[tuple[int, int]] | None  # (page, line on the page) of each line
    language: str | None
    tables: list[Table]


def _open(path: str) -> Any:
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
        from pdfminer.pdfparser import PDFSyntaxError
    except ImportError:
        raise InputError("reading PDF needs the 'pdf' extra: pip install 'missingstats[pdf]'",
                         Location(path)) from None
    try:
        return pdfplumber.open(path)
    except PDFPasswordIncorrect:
        raise InputError("is an encrypted PDF that needs a password; save a copy without one",
                         Location(path)) from None
    except PDFSyntaxError as exc:
        raise InputError(f"is not a readable PDF ({exc}); is it truncated or damaged?",
                         Location(path)) from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        raise InputError(f"cannot be read as a PDF: {_reason(exc)}", Location(path)) from None


def _reason(exc: BaseException) -> str:
    inner = exc.__cause__ or exc.__context__ or exc
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name:
        return "it is encrypted with a password; save a copy without one"
    text = str(inner) or name
    return f"{text[:120]} (is it truncated or damaged?)"


def read(path: str | Path) -> Extracted:
    name = str(path)
    pdf = _open(name)
    try:
        return _read(pdf, name)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - damage found while reading a page
        raise InputError(f"cannot be read as a PDF: {_reason(exc)}", Location(name)) from None
    finally:
        pdf.close()


def _read(pdf: Any, name: str) -> Extracted:
    pages = pdf.pages
    if len(pages) > MAX_PAGES:
        raise InputError(f"has {len(pages)} pages; more than {MAX_PAGES} are not read",
                         Location(name))
    lines: list[str] = []
    where: list[tuple[int, int]] = []
    tables: list[Table] = []
    chars = 0
    for number, page in enumerate(pages, 1):
        chars += len(page.chars)
        page_lines = _page_lines(page)
        if lines and page_lines and page_lines[0]:
            _page_break(lines, where, number)
        n = 0
        for text in page_lines:
            if text:
                n += 1
            lines.append(text)
            where.append((number, max(n, 1)))
        tables.extend(_tables(page, number, name))
    if chars == 0:
        raise InputError(
            f"has no text layer ({len(pages)} page(s) of images: a scan?); missingstats does "
            "not run OCR. Run OCR first (e.g. ocrmypdf) or give the text as a .txt file",
            Location(name, page=1),
        )
    return Extracted(lines, where, _language(pdf), _join(tables))


def _ends_sentence(lines: list[str]) -> bool:
    last = next((ln for ln in reversed(lines) if ln.strip()), "")
    return bool(re.search(r"[.:!?][\"”’')\]]*\s*$", last))


def _page_break(lines: list[str], where: list[tuple[int, int]], page: int) -> None:
    """A sentence ended at the foot of the page: a blank line; else the text runs on."""
    if _ends_sentence(lines):
        lines.append("")
        where.append((page, 1))


def _language(pdf: Any) -> str | None:
    """The document catalog's /Lang (browsers and Word write it)."""
    try:
        from pdfminer.pdftypes import resolve1

        value = resolve1(pdf.doc.catalog.get("Lang"))
    except Exception:  # noqa: BLE001 - metadata is a hint only
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    return str(value) if value else None


# --- a page as lines ---------------------------------------------------------------------------


def _page_lines(page: Any) -> list[str]:
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
    if not words:
        return []
    space = _space_width(page)
    cut = _gutter(words)
    if cut is None:
        groups = [_rows(words)]
    else:
        groups = _column_groups(words, cut)
    left = min(w["x0"] for w in words)
    out: list[str] = []
    height = _line_height(words)
    for rows in groups:
        if out and rows and _ends_sentence(out):
            out.append("")  # a column ends with its paragraph; else the text runs on
        prev_top = None
        for row in rows:
            text = _row_text(row, left, space)
            if PAGE_NUMBER.match(text):
                continue
            if prev_top is not None and height:
                blanks = min(int(round((row[0]["top"] - prev_top) / height)) - 1, 2)
                if blanks <= 0 and _indented_start(text, out):
                    blanks = 1
                out.extend([""] * max(blanks, 0))
            out.append(text)
            prev_top = row[0]["top"]
    while out and not out[-1]:
        out.pop()
    return out


def _indented_start(text: str, before: list[str]) -> bool:
    """A line indented further than the one before, after a sentence end: a new paragraph."""
    prev = before[-1] if before else ""
    indent = len(text) - len(text.lstrip())
    return bool(prev.strip()) and indent > len(prev) - len(prev.lstrip()) and \
        bool(re.search(r"[.:!?][\"”’')\]]*\d{0,3}\s*$", prev))


def _space_width(page: Any) -> float:
    spaces = [c["width"] for c in page.chars if c["text"] == " " and c["width"] > 0]
    if spaces:
        return max(statistics.median(spaces), 0.5)
    widths = [c["width"] for c in page.chars if c["text"].strip() and c["width"] > 0]
    return max(statistics.median(widths) * 0.5, 0.5) if widths else 3.0


def _line_height(words: list[dict]) -> float:
    """The usual distance between two lines (the smallest common step between rows)."""
    tops = sorted({round(w["top"], 1) for w in words})
    steps = [b - a for a, b in zip(tops, tops[1:]) if b - a > 1]
    if not steps:
        return 0.0
    low = sorted(steps)[: max(len(steps) // 2, 1)]
    return statistics.median(low)


def _rows(words: list[dict]) -> list[list[dict]]:
    """Words at one height (within half a line), each row left to right, top to bottom."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if rows and abs(w["top"] - rows[-1][0]["top"]) <= max((w["bottom"] - w["top"]) * 0.5, 1):
            rows[-1].append(w)
        else:
            rows.append([w])
    return [sorted(r, key=lambda w: w["x0"]) for r in rows]


def _row_text(row: list[dict], left: float, space: float) -> str:
    parts = [" " * min(int(round((row[0]["x0"] - left) / space)), 40)]
    for prev, w in zip([None, *row], row):
        if prev is not None:
            gap = w["x0"] - prev["x1"]
            parts.append(" " * max(1, min(int(round(gap / space)), 8)))
        parts.append(w["text"])
    return "".join(parts)


def _gutter(words: list[dict]) -> float | None:
    """The middle of a vertical strip, in the middle half of the text, that (almost) no
    word covers: the gap between two columns."""
    lo = min(w["x0"] for w in words)
    hi = max(w["x1"] for w in words)
    width = int(hi - lo) + 1
    if width < 100 or len(words) < 20:
        return None
    cover = [0] * width
    for w in words:
        for x in range(int(w["x0"] - lo), min(int(w["x1"] - lo) + 1, width)):
            cover[x] += 1
    rows = len(_rows(words))
    allowed = max(1, rows // 20)  # a title or two may cross the gutter
    span = range(int(width * 0.25), int(width * 0.75) + 1)
    least = min(cover[x] for x in span)
    if least > allowed:
        return None
    best: tuple[int, float] | None = None  # the widest strip of the least cover
    run = None
    for x in [*span, span.stop]:
        if x < span.stop and cover[x] == least:
            run = x if run is None else run
            continue
        if run is not None and x - run >= 8 and (best is None or x - run > best[0]):
            best = (x - run, lo + (run + x) / 2)
        run = None
    if best is None:
        return None
    cut = best[1]
    left = [w for w in words if w["x1"] <= cut]
    right = [w for w in words if w["x0"] >= cut]
    # both sides hold text on two lines or more (a date at the top right is no column)
    return cut if min(len(_rows(left)), len(_rows(right))) >= 2 else None


def _column_groups(words: list[dict], cut: float) -> list[list[list[dict]]]:
    """Lines crossing the gutter above the columns, the left column, the right one, and
    the crossing lines below them."""
    across = [w for w in words if w["x0"] < cut < w["x1"]]
    left = [w for w in words if w["x1"] <= cut]
    right = [w for w in words if w["x0"] >= cut]
    rows_across = _rows(across)
    top = min(w["top"] for w in left + right)
    above = [r for r in rows_across if r[0]["top"] < top]
    below = [r for r in rows_across if r[0]["top"] >= top]
    return [g for g in (above, _rows(left), _rows(right), below) if g]


# --- tables -----------------------------------------------------------------------------------


def _tables(page: Any, number: int, name: str) -> list[Table]:
    out = []
    try:
        found = page.find_tables()
    except Exception:  # noqa: BLE001 - a table finder failure is no reason to refuse the text
        return []
    for t in found:
        rows = [[(c or "").replace("\n", " ").strip() for c in row] for row in t.extract()]
        rows = [r for r in rows if any(r)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            out.append(Table(rows, name, page=number, top=float(t.bbox[1])))
    return out


def _join(tables: list[Table]) -> list[Table]:
    """A table continued on the next page with its header repeated is one table."""
    out: list[Table] = []
    for t in tables:
        prev = out[-1] if out else None
        if (prev is not None and t.page is not None and prev.last_page == t.page - 1
                and t.rows[0] == prev.rows[0]):
            prev.rows.extend(t.rows[1:])
            prev.last_page = t.page
            continue
        out.append(t)
    return out
