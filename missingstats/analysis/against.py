"""`check NEW --against OLD`: compare a sheet with its older version before it is published.

OLD is a file, or a git revision (`--against HEAD`, `--against main~1`): then the older
version is the same path as committed at that revision, read with `git show REV:path` (never
by checking anything out). A file that is new in that revision is said so and skipped.
Changed figures become notes ("identified: 1,053 -> 1,035 (-18) since HEAD") and the series
rules run over the pair (older, newer edition), so a break fails the check.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from missingstats.core.errors import InputError, Location
from missingstats.core.results import Results
from missingstats.evaluate import series_common as cm
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import Edition, Series, build_series, edition_meta, parse_sheet_text
from missingstats.inputs.yamlnodes import Note


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, timeout=60)
    except FileNotFoundError:
        raise InputError("git is not installed: --against REV reads the older version with git") from None
    except subprocess.TimeoutExpired:
        raise InputError("git did not answer within 60 s") from None


def read_older(against: str, path: str) -> tuple[str, str] | None:
    """(label, text) of the older version of `path`; None when it is new in that revision."""
    if Path(against).is_file():
        return against, sy.read_text(against)
    return read_revision(against, path)


def read_revision(against: str, path: str) -> tuple[str, str] | None:
    """`path` as committed at git revision `against` (None when it is not in it)."""
    target = Path(path).resolve()
    where = target.parent
    if not where.is_dir():
        raise InputError("no such file", Location(path))
    rev = _git(["rev-parse", "--verify", "--quiet", f"{against}^{{commit}}"], where)
    if rev.returncode != 0:
        inside = _git(["rev-parse", "--git-dir"], where).returncode == 0
        if not inside:
            raise InputError(
                f"--against {against}: no such file, and {path} is not inside a git repository "
                "(give an older file, or a revision such as HEAD inside a repository)"
            )
        raise InputError(
            f"--against {against}: neither a file nor a git revision of this repository "
            "(try HEAD, HEAD~1, a tag or a branch)"
        )
    spec = f"{against}:./{target.name}"
    if _git(["cat-file", "-e", spec], where).returncode != 0:
        return None
    shown = _git(["show", spec], where)
    if shown.returncode != 0:
        raise InputError(f"git show {spec} failed: {shown.stderr.decode(errors='replace').strip()}")
    try:
        text = shown.stdout.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{against}:{path} is not valid UTF-8", Location(path)) from None
    return f"{against}:{path}", text


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
    from missingstats.analysis.changes import change_notes, change_table
    from missingstats.evaluate.series_rules import evaluate_series

    out = Results(files=[])
    older = read_older(options.against, sheet.path)
    if older is None:
        out.notes.append(Note(Location(sheet.path), (
            f"new in {options.against}: there is no older version to compare against"
        )))
        return out
    label, text = older
    try:
        old = parse_sheet_text(label, text)
    except InputError as exc:
        out.notes.append(Note(Location(sheet.path), (
            f"the older version ({label}) cannot be read, so it was not compared: {exc}"
        )))
        return out
    _, renamed, _ = edition_meta(sheet)
    table = change_table(old.cells(), sheet.cells(), renamed)
    out.notes.extend(change_notes(table, since=options.against, file=sheet.path))
    out.extras["against"] = [{"file": sheet.path, "older": label,
                              "changes": table_records(table)}]
    a, b = old.source.get("as_of"), sheet.source.get("as_of")
    if a and a == b:
        out.notes.append(Note(Location(sheet.path), (
            f"both versions are the edition as of {a}: the changes are corrections of that edition, "
            "so the series rules were not applied"
        )))
        return out
    la, lb, by_date = _labels(old, sheet, label, sheet.path)
    series = build_series(
        sheet.path, [Edition(la, old), Edition(lb, sheet, renamed)], order_by_date=by_date
    )
    cm.append(out, evaluate_series(series, ruleset.rules, ruleset.vocabulary, sheet.path,
                                   options.keep_passes))
    return out


def against_editions(path: str, series: Series, options) -> Results:
    """An editions file against its older version: which editions are new, which changed."""
    from missingstats.analysis.changes import change_notes, change_table
    from missingstats.inputs.editions import load_editions_file

    out = Results(files=[])
    older = read_older(options.against, path)
    if older is None:
        out.notes.append(Note(Location(path), f"new in {options.against}: nothing to compare against"))
        return out
    label, text = older
    try:
        top = sy.expect_mapping(sy.load(label, text), "an editions file")
        if "editions" not in top:
            raise InputError("it is not an editions file", top.location)
        old = load_editions_file(label, top)
    except InputError as exc:
        out.notes.append(Note(Location(path), (
            f"the older version ({label}) cannot be read, so it was not compared: {exc}"
        )))
        return out
    table = change_table(old.cells, series.cells, {})
    out.notes.extend(change_notes(table, since=options.against, file=path))
    out.extras["against"] = [{"file": path, "older": label, "changes": table_records(table)}]
    return out


def table_records(table) -> list[dict]:
    from missingstats.analysis.changes import records

    return records(table)
