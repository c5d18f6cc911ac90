"""What is counted: the words around a number, reduced to a small vocabulary of tags.

A tag is either a *status* (what happened to the persons: missing, detained, killed,
injured, displaced, released, found) or a *group* (who they are: civilians, children,
women, men, older persons, servicemen, prisoners of war, hostages, families, persons).
"prisoners of war" and "hostages" are groups that also carry the status detained. Figure
names in a sheet go through the same vocabulary ("older_persons" -> older persons), which
is how a count in the prose is matched with the figures "recorded under the same context".
"""

from __future__ import annotations

import bisect
import re

STATUSES = ("missing", "detained", "killed", "injured", "displaced", "released", "found")
GENERIC = "persons"

# (pattern, tags); the first tag is the term's own meaning.
TERMS: list[tuple[str, tuple[str, ...]]] = [
    (r"prisoners?[\s-]+of[\s-]+war|POWs?", ("prisoners of war", "detained")),
    (r"(?:taken\s+)?hostages?", ("hostages", "detained")),
    (r"missing(?:\s+persons|\s+people)?|disappeared|disappearances?|unaccounted\s+for"
     r"|whereabouts\s+(?:are\s+|remain\s+)?unknown", ("missing",)),
    (r"detained|detainees?|detention|custody|captivity|captives?|imprisoned|abducted"
     r"|taken\s+prisoners?|arrested", ("detained",)),
    (r"killed|dead|deaths?|died|lives|fatalities|murdered|executed|casualties", ("killed",)),
    (r"injured|wounded|injuries", ("injured",)),
    (r"internally\s+displaced(?:\s+persons)?|displaced|displacement|IDPs?|refugees?|expelled"
     r"|expulsion|evicted|fled", ("displaced",)),
    (r"released|freed|returned|repatriated|exchanged", ("released",)),
    (r"identified|found|located|exhumed|remains|bodies|traced", ("found",)),
    (r"older\s+(?:persons|people|men|women)|elderly(?:\s+persons|\s+people)?|senior\s+citizens"
     r"|old\s+people|aged\s+persons", ("older persons",)),
    (r"servicemen|servicewomen|service\s*members|service\s+personnel|military\s+personnel"
     r"|soldiers|troops|combatants|members\s+of\s+the\s+armed\s+forces|military", ("servicemen",)),
    (r"civilians?(?:\s+population)?", ("civilians",)),
    (r"children|child|minors?|boys|girls|juveniles", ("children",)),
    (r"women|woman|females?", ("women",)),
    (r"men|males?", ("men",)),
    (r"famil(?:y|ies)(?:\s+members)?|relatives", ("families",)),
    (r"cases", ("cases",)),
    (r"(?:mass\s+)?graves", ("graves",)),
    (r"persons|people|individuals|citizens|nationals|residents|inhabitants|person", (GENERIC,)),
]
# "Azerbaijanis", "Armenians": persons, but only as capitalised demonyms ("plans" is not one).
DEMONYM = re.compile(r"\b[A-Z][a-z]+(?:anis|ians|ans|ese)\b")


class Term:
    """One vocabulary term at [start, end) with its tags (the first is its own meaning)."""

    __slots__ = ("start", "end", "tags", "tag", "status", "generic")

    def __init__(self, start: int, end: int, tags: tuple[str, ...]) -> None:
        self.start, self.end, self.tags = start, end, tags
        self.tag = tags[0]
        self.status = next((t for t in tags if t in STATUSES), None)
        self.generic = self.tag == GENERIC

    def __repr__(self) -> str:
        return f"Term({self.start}, {self.end}, {self.tags})"


class Vocabulary:
    """One language's words for statuses and groups, all reduced to the same English tags,
    so a Spanish "niños" and a figure named `children` meet on the tag 'children'."""

    def __init__(self, table: list[tuple[str, tuple[str, ...]]],
                 demonym: re.Pattern[str] | None = None) -> None:
        self.table = table
        self.pattern = re.compile(
            "|".join(f"(?P<t{i}>\\b(?:{p})\\b)" for i, (p, _) in enumerate(table)), re.IGNORECASE
        )
        self.demonym = demonym

    def terms(self, text: str) -> list[Term]:
        """Every vocabulary term in the text, left to right, longest wording first."""
        vocabulary = [Term(m.start(), m.end(), self.table[int(m.lastgroup[1:])][1])  # type: ignore[index]
                      for m in self.pattern.finditer(text)]
        if self.demonym is None:
            return vocabulary
        starts = [t.start for t in vocabulary]
        out = list(vocabulary)
        for m in self.demonym.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1  # the term starting at or before it
            overlaps = (i >= 0 and vocabulary[i].end > m.start()) or (
                i + 1 < len(vocabulary) and vocabulary[i + 1].start < m.end())
            if not overlaps:
                out.append(Term(m.start(), m.end(), (GENERIC,)))
        return sorted(out, key=lambda t: t.start)


ENGLISH = Vocabulary(TERMS, DEMONYM)


def terms(text: str) -> list[Term]:
    """Every English vocabulary term in the text (other languages: language.Profile.vocab)."""
    return ENGLISH.terms(text)


def name_tags(part: str, vocab: Vocabulary | None = None) -> tuple[str, ...]:
    """Tags of one part of a figure name: 'older_persons' -> ('older persons',); a name in
    the document's language ('ninos', 'disparus') is read with its vocabulary too."""
    words = part.replace("_", " ").strip()
    found = ENGLISH.terms(words)
    if not found and vocab is not None and vocab is not ENGLISH:
        found = vocab.terms(words)
    if not found:
        return (words.lower(),)
    tags: list[str] = []
    for t in found:
        for tag in t.tags:
            if tag not in tags:
                tags.append(tag)
    return tuple(tags)
