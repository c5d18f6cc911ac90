"""prose: the text a sheet was typed from, against its figures (`check --text` / `--prose`).

Not written in a rules file: `missingstats check sheet.yaml --text letter.txt` (or
`--prose`, for the text the sheet names under `text:`) adds three rules (two errors and a
warning), in every report format.

- `prose-matches-sheet`: every figure with a `quote:` is found in the text (whitespace,
  line breaks, typographic quotes and dashes, line-end hyphens and footnote markers do not
  matter), and the number in the text that belongs to the figure has the figure's value
  and the same kind of qualifier ("at least" and "no fewer than" agree; "at least" and an
  exact figure do not). The number is picked inside the quote by value, then by context
  words, then by the figure's `text_line`. A quote the text has with other numbers in it
  is still found; a quote that is not in the text fails and names the closest passage.
- `prose-counts-agree`: every other count in the text that the sheet records under the
  same context must be consistent with one of those figures. The same context: the
  figure's own term (its last name part, or its group's for a `total`) is what the count
  counts (its head word: "719 civilians", "71 are children"), a status in the figure's
  name (missing, detained, killed ...) is the count's status, and the figure's other name
  parts are mentioned in the paragraph up to that sentence. Consistent: the intervals
  overlap, so "at least 871" agrees with an exact 871 and "more than 900" does not. A
  count that no figure's context fits is not checked (the letter's "eight resolutions").
- `prose-quoted-counts-recorded` (a warning): every count the text states inside a
  figure's quote, and that no quoted figure took as its own, is held by a figure (one
  whose context fits it, or one of the same value). A figure deleted from the sheet leaves
  its count behind in the others' quotes: the letter's "604 servicemen" in the quote of
  detained.total, once detained.servicemen is gone.

    text: letter.txt
    figures:
      missing:
        total: {value: 3889, quote: "3,889 citizens were registered as missing"}
      detained:
        civilians: 267

Passes: the text says "3,889 citizens were registered as missing" and "At least 267
civilians are detained". Fails: the text says "3,898 citizens ..." and "More than 900
civilians are detained":

    FAIL prose-matches-sheet (error) s.yaml  1 of 1 failed
      every quoted figure is found in the text with the same value and qualifier
      missing.total: the text says 3,898, the sheet 3,889
        the text says "3,898" where the sheet has 3,889: value differs
        missing.total = 3,889  s.yaml:4:20
        text          = 3,898  letter.txt:1:30
        difference: -9 (left side minus right side)

    FAIL prose-counts-agree (error) s.yaml  1 of 1 failed
      every count the text states under a figure's context agrees with the figure
      the text says More than 900 (civilians, detained), the sheet detained.civilians = 267
        the text says "More than 900" (civilians, detained) but the sheet records detained.civilians = 267
        text               = more than 900  letter.txt:3:11
        detained.civilians = 267  s.yaml:6:16

A sheet whose only figure is `detained.total` quoting "871 persons were taken, including
604 servicemen" fails the third rule:

    FAIL prose-quoted-counts-recorded (warning) s2.yaml  1 of 1 failed
      every count a figure's quote states is held by a figure of the sheet
      the text says 604 (servicemen, persons) in the quote of detained.total; no figure holds it
        no figure holds "604": add the figure, or check the quote of detained.total
        text           = 604  letter2.txt:1:43
        detained.total = 871  s2.yaml:4:20
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from missingstats.core import reasons
from missingstats.core.errors import Location
from missingstats.core.findings import Figure, Finding, Status, Tally, Value
from missingstats.core.results import Note, ProseSummary, Results
from missingstats.inputs.documents import context as cx
from missingstats.inputs.documents import document as dm
from missingstats.inputs.documents import extract as ex
from missingstats.inputs.documents import numbers as nb
from missingstats.inputs.documents.language import Profile
from missingstats.language import bounds

ID = "prose"
KEYS: tuple[str, ...] = ()  # built in: applies when a sheet has a text
QUOTE_RULE = "prose-matches-sheet"
COUNT_RULE = "prose-counts-agree"
RECORDED_RULE = "prose-quoted-counts-recorded"
DESCRIPTIONS = {
    QUOTE_RULE: "every quoted figure is found in the text with the same value and qualifier",
    COUNT_RULE: "every count the text states under a figure's context agrees with the figure",
    RECORDED_RULE: "every count a figure's quote states is held by a figure of the sheet",
}
CHARS = {
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
    "ʼ": "'", "–": "-", "—": "-", "‑": "-", "‐": "-", "\u00a0": " ", "\u202f": " ",
    "\u2009": " ", "…": "...",
}
# A number with the qualifier before it: quotes that differ only here are still found.
NUMBER = re.compile(
    r"(?:\b(?:" + "|".join(re.escape(q).replace(r"\ ", r"\s+") for q in nb.PRE_QUALIFIERS)
    + r")\s+)?\d+(?:[,.]\d+)*",
    re.IGNORECASE,
)
NEARLY_THE_SAME = 0.85  # a quote this close to a passage is that passage, retyped


@dataclass
class Corpus:
    """The document's paragraphs as one normalised string, each character traced back."""

    text: str
    src: list[tuple[int, int]]  # (paragraph, offset) of each character; (-1, -1) between

    @classmethod
    def build(cls, doc: dm.Document, mentions: list[ex.Mention]) -> Corpus:
        skip: dict[int, list[tuple[int, int]]] = {}
        for m in mentions:
            if m.kind == "footnote" and m.detail == "marker":
                skip.setdefault(m.paragraph, []).append((m.start, m.end))
        chars: list[str] = []
        src: list[tuple[int, int]] = []
        for pi, par in enumerate(doc.paragraphs):
            if chars:
                chars.append(" ")
                src.append((-1, -1))
            skipped = {i for a, b in skip.get(pi, []) for i in range(a, b)}
            for off, ch in enumerate(par.text):
                if off in skipped:
                    continue
                rep = CHARS.get(ch, ch)
                for r in rep:
                    if r == " " and chars and chars[-1] == " ":
                        continue
                    chars.append(r)
                    src.append((pi, off))
        return cls("".join(chars), src)


def normalise(text: str) -> str:
    text = "".join(CHARS.get(ch, ch) for ch in text)
    text = ex.ATTACHED_MARKER.sub(lambda m: m.group()[: m.start("n") - m.start()], text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=8)
def _number_pattern(profile: Profile) -> re.Pattern[str]:
    """NUMBER for another language: its qualifiers before a number."""
    if profile is ex.ENGLISH:
        return NUMBER
    words = "|".join(re.escape(q).replace(r"\ ", r"\s+")
                     for q in sorted(profile.qualifiers, key=len, reverse=True))
    return re.compile(rf"(?:(?<!\w)(?:{words})\s+)?\d+(?:[,.]\d+)*", re.IGNORECASE)


def _masked(text: str, pattern: re.Pattern[str] = NUMBER) -> tuple[str, list[int]]:
    """Numbers replaced by '#'; for each character of the result, its index in `text`."""
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        for i in range(pos, m.start()):
            out.append(text[i])
            index.append(i)
        out.append("#")
        index.append(m.start())
        pos = m.end()
    for i in range(pos, len(text)):
        out.append(text[i])
        index.append(i)
    index.append(len(text))
    return "".join(out), index


def find_quote(corpus: Corpus, quote: str,
               profile: Profile = ex.ENGLISH) -> list[tuple[int, int, str]]:
    """Occurrences of the quote as (start, end, how): exact, caseless, or numbers (and their
    qualifiers) differ."""
    q = normalise(quote)
    if not q:
        return []
    hits = [(m.start(), m.start() + len(q), "exact") for m in re.finditer(re.escape(q), corpus.text)]
    if hits:
        return hits
    low = corpus.text.casefold()
    hits = [(m.start(), m.end(), "case") for m in re.finditer(re.escape(q.casefold()), low)]
    if hits:
        return hits
    pattern = _number_pattern(profile)
    mq, _ = _masked(q, pattern)
    mt, index = _masked(corpus.text, pattern)
    return [(index[m.start()], index[m.start() + len(mq)] if m.start() + len(mq) < len(index)
             else len(corpus.text), "numbers")
            for m in re.finditer(re.escape(mq), mt)]


def approximate(corpus: Corpus, quote: str, at: int) -> tuple[int, int]:
    """Refine a rough position into the span of the text that lines up with the quote."""
    q = normalise(quote)
    lo = max(at - len(q) // 2, 0)
    window = corpus.text[lo:at + len(q) + len(q) // 2]
    matcher = difflib.SequenceMatcher(None, window, q, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= 3]
    if not blocks:
        return at, min(at + len(q), len(corpus.text))
    return lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size


def closest(corpus: Corpus, quote: str) -> tuple[int, float] | None:
    """Where the text reads most like the quote: (start, similarity)."""
    q = normalise(quote)
    text = corpus.text
    if not q or not text:
        return None
    step = max(len(q) // 8, 1)
    best: tuple[float, int] = (0.0, 0)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(q)
    for start in range(0, max(len(text) - len(q) // 2, 1), step):
        for size in (len(q), len(q) * 3 // 2):
            matcher.set_seq1(text[start:start + size])
            if matcher.real_quick_ratio() <= best[0] or matcher.quick_ratio() <= best[0]:
                continue
            r = matcher.ratio()
            if r > best[0]:
                best = (r, start)
    return (best[1], best[0]) if best[0] >= 0.6 else None


# --- figures and their context -------------------------------------------------------------


@dataclass
class FigureTerms:
    leaf: tuple[str, ...]
    ancestors: list[tuple[str, ...]] = field(default_factory=list)


def figure_terms(name: str, vocab: cx.Vocabulary = cx.ENGLISH) -> FigureTerms:
    parts = [p for p in name.split(".")]
    if parts[-1] == "total" and len(parts) > 1:
        parts = parts[:-1]
    leaf = cx.name_tags(parts[-1], vocab)
    return FigureTerms(leaf, [cx.name_tags(p, vocab) for p in parts[:-1] if p != "total"])


class Earlier:
    """Does a word occur in a paragraph before an offset? The first occurrence of each
    word is looked up once per paragraph, so asking for every count costs O(1), not a scan
    (and a copy) of the paragraph per count and figure."""

    def __init__(self, doc: dm.Document) -> None:
        self.doc = doc
        self.lowered: dict[int, str] = {}
        self.first: dict[tuple[int, str], int] = {}

    def before(self, m: ex.Mention) -> Callable[[str], bool]:
        end = m.sentence_span[1]
        return lambda word: self._first(m.paragraph, word) + len(word) <= end

    def _first(self, paragraph: int, word: str) -> int:
        key = (paragraph, word)
        if key not in self.first:
            text = self.lowered.get(paragraph)
            if text is None:
                text = self.lowered[paragraph] = self.doc.paragraphs[paragraph].text.lower()
            at = text.find(word)
            self.first[key] = at if at >= 0 else len(text) + 1
        return self.first[key]


def fits(terms: FigureTerms, m: ex.Mention, earlier: Callable[[str], bool],
         vocab: cx.Vocabulary = cx.ENGLISH) -> bool:
    """Does the sheet record this count under the same context? (module docstring)
    `earlier(word)`: does the word occur in the paragraph before the sentence ends?"""
    if not m.head:
        return False
    head_tags = set(cx.name_tags(m.head, vocab))
    if not head_tags & set(terms.leaf):
        return False
    for tags in terms.ancestors:
        statuses = [t for t in tags if t in cx.STATUSES]
        if statuses and m.status:
            if m.status not in tags:
                return False
        elif not (set(tags) & m.scope) and not all(earlier(t) for t in tags):
            return False
    return True


# --- the check ------------------------------------------------------------------------------


def text_path(sheet: Any, options: Any) -> tuple[str | None, Note | None]:
    """--text wins; else the sheet's own `text:` beside it (a missing one is a note)."""
    if getattr(options, "text", None):
        return str(options.text), None
    if not sheet.text:
        return None, None
    path = Path(sheet.path).parent / sheet.text
    if not path.is_file():
        where = sheet.root["text"].location if sheet.root is not None and "text" in sheet.root \
            else Location(sheet.path)
        return None, Note(where, reasons.TextNotFound(sheet.text))
    return str(path), None


def check_hook(sheet: Any, results: Results, options: Any) -> None:
    """Add the two prose rules to `results` when there is a text."""
    path, note = text_path(sheet, options)
    if note is not None:
        results.notes.append(note)
    if path is None:
        return
    lang = getattr(options, "lang", None)
    results.extend(compare(sheet, path, keep_passes=getattr(options, "keep_passes", True),
                           language=lang))


def compare(sheet: Any, path: str, keep_passes: bool = True, language: str | None = None) -> Results:
    """The two prose rules of `sheet` against the document at `path`; its language is
    `language` (--lang), else the sheet's settings.language, else the document's own."""
    from missingstats.inputs.documents import readers
    from missingstats.inputs.documents.language import choose

    doc = readers.read(path)
    code = choose(language, sheet.settings.get("language"), doc.language)
    profile = ex.profile(code)
    mentions = ex.extract(doc, code)
    corpus = Corpus.build(doc, mentions)
    earlier = Earlier(doc)
    cnts = [m for m in mentions if m.kind == "count"]
    approximate = sheet.settings.get("approximate", bounds.DEFAULT_APPROXIMATE)
    figures = [f for f in sheet.figures.values() if f.unit == "count"]
    vocab = profile.vocab
    terms = {f.name: figure_terms(f.name, vocab) for f in figures}
    claimed: set[int] = set()
    in_quotes: dict[int, tuple[ex.Mention, Any]] = {}  # counts inside a quote, by whose quote
    out = Results()
    quotes = Tally(sheet.path, QUOTE_RULE, "error", DESCRIPTIONS[QUOTE_RULE])
    quoted = [f for f in figures if f.quote]
    for f in quoted:
        finding, mention, span = _check_quote(sheet, f, doc, corpus, cnts, terms[f.name], path,
                                              out.notes, profile)
        if mention is not None:
            claimed.add(id(mention))
        for m in span:
            in_quotes.setdefault(id(m), (m, f))
        quotes.counts.count(finding.status)
        if finding.status == Status.FAIL or keep_passes:
            out.findings.append(finding)
    counts = Tally(sheet.path, COUNT_RULE, "error", DESCRIPTIONS[COUNT_RULE])
    for m in cnts:
        if id(m) in claimed:
            continue
        before = earlier.before(m)
        fitting = [f for f in figures if fits(terms[f.name], m, before, vocab)]
        if not fitting:
            continue
        lo, hi = _interval(m, approximate, sheet.settings.get("rounded") == "implied")
        agree = any(lo <= f.hi and f.lo <= hi for f in fitting)
        status = Status.PASS if agree else Status.FAIL
        counts.counts.count(status)
        if status == Status.FAIL or keep_passes:
            out.findings.append(_count_finding(sheet, m, fitting, path, status))
    recorded = _recorded(sheet, doc, in_quotes, claimed, figures, terms, path, keep_passes, out,
                         earlier, vocab)
    out.tallies += [quotes, counts, recorded]
    out.prose.append(ProseSummary(sheet.path, path, len(quoted), len(cnts), counts.counts.checked,
                                  quotes.counts.failed + counts.counts.failed))
    return out


def _recorded(sheet: Any, doc: dm.Document, in_quotes: dict[int, tuple[ex.Mention, Any]],
              claimed: set[int], figures: list[Any], terms: dict[str, FigureTerms], path: str,
              keep_passes: bool, out: Results, earlier: Earlier,
              vocab: cx.Vocabulary = cx.ENGLISH) -> Tally:
    """prose-quoted-counts-recorded (warning): a count stated inside a figure's quote that no
    quoted figure took must be held by a figure, one whose context fits it (prose-counts-
    agree then compares them) or one of the same value. A figure deleted from the sheet
    leaves its count behind in the quotes of the others: "604 servicemen" in the quote of
    detained.total, once detained.servicemen is gone."""
    tally = Tally(sheet.path, RECORDED_RULE, "warning", DESCRIPTIONS[RECORDED_RULE])
    for key, (m, owner) in in_quotes.items():
        if key in claimed:
            continue
        before = earlier.before(m)
        held = [f for f in figures if fits(terms[f.name], m, before, vocab) or _same_value(f, m)]
        status = Status.PASS if held else Status.FAIL
        tally.counts.count(status)
        if status == Status.FAIL or keep_passes:
            out.findings.append(_unrecorded_finding(sheet, m, owner, held, path, status))
    return tally


def _unrecorded_finding(sheet: Any, m: ex.Mention, owner: Any, held: list[Any], path: str,
                        status: Status) -> Finding:
    what = ", ".join(m.context[:3]) if m.context else "a count"
    expression = f"\"{m.text.strip()}\" ({what}) at {path}:{m.line} is held by a figure"
    figures = [Figure("text", _mention_value(m), _text_loc(path, m)),
               Figure(owner.name, _figure_value(owner), owner.location)]
    figures += [Figure(f.name, _figure_value(f), f.location) for f in held]
    reason = None
    if status == Status.FAIL:
        reason = reasons.CountUnrecorded(m.text.strip(), what, owner.name)
    return Finding(RECORDED_RULE, "warning", status, sheet.path, expression, tuple(figures),
                   reason=reason, primary=owner.name)


def _interval(m: ex.Mention, approximate: float, rounded: bool = False) -> tuple[float, float]:
    """The values a count in the text stands for; under `rounded: implied` a round count
    ("23,000", "about 1.5 million") carries the precision its digits state, as it was written."""
    if m.value is not None and m.qualifier not in (None, "between") and \
            m.qualifier not in bounds.MAGNITUDES:
        lo, hi = bounds.interval(m.value, m.qualifier, approximate)
    else:
        lo, hi = float(m.lo if m.lo is not None else 0), float(m.hi if m.hi is not None else bounds.INF)
    if rounded and m.value is not None and bounds.family(m.qualifier) in ("exact", "approx",
                                                                           "below_approx"):
        written = m.text[max(m.number_start - m.start, 0):]
        lo, hi = bounds.rounded(float(m.value), lo, hi, written)
    return lo, hi


# --- one quoted figure ----------------------------------------------------------------------


def _text_line(f: Any) -> str | None:
    """The figure's text_line as a mention's `at` reads: '128', or '3:14' (page:line)."""
    node = f.extra.get("text_line")
    if node is None:
        return None
    s = str(node).strip()
    m = re.fullmatch(r"(\d+)(?::(\d+))?", s)
    if not m:
        return None
    return f"{int(m.group(1))}:{int(m.group(2))}" if m.group(2) else str(int(m.group(1)))


def _on_line(m: ex.Mention, line: str) -> bool:
    """Is the mention on the figure's text_line? A plain number on a paged document counts
    the lines of the whole extracted text."""
    if ":" in line or m.page is None:
        return m.at == line
    return str(m.text_line) == line


def _figure_value(f: Any) -> Value:
    return Value(f.lo, f.hi, f.qualifier, f.value, f.unit)


def _mention_value(m: ex.Mention) -> Value:
    if m.qualifier is None and m.value is not None:
        return Value.exact(m.value)
    hi = bounds.INF if m.hi is None else float(m.hi)
    return Value(float(m.lo if m.lo is not None else 0), hi, m.qualifier, m.value)


def _text_loc(path: str, m: ex.Mention) -> Location:
    return Location(path, m.line, m.column, page=m.page)


def _finding(sheet: Any, rule: str, status: Status, expression: str, figures: list[Figure],
             reason: Any = None, lhs: Value | None = None, rhs: Value | None = None,
             difference: float | None = None) -> Finding:
    return Finding(rule, "error", status, sheet.path, expression, tuple(figures), lhs, rhs,
                   difference, reason=reason)


def _in_span(corpus: Corpus, a: int, b: int, m: ex.Mention) -> bool:
    first = next((corpus.src[i] for i in range(a, b) if corpus.src[i][0] >= 0), None)
    last = next((corpus.src[i] for i in range(b - 1, a - 1, -1) if corpus.src[i][0] >= 0), None)
    if first is None or last is None:
        return False
    return first <= (m.paragraph, m.number_start) <= last


@functools.lru_cache(maxsize=256)
def _quote_counts(quote: str, language: str = "en") -> list[ex.Mention]:
    return [m for m in ex.extract(dm.parse(quote), language) if m.kind == "count"]


def _same_value(f: Any, m: ex.Mention) -> bool:
    if f.qualifier in bounds.MAGNITUDES or m.qualifier in bounds.MAGNITUDES:
        return f.qualifier == m.qualifier
    if f.value is None:
        return m.qualifier == "between" and (m.lo, m.hi) == (f.lo, f.hi)
    return m.value is not None and float(m.value) == float(f.value)


def _same_qualifier(f: Any, m: ex.Mention) -> bool:
    if f.value is None or m.qualifier == "between":
        return True  # magnitudes and intervals are compared by _same_value
    try:
        return bounds.family(f.qualifier) == bounds.family(m.qualifier)
    except ValueError:
        return False


def _choose(f: Any, t: FigureTerms, quote_counts: list[ex.Mention], span: list[ex.Mention],
            doc: dm.Document, line: str | None,
            vocab: cx.Vocabulary = cx.ENGLISH) -> ex.Mention | None:
    """The text's number that belongs to figure f inside its quote: by value (in the quote,
    which may differ from the text), then by context words, then by text_line."""
    n = len(span)
    if not n:
        return None
    aligned = len(quote_counts) == n

    def fit(i: int) -> bool:
        m = span[i]
        return fits(t, m, Earlier(doc).before(m), vocab)

    def pick(group: list[int]) -> ex.Mention:
        if line is not None and len(group) > 1:
            group = [i for i in group if _on_line(span[i], line)] or group
        return span[group[0]]

    same = [i for i in range(n) if _same_value(f, quote_counts[i] if aligned else span[i])]
    if not same and aligned:
        same = [i for i in range(n) if _same_value(f, span[i])]
    if len(same) == 1:
        return span[same[0]]
    if same:
        return pick([i for i in same if fit(i)] or same)
    by_context = [i for i in range(n) if fit(i)]
    if by_context:
        return pick(by_context)
    if line is not None:
        on_line = [i for i in range(n) if _on_line(span[i], line)]
        if len(on_line) == 1:
            return span[on_line[0]]
    return span[0] if n == 1 else None


def _passage(corpus: Corpus, doc: dm.Document, start: int,
             end: int) -> tuple[int, int, int | None]:
    """Line, column and page of the first character of corpus[start:end] in the document
    (the line on its page for a paged document)."""
    pi, off = next((corpus.src[i] for i in range(start, end) if corpus.src[i][0] >= 0), (0, 0))
    line, col = doc.paragraphs[pi].position(off)
    if doc.pages is not None:
        page, on_page = doc.pages[line - 1]
        return on_page, col, page
    return line, col, None


def _said_at(line: int, page: int | None) -> int | str:
    return f"{page}:{line}" if page is not None else line


def _not_found(sheet: Any, f: Any, corpus: Corpus, doc: dm.Document, near, path: str) -> Finding:
    figures = [Figure(f.name, _figure_value(f), f.location)]
    reason = reasons.QuoteNotFound(f.name, path)
    if near is not None:
        start, _ = approximate(corpus, f.quote, near[0])
        ln, col, page = _passage(corpus, doc, start, len(corpus.src))
        figures.append(Figure("text", None, Location(path, ln, col, page=page), listed=False))
        reason = reasons.QuoteNotFound(f.name, path, _said_at(ln, page),
                                       corpus.text[start:start + 70].strip())
    return _finding(sheet, QUOTE_RULE, Status.FAIL, f"{f.name} matches the text", figures, reason)


def _check_quote(sheet: Any, f: Any, doc: dm.Document, corpus: Corpus,
                 cnts: list[ex.Mention], t: FigureTerms, path: str,
                 notes: list[Note], profile: Profile = ex.ENGLISH
                 ) -> tuple[Finding, ex.Mention | None, list[ex.Mention]]:
    line = _text_line(f)
    expression = f"{f.name} matches the text"
    hits = find_quote(corpus, f.quote, profile)
    near = closest(corpus, f.quote) if not hits else None
    if near is not None and near[1] >= NEARLY_THE_SAME:
        hits = [(*approximate(corpus, f.quote, near[0]), "approximate")]
    if not hits:
        return _not_found(sheet, f, corpus, doc, near, path), None, []
    options = []
    for a, b, how in hits:
        span = [m for m in cnts if _in_span(corpus, a, b, m)]
        options.append((a, b, how, span))
    if line is not None and len(options) > 1:
        options.sort(key=lambda o: not any(_on_line(m, line) for m in o[3]))
    a, b, how, span = options[0]
    chosen = _choose(f, t, _quote_counts(f.quote, profile.code), span, doc, line, profile.vocab)
    value = _figure_value(f)
    if chosen is None:
        ln, col, page = _passage(corpus, doc, a, b)
        return _finding(sheet, QUOTE_RULE, Status.FAIL, expression, [
            Figure(f.name, value, f.location),
            Figure("text", None, Location(path, ln, col, page=page), listed=False),
        ], reasons.QuoteWithoutCount(f.name, path, value)), None, span
    said = _mention_value(chosen)
    figures = [Figure(f.name, value, f.location), Figure("text", said, _text_loc(path, chosen))]
    if line is not None and not _on_line(chosen, line):
        notes.append(Note(f.location, reasons.TextLineElsewhere(
            f.name, line, chosen.at, path)))
    same_v, same_q = _same_value(f, chosen), _same_qualifier(f, chosen)
    if same_v and same_q and how == "approximate":
        ln, _, page = _passage(corpus, doc, a, b)
        snippet = " ".join(corpus.text[a:b].split()[:14])
        return _finding(sheet, QUOTE_RULE, Status.FAIL, expression, figures,
                        reasons.QuoteDiffers(f.name, _said_at(ln, page), snippet)), chosen, span
    if same_v and same_q:
        return _finding(sheet, QUOTE_RULE, Status.PASS, expression, figures, lhs=value,
                        rhs=said), chosen, span
    diff = None
    if not same_v and f.value is not None and chosen.value is not None:
        diff = float(f.value) - float(chosen.value)
    reason = reasons.TextDiffers(chosen.text.strip(), value, not same_v, not same_q)
    return _finding(sheet, QUOTE_RULE, Status.FAIL, expression, figures, reason, value, said,
                    diff), chosen, span


def _count_finding(sheet: Any, m: ex.Mention, fitting: list[Any], path: str,
                   status: Status) -> Finding:
    what = ", ".join(m.context[:3]) if m.context else "a count"
    expression = f"\"{m.text.strip()}\" ({what}) at {path}:{m.at} agrees with the sheet"
    figures = [Figure("text", _mention_value(m), _text_loc(path, m))]
    figures += [Figure(f.name, _figure_value(f), f.location) for f in fitting]
    reason = None
    if status == Status.FAIL:
        reason = reasons.CountDisagrees(m.text.strip(), what,
                                        tuple((f.name, _figure_value(f)) for f in fitting))
    return _finding(sheet, COUNT_RULE, status, expression, figures, reason)
