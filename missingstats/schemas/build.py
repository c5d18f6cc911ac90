"""Build the editor JSON Schemas (draft 2020-12) from the loaders' key tables.

The shipped files (sheet, rules, tables .schema.json beside this module) are what
`missingstats schema NAME` prints and what editors read through
`# yaml-language-server: $schema=...`. Every mapping they describe is a key table
(missingstats.inputs.keys.Table) that its loader checks keys with: the sheet's in
inputs/sheet.py and inputs/editions.py, the rules file's in inputs/rules.py, the table spec's
in inputs/tables/spec.py, and each rule kind's beside its `parse` (kinds/*.py, `SCHEMAS`).
This module only assembles documents from them; tests/test_schemas.py compares the shipped
files with `build()`. After changing a table:

    python -m missingstats.schemas.build

The schemas help while typing (completion, hover text, obvious mistakes); the loaders stay
the authority and catch what a schema cannot (YAML 1.1 surprises, unknown figure names).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from missingstats.inputs import editions, rules, sheet
from missingstats.inputs.keys import Defs, resolve
from missingstats.inputs.tables import spec

HERE = Path(__file__).resolve().parent
DRAFT = "https://json-schema.org/draft/2020-12/schema"
NAMES = ("sheet", "rules", "tables")
RULE_DEFS = (rules.RULES_FILE, rules.RULE_LIST)  # inline `rules:` of sheets and table specs

# name -> (title, description, the file's forms, further defs its string `$ref`s name)
DOCUMENTS: dict[str, tuple[str, str, tuple, tuple]] = {
    "sheet": ("missingstats figure sheet",
              "Reported figures with their sources, for `missingstats check`: a figure sheet, "
              "or an editions file (several editions of one series).",
              (sheet.SHEET, editions.EDITIONS_FILE), (editions.EDITION, *RULE_DEFS)),
    "rules": ("missingstats rules file",
              "Rules for `missingstats check --rules`, a sheet's `rules:` or a rules.yaml beside "
              "a sheet: a rules file, or a bare list of rules.",
              (rules.RULES_FILE, rules.RULE_LIST), ()),
    "tables": ("missingstats table spec",
               "Tables (CSV, TSV, Parquet, Excel) with their dimensions, measure and "
               "hierarchies, for `missingstats check`.",
               (spec.SPEC,), RULE_DEFS),
}


def build(name: str) -> dict[str, Any]:
    """One document: its forms as `$ref`s (anyOf when a file may take several), and `$defs`
    holding every table they reach."""
    title, description, forms, extra = DOCUMENTS[name]
    defs = Defs()
    refs = [resolve(form, defs) for form in forms]
    for table in extra:
        resolve(table, defs)
    root = refs[0] if len(refs) == 1 else {"anyOf": refs}
    return {"$schema": DRAFT, "title": title, "description": description, **root,
            "$defs": dict(defs)}


def text(name: str) -> str:
    return json.dumps(build(name), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for name in NAMES:
        (HERE / f"{name}.schema.json").write_text(text(name), encoding="utf-8")
        sys.stdout.write(f"wrote {HERE / f'{name}.schema.json'}\n")


if __name__ == "__main__":
    main()
