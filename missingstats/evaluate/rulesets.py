"""Which rules apply to a file: --rules, else its own `rules:` key, else a rules.yaml beside
it, else the built-in pack (docs/rules.md, "Which rules apply"); plus the rules its
structure implies."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from missingstats.core.errors import InputError
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.rules import RuleSet, load_rules, rules_from_node


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
