"""`missingstats extract DOCUMENT`: list the counts a letter or report states (docs/prose.md).

Only typer at module level: the readers and the extractor load inside the command, the
words come from render/extract.py and render/draft.py. Exit codes: 0 done (whatever was
found), 2 input or usage error (no such file, an unreadable or encrypted document, a
missing reader extra, an existing --output or table file without --force).
"""

from __future__ import annotations

from typing import Annotated

import typer

FORMATS = ("text", "json")


def register(app: typer.Typer) -> None:
    from missingstats.cli.common import guarded

    app.command("extract")(guarded(extract))


def extract(
    text: Annotated[str, typer.Argument(
        help="A document: .txt, .md, .pdf, .html/.htm or .docx.")],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write a draft figure sheet (YAML) here."),
    ] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite an existing --output or table files.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Also list years, dates, references, footnotes.")
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="The document's language: en, es, fr or ru (es-MX ...); "
                     "default: its own metadata, else en."),
    ] = None,
    tables: Annotated[
        str | None,
        typer.Option("--tables", help="Write each table of a PDF, web page or Word file here, "
                     "as CSV with a draft table spec."),
    ] = None,
    show_text: Annotated[
        bool, typer.Option("--show-text", help="Print the text as read, with the page and line "
                           "numbers the counts refer to.")
    ] = False,
) -> None:
    """List every count a document states, with its qualifier, line and context words."""
    from pathlib import Path

    from missingstats.cli.common import known_format
    from missingstats.cli.output import emit, refuse_inputs, write_atomic
    from missingstats.core.errors import InputError, Location
    from missingstats.inputs.documents import codes, readers
    from missingstats.inputs.documents import extract as ex
    from missingstats.render import extract as words
    from missingstats.render.draft import draft_sheet
    from missingstats.render.values import printable

    fmt = known_format(fmt, FORMATS)
    refuse_inputs(output, [text])
    given = codes.check_code(lang) if lang else None
    if output and Path(output).exists() and not force:
        raise InputError("exists already; choose another --output or add --force",
                         Location(output))
    doc = readers.read(text)
    code = given or codes.normalise_code(doc.language or "") or "en"
    mentions = ex.extract(doc, code)
    counts = ex.counts(mentions)
    if tables is not None:
        written = _write_tables(doc, tables, code, force)
        typer.echo(words.tables_line(text, tables, written), err=True)
    if output:
        write_atomic(output, draft_sheet(text, output, counts, None if code == "en" else code))
        typer.echo(f"wrote {printable(output)}: a draft sheet with {len(counts)} figure(s) to "
                   "name and review", err=True)
    if show_text:
        emit(words.plain_text(doc), None)
        return
    emit(words.render(fmt, text, mentions, show_all, code), None)


def _write_tables(doc, folder: str, code: str, force: bool) -> list[str]:
    """Each table as NAME-table-NN.csv and NAME-table-NN.yaml in `folder`; the files' names."""
    from pathlib import Path

    from missingstats.cli.output import write_atomic
    from missingstats.core.errors import InputError, Location
    from missingstats.inputs.documents import extract as ex
    from missingstats.inputs.documents.tables import columns
    from missingstats.render.draft import table_csv, table_spec

    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise InputError("is not a folder; --tables needs a folder to write into", Location(folder))
    profile = ex.profile(code)
    plans = []
    for i, table in enumerate(doc.tables, 1):
        stem = f"{Path(doc.path).stem}-table-{i:02d}"
        csv_path, spec_path = target / f"{stem}.csv", target / f"{stem}.yaml"
        for path in (csv_path, spec_path):
            if path.exists() and not force:
                raise InputError("exists already; choose another --tables folder or add --force",
                                 Location(str(path)))
        plans.append((table, csv_path, spec_path))
    if plans:
        target.mkdir(parents=True, exist_ok=True)
    out = []
    for table, csv_path, spec_path in plans:
        cols = columns(table, profile)
        write_atomic(csv_path, table_csv(cols))
        write_atomic(spec_path, table_spec(csv_path.name, table, cols, doc.path))
        out.append(str(csv_path))
    return out
