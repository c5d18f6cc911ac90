"""cumulative: a cumulative count never decreases from one edition to the next.

    rules:
      - id: cumulative-counts
        cumulative: [identified, exhumed]          # or {figures: [...], pairs: all}

Compares each edition with the previous edition that reports the figure (every earlier
one with `pairs: all`); one instance per figure and pair of editions. Bounded figures
("at least 1,000") give pass, fail or undetermined.

Passes: `identified` 1,035 in 2019, 1,053 in 2020. Fails: 1,053 then 1,035, with both
lines (the newer first, so an annotation lands on the line to fix):

    FAIL cumulative-counts (error) commission.yaml  1 of 16 failed
      a cumulative count never decreases from one edition to the next
      identified@2020-12-31 >= identified@2019-12-31
        at edition=2020-12-31, previous=2019-12-31
        identified fell from 1,053 to 1,035 (-18)
        identified@2019-12-31 = 1,053  commission.yaml:34:19
        identified@2020-12-31 = 1,035  commission.yaml:42:19
        difference: -18 (left side minus right side)

A revision recorded on the figure in the newer edition, `identified: {value: 1035,
revised: {from: 2019, why: "..."}}`, explains the fall: the step then passes and the
report says why in a note.
"""

from __future__ import annotations

import pandas as pd

from missingstats.core import reasons
from missingstats.evaluate import edition_pairs as steps
from missingstats.inputs import keys as kt
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import Series
from missingstats.inputs.keys import Key, Table
from missingstats.kinds.base import PAIRS, PAIRS_SCHEMA, Rule, choice, figure_names

ID = "cumulative"
KEYS = ("cumulative",)


TABLE = Table("cumulativeRule", "'cumulative'", "The figures, and which editions to compare.", (
    Key("figures", kt.FIGURE_NAMES, "The cumulative figures.", required=True),
    Key("pairs", PAIRS_SCHEMA),
))
SCHEMAS = {"cumulative": {
    "description": "Figures that never decrease from one edition to the next.",
    "anyOf": [*kt.FIGURE_NAMES["anyOf"], TABLE],
}}


def parse(m: sy.Mapping, rule: Rule) -> None:
    node = m["cumulative"]
    if isinstance(node, sy.Mapping):
        TABLE.check(node)
        rule.spec = {"figures": figure_names(node["figures"], "cumulative.figures", True),
                     "pairs": choice(node, "pairs", PAIRS, "consecutive")}
    else:
        rule.spec = {"figures": figure_names(node, "cumulative", True), "pairs": "consecutive"}
    if not rule.description:
        rule.description = "a cumulative count never decreases from one edition to the next"




def figures(rule: Rule) -> list[str]:
    return list(rule.spec["figures"])


def evaluate(series: Series, rule: Rule) -> pd.DataFrame:
    """One row per compared pair of editions, with its status and the change's bounds."""
    frame = steps.pairs(series.cells, rule.spec["figures"], rule.spec["pairs"])
    d_lo = frame["lo_b"].to_numpy(float) - frame["hi_a"].to_numpy(float)
    d_hi = frame["hi_b"].to_numpy(float) - frame["lo_a"].to_numpy(float)
    tol = steps.tolerance(rule, frame["hi_a"].to_numpy(float), frame["hi_b"].to_numpy(float))
    frame = steps.verdict(frame, d_lo >= -tol, d_hi < -tol)
    frame["d_lo"], frame["d_hi"] = d_lo, d_hi
    return frame


def expressions(rule: Rule, frame: pd.DataFrame) -> list[str]:
    return [f"{n}@{eb} >= {n}@{ea}"
            for n, ea, eb in zip(frame["name"], frame["edition_a"], frame["edition_b"])]


def failures(rule: Rule, frame: pd.DataFrame) -> list[reasons.Fell]:
    return [
        reasons.Fell(n, a, b, d_h if d_l == d_h else None)
        for n, a, b, d_l, d_h in zip(frame["name"], steps.values(frame, "a"), steps.values(frame, "b"),
                                     frame["d_lo"], frame["d_hi"])
    ]
