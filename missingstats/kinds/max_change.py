"""max_change: a change between editions beyond every plausible limit is worth a look.

    rules:
      - id: plausible-change
        max_change: {figures: [missing], absolute: 500, relative: 0.3}
        # severity: warning unless the rule says otherwise; pairs: all compares every pair

A warning by default. A change is flagged only when it exceeds every limit given (here
500 persons and 30% of the earlier value). Bounded figures give pass, fail or
undetermined.

Passes: `missing` 1,127 then 1,145 (+18). Fails: 1,145 then 1,845:

    FAIL plausible-change (warning) ed.yaml  1 of 2 failed
      a change of more than 500 or 30% per edition is worth a second look
      abs(missing@2021-12-31 - missing@2020-12-31) <= max(500, 0.3 * abs(missing@2020-12-31))
        at edition=2021-12-31, previous=2020-12-31
        missing rose from 1,145 to 1,845 (+700, +61.1%), more than the plausible change of 500 or 30%
        missing@2020-12-31 = 1,145  ed.yaml:11:24
        missing@2021-12-31 = 1,845  ed.yaml:13:24
        difference: 200 (left side minus right side)

The left side is the size of the change, the right side the plausible limit (the larger
of the limits given), and the difference how far the change exceeds it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from missingstats.core import reasons
from missingstats.core.errors import InputError
from missingstats.core.findings import Value
from missingstats.evaluate import edition_pairs as steps
from missingstats.inputs import keys as kt
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import Series
from missingstats.inputs.keys import Key, Table
from missingstats.kinds.base import PAIRS, PAIRS_SCHEMA, Rule, choice, figure_names

ID = "max_change"
KEYS = ("max_change",)


TABLE = Table(
    "maxChangeRule", "'max_change'", "Flag changes between editions above absolute and/or "
    "relative limits (a warning by default).", (
        Key("figures", kt.FIGURE_NAMES, "The figures to watch.", required=True),
        Key("absolute", kt.AMOUNT, "The largest change in the figure's unit."),
        Key("relative", kt.AMOUNT, "The largest change as a fraction of the earlier value."),
        Key("pairs", PAIRS_SCHEMA),
    ),
    also={"anyOf": [{"required": ["absolute"]}, {"required": ["relative"]}]},
)
SCHEMAS = {"max_change": TABLE}


def parse(m: sy.Mapping, rule: Rule) -> None:
    node = TABLE.mapping(m["max_change"], "'max_change' (figures, absolute, relative)")
    if "absolute" not in node and "relative" not in node:
        raise InputError("'max_change' needs absolute, relative or both", node.location)
    spec: dict = {"figures": figure_names(node["figures"], "max_change.figures", True),
                  "pairs": choice(node, "pairs", PAIRS, "consecutive"),
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


def figures(rule: Rule) -> list[str]:
    return list(rule.spec["figures"])


def evaluate(series: Series, rule: Rule) -> pd.DataFrame:
    s = rule.spec
    frame = steps.pairs(series.cells, s["figures"], s["pairs"])
    a_lo, a_hi = frame["lo_a"].to_numpy(float), frame["hi_a"].to_numpy(float)
    d_lo = frame["lo_b"].to_numpy(float) - a_hi
    d_hi = frame["hi_b"].to_numpy(float) - a_lo
    least = np.where((d_lo <= 0) & (d_hi >= 0), 0.0, np.minimum(np.abs(d_lo), np.abs(d_hi)))
    most = np.maximum(np.abs(d_lo), np.abs(d_hi))
    floor = -np.inf if s["absolute"] is None else s["absolute"]
    rel = s["relative"]
    lim_lo = np.maximum(floor, rel * np.abs(a_lo)) if rel is not None else np.full(len(frame), floor)
    lim_hi = np.maximum(floor, rel * np.abs(a_hi)) if rel is not None else np.full(len(frame), floor)
    frame = steps.verdict(frame, most <= lim_lo, least > lim_hi)
    frame["d_lo"], frame["d_hi"] = d_lo, d_hi
    frame["lim_lo"], frame["lim_hi"] = lim_lo, lim_hi
    return frame


def expressions(rule: Rule, frame: pd.DataFrame) -> list[str]:
    s = rule.spec
    limit = []
    if s["absolute"] is not None:
        limit.append(f"{s['absolute']:g}")
    if s["relative"] is not None:
        limit.append(f"{s['relative']:g} * abs(" + "{a})")
    bound = limit[0] if len(limit) == 1 else f"max({', '.join(limit)})"
    return [
        f"abs({n}@{eb} - {n}@{ea}) <= " + bound.format(a=f"{n}@{ea}")
        for n, ea, eb in zip(frame["name"], frame["edition_a"], frame["edition_b"])
    ]


def failures(rule: Rule, frame: pd.DataFrame) -> list[reasons.ChangedTooMuch]:
    s = rule.spec
    d_lo, d_hi = frame["d_lo"].to_numpy(float), frame["d_hi"].to_numpy(float)
    return [
        reasons.ChangedTooMuch(n, a, b, float(d), s["absolute"], s["relative"])
        for n, a, b, d in zip(frame["name"], steps.values(frame, "a"), steps.values(frame, "b"),
                              np.where(d_lo > 0, d_lo, d_hi))
    ]


def sides(rec: dict) -> tuple[Value | None, Value | None]:
    """The size of the change (when exact) against the plausible limit."""
    limit = Value.of(rec["lim_lo"], rec["lim_hi"]) if rec["lim_lo"] > -np.inf else None
    if rec["d_lo"] != rec["d_hi"]:
        return None, limit
    return Value.exact(abs(rec["d_lo"])), limit


def difference(rec: dict) -> float | None:
    """By how much the change exceeds the plausible limit (left side minus right side)."""
    if rec["d_lo"] != rec["d_hi"] or rec["lim_lo"] != rec["lim_hi"] or rec["lim_lo"] == -np.inf:
        return None
    return abs(rec["d_lo"]) - rec["lim_lo"]
