"""Orchestrate `missingstats check`: load each input, find its rules, evaluate, combine.

Input kinds are told apart by their top-level keys (a sheet has `figures:`, a table spec
`tables:`), and each kind registers a checker in INPUT_KINDS so this module stays small.
Rules come from --rules, else the file's own `rules:` key, else a rules.yaml beside the
file, else the built-in pack (README: "Which rules apply").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location
from missingstats.core.results import Note, Results
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.rules import RuleSet, load_rules, rules_from_node

TABLE_SUFFIXES = {".csv", ".tsv", ".parquet", ".xlsx", ".xlsm", ".xls"}


@dataclass
class CheckOptions:
    rules: str | None = None
    implied: bool = True
    keep_passes: bool = True
    max_failures: int | None = 20
    text: str | None = None
    prose: bool = False  # check the prose a sheet names in `text:` (--prose, or --text PATH)
    against: str | None = None
    progress: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


# top-level key -> module:function(path, root, options) -> Results
INPUT_KINDS: dict[str, str] = {
    "figures": "missingstats.evaluate.run:check_sheet",
    "tables": "missingstats.evaluate.tables.run:check_table_spec",
    "editions": "missingstats.evaluate.series:check_series_file",
}


def builtin_pack() -> Path:
    """The default pack: shipped in the wheel, or the top-level rules.yaml of a checkout."""
    shipped = resources.files("missingstats") / "packs" / "default-rules.yaml"
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "rules.yaml"


def find_rules(path: str, own: sy.Node | None, explicit: str | None) -> RuleSet:
    if explicit:
        return load_rules(explicit)
    base = Path(path).parent
    if own is not None:
        if isinstance(own, sy.Scalar):
            target = base / str(own)
            if not target.exists():
                raise InputError(f"rules file {str(own)!r} does not exist", own.location)
            return load_rules(target)
        return rules_from_node(own, path, base)
    beside = base / "rules.yaml"
    if beside.is_file() and beside.resolve() != Path(path).resolve():
        return load_rules(beside)
    return load_rules(builtin_pack())


def _resolve(target: str) -> Callable[..., Results]:
    import importlib

    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)


def check_file(path: str, options: CheckOptions) -> Results:
    if Path(path).suffix.lower() in TABLE_SUFFIXES:
        raise InputError(
            "a table is checked through a table spec (YAML with 'tables:') that names its "
            "dimensions and measure; see README 'Tables'",
            Location(path),
        )
    root = sy.load(path)
    top = sy.expect_mapping(root, "an input file")
    for key, target in INPUT_KINDS.items():
        if key in top:
            results = _resolve(target)(path, top, options)
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
        f"not a figure sheet or table spec: expected one of the keys {', '.join(INPUT_KINDS)}",
        top.location,
    )


def sheet_rules(path: str, sheet, rules_path: str | None, implied: bool = True):
    """The rules `check` applies to a sheet (--rules, its own, beside it, or the pack; plus
    the rules its structure implies) and the pack's vocabulary. The RuleSet found is kept on
    the sheet, so later passes (hints, editions) do not look it up again."""
    from missingstats.kinds import implied as implied_kind

    if sheet.ruleset is None:
        sheet.ruleset = find_rules(path, sheet.rules, rules_path)
    rules = list(sheet.ruleset.rules)
    if implied and sheet.settings["implied"]:
        rules = implied_kind.for_sheet(sheet) + rules
    return rules, sheet.ruleset.vocabulary


def check_sheet(path: str, top: sy.Mapping, options: CheckOptions) -> Results:
    from missingstats.inputs.sheet import load_sheet
    from missingstats.kinds.check import evaluate_checks

    sheet = load_sheet(path)
    rules, known = sheet_rules(path, sheet, options.rules, options.implied)
    results = evaluate_checks(sheet.cells(), rules, path, known, keep_passes=options.keep_passes)
    results.notes.extend(sheet.notes)
    for applies, hook in SHEET_HOOKS:
        if applies(sheet, results, options):
            _resolve(hook)(sheet, results, options)
    return results


def _has_text(sheet, results: Results, options: CheckOptions) -> bool:
    # Opt-in: reading prose compiles ~40 patterns (0.1 s), too much for every pre-commit run.
    return bool(options.text or (options.prose and sheet.text))


SERIES_KINDS = {"share", "shares_sum"}


def _is_edition(sheet, results: Results, options: CheckOptions) -> bool:
    root = sheet.root or {}
    return bool(
        options.against
        or "edition" in root
        or "editions" in root
        or any("revised" in f.extra for f in sheet.figures.values())
        or any(r.kind in SERIES_KINDS for r in sheet.ruleset.rules)
    )


def _has_error_failure(sheet, results: Results, options: CheckOptions) -> bool:
    return results.errors_failed()


# Extra passes over a checked sheet (prose vs figures, editions and --against, hints): each
# is (applies, "module:function(sheet, results, options)"); the cheap `applies` test keeps a
# plain sheet from importing modules it does not need (startup is part of the product).
SHEET_HOOKS: list[tuple] = [
    (_has_text, "missingstats.kinds.prose:check_hook"),
    (_is_edition, "missingstats.evaluate.series:after_sheet"),
    (_has_error_failure, "missingstats.analysis.localize:check_hint"),
]


# Passes over the whole list of inputs before each is checked alone (sheets that are editions
# of one series): (applies(paths, options), "module:function(paths, options) -> (paths still
# to check, [Results])").
PATH_GROUPERS: list[tuple] = [
    (lambda paths, options: len(paths) > 1, "missingstats.evaluate.series:group_series"),
]


def recognised_inputs(paths: list[str]) -> list[str]:
    """The paths that are sheets, table specs or editions files (`check --skip-unknown`).

    A pre-commit hook passes every changed YAML file; other YAML (.pre-commit-config.yaml,
    workflows, rules files) is skipped, named on stderr. A file that looks like ours but does
    not parse is kept, so checking it reports the problem."""
    import re
    import sys

    import yaml

    keys = "|".join(map(re.escape, INPUT_KINDS))
    sniff = re.compile(rf"^[\"']?({keys})[\"']?[ \t]*:", re.MULTILINE)
    keep = []
    for path in paths:
        try:
            text = Path(path).read_bytes().decode("utf-8", "replace")
        except OSError:
            keep.append(path)
            continue
        if not sniff.search(text):
            continue
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            keep.append(path)
            continue
        if not isinstance(root, yaml.MappingNode):
            continue
        top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
        if set(top) & (set(INPUT_KINDS) - {"figures"}) or isinstance(top.get("figures"), yaml.MappingNode):
            keep.append(path)
        elif "figures" in top and not ({"rules", "include"} & set(top)):
            keep.append(path)  # a malformed sheet: let the check say what is wrong
    skipped = [p for p in paths if p not in keep]
    if skipped:
        sys.stderr.write(f"missingstats: skipped {len(skipped)} file(s) that are not sheets, table "
                         f"specs or editions files: {', '.join(skipped)}\n")
    return keep


def run(paths: list[str], options: CheckOptions) -> Results:
    parts: list[Results] = []
    for applies, grouper in PATH_GROUPERS:
        if applies(paths, options):
            paths, grouped = _resolve(grouper)(paths, options)
            parts.extend(grouped)
    return Results.combine(parts + [check_file(p, options) for p in paths])
