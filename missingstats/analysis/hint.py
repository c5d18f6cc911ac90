"""check's one-line hint: when a sheet fails an error rule, the figure most likely wrong.

The search is explain's (localize.py), bounded so that every pre-commit run stays fast.
"""

from __future__ import annotations

from missingstats.analysis.localize import localize, sheet_record
from missingstats.core.results import Hint
from missingstats.evaluate.rulesets import sheet_rules


def check_hint(sheet, results, options) -> None:
    """Add a Hint to `results` naming the figures most likely wrong (never breaks a check)."""
    try:
        rules, known = sheet_rules(sheet.path, sheet, options.rules, options.implied)
        rec = sheet_record(sheet, rules, known, ("error",))
        result = localize(rec.problem, rec.lo, rec.hi, rec.stated, max_sets=3)
    except Exception:  # a hint must never break a check
        return
    if result.status == "localised" and result.suspects:
        results.hints.append(Hint(sheet.path, result))
