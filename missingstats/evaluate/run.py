"""Orchestrate `missingstats check`: load each input, find its rules, evaluate, combine.

Input kinds are told apart by their top-level keys (a sheet has `figures:`, a table spec
`tables:`, an editions file `editions:`); CHECKERS maps each key to its checker. Heavy
modules are imported inside the small functions below, so a plain sheet never loads the
table engine or the prose reader (startup is part of the product).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location
from missingstats.core.results import Note, Results
from missingstats.evaluate.options import CheckOptions
from missingstats.evaluate.rulesets import sheet_rules
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.discovery import INPUT_KEYS, TABLE_SUFFIXES


def check_sheet(path: str, top: sy.Mapping, options: CheckOptions) -> Results:
    from missingstats.inputs.sheet import load_sheet
    from missingstats.inputs.sources import attach, cached_sheet
    from missingstats.kinds.check import evaluate_checks

    sheet = attach(cached_sheet(path, options.sheets()) or load_sheet(path), options.sheets())
    rules, known = sheet_rules(path, sheet, options.rules, options.implied)
    results = evaluate_checks(sheet.cells(sources=True), rules, path, known,
                              keep_passes=options.keep_passes)
    results.notes.extend(sheet.notes)
    for applies, hook in SHEET_PASSES:
        if applies(sheet, results, options):
            hook(sheet, results, options)
    return results


def check_table_spec(path: str, top: sy.Mapping, options: CheckOptions) -> Results:
    from missingstats.evaluate.tables.run import check_table_spec as check

    return check(path, top, options)


def check_editions_file(path: str, top: sy.Mapping, options: CheckOptions) -> Results:
    from missingstats.evaluate.series import check_series_file

    return check_series_file(path, top, options)


# top-level key -> checker(path, root mapping, options) -> Results
CHECKERS: dict[str, Callable[[str, sy.Mapping, CheckOptions], Results]] = {
    "figures": check_sheet,
    "tables": check_table_spec,
    "editions": check_editions_file,
}
assert tuple(CHECKERS) == INPUT_KEYS


def check_file(path: str, options: CheckOptions) -> Results:
    if Path(path).suffix.lower() in TABLE_SUFFIXES:
        raise InputError(
            "a table is checked through a table spec (YAML with 'tables:') that names its "
            "dimensions and measure; see docs/tables.md",
            Location(path),
        )
    root = sy.load(path)
    top = sy.expect_mapping(root, "an input file")
    for key, checker in CHECKERS.items():
        if key in top:
            results = checker(path, top, options)
            for flag, value, kinds in (("--against", options.against, ("figures", "editions")),
                                       ("--text/--prose", options.text or options.prose,
                                        ("figures",))):
                if value and key not in kinds:
                    results.notes.append(Note(Location(path), reasons.FlagMismatch(flag, key)))
            return results
    if "rules" in top:
        raise InputError(
            "this is a rules file; check a sheet with it: missingstats check SHEET --rules "
            f"{path}",
            Location(path, 1, 1),
        )
    raise InputError(
        f"not a figure sheet or table spec: expected one of the keys {', '.join(CHECKERS)}",
        top.location,
    )


# --- passes over a checked sheet -------------------------------------------------------------
# Each is (applies, pass): the cheap `applies` test keeps a plain sheet from importing
# modules it does not need.


def _has_text(sheet, results: Results, options: CheckOptions) -> bool:
    # Opt-in: reading prose compiles ~40 patterns (0.1 s), too much for every pre-commit run.
    return bool(options.text or (options.prose and sheet.text))


def _prose(sheet, results: Results, options: CheckOptions) -> None:
    from missingstats.kinds.prose import check_hook

    check_hook(sheet, results, options)


SHARE_KEYS = {"share", "shares_sum"}


def _is_edition(sheet, results: Results, options: CheckOptions) -> bool:
    root = sheet.root or {}
    return bool(
        options.against
        or "edition" in root
        or "editions" in root
        or any("revised" in f.extra for f in sheet.figures.values())
        or any(r.kind in SHARE_KEYS for r in sheet.ruleset.rules)
    )


def _editions(sheet, results: Results, options: CheckOptions) -> None:
    from missingstats.evaluate.series import after_sheet

    after_sheet(sheet, results, options)


def _has_error_failure(sheet, results: Results, options: CheckOptions) -> bool:
    return results.errors_failed()


def _hint(sheet, results: Results, options: CheckOptions) -> None:
    from missingstats.analysis.hint import check_hint

    check_hint(sheet, results, options)


SHEET_PASSES: list[tuple[Callable[..., bool], Callable[..., None]]] = [
    (_has_text, _prose),        # the prose against the figures
    (_is_edition, _editions),   # shares, revisions, --against
    (_has_error_failure, _hint),  # which figure is most likely wrong
]


def run(paths: list[str], options: CheckOptions) -> Results:
    """Check every path; sheets that are editions of one series are checked together."""
    from missingstats.evaluate.series import group_series

    parts: list[Results] = []
    if len(paths) > 1:
        paths, parts = group_series(paths, options, check_file)
    return Results.combine(parts + [check_file(p, options) for p in paths])
