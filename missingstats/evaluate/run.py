"""Orchestrate `missingstats check`: load each input, find its rules, evaluate, combine.

Input kinds are told apart by their top-level keys (a sheet has `figures:`, a table spec
`tables:`, an editions file `editions:`); CHECKERS maps each key to its checker. Heavy
modules are imported inside the small functions below, so a plain sheet never loads the
table engine or the prose reader (startup is part of the product).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location
from missingstats.core.results import FileError, Note, Results
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


def run(paths: list[str], options: CheckOptions, errors: list[FileError] | None = None) -> Results:
    """Check every path; sheets that are editions of one series are checked together.

    An input error of one file does not stop the run: it becomes an error of that file in
    the results (`errors`, with the problems `errors` brings from finding the files), and the
    other files are checked as usual."""
    problems: list[FileError] = list(errors or [])
    parts: list[Results] = []
    alone = list(paths)
    if len(paths) > 1:
        alone, parts = _series(paths, options, problems)
    for path in alone:
        part = _checked(path, options, problems)
        if part is not None:
            parts.append(part)
    results = Results.combine(parts)
    results.errors = problems
    results.files += [f for f in results.unchecked() if f not in results.files]
    return results


def _problem(path: str, exc: Exception) -> FileError:
    """An exception of checking `path` as an error of that file. A bug of ours (not an
    InputError) is said as one, so the other files' reports are not lost to it."""
    if isinstance(exc, InputError):
        return FileError(path, exc.location, exc.message)
    return FileError(path, None, f"internal error: {type(exc).__name__}: {exc} (set "
                     "MISSINGSTATS_DEBUG=1 for details and please report it)")


def _checked(path: str, options: CheckOptions, problems: list[FileError]) -> Results | None:
    try:
        return check_file(path, options)
    except InputError as exc:
        problems.append(_problem(path, exc))
    except Exception as exc:  # noqa: BLE001 - one file's bug must not lose the others' reports
        if os.environ.get("MISSINGSTATS_DEBUG"):
            raise
        problems.append(_problem(path, exc))
    return None


def _series(paths: list[str], options: CheckOptions, problems: list[FileError]
            ) -> tuple[list[str], list[Results]]:
    """Editions of one series checked together. A member with an input error is reported
    and left out, and the series checked again without it; a problem in a file the members
    share (their rules) leaves every path to be checked alone, so each reports it."""
    from missingstats.evaluate.series import group_series

    remaining = list(paths)
    while True:
        try:
            return group_series(remaining, options, check_file)
        except InputError as exc:
            where = exc.location.file if exc.location is not None else None
            if where not in remaining:
                return remaining, []
            problems.append(_problem(where, exc))
            remaining.remove(where)
        except Exception:  # noqa: BLE001 - a bug: each path alone says which file it hits
            if os.environ.get("MISSINGSTATS_DEBUG"):
                raise
            return remaining, []
