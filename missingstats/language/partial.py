"""Partial evaluation: decide the conditions on text (and `is missing`) of a record first.

The solver of `explain` (language/linear.py) changes numbers; it never changes a text
column and cannot reason about whether a value is reported. So for each record the
conditions that read only text, or ask `is missing`, are decided from the record's data
and replaced by their truth (`ex.Bool`), and the expression is simplified: `if status ==
"found dead" then deaths >= 1` becomes `deaths >= 1` for a found-dead record and vanishes
(true) for the others. Records with the same decided conditions share one compiled problem.
A condition that reads a value that is not available stays as it is (not evaluable).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from missingstats.language import expr as ex
from missingstats.language import intervals as iv


def atoms(node: ex.Node, types: Mapping[str, str] | None = None) -> list[ex.Node]:
    """The conditions of `node` that the solver cannot take: comparisons and lists of text,
    and `is missing` tests, in order of appearance (each once)."""
    out: dict[ex.Node, None] = {}

    def textual(n: ex.Node) -> bool:
        return isinstance(n, ex.Str) or (
            isinstance(n, ex.Name) and types is not None and types.get(n.path) == ex.TEXT)

    def walk(n: ex.Node) -> None:
        if isinstance(n, ex.IsMissing) or (isinstance(n, ex.In) and textual(n.items[0])) or (
                isinstance(n, ex.Compare) and any(textual(o) for o in n.operands)):
            out.setdefault(n, None)
            return
        for child in ex.children(n):
            walk(child)

    walk(node)
    return list(out)


def decide(found: list[ex.Node], env: iv.Env, n: int) -> np.ndarray:
    """Per atom and row: 1 true, 0 false, -1 not evaluable (atoms x rows, int8)."""
    out = np.full((len(found), n), -1, dtype=np.int8)
    for k, atom in enumerate(found):  # a loop over a rule's few conditions, not rows
        truth = iv.evaluate(atom, env, n)
        assert isinstance(truth, iv.Truth)
        out[k][truth.can_true & ~truth.can_false] = 1
        out[k][truth.can_false & ~truth.can_true] = 0
    return out


def substitute(node: ex.Node, known: Mapping[ex.Node, bool]) -> ex.Node:
    """`node` with the decided atoms replaced by their truth, simplified."""
    if node in known and ex.is_truth(node):
        return ex.Bool(known[node], node.col)
    if isinstance(node, ex.Unary) and node.op == "not":
        inner = substitute(node.operand, known)
        return ex.Bool(not inner.value, node.col) if isinstance(inner, ex.Bool) else (
            ex.Unary("not", inner, node.col))
    if isinstance(node, ex.BoolOp):
        return _junction(node, [substitute(i, known) for i in node.items])
    if isinstance(node, ex.Implies):
        cond = substitute(node.condition, known)
        then = substitute(node.consequence, known)
        if isinstance(cond, ex.Bool):
            return then if cond.value else ex.Bool(True, node.col)
        if isinstance(then, ex.Bool):
            return ex.Bool(True, node.col) if then.value else ex.Unary("not", cond, node.col)
        return ex.Implies(cond, then, node.col)
    return node


def _junction(node: ex.BoolOp, items: list[ex.Node]) -> ex.Node:
    absorbing = node.op == "or"  # True absorbs an `or`, False an `and`
    kept: list[ex.Node] = []
    for item in items:
        if isinstance(item, ex.Bool):
            if item.value == absorbing:
                return ex.Bool(absorbing, node.col)
            continue
        kept.append(item)
    if not kept:
        return ex.Bool(not absorbing, node.col)
    return kept[0] if len(kept) == 1 else ex.BoolOp(node.op, tuple(kept), node.col)


def fold(node: ex.Node, env: iv.Env, types: Mapping[str, str] | None = None) -> ex.Node:
    """`node` for a one-row `env`, its decidable text conditions replaced by their truth."""
    found = atoms(node, types if types is not None else {
        k: ex.TEXT for k, v in env.items() if isinstance(v, iv.Text)})
    got = decide(found, env, 1)[:, 0] if found else np.empty(0, dtype=np.int8)
    return substitute(node, {a: bool(v) for a, v in zip(found, got) if v >= 0})
