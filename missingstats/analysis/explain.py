"""`explain` of one file: a figure sheet as one record, a table spec as groups of cells.

Returns typed results (localize.Explanation, explain_tables.RecordsExplanation); the
command renders them with render/explain.py.
"""

from __future__ import annotations

from missingstats.analysis import localize as lz
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
    rec = lz.sheet_record(sheet, rules, known, severities)
    result = lz.localize(rec.problem, rec.lo, rec.hi, rec.stated, max_sets=max_sets)
    return rec.problem.explanation(path, result)
