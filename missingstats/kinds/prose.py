"""`check --text`: the prose against the figures, as two rules every report format shows.

prose-matches-sheet (error)
    Every figure with a `quote:` is found in the text (whitespace, typographic quotes,
    dashes, line-end hyphens and footnote markers do not matter), and the number in the
    text that belongs to the figure has the figure's value and the same kind of qualifier
    ("at least" and "no fewer than" agree; "at least" and an exact figure do not). The
    number is picked inside the quote by value, then by context words, then by the
    figure's `text_line`. A quote the text has with other numbers in it is still found:
    "3,898" in the text where the sheet says 3889 fails with both locations.
prose-counts-agree (error)
    Every other count in the text that the sheet records under the same context must be
    consistent with one of those figures. "The same context" is precise: the figure's own
    term (its last name part, or its group's for a `total`) is what the count counts (its
    head word: "719 civilians", "71 are children", "871 ... taken as prisoners of war"), a
    status in the figure's name (missing, detained, killed ...) is the count's status, and
    the figure's other name parts are mentioned in the paragraph up to that sentence.
    "Consistent" means the intervals overlap: "at least 871" in one sentence agrees with an
    exact 871 in the sheet (871 is at least 871), "more than 900" would not. A count
    that no figure's context fits is not checked (the letter's "eight resolutions").
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from missingstats.core.errors import Location
from missingstats.inputs.documents import context as cx
from missingstats.inputs.documents import document as dm
from missingstats.inputs.documents import extract as ex
from missingstats.inputs.documents import numbers as nb
from missingstats.inputs.yamlnodes import Note
from missingstats.language import bounds

QUOTE_RULE = "prose-matches-sheet"
COUNT_RULE = "prose-counts-agree"
DESCRIPTIONS = {
    QUOTE_RULE: "every quoted figure is found in the text with the same value and qualifier",
    COUNT_RULE: "every count the text states under a figure's context agrees with the figure",
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


def _masked(text: str) -> tuple[str, list[int]]:
    """Numbers replaced by '#'; for each character of the result, its index in `text`."""
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for m in NUMBER.finditer(text):
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


def find_quote(corpus: Corpus, quote: str) -> list[tuple[int, int, str]]:
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
    mq, _ = _masked(q)
    mt, index = _masked(corpus.text)
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


def figure_terms(name: str) -> FigureTerms:
    parts = [p for p in name.split(".")]
    if parts[-1] == "total" and len(parts) > 1:
        parts = parts[:-1]
    leaf = cx.name_tags(parts[-1])
    return FigureTerms(leaf, [cx.name_tags(p) for p in parts[:-1] if p != "total"])


def fits(terms: FigureTerms, m: ex.Mention, paragraph_text: str) -> bool:
    """Does the sheet record this count under the same context? (module docstring)"""
    if not m.head:
        return False
    head_tags = set(cx.name_tags(m.head))
    if not head_tags & set(terms.leaf):
        return False
    for tags in terms.ancestors:
        statuses = [t for t in tags if t in cx.STATUSES]
        if statuses and m.status:
            if m.status not in tags:
                return False
        elif not (set(tags) & m.scope) and not all(
            t in paragraph_text.lower() for t in tags
        ):
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
        return None, Note(where, f"the sheet's text {sheet.text!r} was not found beside it; "
                                 "prose not checked (give --text PATH)")
    return str(path), None


def check_hook(sheet: Any, results: Any, options: Any) -> None:
    """SHEET_HOOKS entry: add the two prose rules to `results` when there is a text."""
    path, note = text_path(sheet, options)
    if note is not None:
        results.notes.append(note)
    if path is None:
        return
    outcome = compare(sheet, path, keep_passes=getattr(options, "keep_passes", True))
    _append(results, outcome)


@dataclass
class Outcome:
    instances: list[dict]
    counts: list[dict]
    notes: list[Note]
    summary: dict


def compare(sheet: Any, path: str, keep_passes: bool = True) -> Outcome:
    doc = dm.read(path)
    mentions = ex.extract(doc)
    corpus = Corpus.build(doc, mentions)
    cnts = [m for m in mentions if m.kind == "count"]
    approximate = sheet.settings.get("approximate", bounds.DEFAULT_APPROXIMATE)
    figures = [f for f in sheet.figures.values() if f.unit == "count"]
    terms = {f.name: figure_terms(f.name) for f in figures}
    claimed: set[int] = set()
    rows: list[dict] = []
    notes: list[Note] = []
    quoted = [f for f in figures if f.quote]
    q_tally = {"checked": 0, "passed": 0, "failed": 0}
    for f in quoted:
        q_tally["checked"] += 1
        row, mention = _check_quote(sheet, f, doc, corpus, cnts, terms[f.name], path, notes)
        if mention is not None:
            claimed.add(id(mention))
        if row["status"] == "fail":
            q_tally["failed"] += 1
        else:
            q_tally["passed"] += 1
        if row["status"] == "fail" or keep_passes:
            rows.append(row)
    c_tally = {"checked": 0, "passed": 0, "failed": 0}
    for m in cnts:
        if id(m) in claimed:
            continue
        par_text = doc.paragraphs[m.paragraph].text[: m.sentence_span[1]]
        fitting = [f for f in figures if fits(terms[f.name], m, par_text)]
        if not fitting:
            continue
        c_tally["checked"] += 1
        lo, hi = _interval(m, approximate)
        agree = [f for f in fitting if lo <= f.hi and f.lo <= hi]
        if agree:
            c_tally["passed"] += 1
            if keep_passes:
                rows.append(_count_row(sheet, m, fitting, path, "pass"))
        else:
            c_tally["failed"] += 1
            rows.append(_count_row(sheet, m, fitting, path, "fail"))
    counts = [
        {"file": sheet.path, "rule": rule, "severity": "error", "description": DESCRIPTIONS[rule],
         "checked": t["checked"], "passed": t["passed"], "failed": t["failed"],
         "undetermined": 0, "missing": 0}
        for rule, t in ((QUOTE_RULE, q_tally), (COUNT_RULE, c_tally))
    ]
    summary = {
        "file": sheet.path, "text_file": path, "quoted_figures": len(quoted),
        "counts_in_text": len(cnts), "counts_matched": c_tally["checked"],
        "failed": q_tally["failed"] + c_tally["failed"],
    }
    summary["text"] = (
        f"{path}: {len(quoted)} quoted figure(s) checked, {len(cnts)} count(s) in the text, "
        f"{c_tally['checked']} matched to figures by context, {summary['failed']} disagree"
    )
    return Outcome(rows, counts, notes, summary)


def _interval(m: ex.Mention, approximate: float) -> tuple[float, float]:
    if m.value is not None and m.qualifier not in (None, "between") and \
            m.qualifier not in bounds.MAGNITUDES:
        return bounds.interval(m.value, m.qualifier, approximate)
    return float(m.lo if m.lo is not None else 0), float(m.hi if m.hi is not None else bounds.INF)


def _append(results: Any, outcome: Outcome) -> None:
    import pandas as pd

    from missingstats.core.results import COUNT_COLUMNS, INSTANCE_COLUMNS

    inst = pd.DataFrame(outcome.instances, columns=INSTANCE_COLUMNS, dtype=object)
    cnt = pd.DataFrame(outcome.counts, columns=COUNT_COLUMNS)
    frames = [x for x in (results.instances, inst) if len(x)]
    if frames:
        results.instances = pd.concat(frames, ignore_index=True)
    frames = [x for x in (results.counts, cnt) if len(x)]
    if frames:
        results.counts = pd.concat(frames, ignore_index=True)
    results.notes.extend(outcome.notes)
    results.extras.setdefault("prose", [])
    results.extras["prose"].append(outcome.summary)


# --- one quoted figure ----------------------------------------------------------------------


def _text_line(f: Any) -> int | None:
    node = f.extra.get("text_line")
    if node is None:
        return None
    s = str(node).strip()
    return int(s) if s.isdigit() else None


def _figure_value(f: Any) -> Any:
    if f.lo == f.hi:
        return int(f.lo) if float(f.lo).is_integer() else f.lo
    out: dict[str, Any] = {"lo": None if f.lo == -bounds.INF else _num(f.lo),
                           "hi": None if f.hi == bounds.INF else _num(f.hi)}
    if f.qualifier:
        out["qualifier"] = f.qualifier
        if f.value is not None:
            out["stated"] = _num(f.value)
    out["text"] = f.display()
    return out


def _num(x: float | None) -> int | float | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def _mention_value(m: ex.Mention) -> Any:
    if m.qualifier is None and m.value is not None:
        return _num(m.value)
    out: dict[str, Any] = {"lo": _num(m.lo), "hi": None if m.hi == bounds.INF else _num(m.hi)}
    if m.qualifier:
        out["qualifier"] = m.qualifier
    if m.value is not None:
        out["stated"] = _num(m.value)
    out["text"] = m.describe()
    return out


def _text_loc(path: str, m: ex.Mention) -> dict:
    return {"file": path, "line": m.line, "column": m.column, "figure": "text"}


def _sheet_loc(f: Any) -> dict:
    loc = f.location
    out = {"file": loc.file, "figure": f.name}
    if loc.line is not None:
        out["line"] = loc.line
        out["column"] = loc.column
    return out


def _row(sheet: Any, rule: str, status: str, expression: str, message: str | None,
         values: dict, locations: list[dict], lhs: Any = None, rhs: Any = None,
         difference: Any = None) -> dict:
    return {
        "file": sheet.path, "rule": rule, "severity": "error", "status": status,
        "expression": expression, "message": message, "lhs": lhs, "rhs": rhs,
        "difference": difference, "values": values, "locations": locations,
        "coordinates": None, "decides": None,
    }


def _in_span(corpus: Corpus, a: int, b: int, m: ex.Mention) -> bool:
    first = next((corpus.src[i] for i in range(a, b) if corpus.src[i][0] >= 0), None)
    last = next((corpus.src[i] for i in range(b - 1, a - 1, -1) if corpus.src[i][0] >= 0), None)
    if first is None or last is None:
        return False
    return first <= (m.paragraph, m.number_start) <= last


@functools.lru_cache(maxsize=256)
def _quote_counts(quote: str) -> list[ex.Mention]:
    return [m for m in ex.extract(dm.parse(quote)) if m.kind == "count"]


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
            doc: dm.Document, line: int | None) -> ex.Mention | None:
    """The text's number that belongs to figure f inside its quote: by value (in the quote,
    which may differ from the text), then by context words, then by text_line."""
    n = len(span)
    if not n:
        return None
    aligned = len(quote_counts) == n

    def fit(i: int) -> bool:
        m = span[i]
        return fits(t, m, doc.paragraphs[m.paragraph].text[: m.sentence_span[1]])

    def pick(group: list[int]) -> ex.Mention:
        if line is not None and len(group) > 1:
            group = [i for i in group if span[i].line == line] or group
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
        on_line = [i for i in range(n) if span[i].line == line]
        if len(on_line) == 1:
            return span[on_line[0]]
    return span[0] if n == 1 else None


def _check_quote(sheet: Any, f: Any, doc: dm.Document, corpus: Corpus,
                 cnts: list[ex.Mention], t: FigureTerms, path: str,
                 notes: list[Note]) -> tuple[dict, ex.Mention | None]:
    line = _text_line(f)
    sheet_loc = _sheet_loc(f)
    expression = f"{f.name} matches the text"
    hits = find_quote(corpus, f.quote)
    near = closest(corpus, f.quote) if not hits else None
    if near is not None and near[1] >= NEARLY_THE_SAME:
        hits = [(*approximate(corpus, f.quote, near[0]), "approximate")]
    if not hits:
        locs = [sheet_loc]
        where = ""
        if near is not None:
            start, _ = approximate(corpus, f.quote, near[0])
            pi, off = next((corpus.src[i] for i in range(start, len(corpus.src))
                            if corpus.src[i][0] >= 0), (0, 0))
            ln, col = doc.paragraphs[pi].position(off)
            locs.append({"file": path, "line": ln, "column": col, "figure": "text"})
            snippet = corpus.text[start:start + 70].strip()
            where = f"; the closest passage is at line {ln}: \"{snippet}...\""
        message = f"the quote of {f.name} is not in {path}{where}"
        return _row(sheet, QUOTE_RULE, "fail", expression, message,
                    {f.name: _figure_value(f)}, locs), None
    options = []
    for a, b, how in hits:
        span = [m for m in cnts if _in_span(corpus, a, b, m)]
        options.append((a, b, how, span))
    if line is not None and len(options) > 1:
        options.sort(key=lambda o: not any(m.line == line for m in o[3]))
    a, b, how, span = options[0]
    chosen = _choose(f, t, _quote_counts(f.quote), span, doc, line)
    if chosen is None:
        message = (f"the quote of {f.name} is in {path} but holds no count that could be "
                   f"{f.display()}")
        pi, off = next((corpus.src[i] for i in range(a, b) if corpus.src[i][0] >= 0), (0, 0))
        ln, col = doc.paragraphs[pi].position(off)
        return _row(sheet, QUOTE_RULE, "fail", expression, message, {f.name: _figure_value(f)},
                    [sheet_loc, {"file": path, "line": ln, "column": col, "figure": "text"}]), None
    values = {f.name: _figure_value(f), "text": _mention_value(chosen)}
    locs = [sheet_loc, _text_loc(path, chosen)]
    if line is not None and chosen.line != line:
        notes.append(Note(f.location, f"{f.name}: text_line is {line} but the number is on "
                                      f"line {chosen.line} of {path}"))
    same_v, same_q = _same_value(f, chosen), _same_qualifier(f, chosen)
    if same_v and same_q and how == "approximate":
        pi, off = next((corpus.src[i] for i in range(a, b) if corpus.src[i][0] >= 0), (0, 0))
        ln, _ = doc.paragraphs[pi].position(off)
        snippet = " ".join(corpus.text[a:b].split()[:14])
        message = (f"the quote of {f.name} differs from the text at line {ln}: "
                   f"\"{snippet}...\" (the number agrees)")
        return _row(sheet, QUOTE_RULE, "fail", expression, message, values, locs), chosen
    if same_v and same_q:
        return _row(sheet, QUOTE_RULE, "pass", expression, None, values, locs,
                    lhs=_figure_value(f), rhs=_mention_value(chosen)), chosen
    problems = []
    if not same_v:
        problems.append("value")
    if not same_q:
        problems.append("qualifier")
    said = chosen.text.strip()
    message = (f"the text says \"{said}\" where the sheet has {f.display()}"
               f"{' (exact)' if f.lo == f.hi and not same_q else ''}: "
               f"{' and '.join(problems)} differ{'s' if len(problems) == 1 else ''}")
    diff = None
    if not same_v and f.value is not None and chosen.value is not None:
        diff = _num(float(f.value) - float(chosen.value))
    return _row(sheet, QUOTE_RULE, "fail", expression, message, values, locs,
                lhs=_figure_value(f), rhs=_mention_value(chosen), difference=diff), chosen


def _count_row(sheet: Any, m: ex.Mention, fitting: list[Any], path: str, status: str) -> dict:
    what = ", ".join(m.context[:3]) if m.context else "a count"
    expression = f"\"{m.text.strip()}\" ({what}) at {path}:{m.line} agrees with the sheet"
    values: dict[str, Any] = {"text": _mention_value(m)}
    locs = [_text_loc(path, m)]
    for f in fitting:
        values[f.name] = _figure_value(f)
        locs.append(_sheet_loc(f))
    message = None
    if status == "fail":
        recorded = "; ".join(f"{f.name} = {f.display()}" for f in fitting)
        message = (f"the text says \"{m.text.strip()}\" ({what}) but the sheet records {recorded}")
    return _row(sheet, COUNT_RULE, status, expression, message, values, locs)
