"""A progress bar on stderr for long table checks (stdout stays the report)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

LONG_INPUT_BYTES = 5_000_000  # below this a check takes about a second: no bar


class Steps:
    def __init__(self, progress=None, task=None) -> None:
        self.progress = progress
        self.task = task

    def start(self, text: str) -> None:
        if self.progress is not None:
            self.progress.update(self.task, description=text)

    def done(self) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)


@contextlib.contextmanager
def steps(enabled: bool, total: int) -> Iterator[Steps]:
    if not enabled:
        yield Steps()
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=console, transient=True,
    ) as progress:
        task = progress.add_task("checking", total=total)
        yield Steps(progress, task)
