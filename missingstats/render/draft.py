"""`extract --output`: a draft figure sheet, one placeholder figure per count in the text.

The editor names each figure (figure_01 -> missing.civilians.children), moves it into the
tree, and deletes what is not a figure; the quote and text_line are already right, so
`missingstats check` then verifies the sheet against its own text straight away. The draft
loads with missingstats.inputs.sheet.load_sheet as written.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from missingstats.inputs.documents.extract import Mention
from missingstats.language import bounds

_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _q(text: str) -> str:
    """A YAML double-quoted scalar: JSON string syntax, with the characters YAML does not
    allow unescaped (DEL, C1 controls, line separators, BOM) written as \\u escapes."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _comment(text: str) -> str:
    """Text for a `#` comment: one line, without control characters."""
    return "".join(" " if not ch.isprintable() else ch for ch in text)


def _num(x: float | None) -> str:
    return bounds.fmt(float(x)) if x is not None else "null"


def draft_sheet(text_path: str, output: str, counts: list[Mention]) -> str:
    """The YAML text of the draft sheet for `counts` found in `text_path`."""
    rel = os.path.relpath(Path(text_path).resolve(), Path(output).resolve().parent)
    rel = Path(rel).as_posix()
    width = max(2, len(str(len(counts))))
    lines = [
        f"# Draft figure sheet written by `missingstats extract` from {Path(text_path).name}.",
        "# Name each figure (figure_01 -> missing.civilians.total), group the names into a",
        "# tree, check value and qualifier against the quote, and delete what is not a figure.",
        "# The comment above each figure says what the text counts there.",
        f"text: {_q(rel)}",
        "figures:",
    ]
    for i, m in enumerate(counts, 1):
        about = ", ".join(m.context) if m.context else "?"
        words = f" ({m.words})" if m.words else ""
        lines.append(_comment(f"  # line {m.line}: {about}{words}"))
        lines.append(f"  figure_{i:0{width}d}:")
        if m.qualifier == "between":
            lines.append(f"    between: [{_num(m.lo)}, {_num(m.hi)}]")
        else:
            if m.value is not None:
                lines.append(f"    value: {_num(m.value)}")
            if m.qualifier:
                lines.append(f"    qualifier: {m.qualifier}")
        lines.append(f"    quote: {_q(m.sentence)}")
        lines.append(f"    text_line: {m.line}")
    return "\n".join(lines) + "\n"
