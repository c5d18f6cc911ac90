"""check's one-line hint: when a sheet fails an error rule, the figures most likely wrong.

The search is explain's (localize.py), bounded so that every pre-commit run stays fast: the
rules are split into independent components first (components.py), only failing components
are searched, in sheet order, and the search stops once the hint can name MAX_NAMED figures
or has spent BUDGET seconds. What was not searched is counted, and the hint points to
`missingstats explain`, which searches everything.
"""

from __future__ import annotations

import time

from missingstats.analysis.components import failing, sheet_components
from missingstats.analysis.localize import localize
from missingstats.core.results import Hint
from missingstats.evaluate.rulesets import sheet_rules

MAX_NAMED = 3  # figures a hint names
BUDGET = 0.25  # seconds of search a check spends on its hint


def check_hint(sheet, results, options) -> None:
    """Add a Hint to `results` naming the figures most likely wrong (never breaks a check)."""
    try:
        hint = sheet_hint(sheet, options)
    except Exception:  # a hint must never break a check
        return
    if hint is not None:
        results.hints.append(hint)


def sheet_hint(sheet, options, budget: float = BUDGET) -> Hint | None:
    rules, known = sheet_rules(sheet.path, sheet, options.rules, options.implied)
    broken = [c for c in sheet_components(sheet, rules, known, ("error",)) if failing(c)]
    start = time.perf_counter()
    found = []
    named = 0
    for k, comp in enumerate(broken):
        if named >= MAX_NAMED or time.perf_counter() - start > budget:
            return _hint(sheet.path, found, len(broken) - k)
        rec = comp.record
        result = localize(rec.problem, rec.lo, rec.hi, rec.stated, max_sets=3)
        if result.status == "localised" and result.suspects:
            found.append(result)
            named += len(result.sets[0].figures)
    return _hint(sheet.path, found, 0)


def _hint(path: str, found: list, unsearched: int) -> Hint | None:
    if not found and not unsearched:
        return None
    return Hint(path, tuple(found), unsearched)
