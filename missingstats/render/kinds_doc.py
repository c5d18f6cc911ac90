"""docs/rule-kinds.md, generated from the rule kinds' module docstrings.

A kind's docstring is its documentation (as in yamllint), so the reference page is built
from the registry instead of being written twice: code and docs cannot drift, and a test
(tests/test_docs.py) fails when the committed page is stale.

    python -m missingstats.render.kinds_doc                      # print the page
    python -m missingstats.render.kinds_doc docs/rule-kinds.md   # write it (atomically)

Docstrings are plain text with Markdown inline marks; a block indented by four spaces or
more after a blank line is an example, rendered as a fenced block (YAML when it looks
like YAML).
"""

from __future__ import annotations

import inspect
import os
import re
import sys
import tempfile
from pathlib import Path

from missingstats.kinds.registry import KINDS, Kind

WHERE = {"sheet": "figure sheets",
         "series": "editions of a series (an editions file, or several sheets of one series)",
         "tables": "table specs"}
WHERE_ORDER = ("sheet", "series", "tables")
YAML_LINE = re.compile(r"(- )?[A-Za-z_][\w.-]*:(\s|$)")
REGENERATE = "python -m missingstats.render.kinds_doc docs/rule-kinds.md"


def markdown() -> str:
    """The whole page: an index of the kinds, then each kind from its docstring."""
    out = [
        "# Rule kinds",
        "",
        "Every rule in a rules file has an `id` and exactly one *kind key*, which says what it",
        "checks; the metadata keys (`severity`, `description`, `message`, `label`, `tolerance`,",
        "`for`) are described in [rules.md](rules.md). Two kinds have no key: missingstats adds",
        "their rules itself.",
        "",
        "This page is generated from the kinds' module docstrings (`missingstats/kinds/`) by",
        f"`{REGENERATE}`; edit the docstrings, not this page.",
        "",
        "| kind | rule keys | applies to | checks |",
        "| --- | --- | --- | --- |",
    ]
    kinds = list(KINDS.values())
    docs = {k.id: _docstring(k) for k in kinds}
    for k in kinds:
        out.append(f"| [{k.id}](#{_anchor(k.id)}) | {_keys(k)} | {_inputs(k, short=True)} "
                   f"| {_summary(k, docs[k.id])} |")
    for k in kinds:
        out += ["", f"## {k.id}", ""]
        out += [f"**Rule keys:** {_keys(k)}. **Applies to:** {_inputs(k)}.", ""]
        out += _body(k, docs[k.id])
    return "\n".join(out).rstrip() + "\n"


def _docstring(kind: Kind) -> str:
    doc = kind.load().__doc__
    if not doc:
        raise ValueError(f"rule kind {kind.id!r} has no module docstring")
    return inspect.cleandoc(doc)


def _anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def _keys(kind: Kind) -> str:
    if not kind.keys:
        return "none (built in)"
    return ", ".join(f"`{key}`" for key in kind.keys)


def _inputs(kind: Kind, short: bool = False) -> str:
    names = [i for i in WHERE_ORDER if i in kind.inputs]
    if short:
        return ", ".join(names)
    return "; ".join(WHERE[i] for i in names)


def _split_title(kind: Kind, doc: str) -> tuple[str, list[str]]:
    """The first sentence (without its leading "kind:" label) and the lines after it."""
    lines = doc.splitlines()
    title = lines[0]
    rest = lines[1:]
    while rest and rest[0].strip() and not rest[0].startswith(" "):
        title += " " + rest.pop(0).strip()  # a title wrapped over several lines
    label, sep, text = title.partition(": ")
    names = {kind.id, *kind.keys}
    if sep and {n.strip() for n in label.split(",")} <= names:
        title = text
    return title[:1].upper() + title[1:], rest


def _summary(kind: Kind, doc: str) -> str:
    return _split_title(kind, doc)[0].replace("|", "\\|")


def _body(kind: Kind, doc: str) -> list[str]:
    title, lines = _split_title(kind, doc)
    return [title, *_blocks(lines)]


def _blocks(lines: list[str]) -> list[str]:
    """Text lines as they are; indented examples after a blank line as fenced blocks."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        starts_block = _indent(line) >= 4 and (not out or not out[-1].strip())
        if not starts_block:
            out.append(line.rstrip())
            i += 1
            continue
        j = i
        while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) >= 4):
            j += 1
        block = lines[i:j]
        while block and not block[-1].strip():
            block.pop()
        out += _fence(block)
        i = i + len(block)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" ")) if line.strip() else 0


def _fence(block: list[str]) -> list[str]:
    margin = min(_indent(line) for line in block if line.strip())
    code = [line[margin:].rstrip() for line in block]
    first = next(line for line in code if line.strip())
    language = "yaml" if YAML_LINE.match(first.strip()) else "text"
    return [f"```{language}", *code, "```"]


def write(path: str | Path, text: str) -> None:
    """Replace `path` with `text` in one step (a temporary file, then a rename)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0] in ("-h", "--help")):
        sys.stderr.write("usage: python -m missingstats.render.kinds_doc [OUTPUT.md]\n")
        return 2
    text = markdown()
    if argv:
        write(argv[0], text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
