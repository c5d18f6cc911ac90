"""Rule kinds for series of editions and for shares, registered in missingstats.inputs.rules.RULE_KINDS.

Series rules compare editions (consecutive ones by default, `pairs: all` for every pair):

    - id: identified-cumulative
      cumulative: [identified, exhumed]           # never decreases
    - id: register-stock
      stock: {name: still_missing, inflows: [newly_registered], outflows: [identified],
              flows: period}                      # period (per edition) or cumulative totals
      tolerance: 5
    - id: plausible-change
      max_change: {figures: [missing], absolute: 500, relative: 0.3}   # warning by default

Share rules hold within each edition:

    - id: pending-share
      share: {percent: pending_percent, part: still_missing, whole: missing_total}
    - id: shares-of-missing
      shares_sum: [servicemen_percent, civilians_percent]   # add to 100 within rounding

This module only parses (no pandas), so registering the kinds costs nothing at startup.
"""

from __future__ import annotations

import re

from missingstats.core.errors import InputError
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.rules import RULE_KINDS, Rule

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
PAIRS = ("consecutive", "all")
FLOWS = ("period", "cumulative")
SERIES_KINDS = ("cumulative", "stock", "max_change")
SHARE_KINDS = ("share", "shares_sum")


def _name(node: sy.Node, what: str) -> str:
    text = sy.expect_string(node, what)
    if not NAME.match(text):
        raise InputError(
            f"{what} {str(text)!r} is not a figure name (dotted names such as missing.total)",
            text.location,
        )
    return str(text)


def _names(node: sy.Node, what: str, allow_one: bool = False) -> list[str]:
    if allow_one and isinstance(node, sy.Scalar):
        return [_name(node, what)]
    items = sy.expect_sequence(node, f"{what} (a list of figure names)")
    if not items:
        raise InputError(f"{what} lists no figures", items.location)
    names = [_name(i, what) for i in items]
    for i, n in enumerate(names):
        if n in names[:i]:
            raise InputError(f"{what} lists {n!r} twice", items[i].location)
    return names


def _keys(m: sy.Mapping, kind: str, allowed: set[str], required: set[str]) -> None:
    for key in m:
        if key not in allowed:
            raise InputError(
                f"unknown key {str(key)!r} in '{kind}'; it has {', '.join(sorted(allowed))}",
                key.location,
            )
    for key in sorted(required - set(m)):
        raise InputError(f"'{kind}' needs '{key}'", m.location)


def _choice(m: sy.Mapping, key: str, choices: tuple[str, ...], default: str) -> str:
    if key not in m:
        return default
    text = sy.expect_string(m[key], key)
    if text not in choices:
        raise InputError(f"{key} must be {' or '.join(choices)}, found {str(text)!r}", text.location)
    return str(text)


def parse_cumulative(m: sy.Mapping, rule: Rule) -> None:
    node = m["cumulative"]
    if isinstance(node, sy.Mapping):
        _keys(node, "cumulative", {"figures", "pairs"}, {"figures"})
        rule.spec = {"figures": _names(node["figures"], "cumulative.figures", True),
                     "pairs": _choice(node, "pairs", PAIRS, "consecutive")}
    else:
        rule.spec = {"figures": _names(node, "cumulative", True), "pairs": "consecutive"}
    if not rule.description:
        rule.description = "a cumulative count never decreases from one edition to the next"


def parse_stock(m: sy.Mapping, rule: Rule) -> None:
    node = sy.expect_mapping(m["stock"], "'stock' (name, inflows, outflows)")
    _keys(node, "stock", {"name", "inflows", "outflows", "flows", "pairs"}, {"name"})
    if "inflows" not in node and "outflows" not in node:
        raise InputError("'stock' needs inflows, outflows or both", node.location)
    name = _name(node["name"], "stock.name")
    inflows = _names(node["inflows"], "stock.inflows", True) if "inflows" in node else []
    outflows = _names(node["outflows"], "stock.outflows", True) if "outflows" in node else []
    for n in inflows + outflows:
        if n == name:
            raise InputError(f"stock {name!r} cannot be its own flow", node.location)
    rule.spec = {"name": name, "inflows": inflows, "outflows": outflows,
                 "flows": _choice(node, "flows", FLOWS, "period"),
                 "pairs": _choice(node, "pairs", PAIRS, "consecutive")}
    if not rule.description:
        rule.description = (
            f"{name} changes only by its flows: now = before + "
            f"{' + '.join(inflows) or '0'} - {' - '.join(outflows) or '0'}"
        )


def parse_max_change(m: sy.Mapping, rule: Rule) -> None:
    node = sy.expect_mapping(m["max_change"], "'max_change' (figures, absolute, relative)")
    _keys(node, "max_change", {"figures", "absolute", "relative", "pairs"}, {"figures"})
    if "absolute" not in node and "relative" not in node:
        raise InputError("'max_change' needs absolute, relative or both", node.location)
    spec: dict = {"figures": _names(node["figures"], "max_change.figures", True),
                  "pairs": _choice(node, "pairs", PAIRS, "consecutive"),
                  "absolute": None, "relative": None}
    for key in ("absolute", "relative"):
        if key in node:
            x = sy.parse_number(node[key], f"max_change.{key}")
            if x < 0:
                raise InputError(f"max_change.{key} must be 0 or more", node[key].location)
            spec[key] = x
    rule.spec = spec
    if "severity" not in m:
        rule.severity = "warning"
    if not rule.description:
        limits = []
        if spec["absolute"] is not None:
            limits.append(f"{spec['absolute']:g}")
        if spec["relative"] is not None:
            limits.append(f"{spec['relative'] * 100:g}%")
        rule.description = f"a change of more than {' or '.join(limits)} per edition is worth a second look"


def parse_share(m: sy.Mapping, rule: Rule) -> None:
    node = sy.expect_mapping(m["share"], "'share' (percent, part, whole)")
    _keys(node, "share", {"percent", "part", "whole"}, {"percent", "part", "whole"})
    rule.spec = {"percent": _name(node["percent"], "share.percent"),
                 "part": _names(node["part"], "share.part", True),
                 "whole": _name(node["whole"], "share.whole")}
    if not rule.description:
        rule.description = "a stated percentage agrees with the counts it derives from, within its rounding"


def parse_shares_sum(m: sy.Mapping, rule: Rule) -> None:
    node = m["shares_sum"]
    total = 100.0
    if isinstance(node, sy.Mapping):
        _keys(node, "shares_sum", {"figures", "total"}, {"figures"})
        figures = _names(node["figures"], "shares_sum.figures")
        if "total" in node:
            total = sy.parse_number(node["total"], "shares_sum.total")
    else:
        figures = _names(node, "shares_sum")
    if len(figures) < 2:
        raise InputError("'shares_sum' needs at least two shares", node.location)
    rule.spec = {"figures": figures, "total": total}
    if not rule.description:
        rule.description = f"shares of one whole add to {total:g} per cent within their rounding"


RULE_KINDS.update({
    "cumulative": parse_cumulative,
    "stock": parse_stock,
    "max_change": parse_max_change,
    "share": parse_share,
    "shares_sum": parse_shares_sum,
})


def figures_of(rule: Rule) -> list[str]:
    """Every figure a series or share rule reads."""
    s = rule.spec
    if rule.kind == "stock":
        return [s["name"], *s["inflows"], *s["outflows"]]
    if rule.kind == "share":
        return [s["percent"], *s["part"], s["whole"]]
    return list(s["figures"])
