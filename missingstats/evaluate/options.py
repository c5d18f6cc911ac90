"""What `check` was asked to do, passed to every evaluator of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CheckOptions:
    rules: str | None = None
    implied: bool = True
    keep_passes: bool = True
    max_failures: int | None = 20
    text: str | None = None
    prose: bool = False  # check the prose a sheet names in `text:` (--prose, or --text PATH)
    against: str | None = None
    progress: bool = False
    all_instances: bool = False  # list passing table instances too (--all-instances)
    collect_failures: bool = False  # keep every failing table instance (--failures-out)
    lang: str | None = None  # the language of the prose (--lang; else the sheet's or the text's)
    # the sheets this run has read as sources (inputs/sources.py), so that each is read once
    read_sheets: dict[str, Any] = field(default_factory=dict)

    def sheets(self) -> dict[str, Any]:
        return self.read_sheets
