"""The command line. Kept import-light: pandas and the engine load inside the commands, so
`missingstats --help` and `--version` stay fast enough for a pre-commit hook.

Exit codes: 0 every error-severity rule holds; 1 at least one fails (with --strict also
warnings and undetermined verdicts); 2 usage, input or internal error.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from missingstats import __version__
from missingstats.cli.common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, choose_format, guarded, width

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Check published statistics on missing persons for internal consistency.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"missingstats {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Check published statistics on missing persons for internal consistency."""


@app.command()
@guarded
def check(
    files: Annotated[list[str], typer.Argument(help="Figure sheets or table specs (YAML).")],
    rules: Annotated[
        str | None, typer.Option("--rules", "-r", help="Rules file (default: see docs/rules.md).")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f",
            help="auto, text, json, github, junit, sarif, markdown or html.",
        ),
    ] = "auto",
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the report here (atomically).")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Warnings and undetermined verdicts fail too.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List passing rules.")] = False,
    implied: Annotated[
        bool, typer.Option("--implied/--no-implied", help="Rules implied by nesting.")
    ] = True,
    max_failures: Annotated[
        int, typer.Option("--max-failures", min=0, help="Failures listed per rule (counts stay exact).")
    ] = 20,
    text: Annotated[
        str | None, typer.Option("--text", help="Check quoted figures against this prose.")
    ] = None,
    prose: Annotated[
        bool,
        typer.Option("--prose", help="Check quoted figures against the text the sheet names (text:)."),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="The language of the --text/--prose document: en, es, fr or ru "
                     "(default: the sheet's settings.language, else the document's own, else en)."),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option("--against", help="Compare with an older edition: a file or a git revision."),
    ] = None,
    skip_unknown: Annotated[
        bool,
        typer.Option("--skip-unknown", help="Skip files that are not sheets, table specs or "
                     "editions files (for pre-commit, which passes every YAML file)."),
    ] = False,
) -> None:
    """Check figure sheets and tables against their rules."""
    from missingstats.cli.output import append_summary, emit
    from missingstats.evaluate.options import CheckOptions
    from missingstats.evaluate.run import run
    from missingstats.render import RenderContext, render, step_summary
    from missingstats.render.report import build as report

    name, color = choose_format(fmt, output)
    if lang is not None:
        from missingstats.inputs.documents.codes import check_code

        lang = check_code(lang)
    if skip_unknown:
        from missingstats.inputs.discovery import recognised_inputs

        kept = recognised_inputs(files)
        skipped = [p for p in files if p not in kept]
        if skipped:
            typer.echo(f"missingstats: skipped {len(skipped)} file(s) that are not sheets, table "
                       f"specs or editions files: {', '.join(skipped)}", err=True)
        files = kept
    options = CheckOptions(
        rules=rules, implied=implied, keep_passes=True, max_failures=max_failures,
        text=text, prose=prose, against=against, progress=sys.stderr.isatty(),
        extra={"lang": lang} if lang else {},
    )
    results = run(files, options)
    rep = report(results, max_failures=max_failures)
    ctx = RenderContext(color=color, verbose=verbose, width=width(), max_failures=max_failures)
    emit(render(name, rep, ctx), output)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    summary = step_summary(name, rep) if summary_path else None
    if summary is not None:
        append_summary(summary_path, summary)
    raise typer.Exit(EXIT_FAIL if results.failing(strict) else EXIT_OK)


# The other commands, each module with `register(app)`. They import only typer at module
# level (cli/common.py inside register): the heavy imports are inside the command functions.
from missingstats.cli import analysis, editor, prose, series  # noqa: E402

for _commands in (analysis, series, editor, prose):
    _commands.register(app)


def main() -> None:
    """Console entry point: run the app, then leave without tearing the interpreter down.

    Freeing pandas' and numpy's modules at exit costs 60-80 ms, paid on every pre-commit
    run for nothing: every file we write is closed before this point, so we flush the two
    standard streams and end the process directly.
    """
    try:
        app()
        code: int = EXIT_OK
    except SystemExit as exc:
        code = _exit_code(exc.code)
    except KeyboardInterrupt:
        sys.stderr.write("missingstats: interrupted\n")
        code = EXIT_INPUT
    except BrokenPipeError:
        # The reader went away (`missingstats schema sheet | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_INPUT
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")  # SystemExit("message"): Python prints it and exits 1
    return 1


if __name__ == "__main__":
    main()
