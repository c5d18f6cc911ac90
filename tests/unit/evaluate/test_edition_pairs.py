"""evaluate.edition_pairs: which editions the series kinds compare, their tolerance and verdicts."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.core.findings import Value
from missingstats.evaluate import edition_pairs as ep
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import load_editions_file
from missingstats.inputs.rules import rules_from_node

EDITIONS = """
editions:
  - as_of: 2019-12-31
    figures: {a: 10, b: 5}
  - as_of: 2020-12-31
    figures: {a: 12}
  - as_of: 2021-12-31
    figures: {a: 11, b: {value: 3, qualifier: at least}}
"""


def series():
    return load_editions_file("e.yaml", sy.load("e.yaml", EDITIONS))


def rule(text: str):
    return rules_from_node(sy.load("r.yaml", text), "r.yaml", Path(".")).rules[0]


def test_consecutive_pairs_skip_editions_without_the_figure():
    frame = ep.pairs(series().cells, ["a", "b"], "consecutive")
    assert list(zip(frame["name"], frame["edition_a"], frame["edition_b"])) == [
        ("a", "2019-12-31", "2020-12-31"), ("a", "2020-12-31", "2021-12-31"),
        ("b", "2019-12-31", "2021-12-31")]
    assert frame["lo_a"].tolist() == [10, 12, 5] and frame["lo_b"].tolist() == [12, 11, 3]
    assert frame["hi_b"].tolist() == [12, 11, math.inf]
    assert frame["line_a"].tolist() == [4, 6, 4] and frame["file_b"].tolist() == ["e.yaml"] * 3


def test_all_pairs_and_a_subset_of_names():
    frame = ep.pairs(series().cells, ["a"], "all")
    assert list(zip(frame["order_a"], frame["order_b"])) == [(0, 1), (0, 2), (1, 2)]
    assert ep.pairs(series().cells, ["nothing"], "consecutive").empty


def test_tolerance_absolute_and_relative_to_the_larger_finite_side():
    plain = rule("rules:\n  - {id: c, cumulative: [a]}\n")
    assert ep.tolerance(plain, np.array([10.0, 20.0])).tolist() == [0, 0]
    mixed = rule("rules:\n  - {id: c, cumulative: [a], tolerance: {absolute: 1, relative: 0.1}}\n")
    got = ep.tolerance(mixed, np.array([10.0, math.inf]), np.array([20.0, 5.0]))
    assert got.tolist() == [3.0, 1.5]


def test_verdict_and_values():
    frame = ep.pairs(series().cells, ["a", "b"], "consecutive")
    frame = ep.verdict(frame, np.array([True, False, False]), np.array([False, True, False]))
    assert frame["status"].tolist() == ["pass", "fail", "undetermined"]
    frame = ep.verdict(frame, np.array([False, False, False]), np.array([False, False, False]),
                       np.array([True, False, False]))
    assert frame["status"].tolist() == ["missing", "undetermined", "undetermined"]
    assert ep.values(frame, "a") == [Value(x, x, None, x) for x in (10, 12, 5)]  # stated: as written
    assert ep.values(frame, "b")[2] == Value(3, math.inf, "at least", 3)


CELLS = st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 7), st.booleans()), max_size=30)


@settings(max_examples=15, deadline=None)
@given(CELLS)
def test_pair_counts_are_n_minus_1_or_n_choose_2(rows):
    """A figure reported in n editions gives n - 1 consecutive pairs and n(n-1)/2 in all, each
    pair older edition first."""
    seen: dict[tuple[str, int], bool] = {}
    for name, order, reported in rows:
        seen.setdefault((name, order), reported)  # one cell per figure and edition
    cells = pd.DataFrame(
        [{"name": n, "order": o, "edition": f"e{o}", "lo": 1.0 if rep else np.nan,
          "hi": 1.0 if rep else np.nan, "value": np.nan, "qualifier": None, "file": "e.yaml",
          "line": 1, "column": 1} for (n, o), rep in seen.items()],
        columns=ep.PAIR_COLUMNS)
    reported = {n: sum(1 for (m, _), rep in seen.items() if m == n and rep) for n in "abc"}
    consecutive = ep.pairs(cells, list("abc"), "consecutive")
    every = ep.pairs(cells, list("abc"), "all")
    for n, k in reported.items():
        assert (consecutive["name"] == n).sum() == max(k - 1, 0)
        assert (every["name"] == n).sum() == k * (k - 1) // 2
    for frame in (consecutive, every):
        assert (frame["order_a"] < frame["order_b"]).all()
    # consecutive pairs chain: each edition of a figure is the newer side once, but its first
    for n in "abc":
        sub = consecutive[consecutive["name"] == n]
        assert sub["order_b"].is_unique and sub["order_a"].is_unique
