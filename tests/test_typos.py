"""Typo candidates: each kind of slip, the ranking, and values nobody writes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from missingstats.analysis.typos import candidates, digits


def values(v: float, integer: bool = True) -> list[float]:
    return [t.value for t in candidates(v, integer)]


def kinds(v: float) -> dict[float, str]:
    return {t.value: t.kind for t in candidates(v)}


def test_swap_ranks_first_for_the_founding_example():
    first = candidates(640)[0]
    assert first.value == 604
    assert first.kind == "swap"
    assert (first.rank[0], digits(first.value)) == (1, "604")


def test_each_kind_of_slip():
    k = kinds(640)
    assert k[604] == "swap"
    assert k[6400] == "dropped" and k[6540] == "dropped"
    assert k[650] == "mistyped"
    assert k[-640] == "sign"
    assert kinds(6004)[604] == "doubled"


def test_dropped_repeated_digit_ranks_before_other_dropped_digits():
    vals = values(389)
    assert vals.index(3889) < vals.index(3589)
    assert vals.index(3389) < vals.index(1389)


def test_keypad_neighbour_ranks_before_distant_mistype():
    vals = values(604)
    assert vals.index(605) < vals.index(609)  # 4 and 5 are neighbours on the keypad


def test_no_leading_zero_and_not_the_value_itself():
    vals = values(106)
    assert 106 not in vals
    assert 160 in vals  # the swap of 0 and 6
    assert 16 not in vals  # '016' is no way to write a count
    assert all(v == 0 or not str(int(abs(v))).startswith("0") for v in vals)


def test_decimals_keep_whole_numbers_apart():
    assert 21.5 in values(12.5, integer=False)
    assert values(12.5, integer=True) == []  # a count is never 12.5


def test_non_plain_values_have_no_candidates():
    assert candidates(1e30) == []


@given(st.integers(min_value=0, max_value=10**9))
def test_candidates_are_distinct_ranked_and_each_one_slip(n: int):
    cands = candidates(n)
    vals = [c.value for c in cands]
    assert len(vals) == len(set(vals))
    assert n not in vals
    assert [c.rank for c in cands] == sorted(c.rank for c in cands)
    for c in cands:
        if c.kind == "swap":
            a, b = str(int(c.value)), str(n)
            diff = [i for i in range(len(a)) if a[i] != b[i]]
            assert len(a) == len(b) and len(diff) == 2 and diff[1] == diff[0] + 1
        elif c.kind == "dropped":
            assert len(str(int(c.value))) == len(str(n)) + 1
        elif c.kind == "doubled":
            assert len(str(int(c.value))) == len(str(n)) - 1
        elif c.kind == "mistyped":
            a, b = str(int(c.value)), str(n)
            assert len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1
        else:
            assert c.value == -n
