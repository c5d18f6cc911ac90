"""Shared builders of the unit tests: a small report of every status, and tiny table runs.

They go through the public paths the modules under test read from (report.build for the
renderers; load_spec, compile_rules and load_tables for the table kinds), so a test pins
one module's logic on real inputs without a CLI in between."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest

from missingstats.core import reasons
from missingstats.core.errors import Location
from missingstats.core.findings import Counts, Figure, Finding, Relation, Status, Tally, Value
from missingstats.core.results import Note, Results


def small_results() -> Results:
    """Two files: a failing error rule (one listed failure of 2: one cut), an undetermined
    warning, a not-evaluable rule, a passing rule with a listed pass, and a note."""
    loc = Location
    fail = Finding(
        "split", "error", Status.FAIL, "s.yaml", "a == b + c",
        (Figure("a", Value.exact(10), loc("s.yaml", 2, 6)),
         Figure("b", Value.exact(7), loc("s.yaml", 3, 6)),
         Figure("c", Value.exact(4), loc("s.yaml", 4, 6))),
        lhs=Value.exact(10), rhs=Value.exact(11), difference=-1.0,
        relation=Relation("==", ("b", "c"), "a"),
    )
    undetermined = Finding(
        "within", "warning", Status.UNDETERMINED, "s.yaml", "d <= a",
        (Figure("d", Value(8, math.inf, "at least", 8), loc("s.yaml", 5, 6)),
         Figure("a", Value.exact(10), loc("s.yaml", 2, 6))),
        lhs=Value(8, math.inf), rhs=Value.exact(10),
        decides=reasons.Decides((reasons.Split(
            "d", Value(8, math.inf, "at least", 8),
            (reasons.Piece(8, 10, "pass"), reasons.Piece(11, math.inf, "fail")), ()),)),
    )
    missing = Finding("needs-e", "error", Status.NOT_EVALUABLE, "s.yaml", "e <= a",
                      (Figure("e", None), Figure("a", Value.exact(10), loc("s.yaml", 2, 6))),
                      reason=reasons.NotReported(("e",)))
    passed = Finding("pos", "error", Status.PASS, "t.yaml", "x >= 0",
                     (Figure("x", Value.exact(3), loc("t.yaml", 2, 4)),))
    out = Results(files=["s.yaml", "t.yaml"], findings=[fail, undetermined, missing, passed])
    out.tallies = [
        Tally("s.yaml", "split", "error", "the parts add up", Counts(3, passed=1, failed=2)),
        Tally("s.yaml", "within", "warning", "", Counts(1, undetermined=1)),
        Tally("s.yaml", "needs-e", "error", "", Counts(1, missing=1)),
        Tally("t.yaml", "pos", "error", "", Counts(1, passed=1)),
    ]
    out.notes = [Note(loc("s.yaml", 1, 1), reasons.TextNotFound("s.txt"))]
    return out


@pytest.fixture
def report() -> dict:
    """The JSON report (version 1) of small_results(), as every renderer reads it."""
    from missingstats.render.report import build

    return build(small_results())


@pytest.fixture
def tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write tiny CSV tables and a spec into tmp_path; return a runner that compiles the
    spec's rules and evaluates one kind's plans: (outcome per rule id, engine)."""
    from missingstats.core.findings import Outcome
    from missingstats.evaluate.options import CheckOptions
    from missingstats.evaluate.tables.engine import Engine
    from missingstats.evaluate.tables.run import load_tables, prepare
    from missingstats.inputs import yamlnodes as sy
    from missingstats.inputs.tables.model import CodeBook
    from missingstats.kinds.registry import module

    monkeypatch.chdir(tmp_path)

    def run(spec: str, cap: int = 100, implied: bool = False, **files: str):
        for name, text in files.items():
            (tmp_path / name.replace("_", ".")).write_text(textwrap.dedent(text).lstrip())
        (tmp_path / "spec.yaml").write_text(textwrap.dedent(spec))
        top = sy.expect_mapping(sy.load("spec.yaml"), "a table spec")
        spec_, rules, plans = prepare("spec.yaml", top, CheckOptions(implied=implied))
        book = CodeBook(spec_.hierarchies)
        engine = Engine(load_tables(spec_, book), book, spec_)
        outcomes = {r.id: Outcome() for r in rules}
        for plan in plans:
            outcomes[plan.rule.id].add(module(plan.rule.kind).run(engine, plan, cap))
        return outcomes, engine

    return run


@pytest.fixture
def table_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write files (name_csv="..." is name.csv; bytes are written as they are) and a spec into
    tmp_path, the working directory; return the loaded TableSpec."""
    from missingstats.inputs import yamlnodes as sy
    from missingstats.inputs.tables.spec import load_spec

    monkeypatch.chdir(tmp_path)

    def make(spec: str, **files: str | bytes):
        for name, data in files.items():
            path = tmp_path / name.replace("_", ".")
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(textwrap.dedent(data).lstrip(), encoding="utf-8")
        (tmp_path / "spec.yaml").write_text(textwrap.dedent(spec), encoding="utf-8")
        return load_spec("spec.yaml", sy.expect_mapping(sy.load("spec.yaml"), "a table spec"))

    return make
