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
from missingstats.cli.common import (
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    choose_format,
    fail_input,
    guarded,
    width,
)
from missingstats.cli.limits import MAX_INSTANCES_OPTION

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
    files: Annotated[list[str], typer.Argument(
        help="Figure sheets, table specs or editions files (YAML), or folders to search.")],
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
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only failures, input errors and the summary.")
    ] = False,
    colour: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Colour the text report (default: on a terminal "
                     "that wants it; NO_COLOR and FORCE_COLOR are honoured).", show_default=False),
    ] = None,
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
    all_instances: Annotated[
        bool,
        typer.Option("--all-instances", help="List passing table instances too (JSON, JUnit), "
                     "as VTL's 'all' output; each list is still capped by --max-failures."),
    ] = False,
    failures_out: Annotated[
        str | None,
        typer.Option("--failures-out", help="Write every failing instance, one row each with its "
                     "coordinates and values, to FILE.parquet or FILE.csv (atomically)."),
    ] = None,
    max_instances: Annotated[int | None, MAX_INSTANCES_OPTION] = None,
) -> None:
    """Check figure sheets and tables against their rules."""
    from missingstats.cli.common import check_inputs, usage_error
    from missingstats.cli.output import refuse_inputs
    from missingstats.evaluate.options import CheckOptions
    from missingstats.evaluate.run import run
    from missingstats.inputs.reader import STDIN
    from missingstats.kinds.base import limit_instances
    from missingstats.render import RenderContext

    if quiet and verbose:
        raise usage_error("--quiet and --verbose contradict each other; give one")
    if failures_out and not failures_out.lower().endswith((".parquet", ".csv")):
        raise fail_input("--failures-out writes a .parquet or a .csv file")
    name, color = choose_format(fmt, output, colour)
    if lang is not None:
        from missingstats.inputs.documents.codes import check_code

        lang = check_code(lang)
    files = [STDIN if f == "-" else f for f in files]  # `check -`: standard input
    paths, problems = check_inputs(files, skip_unknown)
    refuse_inputs(output, [*paths, rules or "", text or "", against or ""])
    refuse_inputs(failures_out, [*paths, rules or "", text or "", against or ""])
    options = CheckOptions(
        rules=rules, implied=implied, keep_passes=True, max_failures=max_failures,
        text=text, prose=prose, against=against, progress=sys.stderr.isatty(),
        all_instances=all_instances, collect_failures=bool(failures_out), lang=lang,
    )
    with limit_instances(max_instances):
        results = run(paths, options, problems)
    if failures_out:
        from missingstats.cli.output import write_failures

        write_failures(failures_out, results)
    ctx = RenderContext(color=color, verbose=verbose, quiet=quiet, width=width(),
                        max_failures=max_failures)
    _report(results, name, ctx, output)
    if results.errors:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_FAIL if results.failing(strict) else EXIT_OK)


def _report(results, name: str, ctx, output: str | None) -> None:
    """The report in its format (to --output or stdout), input errors on stderr, and the
    GitHub job summary when Actions asks for one."""
    from missingstats.cli.common import input_error_lines
    from missingstats.cli.output import append_summary, emit
    from missingstats.render import render, step_summary
    from missingstats.render.report import build as report

    rep = report(results, max_failures=ctx.max_failures)
    for line in input_error_lines(rep):
        typer.echo(line, err=True)
    # Nothing could be checked: the located lines on stderr say it all (as for one bad file).
    if not (name == "text" and not output and len(results.unchecked()) == len(results.files)):
        emit(render(name, rep, ctx), output, read_files(rep), coloured=ctx.color)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    summary = step_summary(name, rep) if summary_path else None
    if summary is not None:
        append_summary(summary_path, summary)


def read_files(report: dict) -> list[str]:
    """Every file a report names (inputs, the files its figures and problems lie in, texts):
    the report must not be written over any of them."""
    out: dict[str, None] = dict.fromkeys(report.get("files") or [])

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("file", "text_file", "input") and isinstance(value, str):
                    out.setdefault(value, None)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in report.items() if k != "files"})
    return list(out)


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
    sys.stdout = out = _Stdout(sys.stdout)
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
    except OSError:
        # A reader that went away, or a full device (`> /dev/full`): the write error was said
        # (emit turns it into an input error, exit 2); drop what is still buffered.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = code or EXIT_INPUT
    if out.failed is not None:
        sys.stderr.write(f"missingstats: cannot write to standard output: {out.failed}\n")
        sys.stderr.flush()
        code = EXIT_INPUT
    os._exit(code)


class _Stdout:
    """Standard output that remembers a failed write (a full disk, `> /dev/full`) instead of
    raising it through the command, so the run ends with one message on stderr and exit 2.
    A closed pipe (BrokenPipeError) still propagates: the reader went away, stop quietly."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.failed: str | None = None

    def write(self, text: str) -> int:
        if self.failed is None:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                raise
            except OSError as exc:
                self.failed = exc.strerror or type(exc).__name__
        return len(text)

    def flush(self) -> None:
        if self.failed is None:
            try:
                self.stream.flush()
            except BrokenPipeError:
                raise
            except OSError as exc:
                self.failed = exc.strerror or type(exc).__name__

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def _exit_code(code: object) -> int:
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")  # SystemExit("message"): Python prints it and exits 1
    return 1


if __name__ == "__main__":
    main()
