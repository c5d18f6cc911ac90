"""What every command shares: exit codes, one-line input errors, format and colour choice.

Its own module so that command modules never import cli/__init__.py (which imports them to
register their commands). Only typer at module level: `--help` stays fast.
"""

from __future__ import annotations

import functools
import os
import sys

import typer

EXIT_OK, EXIT_FAIL, EXIT_INPUT = 0, 1, 2


def fail_input(message: str) -> typer.Exit:
    """Say what is wrong on stderr, in one line; the caller raises the returned Exit (2).
    The message quotes what a user wrote: it is printed without control characters."""
    from missingstats.render.values import printable

    typer.echo(printable(f"missingstats: {message}"), err=True)
    return typer.Exit(EXIT_INPUT)


def guarded(func):
    """Turn input errors into one located line and exit 2; never show a traceback to users."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from missingstats.core.errors import InputError

        try:
            return func(*args, **kwargs)
        except InputError as exc:
            raise fail_input(str(exc)) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:  # a bug of ours: say so briefly, exit 2, keep CI honest
            if os.environ.get("MISSINGSTATS_DEBUG"):
                raise
            raise fail_input(
                f"internal error: {type(exc).__name__}: {exc} "
                "(set MISSINGSTATS_DEBUG=1 for details and please report it)"
            ) from None

    return wrapper


def known_format(fmt: str, formats) -> str:
    """`fmt` if it is one of `formats`, else a one-line input error naming them."""
    if fmt not in formats:
        raise fail_input(f"unknown format {fmt!r}; choose from {', '.join(formats)}")
    return fmt


def choose_format(fmt: str, output: str | None, colour: bool | None = None) -> tuple[str, bool]:
    """check's format: `auto` is GitHub annotations inside Actions, colour on a terminal,
    else plain text. Returns the format and whether to colour it: --color / --no-color
    decide when given (colour is for the text format only), else a terminal that wants it."""
    from missingstats.render import FORMATS

    to_file = bool(output) and output != "-"
    if fmt == "auto" and os.environ.get("GITHUB_ACTIONS") == "true" and "github" in FORMATS \
            and not to_file:
        return "github", False
    name = "text" if fmt == "auto" else known_format(fmt, ["auto", *FORMATS])
    if name != "text":
        return name, False
    if colour is not None:
        return name, colour
    return name, not to_file and color()


def usage_error(message: str) -> typer.Exit:
    """Bad options: said at once on stderr, exit 2, before anything is read or written."""
    return fail_input(message)


def check_inputs(files: list[str], skip_unknown: bool) -> tuple[list[str], list]:
    """check's inputs: folders searched (inputs/discovery.py), and with --skip-unknown the
    files given that are not ours left out (said on stderr). Returns the paths and the
    problems of the search, which become input errors of the report."""
    from missingstats.inputs.discovery import expand, recognised_inputs

    given = [p for p in files if not os.path.isdir(p)]
    if skip_unknown and given:
        kept = set(recognised_inputs(given))
        skipped = [p for p in given if p not in kept]
        if skipped:
            from missingstats.render.values import printable

            typer.echo(printable(f"missingstats: skipped {len(skipped)} file(s) that are not "
                                 f"sheets, table specs or editions files: {', '.join(skipped)}"),
                       err=True)
        files = [p for p in files if p in kept or os.path.isdir(p)]
    return expand(files)


def input_error_lines(report: dict) -> list[str]:
    """One located stderr line per distinct input error of a report."""
    from missingstats.render.common import error_text, input_errors

    return [f"missingstats: {error_text(err, inputs)}" for err, inputs in input_errors(report)]


def color() -> bool:
    """Colour only on a terminal that wants it (NO_COLOR, FORCE_COLOR and TERM=dumb as rich
    reads them); without a terminal nor FORCE_COLOR decided without importing rich."""
    if not sys.stdout.isatty() and not os.environ.get("FORCE_COLOR"):
        return False
    from rich.console import Console

    console = Console(file=sys.stdout)
    return console.is_terminal and not console.no_color and console.color_system is not None


def width() -> int:
    """The terminal's width, kept between 60 and 160 columns (100 without a terminal)."""
    try:
        return max(60, min(os.get_terminal_size().columns, 160))
    except OSError:
        return 100
