"""How a series is checked: an editions file, a group of sheets of one series, or one sheet
against its older version.

- An editions file: every edition's check rules at once (the engine's edition axis), the
  rules implied by each edition's structure, shares per edition, then the series rules.
- Sheets with the same `edition: {series: ID}` given to one `check` run: each sheet is
  checked as usual, then the series rules of the newest sheet's rules run across them.
- Any sheet: shares, revision entries, and with `--against` a comparison with the older
  version (see against.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from missingstats.core.errors import InputError
from missingstats.core.results import Results
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import (
    Series,
    build_series,
    edition_from_sheet,
    edition_meta,
    load_editions_file,
    parse_revisions,
)

EDITION_KEY = re.compile(r"^edition\s*:", re.MULTILINE)
YAML_SUFFIXES = {".yaml", ".yml"}


def merge_counts(results: Results) -> Results:
    """One tally per (file, rule) after several partial evaluations of the same rule."""
    results.merge_tallies()
    return results


def evaluate_editions(series: Series, ruleset, file: str, options) -> Results:
    """Check rules, implied rules and shares in every edition; then the series rules."""
    from missingstats.evaluate.series_steps import evaluate_series
    from missingstats.kinds.check import evaluate_checks
    from missingstats.kinds.share import evaluate_shares

    labels = series.labels
    cells = series.cells
    rules = list(ruleset.rules)
    out = evaluate_checks(_with_sources(series), rules, file, ruleset.vocabulary, editions=labels,
                          keep_passes=options.keep_passes)
    if options.implied:
        _implied(series, file, options, out)
    out.extend(evaluate_shares(cells, rules, file, ruleset.vocabulary, options.keep_passes))
    out.extend(evaluate_series(series, rules, ruleset.vocabulary, file, options.keep_passes))
    for e in series.editions:
        out.notes.extend(e.sheet.notes)
    return merge_counts(out)


def _with_sources(series: Series):
    """The series' cells and, in every edition, its sources' figures (`alias.name`)."""
    if not series.sources:
        return series.cells
    import pandas as pd

    from missingstats.inputs.sources import rows

    extra = pd.DataFrame([{**r, "edition": label, "original": r["name"]}
                          for label in series.labels for r in rows(series.sources)])
    return pd.concat([series.cells, extra], ignore_index=True)


def _implied(series: Series, file: str, options, out: Results) -> None:
    """Implied rules of each edition's own structure, editions with one structure at once."""
    from missingstats.kinds import implied as implied_kind
    from missingstats.kinds.check import evaluate_checks

    groups: dict[tuple, tuple[list, list[str]]] = {}
    for e in series.editions:
        if not e.sheet.settings["implied"]:
            continue
        rules = implied_kind.for_sheet(e.sheet)
        key = tuple((r.id, tuple(i.text for i in r.instances)) for r in rules)
        groups.setdefault(key, (rules, []))[1].append(e.label)
    own = series.cells.assign(name=series.cells["original"])
    for rules, labels in groups.values():
        if not rules:
            continue
        cells = own[own["edition"].isin(labels)]
        out.extend(evaluate_checks(cells, rules, file, set(), editions=labels,
                                       keep_passes=options.keep_passes))


def check_series_file(path: str, top: sy.Mapping, options) -> Results:
    from missingstats.evaluate.rulesets import find_rules
    from missingstats.inputs.sources import check_aliases, load_sources

    series = load_editions_file(path, top)
    if "sources" in top:
        series.sources = load_sources(path, top["sources"], options.sheets())
        check_aliases(top["sources"], series.cells["name"], "a figure of this file")
    ruleset = find_rules(path, top.get("rules"), options.rules)
    out = evaluate_editions(series, ruleset, path, options)
    out.files = [path]
    if options.against:
        from missingstats.analysis.against import against_editions

        out.extend(against_editions(path, series, options))
    return merge_counts(out)


def _series_id(path: str) -> str | None:
    """The series a sheet declares, read only when its text mentions `edition:`."""
    from missingstats.inputs.sheet import load_sheet

    if Path(path).suffix.lower() not in YAML_SUFFIXES:
        return None
    try:
        text = sy.read_text(path)  # bounded: a FIFO or device named *.yaml must not hang here
    except InputError:
        return None  # check_file reports it properly
    if not EDITION_KEY.search(text):
        return None
    try:
        root = sy.load(path, text)
        if not isinstance(root, sy.Mapping) or "figures" not in root or "edition" not in root:
            return None
        return edition_meta(load_sheet(path))[0]
    except InputError:
        return None  # checked alone, check_file reports the problem where it is


def group_series(paths: list[str], options, check) -> tuple[list[str], list[Results]]:
    """Sheets of one series given together: check each (with `check(path, options)`), then
    the series rules across them. Returns the paths still to check alone, and the results."""
    groups: dict[str, list[str]] = {}
    for p in paths:
        sid = _series_id(p)
        if sid is not None:
            groups.setdefault(sid, []).append(p)
    grouped = {p for members in groups.values() if len(members) > 1 for p in members}
    if not grouped:
        return paths, []
    out = []
    for sid, members in groups.items():
        if len(members) > 1:
            out.append(check_sheet_series(sid, members, options, check))
    return [p for p in paths if p not in grouped], out


def check_sheet_series(series_id: str, paths: list[str], options, check) -> Results:
    from missingstats.evaluate.rulesets import find_rules
    from missingstats.evaluate.series_steps import evaluate_series
    from missingstats.inputs.sheet import load_sheet

    parts = [check(p, options) for p in paths]
    sheets = [load_sheet(p) for p in paths]
    for s in sheets:
        if "as_of" not in s.source:
            where = s.root["edition"].location if s.root is not None else None
            raise InputError(
                f"this sheet is an edition of series {series_id!r} but has no source.as_of; "
                "give the date its figures refer to",
                where,
            )
    series = build_series(series_id, [edition_from_sheet(s) for s in sheets])
    newest = series.editions[-1].sheet
    ruleset = find_rules(newest.path, newest.rules, options.rules)
    parts.append(evaluate_series(series, ruleset.rules, ruleset.vocabulary, newest.path,
                                 options.keep_passes))
    return merge_counts(Results.combine(parts))


def after_sheet(sheet, results: Results, options) -> None:
    """SHEET_HOOKS entry: validate edition/revision keys, check shares, compare --against."""
    from missingstats.evaluate.rulesets import find_rules

    if sheet.root is not None and "editions" in sheet.root:
        key = next(k for k in sheet.root if k == "editions")
        raise InputError("a file holds either 'figures' (one edition) or 'editions', not both",
                         key.location)
    edition_meta(sheet)
    parse_revisions(sheet, sheet.source.get("as_of", sheet.path), sheet.source.get("as_of"))
    ruleset = sheet.ruleset or find_rules(sheet.path, sheet.rules, options.rules)
    if any(r.kind in ("share", "shares_sum") for r in ruleset.rules):
        from missingstats.kinds.share import evaluate_shares, sheet_cells

        results.extend(evaluate_shares(sheet_cells(sheet), ruleset.rules, sheet.path,
                                           ruleset.vocabulary, options.keep_passes))
    if options.against:
        from missingstats.analysis.against import against_sheet

        results.extend(against_sheet(sheet, ruleset, options))
    merge_counts(results)
