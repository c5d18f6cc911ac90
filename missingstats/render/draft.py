"""`extract --output`: a draft figure sheet, one placeholder figure per count in the text.

The editor names each figure (figure_01 -> missing.civilians.children), moves it into the
tree, and deletes what is not a figure; the quote and text_line are already right, so
`missingstats check` then verifies the sheet against its own text straight away. The draft
loads with missingstats.inputs.sheet.load_sheet as written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from missingstats.inputs.documents.extract import Mention
from missingstats.language import bounds

_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")

if TYPE_CHECKING:
    from missingstats.inputs.documents.tables import Column, Table

TOTAL_WORDS = {"total", "totales", "todos", "todas", "ensemble", "tous", "all", "vsego", "itogo"}


def _q(text: str) -> str:
    """A YAML double-quoted scalar: JSON string syntax, with the characters YAML does not
    allow unescaped (DEL, C1 controls, line separators, BOM) written as \\u escapes."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _comment(text: str) -> str:
    """Text for a `#` comment: one line, without control characters."""
    return "".join(" " if not ch.isprintable() else ch for ch in text)


def _num(x: float | None) -> str:
    return bounds.fmt(float(x)) if x is not None else "null"


def draft_sheet(text_path: str, output: str, counts: list[Mention],
                language: str | None = None) -> str:
    """The YAML text of the draft sheet for `counts` found in `text_path`; `language` other
    than English is written to settings so `check` reads the text the same way."""
    rel = os.path.relpath(Path(text_path).resolve(), Path(output).resolve().parent)
    rel = Path(rel).as_posix()
    width = max(2, len(str(len(counts))))
    lines = [
        f"# Draft figure sheet written by `missingstats extract` from {Path(text_path).name}.",
        "# Name each figure (figure_01 -> missing.civilians.total), group the names into a",
        "# tree, check value and qualifier against the quote, and delete what is not a figure.",
        "# The comment above each figure says what the text counts there.",
        f"text: {_q(rel)}",
    ]
    if language:
        lines.append(f"settings: {{language: {language.replace('_', '-')}}}")
    lines.append("figures:")
    for i, m in enumerate(counts, 1):
        about = ", ".join(m.context) if m.context else "?"
        words = f" ({m.words})" if m.words else ""
        where = f"page {m.page}, line {m.line}" if m.page is not None else f"line {m.line}"
        lines.append(_comment(f"  # {where}: {about}{words}"))
        lines.append(f"  figure_{i:0{width}d}:")
        if m.qualifier == "between":
            lines.append(f"    between: [{_num(m.lo)}, {_num(m.hi)}]")
        else:
            if m.value is not None:
                lines.append(f"    value: {_num(m.value)}")
            if m.qualifier:
                lines.append(f"    qualifier: {m.qualifier}")
        lines.append(f"    quote: {_q(m.sentence)}")
        lines.append(f"    text_line: {_q(m.at) if m.page is not None else m.line}")
    return "\n".join(lines) + "\n"


def table_csv(columns: list[Column]) -> str:
    """The table as CSV: a header of the document's column titles, counts as plain digits."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in columns])
    for row in zip(*(c.cells for c in columns)):
        writer.writerow(row)
    return buffer.getvalue()


def table_spec(csv_name: str, table: Table, columns: list[Column], source: str) -> str:
    """A draft table spec for the CSV: text columns are dimensions, count columns one wide
    dimension to name (a single count column is the measure)."""
    codes = [c for c in columns if not c.counts]
    counts = [c for c in columns if c.counts]
    name = re.sub(r"[^A-Za-z0-9_]", "_", Path(csv_name).stem).lower().lstrip("_0123456789") or "table"
    said = ", ".join(f"{c.header} ({'counts' if c.counts else 'codes'})" for c in columns)
    lines = [
        f"# Draft table spec written by `missingstats extract --tables` from {Path(source).name}"
        f" ({table.where}).",
        f"# {csv_name} holds the table as the document prints it, counts as plain digits.",
        f"# Columns: {said}.",
    ]
    if not counts:
        lines.append("# No column holds only counts: say which column is the measure.")
    elif len(counts) > 1:
        lines += ["# The count columns are codes of one dimension, called `column` here: rename it",
                  "# (e.g. sex), and give its hierarchy below so totals are checked."]
    lines += ["tables:", f"  {name}:", f"    path: {_q(csv_name)}"]
    dims = ", ".join(f"{c.name}: {_q(c.header)}" for c in codes)
    lines.append(f"    dimensions: {{{dims}}}")
    if len(counts) == 1:
        lines.append(f"    measure: {{{counts[0].name}: {_q(counts[0].header)}}}")
    elif counts:
        cols = ", ".join(f"{c.name}: {_q(c.header)}" for c in counts)
        lines += ["    wide:", "      dimension: column", f"      columns: {{{cols}}}"]
        total = next((c for c in counts if c.name in TOTAL_WORDS), None)
        if total is not None:
            parts = ", ".join(c.name for c in counts if c is not total)
            lines += ["# hierarchies:", f"#   column: {{{total.name}: [{parts}]}}"]
    return "\n".join(lines) + "\n"
