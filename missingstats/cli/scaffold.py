"""`missingstats init [DIR]`: a starter sheet, its rules and a pre-commit config.

The starter files are small, commented and consistent (the sheet passes `missingstats
check`), so a new user edits working examples instead of reading a format description.
Existing files are never overwritten: each is created with exclusive mode ("x"), and one
that exists is reported as skipped and left as it was.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from missingstats.core.errors import InputError, Location

SCHEMA_DIR = ".missingstats"

SHEET = """\
# yaml-language-server: $schema=.missingstats/sheet.schema.json
# A figure sheet: the figures of one publication, each where you can find it again.
# Check it:  missingstats check figures.yaml
#
# Nesting says what is part of what: every part is at most its group's `total` (rules
# implied by the structure), and rules.yaml beside this file adds the relations between
# groups. Replace the figures with yours; keep a quote per figure if you can.
source:
  title: Annual report on missing persons (replace with your publication)
  date: 2024-01-31          # publication date, YYYY-MM-DD
  as_of: 2023-12-31         # the date the figures refer to
figures:
  missing:
    total:
      value: 1200
      quote: At the end of 2023, 1,200 persons were registered as missing.
    servicemen: 500
    civilians:
      total: 700
      children: 90
      women: {value: 250, qualifier: about}   # "about 250": checked as 225 to 275
  detained:                 # taken prisoner or hostage: a subset of the missing
    total: 300
    servicemen: 220
    civilians: 80
    exhaustive: true        # every detained person is a serviceman or a civilian
"""

RULES = """\
# yaml-language-server: $schema=.missingstats/rules.schema.json
# Rules for the sheets in this folder (a sheet uses the rules.yaml beside it).
# A rule is an id and a check; `for:` repeats a check over a list of names.
# Severity: error (default) fails the check, warning and info are reported only.
rules:
  - id: missing-split
    description: The missing are servicemen or civilians, nobody is both.
    check: missing.total == missing.servicemen + missing.civilians.total

  - id: detained-within-missing
    description: The detained are counted among the missing.
    for:
      g: [total, servicemen]
    check: detained.{g} <= missing.{g}

  - id: detained-civilians-within-missing
    check: detained.civilians <= missing.civilians.total

  - id: civilian-groups
    severity: warning       # a girl is both a child and a woman: the groups may overlap
    description: Children and women together rarely outnumber all civilians.
    check: missing.civilians.children + missing.civilians.women <= missing.civilians.total
"""

PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): run `pre-commit install` once; from then on every
# commit checks the figure sheets and table specs it changes, and a failing error-severity
# rule blocks the commit. This hook uses the missingstats installed on your PATH; to let
# pre-commit install it instead, use the hook of the missingstats repository:
#
#   - repo: https://github.com/OWNER/missingstats   # where you install missingstats from
#     rev: v0.1.0
#     hooks:
#       - id: missingstats
repos:
  - repo: local
    hooks:
      - id: missingstats
        name: missingstats
        entry: missingstats check
        args: [--skip-unknown]       # other YAML (this file, workflows, rules) is skipped
        language: system
        types_or: [yaml]
        # files: ^data/               # narrow it to where your sheets live
"""


def starter_files() -> dict[str, str]:
    """Relative path -> text of everything `init` writes."""
    schemas = resources.files("missingstats") / "schemas"
    out = {"figures.yaml": SHEET, "rules.yaml": RULES, ".pre-commit-config.yaml": PRE_COMMIT}
    for name in ("sheet", "rules", "tables"):
        out[f"{SCHEMA_DIR}/{name}.schema.json"] = (schemas / f"{name}.schema.json").read_text(
            encoding="utf-8")
    return out


def scaffold(directory: str | Path) -> list[tuple[str, bool]]:
    """Write the starter files into `directory`; (relative path, created?) for each."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise InputError("exists and is not a folder", Location(str(directory)))
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder: {exc.strerror}", Location(str(directory))) from None
    done: list[tuple[str, bool]] = []
    for rel, text in starter_files().items():
        target = root / rel
        if target.exists() or target.is_symlink():
            done.append((rel, False))
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "x", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except FileExistsError:
            done.append((rel, False))
            continue
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror}", Location(str(target))) from None
        done.append((rel, True))
    return done
