"""Rule-set analysis: contradictions, redundancy, derived bounds and names used only once.

Run on a rules file alone (every figure a count: a whole number >= 0) or with a sheet
(`--sheet`: units from the sheet, the rules its structure implies, and its figures as the
fixed values that derived bounds are computed from). Every question is a feasibility
question for scipy's HiGHS over the rules compiled by linear.py:

- contradiction: no values satisfy all rules. A minimal conflicting subset is found by a
  deletion filter (drop a rule; if the rest still conflict, leave it out), first over rules,
  then over their instances to show the exact expressions; the search repeats on the rules
  left, so separate contradictions are each reported;
- redundancy: rule R is implied by the others when "others and not R" has no solution; the
  rules that imply it are again narrowed by a deletion filter. A rule is only said to be
  implied by rules of the same or a stricter severity (a warning does not make an error
  redundant), and only by checks that can be evaluated whenever R can: checks over R's own
  figures (and, with a sheet, the figures it reports). A figure a sheet does not report
  makes the checks that use it "not evaluable", so a rule that reaches the same conclusion
  without that figure still checks something on such sheets: the default pack's
  `detained.servicemen <= missing.total - missing.civilians.total` follows from
  `detained.servicemen <= missing.servicemen` and the split of the missing only where
  `missing.servicemen` is reported, which the founding letter does not. Such a rule is
  listed apart (`implied_where_reported`, with the figures it does without), as a fact
  and not as one to delete;
- derived bounds: the smallest and largest value of each figure for which the error rules
  can hold (with --sheet: given the other reported figures);
- names used only once, which are often typos of a name used elsewhere.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field

import numpy as np

from missingstats.analysis.localize import Unanalysed
from missingstats.kinds.base import Rule
from missingstats.language import expr as ex
from missingstats.language import linear as lin

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
MAX_CONFLICTS = 10
MIN_BOX = 10_000.0


@dataclass
class Conflict:
    rules: list[str]
    expressions: list[str]


@dataclass
class Redundancy:
    """A rule the others imply; `needs` (when not empty) the figures those others use and it
    does not: it is implied only where they are reported."""

    rule: str
    implied_by: list[str]
    needs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SingleUse:
    """A name that occurs once in the whole rule set, and the closest other name."""

    name: str
    rule: str
    did_you_mean: str | None


@dataclass
class LintResult:
    """What lint found (render/lint.py words it). The notes are facts: `left_out` the rules
    in contradictions that redundancy and bounds leave out, `stuck` when further rules
    contradict so neither was analysed, `sheet_breaks` the sheet whose figures break the
    error rules (its bounds are each given the other figures)."""

    conflicts: list[Conflict] = field(default_factory=list)
    redundant: list[Redundancy] = field(default_factory=list)
    implied_where_reported: list[Redundancy] = field(default_factory=list)
    bounds: dict[str, tuple[float | None, float | None] | None] = field(default_factory=dict)
    unanalysed: list[Unanalysed] = field(default_factory=list)
    single_use: list[SingleUse] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    stuck: bool = False
    sheet_breaks: str | None = None
    box: float = 0.0


@dataclass
class _Inst:
    rule: int
    text: str
    ok: bool
    names: frozenset[str] = frozenset()


class Analysis:
    """Every rule instance compiled twice into one model: tag 2k is instance k, tag 2k+1 its
    negation (auxiliary definitions kept), so any question is a choice of tags."""

    def __init__(self, rules: list[Rule], specs: dict[str, lin.VarSpec], box: float) -> None:
        self.rules = rules
        self.box = box
        self.model = lin.Model()
        for name, spec in specs.items():
            self.model.var(name, spec)
        self.insts: list[_Inst] = []
        self.unanalysed: list[Unanalysed] = []
        default = lin.VarSpec(0.0, box, True)
        for r, rule in enumerate(rules):
            for inst in rule.instances:
                k = len(self.insts)
                names = frozenset(ex.names(inst.node))
                compiler = lin.Compiler(dict(specs), default)
                try:
                    defs, body = compiler.check_parts(inst.node, rule.tolerance)
                except lin.NotLinear as err:
                    self.insts.append(_Inst(r, inst.text, False, names))
                    self.unanalysed.append(Unanalysed(rule.id, inst.text, err.reason))
                    continue
                self.insts.append(_Inst(r, inst.text, True, names))
                self.model.add(lin.conj([defs, body]), 2 * k, compiler.specs)
                self.model.add(lin.conj([defs, lin.negate(body)]), 2 * k + 1, compiler.specs)
        self.a, self.lo, self.hi, self.tags = self.model.matrix()
        self.lb = np.array(self.model.lb, dtype=float)
        self.ub = np.array(self.model.ub, dtype=float)
        self.integer = np.array(self.model.integer, dtype=bool)
        self.solves = 0

    def instances_of(self, rules: list[int]) -> list[int]:
        chosen = set(rules)
        return [k for k, i in enumerate(self.insts) if i.ok and i.rule in chosen]

    def solve(self, tags: list[int], objective: np.ndarray | None = None,
              fixed: dict[int, tuple[float, float]] | None = None) -> lin.Solution:
        mask = np.isin(self.tags, tags)
        lb, ub = self.lb.copy(), self.ub.copy()
        for j, (lo, hi) in (fixed or {}).items():
            lb[j], ub[j] = max(lb[j], lo), min(ub[j], hi)
        if (lb > ub).any():
            return lin.Solution("infeasible")
        c = np.zeros(len(lb)) if objective is None else objective
        self.solves += 1
        return lin.solve(c, self.a[mask], self.lo[mask], self.hi[mask], lb, ub, self.integer)

    def feasible(self, insts: list[int], negated: list[int] = (),
                 fixed: dict[int, tuple[float, float]] | None = None) -> bool:
        tags = [2 * k for k in insts] + [2 * k + 1 for k in negated]
        return self.solve(tags, fixed=fixed).status != "infeasible"

    # --- contradictions ---------------------------------------------------------------

    def conflicts(self, pool: list[int]) -> list[Conflict]:
        out: list[Conflict] = []
        pool = list(pool)
        while pool and len(out) < MAX_CONFLICTS and not self.feasible(self.instances_of(pool)):
            core = _deletion(pool, lambda rs: not self.feasible(self.instances_of(rs)))
            insts = _deletion(self.instances_of(core), lambda ks: not self.feasible(ks))
            out.append(Conflict(
                [self.rules[r].id for r in core], [self.insts[k].text for k in insts],
            ))
            pool = [r for r in pool if r not in core]
        return out

    # --- redundancy -------------------------------------------------------------------

    def redundant(self, candidates: list[int], pool: list[int],
                  reported: frozenset[str] = frozenset()) -> tuple[list[Redundancy], list[Redundancy]]:
        """Rules of `candidates` implied by others of `pool` (module docstring): (redundant,
        implied only where figures it does without are reported). Each instance counts as
        implied by the instances evaluable whenever it is (their figures among its own and
        the `reported` ones); failing that, by all of them, which is the second kind."""
        out: list[Redundancy] = []
        where_reported: list[Redundancy] = []
        for r in candidates:
            own = [k for k, i in enumerate(self.insts) if i.rule == r]
            if not own or not all(self.insts[k].ok for k in own):
                continue
            rank = SEVERITY_RANK.get(self.rules[r].severity, 2)
            others = [q for q in pool if q != r
                      and SEVERITY_RANK.get(self.rules[q].severity, 2) <= rank]

            def implies(rs: list[int], own=own, evaluable: bool = True) -> bool:
                base = self.instances_of(rs)
                return all(not self.feasible(
                    self._evaluable_with(base, k, reported) if evaluable else base, [k])
                    for k in own)

            if implies(others):
                out.append(Redundancy(self.rules[r].id, self._ids(_deletion(others, implies))))
            elif implies(others, evaluable=False):
                core = _deletion(others, lambda rs, own=own: implies(rs, own, False))
                mine = frozenset().union(*(self.insts[k].names for k in own)) | reported
                needed = _deletion(self.instances_of(core), lambda ks, own=own: all(
                    not self.feasible(ks, [k]) for k in own))
                used = frozenset().union(*(self.insts[k].names for k in needed))
                where_reported.append(Redundancy(self.rules[r].id, self._ids(core),
                                                 sorted(used - mine)))
        return out, where_reported

    def _ids(self, rules: list[int]) -> list[str]:
        return [self.rules[q].id for q in rules]

    def _evaluable_with(self, base: list[int], k: int, reported: frozenset[str]) -> list[int]:
        """The instances of `base` that can be evaluated whenever instance k can."""
        known = self.insts[k].names | reported
        return [i for i in base if self.insts[i].names <= known]

    # --- bounds -----------------------------------------------------------------------

    def bounds(self, names: list[str], insts: list[int],
               fixed: dict[str, tuple[float, float]]) -> dict[str, tuple | None]:
        out: dict[str, tuple | None] = {}
        tags = [2 * k for k in insts]
        for name in names:
            j = self.model.index[name]
            pinned = {self.model.index[n]: v for n, v in fixed.items() if n != name}
            ends: list[float | None] = []
            for sign in (1.0, -1.0):
                c = np.zeros(len(self.lb))
                c[j] = sign
                sol = self.solve(tags, c, pinned)
                if sol.status != "optimal" or sol.x is None:
                    ends = []
                    break
                ends.append(_end(float(sol.x[j]), self.lb[j] if sign > 0 else self.ub[j]))
            out[name] = (ends[0], ends[1]) if ends else None
        return out


def _end(x: float, box_end: float) -> float | None:
    if box_end != 0 and abs(x - box_end) <= 1e-6 * max(1.0, abs(box_end)):
        return None
    return float(round(x)) if abs(x - round(x)) < 1e-6 else x


def _deletion(items: list[int], still: callable) -> list[int]:
    """Deletion filter: drop each item whose removal keeps the property; what is left is
    minimal (no item can go). Later items are dropped first, so earlier rules stay."""
    kept = list(items)
    for item in reversed(list(items)):
        trial = [i for i in kept if i != item]
        if still(trial):
            kept = trial
    return kept


# --- the whole analysis ----------------------------------------------------------------


def lint_inputs(path: str, sheet: str | None = None):
    """What `lint PATH [--sheet S]` analyses: (the rules, the sheet whose figures are fixed).
    PATH is a rules file, or a figure sheet (a mapping under `figures:`): then its rules are
    the ones check applies to it (inline `rules:`, a rules.yaml beside it, the pack) and its
    figures are fixed unless --sheet names another sheet."""
    from missingstats.evaluate.rulesets import find_rules
    from missingstats.inputs import yamlnodes as sy
    from missingstats.inputs.rules import load_rules
    from missingstats.inputs.sheet import load_sheet

    root = sy.load(path)
    is_sheet = isinstance(root, sy.Mapping) and isinstance(root.get("figures"), sy.Mapping)
    if not is_sheet:
        return load_rules(path), load_sheet(sheet) if sheet is not None else None
    own = load_sheet(path)
    ruleset = find_rules(path, own.rules, None)
    return ruleset, load_sheet(sheet) if sheet is not None and sheet != path else own


def names_in(rules: list[Rule]) -> list[str]:
    seen: dict[str, None] = {}
    for rule in rules:
        for inst in rule.instances:
            for n in ex.names(inst.node):
                seen.setdefault(n, None)
    return list(seen)


def single_use(rules: list[Rule], vocabulary: set[str], reported: set[str]) -> list[SingleUse]:
    """Names that occur once in the whole rule set (and are not declared or reported)."""
    counts: dict[str, int] = {}
    where: dict[str, str] = {}
    for rule in rules:
        if rule.kind != "check" or rule.source.startswith("(implied"):
            continue
        for inst in rule.instances:
            for n in _occurrences(inst.node):
                counts[n] = counts.get(n, 0) + 1
                where.setdefault(n, rule.id)
    known = vocabulary | reported
    out = []
    for name, count in counts.items():
        if count != 1 or name in known:
            continue
        others = [n for n in list(counts) + sorted(known) if n != name]
        close = difflib.get_close_matches(name, others, n=1, cutoff=0.8)
        out.append(SingleUse(name, where[name], close[0] if close else None))
    return out


def _occurrences(node: ex.Node):
    if isinstance(node, ex.Name):
        yield node.path
    for child in ex.children(node):
        yield from _occurrences(child)


def analyse(rules: list[Rule], own: set[str], sheet=None, vocabulary: set[str] | None = None,
            box: float | None = None) -> LintResult:
    """Lint `rules` (those whose id is in `own` are the file's, checked for redundancy).
    Every figure lies in [0, box] (counts); the default box is far above any figure."""
    other_kinds = [Unanalysed(r.id, r.kind, kind=r.kind) for r in rules if r.kind != "check"]
    rules = [r for r in rules if r.kind == "check"]
    text = {n for r in rules for i in r.instances for n, t in ex.infer(i.node).items()
            if t == ex.TEXT}
    names = [n for n in names_in(rules) if n not in text]  # text is no number to bound
    specs: dict[str, lin.VarSpec] = {}
    fixed: dict[str, tuple[float, float]] = {}
    values: list[float] = []
    consts = [abs(n.value) for r in rules for i in r.instances for n in _nums(i.node)]
    if sheet is not None:
        for f in sheet.figures.values():
            values += [v for v in (f.lo, f.hi) if math.isfinite(v)]
    if box is None:
        box = 10.0 * max(MIN_BOX, sum(values), max(consts, default=0.0))
    if sheet is not None:
        for f in sheet.figures.values():
            count = f.unit == "count"
            specs[f.name] = lin.VarSpec(0.0 if count else -box, box, count)
            fixed[f.name] = (f.lo, min(f.hi, box))
    for n in names:
        specs.setdefault(n, lin.VarSpec(0.0, box, True))
    analysis = Analysis(rules, specs, box)
    result = LintResult(box=box, unanalysed=analysis.unanalysed + other_kinds)
    pool = list(range(len(rules)))
    result.conflicts = analysis.conflicts(pool)
    if result.conflicts:
        clashing = {rid for c in result.conflicts for rid in c.rules}
        pool = [r for r in pool if rules[r].id not in clashing]
        result.left_out = sorted(clashing)
    if not analysis.feasible(analysis.instances_of(pool)):
        result.stuck = True
    else:
        candidates = [r for r in pool if rules[r].id in own]
        reported = frozenset(sheet.figures) if sheet is not None else frozenset()
        result.redundant, result.implied_where_reported = analysis.redundant(
            candidates, pool, reported)
        errors = analysis.instances_of([r for r in pool if rules[r].severity == "error"])
        ordered = list(specs) if sheet is not None else names
        bounds = analysis.bounds(ordered, errors, fixed)
        result.bounds = bounds
        if sheet is not None and not analysis.feasible(errors, fixed={
            analysis.model.index[n]: v for n, v in fixed.items()
        }):
            result.sheet_breaks = sheet.path
    reported = set(sheet.figures) if sheet is not None else set()
    result.single_use = single_use(rules, vocabulary or set(), reported)
    return result


def _nums(node: ex.Node):
    if isinstance(node, ex.Num):
        yield node
    for child in ex.children(node):
        yield from _nums(child)
