"""The rule kinds, one module each: the registry every loader, evaluator and tool imports.

A kind's module is imported only when a rule of that kind is met (a sheet of `check` rules
never loads the table kinds), so the imports are written out here, one small function per
kind, where readers and tools can see them.

Every kind module defines:
    ID, KEYS          its id and the rule keys it owns (`share` owns `share` and `shares_sum`)
    parse(m, rule)    the rule mapping's own keys into `rule.spec` (rules files; no data)
    SCHEMAS           beside `parse`: rule key -> the schema of its value, a key table
                      (inputs/keys.py) when it is a mapping; `parse` checks the mapping's
                      keys with that table, and schemas/build.py ships it to editors
and its docstring is its documentation (docs/rule-kinds.md is generated from it). Where it
applies is `Kind.inputs` below, and each input has its own entry points:
    "sheet"    evaluated over a sheet's figures, every edition at once:
               check.evaluate_checks / share.evaluate_shares (cells, rules, file, known, ...)
               -> Results, called by evaluate/run.py (sheets) and evaluate/series.py
    "series"   across the editions of a series (evaluate/series_steps.py drives them):
               figures(rule), evaluate(series, rule) -> a frame of edition pairs with their
               status, expressions(rule, frame), failures(rule, frame) -> reasons
    "tables"   compile(spec, rule) -> plans, before any table is read, and
               run(engine, plan, cap) -> Outcome on the numpy arrays (evaluate/tables/run.py)
The two built-in kinds have no rule key: `prose` (check_hook, run when a sheet has a text)
and `implied` (for_sheet, for_tables: the rules a file's structure implies).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType


def _check() -> ModuleType:
    from missingstats.kinds import check

    return check


def _hierarchy() -> ModuleType:
    from missingstats.kinds import hierarchy

    return hierarchy


def _group() -> ModuleType:
    from missingstats.kinds import group

    return group


def _unique() -> ModuleType:
    from missingstats.kinds import unique

    return unique


def _codes() -> ModuleType:
    from missingstats.kinds import codes

    return codes


def _complete() -> ModuleType:
    from missingstats.kinds import complete

    return complete


def _cumulative() -> ModuleType:
    from missingstats.kinds import cumulative

    return cumulative


def _stock() -> ModuleType:
    from missingstats.kinds import stock

    return stock


def _max_change() -> ModuleType:
    from missingstats.kinds import max_change

    return max_change


def _share() -> ModuleType:
    from missingstats.kinds import share

    return share


def _prose() -> ModuleType:
    from missingstats.kinds import prose

    return prose


def _implied() -> ModuleType:
    from missingstats.kinds import implied

    return implied


@dataclass(frozen=True)
class Kind:
    id: str
    keys: tuple[str, ...]  # rule keys that select this kind (none: built-in rules only)
    inputs: frozenset[str]
    load: Callable[[], ModuleType]


KINDS: dict[str, Kind] = {k.id: k for k in (
    Kind("check", ("check",), frozenset({"sheet", "tables"}), _check),
    Kind("hierarchy", ("hierarchy",), frozenset({"tables"}), _hierarchy),
    Kind("group", ("group",), frozenset({"tables"}), _group),
    Kind("unique", ("unique",), frozenset({"tables"}), _unique),
    Kind("codes", ("codes",), frozenset({"tables"}), _codes),
    Kind("complete", ("complete",), frozenset({"tables"}), _complete),
    Kind("cumulative", ("cumulative",), frozenset({"series"}), _cumulative),
    Kind("stock", ("stock",), frozenset({"series"}), _stock),
    Kind("max_change", ("max_change",), frozenset({"series"}), _max_change),
    Kind("share", ("share", "shares_sum"), frozenset({"sheet"}), _share),
    Kind("prose", (), frozenset({"sheet"}), _prose),
    Kind("implied", (), frozenset({"sheet", "tables"}), _implied),
)}

# rule key -> kind (a rule names its kind by one of these keys)
BY_KEY: dict[str, Kind] = {key: kind for kind in KINDS.values() for key in kind.keys}


def module(key: str) -> ModuleType:
    """The module of the kind a rule key (or kind id) selects."""
    kind = BY_KEY.get(key) or KINDS[key]
    return kind.load()


def kind_of(key: str) -> str:
    """The kind id of a rule key (`shares_sum` -> `share`)."""
    return BY_KEY[key].id
