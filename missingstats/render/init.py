"""`init` in words: which starter files were written, which were left as they were, and
what to run next (cli/scaffold.py writes the files)."""

from __future__ import annotations

from pathlib import Path


def init_text(directory: str, done: list[tuple[str, bool]]) -> str:
    here = directory in (".", "")
    lines = []
    for rel, created in done:
        shown = rel if here else str(Path(directory) / rel)
        lines.append(f"created  {shown}" if created else f"skipped  {shown} (exists; left unchanged)")
    sheet = Path("figures.yaml") if here else Path(directory) / "figures.yaml"
    lines.append(f"next: missingstats check {sheet}    # then edit the figures; "
                 "`pre-commit install` checks them on every commit")
    return "\n".join(lines) + "\n"
