"""The safe rule parser: the grammar, its errors with columns, and its canonical text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.language import expr as ex


def test_dotted_names_and_precedence():
    node = ex.parse_check("a.b + c * 2 <= d.e.f - (g - h)")
    assert isinstance(node, ex.Compare)
    assert ex.names(node) == ["a.b", "c", "d.e.f", "g", "h"]
    assert ex.to_text(node) == "a.b + c * 2 <= d.e.f - (g - h)"


def test_chains_booleans_and_implication():
    node = ex.parse_check("if a > 0 then 0 <= b <= a and not c == 1 or d != 2")
    assert isinstance(node, ex.Implies)
    assert isinstance(node.consequence, ex.BoolOp)
    assert ex.to_text(node) == "if a > 0 then 0 <= b <= a and not c == 1 or d != 2"


def test_functions_are_a_fixed_set():
    node = ex.parse_check("sum(a, b, c) <= max(d, abs(e)) + min(f, 1) + round(g / 3)")
    assert ex.names(node) == list("abcdefg")


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("__import__('os').system('rm')", 17, "unexpected character '.'"),
        ("__import__('os') == 'x'", 1, "unknown function '__import__'"),
        ("a == 'x", 6, "not closed"),
        ("open(a) <= 1", 1, "unknown function 'open'"),
        ("a = b", 3, "write =="),
        ("a <= ", 6, "expected a figure name"),
        ("(a <= b", 8, "to close"),
        ("a + b", 1, "a check must compare"),
        ("a + (b < c) <= 1", 6, "must be a number"),
        ("a and b", 1, "must be a comparison"),
        ("a[0] <= 1", 2, "indexing"),
        ("[1] == a", 1, "a list [...] follows 'in'"),
        ("a.__class__ <= 1", 1, None),
        ("x <= {g}", 6, "placeholder"),
        ("1a <= 2", 1, "cannot start with a digit"),
        ("a <= b c", 8, "after a complete expression"),
        ("if a <= b c <= d", 11, "expected 'then'"),
        ("abs(a, b) <= 1", 1, "takes 1 argument"),
        ("", 1, "empty"),
    ],
)
def test_errors_have_columns(text, column, fragment):
    if fragment is None:  # a dunder segment is just an unknown figure name, not attribute access
        node = ex.parse_check(text)
        assert ex.names(node) == ["a.__class__"]
        return
    with pytest.raises(ex.ExprError) as err:
        ex.parse_check(text)
    assert fragment in err.value.message
    assert err.value.column == column


def test_deep_nesting_is_refused_cleanly():
    with pytest.raises(ex.ExprError, match="nested too deeply"):
        ex.parse_check("(" * 500 + "a" + ")" * 500 + " <= 1")


def test_canonical_text_round_trips():
    for text in ["a - (b - c) == d", "(a + b) * c <= d / (e * f)", "not (a < b and c < d)",
                 "-a <= -(b + c)", "a <= 1.5"]:
        assert ex.to_text(ex.parse_check(ex.to_text(ex.parse_check(text)))) == ex.to_text(
            ex.parse_check(text)
        )


ALPHABET = st.sampled_from(
    list("abcxyz019 ._()+-*/<>=!,'\"{}[]&|%:#\\\n\t")
    + ["and ", "or ", "not ", "if ", "then ", "sum(", "abs(", "max(", "__import__", "os.system"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_random_text_never_crashes_the_parser(text):
    try:
        node = ex.parse_check(text)
    except ex.ExprError as err:
        assert 1 <= err.column <= len(text) + 1
        assert err.message
    else:
        assert ex.is_truth(node)
        assert ex.parse_check(ex.to_text(node)) is not None
