"""`explain` of one file: a figure sheet as one record, a table spec as groups of cells.

Returns typed results (localize.Explanation, explain_tables.RecordsExplanation); the
command renders them with render/explain.py.
"""

from __future__ import annotations

from missingstats.analysis import localize as lz
from missingstats.analysis.components import failing, sheet_components
from missingstats.analysis.explain_tables import RecordsExplanation, explain_table_spec
from missingstats.core.errors import InputError


def explain_file(path: str, rules_path: str | None, severities: tuple[str, ...],
                 max_sets: int, implied: bool) -> lz.Explanation | RecordsExplanation:
    from missingstats.evaluate.rulesets import sheet_rules
    from missingstats.inputs import yamlnodes as sy
    from missingstats.inputs.sheet import load_sheet

    top = sy.expect_mapping(sy.load(path), "a figure sheet or table spec")
    if "tables" in top:
        return explain_table_spec(path, rules_path, severities, max_sets, implied)
    if "figures" not in top:
        raise InputError("explain needs a figure sheet ('figures:') or a table spec ('tables:')",
                         top.location)
    from missingstats.inputs.sources import attach

    sheet = attach(load_sheet(path))
    rules, known = sheet_rules(path, sheet, rules_path, implied)
    return explain_sheet(sheet, rules, known, severities, max_sets)


def explain_sheet(sheet, rules, known: set[str], severities: tuple[str, ...],
                  max_sets: int) -> lz.Explanation:
    """A sheet localised part by part: the search is exponential in the figures one search
    holds, and a slip in one breakdown says nothing about another, so independent parts
    are searched (and their alternatives listed) one by one."""
    rec = lz.sheet_record(sheet, rules, known, severities)
    open_parts = [c for c in sheet_components(sheet, rules, known, severities)
                  if failing(c, undetermined=True)]
    parts = []
    if len(open_parts) > 1:
        for comp in open_parts:
            r = comp.record
            result = lz.localize(r.problem, r.lo, r.hi, r.stated, max_sets=max_sets)
            if result.status != "consistent":
                parts.append(lz.Part(comp.names, r.problem.explanation(sheet.path, result)))
    if len(parts) < 2:
        result = lz.localize(rec.problem, rec.lo, rec.hi, rec.stated, max_sets=max_sets)
        return rec.problem.explanation(sheet.path, result)
    whole = rec.problem.explanation(sheet.path, union([p.explanation.result for p in parts]))
    whole.parts = parts
    return whole


def union(results: list[lz.Localisation]) -> lz.Localisation:
    """The parts' localisations as one: a contradiction anywhere is the sheet's; else the
    best set of every localised part together (each part's alternatives stay in it)."""
    failing_checks = [c for r in results for c in r.failing]
    statuses = {r.status for r in results}
    localised = [r for r in results if r.status == "localised" and r.sets]
    if "contradiction" in statuses or not localised:
        worst = next(s for s in ("contradiction", "limit", "unanalysable") if s in statuses)
        return lz.Localisation(worst, failing=failing_checks)
    best = [r.sets[0] for r in localised]
    holds = [s.warnings_hold for s in best]
    joined = lz.ChangeSet(
        figures=[n for s in best for n in s.figures], weight=sum(s.weight for s in best),
        fix={k: v for s in best for k, v in s.fix.items()}, typo=all(s.typo for s in best),
        warnings_hold=None if None in holds else all(holds),
    )
    suspects = [s for r in localised for s in r.suspects]
    return lz.Localisation("localised", [joined], suspects, any(r.more for r in localised),
                           failing_checks)
