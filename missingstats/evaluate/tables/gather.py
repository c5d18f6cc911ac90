"""Hierarchy instances as arrays: each total with its parts' aggregate, and what is missing.

One instance per parent key in the outer union of "parent cells present" and "parent keys
some child cell maps to". With integer codes a child's parent key is its own cell key with
the dimension's digit replaced, key + (parent - code) * stride; the parts' sums are one
`np.bincount`, the totals one scatter. A dense cube with nothing more to know is reduced
slice by slice (`gather_dense`); everything else goes through `gather_keys`, which also
aggregates per instance what the cells carry: confidential and estimated flags, half their
rounding unit, and which edges are in force in the instance's period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from missingstats.evaluate.tables import engine as arrays
from missingstats.evaluate.tables.engine import Engine, Keyed, index_other
from missingstats.inputs.tables.flags import CONFIDENTIAL


@dataclass
class HierarchyIndex:
    """A hierarchy as arrays over a dimension's code ids (and, for dated edges, the periods
    of the time dimension's codes)."""

    size: int
    parents: np.ndarray  # edge parent ids
    children: np.ndarray  # edge child ids
    is_parent: np.ndarray  # bool per code
    n_children: np.ndarray  # declared children per code
    parent_of: np.ndarray | None  # per code, -1 if none (when every code has <= 1 parent)
    edge_of: np.ndarray | None  # per code, its one edge (with parent_of)
    valid: np.ndarray | None = None  # (edges, time codes): the edge is in force then
    n_children_at: np.ndarray | None = None  # (codes, time codes): children in force

    @classmethod
    def build(cls, engine: Engine, dim: str, time: str | None = None) -> HierarchyIndex:
        h = engine.spec.hierarchies[dim]
        ids = engine.book.ids[dim]
        size = engine.book.size(dim)
        parents = np.array([ids[p] for p, _ in h.edges], dtype=np.int64)
        children = np.array([ids[c] for _, c in h.edges], dtype=np.int64)
        is_parent = np.zeros(size, dtype=bool)
        is_parent[parents] = True
        n_children = np.bincount(parents, minlength=size)
        n_parents = np.bincount(children, minlength=size)
        parent_of = edge_of = None
        if len(children) == 0 or n_parents.max() <= 1:
            parent_of = np.full(size, -1, dtype=np.int64)
            parent_of[children] = parents
            edge_of = np.full(size, -1, dtype=np.int64)
            edge_of[children] = np.arange(len(children))
        out = cls(size, parents, children, is_parent, n_children, parent_of, edge_of)
        if time is not None and h.validity and time != dim:
            out.valid = _validity(h, engine.book.codes.get(time, []))
            nt = out.valid.shape[1]
            at = np.zeros((size, max(nt, 1)), dtype=np.int64)
            e, t = np.nonzero(out.valid)
            np.add.at(at, (parents[e], t), 1)
            out.n_children_at = at
        return out

    def kids(self, parent: int, period: int | None = None) -> np.ndarray:
        mask = self.parents == parent
        if self.valid is not None and period is not None:
            mask &= self.valid[:, period]
        return self.children[mask]

    def child_edges(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions of child cells, their edge), one row per (cell, parent) edge."""
        if self.parent_of is not None:
            edge = self.edge_of[codes]
            pos = np.flatnonzero(edge >= 0)
            return pos, edge[pos]
        order = np.argsort(self.children, kind="stable")
        child_sorted = self.children[order]
        start = np.searchsorted(child_sorted, np.arange(self.size))
        count = np.bincount(self.children, minlength=self.size)
        reps = count[codes]
        pos = np.repeat(np.arange(len(codes)), reps)
        offset = np.arange(len(pos)) - np.repeat(np.cumsum(reps) - reps, reps)
        return pos, order[start[codes[pos]] + offset]


def _validity(h, time_codes: list[str]) -> np.ndarray:
    """(edges, time codes): whether each edge is in force for the whole of each period.
    A time code that is not a period keeps every edge (nothing says otherwise)."""
    from missingstats.language import periods

    spans = [periods.parse(t) for t in time_codes]  # per distinct time code
    valid = np.ones((len(h.edges), len(time_codes)), dtype=bool)
    for e, edge in enumerate(h.edges):  # per dated edge of the code list
        dated = h.validity.get(edge)
        if dated is None:
            continue
        start, end = (periods.parse(b) if b else None for b in dated)
        valid[e] = [s is None or periods.within(s, start, end) for s in spans]
    return valid


@dataclass
class Gathered:
    """Per instance (parent key): the total, its parts' aggregate, and what is missing.

    `keys(idx)` and `parents(idx)` give instance keys and parent codes for selected
    instances only (the listed ones), so a complete cube never materialises millions of
    keys. The masks are None when nothing is missing (a full cube)."""

    total: np.ndarray  # NaN when absent or not available
    parts: np.ndarray  # sum of the known parts (max for relation "<=", -inf if none)
    total_absent: np.ndarray | None  # no row for the total
    n_present: np.ndarray | None  # parts with a row
    n_known: np.ndarray | None  # parts with a value
    expected: np.ndarray | None  # parts declared (in force in the instance's period)
    keys: Callable[[np.ndarray], np.ndarray]
    parents: Callable[[np.ndarray], np.ndarray]
    confidential: np.ndarray | None = None  # a cell of the instance is confidential
    soft: np.ndarray | None = None  # a cell is estimated or provisional (downgraded classes)
    half: np.ndarray | None = None  # half a rounding unit per cell involved, summed
    period: Callable[[np.ndarray], np.ndarray] | None = None  # time code ids (dated edges)


def other_limit(n: int) -> int:
    """Largest index space over (other dimensions, parent) used without hashing."""
    return arrays.dense_limit(n)


def gather_keys(kt: Keyed, hx: HierarchyIndex, dim: str, relation: str, downgraded: int = 0,
                time: str | None = None) -> Gathered:
    """A sparse table (or any table with flags, rounding or dated edges): instances indexed
    by (other dimensions, parent slot); parts summed with bincount. The other dimensions'
    key is used directly when its space is small, and hashed (pandas.factorize) otherwise."""
    codes = kt.codes[dim]
    stride = kt.strides[dim]
    n = len(kt)
    value = kt.value
    pids = np.flatnonzero(hx.is_parent)
    npar = max(len(pids), 1)
    slot = np.full(kt.radix[dim], -1, dtype=np.int64)
    slot[pids] = np.arange(len(pids))
    other = kt.cell - codes.astype(np.int64) * stride  # the cell key with this digit zeroed
    o_index, o_size, o_key = index_other(other, kt, dim, other_limit(n) // npar)
    del other
    tmask = hx.is_parent[codes]
    tinst = o_index[tmask] * npar + slot[codes[tmask]]
    cpos, cedge = hx.child_edges(codes)
    tcodes = None
    if hx.valid is not None and time is not None:
        tcodes = kt.codes[time]
        live = hx.valid[cedge, tcodes[cpos]]
        cpos, cedge = cpos[live], cedge[live]
    cparent = hx.parents[cedge]
    cinst = o_index[cpos] * npar + slot[cparent]
    cval = value[cpos]
    size = o_size * npar

    has_total = np.zeros(size, dtype=bool)
    has_total[tinst] = True
    total = np.full(size, np.nan)
    total[tinst] = value[tmask]
    na_parts = np.isnan(cval)
    n_parts = np.bincount(cinst, minlength=size)
    if relation == "<=":
        parts = np.full(size, -np.inf)
        np.fmax.at(parts, cinst, cval)
    else:
        parts = np.bincount(cinst, weights=np.where(na_parts, 0.0, cval), minlength=size)
    na_count = np.bincount(cinst, weights=na_parts, minlength=size)

    def per_instance(weights: np.ndarray) -> np.ndarray:
        return (np.bincount(tinst, weights=weights[tmask], minlength=size)
                + np.bincount(cinst, weights=weights[cpos], minlength=size))

    bits = kt.bits()
    conf = soft = half = None
    if bits is not None:
        conf = per_instance((bits & CONFIDENTIAL) != 0) > 0
        soft = per_instance((bits & downgraded) != 0) > 0 if downgraded else None
    if isinstance(kt.half, np.ndarray) or kt.half:
        cell_half = kt.half if isinstance(kt.half, np.ndarray) else np.full(n, float(kt.half))
        half = per_instance(cell_half)

    sel = np.flatnonzero(has_total | (n_parts > 0))
    parent = pids[sel % npar]
    if hx.n_children_at is not None and tcodes is not None:
        inst_period = _instance_period(kt, o_key, sel // npar, time)
        expected = hx.n_children_at[parent, inst_period]
        keep = expected > 0  # a total with no part in force in its period is no instance
        sel, parent, expected, inst_period = sel[keep], parent[keep], expected[keep], inst_period[keep]
    else:
        expected = hx.n_children[parent]
        inst_period = None
    n_present = n_parts[sel]
    n_known = n_present - na_count[sel].astype(np.int64)

    def keys(idx: np.ndarray) -> np.ndarray:
        return o_key(sel[idx] // npar) + pids[sel[idx] % npar] * stride

    return Gathered(
        total[sel], parts[sel], ~has_total[sel], n_present, n_known, expected, keys,
        lambda idx: parent[idx],
        None if conf is None else conf[sel], None if soft is None else soft[sel],
        None if half is None else half[sel],
        None if inst_period is None else (lambda idx: inst_period[idx]),
    )


def _instance_period(kt: Keyed, o_key, o_index: np.ndarray, time: str) -> np.ndarray:
    """The time code id of each instance, from its other-dimensions key."""
    key = o_key(o_index)
    return (key // kt.strides[time]) % kt.radix[time]


EDGE_LOOP = 256  # up to this many edges, add slices per edge; beyond, gather + reduceat


def gather_dense(kt: Keyed, hx: HierarchyIndex, dim: str, relation: str) -> Gathered:
    """A dense table: the cube as (before, codes, after); parts added slice by slice."""
    val, zeroed, present, known, full = kt.cube()
    n_dim = kt.radix[dim]
    after = kt.strides[dim]
    before = kt.space // (n_dim * after)
    shape = (before, n_dim, after)
    V = (val if relation == "<=" else zeroed).reshape(shape)
    pids = np.flatnonzero(hx.is_parent)
    slot = np.full(n_dim, -1, dtype=np.int64)
    slot[pids] = np.arange(len(pids))
    total = val.reshape(shape)[:, pids, :]
    out_shape = (before, len(pids), after)
    edges_p, edges_c = slot[hx.parents], hx.children
    counts = not full
    parts = np.full(out_shape, -np.inf) if relation == "<=" else np.zeros(out_shape)
    n_parts = np.zeros(out_shape, dtype=np.int32) if counts else None
    n_known = np.zeros(out_shape, dtype=np.int32) if counts else None
    P = present.reshape(shape) if counts else None
    K = known.reshape(shape) if counts else None
    if len(edges_c) <= EDGE_LOOP:
        for j, c in zip(edges_p, edges_c):  # a loop over the hierarchy's few edges
            if relation == "<=":
                np.fmax(parts[:, j, :], V[:, c, :], out=parts[:, j, :])
            else:
                parts[:, j, :] += V[:, c, :]
            if counts:
                n_parts[:, j, :] += P[:, c, :]
                n_known[:, j, :] += K[:, c, :]
    else:
        order = np.argsort(edges_p, kind="stable")
        kids = edges_c[order]
        starts = np.searchsorted(edges_p[order], np.arange(len(pids)))
        red = np.fmax if relation == "<=" else np.add
        parts = red.reduceat(V.take(kids, axis=1), starts, axis=1)
        if relation == "<=":
            parts = np.where(np.isnan(parts), -np.inf, parts)
        if counts:
            n_parts = np.add.reduceat(P.take(kids, axis=1), starts, axis=1, dtype=np.int32)
            n_known = np.add.reduceat(K.take(kids, axis=1), starts, axis=1, dtype=np.int32)
    npar = len(pids)

    def keys_of(flat: np.ndarray) -> np.ndarray:
        b, rest = np.divmod(flat, npar * after)
        j, a = np.divmod(rest, after)
        return b * (n_dim * after) + pids[j] * after + a

    def parents_of(flat: np.ndarray) -> np.ndarray:
        return pids[(flat // after) % npar]

    if full:  # every cell present and known: every instance exists and is complete
        return Gathered(total.reshape(-1), parts.reshape(-1), None, None, None, None,
                        keys_of, parents_of)
    expected = np.broadcast_to(hx.n_children[pids].astype(np.int32)[None, :, None], out_shape)
    has_total = present.reshape(shape)[:, pids, :]
    sel = np.flatnonzero(has_total | (n_parts > 0))
    return Gathered(total.reshape(-1)[sel], parts.reshape(-1)[sel], ~has_total.reshape(-1)[sel],
                    n_parts.reshape(-1)[sel], n_known.reshape(-1)[sel], expected.reshape(-1)[sel],
                    lambda idx: keys_of(sel[idx]), lambda idx: parents_of(sel[idx]))
