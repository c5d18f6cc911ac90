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
    """Say what is wrong on stderr, in one line; the caller raises the returned Exit (2)."""
    typer.echo(f"missingstats: {message}", err=True)
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


def choose_format(fmt: str, output: str | None) -> tuple[str, bool]:
    """check's format: `auto` is GitHub annotations inside Actions, colour on a terminal,
    else plain text. Returns the format and whether to colour it."""
    from missingstats.render import FORMATS

    if fmt != "auto":
        known_format(fmt, ["auto", *FORMATS])
        return fmt, fmt == "text" and not output and color()
    if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in FORMATS and not output:
        return "github", False
    return "text", not output and color()


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
