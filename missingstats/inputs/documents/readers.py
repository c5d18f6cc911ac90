"""Reading a document of any kind: which reader, by what the file holds and its name.

The content decides when it says what it is: a file starting with `%PDF-` is read as a PDF
and a zip archive holding word/document.xml as a Word file, whatever their names. A name
that promises what the content is not (`letter.pdf` holding text) is an input error that
says so. HTML is read from .html, .htm and .xhtml files and from text that starts like a
web page; everything else is plain text or Markdown (document.py). A pipe or a device is
read as text by the bounded reader (inputs/reader.py: size cap, timeout, binary refused),
never sniffed, so `--text <(...)` works and `--text /dev/zero` stops at once.

Each reader gives lines of text (readers in pdfs.py, web.py, word.py), which document.py
turns into paragraphs exactly as a .txt file's lines, plus the page of each line, the
document's language and its tables.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

from missingstats.core.errors import InputError, Location
from missingstats.inputs.documents import document

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
KINDS = ("text", "markdown", "pdf", "html", "docx")


def kind_of(path: str | Path) -> str:
    """pdf, docx, html or text: by the file's first bytes, then its name."""
    from missingstats.inputs.reader import is_stdin

    name = str(path)
    if is_stdin(name):
        return "text"  # `extract -`: standard input, read once by the bounded reader
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise InputError("no such file", Location(name)) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", Location(name)) from None
    if stat.S_ISDIR(mode):
        raise InputError("is a directory, expected a document", Location(name))
    if not stat.S_ISREG(mode):
        return "text"  # a pipe or a device: the bounded text reader (inputs/reader.py) reads it
        # once, with a size cap and a timeout, and refuses binary content at its first byte
    try:
        with p.open("rb") as fh:
            head = fh.read(2048)
    except PermissionError:
        raise InputError("permission denied: the file cannot be read", Location(name)) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", Location(name)) from None
    suffix = p.suffix.lower()
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if suffix == ".pdf":
        raise InputError("is not a PDF: it does not start with %PDF- (wrong name, or damaged?)",
                         Location(name))
    if suffix == ".docx":
        raise InputError("is not a Word .docx file: it is not a zip archive", Location(name))
    if suffix == ".doc":
        raise InputError("is an old Word .doc file, which is not read; save it as .docx",
                         Location(name))
    if suffix in HTML_SUFFIXES or HTML_START.match(head):
        return "html"
    return "text"


def read(path: str | Path) -> document.Document:
    kind = kind_of(path)
    if kind == "text":
        return document.read_plain(path)
    if kind == "pdf":
        from missingstats.inputs.documents import pdfs as reader
    elif kind == "html":
        from missingstats.inputs.documents import web as reader  # type: ignore[no-redef]
    else:
        from missingstats.inputs.documents import word as reader  # type: ignore[no-redef]
    got = reader.read(path)
    doc = document.parse("\n".join(got.lines), str(path))
    doc.kind, doc.pages, doc.language, doc.tables = kind, got.pages, got.language, got.tables
    return doc
