"""Figure sheets: YAML files of reported figures, loaded strictly into cells with positions.

A sheet's `figures:` is a tree. A leaf is a figure, written `name: 3889` or as a mapping
with `value:` (plus qualifier, quote, ...). A mapping without `value`/`between`/`qualifier`
is a group of figures; its `total` child is the whole the other children are parts of, which
is what the implied rules build on (see implied.py).
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from missingstats.core.errors import InputError, Location
from missingstats.core.results import Note
from missingstats.inputs import keys as kt
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.documents import codes
from missingstats.inputs.keys import Key, Table
from missingstats.language import bounds

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
FIGURE_MARKERS = {"value", "qualifier", "between"}
GROUP_KEYS = {"exhaustive"}
UNITS = {"count", "percent"}
DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z")
RESERVED_NAMES = {"and", "or", "not", "if", "then"}

# --- the keys of a sheet's mappings (checked here, and the sheet's JSON Schema) -------------

TEXT_LINE_RE = r"^\s*[1-9][0-9]{0,8}(:[1-9][0-9]{0,8})?\s*$"  # line, or page:line
COUNT_TEXT_RE = r"^\s*([0-9]+|[1-9][0-9]{0,2}([,\u0020\u00a0\u202f\u2009][0-9]{3})+)\s*$"
COUNT = kt.Shared("count", {
    "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": COUNT_TEXT_RE}],
    "description": "A count: digits only (3889), or quoted with thousands separators "
                   "(\"3,889\", read deliberately and noted in the report).",
})
FRACTION = {"type": "number", "minimum": 0, "exclusiveMaximum": 1}
REVISED = Table("revised", "'revised'", "A recorded revision: comparisons across it are explained.", (
    Key("from", kt.DATE, "The first edition the revision applies to (YYYY, YYYY-MM or YYYY-MM-DD)."),
    Key("why", kt.TEXT, "What was revised and why.", required=True,
        missing="{where} needs 'why': say what was revised and why"),
))
FIGURE = Table("figure", "a figure", "A figure written as a mapping.", (
    Key("value", {"anyOf": [COUNT, {"type": "number"}]},
        "The figure as published (a count; a number for unit: percent)."),
    Key("qualifier", {"anyOf": [{"enum": list(bounds.QUALIFIERS)},
                                {"type": "string", "pattern": kt.case_free(bounds.QUALIFIERS)}]},
        "How the text bounds the figure: 'at least 800', 'about 300', 'hundreds' (a magnitude "
        "needs no value)."),
    Key("between", {"type": "array", "minItems": 2, "maxItems": 2,
                    "items": {"anyOf": [COUNT, {"type": "null"}]}},
        "[low, high]; null for an open end."),
    Key("tolerance", FRACTION,
        "Relative width of 'about' for this figure (default from settings.approximate)."),
    Key("quote", kt.TEXT, "The sentence the figure comes from."),
    Key("note", kt.TEXT, "An editor's note."),
    Key("weight", {"type": "number", "exclusiveMinimum": 0},
        "Reliability weight for `explain` (default 1)."),
    Key("unit", {"enum": sorted(UNITS), "default": "count"}, "count (the default) or percent."),
    Key("revised", REVISED, "A recorded revision, e.g. {from: 2001, why: ...}."),
    Key("text_line", {"anyOf": [{"type": "integer", "minimum": 1},
                                {"type": "string", "pattern": TEXT_LINE_RE}]},
        "The figure's line in the sheet's `text:` file; \"page:line\" in a PDF (\"3:14\")."),
    Key("rounded", {"enum": list(bounds.ROUNDED)},
        "implied: a count written with trailing zeros (23000) stands for the values its digits "
        "state (22,500 to 23,500); exact: it is exact (default: settings.rounded)."),
), also={"anyOf": [{"required": [k]} for k in sorted(FIGURE_MARKERS)]})
FIGURE_KEYS = set(FIGURE.names)
GROUP = Table(
    "group", "a group of figures",
    "A group of figures; its `total` is the whole of the other children.",
    (Key("exhaustive", {"anyOf": [kt.BOOLEAN, {"type": "array", "items": kt.STRING}]},
         "true: the parts add up to `total`; or the list of parts that do."),),
    other={"anyOf": [COUNT, FIGURE, {"$ref": "#/$defs/group"}]},
    other_names="^(?!(" + "|".join(sorted(GROUP_KEYS | RESERVED_NAMES)) + ")$)[A-Za-z_][A-Za-z0-9_]*$",
    also={"minProperties": 1, "not": {"anyOf": [{"required": [k]} for k in sorted(FIGURE_MARKERS)]}},
)
SOURCE = Table("source", "'source'", "Where the figures come from (any keys; dates are YYYY-MM-DD).", (
    Key("title", kt.TEXT, "The document's title."),
    Key("date", kt.DATE, "Publication date."),
    Key("as_of", kt.DATE, "The date the figures refer to."),
    Key("url", kt.STRING, "Where the document is published."),
    Key("author", kt.TEXT, "Who published it."),
), other=kt.SCALAR)
SETTINGS = Table("settings", "'settings'", "How the figures are read.", (
    Key("implied", {**kt.BOOLEAN, "default": True},
        "Rules implied by nesting (a part is at most its total)."),
    Key("approximate", {**FRACTION, "default": bounds.DEFAULT_APPROXIMATE},
        "Relative width of 'about N' (0.1: 270..330 for 300)."),
    Key("language", {"type": "string", "pattern": codes.PATTERN},
        "The language of the text the figures come from: en, es, fr or ru, optionally with a "
        "region (es-MX); default: the document's own, else en."),
    Key("rounded", {"enum": list(bounds.ROUNDED), "default": "exact"},
        "implied: counts written with trailing zeros carry the precision their digits state "
        "(23000 is 22,500 to 23,500; 'about 1500' at least 1,450 to 1,550)."),
))
SHEET = Table("sheet", "a figure sheet", "Reported figures with their sources, for `missingstats check`.", (
    Key("source", SOURCE),
    Key("figures", GROUP, "The figures, nested by group.", required=True,
        missing="a figure sheet needs a 'figures:' mapping (is this a rules or table file?)"),
    Key("rules", kt.RULES),
    Key("settings", SETTINGS),
    Key("text", kt.STRING, "A text file with the document's prose."),
    Key("editions", {"type": "array", "items": {"$ref": "#/$defs/editionItem"}},
        "Several editions of one series in one file (an editions file, without 'figures')."),
    Key("edition", {"$ref": "#/$defs/edition"}, "This sheet is one edition of a series."),
    Key("sources", kt.SOURCES),
), unknown="unknown top-level key")

@dataclass
class Figure:
    """One reported figure: an interval (exact when lo == hi) with where it was written."""

    name: str
    lo: float
    hi: float
    location: Location
    value: float | None = None
    qualifier: str | None = None
    quote: str | None = None
    unit: str = "count"
    weight: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)
    plain: tuple[float, float] | None = None  # the interval as written, when rounding widened it

    @property
    def rounded(self) -> bool:
        """Does the precision implied by its round digits widen this figure?"""
        return self.plain is not None

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    def display(self) -> str:
        return bounds.describe(self.lo, self.hi, self.qualifier, self.value)


@dataclass
class Group:
    """A node of the figure tree: its path, its children's names, and breakdown markers."""

    path: str
    children: list[str]
    location: Location
    exhaustive: list[str] | None = None


@dataclass
class Sheet:
    path: str
    source: dict[str, str]
    figures: dict[str, Figure]
    groups: list[Group]
    rules: sy.Node | None
    settings: dict[str, Any]
    notes: list[Note]
    text: str | None = None
    root: sy.Mapping | None = None
    ruleset: Any = None  # the RuleSet `check` found for this sheet, for later passes
    sources: dict[str, Sheet] = field(default_factory=dict)  # `sources:` once loaded (sources.py)

    def all_figures(self) -> dict[str, Figure]:
        """Its own figures, then each source's as `alias.name` (located in the source)."""
        if not self.sources:
            return self.figures
        return {**self.figures, **source_figures(self.sources)}

    def cells(self, sources: bool = False):
        """The sheet as the long frame of cells every engine reads; with `sources`, its
        sources' figures too (`alias.name`, for its check rules; a diff or --against compares
        the sheet's own figures only)."""
        import pandas as pd

        figures = self.all_figures() if sources else self.figures
        rows = [cell_row(f.location.file or self.path, f) for f in figures.values()]
        return pd.DataFrame(rows, columns=CELL_COLUMNS)


def source_figures(sources: dict[str, Sheet]) -> dict[str, Figure]:
    """The figures of a file's sources (docs/sources.md) as `alias.name`."""
    out: dict[str, Figure] = {}
    for alias, src in sources.items():
        for f in src.figures.values():
            name = f"{alias}.{f.name}"
            out[name] = replace(f, name=name, extra={**f.extra, "source": alias})
    return out


CELL_COLUMNS = ["file", "name", "lo", "hi", "value", "qualifier", "unit", "line", "column", "quote",
                "plain_lo", "plain_hi"]


def cell_row(file: str, f: Figure) -> dict[str, Any]:
    """One figure as a row of the cells frame (`plain_*`: its interval as written)."""
    plain = f.plain or (f.lo, f.hi)
    return {
        "file": file, "name": f.name, "lo": f.lo, "hi": f.hi, "value": f.value,
        "qualifier": f.qualifier, "unit": f.unit, "line": f.location.line,
        "column": f.location.column, "quote": f.quote, "plain_lo": plain[0], "plain_hi": plain[1],
    }


def load_sheet(path: str | Path, text: str | None = None) -> Sheet:
    """A figure sheet from a file, or from `text` given under that name (e.g. `git show`)."""
    name = str(path)
    top = SHEET.mapping(sy.load(path, text), "a figure sheet")
    return sheet_from_mapping(top, name)


def sheet_from_mapping(top: sy.Mapping, name: str, settings: dict[str, Any] | None = None) -> Sheet:
    """A Sheet from an already parsed mapping with `figures:` (a sheet's root or one edition
    of an editions file); `settings` are the file's, used when the mapping has none."""
    if "figures" not in top:
        raise InputError("an edition needs a 'figures:' mapping", top.location)
    notes: list[Note] = []
    own = parse_settings(top.get("settings")) if "settings" in top else None
    chosen = own or settings or parse_settings(None)
    source = parse_source(top.get("source"))
    figures: dict[str, Figure] = {}
    groups: list[Group] = []
    tree = sy.expect_mapping(top["figures"], "'figures'")
    walk_figures(tree, "", figures, groups, notes, chosen)
    if not figures:
        raise InputError("'figures' holds no figures", tree.location)
    text = expect_path(top["text"], "'text'") if "text" in top else None
    return Sheet(name, source, figures, groups, top.get("rules"), chosen, notes, text, top)


def parse_settings(node: sy.Node | None) -> dict[str, Any]:
    out: dict[str, Any] = {"implied": True, "approximate": bounds.DEFAULT_APPROXIMATE,
                           "rounded": "exact"}
    if node is None:
        return out
    m = SETTINGS.mapping(node)
    for key, value in m.items():
        if key == "implied":
            out["implied"] = sy.expect_bool(value, "settings.implied")
        elif key == "language":
            text = sy.expect_string(value, "settings.language")
            out["language"] = codes.check_code(str(text), text.location)
        elif key == "rounded":
            out["rounded"] = sy.expect_choice(value, bounds.ROUNDED, "settings.rounded")
        else:
            out["approximate"] = _fraction(value, "settings.approximate")
    return out


def _fraction(node: sy.Node, what: str) -> float:
    x = sy.parse_number(node, what)
    if not 0 <= x < 1:
        raise InputError(f"{what} must be a fraction between 0 and 1, such as 0.1", node.location)
    return x


def parse_source(node: sy.Node | None) -> dict[str, str]:
    if node is None:
        return {}
    m = SOURCE.mapping(node)
    out: dict[str, str] = {}
    for key, value in m.items():
        text = str(sy.expect_string(value, f"source.{key}"))
        if key in ("date", "as_of"):
            check_date(text, value, f"source.{key}")
        out[str(key)] = text
    return out


def check_date(text: str, node: sy.Node, what: str) -> None:
    """YYYY, YYYY-MM or YYYY-MM-DD, and a day of the calendar (no 2020-13-45 or 2021-02-29)."""
    if not DATE.match(text):
        raise InputError(
            f"{what} must be a date written YYYY-MM-DD (or YYYY-MM, YYYY), found {text!r}",
            node.location,
        )
    parts = [int(p) for p in text.split("-")]
    try:
        datetime.date(parts[0], *(parts[1:] + [1, 1])[:2])
    except ValueError as exc:
        raise InputError(f"{what} {text!r} is not a date of the calendar ({exc})",
                         node.location) from None


def expect_path(node: sy.Node, what: str) -> str:
    """A file name: text, not a number or a YAML 1.1 word that a plain scalar would be."""
    text = sy.expect_string(node, what)
    if text.plain and (sy.NUMBER.match(text) or sy.FLOATISH.match(text) or text in sy.BOOL_WORDS):
        raise InputError(f"{what} must be a file name, found {str(text)!r} (a number or a "
                         "yes/no word; quote it if a file is really named so)", text.location)
    return str(text)


def _check_name(key: sy.Scalar, where: str) -> None:
    if not NAME.match(key) or key in RESERVED_NAMES:
        raise InputError(
            f"{str(key)!r} cannot name a figure: use letters, digits and underscores, "
            f"starting with a letter (e.g. older_persons)",
            key.location,
        )


def walk_figures(node: sy.Mapping, prefix: str, figures: dict[str, Figure], groups: list[Group],
          notes: list[Note], settings: dict[str, Any]) -> None:
    children: list[str] = []
    exhaustive_node: sy.Node | None = None
    for key, value in node.items():
        if key in GROUP_KEYS:
            exhaustive_node = value
            continue
        _check_name(key, prefix)
        path = f"{prefix}.{key}" if prefix else str(key)
        children.append(str(key))
        if isinstance(value, sy.Mapping) and not (set(value) & FIGURE_MARKERS):
            _check_group(path, key, value)
            walk_figures(value, path, figures, groups, notes, settings)
        else:
            figures[path] = _figure(path, key, value, notes, settings)
    exhaustive = None
    if exhaustive_node is not None:
        exhaustive = _exhaustive(exhaustive_node, children, prefix)
    groups.append(Group(prefix, children, node.location, exhaustive))


def _check_group(path: str, key: sy.Scalar, value: sy.Mapping) -> None:
    """A mapping without value/qualifier/between is a group of figures; refuse the ones that
    are a figure with a mistyped key (`total: {vaule: 100}`), which would otherwise turn every
    rule on the figure into 'not evaluable'."""
    if not value:
        raise InputError(f"{path!r} is an empty group; give figures or remove it", value.location)
    for k, v in value.items():
        if isinstance(v, sy.Mapping) or k in FIGURE_KEYS or k in GROUP_KEYS:
            continue
        close = difflib.get_close_matches(str(k), sorted(FIGURE_KEYS), n=1, cutoff=0.75)
        if close:
            raise InputError(
                f"{path}: {str(k)!r} is not a figure key; did you mean {close[0]!r}? (a mapping "
                "without 'value:' is read as a group of figures)", k.location,
            )
    stray = set(value) & (FIGURE_KEYS - FIGURE_MARKERS)
    if stray and all(not isinstance(v, sy.Mapping) for v in value.values()):
        k = next(k for k in value if k in stray)
        raise InputError(
            f"{path!r} has {str(k)!r} but no 'value:'; a figure written as a mapping "
            "needs value (or qualifier / between)",
            value.location,
        )
    if key == "total":
        raise InputError(
            f"{path!r} is written as a group of figures ({', '.join(map(str, list(value)[:3]))}), "
            "but 'total' is the whole its siblings are parts of: give it a value, or rename the "
            "group", key.location,
        )


def _exhaustive(node: sy.Node, children: list[str], prefix: str) -> list[str]:
    parts = [c for c in children if c != "total"]
    if isinstance(node, sy.Sequence):
        names = [str(sy.expect_string(n, "an exhaustive part")) for n in node]
        for n, item in zip(names, node):
            if n not in parts:
                raise InputError(
                    f"exhaustive part {n!r} is not a figure of {prefix or 'figures'}; "
                    f"its parts are {', '.join(parts)}",
                    item.location,
                )
        chosen = names
    elif sy.expect_bool(node, "'exhaustive'"):
        chosen = parts
    else:
        return []
    if "total" not in children:
        raise InputError("'exhaustive' needs a 'total' beside the parts", node.location)
    return chosen


def _figure(path: str, key: sy.Scalar, value: sy.Node, notes: list[Note],
            settings: dict[str, Any]) -> Figure:
    what = path
    if isinstance(value, sy.Sequence):
        raise InputError(
            f"{what} must be a count or a mapping with 'value:', found a list", value.location
        )
    if isinstance(value, sy.Scalar):
        v = sy.parse_count(value, what, notes)
        fig = Figure(path, float(v), float(v), value.location, value=float(v))
        return _round(fig, settings["rounded"], str(value))
    m = FIGURE.check(value, f"figure {what}")
    unit = "count"
    if "unit" in m:
        unit = str(sy.expect_string(m["unit"], f"{what}.unit"))
        if unit not in UNITS:
            raise InputError(f"{what}.unit must be one of {', '.join(sorted(UNITS))}", m["unit"].location)
    number: float | None = None
    location = m.location
    if "value" in m:
        location = m["value"].location
        if unit == "percent":
            number = sy.parse_number(m["value"], f"{what}.value")
        else:
            number = float(sy.parse_count(m["value"], f"{what}.value", notes))
    qualifier = None
    approximate = settings["approximate"]
    if "tolerance" in m:
        approximate = _fraction(m["tolerance"], f"{what}.tolerance")
    if "qualifier" in m:
        qnode = sy.expect_string(m["qualifier"], f"{what}.qualifier")
        qualifier = bounds.normalise(str(qnode))
        if not bounds.is_known(qualifier):
            raise InputError(f"unknown qualifier {str(qnode)!r}{qualifier_hint(str(qnode))}",
                             qnode.location)
        if number is None and qualifier not in bounds.MAGNITUDES:
            raise InputError(f"{what}: qualifier {qualifier!r} needs a 'value:'", qnode.location)
        if "value" not in m:
            location = qnode.location
    if "between" in m:
        if "value" in m or "qualifier" in m:
            raise InputError(
                f"{what}: give either 'between' or value/qualifier, not both", m["between"].location
            )
        lo, hi = _between(m["between"], what, notes)
        location = m["between"].location
    else:
        lo, hi = bounds.interval(number, qualifier, approximate)
    if number is not None and lo != hi and unit == "percent" and qualifier in bounds.APPROX:
        lo, hi = number * (1 - approximate), number * (1 + approximate)
    weight = 1.0
    if "weight" in m:
        weight = sy.parse_number(m["weight"], f"{what}.weight")
        if weight <= 0:
            raise InputError(f"{what}.weight must be positive", m["weight"].location)
    quote = str(sy.expect_string(m["quote"], f"{what}.quote")) if "quote" in m else None
    if "text_line" in m:
        _text_line(m["text_line"], what)
    extra = {str(k): m[k] for k in m if k in ("revised", "note", "text_line")}
    fig = Figure(path, lo, hi, location, number, qualifier, quote, unit, weight, extra)
    rounded = settings["rounded"]
    if "rounded" in m:
        rounded = sy.expect_choice(m["rounded"], bounds.ROUNDED, f"{what}.rounded")
    if "between" in m or unit != "count":
        return fig
    return _round(fig, rounded, str(m["value"]) if "value" in m else None)


def _round(fig: Figure, rounded: str, written: str | None) -> Figure:
    """Widen an exact or approximate count by the precision its digits state (`rounded:
    implied`); bounds ("at least 800") and magnitudes stay as they are."""
    if rounded != "implied" or fig.value is None:
        return fig
    if bounds.family(fig.qualifier) not in ("exact", "approx", "below_approx"):
        return fig
    lo, hi = bounds.rounded(fig.value, fig.lo, fig.hi, written)
    if (lo, hi) != (fig.lo, fig.hi):
        fig.plain = (fig.lo, fig.hi)
        fig.lo, fig.hi = lo, hi
    return fig


QUALIFIER_EXAMPLES = ("at least", "more than", "at most", "fewer than", "about", "nearly",
                      "exactly", "tens of thousands")


def qualifier_hint(written: str) -> str:
    """What a mistyped qualifier probably is: "; did you mean 'at least'?" (for 'atleast',
    'at-least', 'at leats'), else a few qualifiers and where the rest are listed, instead of
    all ~70 of them on one line."""
    from missingstats.core.errors import suggest

    wanted = bounds.normalise(written)
    squeezed = {re.sub(r"[\s.-]", "", q): q for q in bounds.QUALIFIERS}
    same = squeezed.get(re.sub(r"[\s.-]", "", wanted))
    if same is not None:
        return f"; did you mean {same!r}?"
    close = suggest(wanted, bounds.QUALIFIERS)
    if close:
        return close
    examples = ", ".join(repr(q) for q in QUALIFIER_EXAMPLES)
    return f"; a qualifier is one of {examples} ... (docs/sheets.md#bounded-figures lists them all)"


def _text_line(node: sy.Node, what: str) -> None:
    """text_line: a line number, 1 or more (128) or, in a PDF, page:line ("3:14")."""
    if not isinstance(node, sy.Scalar) or not re.match(TEXT_LINE_RE, str(node)):
        raise InputError(f"{what}.text_line must be a line number, 1 or more (128) or, for a "
                         f"PDF, \"page:line\" (\"3:14\"); found {sy.describe(node)}", node.location)


def _between(node: sy.Node, what: str, notes: list[Note]) -> tuple[float, float]:
    seq = sy.expect_sequence(node, f"{what}.between")
    if len(seq) != 2:
        raise InputError(f"{what}.between must be [low, high]", node.location)
    ends: list[float] = []
    for item, open_end in zip(seq, (0.0, bounds.INF)):
        if isinstance(item, sy.Scalar) and item.plain and item in sy.NULL_WORDS:
            ends.append(open_end)
        else:
            ends.append(float(sy.parse_count(item, f"{what}.between", notes)))
    if ends[0] > ends[1]:
        raise InputError(f"{what}.between: low {ends[0]:g} is above high {ends[1]:g}", node.location)
    return ends[0], ends[1]
