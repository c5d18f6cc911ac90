"""--max-instances, shared by check, explain and lint (only typer here: imported at startup).

Why rules have such a limit: missingstats/kinds/base.py (a `for:` template is a cartesian
product, so a few short lines can ask for 10^10 checks).
"""

from __future__ import annotations

import typer

MAX_INSTANCES_OPTION = typer.Option(
    "--max-instances", min=1,
    help="Checks one rule's `for:` template may expand to (default 10,000).",
)
