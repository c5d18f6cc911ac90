"""Rule expressions as linear constraints for scipy's HiGHS solver (`scipy.optimize.milp`).

Error localisation and rule-set analysis ask questions about *all* values a figure could
take, which interval evaluation cannot answer; a mixed-integer programme can. This module
turns a parsed check into a formula of linear atoms, then into matrix rows:

- sums, differences, products and quotients with constants, unary minus, `sum()`: linear;
- comparisons (chains too): `a <= b` is the row `a - b <= 0`; a strict `a < b` is
  `not (b <= a)`: `a - b <= -1` when both sides are whole numbers (counts), `-1/q` when the
  coefficients are multiples of 1/q (a / 4 < b), else `-1e-4` (continuous values);
- equalities honour the rule's tolerance: `|a - b| <= absolute` and, for a relative
  tolerance on sides that cannot be negative, `|a - b| <= absolute + relative * max(a, b)`,
  which is linear on non-negative sides;
- `and` splits into rows; `or`, `not`, `!=` and `if A then B` go through binary variables
  (big-M: a row `r <= 0` guarded by binary y becomes `r <= M (1 - y)`, with M the largest
  value r takes inside the variable box, see `Builder`); `abs`, `min`, `max` get an auxiliary
  variable and a disjunction, `round` an auxiliary integer;
- `x in [1, 2]` on numbers is `x == 1 or x == 2`;
- a product of two figures, a quotient by a figure and a relative tolerance on a side that
  may be negative are not linear, and text and `is missing` are not numbers the solver can
  change: `NotLinear` says which, and callers report the rule as "could not analyse" rather
  than guess (explain decides text conditions per record first, see language/partial.py).

The variable box (every count in [0, U], other figures in [-U, U]) keeps every big-M finite;
callers choose U well above any value in play (docs/explain.md, "How it works, and its limits").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from missingstats.language import expr as ex
from missingstats.language.intervals import Tolerance

STRICT_EPS = 1e-4  # a < b for continuous values: a - b <= -STRICT_EPS
MAX_DENOMINATOR = 10_000
FEAS_TOL = 1e-6
EXACT = Tolerance()


class NotLinear(Exception):
    """A rule (or part of one) outside what the solver can take; `reason` is for editors."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- linear expressions and formulas ---------------------------------------------------


@dataclass
class Lin:
    """sum(coef * variable) + const, variables by name."""

    terms: dict[str, float] = field(default_factory=dict)
    const: float = 0.0

    @classmethod
    def var(cls, name: str) -> Lin:
        return cls({name: 1.0}, 0.0)

    @property
    def is_const(self) -> bool:
        return not self.terms

    def plus(self, other: Lin, sign: float = 1.0) -> Lin:
        terms = dict(self.terms)
        for k, v in other.terms.items():
            terms[k] = terms.get(k, 0.0) + sign * v
        return Lin({k: v for k, v in terms.items() if v != 0.0}, self.const + sign * other.const)

    def scale(self, factor: float) -> Lin:
        if factor == 0:
            return Lin({}, 0.0)
        return Lin({k: v * factor for k, v in self.terms.items()}, self.const * factor)


@dataclass(frozen=True)
class Atom:
    """lo <= sum(terms) <= hi (the constant folded into lo/hi). `step` is the grid the sum
    lives on (1 for whole numbers with whole coefficients, 1/q for coefficients that are
    multiples of 1/q) or 0 for continuous values: it turns strict comparisons exact."""

    terms: tuple[tuple[str, float], ...]
    lo: float
    hi: float
    step: float


@dataclass(frozen=True)
class And:
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class Const:
    value: bool


Formula = Atom | And | Or | Const
TRUE, FALSE = Const(True), Const(False)


def conj(items: Iterable[Formula]) -> Formula:
    return _flat(items, And, TRUE, FALSE)


def disj(items: Iterable[Formula]) -> Formula:
    return _flat(items, Or, FALSE, TRUE)


def _flat(items: Iterable[Formula], kind: type, unit: Const, absorbing: Const) -> Formula:
    """`items` joined by `kind` (And/Or), flattened; `unit` drops out, `absorbing` decides."""
    out: list[Formula] = []
    for f in items:
        if f == absorbing:
            return absorbing
        if f == unit:
            continue
        out.extend(f.items if isinstance(f, kind) else [f])
    return out[0] if len(out) == 1 else kind(tuple(out)) if out else unit


def negate(f: Formula) -> Formula:
    """not f, pushed down to atoms (a strict step of 1 for whole numbers, else STRICT_EPS)."""
    if isinstance(f, Const):
        return Const(not f.value)
    if isinstance(f, And):
        return disj(negate(i) for i in f.items)
    if isinstance(f, Or):
        return conj(negate(i) for i in f.items)
    parts: list[Formula] = []
    if f.lo > -math.inf:  # sum < lo
        below = (math.ceil(f.lo / f.step - 1e-9) - 1) * f.step if f.step else f.lo - STRICT_EPS
        parts.append(Atom(f.terms, -math.inf, below, f.step))
    if f.hi < math.inf:  # sum > hi
        above = (math.floor(f.hi / f.step + 1e-9) + 1) * f.step if f.step else f.hi + STRICT_EPS
        parts.append(Atom(f.terms, above, math.inf, f.step))
    return disj(parts)


# --- variables -------------------------------------------------------------------------


@dataclass
class VarSpec:
    """A variable's box and whether it is a whole number."""

    lo: float
    hi: float
    integer: bool


# --- AST -> formula --------------------------------------------------------------------


class Compiler:
    """Compile checks into formulas over named variables; auxiliaries (abs, min, max, round)
    are added to `specs` with their defining formula kept in `definitions`."""

    def __init__(self, specs: dict[str, VarSpec], default: VarSpec) -> None:
        self.specs = specs
        self.default = default
        self.definitions: list[Formula] = []
        self._aux = 0

    def spec(self, name: str) -> VarSpec:
        if name not in self.specs:
            self.specs[name] = VarSpec(self.default.lo, self.default.hi, self.default.integer)
        return self.specs[name]

    def check(self, node: ex.Node, tolerance: Tolerance = EXACT) -> Formula:
        """A check as one formula: its auxiliaries' definitions are conjoined to it."""
        defs, body = self.check_parts(node, tolerance)
        return conj([defs, body])

    def check_parts(self, node: ex.Node, tolerance: Tolerance = EXACT
                    ) -> tuple[Formula, Formula]:
        """(definitions of the auxiliaries, the condition): negate only the condition."""
        start = len(self.definitions)
        body = self.truth(node, tolerance)
        defs = self.definitions[start:]
        del self.definitions[start:]
        return conj(defs), body

    # numbers
    def num(self, node: ex.Node) -> Lin:
        if isinstance(node, ex.Num):
            return Lin({}, float(node.value))
        if isinstance(node, ex.Name):
            self.spec(node.path)
            return Lin.var(node.path)
        if isinstance(node, ex.Unary) and node.op == "-":
            return self.num(node.operand).scale(-1.0)
        if isinstance(node, ex.BinOp):
            a, b = self.num(node.left), self.num(node.right)
            if node.op == "+":
                return a.plus(b)
            if node.op == "-":
                return a.plus(b, -1.0)
            if node.op == "*":
                if a.is_const:
                    return b.scale(a.const)
                if b.is_const:
                    return a.scale(b.const)
                raise NotLinear(f"it multiplies two figures ({ex.to_text(node)})")
            if not b.is_const:
                raise NotLinear(f"it divides by a figure ({ex.to_text(node)})")
            if b.const == 0:
                raise NotLinear(f"it divides by zero ({ex.to_text(node)})")
            return a.scale(1.0 / b.const)
        if isinstance(node, ex.Call):
            args = [self.num(a) for a in node.args]
            return getattr(self, f"_{node.func}")(args)
        if isinstance(node, ex.Str):
            raise NotLinear(f"it compares text ({ex.to_text(node)})")
        raise NotLinear(f"{ex.to_text(node)} is not a number")

    def _sum(self, args: list[Lin]) -> Lin:
        out = Lin()
        for a in args:
            out = out.plus(a)
        return out

    def _new_aux(self, lo: float, hi: float, integer: bool = False) -> str:
        self._aux += 1
        name = f"~aux{self._aux}"
        self.specs[name] = VarSpec(lo, hi, integer)
        return name

    def _abs(self, args: list[Lin]) -> Lin:
        (a,) = args
        lo, hi = self.range(a)
        if lo >= 0:
            return a
        if hi <= 0:
            return a.scale(-1.0)
        t = Lin.var(self._new_aux(0.0, max(-lo, hi), self.whole(a)))
        self.definitions.append(conj([
            self.le(a, t), self.le(a.scale(-1.0), t),
            disj([self.le(t, a), self.le(t, a.scale(-1.0))]),
        ]))
        return t

    def _extreme(self, args: list[Lin], smallest: bool) -> Lin:
        if len(args) == 1:
            return args[0]
        ranges = [self.range(a) for a in args]
        whole = all(self.whole(a) for a in args)
        t = Lin.var(self._new_aux(min(r[0] for r in ranges), max(r[1] for r in ranges), whole))
        if smallest:  # t <= every arg, and t >= one of them
            bound = [self.le(t, a) for a in args]
            reach = [self.le(a, t) for a in args]
        else:
            bound = [self.le(a, t) for a in args]
            reach = [self.le(t, a) for a in args]
        self.definitions.append(conj([*bound, disj(reach)]))
        return t

    def _min(self, args: list[Lin]) -> Lin:
        return self._extreme(args, smallest=True)

    def _max(self, args: list[Lin]) -> Lin:
        return self._extreme(args, smallest=False)

    def _round(self, args: list[Lin]) -> Lin:
        (a,) = args
        lo, hi = self.range(a)
        t = Lin.var(self._new_aux(math.floor(lo) - 1, math.ceil(hi) + 1, integer=True))
        # t - 0.5 <= a <= t + 0.5 (a tie may round either way; numpy rounds half to even)
        self.definitions.append(conj([
            self.le(a, t.plus(Lin({}, 0.5))), self.le(t.plus(Lin({}, -0.5)), a),
        ]))
        return t

    # truths
    def truth(self, node: ex.Node, tol: Tolerance) -> Formula:
        if isinstance(node, ex.Compare):
            sides = [self.num(o) for o in node.operands]
            return conj(
                self.compare(op, sides[i], sides[i + 1], tol) for i, op in enumerate(node.ops)
            )
        if isinstance(node, ex.BoolOp):
            items = [self.truth(i, tol) for i in node.items]
            return conj(items) if node.op == "and" else disj(items)
        if isinstance(node, ex.Unary) and node.op == "not":
            return negate(self.truth(node.operand, tol))
        if isinstance(node, ex.Implies):
            return disj([negate(self.truth(node.condition, tol)), self.truth(node.consequence, tol)])
        if isinstance(node, ex.Bool):
            return Const(node.value)
        if isinstance(node, ex.In):
            if any(isinstance(i, ex.Str) for i in node.items):
                raise NotLinear(f"it compares text ({ex.to_text(node)})")
            x = self.num(node.operand)
            found = disj(self.equal(x, self.num(i), tol) for i in node.items)
            return negate(found) if node.negated else found
        if isinstance(node, ex.IsMissing):
            raise NotLinear(f"whether a figure is reported is not a number ({ex.to_text(node)})")
        raise NotLinear(f"{ex.to_text(node)} is not a condition")

    def compare(self, op: str, a: Lin, b: Lin, tol: Tolerance) -> Formula:
        if op in ("==", "!="):
            eq = self.equal(a, b, tol)
            return eq if op == "==" else negate(eq)
        if op == "<=":
            return self.le(a, b)
        if op == ">=":
            return self.le(b, a)
        if op == "<":
            return self.lt(a, b)
        return self.lt(b, a)

    def equal(self, a: Lin, b: Lin, tol: Tolerance) -> Formula:
        d = a.plus(b, -1.0)
        if tol.relative == 0:
            return self.atom(d, -tol.absolute, tol.absolute)
        if self.range(a)[0] < 0 or self.range(b)[0] < 0:
            raise NotLinear("a relative tolerance on a side that may be negative is not linear")
        # On non-negative sides |a - b| <= abs + rel * max(a, b) is exactly these two rows.
        return conj([
            self.atom(d.plus(a, -tol.relative), -math.inf, tol.absolute),
            self.atom(d.scale(-1.0).plus(b, -tol.relative), -math.inf, tol.absolute),
        ])

    def le(self, a: Lin, b: Lin) -> Formula:
        return self.atom(a.plus(b, -1.0), -math.inf, 0.0)

    def lt(self, a: Lin, b: Lin) -> Formula:
        return negate(self.le(b, a))

    def whole(self, lin: Lin) -> bool:
        """Does `lin` only take whole values (whole variables, coefficients, constant)?"""
        return float(lin.const).is_integer() and all(
            self.spec(k).integer and float(v).is_integer() for k, v in lin.terms.items()
        )

    def step(self, lin: Lin) -> float:
        """The grid sum(terms) lives on: 1/q for whole variables whose coefficients are
        multiples of 1/q; 0 (continuous) otherwise."""
        q = 1
        for k, v in lin.terms.items():
            if not self.spec(k).integer:
                return 0.0
            frac = Fraction(v).limit_denominator(MAX_DENOMINATOR)
            if abs(float(frac) - v) > 1e-12 * max(1.0, abs(v)):
                return 0.0
            q = q * frac.denominator // math.gcd(q, frac.denominator)
            if q > MAX_DENOMINATOR:
                return 0.0
        num = 0
        for v in lin.terms.values():
            num = math.gcd(num, round(v * q))
        return num / q if num else 0.0

    def atom(self, lin: Lin, lo: float, hi: float) -> Formula:
        """lo <= lin <= hi, folding the constant and deciding constant atoms at once."""
        lo, hi = lo - lin.const, hi - lin.const
        if lin.is_const:
            return Const(lo <= FEAS_TOL and hi >= -FEAS_TOL)
        return Atom(tuple(sorted(lin.terms.items())), lo, hi, self.step(lin))

    def range(self, lin: Lin) -> tuple[float, float]:
        """The values `lin` takes over the variable box."""
        lo = hi = lin.const
        for k, v in lin.terms.items():
            s = self.spec(k)
            lo += v * (s.lo if v > 0 else s.hi)
            hi += v * (s.hi if v > 0 else s.lo)
        return lo, hi


# --- formulas -> matrix rows -----------------------------------------------------------


@dataclass
class Model:
    """Variables (box, integrality) and rows lo <= A x <= hi, each row tagged with the rule
    instance it comes from so lint can switch instances on and off."""

    names: list[str] = field(default_factory=list)
    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    rows: list[tuple[dict[int, float], float, float, int]] = field(default_factory=list)
    _binaries: int = 0

    def var(self, name: str, spec: VarSpec) -> int:
        if name not in self.index:
            self.index[name] = len(self.names)
            self.names.append(name)
            self.lb.append(spec.lo)
            self.ub.append(spec.hi)
            self.integer.append(spec.integer)
        return self.index[name]

    def binary(self) -> int:
        self._binaries += 1
        return self.var(f"~y{self._binaries}", VarSpec(0.0, 1.0, True))

    def add(self, formula: Formula, tag: int, specs: dict[str, VarSpec]) -> None:
        """Add a formula's rows; disjunctions get binaries, guarded rows a big-M."""
        for name, spec in specs.items():
            self.var(name, spec)
        self._encode(formula, None, tag)

    def _encode(self, f: Formula, guard: int | None, tag: int) -> None:
        if isinstance(f, Const):
            if not f.value:
                if guard is None:
                    self.rows.append(({}, 1.0, 1.0, tag))  # 0 == 1: infeasible
                else:
                    self.rows.append(({guard: 1.0}, 0.0, 0.0, tag))
            return
        if isinstance(f, And):
            for item in f.items:
                self._encode(item, guard, tag)
            return
        if isinstance(f, Or):
            ys = [self.binary() for _ in f.items]
            coefs = {y: 1.0 for y in ys}
            if guard is None:
                self.rows.append((coefs, 1.0, math.inf, tag))
            else:
                coefs[guard] = -1.0
                self.rows.append((coefs, 0.0, math.inf, tag))
            for y, item in zip(ys, f.items):
                self._encode(item, y, tag)
            return
        coefs = {self.index[k]: v for k, v in f.terms}
        if guard is None:
            self.rows.append((coefs, f.lo, f.hi, tag))
            return
        lo_act, hi_act = self._activity(coefs)
        if f.hi < math.inf and hi_act > f.hi:  # sum <= hi + M (1 - y)
            m = hi_act - f.hi
            self.rows.append(({**coefs, guard: m}, -math.inf, f.hi + m, tag))
        if f.lo > -math.inf and lo_act < f.lo:  # sum >= lo - M (1 - y)
            m = f.lo - lo_act
            self.rows.append(({**coefs, guard: -m}, f.lo - m, math.inf, tag))

    def _activity(self, coefs: dict[int, float]) -> tuple[float, float]:
        lo = hi = 0.0
        for j, v in coefs.items():
            lo += v * (self.lb[j] if v > 0 else self.ub[j])
            hi += v * (self.ub[j] if v > 0 else self.lb[j])
        return lo, hi

    def matrix(self, n_extra: int = 0):
        """(A, lo, hi, tags) as a CSR matrix with `n_extra` spare columns on the right."""
        from scipy import sparse

        data, ri, ci = [], [], []
        for r, (coefs, _lo, _hi, _tag) in enumerate(self.rows):
            for j, v in coefs.items():
                data.append(v)
                ri.append(r)
                ci.append(j)
        shape = (len(self.rows), len(self.names) + n_extra)
        a = sparse.csr_array((data, (ri, ci)), shape=shape)
        lo = np.array([r[1] for r in self.rows], dtype=float)
        hi = np.array([r[2] for r in self.rows], dtype=float)
        tags = np.array([r[3] for r in self.rows], dtype=int)
        return a, lo, hi, tags


@dataclass
class Solution:
    status: str  # optimal | infeasible | unbounded | limit | error
    x: np.ndarray | None = None
    fun: float | None = None


def solve(c: np.ndarray, a, lo: np.ndarray, hi: np.ndarray, lb: np.ndarray, ub: np.ndarray,
          integer: np.ndarray, time_limit: float = 10.0) -> Solution:
    """min c.x subject to lo <= A x <= hi and the box, with scipy's HiGHS."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = [LinearConstraint(a, lo, hi)] if a.shape[0] else []
    for presolve in (True, False):  # HiGHS sometimes gives up on a tiny, tight model
        res = milp(
            c, integrality=integer.astype(int), bounds=Bounds(lb, ub), constraints=constraints,
            options={"time_limit": time_limit, "presolve": presolve},
        )
        if res.status != 4:
            break
    status = {0: "optimal", 1: "limit", 2: "infeasible", 3: "unbounded"}.get(res.status, "error")
    if status == "limit" and res.x is None:
        return Solution("limit")
    return Solution(status, res.x, res.fun)
