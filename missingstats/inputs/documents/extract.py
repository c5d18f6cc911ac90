"""Every number a document states, with its kind, and for counts what they count.

Kinds (docs/prose.md):
  count      a number of persons or things: "3,889", "eight resolutions", "more than
             1 million", "tens of thousands", "between 20 and 30"
  year       "2004", "(2019)", "1992-1994", "the 1990s"
  date       "11 June 2019", "June 2019", "2020-06-09"
  reference  document symbols (S/2020/366, A/74/676-S/2020/90), resolution and decision
             numbers (59/189, resolution 2474 (2019)), paragraphs, articles, agenda items,
             pages, URLs
  footnote   markers ("persons.4", "in part. 3", "[^2]", superscripts) and note numbers
  ordinal    "first", "21st", numbered paragraphs ("12. The Council ...")
  percent    "17 per cent", "5%"
  measure    durations, ages, money, distances ("30 years", "aged 65", "$5 million")
  fraction   "two thirds", "one half"
Patterns are tried in that order of specificity, each claiming its characters, so "2474"
inside "resolution 2474 (2019)" is never a count and "2019" inside "11 June 2019" never a
year of its own.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from missingstats.inputs.documents import context as cx
from missingstats.inputs.documents import numbers as nb
from missingstats.inputs.documents.document import Document, Paragraph
from missingstats.inputs.documents.language import Profile
from missingstats.language import bounds

# Characters looked at after a number for its unit, range or "of": a window, not the rest of
# the paragraph (slicing the rest per number made a long paragraph quadratic).
AHEAD = 300
KINDS = ("count", "year", "date", "reference", "footnote", "ordinal", "percent", "measure",
         "fraction")

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"”]+")
SYMBOL = re.compile(
    r"\b[A-Z]{1,6}(?:/[A-Za-z0-9.()]+)+(?:-[A-Z]{1,6}(?:/[A-Za-z0-9.()]+)+)*"
)
_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
           r"|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s*[-–]\s*)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?:,?\s+\d{{4}})?(?![\w])"
    rf"|\b{_MONTHS}\s+\d{{4}}\b"
    rf"|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s*\d{{4}})?\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b"
)
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
YEAR_RANGE = re.compile(rf"\b{_YEAR}\s*(?:-|–|—|/)\s*(?:{_YEAR}|\d\d)\b|\b{_YEAR}s\b"
                        rf"|\bfrom\s+{_YEAR}\s+(?:to|until|till)\s+{_YEAR}\b")
_REF_NUM = r"\d+(?:[./]\d+)*(?![\d,.]*,\d)[A-Za-z]?(?:\s*\((?:[a-z]{1,4}|\d{1,4})\))*"
_REF_WORDS = (
    r"resolutions?|decisions?|articles?|arts?\.|paragraphs?|paras?\.|subparagraphs?"
    r"|agenda\s+items?|items?|chapters?|chap\.|sections?|sects?\.|annex(?:es)?|rules?|pages?"
    r"|pp?\.|footnotes?|notes?|nos?\.|protocols?|principles?|recommendations?|vol(?:ume)?s?\.?"
    r"|tables?|figures?|fig\.|annexes|§§?|¶"
)
REFERENCE = re.compile(
    rf"\b(?:{_REF_WORDS})\s*{_REF_NUM}(?:(?:\s*,\s+|\s*(?:and|or|to|-|–|&)\s*)(?:and\s+)?{_REF_NUM})*",
    re.IGNORECASE,
)
SLASHED = re.compile(r"(?<![\w/])\d{1,4}/\d{1,4}(?:/\d{1,4})?(?![\w/])")
JOB_NUMBER = re.compile(r"\b\d{2}-\d{5}\b")
SUPERSCRIPT = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
MD_NOTE = re.compile(r"\[\^[^\]\s]+\]")
ATTACHED_MARKER = re.compile(
    r"[A-Za-z)\]](?:[.,;:!?][\"”’')\]]?|[\"”’')\]])(?P<n>\d{1,3})(?=\s|$)"
)
SPACED_MARKER = re.compile(r"(?<=[a-z][.;:!?] )(\d{1,2})(?=\s|$)")
PERCENT = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(?:%|per\s*cent\b|percent\b)", re.IGNORECASE)
MONEY = re.compile(
    r"(?:US\$|\$|€|£|USD\s?|EUR\s?|AZN\s?)\s*\d[\d,.]*(?:\s*(?:million|billion|thousand))?"
    r"|\b\d[\d,.]*(?:\s*(?:million|billion|thousand))?\s*(?:dollars|euros|manats?|USD|EUR|AZN)\b",
    re.IGNORECASE,
)
ORDINAL_DIGITS = re.compile(r"\b\d+(?:st|nd|rd|th)\b")
ORDINAL_WORD = re.compile(r"\b(?:" + "|".join(sorted(nb.ORDINAL_WORDS)) + r")\b", re.IGNORECASE)
UNIT_AFTER = re.compile(
    r"^\s*(?:-\s*)?(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries|km|"
    r"kilomet(?:re|er)s?|miles?|met(?:re|er)s?|hectares?|ha|sq\.?|square|tons?|tonnes?|kg|"
    r"kilograms?|litres?|liters?|times|year-old|years-old|per\s+\w+)\b",
    re.IGNORECASE,
)
AGE_BEFORE = re.compile(r"\b(?:aged|age|ages|age\s+of|the\s+age\s+of)\s*$", re.IGNORECASE)
AGE_QUALIFIERS = {"under", "over", "above", "below"}
RANGE_AFTER = re.compile(r"^\s*(?:-|–|—|to|and)\s*(?=\d|[a-z])", re.IGNORECASE)
BETWEEN_BEFORE = re.compile(r"\b(?:between|from)\s+$", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*(?:\d{1,3})?(?=\s+[\"“(\[]?[A-Z0-9])|\|(?=\s+\|)")
ABBREVIATIONS = {
    "para", "paras", "no", "nos", "art", "arts", "mr", "mrs", "ms", "dr", "st", "vol", "p", "pp",
    "cf", "e.g", "i.e", "etc", "fig", "approx", "incl", "rev", "corr", "add", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "sect", "chap",
    "op", "prof", "gen", "col", "lt", "hon", "amb", "u.s", "u.n", "v", "vs",
}
SKIP_WORDS = {
    "of", "the", "these", "those", "them", "whom", "which", "who", "that", "are", "were", "is",
    "was", "be", "been", "being", "have", "has", "had", "either", "all", "including", "among",
    "remain", "remains", "remained", "still", "currently", "now", "reportedly", "officially",
    "registered", "as", "a", "an", "its", "their", "his", "her", "our", "taken", "held", "kept",
    "reported", "recorded", "listed", "believed", "known", "estimated", "confirmed", "said",
    "presumed", "feared", "considered", "into", "in", "at", "by", "for", "from", "to", "with",
    "on", "such", "other", "more", "than", "whose", "also", "already", "yet", "today",
    "so", "far", "total", "further", "additional", "another", "some", "many",
}
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
NUMBERED_PARAGRAPH = re.compile(r"(?:^|(?<=\s))(\d{1,3})[.)]\s+(?=[A-Z\"“(])")


def _english_words(text: str) -> list[tuple[int, int, float]]:
    out = []
    for m in nb.NUMBER_WORDS.finditer(text):
        value = nb.parse_words(m.group())
        if value is not None:
            out.append((m.start(), m.end(), float(value)))
    return out


def _english() -> Profile:
    """English, from this module's and numbers.py's patterns (the reference behaviour)."""
    return Profile(
        code="en", vocab=cx.ENGLISH, digits=nb.DIGITS, groups=", \u00a0\u202f", decimal=".",
        scale_after=nb.SCALE_AFTER, scales=dict(nb.SCALES), magnitude=nb.MAGNITUDE,
        magnitudes={}, needs_of=re.compile(r"^(?:scores|tens|a handful)$"),
        pre_qualifier=nb.PRE_QUALIFIER, qualifiers={}, post_qualifier=nb.POST_QUALIFIER,
        post_meaning=nb.POST_MEANING, number_words=_english_words,
        one_words=frozenset({"one", "a"}), not_one_after=re.compile(r"\s+(?:of|another|or)\b"),
        fraction_words=frozenset(nb.FRACTION_WORDS), date=DATE, reference=REFERENCE,
        reference_word=re.compile(r"[A-Za-z§¶]+\.?(?:\s+items?)?"), year_range=YEAR_RANGE,
        percent=PERCENT, money=MONEY, ordinal_digits=ORDINAL_DIGITS, ordinal_word=ORDINAL_WORD,
        unit_after=UNIT_AFTER, age_before=AGE_BEFORE, range_after=RANGE_AFTER,
        between_before=BETWEEN_BEFORE, sentence_end=SENTENCE_END,
        abbreviations=frozenset(ABBREVIATIONS), skip_words=frozenset(SKIP_WORDS), word=WORD_RE,
        partitive=re.compile(r"\s+of\s+(?:the\s+|these\s+|those\s+|its\s+|their\s+)?"),
        clause_end=re.compile(r"[;:|]|,\s+(?:of\s+whom|among\s+them|including|while|whereas|but)\b"),
        attached_marker=ATTACHED_MARKER, spaced_marker=SPACED_MARKER,
        numbered_paragraph=NUMBERED_PARAGRAPH,
    )


ENGLISH = _english()


def profile(code: str | None) -> Profile:
    """The reading of a language: English here, the others built by language.build."""
    from missingstats.inputs.documents import language

    norm = language.normalise_code(code) if code else None
    if norm is None or language.base(norm) == "en":
        return ENGLISH  # English, or a language we do not read (a document's metadata)
    return language.build(norm)


@dataclass
class Mention:
    kind: str
    text: str
    start: int
    end: int
    paragraph: int
    line: int  # in the extracted text; on its page for a paged document (PDF)
    column: int
    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    qualifier: str | None = None
    detail: str | None = None
    number_start: int = 0
    sentence: str = ""
    sentence_span: tuple[int, int] = (0, 0)
    context: list[str] = field(default_factory=list)
    head: str | None = None
    status: str | None = None
    scope: set[str] = field(default_factory=set)
    words: str = ""
    footnote: bool = False
    page: int | None = None  # the page of a PDF
    text_line: int = 0  # the line in the whole extracted text (== line without pages)

    @property
    def at(self) -> str:
        """'14' or, on a page, '3:14' (page:line), as a figure's text_line is written."""
        return f"{self.page}:{self.line}" if self.page is not None else str(self.line)


class _Claims:
    """Characters already given a kind; later, less specific patterns skip them."""

    def __init__(self, size: int) -> None:
        self.mask = bytearray(size + 1)

    def free(self, a: int, b: int) -> bool:
        return not any(self.mask[a:b])

    def take(self, a: int, b: int) -> None:
        self.mask[a:b] = b"\x01" * (b - a)


def extract(doc: Document, language: str | None = None) -> list[Mention]:
    """All mentions of the document, in reading order of paragraphs and offsets; `language`
    (a code) else the document's own metadata decides how numbers and words are read."""
    p = profile(language or doc.language)
    out: list[Mention] = []
    for index, par in enumerate(doc.paragraphs):
        out.extend(_paragraph(par, index, p))
    if doc.pages is not None:
        for m in out:
            m.page, m.line = doc.pages[m.text_line - 1]
    return sorted(out, key=lambda m: (m.text_line, m.column))


def counts(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.kind == "count"]


def _paragraph(par: Paragraph, index: int, p: Profile = ENGLISH) -> list[Mention]:
    text = par.text
    claims = _Claims(len(text))
    found: list[Mention] = []

    def add(kind: str, a: int, b: int, detail: str | None = None, value: float | None = None,
            number_start: int | None = None) -> Mention | None:
        if not claims.free(a, b):
            return None
        claims.take(a, b)
        ns = a if number_start is None else number_start
        line, col = par.position(ns)
        m = Mention(kind, text[a:b], a, b, index, line, col, value=value, detail=detail,
                    number_start=ns, footnote=par.footnote, text_line=line)
        found.append(m)
        return m

    _references(text, par, p, add)
    for m in p.percent.finditer(text):
        add("percent", m.start(), m.end(), value=float(m.group(1).replace(",", ".")))
    for m in p.money.finditer(text):
        add("measure", m.start(), m.end(), "money")
    for m in p.ordinal_digits.finditer(text):
        add("ordinal", m.start(), m.end(), value=float(re.sub(r"\D", "", m.group())))
    if not par.footnote:
        for lead in p.numbered_paragraph.finditer(text):
            if par.starts_line(lead.start(1)):
                add("ordinal", lead.start(1), lead.end(1), "numbered paragraph",
                    float(lead.group(1)))
    _magnitudes(text, p, add)
    for m in p.digits.finditer(text):
        _number(text, m.start(), m.end(), p.parse_digits(m.group(1)), add, True, p)
    for a, b, value in p.number_words(text):
        _number(text, a, b, value, add, False, p)
    if p.ordinal_word is not None:
        for m in p.ordinal_word.finditer(text):
            add("ordinal", m.start(), m.end())
    found.sort(key=lambda x: x.start)
    _sentences(par, found, p)
    _contexts(text, found, p)
    return found


def _references(text: str, par: Paragraph, p: Profile, add) -> None:
    """URLs, document symbols, dates, references, years, footnote markers: the numbers that
    are not counts, claimed first."""
    for m in URL.finditer(text):
        url = m.group().rstrip(".,;:]”’")
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(".,;:]”’")
        add("reference", m.start(), m.start() + len(url), "url")
    if par.footnote:
        lead = re.match(r"\s*(\d{1,3})\b", text)
        if lead:
            add("footnote", lead.start(1), lead.end(1), "note", float(lead.group(1)))
    for m in SYMBOL.finditer(text):
        s = m.group().rstrip(".,;:")
        if s.count("(") < s.count(")"):
            s = s[: s.rfind(")")]
        if any(ch.isdigit() for ch in s) and "/" in s:
            add("reference", m.start(), m.start() + len(s), "document")
    for m in p.date.finditer(text):
        add("date", m.start(), m.end())
    for m in p.reference.finditer(text):
        word = p.reference_word.match(m.group())
        add("reference", m.start(), m.end(), (word.group() if word else "reference").lower())
    for m in p.year_range.finditer(text):
        if not _count_follows(text, m.end(), p):
            add("year", m.start(), m.end())
    for m in SLASHED.finditer(text):
        add("reference", m.start(), m.end(), "resolution")
    for m in JOB_NUMBER.finditer(text):
        add("reference", m.start(), m.end(), "document")
    for pattern in (SUPERSCRIPT, MD_NOTE):
        for m in pattern.finditer(text):
            add("footnote", m.start(), m.end(), "marker")
    for m in p.attached_marker.finditer(text):
        add("footnote", m.start("n"), m.end("n"), "marker", float(m.group("n")))
    for m in p.spaced_marker.finditer(text):
        if par.ends_line(m.end()) and _sentence_starts_after(text, m.end()):
            add("footnote", m.start(1), m.end(1), "marker", float(m.group(1)))


def _magnitudes(text: str, p: Profile, add) -> None:
    """'tens of thousands', 'decenas de miles', 'des milliers': counts without a number."""
    of = p.extra.get("of", "of")
    for m in p.magnitude.finditer(text):
        word = bounds.normalise(m.group(1))
        if p.needs_of is not None and p.needs_of.match(word) and \
                not re.match(rf"\s+(?:{of})(?:(?<=['’])|(?!\w))", text[m.end():m.end() + AHEAD]):
            continue
        word = p.magnitude_of(word)
        if word not in bounds.MAGNITUDES or (p is not ENGLISH and _after_number(text, m.start(), p)):
            continue  # "три тысячи", "15 mil": a scale after a number, not a magnitude
        mention = add("count", m.start(), m.end(), value=None)
        if mention:
            mention.qualifier = word
            mention.lo, mention.hi = bounds.interval(None, word)


def _sentence_starts_after(text: str, end: int) -> bool:
    rest = text[end:end + AHEAD].lstrip()
    return not rest or rest[0].isupper() or rest[0] in "\"“("


def _after_number(text: str, start: int, p: Profile) -> bool:
    before = text[max(0, start - 40):start].rstrip()
    if re.search(r"\d$", before):
        return True
    return any(b == len(before) for _, b, _ in p.number_words(before))


def _count_follows(text: str, end: int, p: Profile = ENGLISH) -> bool:
    """Is the number followed by what counts persons ('2004 persons', '1990 missing')?"""
    rest = text[end:end + 40]
    m = re.match(r"\s+(?:[^\W\d_]+\s+)?" if p is not ENGLISH else r"\s+(?:[a-z]+\s+)?", rest)
    if not m:
        return False
    for t in p.vocab.terms(rest[: m.end() + 25]):
        if t.start <= m.end():
            return True
    return False


def _number(text: str, a: int, b: int, value: float, add, digits: bool,
            p: Profile = ENGLISH) -> None:
    """Classify one bare number and add it with its qualifier, scale or range."""
    end = b
    scale = p.scale_after.match(text, b)
    if scale:
        value *= p.scale_value(scale.group(1))
        end = scale.end()
    word = text[a:b].lower()
    if not digits:
        rest = text[end:end + 20]
        frac = re.match(r"[\s-]+(\w+)", rest)
        if frac and frac.group(1).lower() in p.fraction_words:
            add("fraction", a, end + frac.end())
            return
        if word in p.one_words and not _person_follows(text, end, p):
            return
        if word in p.one_words and p.not_one_after.match(text[end:end + AHEAD]):
            return
    if p.unit_after.match(text[end:end + AHEAD]) or p.age_before.search(text[max(0, a - 20):a]):
        add("measure", a, end, value=value)
        return
    if digits and not scale and p.is_decimal(text[a:b]):
        add("measure", a, end, "decimal", value=value)
        return
    qualifier, q_start = p.qualifier_before(text, a)
    if qualifier in AGE_QUALIFIERS and _person_before(text, q_start, p):
        add("measure", q_start, end, "age", value=value)
        return
    if (digits and not scale and qualifier is None and re.fullmatch(r"\d{4}", text[a:b])
            and 1600 <= value <= 2100 and not _count_follows(text, end, p)):
        add("year", a, end, value=value)
        return
    if _range(text, a, end, value, bool(scale), add, p):
        return
    post, post_end = p.qualifier_after(text, end)
    start = q_start if qualifier else a
    stop = post_end if post else end
    m = add("count", start, stop, value=value, number_start=a)
    if m is None:
        return
    q = qualifier or post
    m.qualifier = q
    m.lo, m.hi = bounds.interval(value, q)


def _range(text: str, a: int, end: int, value: float, scaled: bool, add, p: Profile) -> bool:
    """A range: "between 20 and 30", "20 to 30", "20-30" (added as one count)."""
    rng = p.range_after.match(text[end:end + AHEAD])
    lead = max(0, a - 12)
    between = p.between_before.search(text[lead:a])
    joined = rng.group().strip().lower() if rng else ""
    if not rng or (joined in ("and", "y", "et", "и") and not between):
        return False
    second = _next_number(text, end + rng.end(), p)
    if second is None:
        return False
    v2, e2, scaled2 = second
    lo = value * (scaled2 if not scaled and scaled2 > 1 else 1)
    if lo > v2:
        return False
    start = lead + between.start() if between else a
    m = add("count", start, e2, value=None, number_start=a)
    if m:
        m.qualifier, m.lo, m.hi = "between", lo, v2
    return True


def _next_number(text: str, pos: int, p: Profile = ENGLISH) -> tuple[float, int, float] | None:
    m = p.digits.match(text, pos)
    if m:
        v = p.parse_digits(m.group(1))
        end = m.end()
    else:
        words = [w for w in p.number_words(text[pos:pos + 80]) if w[0] == 0]
        if not words:
            return None
        v, end = words[0][2], pos + words[0][1]
    scale = p.scale_after.match(text, end)
    factor = 1.0
    if scale:
        factor = float(p.scale_value(scale.group(1)))
        end = scale.end()
    return v * factor, end, factor


def _person_follows(text: str, end: int, p: Profile = ENGLISH) -> bool:
    for t in p.vocab.terms(text[end:end + 30]):
        return t.start <= 2
    return False


def _person_before(text: str, q_start: int, p: Profile = ENGLISH) -> bool:
    window = text[max(0, q_start - 30):q_start]
    found = p.vocab.terms(window)
    return bool(found) and found[-1].end >= len(window.rstrip())


# --- sentences and context --------------------------------------------------------------


def _sentence_spans(text: str, p: Profile = ENGLISH) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in p.sentence_end.finditer(text):
        if not m.group().startswith("|"):
            before = text[start:m.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if last in p.abbreviations or (len(last) == 1 and last.isalpha()):
                continue
        spans.append((start, m.end()))
        start = m.end()
        while start < len(text) and text[start] == " ":
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _sentences(par: Paragraph, mentions: list[Mention], p: Profile = ENGLISH) -> None:
    spans = _sentence_spans(par.text, p)
    starts = [a for a, _ in spans]
    markers = [(m.start, m.end) for m in mentions if m.kind == "footnote" and m.detail == "marker"]
    for m in mentions:
        i = bisect.bisect_right(starts, m.start) - 1
        span = spans[i] if i >= 0 and m.start < spans[i][1] else (0, len(par.text))
        m.sentence_span = span
        m.sentence = clean(par.text, span, markers)


def clean(text: str, span: tuple[int, int], markers: list[tuple[int, int]]) -> str:
    """The span's text without footnote markers ("persons.4" reads "persons.")."""
    a, b = span
    out = []
    pos = a
    for s, e in sorted(markers):
        if a <= s < b:
            piece = text[pos:s]
            out.append(piece.rstrip() if piece.endswith(" ") and e >= b - 1 else piece)
            pos = e
    out.append(text[pos:b])
    return "".join(out).strip().rstrip("|").strip()


class _Terms:
    """The paragraph's terms with bisect lookups, so context costs O(log n) per count."""

    def __init__(self, text: str, vocab: cx.Vocabulary = cx.ENGLISH) -> None:
        self.all = vocab.terms(text)
        self.starts = [t.start for t in self.all]

    def within(self, a: int, b: int) -> list[cx.Term]:
        """Terms wholly inside [a, b)."""
        lo = bisect.bisect_left(self.starts, a)
        hi = bisect.bisect_left(self.starts, b)
        return [t for t in self.all[lo:hi] if t.end <= b]

    def last_status_before(self, pos: int) -> str | None:
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            t = self.all[i]
            if t.status and t.end <= pos:
                return t.status
            i -= 1
        return None

    def scopes(self, ends: list[int]) -> dict[int, frozenset[str]]:
        """For each sentence end, the tags of every term before it in the paragraph."""
        out: dict[int, frozenset[str]] = {}
        seen: set[str] = set()
        i = 0
        for end in sorted(set(ends)):
            while i < len(self.all) and self.all[i].end <= end:
                seen.update(self.all[i].tags)
                i += 1
            out[end] = frozenset(seen)
        return out


def _contexts(text: str, mentions: list[Mention], p: Profile = ENGLISH) -> None:
    cnts = [m for m in mentions if m.kind == "count"]
    if not cnts:
        return
    terms = _Terms(text, p.vocab)
    scopes = terms.scopes([m.sentence_span[1] for m in cnts])
    for i, m in enumerate(cnts):
        _context(text, terms, m, cnts[i + 1:i + 4], p)
        m.scope = set(scopes[m.sentence_span[1]])


def _head_window(text: str, m: Mention, later: list[Mention],
                 p: Profile = ENGLISH) -> tuple[int, int, Mention | None]:
    """Where the words that say what `m` counts are: up to the clause end or next count."""
    s_end = m.sentence_span[1]
    stop = s_end
    comma = re.search(r"[,;:|()]", text[m.end:s_end])
    if comma:
        stop = m.end + comma.start()
    nxt = next((n for n in later if n.start < s_end), None)
    partitive = None
    if nxt is not None and nxt.start < stop:
        gap = text[m.end:nxt.start]
        if p.partitive.fullmatch(gap):
            partitive = nxt
            comma = re.search(r"[,;:|()]", text[nxt.end:s_end])
            stop = nxt.end + comma.start() if comma else s_end
            after = next((n for n in later if n.start > nxt.start and n.start < stop), None)
            if after is not None:
                stop = after.start
        else:
            stop = nxt.start
    return m.end, stop, partitive


def _context(text: str, terms: _Terms, m: Mention, later: list[Mention],
             p: Profile = ENGLISH) -> None:
    a, stop, partitive = _head_window(text, m, later, p)
    s_start = m.sentence_span[0]
    window = terms.within(a, stop)
    head: str | None = None
    status: str | None = None
    if partitive is not None:
        inner = [t for t in window if t.start >= partitive.end]
        skip = inner[0] if inner and inner[0].start - partitive.end <= 2 else None
        rest = [t for t in inner if t is not skip and not t.generic]
        head = rest[0].tag if rest else (skip.tag if skip else None)
        status = next((t.status for t in rest if t.status), None)
    else:
        head, status = _scan_head(text, a, stop, window, p)
    before = terms.within(s_start, m.start)
    if head is None:
        near = [t for t in before if not t.generic]
        if near:
            head = near[-1].tag
    if status is None and head in cx.STATUSES:
        status = head
    if status is None:
        # before the count in its own clause ("claimed the lives of tens of thousands")
        cut = max(text.rfind(ch, s_start, m.start) for ch in ",;:|")
        own = [t for t in before if t.start > cut and t.status]
        if own:
            status = own[-1].status
    if status is None:
        # on through coordinated counts ("21 children and 112 women were released") to the
        # end of the clause, then back through the paragraph
        ahead = [t for t in terms.within(a, _clause_end(text, m, p)) if t.status]
        if ahead:
            status = ahead[0].status
    if status is None:
        status = terms.last_status_before(m.start)
    if status is None:
        # "613 civilians, including 106 women ..., were killed": the rest of the sentence
        ahead = [t for t in terms.within(a, m.sentence_span[1]) if t.status]
        if ahead:
            status = ahead[0].status
    ctx: list[str] = []
    for tag in [head, status] + [t.tag for t in window] + [t.tag for t in before if not t.status]:
        if tag and tag not in ctx:
            ctx.append(tag)
    m.head, m.status, m.context = head, status, ctx
    m.words = " ".join(text[a:stop].split()[:10])


def _clause_end(text: str, m: Mention, p: Profile = ENGLISH) -> int:
    s_end = m.sentence_span[1]
    stop = p.clause_end.search(text[m.end:s_end])
    return m.end + stop.start() if stop else s_end


def _scan_head(text: str, a: int, stop: int, window: list[cx.Term],
               p: Profile = ENGLISH) -> tuple[str | None, str | None]:
    """The first term after the number, skipping function words; a generic one ('citizens')
    gives way to the status that follows ('were registered as missing')."""
    by_start = {t.start: t for t in window}
    literal: list[str] = []
    skip = p.skip_words
    for w in p.word.finditer(text, a, stop):
        t = by_start.get(w.start())
        if t is None and any(x.start < w.start() < x.end for x in window):
            continue
        if t is not None:
            if literal:
                break
            if not t.generic:
                # what happened to them, said after the head, wins over what the head
                # implies: "60 hostages were released" are released
                later = [x for x in window if x.start >= t.end and x.status and
                         x.status != t.status and x.tags[0] not in ("prisoners of war",
                                                                     "hostages")]
                return t.tag, later[0].status if later else t.status
            statuses = [x for x in window if x.start > t.start and x.status]
            if statuses:
                return statuses[0].tag, statuses[0].status
            return t.tag, None
        word = w.group()
        if word.lower() in skip and not literal:
            continue
        if word[:1].isupper() and not literal:
            continue
        if word.lower() in skip or word.lower() in ("and", "or", "but") or len(literal) >= 2:
            break
        literal.append(word.lower())
        if word.lower().endswith("s") and not word.lower().endswith("ss"):
            break  # a plural noun ends what is counted: "resolutions", "adjacent districts"
    if literal:
        return " ".join(literal), None
    return None, None
