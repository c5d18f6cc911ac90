"""Editions of a series of figures: series rules, shares, --against and diff.

Importing this package registers the series and share rule kinds (parsing only, no pandas);
the entry points below import the heavy modules when they run.
"""

from __future__ import annotations

from missingstats.series import rules as _rules  # noqa: F401  (registers the rule kinds)


def check_series_file(path, top, options):
    """INPUT_KINDS["editions"]: a file holding several editions."""
    from missingstats.series.check import check_series_file as run

    return run(path, top, options)


def group_series(paths, options):
    """check.PATH_GROUPERS: sheets that are editions of one series are checked together."""
    from missingstats.series.check import group_series as run

    return run(paths, options)


def after_sheet(sheet, results, options):
    """check.SHEET_HOOKS: shares, revisions and --against for a sheet checked alone."""
    from missingstats.series.check import after_sheet as run

    return run(sheet, results, options)
