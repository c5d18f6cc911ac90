"""Pairs of editions, as the series rule kinds compare them, and their verdicts.

The previous edition that reports a figure (or, with `pairs: all`, every earlier one) is
paired with each edition; a kind then computes its bounds on the pair frame with numpy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from missingstats.core.findings import Value
from missingstats.kinds.base import Rule
from missingstats.language import intervals as iv

PAIR_COLUMNS = ["name", "order", "edition", "lo", "hi", "value", "qualifier", "file", "line", "column"]


def pairs(cells: pd.DataFrame, names: list[str], mode: str) -> pd.DataFrame:
    """Edition pairs per figure: (previous reporting edition, this one), or all earlier ones."""
    sub = cells.loc[cells["name"].isin(names) & cells["lo"].notna(), PAIR_COLUMNS]
    sub = sub.sort_values(["name", "order"], kind="stable")
    if mode == "consecutive":
        prev = sub.groupby("name", sort=False)["order"].shift(1)
        right = sub.assign(prev=prev).dropna(subset=["prev"])
        right["prev"] = right["prev"].astype(int)
        merged = right.merge(sub, left_on=["name", "prev"], right_on=["name", "order"],
                             suffixes=("_b", "_a")).drop(columns="prev")
    else:
        merged = sub.merge(sub, on="name", suffixes=("_a", "_b"))
        merged = merged[merged["order_a"] < merged["order_b"]]
    return merged.reset_index(drop=True)


def tolerance(rule: Rule, *scales: np.ndarray) -> np.ndarray:
    tol = rule.tolerance
    if tol.relative == 0:
        return np.full(len(scales[0]), tol.absolute)
    finite = [np.where(np.isfinite(s), np.abs(s), 0.0) for s in scales]
    return tol.absolute + tol.relative * np.maximum.reduce(finite)


def verdict(frame: pd.DataFrame, holds: np.ndarray, fails: np.ndarray,
            missing: np.ndarray | None = None) -> pd.DataFrame:
    frame["status"] = iv.Truth.decided(holds, fails, missing).status()
    return frame


def values(frame: pd.DataFrame, side: str) -> list[Value | None]:
    """The figure of each pair's older ("a") or newer ("b") edition."""
    return [Value.of(lo, hi, q, v) for lo, hi, q, v in zip(
        frame[f"lo_{side}"], frame[f"hi_{side}"], frame[f"qualifier_{side}"], frame[f"value_{side}"])]
