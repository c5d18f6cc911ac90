"""`missingstats extract TEXT`: list the counts a letter or report states (README: "extract").

Only typer at module level: the extractor loads inside the command. Exit codes: 0 done
(whatever was found), 2 input or usage error (no such file, an existing --output without
--force).
"""

from __future__ import annotations

from typing import Annotated

import typer

FORMATS = ("text", "json")
JSON_VERSION = 1


def register(app: typer.Typer) -> None:
    from missingstats.cli.common import guarded

    app.command("extract")(guarded(extract))


def extract(
    text: Annotated[str, typer.Argument(help="A plain-text or Markdown document.")],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write a draft figure sheet (YAML) here."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Also list years, dates, references, footnotes.")
    ] = False,
) -> None:
    """List every count a document states, with its qualifier, line and context words."""
    from pathlib import Path

    from missingstats.cli.common import fail_input
    from missingstats.cli.output import write_atomic
    from missingstats.core.errors import InputError, Location
    from missingstats.inputs.documents import document
    from missingstats.inputs.documents import extract as ex
    from missingstats.render.draft import draft_sheet

    if fmt not in FORMATS:
        raise fail_input(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if output and Path(output).exists() and not force:
        raise InputError("exists already; choose another --output or add --force",
                         Location(output))
    doc = document.read(text)
    mentions = ex.extract(doc)
    counts = ex.counts(mentions)
    if output:
        write_atomic(output, draft_sheet(text, output, counts))
        typer.echo(f"wrote {output}: a draft sheet with {len(counts)} figure(s) to name and "
                   "review", err=True)
    if fmt == "json":
        typer.echo(to_json(text, mentions), nl=False)
    else:
        typer.echo(to_text(text, mentions, show_all), nl=False)


def report(path: str, mentions: list) -> dict:
    """The documented JSON of `extract` (README: 'extract')."""
    from collections import Counter

    kinds = Counter(m.kind for m in mentions)
    return {
        "version": JSON_VERSION,
        "file": path,
        "summary": {"counts": kinds.get("count", 0), "mentions": len(mentions),
                    "kinds": dict(sorted(kinds.items()))},
        "mentions": [m.as_dict() for m in mentions],
    }


def to_json(path: str, mentions: list) -> str:
    import json

    return json.dumps(report(path, mentions), indent=2, ensure_ascii=False) + "\n"


def to_text(path: str, mentions: list, show_all: bool) -> str:
    from collections import Counter

    counts = [m for m in mentions if m.kind == "count"]
    others = Counter(m.kind for m in mentions if m.kind != "count")
    head = f"{path}: {len(counts)} count{'s' if len(counts) != 1 else ''}"
    if others:
        listed = ", ".join(f"{n} {k}" for k, n in sorted(others.items()))
        head += f"; also {listed}" + ("" if show_all else " (--all lists them)")
    out = [head, ""]
    shown = mentions if show_all else counts
    width = max((len(f"{m.line}:{m.column}") for m in shown), default=5)
    for m in shown:
        where = f"{m.line}:{m.column}".ljust(width)
        if m.kind == "count":
            what = ", ".join(m.context) if m.context else "-"
            out.append(f"  {where}  {_said(m):<28} {what}")
            out.append(f"  {' ' * width}  {_short(m.sentence)}")
        else:
            kind = f"{m.kind} ({m.detail})" if m.detail else m.kind
            out.append(f"  {where}  {' '.join(m.text.split()):<28} {kind}")
    return "\n".join(out) + "\n"


def _said(m) -> str:
    """'3,889' or 'at least 871 (871 or more)': the words, and the interval when not exact."""
    from missingstats.language import bounds

    text = " ".join(m.text.split())
    if m.lo is None or m.lo == m.hi:
        return text
    hi = "or more" if m.hi == bounds.INF else f"to {bounds.fmt(m.hi)}"
    return f"{text} ({bounds.fmt(m.lo)} {hi})"


def _short(sentence: str, limit: int = 100) -> str:
    s = " ".join(sentence.split())
    return f'"{s}"' if len(s) <= limit else f'"{s[: limit - 3]}..."'
