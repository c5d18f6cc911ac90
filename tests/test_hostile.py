"""The hostile-input corpus: small inputs, each with its expected outcome, run through the CLI.

Every case is a handful of files written to a fresh folder, a command line, and what must
come of it: exit 2 with one located message (`missingstats: FILE:LINE[:COL]: ...`, checked
against a pattern, and never an internal error or a traceback), or a verdict (exit code and
the status of a named rule in the JSON report). Cases run in-process through the typer app
(the same code path as the console script, minus main()'s stream handling) under a per-case
alarm; special files (FIFOs, devices, pipes, a full stdout) need a real process and run
through `python -m missingstats`.

The tables are grouped by class of fault (issue 11); the generated ones cross a list of
hostile values with every field that takes them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app

TIMEOUT = 10  # seconds per case
runner = CliRunner()


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes]
    args: list[str]
    code: int = 2
    where: str | None = None  # the location the message must start with: "s.yaml:3:5"
    says: str | None = None  # a regex the message must contain
    verdict: tuple[str, str] | None = None  # (rule id, status) in the JSON report
    stdin: bytes | None = None
    process: bool = False  # needs a real process (special files, main()'s streams)
    env: dict[str, str] = field(default_factory=dict)
    setup: object = None  # a callable(folder) for what files cannot say (FIFOs, modes, links)


CASES: list[Case] = []


def case(*args, **kwargs) -> None:
    CASES.append(Case(*args, **kwargs))


SHEET = "figures:\n  total: 10\n  a: 4\n  b: 6\n"


def sheet_with(figures: str, extra: str = "") -> dict[str, str]:
    return {"s.yaml": extra + "figures:\n" + figures}


def with_rule(check: str, figures: str = "  total: 10\n  a: 4\n  b: 6\n", extra: str = "") -> dict:
    return {"s.yaml": f"figures:\n{figures}rules:\n  - id: r\n    check: {check}\n{extra}"}


# --- 1. special files and piped input -------------------------------------------------------


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "fifo.yaml")


def _fifo_text(folder: Path) -> None:
    os.mkfifo(folder / "text.txt")


def _symlink_loop(folder: Path) -> None:
    (folder / "loop.yaml").symlink_to(folder / "loop2.yaml")
    (folder / "loop2.yaml").symlink_to(folder / "loop.yaml")


def _unreadable(folder: Path) -> None:
    path = folder / "s.yaml"
    path.write_text(SHEET)
    path.chmod(0)


def _dangling(folder: Path) -> None:
    (folder / "s.yaml").symlink_to(folder / "nowhere.yaml")


FAST = {"MISSINGSTATS_READ_TIMEOUT": "0.5"}
case("dev-zero", {}, ["check", "/dev/zero"], where="/dev/zero:1:1", says="binary", process=True)
case("dev-urandom", {}, ["check", "/dev/urandom"], where="/dev/urandom", says="binary|UTF-8",
     process=True)
case("dev-null", {}, ["check", "/dev/null"], where="/dev/null:1:1", says="is empty", process=True)
case("text-dev-zero", {"s.yaml": SHEET}, ["check", "s.yaml", "--text", "/dev/zero"],
     where="/dev/zero:1:1", says="binary", process=True)
case("extract-dev-zero", {}, ["extract", "/dev/zero"], where="/dev/zero:1:1", says="binary",
     process=True)
case("extract-dev-urandom", {}, ["extract", "/dev/urandom"], where="/dev/urandom",
     says="binary|UTF-8", process=True)
case("rules-dev-zero", {"s.yaml": SHEET}, ["check", "s.yaml", "--rules", "/dev/zero"],
     where="/dev/zero:1:1", says="binary", process=True)
case("fifo-no-writer", {}, ["check", "fifo.yaml"], where="fifo.yaml", says="nothing to read",
     process=True, env=FAST, setup=_fifo)
case("fifo-text-no-writer", {"s.yaml": SHEET}, ["check", "s.yaml", "--text", "text.txt"],
     where="text.txt", says="nothing to read", process=True, env=FAST, setup=_fifo_text)
case("fifo-two-files", {"s.yaml": SHEET}, ["check", "s.yaml", "fifo.yaml"], where="fifo.yaml",
     says="nothing to read", process=True, env=FAST, setup=_fifo)
case("stdin-dash", {}, ["check", "-", "-f", "json"], code=0, verdict=("part-within-total", "pass"),
     stdin=SHEET.encode())
case("stdin-dash-process", {}, ["check", "-", "-f", "json"], code=0,
     verdict=("part-within-total", "pass"), stdin=SHEET.encode(), process=True)
case("stdin-dev-stdin", {}, ["check", "/dev/stdin", "-f", "json"], code=0,
     verdict=("part-within-total", "pass"), stdin=SHEET.encode(), process=True)
case("stdin-named", {}, ["check", "-"], stdin=b"figures:\n  total: x\n", where="<stdin>:2:10",
     says="not a count")
case("stdin-empty", {}, ["check", "-"], stdin=b"", where="<stdin>:1:1", says="is empty")
case("stdin-binary", {}, ["check", "-"], stdin=b"figures:\x00\n", where="<stdin>:1:9",
     says="binary")
case("stdin-fail", {}, ["check", "-", "-f", "json"], code=1, verdict=("part-within-total", "fail"),
     stdin=b"figures:\n  total: 10\n  a: 14\n")
case("extract-stdin", {}, ["extract", "-"], code=0, stdin=b"3,889 persons are missing.\n")
case("stdout-full", {"s.yaml": SHEET}, ["check", "s.yaml"], says="cannot write to standard "
     "output: No space left on device", process=True)
case("stdout-full-json", {"s.yaml": SHEET}, ["check", "s.yaml", "-f", "json", "-v"],
     says="cannot write to standard output", process=True)
case("symlink-loop", {}, ["check", "loop.yaml"], where="loop.yaml", says="cannot be read",
     setup=_symlink_loop)
case("dangling-symlink", {}, ["check", "s.yaml"], where="s.yaml", says="no such file",
     setup=_dangling)
case("directory-as-rules", {"s.yaml": SHEET, "d/x": ""}, ["check", "s.yaml", "--rules", "d"],
     where="d", says="directory")
case("directory-as-text", {"s.yaml": SHEET, "d/x": ""}, ["check", "s.yaml", "--text", "d"],
     where="d", says="directory")
case("no-such-text", {"s.yaml": SHEET}, ["check", "s.yaml", "--text", "nope.txt"],
     where="nope.txt", says="no such file")
def _oversized(folder: Path) -> None:
    with open(folder / "s.yaml", "w") as fh:
        fh.write("figures:\n  total: 1\n")
        fh.truncate(17 << 20)  # sparse: 17 MB of NUL bytes past the sheet, cheap to make


case("oversized-yaml", {}, ["check", "s.yaml"], where="s.yaml", says="too large",
     setup=_oversized)
case("nul-in-yaml", {"s.yaml": b"figures:\n  total: 1\x00\n"}, ["check", "s.yaml"],
     where="s.yaml:2:11", says="binary")
case("latin1-yaml", {"s.yaml": "figures:\n  total: 1\n# caf\xe9\n".encode("latin-1")},
     ["check", "s.yaml"], where="s.yaml:3:6", says="UTF-8")
case("truncated-utf8", {"s.yaml": "figures:\n  total: 1\n# \u20ac".encode()[:-1]},
     ["check", "s.yaml"], where="s.yaml:3:3", says="UTF-8")
case("utf16-yaml", {"s.yaml": SHEET.encode("utf-16")}, ["check", "s.yaml"], where="s.yaml:1",
     says="UTF-8|binary")
case("bom-yaml", {"s.yaml": b"\xef\xbb\xbf" + SHEET.encode()}, ["check", "s.yaml", "-f", "json"],
     code=0, verdict=("part-within-total", "pass"))
case("crlf-yaml", {"s.yaml": SHEET.replace("\n", "\r\n").encode()}, ["check", "s.yaml", "-f",
     "json"], code=0, verdict=("part-within-total", "pass"))
case("cr-only-yaml", {"s.yaml": SHEET.replace("\n", "\r").encode()}, ["check", "s.yaml", "-f",
     "json"], code=0, verdict=("part-within-total", "pass"))
case("binary-text", {"s.yaml": SHEET, "t.txt": b"\x89PNG\r\n\x1a\n\x00\x00"},
     ["check", "s.yaml", "--text", "t.txt"], where="t.txt:3:1", says="binary")
case("latin1-text", {"s.yaml": SHEET, "t.txt": "10 persons, caf\xe9".encode("latin-1")},
     ["check", "s.yaml", "--text", "t.txt"], where="t.txt:1:16", says="UTF-8")
if os.geteuid() != 0:  # root reads anything
    case("permission-denied", {}, ["check", "s.yaml"], where="s.yaml", says="permission denied",
         setup=_unreadable)


# --- 3a. counts: too large, negative, spelt other than in digits ------------------------------

TABLE_SPEC = """tables:
  t:
    path: t.csv
    dimensions: [sex]
    measure: n
hierarchies:
  sex: {total: [female, male]}
rules:
  - id: split
    check: total == female + male
"""


def table(csv: str | bytes, spec: str = TABLE_SPEC, name: str = "t.csv") -> dict:
    return {"t.yaml": spec.replace("t.csv", name), name: csv}


def csv_total(cell: str) -> dict:
    return table(f"sex,n\ntotal,{cell}\nfemale,2\nmale,2\n")


BAD_CSV_COUNTS = {
    "hex": ("0x4", "hexadecimal"), "hex-upper": ("0X10", "hexadecimal"),
    "binary": ("0b1", "binary"), "octal": ("0o7", "octal"), "exponent": ("1e3", "exponent"),
    "exponent-upper": ("4E0", "exponent"), "plus": ("+4", "plus sign"),
    "trailing-point": ("4.", "decimal point"), "fraction": ("4.5", "whole number"),
    "negative": ("-4", "negative"), "negative-zero-decimal": ("-4.0", "negative"),
    "inf": ("inf", "not a count"), "infinity": ("Infinity", "not a count"),
    "nan": ("nan", "not a count"), "NaN": ("NaN", "not a count"),
    "underscore": ("1_0", "not a count"), "fullwidth": ("\uff14", "not a count"),
    "arabic-indic": ("\u0664", "not a count"), "words": ("four", "not a count"),
    "two-pow-53": ("9007199254740992", "too large"),
    "two-pow-63-minus-1": ("9223372036854775807", "too large"),
    "two-pow-63": ("9223372036854775808", "too large"),
    "two-pow-64": ("18446744073709551616", "too large"),
    "5000-digits": ("9" * 5000, "too large"), "true": ("true", "not a count"),
    "percent": ("4%", "not a count"), "currency": ("$4", "not a count"),
    "grouped-undeclared": ('"1,234"', "thousands separators"),
}
for key, (cell, why) in BAD_CSV_COUNTS.items():
    case(f"csv-count-{key}", csv_total(cell), ["check", "t.yaml"], where="t.csv:2:2", says=why)
case("csv-count-largest", table("sex,n\ntotal,9007199254740991\nfemale,9007199254740990\n"
     "male,1\n"), ["check", "t.yaml", "-f", "json"], code=0, verdict=("split", "pass"))
case("csv-count-largest-off-by-one", table("sex,n\ntotal,9007199254740991\n"
     "female,9007199254740989\nmale,1\n"), ["check", "t.yaml", "-f", "json"], code=1,
     verdict=("split", "fail"))
case("csv-count-spaces", csv_total(" 4 "), ["check", "t.yaml", "-f", "json"], code=0,
     verdict=("split", "pass"))
case("csv-count-zero-decimals", csv_total("4.00"), ["check", "t.yaml", "-f", "json"], code=0,
     verdict=("split", "pass"))
case("csv-count-na", csv_total("NA"), ["check", "t.yaml", "-f", "json"], code=0,
     verdict=("split", "missing"))
case("csv-count-empty", csv_total(""), ["check", "t.yaml", "-f", "json"], code=0,
     verdict=("split", "missing"))
case("csv-count-negative-later", table("sex,n\ntotal,4\nfemale,2\nmale,-2\n"),
     ["check", "t.yaml"], where="t.csv:4:2", says="negative")
case("csv-count-hex-in-code-only", table("sex,n\ntotal,4\nfemale,2\nmale,2\n0x1,0\n"),
     ["check", "t.yaml", "-f", "json"], code=1, verdict=("known-codes", "fail"))
case("csv-unclosed-quote-count", table('sex,n\ntotal,"4\nfemale,2\nmale,2\n'),
     ["check", "t.yaml"], where="t.csv:2:2", says="not closed")
case("csv-unclosed-quote-code", table('sex,n\n"total\nfemale",4\nmale,2\n'),
     ["check", "t.yaml"], where="t.csv:2:1", says="not closed")
case("csv-unclosed-quote-other-column", table('sex,note,n\ntotal,"a,4\nfemale,x,2\nmale,x,2\n'),
     ["check", "t.yaml"], where="t.csv:2", says="not closed")
case("csv-ragged", table("sex,n\ntotal,4,5\nfemale,2\nmale,2\n"), ["check", "t.yaml"],
     where="t.csv:2", says="ragged")

SHEET_COUNTS = {
    "two-pow-53": ("9007199254740992", "too large"),
    "two-pow-63": ("9223372036854775808", "too large"),
    "two-pow-63-minus-1": ("9223372036854775807", "too large"),
    "5000-digits": ("9" * 5000, "too large"),
    "grouped-too-large": ('"9,007,199,254,740,993"', "too large"),
    "negative": ("-4", "negative"), "hex": ("0x4", "not a count"),
    "exponent": ("1e3", "not a whole number"), "float": ("4.0", "not a whole number"),
    "octal": ("012", "leading zero"), "sexagesimal": ("1:20", "base-60"),
    "bool-yes": ("yes", "boolean"), "bool-no": ("NO", "boolean"), "null": ("~", "no value"),
    "inf": (".inf", "not a count"), "nan": (".nan", "not a count"),
    "plus": ("+4", "not a whole number"), "underscore": ("1_000", "not a whole number"),
    "date": ("2020-01-01", "not a count"), "quoted-text": ('"four"', "not a count"),
    "ambiguous-dot": ('"1.234"', "ambiguous"), "empty-quoted": ('""', "empty"),
}
for key, (cell, why) in SHEET_COUNTS.items():
    case(f"sheet-count-{key}", {"s.yaml": f"figures:\n  total: {cell}\n  a: 4\n"},
         ["check", "s.yaml"], where="s.yaml:2:10", says=why)
    case(f"sheet-value-{key}", {"s.yaml": f"figures:\n  total: {{value: {cell}}}\n  a: 4\n"},
         ["check", "s.yaml"], where="s.yaml:2:18", says=why)
case("sheet-count-largest", {"s.yaml": "figures:\n  total: 9007199254740991\n"
     "  a: 9007199254740990\n  b: 1\n  exhaustive: true\n"}, ["check", "s.yaml", "-f", "json"],
     code=0, verdict=("parts-sum-to-total", "pass"))
case("sheet-count-largest-off-by-one", {"s.yaml": "figures:\n  total: 9007199254740991\n"
     "  a: 9007199254740989\n  b: 1\n  exhaustive: true\n"}, ["check", "s.yaml", "-f", "json"],
     code=1, verdict=("parts-sum-to-total", "fail"))


# --- 2. YAML aliases and nesting -------------------------------------------------------------


def laughs(levels: int = 9, width: int = 9, leaf: str = "{total: 1, a: 1}") -> str:
    """The 'billion laughs': each level is `width` aliases of the level below."""
    out = [f"  l0: &l0 {leaf}"]
    for i in range(1, levels):
        out.append(f"  l{i}: &l{i} {{" + ", ".join(f"x{j}: *l{i - 1}" for j in range(width)) + "}")
    return "\n".join(out) + "\n"


def laughs_list(levels: int = 9, width: int = 9) -> str:
    out = ["  - &l0 [a, b]"]
    for i in range(1, levels):
        out.append(f"  - &l{i} [" + ", ".join(f"*l{i - 1}" for _ in range(width)) + "]")
    return "\n".join(out) + "\n"


BUDGET = "aliases expand this document"
case("laughs-figures", {"s.yaml": "figures:\n" + laughs()}, ["check", "s.yaml"],
     where="s.yaml", says=BUDGET)
case("laughs-figures-wide", {"s.yaml": "figures:\n" + laughs(4, 200)}, ["check", "s.yaml"],
     where="s.yaml", says=BUDGET)
case("laughs-source", {"s.yaml": "source:\n  title: &t [a]\n" + SHEET.replace("figures:", "x: 1\nfigures:")},
     ["check", "s.yaml"], where="s.yaml", says="")
case("laughs-rules-file", {"s.yaml": SHEET, "r.yaml": "x:\n" + laughs_list() + "rules: []\n"},
     ["check", "s.yaml", "--rules", "r.yaml"], where="r.yaml", says=BUDGET)
case("laughs-inline-rules", {"s.yaml": SHEET + "junk:\n" + laughs_list()}, ["check", "s.yaml"],
     where="s.yaml", says=BUDGET)
case("laughs-editions", {"e.yaml": "editions:\n" + laughs_list()}, ["check", "e.yaml"],
     where="e.yaml", says=BUDGET)
case("laughs-table-spec", {"t.yaml": "tables:\n" + laughs()}, ["check", "t.yaml"],
     where="t.yaml", says=BUDGET)
case("laughs-lint", {"r.yaml": "rules:\n" + laughs_list()}, ["lint", "r.yaml"], where="r.yaml",
     says=BUDGET)
case("laughs-explain", {"s.yaml": "figures:\n" + laughs()}, ["explain", "s.yaml"],
     where="s.yaml", says=BUDGET)
case("laughs-stdin", {}, ["check", "-"], stdin=("figures:\n" + laughs()).encode(),
     where="<stdin>", says=BUDGET)
case("aliases-few-are-fine", {"s.yaml": "figures:\n  a: &a 4\n  b: *a\n  total: 8\n"
     "  exhaustive: true\n"}, ["check", "s.yaml", "-f", "json"], code=0,
     verdict=("parts-sum-to-total", "pass"))
case("alias-figure-mapping", {"s.yaml": "figures:\n  x: &x {total: 5, a: 2}\n  y: *x\n"},
     ["check", "s.yaml", "-f", "json"], code=0, verdict=("part-within-total", "pass"))
case("recursive-figures", {"s.yaml": "figures: &x\n  total: 1\n  a: *x\n"}, ["check", "s.yaml"],
     where="s.yaml:1:10", says="recursive alias")
case("recursive-list", {"s.yaml": SHEET + "rules: &r\n  - *r\n"}, ["check", "s.yaml"],
     where="s.yaml:5:8", says="recursive alias")
case("recursive-rules-file", {"s.yaml": SHEET, "r.yaml": "rules: &r [*r]\n"},
     ["check", "s.yaml", "--rules", "r.yaml"], where="r.yaml:1:8", says="recursive alias")
case("recursive-for", {"s.yaml": SHEET + "rules:\n  - id: r\n    check: '{g} <= total'\n"
     "    for: &f {g: [a, *f]}\n"}, ["check", "s.yaml"], where="s.yaml:8:10",
     says="recursive alias")
case("recursive-editions", {"e.yaml": "editions: &e\n  - *e\n"}, ["check", "e.yaml"],
     where="e.yaml:1:11", says="recursive alias")
case("recursive-spec", {"t.yaml": "tables: &t {a: *t}\n"}, ["check", "t.yaml"],
     where="t.yaml:1:9", says="recursive alias")
case("recursive-lint", {"r.yaml": "rules: &r [*r]\n"}, ["lint", "r.yaml"], where="r.yaml:1:8",
     says="recursive alias")
case("recursive-key", {"s.yaml": "figures:\n  ? &k [*k]\n  : 1\n"}, ["check", "s.yaml"],
     where="s.yaml:2", says="recursive alias|key")
case("undefined-alias", {"s.yaml": "figures:\n  total: *nope\n"}, ["check", "s.yaml"],
     where="s.yaml:2:10", says="alias")
case("merge-key", {"s.yaml": "base: &b {a: 1}\nfigures:\n  <<: *b\n  total: 2\n"},
     ["check", "s.yaml"], where="s.yaml", says="")
for kind, top in (("figures", "figures:\n  total: 1\n  a: "), ("rules-flow", SHEET + "rules: "),
                  ("spec", "tables:\n  t: "), ("editions", "editions: ")):
    case(f"deep-flow-{kind}", {"s.yaml": top + "[" * 150 + "]" * 150 + "\n"}, ["check", "s.yaml"],
         where="s.yaml", says="nested|nesting")
    case(f"deep-block-{kind}", {"s.yaml": top + "\n" + "".join(
         "  " * (i + 2) + f"k{i}:\n" for i in range(150)) + "  " * 152 + "1\n"},
         ["check", "s.yaml"], where="s.yaml", says="nested|nesting")
    case(f"deep-mapping-{kind}", {"s.yaml": top + "{a: " * 150 + "1" + "}" * 150 + "\n"},
         ["check", "s.yaml"], where="s.yaml", says="nested|nesting")
case("deep-10000", {"s.yaml": "figures:\n  a: " + "[" * 10000 + "]" * 10000 + "\n"},
     ["check", "s.yaml"], where="s.yaml", says="nested|nesting")
case("deep-rules-expression", with_rule("'" + "(" * 200 + "a" + ")" * 200 + " <= total'"),
     ["check", "s.yaml"], where="s.yaml:7", says="nested too deeply")
case("deep-not", with_rule("'" + "not " * 200 + "a <= total'"), ["check", "s.yaml"],
     where="s.yaml:7", says="nested too deeply")
case("deep-minus", with_rule("'" + "- " * 200 + "a <= total'"), ["check", "s.yaml"],
     where="s.yaml:7", says="nested too deeply")
case("long-sum", with_rule("'" + " + ".join(["a"] * 2000) + " >= total'"),
     ["check", "s.yaml"], where="s.yaml:7", says="nested too deeply.*sum")
case("long-sum-100", with_rule("'" + " + ".join(["a"] * 100) + " >= total'"),
     ["check", "s.yaml", "-f", "json"], code=0, verdict=("r", "pass"))
case("long-sum-call", with_rule("'sum(" + ", ".join(["a"] * 2000) + ") >= total'"),
     ["check", "s.yaml", "-f", "json"], code=0, verdict=("r", "pass"))


# --- 5a. templates that expand beyond the limit --------------------------------------------


def template(n_vars: int, n_values: int, flag: str = "") -> dict:
    names = [f"p{i}" for i in range(n_vars)]
    check = " + ".join("{" + n + "}" for n in names)
    values = "[" + ", ".join(["a"] * n_values) + "]"
    lines = [f"      {n}: {values}" for n in names]
    return {"s.yaml": SHEET + f"rules:\n  - id: r\n    check: '{check} >= 0'\n    for:\n"
            + "\n".join(lines) + "\n"}


case("template-10-to-6", template(6, 10), ["check", "s.yaml"], where="s.yaml:7:12",
     says="expands to 1,000,000 checks; the limit is 10,000, set --max-instances")
case("template-10-to-10", template(10, 10), ["check", "s.yaml"], where="s.yaml:7:12",
     says="expands to 10,000,000,000 checks")
case("template-aliased", {"s.yaml": SHEET + "rules:\n  - id: r\n    check: '{p} + {q} + {r} + "
     "{s} + {t} + {u} >= 0'\n    for:\n      p: &v [a, a, a, a, a, a, a, a, a, a]\n"
     "      q: *v\n      r: *v\n      s: *v\n      t: *v\n      u: *v\n"},
     ["check", "s.yaml"], where="s.yaml:7:12", says="1,000,000 checks")
case("template-at-limit", template(2, 10), ["check", "s.yaml", "--max-instances", "100", "-f",
     "json"], code=0, verdict=("r", "pass"))
case("template-raised-limit", template(2, 101), ["check", "s.yaml", "--max-instances", "10201",
     "-f", "json"], code=0, verdict=("r", "pass"))
case("template-lowered-limit", template(2, 10), ["check", "s.yaml", "--max-instances", "99"],
     where="s.yaml:7:12", says="100 checks; the limit is 99")
case("template-lint", {"r.yaml": template(6, 10)["s.yaml"].split("rules:\n", 1)[1].join(
     ["rules:\n", ""])}, ["lint", "r.yaml"], where="r.yaml:3:12", says="1,000,000 checks")
case("template-lint-raised", {"r.yaml": "rules:\n" + template(2, 10)["s.yaml"].split(
     "rules:\n", 1)[1]}, ["lint", "r.yaml", "--max-instances", "50"], where="r.yaml:3:12",
     says="the limit is 50")
case("template-explain", template(6, 10), ["explain", "s.yaml"], where="s.yaml:7:12",
     says="1,000,000 checks")
case("template-explain-lowered", template(2, 10), ["explain", "s.yaml", "--max-instances", "5"],
     where="s.yaml:7:12", says="the limit is 5")
for bad in ("0", "-1", "x", "1e3", ""):
    case(f"max-instances-{bad or 'empty'}", {"s.yaml": SHEET},
         ["check", "s.yaml", "--max-instances", bad], says="max-instances")


# --- 3b. silent misreads in sheets: keys, dates, paths, lines -------------------------------

MISSPELT = {"vaule": "value", "valeu": "value", "vlaue": "value", "qualifer": "qualifier",
            "qualifire": "qualifier", "betwen": "between", "quot": "quote", "qoute": "quote",
            "tolerence": "tolerance", "wieght": "weight", "unti": "unit", "text_lien": "text_line",
            "revsied": "revised", "nte": "note"}
for typo, right in MISSPELT.items():
    case(f"misspelt-{typo}", sheet_with(f"  total: {{{typo}: 100}}\n  a: 4\n"),
         ["check", "s.yaml"], where="s.yaml:2:11", says=f"did you mean '{right}'")
    case(f"misspelt-nested-{typo}", sheet_with(f"  g:\n    total: 9\n    a:\n      {typo}: 4\n"),
         ["check", "s.yaml"], where="s.yaml:5:7", says=f"did you mean '{right}'")
case("group-named-total", sheet_with("  total: {a: 1, b: 2}\n  c: 4\n"), ["check", "s.yaml"],
     where="s.yaml:2:3", says="'total' is the whole")
case("group-named-total-nested", sheet_with("  g:\n    total:\n      x: 1\n    a: 4\n"),
     ["check", "s.yaml"], where="s.yaml:3:5", says="'total' is the whole")
case("stray-quote-without-value", sheet_with("  total: {quote: '10 persons'}\n  a: 4\n"),
     ["check", "s.yaml"], where="s.yaml:2:10", says="no 'value:'")
case("group-of-real-figures", sheet_with("  g: {total: 5, women: 2, men: 3}\n"),
     ["check", "s.yaml", "-f", "json"], code=0, verdict=("part-within-total", "pass"))
case("group-with-note-like-names", sheet_with("  g: {total: 5, notes_a: 2, units_b: 3}\n"),
     ["check", "s.yaml", "-f", "json"], code=0, verdict=("part-within-total", "pass"))

BAD_DATES = ["2020-13-45", "2020-02-30", "2021-02-29", "2020-00-10", "2020-04-31", "0000",
             "2020-13", "2020-00", "20201-01-01", "2020/01/01", "01-01-2020", "2020-1-1",
             "'2020-12-32'", "yesterday"]
for i, date in enumerate(BAD_DATES):
    case(f"date-source-{i}", {"s.yaml": f"source:\n  date: {date}\n" + SHEET}, ["check", "s.yaml"],
         where="s.yaml:2:9", says="date")
    case(f"date-as-of-{i}", {"s.yaml": f"source:\n  as_of: {date}\n" + SHEET},
         ["check", "s.yaml"], where="s.yaml:2:10", says="date")
case("date-leap-day", {"s.yaml": "source:\n  date: 2020-02-29\n" + SHEET},
     ["check", "s.yaml", "-f", "json"], code=0, verdict=("part-within-total", "pass"))
case("date-revised-from", sheet_with("  total: {value: 10, revised: {from: 2020-02-30, why: x}}\n"
     "  a: 4\n", "source:\n  as_of: 2021-01-01\n"), ["check", "s.yaml"], where="s.yaml:4:38",
     says="calendar")
case("date-editions-as-of", {"e.yaml": "editions:\n  - as_of: 2020-13-01\n    figures: {total: 1}\n"
     "  - as_of: 2021-01-01\n    figures: {total: 2}\n"}, ["check", "e.yaml"], where="e.yaml:2:12",
     says="calendar")
for bad in ("5", "3.5", "yes", "no", "true", "null", "~", "1e3", ".5"):
    case(f"text-path-{bad}", {"s.yaml": f"text: {bad}\n" + SHEET}, ["check", "s.yaml"],
         where="s.yaml:1:7", says="text")
case("text-path-mapping", {"s.yaml": "text: {a: 1}\n" + SHEET}, ["check", "s.yaml"],
     where="s.yaml:1:7", says="text")
case("text-path-quoted-number", {"s.yaml": "text: '5'\n" + SHEET}, ["check", "s.yaml", "-f",
     "json"], code=0, verdict=("part-within-total", "pass"))
for bad in ("-3", "0", "1.5", "x", "''", "[1]", "99999999999", "+2", "0x1"):
    case(f"text-line-{bad}", sheet_with(f"  total: {{value: 10, text_line: {bad}}}\n  a: 4\n"),
         ["check", "s.yaml"], where="s.yaml:2:33", says="text_line")


# --- 3c. the rule language: division by zero, literals ---------------------------------------

for i, expr in enumerate(["a / 0 <= total", "a / (1 - 1) <= total", "a / -0 <= total",
                          "a / 0.0 <= total", "a / (2 * 0) <= total", "a / (0) <= total",
                          "total >= a / (3 - 3) + 1", "abs(a / 0) <= 1"]):
    col = expr.index("/ ") + 3 if expr[expr.index("/ ") + 2] != "(" else expr.index("/ ") + 3
    case(f"divide-literal-zero-{i}", with_rule(expr), ["check", "s.yaml"],
         where=f"s.yaml:7:{col + 11}", says="division by zero")
case("divide-zero-lint", {"r.yaml": "rules:\n  - id: r\n    check: a / 0 <= b\n"},
     ["lint", "r.yaml"], where="r.yaml:3:16", says="division by zero")
for i, (figures, expr, verdict) in enumerate([
    ("  total: 0\n  a: 0\n", "100 * a / total <= 50", "undetermined"),
    ("  total: 0\n  a: 3\n", "a / total <= 1", "undetermined"),
    ("  total: 10\n  a: 4\n  b: 4\n", "total / (a - b) <= 1", "undetermined"),
    ("  total: 10\n  a: 5\n", "a / total <= 1", "pass"),
    ("  total: 10\n  a: 5\n", "a / total <= 0.1", "fail"),
    ("  total: 0\n  a: 0\n", "a / total <= 1 or total == 0", "pass"),
]):
    code = 1 if verdict == "fail" or "a: 3" in figures else 0  # 3 > 0 fails part-within-total
    case(f"divide-figure-zero-{i}", with_rule(expr, figures), ["check", "s.yaml", "-f", "json"],
         code=code, verdict=("r", verdict))
case("divide-figure-zero-words", with_rule("a / total <= 1", "  total: 0\n  a: 0\n"),
     ["check", "s.yaml"], code=0, says="division by zero: total is 0")
case("divide-figure-zero-strict", with_rule("a / total <= 1", "  total: 0\n  a: 0\n"),
     ["check", "s.yaml", "--strict"], code=1, says="UNDETERMINED")
case("divide-figure-zero-message", with_rule("a / total <= 1", "  total: 0\n  a: 0\n"),
     ["check", "s.yaml", "-f", "json"], code=0, says="division by zero: total is 0")
LITERALS = {"1e400": "exponent", "1E3": "exponent", "2e-5": "exponent",
            "1" + "0" * 40: "more than 30 digits", "9" * 5000: "more than 30 digits",
            "0." + "0" * 40 + "1": "more than 30 digits", "1.5.2": "unexpected",
            "0x10": "name cannot start", "1_000": "name cannot start", "1,000": "unexpected",
            "\u0664": "unexpected character", "\uff14": "unexpected"}
for i, (lit, why) in enumerate(LITERALS.items()):
    case(f"literal-{i}", with_rule(f"'a <= {lit}'"), ["check", "s.yaml"], where="s.yaml:7",
         says=why)
for name in ("inf", "nan", "Infinity"):
    case(f"literal-name-{name}", with_rule(f"'a <= {name}'"), ["check", "s.yaml"],
         where="s.yaml:6:9", says="does not report")
case("literal-30-digits", with_rule("'a <= " + "1" * 30 + "'"), ["check", "s.yaml", "-f", "json"],
     code=0, verdict=("r", "pass"))


# --- 6a. duplicate keys at every level --------------------------------------------------------

DUPLICATES = {
    "top": ("figures:\n  total: 1\nfigures:\n  total: 2\n", "s.yaml:3:1"),
    "figures": ("figures:\n  total: 1\n  total: 2\n", "s.yaml:3:3"),
    "group": ("figures:\n  g:\n    total: 1\n    total: 2\n", "s.yaml:4:5"),
    "figure-mapping": ("figures:\n  total: {value: 1, value: 2}\n", "s.yaml:2:21"),
    "source": ("source:\n  date: 2020\n  date: 2021\n" + SHEET, "s.yaml:3:3"),
    "settings": ("settings:\n  implied: true\n  implied: false\n" + SHEET, "s.yaml:3:3"),
    "rule": (SHEET + "rules:\n  - id: r\n    id: q\n    check: a <= total\n", "s.yaml:7:5"),
    "for": (SHEET + "rules:\n  - id: r\n    check: '{g} <= total'\n    for: {g: [a], g: [b]}\n",
            "s.yaml:8:19"),
    "between": ("figures:\n  total: {between: [1, 2], between: [1, 3]}\n  a: 1\n", "s.yaml:2:28"),
    "quoted-and-plain": ("figures:\n  total: 1\n  'total': 2\n", "s.yaml:3:3"),
}
for key, (text, where) in DUPLICATES.items():
    case(f"duplicate-{key}", {"s.yaml": text}, ["check", "s.yaml"], where=where, says="duplicate")


# --- 4. damaged binary tables: Excel and Parquet ----------------------------------------------

XLSX_SPEC = TABLE_SPEC.replace("t.csv", "t.xlsx")
PARQUET_SPEC = TABLE_SPEC.replace("t.csv", "t.parquet")


def _xlsx_bytes(rows=(("sex", "n"), ("total", 4), ("female", 2), ("male", 2))) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _parquet_bytes(n=(4, 2, 2), sex=("total", "female", "male")) -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table({"sex": list(sex), "n": list(n)}), buf)
    return buf.getvalue()


def _rezip(data: bytes, change) -> bytes:
    """The workbook with each part passed through change(name, bytes) (None drops it)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in zin.namelist():
            part = change(name, zin.read(name))
            if part is not None:
                z.writestr(name, part)
    return out.getvalue()


def _flip_deflate(data: bytes) -> bytes:
    """Garble the compressed bytes of the sheet: zlib fails while reading it."""
    import io
    import zipfile

    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    out = bytearray(data)
    for i in range(start + 2, start + min(info.compress_size, 40)):
        out[i] ^= 0x55
    return bytes(out)


def damaged(kind: str, make):
    def setup(folder: Path) -> None:
        name = "t.xlsx" if kind == "xlsx" else "t.parquet"
        (folder / name).write_bytes(make())
        (folder / "t.yaml").write_text(XLSX_SPEC if kind == "xlsx" else PARQUET_SPEC)
    return setup


SHEET1 = "xl/worksheets/sheet1.xml"
XLSX_DAMAGE = {
    "truncated": lambda: _xlsx_bytes()[:2000],
    "empty": lambda: b"",
    "text": lambda: b"sex,n\ntotal,4\n",
    "zlib": lambda: _flip_deflate(_xlsx_bytes()),
    "xml-cut": lambda: _rezip(_xlsx_bytes(), lambda n, d: d[: len(d) // 2] if n == SHEET1 else d),
    "xml-garbage": lambda: _rezip(_xlsx_bytes(), lambda n, d: b"<<<" if n == SHEET1 else d),
    "no-workbook": lambda: _rezip(_xlsx_bytes(), lambda n, d: None if n == "xl/workbook.xml" else d),
    "no-sheet": lambda: _rezip(_xlsx_bytes(), lambda n, d: None if n == SHEET1 else d),
    "no-content-types": lambda: _rezip(_xlsx_bytes(),
                                       lambda n, d: None if n == "[Content_Types].xml" else d),
    "zip-bomb": lambda: _rezip(_xlsx_bytes(), lambda n, d: d.replace(
        b"</sheetData>", b"<!--" + b" " * (300 << 20) + b"--></sheetData>") if n == SHEET1 else d),
    "entity-expansion": lambda: _rezip(_xlsx_bytes(), lambda n, d: (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<worksheet>&c;</worksheet>") if n == SHEET1 else d),
}
for key, make in XLSX_DAMAGE.items():
    case(f"xlsx-{key}", {}, ["check", "t.yaml"], where="t.xlsx", says="Excel|forbidden|entit|no row",
         setup=damaged("xlsx", make))
case("xlsx-negative", {}, ["check", "t.yaml"], where="t.xlsx!Sheet!B3", says="negative",
     setup=damaged("xlsx", lambda: _xlsx_bytes((("sex", "n"), ("total", 4), ("female", -2)))))
case("xlsx-too-large", {}, ["check", "t.yaml"], where="t.xlsx!Sheet!B2", says="too large",
     setup=damaged("xlsx", lambda: _xlsx_bytes((("sex", "n"), ("total", 2**60), ("female", 2)))))
case("xlsx-fraction", {}, ["check", "t.yaml"], where="t.xlsx!Sheet!B2", says="whole number",
     setup=damaged("xlsx", lambda: _xlsx_bytes((("sex", "n"), ("total", 4.5), ("female", 2)))))
case("xlsx-good", {}, ["check", "t.yaml", "-f", "json"], code=0, verdict=("split", "pass"),
     setup=damaged("xlsx", _xlsx_bytes))


def _flip_parquet(lo: float, hi: float):
    def make() -> bytes:
        data = bytearray(_parquet_bytes())
        for i in range(int(len(data) * lo), int(len(data) * hi)):
            data[i] ^= 0x5A
        return bytes(data)
    return make


PARQUET_DAMAGE = {
    "truncated": lambda: _parquet_bytes()[:100], "empty": lambda: b"",
    "magic-only": lambda: b"PAR1PAR1", "text": lambda: b"PAR1hello PAR1",
    "flipped-data": _flip_parquet(0.05, 0.4), "flipped-footer": _flip_parquet(0.6, 0.95),
}
for key, make in PARQUET_DAMAGE.items():
    case(f"parquet-{key}", {}, ["check", "t.yaml"], where="t.parquet", says="Parquet",
         setup=damaged("parquet", make))
for key, n, why in (("negative", (4, -2, 2), "negative"), ("too-large", (2**60, 2, 2), "too large"),
                    ("fraction", (4.5, 2.0, 2.0), "whole number"),
                    ("infinity", (float("inf"), 2.0, 2.0), "not a count"),
                    ("two-pow-63-minus-1", (2**63 - 1, 2, 2), "too large")):
    case(f"parquet-{key}", {}, ["check", "t.yaml"], where="t.parquet", says=why,
         setup=damaged("parquet", lambda n=n: _parquet_bytes(n)))
case("parquet-good", {}, ["check", "t.yaml", "-f", "json"], code=0, verdict=("split", "pass"),
     setup=damaged("parquet", _parquet_bytes))
case("csv-header-lone-cr", table(b"sex,\rn\ntotal,4\n"), ["check", "t.yaml"], where="t.csv:1",
     says="header|column")
case("csv-not-utf8-ragged", table(b"sex,n\ntotal,4,\xbd\xbd\nfemale,2\nmale,2\n"),
     ["check", "t.yaml"], where="t.csv:2:9", says="UTF-8")
case("csv-not-utf8-code", table(b"sex,n\ntot\xe9l,4\nfemale,2\nmale,2\n"), ["check", "t.yaml"],
     where="t.csv:2:4", says="UTF-8")
case("csv-nul", table(b"sex,n\ntotal,4\x00\nfemale,2\nmale,2\n"), ["check", "t.yaml"],
     where="t.csv", says="")
case("csv-fifo", {"t.yaml": TABLE_SPEC}, ["check", "t.yaml"], where="t.yaml:3:11",
     says="not a regular file", setup=lambda folder: os.mkfifo(folder / "t.csv"))
case("csv-directory", {"t.yaml": TABLE_SPEC, "t.csv/x": ""}, ["check", "t.yaml"],
     where="t.yaml:3:11", says="directory")


# --- the runner -------------------------------------------------------------------------------


@contextlib.contextmanager
def alarm(seconds: int):
    """Fail a case that runs longer than `seconds` (a hang is a failure, not a stuck suite)."""

    def expired(signum, frame):
        raise TimeoutError(f"the case ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


def _in_process(c: Case) -> tuple[int, str, str]:
    from missingstats.inputs import reader

    reader.forget()
    with alarm(TIMEOUT):
        result = runner.invoke(app, c.args, input=c.stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _process(c: Case, folder: Path) -> tuple[int, str, str]:
    env = {**os.environ, **c.env}
    stdout = subprocess.PIPE
    full = None
    if c.id.startswith("stdout-full"):
        full = open("/dev/full", "w")  # noqa: SIM115
        stdout = full
    try:
        proc = subprocess.run(
            [sys.executable, "-c", "from missingstats.cli import main; main()", *c.args],
            input=c.stdin if c.stdin is not None else b"", stdout=stdout, stderr=subprocess.PIPE,
            cwd=folder, env=env, timeout=TIMEOUT,
        )
    finally:
        if full is not None:
            full.close()
    out = proc.stdout.decode("utf-8", "replace") if proc.stdout else ""
    return proc.returncode, out, proc.stderr.decode("utf-8", "replace")


def run_case(c: Case, folder: Path) -> None:
    _write(folder, c.files)
    if c.setup is not None:
        c.setup(folder)  # type: ignore[operator]
    code, out, err = _process(c, folder) if c.process else _in_process(c)
    both = out + err
    assert "internal error" not in both and "Traceback" not in both, both
    assert code == c.code, f"exit {code}, expected {c.code}: {both[-2000:]}"
    if c.where is not None:
        pattern = rf"^missingstats: {re.escape(c.where)}(?![0-9]):"
        assert re.search(pattern, err, re.M), f"expected a message at {c.where}: {err[-2000:]}"
    if c.says is not None:
        assert re.search(c.says, both), f"expected /{c.says}/: {both[-2000:]}"
    if c.verdict is not None:
        rule, status = c.verdict
        report = json.loads(out)
        statuses = {r["rule"]: r["status"] for r in report["results"]}
        assert statuses.get(rule) == status, statuses


def test_corpus_is_large_and_named_uniquely():
    assert len(CASES) >= 300, len(CASES)
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_hostile(c: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for key, value in c.env.items():
        monkeypatch.setenv(key, value)
    if not c.process and c.env.get("MISSINGSTATS_READ_TIMEOUT"):
        from missingstats.inputs import reader

        monkeypatch.setattr(reader, "READ_TIMEOUT", float(c.env["MISSINGSTATS_READ_TIMEOUT"]))
    run_case(c, tmp_path)
