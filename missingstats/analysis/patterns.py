"""Failure patterns: the coordinates many failing table instances share, across rules.

When one slice of a table is wrong (age 90+, both sexes, 2001, short in every province),
every rule that touches it fails many times. Listing 60 failures hides the cause; saying
"60 failures involve cells with age=90, gender=T, time=2001" names it.

From every failing instance (not only the listed ones), as a matrix of code ids (failures x
dimensions, -1 where a rule's table lacks the dimension): the most frequent (dimension,
code) items are counted with `np.bincount`; for each, its *closure* is the set of all
coordinates that every failure with that item shares, so a pattern is a maximal shared
coordinate set, and its support is exactly the failures with the item. Patterns are kept
when at least MIN_FAILURES failures share two coordinates or more (one coordinate alone:
from MANY failures on, "year=2020" says little about three failures), largest first.
Dimensions with one code in all tables (FREQ=A) say nothing and are left out. A hierarchy
instance's coordinate on its own dimension is its total's code.
"""

from __future__ import annotations

import numpy as np

from missingstats.core.results import Pattern
from missingstats.evaluate.tables.failures import FailingSet, coordinates

MIN_FAILURES = 2
CANDIDATES = 40  # most frequent items whose closure is computed
SHOWN = 5  # patterns reported
MANY = 10  # a single shared coordinate is worth reporting from this many failures on


def find_patterns(sets: list[FailingSet], engine, file: str) -> list[Pattern]:
    if not sets:
        return []
    dims: list[str] = []
    for fs in sets:
        for d in engine.keyed(fs.table).dims:
            if d not in dims:
                dims.append(d)
    informative = [d for d in dims if _codes_used(engine, d) > 1]
    if not informative:
        return []
    blocks, rule_ids = [], []
    rules = list(dict.fromkeys(fs.rule for fs in sets))
    for fs in sets:
        coords = coordinates(fs, engine)
        n = len(fs.keys)
        blocks.append(np.stack([coords.get(d, np.full(n, -1, dtype=np.int64))
                                for d in informative], axis=1))
        rule_ids.append(np.full(n, rules.index(fs.rule), dtype=np.int64))
    m = np.concatenate(blocks)
    which = np.concatenate(rule_ids)
    if len(m) < MIN_FAILURES:
        return []
    items = []
    for j in range(len(informative)):  # a loop over the few dimensions
        col = m[:, j]
        counts = np.bincount(col[col >= 0])
        for code in np.flatnonzero(counts >= MIN_FAILURES):
            items.append((int(counts[code]), j, int(code)))
    items.sort(reverse=True)
    found: dict[tuple, Pattern] = {}
    for count, j, code in items[:CANDIDATES]:
        rows = m[m[:, j] == code]
        first = rows[0]
        shared = (rows == first).all(axis=0) & (first >= 0)
        where = tuple((informative[k], engine.book.label(informative[k], int(first[k])))
                      for k in np.flatnonzero(shared))
        if where in found:
            continue
        in_rules = np.unique(which[m[:, j] == code])
        found[where] = Pattern(file, where, count, tuple(rules[r] for r in in_rules))
    kept = [p for p in found.values() if len(p.where) >= 2 or p.failures >= MANY]
    ordered = sorted(kept, key=lambda p: (-p.failures, -len(p.where)))
    return ordered[:SHOWN]


def _codes_used(engine, dim: str) -> int:
    """How many distinct codes of `dim` the tables use (a bincount per table)."""
    used = np.zeros(max(engine.book.size(dim), 1), dtype=bool)
    for name in engine.tables:
        kt = engine.keyed(name)
        if dim in kt.codes:
            used[: kt.radix[dim]] |= np.bincount(kt.codes[dim], minlength=kt.radix[dim])[
                : len(used)] > 0
    return int(used.sum())
