"""Word (.docx): the body's paragraphs and tables in order, through python-docx.

Each paragraph is a line of its own, separated by blank lines; each table row a line with
its cells joined by " | " (the tables are kept for `extract --tables`). The language is the
core properties' `language`, else the document's default run language (w:lang). Before
python-docx opens the file, the zip archive is looked at: a member that would unpack to
more than MAX_UNPACKED bytes, or shrinks more than MAX_RATIO times, is refused as a zip
bomb. Footnotes, headers, footers, text boxes and comments are not read (python-docx does
not expose them).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from missingstats.core.errors import InputError, Location
from missingstats.inputs.documents.pdfs import Extracted
from missingstats.inputs.documents.tables import Table

MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _guard(name: str) -> None:
    """A .docx is a zip archive: refuse a damaged one, or one that unpacks absurdly."""
    try:
        with zipfile.ZipFile(name) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"is not a readable .docx (a zip archive): {exc}", Location(name)) from None
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise InputError(f"{info.filename} would unpack {ratio:.0f} times its size: refused "
                             "as a zip bomb", Location(name))
    if total > MAX_UNPACKED:
        raise InputError(f"would unpack to {total // 2**20} MiB: more than the "
                         f"{MAX_UNPACKED // 2**20} MiB a document may hold", Location(name))
    if "word/document.xml" not in {i.filename for i in members}:
        raise InputError("is a zip archive without word/document.xml: not a Word .docx",
                         Location(name))


def read(path: str | Path) -> Extracted:
    name = str(path)
    try:
        import docx
    except ImportError:
        raise InputError("reading Word files needs the 'docx' extra: pip install "
                         "'missingstats[docx]'", Location(name)) from None
    _guard(name)
    try:
        document = docx.Document(name)
        return _read(document, name)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on damaged files
        raise InputError(f"cannot be read as a Word document: {str(exc)[:160] or type(exc).__name__}",
                         Location(name)) from None


def _read(document: Any, name: str) -> Extracted:
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    tables: list[Table] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{W}p":
            text = re.sub(r"[ \t\r\n]+", " ", Paragraph(child, document).text).strip()
            if text:
                lines.extend(([""] if lines else []) + [text])
        elif child.tag == f"{W}tbl":
            rows = [[re.sub(r"\s+", " ", c.text).strip() for c in _cells(r)]
                    for r in DocxTable(child, document).rows]
            rows = [r for r in rows if any(r)]
            first = len(lines) + (2 if lines else 1)
            for r in rows:
                lines.extend(([""] if lines else []) + [" | ".join(r)])
            if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                tables.append(Table(rows, name, line=first))
    return Extracted(lines, None, _language(document), tables)


def _cells(row: Any) -> list[Any]:
    """The row's cells, a merged cell once (python-docx repeats it for each grid column)."""
    out: list[Any] = []
    for c in row.cells:
        if not out or c._tc is not out[-1]._tc:
            out.append(c)
    return out


def _language(document: Any) -> str | None:
    lang = (document.core_properties.language or "").strip()
    if lang:
        return lang
    try:
        styles = document.styles.element
        node = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    except Exception:  # noqa: BLE001 - metadata is a hint only
        return None
    return node.get(f"{W}val") if node is not None else None
