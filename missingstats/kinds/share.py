"""share, shares_sum: stated percentages checked against the counts they derive from.

    figures:
      registered: 7546
      still_missing: 3577
      pending_percent: {value: 49, qualifier: over, unit: percent}
      servicemen_percent: {value: 61, unit: percent}
      civilians_percent: {value: 38, unit: percent}
    rules:
      - id: pending-share
        share: {percent: pending_percent, part: still_missing, whole: registered}
      - id: status-shares
        shares_sum: [servicemen_percent, civilians_percent]   # or {figures: [...], total: 100}

A percentage is a figure with `unit: percent`, read with its stated rounding: "49 per
cent" stands for [48.5, 49.5) and "47.4" for [47.35, 47.45) (the decimals written in the
sheet say how it was rounded). Qualifiers are read literally: "over 49 per cent" is (49,
100], "at least 49" [49, 100], "under 49" [0, 49), "at most 49" [0, 49], "about 49"
widens by the sheet's `approximate` setting (or the figure's `tolerance`). A share rule
passes when the share the counts give lies inside that interval, fails when it lies
outside, and is undetermined when bounded counts leave both possible. Shares of one whole
(`shares_sum`, default total 100) pass when their rounding intervals can add up to the
total.

Passes: `pending_percent: {value: 47, unit: percent}` (3,577 / 7,546 = 47.4 per cent lies
in [46.5, 47.5)), and shares 61 and 39. Fails: shares 61 and 38 ("the shares 61 + 38 per
cent cannot add to 100: with their rounding their sum is at least 98 and less than 100"),
and "over 49":

    FAIL pending-share (error) shares-pending.yaml  1 of 1 failed
      a stated percentage agrees with the counts it derives from, within its rounding
      pending_percent == 100 * still_missing / registered
        pending_percent says over 49 per cent, but still_missing / registered = 3,577 / 7,546 = 47.4 per cent
        pending_percent = over 49%  shares-pending.yaml:4:28
        still_missing   = 3,577  shares-pending.yaml:3:18
        registered      = 7,546  shares-pending.yaml:2:15
        difference: 1.6 (left side minus right side)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from missingstats.core import reasons
from missingstats.core.errors import InputError, Location, suggest
from missingstats.core.findings import Figure, Finding, Relation, Status, Tally, Value
from missingstats.core.results import Results
from missingstats.inputs import keys as kt
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.keys import Key, Table
from missingstats.inputs.sheet import Figure as SheetFigure
from missingstats.inputs.sheet import Sheet
from missingstats.kinds.base import Rule, figure_name, figure_names
from missingstats.language import bounds
from missingstats.language import intervals as iv

ID = "share"
KEYS = ("share", "shares_sum")
BOUND_COLUMNS = ["plo", "phi", "plo_open", "phi_open", "ptext"]


SHARE = Table("shareRule", "'share'", "A published percentage agrees with part / whole within its "
              "rounding.", (
    Key("percent", kt.FIGURE_NAME, "The percentage figure (unit: percent).", required=True),
    Key("part", kt.FIGURE_NAMES, "The part: one figure, or several that add up.", required=True),
    Key("whole", kt.FIGURE_NAME, "The whole the percentage is of.", required=True),
))
SHARES_SUM = Table("sharesSumRule", "'shares_sum'", "Shares of one whole, and what they add to.", (
    Key("figures", {"type": "array", "items": kt.FIGURE_NAME, "minItems": 2},
        "The percentages.", required=True),
    Key("total", {"type": "number"}, "What they add to (default 100)."),
))
SCHEMAS = {
    "share": SHARE,
    "shares_sum": {
        "description": "Percentages of one whole add to 100 (or `total`) within rounding.",
        "anyOf": [{"type": "array", "items": kt.FIGURE_NAME, "minItems": 2}, SHARES_SUM],
    },
}


def parse(m: sy.Mapping, rule: Rule) -> None:
    if rule.kind == "share":
        _parse_share(m, rule)
    else:
        _parse_sum(m, rule)


def _parse_share(m: sy.Mapping, rule: Rule) -> None:
    node = SHARE.mapping(m["share"], "'share' (percent, part, whole)")
    rule.spec = {"percent": figure_name(node["percent"], "share.percent"),
                 "part": figure_names(node["part"], "share.part", True),
                 "whole": figure_name(node["whole"], "share.whole")}
    if not rule.description:
        rule.description = "a stated percentage agrees with the counts it derives from, within its rounding"


def _parse_sum(m: sy.Mapping, rule: Rule) -> None:
    node = m["shares_sum"]
    total = 100.0
    if isinstance(node, sy.Mapping):
        SHARES_SUM.check(node)
        figures = figure_names(node["figures"], "shares_sum.figures")
        if "total" in node:
            total = sy.parse_number(node["total"], "shares_sum.total")
    else:
        figures = figure_names(node, "shares_sum")
    if len(figures) < 2:
        raise InputError("'shares_sum' needs at least two shares", node.location)
    rule.spec = {"figures": figures, "total": total}
    if not rule.description:
        rule.description = f"shares of one whole add to {total:g} per cent within their rounding"


def figures(rule: Rule) -> list[str]:
    """Every figure a share rule reads."""
    s = rule.spec
    if rule.kind == "share":
        return [s["percent"], *s["part"], s["whole"]]
    return list(s["figures"])




def value_node(sheet: Sheet, name: str) -> sy.Node | None:
    """The scalar a figure's value was written as (its text says how it was rounded)."""
    root = sheet.root
    if root is None or "figures" not in root:
        return None
    node: Any = root["figures"]
    for part in name.split("."):
        if not isinstance(node, sy.Mapping) or part not in node:
            return None
        node = node[part]
    if isinstance(node, sy.Mapping):
        return node.get("value")
    return node


def percent_bounds(fig: SheetFigure, text: str | None, approximate: float) -> tuple[float, float, bool, bool]:
    """(lo, hi, lo_open, hi_open) of a stated percentage, in percentage points."""
    if fig.value is None:  # `between: [a, b]` or a bare magnitude
        if fig.qualifier and bounds.normalise(fig.qualifier) in bounds.MAGNITUDES:
            raise InputError(
                f"{fig.name}: a percentage cannot be {fig.qualifier!r}; give value and qualifier",
                fig.location,
            )
        return fig.lo, min(fig.hi, 100.0), False, False
    v = float(fig.value)
    digits = text.strip().split(".")[1] if text and "." in text else ""
    half = 0.5 * 10.0 ** -len(digits)
    q = bounds.normalise(fig.qualifier) if fig.qualifier else ""
    if not q or q in bounds.EXACT:
        return max(v - half, 0.0), v + half, False, True
    if q in bounds.LOWER:
        return v, 100.0, False, False
    if q in bounds.LOWER_STRICT:
        return v, 100.0, True, False
    if q in bounds.UPPER:
        return 0.0, v, False, False
    if q in bounds.UPPER_STRICT:
        return 0.0, v, False, True
    if q in bounds.APPROX:
        lo = max(v * (1 - approximate) - half, 0.0)
        if q in bounds.BELOW_APPROX:
            return lo, v, False, True
        return lo, min(v * (1 + approximate) + half, 100.0), False, False
    raise InputError(f"{fig.name}: a percentage cannot be {fig.qualifier!r}", fig.location)


def stated_bounds_frame(sheet: Sheet) -> pd.DataFrame:
    """One row per percent figure: its interval with stated rounding (for the cells frame)."""
    return pd.DataFrame(stated_bounds_rows(sheet), columns=["name", *BOUND_COLUMNS])


def stated_bounds_rows(sheet: Sheet) -> list[dict]:
    rows = []
    for fig in sheet.figures.values():
        if fig.unit != "percent":
            continue
        node = value_node(sheet, fig.name)
        text = str(node) if isinstance(node, sy.Scalar) else None
        approximate = sheet.settings.get("approximate", bounds.DEFAULT_APPROXIMATE)
        tol = _figure_tolerance(sheet, fig.name)
        lo, hi, lo_open, hi_open = percent_bounds(fig, text, tol if tol is not None else approximate)
        stated = f"{fig.qualifier} {text}" if fig.qualifier and text else (text or fig.display())
        rows.append({"name": fig.name, "plo": lo, "phi": hi, "plo_open": lo_open,
                     "phi_open": hi_open, "ptext": stated})
    return rows


def _figure_tolerance(sheet: Sheet, name: str) -> float | None:
    root = sheet.root
    node: Any = root.get("figures") if root is not None else None
    for part in name.split("."):
        if not isinstance(node, sy.Mapping) or part not in node:
            return None
        node = node[part]
    if isinstance(node, sy.Mapping) and "tolerance" in node:
        return sy.parse_number(node["tolerance"], f"{name}.tolerance")
    return None


def sheet_cells(sheet: Sheet) -> pd.DataFrame:
    """A single sheet's cells with the stated bounds of its percentages."""
    return sheet.cells().merge(stated_bounds_frame(sheet), on="name", how="left")


def _check_names(rule: Rule, cells: pd.DataFrame, known: set[str], file: str) -> bool:
    """Every name a share rule reads is reported somewhere (else an input error, or skip
    the rule quietly when the sheet reports none of them: the rule is for other sheets)."""
    present = set(cells["name"])
    names = figures(rule)
    absent = [n for n in names if n not in present]
    if len(absent) == len(names):
        return False
    for n in absent:
        if n not in known and not rule.generic:
            raise InputError(
                f"rule {rule.id!r} uses {n!r}, which {file} does not report{suggest(n, present | known)}",
                rule.location,
            )
    percent = [rule.spec["percent"]] if rule.kind == "share" else rule.spec["figures"]
    units = cells[cells["name"].isin(percent)]
    counts = units[units["unit"] != "percent"]
    if len(counts):
        raise InputError(
            f"rule {rule.id!r}: {counts['name'].iloc[0]!r} is a count; a share is written "
            "with 'unit: percent'",
            rule.location,
        )
    return True


def evaluate_shares(cells: pd.DataFrame, rules: list[Rule], file: str, known: set[str],
                    keep_passes: bool = True):
    """Evaluate share and shares_sum rules in every edition at once."""
    out = Results(files=[])
    share_rules = [r for r in rules if r.kind in ("share", "shares_sum")]
    if not share_rules:
        return out
    if "edition" not in cells.columns:
        cells = cells.assign(edition="")
    if "plo" not in cells.columns:
        cells = cells.assign(**{c: np.nan for c in BOUND_COLUMNS})
    labels = list(dict.fromkeys(cells["edition"]))
    wide = cells.pivot(index="edition", columns="name").reindex(labels)
    for rule in share_rules:
        if not _check_names(rule, cells, known, file):
            continue
        found = _evaluate_share(rule, wide, labels, file) if rule.kind == "share" else \
            _evaluate_sum(rule, wide, labels, file)
        tally = Tally(file, rule.id, rule.severity, rule.description)
        for f in found:
            tally.counts.count(f.status)
        out.tallies.append(tally)
        out.findings.extend(f for f in found if keep_passes or f.status != Status.PASS)
    return out


def _col(wide: pd.DataFrame, column: str, name: str, default: Any = np.nan) -> np.ndarray:
    if (column, name) in wide.columns:
        return wide[(column, name)].to_numpy()
    return np.full(len(wide), default, dtype=object if not isinstance(default, float) else float)


def _f(wide: pd.DataFrame, column: str, name: str) -> np.ndarray:
    return pd.to_numeric(pd.Series(_col(wide, column, name)), errors="coerce").to_numpy(float)


def _stated(wide: pd.DataFrame, name: str):
    lo, hi = _f(wide, "plo", name), _f(wide, "phi", name)
    lo_open = _col(wide, "plo_open", name, False).astype(bool)
    hi_open = _col(wide, "phi_open", name, False).astype(bool)
    return lo, hi, lo_open & ~np.isnan(lo), hi_open & ~np.isnan(hi)


def _figure(wide: pd.DataFrame, i: int, name: str, value: Value | None) -> Figure:
    line = _col(wide, "line", name, None)[i]
    located = line is not None and not (isinstance(line, float) and np.isnan(line))
    where = Location(str(_col(wide, "file", name, None)[i]), int(line),
                     int(_col(wide, "column", name, None)[i])) if located else None
    return Figure(name, value, where)


def _percent_value(wide: pd.DataFrame, i: int, name: str) -> Value | None:
    lo, hi, _, _ = _stated(wide, name)
    if np.isnan(lo[i]):
        return None
    return Value(float(lo[i]), float(hi[i]), unit="percent",
                 written=str(_col(wide, "ptext", name, None)[i]))


def _count_value(wide: pd.DataFrame, i: int, name: str) -> Value | None:
    return Value.of(_f(wide, "lo", name)[i], _f(wide, "hi", name)[i],
                    _col(wide, "qualifier", name, None)[i], _f(wide, "value", name)[i])


def _decimals(stated: Any) -> int:
    """Decimals to show a share with: one more than the stated percentage has."""
    text = str(stated).split()[-1] if stated else ""
    return len(text.split(".")[1]) + 1 if "." in text else 1


def _finding(rule: Rule, file: str, status: Status, expression: str, label: str,
             figures: list[Figure]) -> Finding:
    return Finding(rule.id, rule.severity, status, file, expression, tuple(figures),
                   coordinates={"edition": label} if label else None,
                   message=rule.message if status == Status.FAIL else None,
                   relation=Relation("=="))  # the stated share against the computed one


def _evaluate_share(rule: Rule, wide: pd.DataFrame, labels: list[str], file: str) -> list[Finding]:
    s = rule.spec
    p, parts, whole = s["percent"], s["part"], s["whole"]
    lo, hi, lo_open, hi_open = _stated(wide, p)
    part_lo = np.sum([_f(wide, "lo", n) for n in parts], axis=0)
    part_hi = np.sum([_f(wide, "hi", n) for n in parts], axis=0)
    w_lo, w_hi = _f(wide, "lo", whole), _f(wide, "hi", whole)
    names = [p, *parts, whole]
    present = np.any([~np.isnan(_f(wide, "lo", n)) for n in names], axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s_lo = np.round(100.0 * part_lo / w_hi, 9)
        s_hi = np.where(w_lo > 0, np.round(100.0 * part_hi / w_lo, 9), np.inf)
    missing = np.isnan(lo) | np.isnan(part_lo) | np.isnan(w_lo) | (w_hi == 0)
    above_lo = lambda x: (x > lo) | ((x == lo) & ~lo_open)  # noqa: E731
    below_hi = lambda x: (x < hi) | ((x == hi) & ~hi_open)  # noqa: E731
    status = iv.Truth.decided(above_lo(s_lo) & below_hi(s_hi),
                              ~below_hi(s_lo) | ~above_lo(s_hi), missing).status()
    expression = f"{p} == 100 * {' + '.join(parts)} / {whole}"
    if len(parts) > 1:
        expression = f"{p} == 100 * ({' + '.join(parts)}) / {whole}"
    ptext = _col(wide, "ptext", p, "")
    out = []
    for i in np.flatnonzero(present):
        st = Status(status[i])
        figs = [_figure(wide, i, p, _percent_value(wide, i, p))]
        figs += [_figure(wide, i, n, _count_value(wide, i, n)) for n in [*parts, whole]]
        f = _finding(rule, file, st, expression, labels[i], figs)
        if not np.isnan(lo[i]):
            f.lhs = Value.of(lo[i], hi[i])
        if not np.isnan(s_lo[i]) and np.isfinite(s_hi[i]):
            f.rhs = Value.of(round(s_lo[i], 2), round(s_hi[i], 2))
        if st == Status.FAIL:
            gap = lo[i] - s_hi[i] if s_hi[i] < lo[i] or s_hi[i] == lo[i] else hi[i] - s_lo[i]
            f.difference = round(float(gap), 2)
            exact = part_lo[i] == part_hi[i] and w_lo[i] == w_hi[i]
            f.reason = reasons.ShareMismatch(
                p, str(ptext[i]), tuple(parts), whole,
                (float(part_lo[i]), float(w_lo[i])) if exact else None,
                (float(s_lo[i]), float(s_hi[i])), _decimals(ptext[i]))
        out.append(f)
    return out


def _evaluate_sum(rule: Rule, wide: pd.DataFrame, labels: list[str], file: str) -> list[Finding]:
    names, total = rule.spec["figures"], rule.spec["total"]
    stated = [_stated(wide, n) for n in names]
    lo = np.round(np.sum([s[0] for s in stated], axis=0), 9)
    hi = np.round(np.sum([s[1] for s in stated], axis=0), 9)
    lo_open = np.any([s[2] for s in stated], axis=0)
    hi_open = np.any([s[3] for s in stated], axis=0)
    present = np.any([~np.isnan(s[0]) for s in stated], axis=0)
    missing = np.isnan(lo)
    ok = ((lo < total) | ((lo == total) & ~lo_open)) & ((hi > total) | ((hi == total) & ~hi_open))
    status = iv.Truth.decided(ok & ~missing, ~ok & ~missing, missing).status()
    expression = f"{' + '.join(names)} == {total:g}"
    out = []
    for i in np.flatnonzero(present):
        st = Status(status[i])
        f = _finding(rule, file, st, expression, labels[i],
                     [_figure(wide, i, n, _percent_value(wide, i, n)) for n in names])
        if not missing[i]:
            f.lhs, f.rhs = Value.of(lo[i], hi[i]), Value.exact(total)
        if st == Status.FAIL:
            f.difference = round(float(lo[i] - total if lo[i] >= total else hi[i] - total), 2)
            f.reason = reasons.SharesCannotSum(
                tuple(str(_col(wide, "ptext", n, "")[i]) for n in names), total,
                float(lo[i]), float(hi[i]), bool(lo_open[i]), bool(hi_open[i]))
        out.append(f)
    return out
