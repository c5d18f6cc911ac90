"""How a report is to be laid out: colour, verbosity, width, how many failures to list.

Its own module so that every renderer can import it without importing the format
registry (render/__init__.py), which imports the renderers: no import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderContext:
    color: bool = False
    verbose: bool = False
    quiet: bool = False  # only failures (and input errors) and the summary
    width: int = 100
    max_failures: int | None = 20
