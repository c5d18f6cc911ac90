"""Vectorised, three-valued evaluation of rule expressions over interval-valued figures.

Every figure is an interval [lo, hi] held as two float64 numpy arrays (one element per
row: an edition of a sheet, a row of a table); an exact figure has lo == hi, a missing one
is NaN in both. Evaluating a check gives, per row, which truth values are *possible*:

    pass          only true is possible (holds for every value inside the bounds)
    fail          only false is possible
    undetermined  both are possible (depends on where in the bounds the truth lies)
    missing       undecided because a figure is not reported

so exact figures get exact verdicts and bounded ones ("at least 871") get sound ones.
float64 represents every count below 2**53 exactly; interval arithmetic treats repeated
names as independent, which can only widen "undetermined", never flip pass and fail.

Text values (a register's `status`, a table's code columns) are `Text`: integer codes into
a list of categories, -1 where the value is not available, so `status == "found dead"` is
one integer comparison per row whatever the texts are. A comparison that reads a value
that is not available is not evaluable; `is missing` is decided for every row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from missingstats.core.findings import Status
from missingstats.language import expr as ex

PASS, FAIL, UNDETERMINED, MISSING = (Status.PASS, Status.FAIL, Status.UNDETERMINED,
                                     Status.NOT_EVALUABLE)


@dataclass
class Interval:
    lo: np.ndarray
    hi: np.ndarray

    @property
    def missing(self) -> np.ndarray:
        return np.isnan(self.lo) | np.isnan(self.hi)

    @classmethod
    def exact(cls, values: np.ndarray) -> Interval:
        arr = np.asarray(values, dtype=np.float64)
        return cls(arr, arr)


@dataclass
class Text:
    """Text per row as codes into `categories`; -1 is not available (NA)."""

    codes: np.ndarray  # integer
    categories: list[str] | tuple[str, ...]
    _index: dict[str, int] | None = None

    @property
    def missing(self) -> np.ndarray:
        return self.codes < 0

    def index(self) -> dict[str, int]:
        """Category -> code, built once per Text (a loop over categories, not rows)."""
        if self._index is None:
            self._index = {c: i for i, c in enumerate(self.categories)}
        return self._index

    @classmethod
    def of(cls, values) -> Text:
        """From any sequence of texts; None, NaN and pandas NA are not available."""
        import pandas as pd

        arr = pd.array(list(values) if not hasattr(values, "__array__") else values,
                       dtype="string")
        codes, uniques = pd.factorize(arr)
        return cls(np.asarray(codes, dtype=np.int64), [str(u) for u in uniques])

    @classmethod
    def constant(cls, value: str, n: int) -> Text:
        return cls(np.zeros(n, dtype=np.int64), (value,))

    def codes_of(self, texts) -> np.ndarray:
        """Codes of some texts in this Text's categories (-2 for a text it does not hold)."""
        index = self.index()
        return np.array([index.get(t, -2) for t in texts], dtype=np.int64)

    def equal(self, other: Text) -> np.ndarray:
        """Rows where both are available and equal."""
        if len(other.categories) == 1 and not other.missing.any():
            target = self.codes_of(other.categories)[0]
            return (self.codes == target) & (target >= 0)
        # their codes in our categories; their NA (-1) picks the -1 appended at the end
        mapped = np.append(self.codes_of(other.categories), -1)
        theirs = mapped[other.codes]
        return (self.codes == theirs) & (theirs >= 0)

    def isin(self, texts) -> np.ndarray:
        ids = self.codes_of(texts)
        return np.isin(self.codes, ids[ids >= 0])


@dataclass
class Truth:
    """Possible truth values per row; `na` marks rows undecided because data is missing."""

    can_true: np.ndarray
    can_false: np.ndarray
    na: np.ndarray

    @classmethod
    def decided(cls, holds: np.ndarray, fails: np.ndarray, na: np.ndarray | None = None) -> Truth:
        """From masks of rows known to hold and known to fail; the rest are undetermined,
        and rows marked `na` are not evaluable whatever the other masks say."""
        if na is None:
            return cls(~fails, ~holds, np.zeros(len(holds), dtype=bool))
        return cls(~fails | na, ~holds | na, na)

    def masks(self, policy: str = "not-evaluable") -> dict[Status, np.ndarray]:
        """The one step from possible truth values to verdicts: a mask per Status. Under
        the `fail` missing-cells policy a not evaluable row fails."""
        t, f, na = self.can_true, self.can_false, self.na
        out = {PASS: t & ~f, FAIL: ~t & f, MISSING: na & t & f, UNDETERMINED: t & f & ~na}
        if policy == "fail":
            out[FAIL] = out[FAIL] | out[MISSING]
            out[MISSING] = np.zeros_like(out[MISSING])
        return out

    def status(self, policy: str = "not-evaluable") -> np.ndarray:
        """One Status per row."""
        out = np.full(self.can_true.shape, UNDETERMINED, dtype=object)
        for status, mask in self.masks(policy).items():
            if status != UNDETERMINED:
                out[mask] = status
        return out


@dataclass(frozen=True)
class Tolerance:
    """For equalities: |a - b| <= absolute + relative * max(|a|, |b|)."""

    absolute: float = 0.0
    relative: float = 0.0

    @property
    def zero(self) -> bool:
        return self.absolute == 0 and self.relative == 0


Env = Mapping[str, Interval | Text]


def evaluate(node: ex.Node, env: Env, n: int, tolerance: Tolerance = Tolerance()) -> Interval | Truth:
    """Evaluate a parsed expression; `env` maps each name to an Interval (numbers) or a Text
    of length n (check the names' types first with `expr.infer`)."""
    return _Evaluator(env, n, tolerance).run(node)


def decided(holds: np.ndarray) -> Truth:
    """A truth known in every row (`is missing`)."""
    return Truth(holds, ~holds, np.zeros(len(holds), dtype=bool))


def _errstate() -> np.errstate:
    return np.errstate(invalid="ignore", divide="ignore", over="ignore")


class _Evaluator:
    def __init__(self, env: Env, n: int, tolerance: Tolerance) -> None:
        self.env = env
        self.n = n
        self.tol = tolerance

    def run(self, node: ex.Node) -> Interval | Truth:
        with _errstate():
            return self._eval(node)

    def num(self, node: ex.Node) -> Interval:
        out = self._eval(node)
        assert isinstance(out, Interval)
        return out

    def truth(self, node: ex.Node) -> Truth:
        out = self._eval(node)
        assert isinstance(out, Truth)
        return out

    def _eval(self, node: ex.Node) -> Interval | Truth | Text:
        if isinstance(node, ex.Num):
            arr = np.full(self.n, node.value, dtype=np.float64)
            return Interval(arr, arr)
        if isinstance(node, ex.Name):
            return self.env[node.path]
        if isinstance(node, ex.Str):
            return Text.constant(node.value, self.n)
        if isinstance(node, ex.Bool):
            return decided(np.full(self.n, node.value))
        if isinstance(node, ex.IsMissing):
            miss = self._eval(node.operand).missing
            return decided(~miss if node.negated else miss)
        if isinstance(node, ex.In):
            t = self.member(node)
            return Truth(t.can_false, t.can_true, t.na) if node.negated else t
        if isinstance(node, ex.Unary) and node.op == "-":
            v = self.num(node.operand)
            return Interval(-v.hi, -v.lo)
        if isinstance(node, ex.Unary):
            t = self.truth(node.operand)
            return Truth(t.can_false, t.can_true, t.na)
        if isinstance(node, ex.BinOp):
            return ARITHMETIC[node.op](self.num(node.left), self.num(node.right))
        if isinstance(node, ex.Call):
            return FUNCTIONS[node.func]([self.num(a) for a in node.args])
        if isinstance(node, ex.Compare):
            values = [self._eval(o) for o in node.operands]
            parts = [
                self.compare(op, values[i], values[i + 1]) for i, op in enumerate(node.ops)
            ]
            return _all(parts)
        if isinstance(node, ex.BoolOp):
            items = [self.truth(i) for i in node.items]
            return _all(items) if node.op == "and" else _any(items)
        assert isinstance(node, ex.Implies)
        cond = self.truth(node.condition)
        return _any([Truth(cond.can_false, cond.can_true, cond.na), self.truth(node.consequence)])

    def member(self, node: ex.In) -> Truth:
        """`x in [...]`: for text a lookup of codes; for numbers `x == a or x == b ...`
        (with the rule's tolerance)."""
        value = self._eval(node.operand)
        if isinstance(value, Text):
            na = value.missing
            hit = value.isin([i.value for i in node.items])
            return Truth(hit | na, ~hit | na, na)
        return _any([self.compare("==", value, self.num(i)) for i in node.items])

    def compare(self, op: str, a: Interval | Text, b: Interval | Text) -> Truth:
        na = a.missing | b.missing
        if isinstance(a, Text) or isinstance(b, Text):
            if not (isinstance(a, Text) and isinstance(b, Text)) or op not in ("==", "!="):
                raise TypeError(f"{op} on text and a number (expr.infer checks this first)")
            eq = a.equal(b)
            t, f = (eq, ~eq) if op == "==" else (~eq, eq)
            return Truth(t | na, f | na, na)
        if op in ("==", "!="):
            d = sub(a, b)
            tol = self.tolerance_for(a, b)
            can_eq = (d.lo <= tol) & (d.hi >= -tol)
            can_ne = (d.lo < -tol) | (d.hi > tol)
            t, f = (can_eq, can_ne) if op == "==" else (can_ne, can_eq)
        elif op == "<=":
            t, f = a.lo <= b.hi, a.hi > b.lo
        elif op == "<":
            t, f = a.lo < b.hi, a.hi >= b.lo
        elif op == ">=":
            t, f = a.hi >= b.lo, a.lo < b.hi
        else:
            t, f = a.hi > b.lo, a.lo <= b.hi
        return Truth(t | na, f | na, na)

    def tolerance_for(self, a: Interval, b: Interval) -> np.ndarray | float:
        if self.tol.zero:
            return 0.0
        if self.tol.relative == 0:
            return self.tol.absolute
        scale = np.fmax.reduce([np.abs(a.lo), np.abs(a.hi), np.abs(b.lo), np.abs(b.hi)])
        return self.tol.absolute + self.tol.relative * scale


def _all(items: list[Truth]) -> Truth:
    t = np.logical_and.reduce([i.can_true for i in items])
    f = np.logical_or.reduce([i.can_false for i in items])
    na = np.logical_or.reduce([i.na for i in items]) & t & f
    return Truth(t, f, na)


def _any(items: list[Truth]) -> Truth:
    t = np.logical_or.reduce([i.can_true for i in items])
    f = np.logical_and.reduce([i.can_false for i in items])
    na = np.logical_or.reduce([i.na for i in items]) & t & f
    return Truth(t, f, na)


def add(a: Interval, b: Interval) -> Interval:
    return Interval(a.lo + b.lo, a.hi + b.hi)


def sub(a: Interval, b: Interval) -> Interval:
    return Interval(a.lo - b.hi, a.hi - b.lo)


def _products(a: Interval, b: Interval) -> list[np.ndarray]:
    # 0 * inf is NaN; a zero bound times an open end contributes 0, not "missing".
    return [np.nan_to_num(x * y, nan=0.0, posinf=np.inf, neginf=-np.inf)
            for x in (a.lo, a.hi) for y in (b.lo, b.hi)]


def _keep_missing(out: Interval, a: Interval, b: Interval) -> Interval:
    miss = a.missing | b.missing
    if miss.any():
        out.lo = np.where(miss, np.nan, out.lo)
        out.hi = np.where(miss, np.nan, out.hi)
    return out


def mul(a: Interval, b: Interval) -> Interval:
    if a.lo is a.hi and b.lo is b.hi:
        v = a.lo * b.lo
        return Interval(v, v)
    p = _products(a, b)
    return _keep_missing(Interval(np.minimum.reduce(p), np.maximum.reduce(p)), a, b)


def div(a: Interval, b: Interval) -> Interval:
    """Division; a divisor of exactly 0 makes the value undefined (not evaluable), a divisor
    interval that contains 0 makes it unbounded."""
    zero = (b.lo == 0) & (b.hi == 0)
    straddles = (b.lo <= 0) & (b.hi >= 0) & ~zero
    inv_lo = np.where(straddles | zero, -np.inf, 1.0 / b.hi)
    inv_hi = np.where(straddles | zero, np.inf, 1.0 / b.lo)
    out = mul(a, Interval(inv_lo, inv_hi))
    # Exact figures divide exactly as Python does: 49 / 49 is 1, not 49 * (1 / 49).
    exact = (a.lo == a.hi) & (b.lo == b.hi) & ~zero
    if exact.any():
        q = a.lo / np.where(exact, b.lo, 1.0)
        out = Interval(np.where(exact, q, out.lo), np.where(exact, q, out.hi))
    lo = np.where(straddles, -np.inf, out.lo)
    hi = np.where(straddles, np.inf, out.hi)
    lo = np.where(zero, np.nan, lo)
    hi = np.where(zero, np.nan, hi)
    return _keep_missing(Interval(lo, hi), a, b)


def _abs(args: list[Interval]) -> Interval:
    (a,) = args
    lo = np.where(a.lo >= 0, a.lo, np.where(a.hi <= 0, -a.hi, 0.0))
    hi = np.maximum(np.abs(a.lo), np.abs(a.hi))
    return _keep_missing(Interval(lo, hi), a, a)


def _sum(args: list[Interval]) -> Interval:
    out = args[0]
    for a in args[1:]:
        out = add(out, a)
    return out


def _min(args: list[Interval]) -> Interval:
    return Interval(np.minimum.reduce([a.lo for a in args]), np.minimum.reduce([a.hi for a in args]))


def _max(args: list[Interval]) -> Interval:
    return Interval(np.maximum.reduce([a.lo for a in args]), np.maximum.reduce([a.hi for a in args]))


def _round(args: list[Interval]) -> Interval:
    (a,) = args
    return Interval(np.round(a.lo), np.round(a.hi))


ARITHMETIC: dict[str, Callable[[Interval, Interval], Interval]] = {
    "+": add, "-": sub, "*": mul, "/": div,
}
FUNCTIONS: dict[str, Callable[[list[Interval]], Interval]] = {
    "sum": _sum, "abs": _abs, "min": _min, "max": _max, "round": _round,
}


def zero_divisors(node: ex.Node, env: Env, n: int) -> list[tuple[str, np.ndarray]]:
    """Each divisor of `node` (as text) with the rows where it is exactly 0: there the
    quotient is undefined (`div` gives NaN), which is not the same as a figure missing."""
    out: list[tuple[str, np.ndarray]] = []
    stack = [node]
    while stack:  # a walk over the rule's few nodes
        item = stack.pop()
        if isinstance(item, ex.BinOp) and item.op == "/":
            with _errstate():
                d = _Evaluator(env, n, Tolerance()).num(item.right)
            zero = (d.lo == 0) & (d.hi == 0)
            if zero.any():
                out.append((ex.to_text(item.right), zero))
        stack.extend(ex.children(item))
    return out


def top_difference(node: ex.Node, env: Env, n: int) -> tuple[Interval, Interval] | None:
    """For a check that is one comparison, its two sides (for 'by how much' in reports)."""
    if isinstance(node, ex.Compare) and len(node.ops) == 1:
        ev = _Evaluator(env, n, Tolerance())
        with _errstate():
            sides = ev._eval(node.operands[0]), ev._eval(node.operands[1])
        if isinstance(sides[0], Interval) and isinstance(sides[1], Interval):
            return sides[0], sides[1]
    return None
