"""Commands for editors: `missingstats schema sheet|tables|rules` and `missingstats init [DIR]`.

Only typer is imported here: both commands read package data or write small files and
never need pandas.
"""

from __future__ import annotations

from typing import Annotated

import typer

SCHEMAS = ("sheet", "tables", "rules")


def register(app: typer.Typer) -> None:
    from missingstats.cli.common import guarded

    @app.command()
    @guarded
    def schema(
        name: Annotated[str, typer.Argument(help="sheet, tables or rules.", metavar="NAME")],
        output: Annotated[
            str | None, typer.Option("--output", "-o", help="Write it here (atomically).")
        ] = None,
    ) -> None:
        """Print the JSON Schema of sheets, table specs or rules files, for editors.

        Point your editor at it with a first line such as
        `# yaml-language-server: $schema=.missingstats/sheet.schema.json`.
        """
        from importlib import resources

        from missingstats.cli.common import fail_input
        from missingstats.cli.output import emit

        if name not in SCHEMAS:
            raise fail_input(f"unknown schema {name!r}; choose from {', '.join(SCHEMAS)}")
        text = (resources.files("missingstats") / "schemas" / f"{name}.schema.json").read_text(
            encoding="utf-8")
        emit(text, output)

    @app.command()
    @guarded
    def init(
        directory: Annotated[str, typer.Argument(help="Folder to set up (default: here).")] = ".",
    ) -> None:
        """Write a starter sheet, its rules and a pre-commit config; never overwrite a file."""
        from missingstats.cli.output import emit
        from missingstats.cli.scaffold import scaffold
        from missingstats.render.init import init_text

        emit(init_text(directory, scaffold(directory)), None)
