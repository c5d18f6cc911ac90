"""inputs.documents.context: the words around a number, reduced to status and group tags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.inputs.documents import context as cx


def tags(text: str) -> list[tuple[str, ...]]:
    return [t.tags for t in cx.terms(text)]


def test_terms_of_a_sentence_left_to_right():
    text = ("3,889 persons, including 71 children and 267 women, are missing; 604 servicemen "
            "were detained.")
    found = cx.terms(text)
    assert [text[t.start:t.end] for t in found] == ["persons", "children", "women", "missing",
                                                     "servicemen", "detained"]
    assert [t.tag for t in found] == ["persons", "children", "women", "missing", "servicemen",
                                      "detained"]
    assert [t.status for t in found] == [None, None, None, "missing", None, "detained"]
    assert [t.generic for t in found] == [True, False, False, False, False, False]


@pytest.mark.parametrize("text, expected", [
    ("prisoners of war", [("prisoners of war", "detained")]),
    ("POWs", [("prisoners of war", "detained")]),
    ("taken hostage", [("hostages", "detained")]),
    ("whereabouts remain unknown", [("missing",)]),
    ("unaccounted for", [("missing",)]),
    ("internally displaced persons", [("displaced",)]),
    ("older persons", [("older persons",)]),
    ("the elderly", [("older persons",)]),
    ("members of the armed forces", [("servicemen",)]),
    ("Civilian population", [("civilians",)]),
    ("girls and boys", [("children",), ("children",)]),
    ("family members", [("families",)]),
    ("mass graves", [("graves",)]),
    ("bodies were exhumed", [("found",), ("found",)]),
    ("women", [("women",)]),
    ("men", [("men",)]),
    ("the plans", []),  # a word ending like a demonym, not capitalised
])
def test_tags_of_terms(text, expected):
    assert tags(text) == expected


def test_a_capitalised_demonym_is_persons_unless_another_term_covers_it():
    (t,) = cx.terms("Three Armenians were released.")[:1]
    assert (t.start, t.end, t.tag, t.generic) == (6, 15, "persons", True)
    assert tags("Three Armenians were released.") == [("persons",), ("released",)]
    assert tags("the plans") == [] and tags("Civilians") == [("civilians",)]


def test_every_demonym_is_persons():
    assert tags("Azerbaijanis and Armenians") == [("persons",), ("persons",)]
    assert tags("Three Armenians, two Georgians and four Japanese.") == [("persons",)] * 3


def test_term_repr_and_slots():
    t = cx.Term(0, 7, ("hostages", "detained"))
    assert (t.tag, t.status, t.generic) == ("hostages", "detained", False)
    assert repr(t) == "Term(0, 7, ('hostages', 'detained'))"
    with pytest.raises(AttributeError):
        t.other = 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("part, expected", [
    ("older_persons", ("older persons",)),
    ("prisoners_of_war", ("prisoners of war", "detained")),
    ("civilians", ("civilians",)),
    ("total", ("total",)),
    ("Region_North", ("region north",)),
    ("missing_children", ("missing", "children")),
    ("", ("",)),
])
def test_name_tags(part, expected):
    assert cx.name_tags(part) == expected


def test_vocabulary_constants():
    assert cx.STATUSES == ("missing", "detained", "killed", "injured", "displaced", "released",
                           "found")
    assert cx.GENERIC == "persons"
    assert all(tags[0] for _, tags in cx.TERMS)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120))
def test_terms_are_ordered_disjoint_spans_of_the_text(text):
    found = cx.terms(text)
    assert [t.start for t in found] == sorted(t.start for t in found)
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start
    for t in found:
        assert 0 <= t.start < t.end <= len(text)
        assert t.status is None or t.status in cx.STATUSES


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["missing", "children", "older persons", "detained", "servicemen",
                        "hostages", "prisoners of war", "internally displaced"]),
       st.text(st.characters(whitelist_categories=("Zs",)), max_size=3))
def test_name_tags_agree_with_terms_of_the_same_words(word, pad):
    """A figure name part and the prose word for it get the same tags."""
    name = word.replace(" ", "_")
    assert cx.name_tags(name) == tuple(dict.fromkeys(t for x in cx.terms(f"{pad}{word}{pad}")
                                                     for t in x.tags))
