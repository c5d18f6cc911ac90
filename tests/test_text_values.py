"""Text values in the rule language: string literals, == / != on text, `in [..]`, `is missing`;
types checked while parsing (and again with the data's types), evaluated vectorised with
NA as "not available"."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.language import expr as ex
from missingstats.language import intervals as iv
from missingstats.language import linear as lin
from missingstats.language import partial

# --- parsing and canonical text ------------------------------------------------------------


@pytest.mark.parametrize("text", [
    'status == "found dead"',
    "status == 'found dead'",
    'if status == "found dead" then age_group is not missing',
    'status in ["missing", "found alive", "found dead"]',
    'status not in ["x"] or a is missing',
    "x in [1, -2, 3.5]",
    'not status in ["a"]',
    'a + b is not missing',
    's == "quote \\" backslash \\\\ newline \\n tab \\t"',
    'missing.total is missing',
    'in == "x" and is.x in ["y"]',
])
def test_text_forms_parse_and_round_trip(text):
    node = ex.parse_check(text)
    canonical = ex.to_text(node)
    assert ex.to_text(ex.parse_check(canonical)) == canonical


def test_escapes_are_decoded():
    node = ex.parse_check('s == "a\\"b\\\\c\\nd" or s == \'it\\\'s\'')
    strings = [n.value for n in _walk(node) if isinstance(n, ex.Str)]
    assert strings == ['a"b\\c\nd', "it's"]


def _walk(node):
    yield node
    for child in ex.children(node):
        yield from _walk(child)


def test_missing_is_a_word_only_after_is():
    node = ex.parse_check("missing.total >= missing.civilians.total and missing is not missing")
    assert ex.names(node) == ["missing.total", "missing.civilians.total", "missing"]


@pytest.mark.parametrize(("text", "column", "fragment"), [
    ('status == "x" and status > 3', 19, "'status' is text (compared with text at column 1)"),
    ('a == 1 and a == "x"', 12, "'a' is a number"),
    ('"a" + 1 > 2', 1, "needs a number, not text"),
    ('"a" < "b"', 1, "text can only be compared with == or !="),
    ('1 == "a"', 6, "compares a number with text"),
    ('x in [1, "a"]', 10, "mixes text and numbers"),
    ("x in []", 6, "is empty"),
    ("x in 3", 6, "expected '['"),
    ('x in ["a" "b"]', 11, "expected ','"),
    ("x in [y]", 7, "holds text in quotes or numbers"),
    ("x is gone", 6, "expected 'missing'"),
    ("x is not", 9, "expected 'missing'"),
    ('(a < b) is missing', 2, "must be a number"),
    ('"abc', 1, "not closed"),
    ('a == "\\q"', 7, "unknown escape \\q"),
    ('a == "x" and sum(a) > 1', 18, "'a' is text"),
    ('"found dead"', 1, "a check must compare"),
    ('x in ["a"] and x + 1 > 0', 16, "'x' is text"),
])
def test_type_and_syntax_errors_are_located(text, column, fragment):
    with pytest.raises(ex.ExprError) as err:
        ex.parse_check(text)
    assert fragment in err.value.message
    assert err.value.column == column


def test_infer_with_the_datas_types():
    node = ex.parse_check("if status == region then persons > 0")
    assert ex.infer(node) == {"persons": "number"}
    assert ex.infer(node, {"status": "text", "region": "text"})["status"] == "text"
    with pytest.raises(ex.ExprError, match="'region' is a number \\(a number figure\\)"):
        ex.infer(node, {"status": "text", "region": "number"}, "a number figure")
    with pytest.raises(ex.ExprError, match="'persons' is text"):
        ex.infer(ex.parse_check("persons >= 0"), {"persons": "text"}, "a text column")


def test_uses_text():
    assert ex.uses_text(ex.parse_check('a == "x"'))
    assert not ex.uses_text(ex.parse_check("a is missing"))
    assert ex.uses_text(ex.parse_check("a == b"), {"a": "text"})


# --- evaluation ------------------------------------------------------------------------------


def _status(text: str, env: dict, n: int) -> list[str]:
    node = ex.parse_check(text)
    t = iv.evaluate(node, env, n)
    assert isinstance(t, iv.Truth)
    return [str(s) for s in t.status()]


def test_text_comparisons_with_not_available_values():
    env = {"status": iv.Text.of(["found dead", "missing", None, "found dead"]),
           "age_group": iv.Text.of(["0-17", None, None, None])}
    got = _status('if status == "found dead" then age_group is not missing', env, 4)
    assert got == ["pass", "pass", "missing", "fail"]


def test_in_lists_of_text_and_of_numbers():
    env = {"status": iv.Text.of(["missng", "missing", None]),
           "x": iv.Interval.exact(np.array([1.0, 3.0, np.nan]))}
    assert _status('status in ["missing", "found dead"]', env, 3) == ["fail", "pass", "missing"]
    assert _status('status not in ["missing"]', env, 3) == ["pass", "fail", "missing"]
    assert _status("x in [1, 2]", env, 3) == ["pass", "fail", "missing"]
    assert _status("x not in [1, 2]", env, 3) == ["fail", "pass", "missing"]


def test_is_missing_is_never_not_evaluable():
    env = {"x": iv.Interval.exact(np.array([1.0, np.nan])), "s": iv.Text.of(["a", None])}
    assert _status("x is missing", env, 2) == ["fail", "pass"]
    assert _status("s is not missing and x is not missing", env, 2) == ["pass", "fail"]


def test_text_columns_compared_with_each_other():
    env = {"a": iv.Text.of(["x", "y", None, "z"]), "b": iv.Text.of(["x", "x", "x", "q"])}
    assert _status("a == b", env, 4) == ["pass", "fail", "missing", "fail"]
    assert _status("a != b", env, 4) == ["fail", "pass", "missing", "pass"]


def test_text_from_pandas_string_arrays():
    import pandas as pd

    t = iv.Text.of(pd.array(["a", pd.NA, "b"], dtype="string"))
    assert t.missing.tolist() == [False, True, False]
    assert t.categories == ["a", "b"]


def test_a_text_comparison_has_no_sides():
    node = ex.parse_check('s == "a"')
    assert iv.top_difference(node, {"s": iv.Text.of(["a"])}, 1) is None


def test_the_solver_refuses_text_but_takes_number_lists():
    compiler = lin.Compiler({}, lin.VarSpec(0, 100, True))
    with pytest.raises(lin.NotLinear, match="text"):
        compiler.check(ex.parse_check('s == "a"'))
    with pytest.raises(lin.NotLinear, match="reported"):
        compiler.check(ex.parse_check("x is missing"))
    formula = compiler.check(ex.parse_check("x in [1, 2]"))
    assert isinstance(formula, lin.Or)


# --- the same verdicts as Python on small domains (property) ---------------------------------

WORDS = ["missing", "found dead", "found alive", "x", ""]
text_names = ["s", "t"]
values = st.one_of(st.none(), st.sampled_from(WORDS))
literal = st.sampled_from(WORDS).map(lambda w: ex.Str(w, 1))
operand = st.one_of(literal, st.sampled_from(text_names).map(lambda n: ex.Name(n, 1)))
atoms = st.one_of(
    st.builds(lambda op, a, b: ex.Compare((op,), (a, b), 1), st.sampled_from(["==", "!="]),
              operand, operand),
    st.builds(lambda n, items, neg: ex.In(ex.Name(n, 1), tuple(items), neg, 1),
              st.sampled_from(text_names), st.lists(literal, min_size=1, max_size=3), st.booleans()),
    st.builds(lambda n, neg: ex.IsMissing(ex.Name(n, 1), neg, 1), st.sampled_from(text_names),
              st.booleans()),
)


def _logic(children):
    return st.one_of(
        st.builds(lambda o: ex.Unary("not", o, 1), children),
        st.builds(lambda op, items: ex.BoolOp(op, tuple(items), 1),
                  st.sampled_from(["and", "or"]), st.lists(children, min_size=2, max_size=3)),
        st.builds(lambda c, t: ex.Implies(c, t, 1), children, children),
    )


text_checks = st.recursive(atoms, _logic, max_leaves=5)


def python_truth(node, row: dict) -> bool | None:
    """Python's own == / in on str, with None as SQL/Kleene 'unknown'."""
    def value(n):
        return n.value if isinstance(n, ex.Str) else row[n.path]

    if isinstance(node, ex.Compare):
        a, b = value(node.operands[0]), value(node.operands[1])
        if a is None or b is None:
            return None
        return (a == b) if node.ops[0] == "==" else (a != b)
    if isinstance(node, ex.In):
        a = value(node.operand)
        if a is None:
            return None
        hit = a in [i.value for i in node.items]
        return not hit if node.negated else hit
    if isinstance(node, ex.IsMissing):
        miss = value(node.operand) is None
        return not miss if node.negated else miss
    if isinstance(node, ex.Unary):
        t = python_truth(node.operand, row)
        return None if t is None else not t
    if isinstance(node, ex.BoolOp):
        items = [python_truth(i, row) for i in node.items]
        if node.op == "and":
            return False if False in items else None if None in items else True
        return True if True in items else None if None in items else False
    cond, then = python_truth(node.condition, row), python_truth(node.consequence, row)
    items = [None if cond is None else not cond, then]
    return True if True in items else None if None in items else False


@settings(max_examples=300, deadline=None)
@given(text_checks, st.lists(st.fixed_dictionaries({n: values for n in text_names}),
                             min_size=1, max_size=6))
def test_text_verdicts_agree_with_python(node, rows):
    env = {n: iv.Text.of([r[n] for r in rows]) for n in text_names}
    truth = iv.evaluate(node, env, len(rows))
    assert isinstance(truth, iv.Truth)
    got = [str(s) for s in truth.status()]
    for row, status in zip(rows, got):
        expected = python_truth(node, row)
        assert status == {None: "missing", True: "pass", False: "fail"}[expected]


@settings(max_examples=200, deadline=None)
@given(text_checks, st.fixed_dictionaries({n: values for n in text_names}))
def test_partial_evaluation_agrees_with_full_evaluation(node, row):
    """Deciding the text conditions first (explain --records) changes no verdict."""
    env = {n: iv.Text.of([row[n]]) for n in text_names}
    full = iv.evaluate(node, env, 1)
    folded = partial.fold(node, env)
    part = iv.evaluate(folded, env, 1)
    assert [str(s) for s in full.status()] == [str(s) for s in part.status()]
    assert ex.to_text(ex.parse_check(ex.to_text(node))) == ex.to_text(node)
