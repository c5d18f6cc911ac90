"""`missingstats extract TEXT`: list the counts a letter or report states (docs/prose.md).

Only typer at module level: the extractor loads inside the command, the words come from
render/extract.py. Exit codes: 0 done (whatever was found), 2 input or usage error (no such
file, an existing --output without --force).
"""

from __future__ import annotations

from typing import Annotated

import typer

FORMATS = ("text", "json")


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

    from missingstats.cli.common import known_format
    from missingstats.cli.output import emit, refuse_inputs, write_atomic
    from missingstats.core.errors import InputError, Location
    from missingstats.inputs.documents import document
    from missingstats.inputs.documents import extract as ex
    from missingstats.render import extract as words
    from missingstats.render.draft import draft_sheet
    from missingstats.render.values import printable

    fmt = known_format(fmt, FORMATS)
    refuse_inputs(output, [text])
    if output and Path(output).exists() and not force:
        raise InputError("exists already; choose another --output or add --force",
                         Location(output))
    doc = document.read(text)
    mentions = ex.extract(doc)
    counts = ex.counts(mentions)
    if output:
        write_atomic(output, draft_sheet(text, output, counts))
        typer.echo(f"wrote {printable(output)}: a draft sheet with {len(counts)} figure(s) to name and "
                   "review", err=True)
    emit(words.render(fmt, text, mentions, show_all), None)
