"""Which figures are wrong: Fellegi-Holt error localisation as a mixed-integer programme.

For a record (a sheet, or one row or cell group of a table) whose figures break the rules,
find the smallest weighted set of figures that, given new values, lets every rule hold:

    minimise  sum_i w_i z_i                 z_i = 1: figure i is changed
    such that rules(x)                      (linear.py: rows, binaries for or / if-then)
              lo_i - M z_i <= x_i <= hi_i + M z_i
                                            a figure written as an interval ("at least
                                            871") is unchanged anywhere inside it

solved exactly with scipy's HiGHS. Alternative sets of the same weight are enumerated by
adding a no-good cut (sum of z over a found set <= its size - 1) and solving again while
the optimum stays the same. Each set is then judged by what a typing slip explains
(typos.py): candidate values are kept only if every rule holds with them, and sets whose
every member has such a candidate come first, then sets that keep warnings true as well.
For each suspect we report the interval of values that makes every rule hold when the
figures outside its set keep their reported values (min and max of x_i by the solver).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from missingstats.analysis import typos
from missingstats.core.errors import Location
from missingstats.core.findings import Value
from missingstats.language import expr as ex
from missingstats.language import intervals as iv
from missingstats.language import linear as lin

MAX_CANDIDATES = 5
VERIFY_LIMIT = 12  # candidates checked with the solver per suspect, in rank order


@dataclass
class FigureVar:
    """A figure as the solver sees it: its reported interval, weight and kind."""

    name: str
    weight: float = 1.0
    integer: bool = True
    location: Location | None = None
    quoted: frozenset[float] = frozenset()  # numbers in the sentence the figure was taken from
    shown: Value | None = None  # as the sheet writes it (qualifier and stated value)


@dataclass
class Check:
    rule: str
    text: str
    node: ex.Node
    tolerance: iv.Tolerance
    severity: str


@dataclass
class Candidate:
    """A value a suspect probably should be, and why (render/explain.py words the why):

    kind      a typing slip (typos.KIND_RANK: swap, dropped, ...), "quoted" (the figure's
              quoted sentence gives it), "determined" (the only value that works) or
              "nearest" (the closest value that works)
    typed     for a slip: the reported value the slip gave
    quoted    the quoted sentence gives this value
    only      it is the only value that makes every rule hold given the other figures
    breaks_warning  a warning rule fails with it"""

    value: float
    kind: str
    rank: tuple
    typed: float | None = None
    quoted: bool = False
    only: bool = False
    breaks_warning: bool = False


@dataclass
class Suspect:
    figure: str
    value: float | None
    reported: Value | None  # as reported (None: not reported, an absent table cell)
    feasible: tuple[float | None, float | None]
    candidates: list[Candidate]
    location: Location | None


@dataclass
class ChangeSet:
    figures: list[str]
    weight: float
    fix: dict[str, float]
    typo: bool = False
    warnings_hold: bool | None = None
    order: int = 0
    score: tuple = ()
    interval: tuple[float, float] | None = None  # a single figure's, when already known


@dataclass
class Localisation:
    """What localising one record found. `status`: consistent (nothing to explain),
    localised (sets and suspects), contradiction (the rules cannot all hold: lint them),
    unanalysable (the failing rules are not linear), limit (the solver ran out of time)."""

    status: str
    sets: list[ChangeSet] = field(default_factory=list)
    suspects: list[Suspect] = field(default_factory=list)
    more: bool = False
    failing: list[Check] = field(default_factory=list)


@dataclass(frozen=True)
class Unanalysed:
    """A rule instance left out of the analysis: `reason` why it is not linear (from the
    compiler), or None for a rule of another kind than check (`kind`)."""

    rule: str
    expression: str
    reason: str | None = None
    kind: str = "check"


@dataclass
class Explanation:
    """One record localised (a sheet, a group of table cells, a row of --records): what
    `explain` reports, worded and laid out by render/explain.py. `parts`: a sheet whose
    failing rules fall in independent parts (components.py), each explained on its own;
    `result` is then their union (the best set of each part together)."""

    file: str
    severities: tuple[str, ...]
    result: Localisation
    unanalysed: list[Unanalysed] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return self.result.status == "consistent"


@dataclass
class Part:
    """An independent part of a sheet (its figures) and its own explanation."""

    figures: list[str]
    explanation: Explanation


class Problem:
    """A rule set compiled once for a layout of figures; records differ only in values."""

    def __init__(self, figures: list[FigureVar], checks: list[Check], free: list[str],
                 box: float, severities: tuple[str, ...] = ("error",)) -> None:
        self.figures = figures
        self.checks = checks
        self.free = free
        self.box = box
        self.severities = severities
        self.model = lin.Model()
        specs: dict[str, lin.VarSpec] = {}
        for f in figures:
            specs[f.name] = lin.VarSpec(0.0 if f.integer else -box, box, f.integer)
            self.model.var(f.name, specs[f.name])
        for name in free:
            specs[name] = lin.VarSpec(0.0, box, True)
            self.model.var(name, specs[name])
        self.unanalysed: dict[int, str] = {}
        for k, check in enumerate(checks):
            compiler = lin.Compiler(dict(specs), lin.VarSpec(0.0, box, True))
            try:
                formula = compiler.check(check.node, check.tolerance)
            except lin.NotLinear as err:
                self.unanalysed[k] = err.reason
                continue
            self.model.add(formula, k, compiler.specs)
        self.p = len(figures)
        self.a, self.row_lo, self.row_hi, self.tags = self.model.matrix()
        self.lb = np.array(self.model.lb, dtype=float)
        self.ub = np.array(self.model.ub, dtype=float)
        self.integer = np.array(self.model.integer, dtype=bool)
        self.used = [k for k, c in enumerate(checks) if c.severity in severities]
        self.warnings = [k for k, c in enumerate(checks)
                         if c.severity == "warning" and "warning" not in severities]
        # Rules that are plain linear rows over the figures alone (no or/if, abs, unknowns)
        # and equal weights: single-figure changes can be found with numpy, no solver.
        weights = {f.weight for f in figures}
        self.simple = (len(self.model.names) == self.p and not free and len(weights) <= 1
                       and not set(self.unanalysed) & set(self.used))
        if self.simple:
            a, self.simple_lo, self.simple_hi = self.rows(self.used)
            self.simple_a = a.toarray()

    def explanation(self, file: str, result: Localisation) -> Explanation:
        """`result` for `file`, with the rules in use that the solver could not analyse."""
        used = set(self.used)
        skipped = [Unanalysed(self.checks[k].rule, self.checks[k].text, why)
                   for k, why in self.unanalysed.items() if k in used]
        return Explanation(file, self.severities, result, skipped)

    def single_changes(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For records (lo/hi: records x figures) the interval each figure alone would need
        for every rule to hold, the others kept (empty, lo > hi, where none works). Exact
        when the others are exact; with interval figures a relaxation the caller verifies."""
        a = self.simple_a  # rows x figures
        terms_lo = np.minimum(a[None] * lo[:, None, :], a[None] * hi[:, None, :])
        terms_hi = np.maximum(a[None] * lo[:, None, :], a[None] * hi[:, None, :])
        rest_lo = terms_lo.sum(axis=2, keepdims=True) - terms_lo  # records x rows x figures
        rest_hi = terms_hi.sum(axis=2, keepdims=True) - terms_hi
        need_lo = self.simple_lo[None, :, None] - rest_hi  # a_rj x_j >= need_lo
        need_hi = self.simple_hi[None, :, None] - rest_lo  # a_rj x_j <= need_hi
        coef = np.broadcast_to(a[None], need_lo.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_lo = np.where(coef > 0, need_lo / coef, np.where(coef < 0, need_hi / coef, -np.inf))
            x_hi = np.where(coef > 0, need_hi / coef, np.where(coef < 0, need_lo / coef, np.inf))
        # a row without x_j must already hold for the others
        broken = (coef == 0) & ((need_lo > 1e-9) | (need_hi < -1e-9))
        x_lo = np.where(broken, np.inf, x_lo)
        flo = np.maximum(np.nan_to_num(x_lo, nan=-np.inf).max(axis=1, initial=-np.inf), self.lb[:self.p])
        fhi = np.minimum(np.nan_to_num(x_hi, nan=np.inf).min(axis=1, initial=np.inf), self.ub[:self.p])
        whole = self.integer[:self.p]
        flo = np.where(whole, np.ceil(flo - 1e-9), flo)
        fhi = np.where(whole, np.floor(fhi + 1e-9), fhi)
        return flo, fhi

    def rows(self, checks: list[int]):
        mask = np.isin(self.tags, checks)
        return self.a[mask], self.row_lo[mask], self.row_hi[mask]

    # --- evaluation -------------------------------------------------------------------

    def statuses(self, lo: np.ndarray, hi: np.ndarray, checks: list[int],
                 free: np.ndarray | None = None) -> np.ndarray:
        """Verdicts (checks x records) for records given as lo/hi arrays (records x figures);
        names the records do not report are unknown unless `free` gives them."""
        n = lo.shape[0]
        env: dict[str, iv.Interval] = {
            f.name: iv.Interval(lo[:, j], hi[:, j]) for j, f in enumerate(self.figures)
        }
        nan = np.full(n, np.nan)
        for i, name in enumerate(self.free):
            env[name] = iv.Interval.exact(free[:, i]) if free is not None else iv.Interval(nan, nan)
        out = np.empty((len(checks), n), dtype=object)
        for r, k in enumerate(checks):
            c = self.checks[k]
            truth = iv.evaluate(c.node, env, n, c.tolerance)
            assert isinstance(truth, iv.Truth)
            out[r] = truth.status()
        return out

    # --- solver calls -----------------------------------------------------------------

    def box_bounds(self, lo: np.ndarray, hi: np.ndarray, free_figs: set[int]):
        """Variable bounds: figures outside `free_figs` held to their reported interval."""
        lb, ub = self.lb.copy(), self.ub.copy()
        for j in range(self.p):
            if j not in free_figs:
                lb[j] = max(lb[j], lo[j])
                ub[j] = min(ub[j], hi[j])
        return lb, ub

    def optimise(self, objective: np.ndarray, lb: np.ndarray, ub: np.ndarray,
                 checks: list[int]) -> lin.Solution:
        a, rlo, rhi = self.rows(checks)
        return lin.solve(objective, a, rlo, rhi, lb, ub, self.integer)

    def interval(self, j: int, lo: np.ndarray, hi: np.ndarray, members: set[int]
                 ) -> tuple[float, float] | None:
        """Smallest and largest value of figure j for which every rule can hold, when the
        figures outside `members` keep their reported values."""
        lb, ub = self.box_bounds(lo, hi, members)
        c = np.zeros(len(lb))
        ends = []
        for sign in (1.0, -1.0):
            c[j] = sign
            sol = self.optimise(c, lb, ub, self.used)
            if sol.status != "optimal" or sol.x is None:
                return None
            ends.append(float(sol.x[j]))
        return ends[0], ends[1]

    def feasible_with(self, fixed: dict[int, float], lo: np.ndarray, hi: np.ndarray,
                      members: set[int], checks: list[int] | None = None) -> bool:
        lb, ub = self.box_bounds(lo, hi, members)
        for j, v in fixed.items():
            lb[j] = ub[j] = v
        sol = self.optimise(np.zeros(len(lb)), lb, ub, self.used if checks is None else checks)
        return sol.status == "optimal"


def localize(problem: Problem, lo: np.ndarray, hi: np.ndarray, stated: list[float | None],
             max_sets: int = 5, verify: bool = True,
             singles: tuple[np.ndarray, np.ndarray] | None = None) -> Localisation:
    """Localise the errors of one record (lo/hi: the reported interval of each figure);
    `singles` are its rows of Problem.single_changes when the caller batched them."""
    statuses = problem.statuses(lo[None, :], hi[None, :], problem.used)[:, 0]
    failing = [problem.checks[k] for k, s in zip(problem.used, statuses) if s == "fail"]
    if not failing and not (statuses == "undetermined").any():
        return Localisation("consistent")
    if not failing and problem.simple and _exact_point(problem, set(), lo, hi) is not None:
        return Localisation("consistent")  # the bounds leave room for every rule
    sets = _single_sets(problem, lo, hi, singles) if problem.simple else []
    status = "ok"
    if not sets:
        sets, status = _minimal_sets(problem, lo, hi, max(max_sets * 3, 10))
    if status in ("contradiction", "limit"):
        return Localisation(status, failing=failing)
    if not sets:
        return Localisation("unanalysable" if failing else "consistent", failing=failing)
    more = len(sets) >= max(max_sets * 3, 10)
    details: dict[tuple[str, ...], dict[int, tuple[tuple[float | None, float | None], list[Candidate]]]] = {}
    for order, cs in enumerate(sets):
        cs.order = order
        details[tuple(cs.figures)] = _judge(problem, cs, lo, hi, stated, verify)
    sets.sort(key=lambda s: s.score)
    shown = sets[:max_sets]
    suspects: list[Suspect] = []
    seen: set[str] = set()
    index = {f.name: j for j, f in enumerate(problem.figures)}
    for cs in shown:
        for name in cs.figures:
            if name in seen:
                continue
            seen.add(name)
            j = index[name]
            feasible, cands = details[tuple(cs.figures)][j]
            f = problem.figures[j]
            suspects.append(Suspect(
                name, stated[j], f.shown or Value(float(lo[j]), float(hi[j])), feasible,
                cands[:MAX_CANDIDATES], f.location,
            ))
    return Localisation("localised", shown, suspects, more or len(sets) > max_sets, failing)


def _single_sets(problem: Problem, lo: np.ndarray, hi: np.ndarray,
                 singles: tuple[np.ndarray, np.ndarray] | None) -> list[ChangeSet]:
    """Every single figure whose change alone lets every rule hold (numpy, no solver)."""
    if singles is None:
        flo, fhi = problem.single_changes(lo[None, :], hi[None, :])
        singles = (flo[0], fhi[0])
    flo, fhi = singles
    exact = bool((lo == hi).all())
    out = []
    for j in np.flatnonzero(flo <= fhi + 1e-9):
        j = int(j)
        if not exact and _exact_point(problem, {j}, lo, hi) is None:
            continue
        f = problem.figures[j]
        near = min(max(lo[j], flo[j]), fhi[j])
        out.append(ChangeSet([f.name], f.weight, {f.name: _clean(near, f.integer)},
                             interval=(float(flo[j]), float(fhi[j]))))
    return out


def _minimal_sets(problem: Problem, lo: np.ndarray, hi: np.ndarray, cap: int
                  ) -> tuple[list[ChangeSet], str]:
    """All minimum-weight change sets (up to `cap`), by no-good cuts."""
    from scipy import sparse

    p, n = problem.p, len(problem.lb)
    a, rlo, rhi = problem.rows(problem.used)
    a = sparse.hstack([a, sparse.csr_array((a.shape[0], p))], format="csr")
    link: list[tuple[dict[int, float], float, float]] = []
    for j in range(p):
        big_hi = problem.ub[j] - hi[j]
        big_lo = lo[j] - problem.lb[j]
        if big_hi > 0:  # x_j - M z_j <= hi_j
            link.append(({j: 1.0, n + j: -big_hi}, -math.inf, hi[j]))
        if big_lo > 0:  # x_j + M z_j >= lo_j
            link.append(({j: 1.0, n + j: big_lo}, lo[j], math.inf))
    weights = np.array([f.weight for f in problem.figures], dtype=float)
    c = np.concatenate([np.zeros(n), weights])
    lb = np.concatenate([problem.lb, np.zeros(p)])
    ub = np.concatenate([problem.ub, np.ones(p)])
    integer = np.concatenate([problem.integer, np.ones(p, dtype=bool)])
    out: list[ChangeSet] = []
    best: float | None = None
    cuts: list[tuple[dict[int, float], float, float]] = []
    while len(out) < cap:
        extra = link + cuts
        e = _rows_matrix(extra, n + p)
        full = sparse.vstack([a, e], format="csr")
        elo = np.concatenate([rlo, [r[1] for r in extra]])
        ehi = np.concatenate([rhi, [r[2] for r in extra]])
        sol = lin.solve(c, full, elo, ehi, lb, ub, integer)
        if sol.status == "infeasible":
            return out, "contradiction" if best is None else "ok"
        if sol.status != "optimal" or sol.x is None or sol.fun is None:
            return out, "limit" if best is None else "ok"
        if best is not None and sol.fun > best + 1e-6:
            break
        chosen = [j for j in range(p) if sol.x[n + j] > 0.5]
        x = _exact_point(problem, set(chosen), lo, hi)
        if x is None:
            # Within the solver's tolerances only (a big-M slack): no set inside `chosen`
            # works, so a real one needs some other figure.
            if len(chosen) == p:
                return out, "contradiction" if best is None else "ok"
            cuts.append(({n + j: 1.0 for j in range(p) if j not in chosen}, 1.0, math.inf))
            continue
        best = sol.fun if best is None else best
        if not chosen:
            return [], "ok"
        fix = {problem.figures[j].name: _clean(x[j], problem.integer[j]) for j in chosen}
        weight = float(sum(problem.figures[j].weight for j in chosen))
        out.append(ChangeSet([problem.figures[j].name for j in chosen], weight, fix))
        cuts.append(({n + j: 1.0 for j in chosen}, -math.inf, len(chosen) - 1.0))
    return out, "ok"


def _exact_point(problem: Problem, members: set[int], lo: np.ndarray, hi: np.ndarray
                 ) -> np.ndarray | None:
    """A point where every rule holds with only `members` changed, found with the other
    figures pinned by bounds (no big-M) and, for whole numbers, checked by evaluating the
    rules exactly; None if there is none."""
    lb, ub = problem.box_bounds(lo, hi, members)
    sol = problem.optimise(np.zeros(len(lb)), lb, ub, problem.used)
    if sol.status != "optimal" or sol.x is None:
        return None
    k = problem.p + len(problem.free)
    analysed = [c for c in problem.used if c not in problem.unanalysed]
    if problem.integer[:k].all() and analysed:
        x = np.round(sol.x[:k])
        st = problem.statuses(x[None, :problem.p], x[None, :problem.p], analysed,
                              free=x[None, problem.p:k])
        if not (st[:, 0] == "pass").all():
            return None
    return sol.x


def _rows_matrix(rows: list[tuple[dict[int, float], float, float]], width: int):
    from scipy import sparse

    data, ri, ci = [], [], []
    for r, (coefs, _lo, _hi) in enumerate(rows):
        for j, v in coefs.items():
            data.append(v)
            ri.append(r)
            ci.append(j)
    return sparse.csr_array((data, (ri, ci)), shape=(len(rows), width))


def _clean(x: float, integer: bool) -> float:
    return float(round(x)) if integer else float(x)


def _judge(problem: Problem, cs: ChangeSet, lo: np.ndarray, hi: np.ndarray,
           stated: list[float | None], verify: bool):
    """Feasible interval and candidates per member; score the set."""
    index = {f.name: j for j, f in enumerate(problem.figures)}
    members = {index[n] for n in cs.figures}
    out: dict[int, tuple[tuple[float | None, float | None], list[Candidate]]] = {}
    best_typos: dict[int, Candidate] = {}
    for j in sorted(members):
        f = problem.figures[j]
        ends = cs.interval if cs.interval is not None else problem.interval(j, lo, hi, members)
        if ends is None:
            out[j] = ((None, None), [])
            continue
        flo, fhi = ends
        shown = (_open(flo, problem.lb[j]), _open(fhi, problem.ub[j]))
        value = stated[j] if stated[j] is not None else (lo[j] if lo[j] == hi[j] else None)
        cands = _candidates(problem, j, value, flo, fhi, lo, hi, members, f.integer, verify)
        out[j] = (shown, cands)
        typo = next((c for c in cands if c.kind in typos.KIND_RANK), None)
        if typo is not None:
            best_typos[j] = typo
    cs.typo = len(best_typos) == len(members)
    if cs.typo:
        fixed = {j: best_typos[j].value for j in members}
        if len(members) > 1 and not problem.feasible_with(fixed, lo, hi, members):
            cs.typo = False
        else:
            cs.fix = {problem.figures[j].name: v for j, v in fixed.items()}
    if problem.warnings:
        cs.warnings_hold = problem.feasible_with(
            {}, lo, hi, members, problem.used + problem.warnings
        )
    rank_sum = tuple(sum(c.rank[i] for c in best_typos.values()) for i in range(2)) if cs.typo else (0, 0)
    quoted = sum(1 for j in members if out[j][1] and out[j][1][0].quoted)
    cs.score = (-quoted, not cs.typo, cs.warnings_hold is False, rank_sum, cs.order)
    return out


def _open(x: float, box_end: float) -> float | None:
    """An end at the edge of the solver's box is really open: report None."""
    if abs(x - box_end) <= 1e-6 * max(1.0, abs(box_end)) and box_end != 0:
        return None
    return float(round(x)) if abs(x - round(x)) < 1e-6 else float(x)


def _candidates(problem: Problem, j: int, value: float | None, flo: float, fhi: float,
                lo: np.ndarray, hi: np.ndarray, members: set[int], integer: bool,
                verify: bool) -> list[Candidate]:
    tol = 1e-6 * max(1.0, abs(flo), abs(fhi))
    inside = lambda v: flo - tol <= v <= fhi + tol  # noqa: E731
    quoted = {q for q in problem.figures[j].quoted if inside(q) and q != value}
    pool: list[Candidate] = []
    if value is not None:
        for t in typos.candidates(value, integer):
            if inside(t.value):
                pool.append(Candidate(t.value, t.kind, t.rank, typed=value,
                                      quoted=t.value in quoted))
    typo_values = {c.value for c in pool}
    if len(problem.figures[j].quoted) == 1:  # a lone number in the quote is the figure
        for q in sorted(quoted - typo_values):
            pool.append(Candidate(q, "quoted", (6, 0, 0.0), quoted=True))
    determined = abs(fhi - flo) <= tol
    point = _clean(flo, integer) if determined else None
    if pool and verify:
        pool = _verified(problem, j, pool, lo, hi, members, quoted)
    if determined:
        hit = next((c for c in pool if c.value == point), None)
        if hit is not None:
            hit.only = True
            pool = [hit]  # nothing else can be right
        else:
            pool = [Candidate(point, "determined", (7, 0, 0.0), only=True)]
    elif value is not None and not inside(value):
        nearest = _clean(flo if value < flo else fhi, integer)
        if all(c.value != nearest for c in pool):
            pool.append(Candidate(nearest, "nearest", (8, 0, abs(nearest - value))))
    return pool


def _verified(problem: Problem, j: int, pool: list[Candidate], lo: np.ndarray, hi: np.ndarray,
              members: set[int], quoted: set[float]) -> list[Candidate]:
    """Keep candidates with which every rule can hold: interval evaluation of all checks
    (vectorised over candidates), then the solver when evaluation cannot decide. Order:
    a value the quoted sentence gives first, then values that keep warnings true, then the
    typo ranking."""
    n = len(pool)
    los = np.repeat(lo[None, :], n, axis=0)
    his = np.repeat(hi[None, :], n, axis=0)
    vals = np.array([c.value for c in pool])
    los[:, j] = his[:, j] = vals
    for m in members - {j}:  # other members are free: their box
        los[:, m], his[:, m] = problem.lb[m], problem.ub[m]
    checks = problem.used
    st = problem.statuses(los, his, checks + problem.warnings)
    used, warn = st[:len(checks)], st[len(checks):]
    ok = ~(used == "fail").any(axis=0)
    exact = (used == "pass").all(axis=0)
    breaks = (warn == "fail").any(axis=0) if len(problem.warnings) else np.zeros(n, dtype=bool)
    order = sorted(range(n), key=lambda k: (pool[k].value not in quoted, bool(breaks[k]),
                                            pool[k].rank))
    out: list[Candidate] = []
    tried = 0
    for k in order:
        cand = pool[k]
        if len(out) >= MAX_CANDIDATES:
            break
        if not ok[k]:
            continue
        cand.breaks_warning = bool(breaks[k])
        if exact[k]:  # every rule holds for certain (members' whole box included)
            out.append(cand)
            continue
        if tried >= VERIFY_LIMIT:
            continue
        tried += 1
        if problem.feasible_with({j: cand.value}, lo, hi, members):
            out.append(cand)
    return out


# --- sheets ----------------------------------------------------------------------------


def checks_of(rules) -> list[Check]:
    """Every instance of the `check` rules, each as one Check."""
    return [
        Check(rule.id, inst.text, inst.node, rule.tolerance, rule.severity)
        for rule in rules if rule.kind == "check" for inst in rule.instances
    ]


def box_for(values: list[float], checks: list[Check]) -> float:
    """U for the variable box [0, U]: the sum of the reported values plus ten times the
    largest of them (or of the rules' constants), so no sensible correction is cut off and
    every big-M stays as small as it can (the solver's tolerances scale with it)."""
    finite = [abs(v) for v in values if math.isfinite(v)]
    consts = [abs(n.value) for c in checks for n in _nums(c.node)]
    return sum(finite) + 10.0 * max(1.0, max(finite, default=0.0), max(consts, default=0.0))


def _nums(node: ex.Node):
    if isinstance(node, ex.Num):
        yield node
    for child in ex.children(node):
        yield from _nums(child)


def free_names(checks: list[Check], reported: set[str], rules, known: set[str], file: str
               ) -> list[str]:
    """Names the rules use that the record does not report: unknowns the solver may set.
    As in `check`, a name outside the pack's vocabulary is an input error."""
    from missingstats.core.errors import InputError, suggest

    generic = {r.id for r in rules if r.generic}
    out: dict[str, None] = {}
    for c in checks:
        for name in ex.names(c.node):
            if name in reported or name in out:
                continue
            if name not in known and c.rule not in generic:
                rule = next(r for r in rules if r.id == c.rule)
                raise InputError(
                    f"rule {c.rule!r} uses {name!r}, which {file} does not report"
                    f"{suggest(name, reported | known)}",
                    rule.location,
                )
            out[name] = None
    return list(out)


@dataclass
class SheetRecord:
    problem: Problem
    lo: np.ndarray
    hi: np.ndarray
    stated: list[float | None]


def figure_var(f) -> FigureVar:
    """A sheet's figure as the solver sees it."""
    return FigureVar(f.name, f.weight, f.unit == "count", f.location, quoted_numbers(f.quote),
                     Value(f.lo, f.hi, f.qualifier, f.value, f.unit))


def sheet_record(sheet, rules, known: set[str], severities: tuple[str, ...]) -> SheetRecord:
    """A sheet as one record of a Problem."""
    own = sheet.all_figures()  # with its sources' figures (letter2020.missing.total)
    figs = list(own.values())
    checks = checks_of(rules)
    reported = set(own)
    free = free_names(checks, reported, rules, known, sheet.path)
    values = [x for f in figs for x in (f.lo, f.hi, f.value if f.value is not None else 0.0)]
    box = box_for(values, checks)
    problem = Problem([figure_var(f) for f in figs], checks, free, box, severities)
    lo = np.array([f.lo for f in figs], dtype=float)
    hi = np.array([min(f.hi, box) for f in figs], dtype=float)
    stated = [f.value if f.value is not None else (f.lo if f.lo == f.hi else None) for f in figs]
    return SheetRecord(problem, lo, hi, stated)


NUMBER_IN_TEXT = re.compile(
    r"(?<![\w.])(\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3})+|\d+(?:\.\d+)?)(?![\w])"
)


def quoted_numbers(quote: str | None) -> frozenset[float]:
    """Numbers written in a figure's quoted sentence ('3,889' -> 3889)."""
    if not quote:
        return frozenset()
    out = set()
    for m in NUMBER_IN_TEXT.finditer(quote):
        text = re.sub(r"[,\u00a0\u202f\u2009 ]", "", m.group(1))
        out.add(float(text))
    return frozenset(out)
