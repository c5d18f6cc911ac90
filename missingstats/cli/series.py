"""`missingstats diff OLD NEW`: the change table between two versions of a sheet alone.

OLD and NEW are files, or `REV:path` to read a version committed in git (`HEAD:data/x.yaml`).
Only typer is imported here; the table is built inside the command.
"""

from __future__ import annotations

from typing import Annotated

import typer

DIFF_FORMATS = ("text", "json", "markdown")


def register(app: typer.Typer) -> None:
    from missingstats.cli.common import guarded

    @app.command()
    @guarded
    def diff(
        old: Annotated[
            str, typer.Argument(help="Older version: a file, or REV:path (e.g. HEAD:data/x.yaml).")
        ],
        new: Annotated[str, typer.Argument(help="Newer version: a file, or REV:path.")],
        fmt: Annotated[
            str, typer.Option("--format", "-f", help="text, json or markdown.")
        ] = "text",
        everything: Annotated[
            bool, typer.Option("--all", "-a", help="List unchanged figures too.")
        ] = False,
        output: Annotated[
            str | None, typer.Option("--output", "-o", help="Write the table here (atomically).")
        ] = None,
    ) -> None:
        """Show which figures changed between two versions of a sheet, and by how much."""
        from missingstats.analysis.changes import changes, diff_files, summary
        from missingstats.cli.common import fail_input
        from missingstats.cli.output import emit
        from missingstats.render.diff import render

        if fmt not in DIFF_FORMATS:
            raise fail_input(f"unknown format {fmt!r}; choose from {', '.join(DIFF_FORMATS)}")
        old_label, new_label, table = diff_files(old, new)
        rows = changes(table, everything)
        emit(render(fmt, old_label, new_label, summary(table), rows, "edition" in table.columns),
             output, [old, new])
