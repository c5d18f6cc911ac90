"""Build the editor JSON Schemas (draft 2020-12) from the loaders' own constants.

The shipped files (sheet, rules, tables .schema.json beside this module) are what
`missingstats schema NAME` prints and what editors read through
`# yaml-language-server: $schema=...`. They are generated here, from the same key lists,
qualifiers and rule kinds the loaders accept, so the schemas cannot silently drift from
the code: tests/test_schemas.py compares the files with `build()`. After changing a loader:

    python -m missingstats.schemas.build

The schemas help while typing (completion, hover text, obvious mistakes); the loaders stay
the authority and catch what a schema cannot (YAML 1.1 surprises, unknown figure names).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DRAFT = "https://json-schema.org/draft/2020-12/schema"
NAMES = ("sheet", "rules", "tables")

NAME_RE = r"^(?!(and|or|not|if|then)$)[A-Za-z_][A-Za-z0-9_]*$"
DOTTED_RE = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
DATE_RE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
COUNT_TEXT_RE = r"^\s*([0-9]+|[1-9][0-9]{0,2}([,\u0020\u00a0\u202f\u2009][0-9]{3})+)\s*$"
RANGE_RE = r"^\$?[A-Za-z]{1,3}\$?[1-9][0-9]*:\$?[A-Za-z]{1,3}\$?[1-9][0-9]*$"
SCALAR = {"type": ["string", "number", "integer", "boolean"]}
TEXT = {"type": ["string", "number", "integer"]}


def _text(description: str) -> dict:
    return {**TEXT, "description": description}


def _case_free(words: list[str]) -> str:
    """A pattern matching the qualifiers as bounds.normalise does: any case, spaces or _."""
    alts = []
    for word in sorted(words, key=len, reverse=True):
        out = ""
        for ch in word:
            if ch.isalpha():
                out += f"[{ch.lower()}{ch.upper()}]"
            elif ch == " ":
                out += "[ _]+"
            else:
                out += re.escape(ch)
        alts.append(out)
    return r"^\s*(" + "|".join(alts) + r")\s*$"


# --- rules ----------------------------------------------------------------------------------


def _names_list(description: str) -> dict:
    return {"type": "array", "items": {"type": "string", "pattern": DOTTED_RE}, "minItems": 1,
            "description": description}


def _kind_schemas() -> dict[str, dict]:
    """Known rule kinds; a kind another module registers later is accepted as anything."""
    name = {"type": "string", "pattern": DOTTED_RE}
    names = {"anyOf": [name, {"type": "array", "items": name, "minItems": 1}]}
    amount = {"type": "number", "minimum": 0}
    tables_ref = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"},
                                                 "minItems": 1}]}
    pairs = {"enum": ["consecutive", "all"], "default": "consecutive",
             "description": "Compare consecutive editions, or every pair."}
    return {
        "check": {
            "type": "string",
            "description": "The relation that must hold, e.g. `detained.total <= missing.total`. "
                           "Names are dotted figure paths; + - * /, comparisons, and/or/not, "
                           "`if A then B`, sum/abs/min/max/round. `{g}` placeholders take their "
                           "values from `for:`.",
        },
        "cumulative": {
            "description": "Figures that never decrease from one edition to the next.",
            "anyOf": [name, {"type": "array", "items": name, "minItems": 1},
                      {"type": "object", "required": ["figures"], "additionalProperties": False,
                       "properties": {"figures": names, "pairs": pairs}}],
        },
        "stock": {
            "type": "object",
            "description": "A stock and its flows across editions: "
                           "now = before + inflows - outflows.",
            "properties": {"name": name, "inflows": names, "outflows": names,
                           "flows": {"enum": ["period", "cumulative"], "default": "period"},
                           "pairs": pairs},
            "required": ["name"],
            "anyOf": [{"required": ["inflows"]}, {"required": ["outflows"]}],
            "additionalProperties": False,
        },
        "max_change": {
            "type": "object",
            "description": "Flag changes between editions above absolute and/or relative limits "
                           "(a warning by default).",
            "properties": {"figures": names, "absolute": amount, "relative": amount, "pairs": pairs},
            "required": ["figures"],
            "anyOf": [{"required": ["absolute"]}, {"required": ["relative"]}],
            "additionalProperties": False,
        },
        "share": {
            "type": "object",
            "description": "A published percentage agrees with part / whole within its rounding.",
            "properties": {"percent": name, "part": names, "whole": name},
            "required": ["percent", "part", "whole"],
            "additionalProperties": False,
        },
        "hierarchy": {
            "description": "A dimension's hierarchy holds in every combination of the other "
                           "dimensions (table rule).",
            "anyOf": [{"type": "string"}, {
                "type": "object", "required": ["dimension"], "additionalProperties": False,
                "properties": {
                    "dimension": {"type": "string"},
                    "relation": {"enum": ["==", "sum <=", "<="], "default": "==",
                                 "description": "==: the parts add up to the total; sum <=: to "
                                                "at most the total; <=: each part is at most it."},
                    "table": tables_ref,
                }}],
        },
        "unique": {**tables_ref, "description": "No cell appears twice: a table, a list, or all."},
        "codes": {**tables_ref, "description": "Codes are in the declared code list: a "
                                               "dimension, a list, or all."},
        "complete": {
            "description": "Every combination of these dimensions is present (table rule).",
            "anyOf": [*tables_ref["anyOf"], {
                "type": "object", "required": ["dimensions"], "additionalProperties": False,
                "properties": {"dimensions": tables_ref, "table": tables_ref}}],
        },
        "group": {
            "type": "object", "required": ["check"], "additionalProperties": False,
            "description": "A check over sums of table cells, one instance per `by` group.",
            "properties": {
                "check": {"type": "string", "description": "e.g. sum(regions.value) == national.value"},
                "by": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                "where": {"type": "object", "description": "Which rows take part, per dimension."},
            },
        },
        "shares_sum": {
            "description": "Percentages of one whole add to 100 (or `total`) within rounding.",
            "anyOf": [
                {"type": "array", "items": name, "minItems": 2},
                {"type": "object", "required": ["figures"], "additionalProperties": False,
                 "properties": {"figures": {"type": "array", "items": name, "minItems": 2},
                                "total": {"type": "number"}}},
            ],
        },
    }


def rule_schema() -> dict:
    from missingstats.inputs import rules as rl

    _load_kinds()
    kinds = _kind_schemas()
    from missingstats.kinds.registry import BY_KEY

    present = ["check", *sorted(k for k in BY_KEY if k != "check")]
    tolerance = {
        "description": "Slack for equalities: a number (absolute) or {absolute, relative}.",
        "anyOf": [
            {"type": "number", "minimum": 0},
            {"type": "object", "additionalProperties": False,
             "properties": {"absolute": {"type": "number", "minimum": 0},
                            "relative": {"type": "number", "minimum": 0}}},
        ],
    }
    common = {
        "id": {**TEXT, "pattern": "^" + rl.RULE_ID.pattern.removesuffix(r"\Z") + "$",
               "description": "A stable id (letters, digits, - _ . :); reports and SARIF use it."},
        "severity": {"enum": list(rl.SEVERITIES), "default": "error",
                     "description": "error fails the run (exit 1); warning and info do not "
                                    "unless --strict."},
        "description": _text("The rule in words, shown with every failure."),
        "label": _text("A short name for the rule (used as description when none is given)."),
        "message": _text("A message shown with each failing instance."),
        "tolerance": tolerance,
        "for": {
            "type": "object",
            "description": "Template variables: each `{name}` in the check takes every listed "
                           "value (cartesian product over several variables).",
            "additionalProperties": {"type": "array", "items": TEXT, "minItems": 1},
        },
    }
    missing = set(rl.COMMON_KEYS) - set(common)
    if missing:
        raise SystemExit(f"schemas/build.py: describe the rule keys {sorted(missing)}")
    properties = dict(common)
    for kind in present:
        properties[kind] = kinds.get(kind, {"description": f"A `{kind}` rule (see docs/rule-kinds.md)."})
    return {
        "type": "object",
        "description": "A rule: an id, exactly one kind key (check, ...) and metadata.",
        "properties": properties,
        "required": ["id"],
        "additionalProperties": False,
        "oneOf": [{"required": [k]} for k in present],
    }


def _load_kinds() -> None:
    """Rule kinds come from the registry (missingstats.kinds.registry): nothing to import."""


def rules_defs() -> dict:
    return {
        "rule": rule_schema(),
        "ruleList": {"type": "array", "items": {"$ref": "#/$defs/rule"},
                     "description": "A list of rules."},
    }


def rules() -> dict:
    from missingstats.inputs import rules as rl

    top = {
        "rules": {"$ref": "#/$defs/ruleList"},
        "include": {"type": "array", "items": {"type": "string"},
                    "description": "Other rules files, relative to this one."},
        "figures": _names_list("The pack's vocabulary: names its rules may use. A sheet that "
                               "lacks one gets 'not evaluable' for the rules using it."),
        "description": _text("What this pack is for."),
    }
    assert set(top) == set(rl.TOP_KEYS), set(rl.TOP_KEYS) ^ set(top)
    return _document("rules", "missingstats rules file",
                     "Rules for `missingstats check --rules`, a sheet's `rules:` or a rules.yaml "
                     "beside a sheet.", {
                         "oneOf": [
                             {"type": "object", "properties": top, "additionalProperties": False,
                              "anyOf": [{"required": ["rules"]}, {"required": ["include"]}]},
                             {"$ref": "#/$defs/ruleList"},
                         ],
                         "$defs": rules_defs(),
                     })


# --- sheets ---------------------------------------------------------------------------------


def sheet() -> dict:
    from missingstats.inputs import sheet as sh
    from missingstats.language import bounds

    count = {"anyOf": [{"type": "integer", "minimum": 0},
                       {"type": "string", "pattern": COUNT_TEXT_RE}],
             "description": "A count: digits only (3889), or quoted with thousands separators "
                            "(\"3,889\", read deliberately and noted in the report)."}
    figure_props = {
        "value": {"anyOf": [{"$ref": "#/$defs/count"}, {"type": "number"}],
                  "description": "The figure as published (a count; a number for unit: percent)."},
        "qualifier": {
            "anyOf": [{"enum": list(bounds.QUALIFIERS)},
                      {"type": "string", "pattern": _case_free(list(bounds.QUALIFIERS))}],
            "description": "How the text bounds the figure: 'at least 800', 'about 300', "
                           "'hundreds' (a magnitude needs no value).",
        },
        "between": {"type": "array", "minItems": 2, "maxItems": 2,
                    "items": {"anyOf": [{"$ref": "#/$defs/count"}, {"type": "null"}]},
                    "description": "[low, high]; null for an open end."},
        "tolerance": {"type": "number", "minimum": 0, "exclusiveMaximum": 1,
                      "description": "Relative width of 'about' for this figure (default from "
                                     "settings.approximate)."},
        "quote": _text("The sentence the figure comes from."),
        "note": _text("An editor's note."),
        "weight": {"type": "number", "exclusiveMinimum": 0,
                   "description": "Reliability weight for `explain` (default 1)."},
        "unit": {"enum": sorted(sh.UNITS), "default": "count"},
        "revised": {"description": "A recorded revision, e.g. {from: 2001, why: ...}."},
        "text_line": {"type": "integer", "minimum": 1,
                      "description": "The figure's line in the sheet's `text:` file."},
    }
    assert set(figure_props) == set(sh.FIGURE_KEYS), set(sh.FIGURE_KEYS) ^ set(figure_props)
    markers = [{"required": [k]} for k in sorted(sh.FIGURE_MARKERS)]
    source = {
        "type": "object",
        "description": "Where the figures come from (any keys; dates are YYYY-MM-DD).",
        "properties": {
            "title": _text("The document's title."),
            "date": {"type": "string", "pattern": DATE_RE, "description": "Publication date."},
            "as_of": {"type": "string", "pattern": DATE_RE,
                      "description": "The date the figures refer to."},
            "url": {"type": "string"},
            "author": _text("Who published it."),
        },
        "additionalProperties": SCALAR,
    }
    settings = {
        "type": "object", "additionalProperties": False,
        "properties": {
            "implied": {"type": "boolean", "default": True,
                        "description": "Rules implied by nesting (a part is at most its total)."},
            "approximate": {"type": "number", "minimum": 0, "exclusiveMaximum": 1,
                            "default": bounds.DEFAULT_APPROXIMATE,
                            "description": "Relative width of 'about N' (0.1: 270..330 for 300)."},
        },
    }
    assert set(settings["properties"]) == set(sh.SETTINGS_KEYS)
    renamed = {"type": "object", "additionalProperties": {"type": "string"},
               "description": "new_name: old_name for figures renamed in this edition."}
    defs = {
        "count": count,
        "figure": {"type": "object", "properties": figure_props, "additionalProperties": False,
                   "anyOf": markers, "description": "A figure written as a mapping."},
        "group": {
            "type": "object",
            "description": "A group of figures; its `total` is the whole of the other children.",
            "minProperties": 1,
            "not": {"anyOf": markers},
            "properties": {
                "exhaustive": {
                    "description": "true: the parts add up to `total`; or the list of parts that do.",
                    "anyOf": [{"type": "boolean"}, {"type": "array", "items": {"type": "string"}}],
                },
            },
            "patternProperties": {NAME_RE.replace("(?!(", "(?!(exhaustive|"): {"$ref": "#/$defs/node"}},
            "additionalProperties": False,
        },
        "node": {"anyOf": [{"$ref": "#/$defs/count"}, {"$ref": "#/$defs/figure"},
                           {"$ref": "#/$defs/group"}]},
        "source": source,
        "settings": settings,
        "edition": {
            "type": "object", "additionalProperties": False,
            "properties": {"series": _text("The series this sheet is an edition of."),
                           "renamed": renamed},
        },
        "editionItem": {
            "type": "object", "additionalProperties": False, "required": ["figures"],
            "properties": {
                "as_of": {"type": "string", "pattern": DATE_RE},
                "source": {"$ref": "#/$defs/source"},
                "figures": {"$ref": "#/$defs/group"},
                "settings": {"$ref": "#/$defs/settings"},
                "renamed": renamed,
            },
        },
        **rules_defs(),
    }
    top = {
        "source": {"$ref": "#/$defs/source"},
        "figures": {"$ref": "#/$defs/group", "description": "The figures, nested by group."},
        "rules": {"description": "A rules file (relative to this sheet) or a list of rules.",
                  "anyOf": [{"type": "string"}, {"$ref": "#/$defs/ruleList"},
                            {"type": "object", "properties": {"rules": {"$ref": "#/$defs/ruleList"}}}]},
        "settings": {"$ref": "#/$defs/settings"},
        "text": {"type": "string", "description": "A text file with the document's prose."},
        "editions": {"type": "array", "items": {"$ref": "#/$defs/editionItem"},
                     "description": "Several editions of one series in one file."},
        "edition": {"$ref": "#/$defs/edition"},
    }
    assert set(top) == set(sh.TOP_KEYS), set(sh.TOP_KEYS) ^ set(top)
    return _document("sheet", "missingstats figure sheet",
                     "Reported figures with their sources, for `missingstats check`.", {
                         "type": "object", "properties": top, "additionalProperties": False,
                         "anyOf": [{"required": ["figures"]}, {"required": ["editions"]}],
                         "$defs": defs,
                     })


# --- tables ---------------------------------------------------------------------------------


def tables() -> dict:
    try:
        from missingstats.inputs.tables import spec as ts
    except ImportError:  # the tables package is optional while it is being built
        ts = None
    name = {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"}
    name_columns = {
        "description": "Names (also the column names) or {name: column}.",
        "anyOf": [{"type": "array", "items": name, "minItems": 1},
                  {"type": "object", "propertyNames": name,
                   "additionalProperties": {"type": "string"}, "minProperties": 1}],
    }
    code = {"type": ["string", "integer"]}
    table_props = {
        "path": {"type": "string", "description": "The table file, relative to this spec."},
        "format": {"enum": ["csv", "tsv", "parquet", "excel", "xlsx"],
                   "description": "Needed only when the suffix does not tell."},
        "dimensions": name_columns,
        "measure": {"description": "The count column: a name or {name: column}.",
                    "anyOf": [name, {"type": "object", "propertyNames": name,
                                     "additionalProperties": {"type": "string"},
                                     "minProperties": 1, "maxProperties": 1}]},
        "wide": {"description": "A wide table: one column per code of `dimension`, or a "
                                "cross-tab whose columns each name a code of several dimensions.",
                 "anyOf": [
                     {"type": "object", "required": ["dimension", "columns"],
                      "additionalProperties": False,
                      "properties": {"dimension": name,
                                     "columns": {"anyOf": [
                                         {"type": "array", "items": code, "minItems": 1},
                                         {"type": "object",
                                          "additionalProperties": {"type": "string"},
                                          "minProperties": 1}]}}},
                     {"type": "object", "required": ["dimensions", "columns"],
                      "additionalProperties": False,
                      "properties": {"dimensions": {"type": "array", "items": name, "minItems": 1},
                                     "columns": {"type": "array", "minItems": 1, "items": {
                                         "type": "object", "required": ["column"],
                                         "properties": {"column": {"type": "string"}},
                                         "additionalProperties": code}}}},
                 ]},
        "header": {"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                   "description": "Column names to use instead of the file's header row."},
        "filter": {"type": "object", "description": "Keep rows: dimension: [codes] or {level: N}.",
                   "additionalProperties": {"anyOf": [
                       code, {"type": "array", "items": code, "minItems": 1},
                       {"type": "object", "properties": {"level": {"type": "integer", "minimum": 0}},
                        "required": ["level"], "additionalProperties": False}]}},
        "sheet": {"type": "string", "description": "Excel: the worksheet."},
        "range": {"type": "string", "pattern": RANGE_RE,
                  "description": "Excel: the cells holding the table, header row first (A3:F200)."},
        "header_row": {"type": "integer", "minimum": 0,
                       "description": "The header's row (1-based); 0 when `header` is given."},
        "last_row": {"type": "integer", "minimum": 2,
                     "description": "The last data row (notes and footnotes below it are ignored)."},
        "constants": {"type": "object", "propertyNames": name, "additionalProperties": code,
                      "description": "Dimensions the file does not hold as a column: "
                                     "dimension: code, e.g. {year: 2020}."},
        "thousands": {"type": "string",
                      "description": "Thousands separator in counts: one character, or comma, "
                                     "space, apostrophe, dot, nbsp."},
        "fill_down": {"anyOf": [name, {"type": "array", "items": name, "minItems": 1}],
                      "description": "Dimension columns whose blank cells repeat the code above "
                                     "(merged cells in published tables)."},
        "delimiter": {"type": "string", "description": "CSV: one character, or tab."},
        "encoding": {"type": "string", "default": "utf-8"},
        "missing_values": {"type": "array", "items": {"type": "string"},
                           "description": "Cell texts meaning 'not available', such as ':'."},
        "description": _text("What the table holds."),
    }
    hierarchy = {
        "description": "{total: [parts], ...} inline, or a parent/child code list file.",
        "anyOf": [
            {"type": "object", "required": ["codelist"], "additionalProperties": False,
             "properties": {"codelist": {"type": "string"}, "code": {"type": "string"},
                            "parent": {"type": "string"}, "delimiter": {"type": "string"}}},
            {"type": "object", "not": {"required": ["codelist"]}, "minProperties": 1,
             "additionalProperties": {"type": "array", "items": code, "minItems": 1}},
        ],
    }
    policies = ["not-evaluable", "zero", "fail"]
    top_keys = ["tables", "hierarchies", "missing_cells", "implied", "rules", "description"]
    if ts is not None:
        assert set(table_props) == set(ts.TABLE_KEYS), set(ts.TABLE_KEYS) ^ set(table_props)
        assert set(top_keys) == set(ts.TOP_KEYS), set(ts.TOP_KEYS) ^ set(top_keys)
        policies = list(ts.POLICIES)
    top = {
        "tables": {"type": "object", "minProperties": 1, "propertyNames": name,
                   "additionalProperties": {"$ref": "#/$defs/table"},
                   "description": "The tables by name (rules refer to them by it)."},
        "hierarchies": {"type": "object", "additionalProperties": {"$ref": "#/$defs/hierarchy"},
                        "description": "Per dimension: its total and parts."},
        "missing_cells": {"enum": policies, "default": "not-evaluable",
                          "description": "A missing part is not evaluable, zero, or a failure."},
        "implied": {"type": "boolean", "default": True},
        "rules": {"description": "A rules file (relative to this spec) or a list of rules.",
                  "anyOf": [{"type": "string"}, {"$ref": "#/$defs/ruleList"}]},
        "description": _text("What these tables are."),
    }
    return _document("tables", "missingstats table spec",
                     "Tables (CSV, TSV, Parquet, Excel) with their dimensions, measure and "
                     "hierarchies, for `missingstats check`.", {
                         "type": "object", "properties": top, "required": ["tables"],
                         "additionalProperties": False,
                         "$defs": {"table": {"type": "object", "properties": table_props,
                                             "required": ["path", "dimensions"],
                                             "additionalProperties": False},
                                   "hierarchy": hierarchy, **rules_defs()},
                     })


def _document(name: str, title: str, description: str, body: dict[str, Any]) -> dict:
    return {"$schema": DRAFT, "title": title, "description": description, **body}


def build(name: str) -> dict:
    return {"sheet": sheet, "rules": rules, "tables": tables}[name]()


def text(name: str) -> str:
    return json.dumps(build(name), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for name in NAMES:
        (HERE / f"{name}.schema.json").write_text(text(name), encoding="utf-8")
        sys.stdout.write(f"wrote {HERE / f'{name}.schema.json'}\n")


if __name__ == "__main__":
    main()
