"""stock: a stock changes only by its flows between editions.

    rules:
      - id: register-stock
        stock: {name: missing, inflows: [reported], outflows: [identified],
                flows: period}          # period: per-edition amounts; cumulative: running totals
        tolerance: 5                    # absolute, or {absolute, relative}

Each step between editions must satisfy now = before + inflows - outflows (within the
tolerance). With `flows: period` (the default) a flow is the amount the newer edition
reports; with `flows: cumulative` the flows are running totals and the flow is their
change. `pairs: all` compares every pair of editions. A flow not reported in an edition
makes the step not evaluable.

Passes: `missing` 1,127 then 1,145, with 30 newly reported and 12 identified. Fails: 1,145
then 1,845 with the same flows (without the tolerance):

    FAIL register-stock (error) ed.yaml  1 of 2 failed
      missing changes only by its flows: now = before + reported - identified
      missing@2021-12-31 == missing@2020-12-31 + reported@2021-12-31 - identified@2021-12-31
        at edition=2021-12-31, previous=2020-12-31
        missing went from 1,145 to 1,845, but its flows give 1,163 (1,145 +30 reported -12 identified)
        missing@2020-12-31 = 1,145  ed.yaml:11:24
        missing@2021-12-31 = 1,845  ed.yaml:13:24
        reported (flow)    = 30
        identified (flow)  = 12
        difference: 682 (left side minus right side)
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
from missingstats.kinds.base import PAIRS, PAIRS_SCHEMA, Rule, choice, figure_name, figure_names

ID = "stock"
KEYS = ("stock",)
FLOWS = ("period", "cumulative")


TABLE = Table(
    "stockRule", "'stock'", "A stock and its flows across editions: now = before + inflows - "
    "outflows.", (
        Key("name", kt.FIGURE_NAME, "The stock figure.", required=True),
        Key("inflows", kt.FIGURE_NAMES, "Figures that add to the stock."),
        Key("outflows", kt.FIGURE_NAMES, "Figures that take from the stock."),
        Key("flows", {"enum": list(FLOWS), "default": "period"},
            "period: each edition reports its own amounts; cumulative: running totals."),
        Key("pairs", PAIRS_SCHEMA),
    ),
    also={"anyOf": [{"required": ["inflows"]}, {"required": ["outflows"]}]},
)
SCHEMAS = {"stock": TABLE}


def parse(m: sy.Mapping, rule: Rule) -> None:
    node = TABLE.mapping(m["stock"], "'stock' (name, inflows, outflows)")
    if "inflows" not in node and "outflows" not in node:
        raise InputError("'stock' needs inflows, outflows or both", node.location)
    name = figure_name(node["name"], "stock.name")
    inflows = figure_names(node["inflows"], "stock.inflows", True) if "inflows" in node else []
    outflows = figure_names(node["outflows"], "stock.outflows", True) if "outflows" in node else []
    for n in inflows + outflows:
        if n == name:
            raise InputError(f"stock {name!r} cannot be its own flow", node.location)
    rule.spec = {"name": name, "inflows": inflows, "outflows": outflows,
                 "flows": choice(node, "flows", FLOWS, "period"),
                 "pairs": choice(node, "pairs", PAIRS, "consecutive")}
    if not rule.description:
        rule.description = (
            f"{name} changes only by its flows: now = before + "
            f"{' + '.join(inflows) or '0'} - {' - '.join(outflows) or '0'}"
        )




def figures(rule: Rule) -> list[str]:
    s = rule.spec
    return [s["name"], *s["inflows"], *s["outflows"]]


def _flow_arrays(series: Series, names: list[str], n: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    cells = series.cells[series.cells["name"].isin(names)]
    lo = cells.pivot(index="order", columns="name", values="lo").reindex(index=range(n), columns=names)
    hi = cells.pivot(index="order", columns="name", values="hi").reindex(index=range(n), columns=names)
    return {name: (lo[name].to_numpy(float), hi[name].to_numpy(float)) for name in names}


def _period(lo: np.ndarray, hi: np.ndarray, a: np.ndarray, b: np.ndarray):
    """Sum of a per-edition flow over editions (a, b], NaN where one of them is missing."""
    def prefix(x: np.ndarray) -> np.ndarray:
        return np.concatenate([[0.0], np.cumsum(x)])

    miss = prefix(np.isnan(lo).astype(float))
    inf = prefix(np.isinf(hi).astype(float))
    plo = prefix(np.nan_to_num(lo, nan=0.0))
    phi = prefix(np.where(np.isfinite(hi), hi, 0.0))
    gap = (miss[b + 1] - miss[a + 1]) > 0
    s_lo = np.where(gap, np.nan, plo[b + 1] - plo[a + 1])
    s_hi = np.where(gap, np.nan, np.where(inf[b + 1] - inf[a + 1] > 0, np.inf, phi[b + 1] - phi[a + 1]))
    return s_lo, s_hi


def evaluate(series: Series, rule: Rule) -> pd.DataFrame:
    s = rule.spec
    frame = steps.pairs(series.cells, [s["name"]], s["pairs"])
    a, b = frame["order_a"].to_numpy(int), frame["order_b"].to_numpy(int)
    flows = _flow_arrays(series, s["inflows"] + s["outflows"], len(series.editions))
    exp_lo, exp_hi = frame["lo_a"].to_numpy(float), frame["hi_a"].to_numpy(float)
    parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, (f_lo, f_hi) in flows.items():
        if s["flows"] == "period":
            lo, hi = _period(f_lo, f_hi, a, b)
        else:
            lo, hi = f_lo[b] - f_hi[a], f_hi[b] - f_lo[a]
        parts[name] = (lo, hi)
        if name in s["inflows"]:
            exp_lo, exp_hi = exp_lo + lo, exp_hi + hi
        else:
            exp_lo, exp_hi = exp_lo - hi, exp_hi - lo
    d_lo = frame["lo_b"].to_numpy(float) - exp_hi
    d_hi = frame["hi_b"].to_numpy(float) - exp_lo
    tol = steps.tolerance(rule, frame["hi_a"].to_numpy(float), frame["hi_b"].to_numpy(float))
    missing = np.isnan(d_lo) | np.isnan(d_hi)
    frame = steps.verdict(frame, (d_lo >= -tol) & (d_hi <= tol), (d_lo > tol) | (d_hi < -tol), missing)
    frame["d_lo"], frame["d_hi"] = d_lo, d_hi
    frame["exp_lo"], frame["exp_hi"] = exp_lo, exp_hi
    for name, (lo, hi) in parts.items():
        frame[f"flow_lo:{name}"], frame[f"flow_hi:{name}"] = lo, hi
    return frame


def _flows(rule: Rule, rec: dict) -> dict[str, tuple[float, float]]:
    s = rule.spec
    return {n: (float(rec[f"flow_lo:{n}"]), float(rec[f"flow_hi:{n}"]))
            for n in s["inflows"] + s["outflows"]}


def _flow_term(s: dict, name: str, ea: str, eb: str, adjacent: bool) -> str:
    if s["flows"] == "cumulative":
        return f"({name}@{eb} - {name}@{ea})"
    return f"{name}@{eb}" if adjacent else f"{name}@({ea}, {eb}]"


def _stock_expression(s: dict, ea: str, eb: str, adjacent: bool) -> str:
    text = f"{s['name']}@{eb} == {s['name']}@{ea}"
    for name in s["inflows"]:
        text += " + " + _flow_term(s, name, ea, eb, adjacent)
    for name in s["outflows"]:
        text += " - " + _flow_term(s, name, ea, eb, adjacent)
    return text




def expressions(rule: Rule, frame: pd.DataFrame) -> list[str]:
    s = rule.spec
    return [_stock_expression(s, r["edition_a"], r["edition_b"], r["order_a"] + 1 == r["order_b"])
            for r in frame.to_dict("records")]


def flows(rule: Rule, rec: dict) -> dict[str, Value | None]:
    s = rule.spec
    return {n: Value.of(rec[f"flow_lo:{n}"], rec[f"flow_hi:{n}"]) for n in s["inflows"] + s["outflows"]}


def failures(rule: Rule, frame: pd.DataFrame) -> list[reasons.StockGap]:
    s = rule.spec
    out = []
    for rec, a, b in zip(frame.to_dict("records"), steps.values(frame, "a"), steps.values(frame, "b")):
        parts = tuple(reasons.Flow(n, 1 if n in s["inflows"] else -1, v)
                      for n, v in flows(rule, rec).items())
        out.append(reasons.StockGap(s["name"], a, b, Value.of(rec["exp_lo"], rec["exp_hi"]), parts))
    return out


def sides(rec: dict) -> tuple[Value | None, Value | None]:
    """The stock now, against what its flows give."""
    return Value.of(rec["lo_b"], rec["hi_b"]), Value.of(rec["exp_lo"], rec["exp_hi"])
