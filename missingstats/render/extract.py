"""`extract` in words: the counts a document states, as text or as the documented JSON
(docs/prose.md). inputs/documents/extract.py finds the mentions; this lays them out.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from missingstats.language import bounds
from missingstats.render.values import json_number, number_text

if TYPE_CHECKING:
    from missingstats.inputs.documents.document import Document
    from missingstats.inputs.documents.extract import Mention

FORMATS = ("text", "json")
JSON_VERSION = 1


def mention_json(m: Mention) -> dict[str, Any]:
    """One mention in the documented JSON shape (an open upper end is null)."""
    return {
        "kind": m.kind, "text": m.text, "value": json_number(m.value), "lo": json_number(m.lo),
        "hi": json_number(m.hi), "qualifier": m.qualifier, "detail": m.detail,
        "line": m.line, "column": m.column, "page": m.page, "text_line": m.at,
        "sentence": m.sentence,
        "context": list(m.context), "head": m.head, "status": m.status,
        "words": m.words, "footnote": m.footnote,
    }


def report(path: str, mentions: list[Mention], language: str = "en") -> dict[str, Any]:
    """The documented JSON of `extract` (docs/prose.md)."""
    kinds = Counter(m.kind for m in mentions)
    return {
        "version": JSON_VERSION,
        "file": path,
        "language": language,
        "summary": {"counts": kinds.get("count", 0), "mentions": len(mentions),
                    "kinds": dict(sorted(kinds.items()))},
        "mentions": [mention_json(m) for m in mentions],
    }


def said(m: Mention) -> str:
    """'3,889' or 'at least 871 (871 or more)': the words, and the interval when not exact."""
    text = " ".join(m.text.split())
    if m.lo is None or m.lo == m.hi:
        return text
    hi = "or more" if m.hi == bounds.INF else f"to {number_text(m.hi)}"
    return f"{text} ({number_text(m.lo)} {hi})"


def _short(sentence: str, limit: int = 100) -> str:
    s = " ".join(sentence.split())
    return f'"{s}"' if len(s) <= limit else f'"{s[: limit - 3]}..."'


def text(path: str, mentions: list[Mention], show_all: bool) -> str:
    """Each count with its line:column, its words, what it counts and its sentence; with
    `show_all` also years, dates, references and footnotes."""
    counts = [m for m in mentions if m.kind == "count"]
    others = Counter(m.kind for m in mentions if m.kind != "count")
    head = f"{path}: {len(counts)} count{'s' if len(counts) != 1 else ''}"
    if others:
        listed = ", ".join(f"{n} {k}" for k, n in sorted(others.items()))
        head += f"; also {listed}" + ("" if show_all else " (--all lists them)")
    out = [head, ""]
    shown = mentions if show_all else counts
    width = max((len(_at(m)) for m in shown), default=5)
    for m in shown:
        at = _at(m).ljust(width)
        if m.kind == "count":
            what = ", ".join(m.context) if m.context else "-"
            out.append(f"  {at}  {said(m):<28} {what}")
            out.append(f"  {' ' * width}  {_short(m.sentence)}")
        else:
            kind = f"{m.kind} ({m.detail})" if m.detail else m.kind
            out.append(f"  {at}  {' '.join(m.text.split()):<28} {kind}")
    return "\n".join(out) + "\n"


def _at(m: Mention) -> str:
    """'128:31', or 'p3 14:31' on page 3 of a PDF."""
    at = f"{m.line}:{m.column}"
    return f"p{m.page} {at}" if m.page is not None else at


def render(fmt: str, path: str, mentions: list[Mention], show_all: bool,
           language: str = "en") -> str:
    """`extract`'s output in `fmt` (one of FORMATS)."""
    if fmt == "json":
        return json.dumps(report(path, mentions, language), indent=2, ensure_ascii=False) + "\n"
    return text(path, mentions, show_all)


def plain_text(doc: Document) -> str:
    """The text as read (`extract --show-text`), each line with the number counts refer to:
    '128 | ...' in a text file, '3:14 | ...' (page:line) in a PDF."""
    out = []
    numbers = [f"{p}:{n}" for p, n in doc.pages] if doc.pages is not None else \
        [str(i) for i in range(1, len(doc.raw_lines) + 1)]
    width = max((len(n) for n in numbers), default=1)
    for number, line in zip(numbers, doc.raw_lines):
        out.append(f"{number.rjust(width)} | {line}".rstrip() if line.strip() else
                   f"{' ' * width} |")
    return "\n".join(out) + "\n"


def tables_line(path: str, folder: str, written: list[str]) -> str:
    """What `extract --tables` did, for stderr."""
    if not written:
        return f"{path}: no tables found (tables are read from PDF, HTML and Word files)"
    return (f"wrote {len(written)} table(s) to {folder}: each a CSV with a draft table spec; "
            "name the dimensions, then run missingstats check on the spec")
