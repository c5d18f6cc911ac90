"""A text document as paragraphs of single-spaced text that remember where each word was.

Letters on missing persons usually reach us as PDF transcriptions: a blank line after every
line, paragraphs marked by an indent, words hyphenated at line ends, and footnote blocks
(a line of underscores, numbered notes, then the page's link list) dropped into the middle
of a sentence at each page break. We undo that so sentences read whole, while every
character keeps its line and column in the file for reports:

- double spacing is detected (most lines followed by exactly one blank line); then a
  paragraph starts after two blank lines or at an indented line that follows a sentence
  end, and otherwise blank lines separate paragraphs;
- a footnote block starts at a line of 5+ underscores and holds numbered notes, their
  continuation lines and URL-only lines; the first other line after a finished note ends
  it, and the body paragraph it interrupted goes on;
- "Secretary-" at a line end followed by "General" reads "Secretary-General";
- Markdown (.md): markup characters are dropped while every other character keeps its
  column; headings and list items are paragraphs of their own, a table is one paragraph
  whose rows are sentences, `[^1]:` lines are footnotes.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
FOOTNOTE_START = re.compile(r"^\s{0,4}(\d{1,3})(?:\s{2,}|\t)\S|^\s*\[\^[^\]]+\]:")
URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
ENDS_SENTENCE = re.compile(r"[.:!?][\"”’')\]]*(?:\s*\d{1,3})?\s*$")
INDENTED_START = re.compile(r"^\s+[\"“(\[A-Z0-9]")
MD_HEADING = re.compile(r"^(\s{0,3}#{1,6}\s+)")
MD_LIST = re.compile(r"^(\s*(?:[-*+]|\d{1,3}[.)])\s+)")
MD_QUOTE = re.compile(r"^(\s*(?:>\s?)+)")
MD_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
MD_LINK = re.compile(r"!?\[([^\]\n^][^\]\n]*)\]\([^)\n]*\)")
MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
WORD = re.compile(r"[^\s]+")
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}


@dataclass
class Paragraph:
    """Single-spaced text; `starts[i]` is where chunk i begins, at `lines[i]`:`cols[i]`."""

    text: str = ""
    starts: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    footnote: bool = False
    line_ends: list[int] = field(default_factory=list)  # text offsets where a raw line ended
    # While lines are added the text grows as a list of parts (appending to a str attribute
    # copies it each time: a 10 MB paragraph took minutes); finish() joins them.
    _parts: list[str] = field(default_factory=list, repr=False)
    _size: int = 0
    _tail: str = ""  # the last two characters so far

    def add_line(self, line_no: int, raw: str) -> None:
        for m in WORD.finditer(raw):
            word = m.group().replace(GONE, "")
            if not word:
                continue
            lead = len(m.group()) - len(m.group().lstrip(GONE))
            if self._size:
                joined = self._tail.endswith("-") and self._size > 1 and \
                    self._tail[-2].isalpha() and word[:1].isalpha() and self._line_end()
                if not joined:
                    self._append(" ")
            self.starts.append(self._size)
            self.lines.append(line_no)
            self.cols.append(m.start() + lead + 1)
            self._append(word)
        if self._size:
            self.line_ends.append(self._size)

    def _append(self, piece: str) -> None:
        self._parts.append(piece)
        self._size += len(piece)
        self._tail = (self._tail + piece)[-2:]

    def finish(self) -> Paragraph:
        """Join the parts into `text` (once, after the last line)."""
        if self._parts:
            self.text += "".join(self._parts)
            self._parts = []
        return self

    def _line_end(self) -> bool:
        return bool(self.line_ends) and self.line_ends[-1] == self._size

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) in the file of the character at `offset`."""
        i = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return self.lines[i], self.cols[i] + max(offset - self.starts[i], 0)

    def starts_line(self, offset: int) -> bool:
        """Is `offset` the first word of its line in the file?"""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i >= 0 and self.starts[i] == offset and (i == 0 or self.lines[i - 1] != self.lines[i])

    def ends_line(self, offset: int) -> bool:
        """Does the raw line end right after `offset` (trailing spaces aside)?"""
        return offset in self.line_ends


@dataclass
class Document:
    """The paragraphs of a document, read from its text (a .txt or .md file, or the text a
    reader took out of a PDF, web page or Word file: readers.py)."""

    path: str
    raw_lines: list[str]
    paragraphs: list[Paragraph]
    markdown: bool = False
    double_spaced: bool = False
    language: str | None = None  # the document's own (html lang, PDF or Word metadata)
    pages: list[tuple[int, int]] | None = None  # (page, line on the page) of each text line
    kind: str = "text"  # text, markdown, pdf, html, docx
    tables: list = field(default_factory=list)  # readers.Table, for `extract --tables`


def read(path: str | Path) -> Document:
    """A text or Markdown file (PDF, HTML and Word: readers.read)."""
    return read_plain(path)


def read_plain(path: str | Path) -> Document:
    """Through the bounded reader (inputs/reader.py): size caps, pipes, binary refused."""
    from missingstats.inputs.reader import display_name, read_text

    text = read_text(path, "text")
    markdown = Path(path).suffix.lower() in MARKDOWN_SUFFIXES
    doc = parse(text, display_name(path), markdown=markdown)
    doc.kind = "markdown" if markdown else "text"
    return doc


def parse(text: str, path: str = "<text>", markdown: bool = False) -> Document:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [_blank_markdown(ln) for ln in raw] if markdown else list(raw)
    double = _double_spaced(lines)
    body: list[Paragraph] = []
    notes: list[Paragraph] = []
    current: Paragraph | None = None
    blanks = 0
    last_body = last_raw = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if markdown and MD_TABLE_SEP.match(raw[i]) and raw[i].strip():
            i += 1  # the |---|---| row under a table header
            continue
        if not line.strip(GONE + " \t"):
            blanks += 1
            i += 1
            continue
        if SEPARATOR.match(line) or (markdown and re.match(r"^\s*\[\^[^\]]+\]:", line)):
            i = _footnote_block(lines, i, notes, markdown)
            continue
        row = markdown and raw[i].lstrip().startswith("|")
        last_row = markdown and last_raw.lstrip().startswith("|")
        if (_starts_paragraph(raw[i], line, last_body, blanks, double, markdown)
                or current is None or row != last_row):
            current = Paragraph()
            body.append(current)
        current.add_line(i + 1, line)
        last_body, last_raw = line, raw[i]
        if markdown and MD_HEADING.match(raw[i]):
            current = None  # a heading stands alone
        blanks = 0
        i += 1
    paragraphs = [p for p in (q.finish() for q in body + notes) if p.text]
    return Document(path, raw, paragraphs, markdown, double)


def _double_spaced(lines: list[str]) -> bool:
    """A blank line after most lines, and the lines are wrapped (short, most ending
    mid-sentence): a PDF transcription, not one paragraph per line."""
    gaps = []
    prev = None
    text = [ln.strip() for ln in lines if ln.strip()]
    for i, ln in enumerate(lines):
        if ln.strip():
            if prev is not None:
                gaps.append(i - prev - 1)
            prev = i
    if not gaps or sum(g == 1 for g in gaps) < 0.5 * len(gaps):
        return False
    lengths = sorted(len(t) for t in text)
    wrapped = sum(not re.search(r"[.!?:;\"”’)]\d{0,3}$", t) for t in text)
    return lengths[len(lengths) // 2] <= 120 and wrapped >= 0.4 * len(text)


def _starts_paragraph(raw: str, line: str, last: str, blanks: int, double: bool,
                      markdown: bool) -> bool:
    if markdown and (MD_HEADING.match(raw) or MD_LIST.match(raw)):
        return True
    if markdown and raw.lstrip().startswith("|"):
        return blanks >= 1
    if not double:
        return blanks >= 1
    if blanks >= 2:
        return True
    return bool(INDENTED_START.match(line)) and bool(ENDS_SENTENCE.search(last))


def _footnote_block(lines: list[str], i: int, notes: list[Paragraph], markdown: bool) -> int:
    """Collect the footnotes from line i on; return the first line after the block."""
    n = len(lines)
    if SEPARATOR.match(lines[i]):
        i += 1
    current: Paragraph | None = None
    open_note = False  # the last note line did not end a sentence: a continuation may follow
    seen_note = False
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if FOOTNOTE_START.match(line):
            current = Paragraph(footnote=True)
            notes.append(current)
            current.add_line(i + 1, line)
            seen_note = True
        elif URL_LINE.match(line):
            link = Paragraph(footnote=True)  # the page's link list: kept so it is reported
            link.add_line(i + 1, line)
            notes.append(link)
            current = None
        elif current is not None and open_note:
            current.add_line(i + 1, line)
        elif not seen_note and current is None and not markdown:
            # a separator with no numbered note under it: not a footnote block after all
            return i
        else:
            break
        open_note = current is not None and not ENDS_SENTENCE.search(line)
        i += 1
    return i


GONE = "\x00"  # a blanked markup character: dropped from words, its column kept


def _blank(text: str, start: int, end: int, fill: str = GONE) -> str:
    return text[:start] + fill * (end - start) + text[end:]


def _blank_markdown(line: str) -> str:
    """Blank Markdown markup in place so every remaining character keeps its column."""
    if MD_RULE.match(line) or MD_TABLE_SEP.match(line):
        return ""
    for pattern in (MD_HEADING, MD_QUOTE, MD_LIST):
        m = pattern.match(line)
        if m:
            line = _blank(line, 0, m.end(), " ")
    out = line
    for m in MD_LINK.finditer(line):
        text_start, text_end = m.start(1), m.end(1)
        out = _blank(out, m.start(), text_start)
        out = _blank(out, text_end, m.end())
    out = MD_EMPHASIS.sub(lambda m: GONE * len(m.group()), out)
    out = re.sub(r"(?<![\w\x00])_+|_+(?![\w\x00])", lambda m: GONE * len(m.group()), out)
    return out
