"""inputs.documents.numbers: numbers as English prose writes them, and the qualifiers around."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.inputs.documents import numbers as nb
from missingstats.render.values import number_text


@pytest.mark.parametrize("text, value", [
    ("3,889", 3889), ("1 000", 1000), ("1\u00a0000", 1000), ("12\u202f345", 12345), ("1.5", 1.5),
    ("3889", 3889), ("1,234,567.25", 1234567.25),
])
def test_parse_digits(text, value):
    assert nb.parse_digits(text) == value


@pytest.mark.parametrize("text, value", [
    ("eight", 8), ("Nineteen", 19), ("twenty-one", 21), ("twenty one", 21), ("ninety", 90),
    ("one hundred and twelve", 112), ("a hundred", 100), ("a million", 1_000_000),
    ("half a million", 500_000), ("two thousand three hundred", 2300),
    ("one hundred and twelve thousand three hundred", 112_300), ("1.5", None),
    ("three billion", 3_000_000_000), ("banana", None), ("and", None), ("", None),
    ("one, two", 3),  # the regex never hands over a list: it stops after "one"
])
def test_parse_words(text, value):
    assert nb.parse_words(text) == value


def test_scale_value():
    assert [nb.scale_value(w) for w in ("hundred", "Thousand", "MILLION", "billion")] == [
        100, 1000, 10**6, 10**9]
    with pytest.raises(KeyError):
        nb.scale_value("dozen")


def test_digits_pattern():
    text = "3,889 and 1 000 and 12.5; not 2020/21, v1.2, 3,88 or A4"
    assert [m.group(1) for m in nb.DIGITS.finditer(text)] == ["3,889", "1 000", "12.5"]


def test_number_words_pattern_keeps_lists_apart():
    found = [m.group() for m in nb.NUMBER_WORDS.finditer(
        "twenty-one persons, two, three and one hundred and twelve thousand three hundred")]
    assert found == ["twenty-one", "two", "three", "one hundred and twelve thousand three hundred"]


def test_magnitudes_across_line_breaks():
    found = [m.group() for m in nb.MAGNITUDE.finditer("Tens of thousands and several\nhundred")]
    assert found == ["Tens of thousands", "several\nhundred"]


@pytest.mark.parametrize("text, start, got", [
    ("there are at least 871 persons", 19, ("at least", 10)),
    ("At Least 871", 9, ("at least", 0)),
    ("(some 300)", 6, ("some", 1)),
    ("x more than\n 5", 13, ("more than", 2)),
    ("x 871", 2, (None, 2)),
    ("almost 871", 7, ("almost", 0)),
    ("the minimum 5", 12, (None, 12)),  # "minimum" qualifies a figure in a sheet, not prose
])
def test_qualifier_before(text, start, got):
    assert nb.qualifier_before(text, start) == got


@pytest.mark.parametrize("text, end, got", [
    ("871 or more persons", 3, ("or more", 11)),
    ("300+ persons", 3, ("or more", 4)),
    ("300 plus", 3, ("or more", 8)),
    ("300 and more", 3, ("or more", 12)),
    ("50 or fewer", 2, ("or fewer", 11)),
    ("300 or so", 3, ("or so", 9)),
    ("300 persons", 3, (None, 3)),
    ("300 ormore", 3, (None, 3)),
])
def test_qualifier_after(text, end, got):
    assert nb.qualifier_after(text, end) == got


UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if rest < 20:
        tail = UNITS[rest] if rest else ""
    else:
        tail = TENS[rest // 10] + (f"-{UNITS[rest % 10]}" if rest % 10 else "")
    if not hundreds:
        return tail
    return f"{UNITS[hundreds]} hundred" + (f" and {tail}" if tail else "")


def english(n: int) -> str:
    """British English wording: 'two million three hundred thousand and five'."""
    if n == 0:
        return "zero"
    parts = []
    for scale, word in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        k, n = divmod(n, scale)
        if k:
            parts.append(f"{below_thousand(k)} {word}")
    if n:
        parts.append(("and " if parts and n < 100 else "") + below_thousand(n))
    return " ".join(parts)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 999_999_999_999))
def test_number_words_round_trip(n):
    """The wording of any count is found whole in a sentence and read back as that count."""
    said = english(n)
    found = [m.group() for m in nb.NUMBER_WORDS.finditer(f"In all, {said} persons.")]
    assert found == [said]
    assert nb.parse_words(said) == n


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**12))
def test_grouped_digits_round_trip(n):
    """'3,889' as a publication prints it is found whole and read back."""
    text = number_text(n)
    (m,) = nb.DIGITS.finditer(f"In all {text} persons.")
    assert m.group(1) == text
    assert nb.parse_digits(text) == n
    spaced = text.replace(",", "\u00a0")
    assert nb.parse_digits(spaced) == n
