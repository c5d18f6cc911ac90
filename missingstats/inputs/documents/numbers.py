"""Numbers as English prose writes them: digits with separators, words, scales, magnitudes.

"3,889", "1 000" (space or no-break space between groups of three), "1.5 million",
"eight", "twenty-one", "one hundred and twelve", "a million", "half a million", and the
vague magnitudes of bounds.MAGNITUDES ("tens of thousands"). Qualifier phrases before a
number ("at least", "more than", "some") or after it ("or more") come from bounds.py, so a
word the extractor reads is a word a sheet may use.
"""

from __future__ import annotations

import re

from missingstats.language import bounds

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
ORDINAL_WORDS = {
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth", "thirtieth", "fortieth",
    "fiftieth", "hundredth", "thousandth",
}
FRACTION_WORDS = {"half", "halves", "third", "thirds", "quarter", "quarters", "fifth", "fifths",
                  "tenth", "tenths"}

_UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
_TEN = "|".join(TENS)
_SCALE = "|".join(SCALES)
_SIMPLE = rf"(?:(?:{_TEN})(?:[-\s](?:{_UNIT}))?|{_UNIT})"
_GROUP = rf"(?:{_SIMPLE}(?:\s+hundred(?:\s+(?:and\s+)?{_SIMPLE})?)?|(?:a|one)\s+hundred(?:\s+(?:and\s+)?{_SIMPLE})?)"  # noqa: E501
# "one hundred and twelve thousand three hundred", "a million", "twenty-one": a group, then
# only after a scale word may another group follow (so "two, three" stays two numbers).
_NEXT = rf"(?:,?\s+(?:and\s+)?{_GROUP}(?:\s+(?:{_SCALE}))?)"
NUMBER_WORDS = re.compile(
    rf"\b(?:half\s+a\s+million|(?:{_GROUP}|a)\s+(?:{_SCALE})\b{_NEXT}*|{_GROUP})\b",
    re.IGNORECASE,
)
# Digits: "3,889", "1 000" / "1\u00a0000", "1.5", "3889"; then an optional scale word.
DIGITS = re.compile(
    r"(?<![\w/.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,])"
    r"|\d+(?:\.\d+)?)(?![\w/]|[.,]\d)"
)
SCALE_AFTER = re.compile(r"\s*(million|billion|thousand|hundred)\b", re.I)

MAGNITUDE_WORDS = sorted(bounds.MAGNITUDES, key=len, reverse=True)
MAGNITUDE = re.compile(
    r"\b(" + "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in MAGNITUDE_WORDS) + r")\b",
    re.IGNORECASE,
)

PRE_QUALIFIERS = sorted(
    (bounds.LOWER | bounds.LOWER_STRICT | bounds.UPPER | bounds.UPPER_STRICT | bounds.APPROX
     | bounds.EXACT) - {"or more", "or fewer", "or less", "or so", "min", "max", "minimum",
                        "maximum", "exact", "approximate", "estimated"},
    key=len, reverse=True,
)
PRE_QUALIFIER = re.compile(
    r"(?:^|(?<=[\s(\"“]))(" + "|".join(
        re.escape(q).replace(r"\ ", r"\s+") for q in PRE_QUALIFIERS
    ) + r")\s*$",
    re.IGNORECASE,
)
POST_QUALIFIER = re.compile(
    r"^(?:\s*(\+)|\s+(or\s+more|and\s+more|or\s+over|or\s+above|or\s+fewer|or\s+less|or\s+so"
    r"|plus)\b)", re.IGNORECASE,
)
POST_MEANING = {"+": "or more", "and more": "or more", "or over": "or more", "or above": "or more",
                "plus": "or more"}


def parse_digits(text: str) -> float:
    """'3,889' -> 3889, '1 000' -> 1000, '1.5' -> 1.5."""
    return float(re.sub(r"[,\s\u00a0\u202f]", "", text))


def parse_words(text: str) -> int | None:
    """'twenty-one' -> 21, 'one hundred and twelve' -> 112, 'a million' -> 1000000."""
    words = re.split(r"[\s-]+", text.lower().replace(",", " ").strip())
    if words == ["half", "a", "million"]:
        return 500_000
    total = 0
    current = 0
    seen = False
    for w in words:
        if w == "and":
            continue
        if w == "a":
            current = 1 if current == 0 else current
            continue
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in SCALES:
            total += max(current, 1) * SCALES[w]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def scale_value(word: str) -> int:
    return SCALES[word.lower()]


def qualifier_before(text: str, start: int) -> tuple[str | None, int]:
    """The qualifier phrase ending right before `start` (e.g. 'at least '), and where it begins."""
    window = text[max(0, start - 40):start]
    m = PRE_QUALIFIER.search(window)
    if not m:
        return None, start
    return bounds.normalise(m.group(1)), start - (len(window) - m.start(1))


def qualifier_after(text: str, end: int) -> tuple[str | None, int]:
    """A qualifier written after the number ('871 or more', '300+'), and where it ends."""
    m = POST_QUALIFIER.match(text[end:end + 20])
    if not m:
        return None, end
    word = bounds.normalise(m.group(1) or m.group(2))
    return POST_MEANING.get(word, word), end + m.end()
