"""`check NEW --against OLD`: compare a sheet with its older version before it is published.

OLD is a file, or a git revision (`--against HEAD`, `--against main~1`): then the older
version is the same path as committed at that revision, read with `git show REV:path` (never
by checking anything out). A file that is new in that revision is said so and skipped.
Changed figures become notes ("identified: 1,053 -> 1,035 (-18) since HEAD") and the series
rules run over the pair (older, newer edition), so a break fails the check.
"""

from __future__ import annotations

from missingstats.analysis.changes import change_notes, change_table, changes
from missingstats.core import reasons
from missingstats.core.errors import InputError, Location
from missingstats.core.results import ChangeTable, Note, Results
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import Edition, Series, build_series, edition_meta, parse_sheet_text
from missingstats.inputs.versions import read_older


def _labels(old, new, old_label: str, new_label: str) -> tuple[str, str, bool]:
    """Edition labels: the as_of dates when both have distinct ones, else where they come from;
    the flag says whether to order the pair by date (else older version first)."""
    a, b = old.source.get("as_of"), new.source.get("as_of")
    if a and b and a != b:
        return a, b, True
    if old_label == new_label:
        old_label += " (older)"
    return old_label, new_label, False


def against_sheet(sheet, ruleset, options) -> Results:
    """Compare one checked sheet with its older version (file or git revision)."""
    from missingstats.evaluate.series_steps import evaluate_series

    out = Results(files=[])
    older = read_older(options.against, sheet.path)
    if older is None:
        out.notes.append(Note(Location(sheet.path), reasons.NewInRevision(options.against)))
        return out
    label, text = older
    try:
        old = parse_sheet_text(label, text)
    except InputError as exc:
        out.notes.append(Note(Location(sheet.path), reasons.OlderUnreadable(label, str(exc))))
        return out
    _, renamed, _ = edition_meta(sheet)
    table = change_table(old.cells(), sheet.cells(), renamed)
    out.notes.extend(change_notes(table, since=options.against, file=sheet.path))
    out.against.append(ChangeTable(sheet.path, label, tuple(changes(table))))
    a, b = old.source.get("as_of"), sheet.source.get("as_of")
    if a and a == b:
        out.notes.append(Note(Location(sheet.path), reasons.SameEdition(a)))
        return out
    la, lb, by_date = _labels(old, sheet, label, sheet.path)
    series = build_series(
        sheet.path, [Edition(la, old), Edition(lb, sheet, renamed)], order_by_date=by_date
    )
    out.extend(evaluate_series(series, ruleset.rules, ruleset.vocabulary, sheet.path,
                                   options.keep_passes))
    return out


def against_editions(path: str, series: Series, options) -> Results:
    """An editions file against its older version: which editions are new, which changed."""
    from missingstats.inputs.editions import load_editions_file

    out = Results(files=[])
    older = read_older(options.against, path)
    if older is None:
        out.notes.append(Note(Location(path), reasons.NewInRevision(options.against, True)))
        return out
    label, text = older
    try:
        top = sy.expect_mapping(sy.load(label, text), "an editions file")
        if "editions" not in top:
            raise InputError("it is not an editions file", top.location)
        old = load_editions_file(label, top)
    except InputError as exc:
        out.notes.append(Note(Location(path), reasons.OlderUnreadable(label, str(exc))))
        return out
    table = change_table(old.cells, series.cells, {})
    out.notes.extend(change_notes(table, since=options.against, file=path))
    out.against.append(ChangeTable(path, label, tuple(changes(table))))
    return out
