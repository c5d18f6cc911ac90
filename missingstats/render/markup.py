"""rich's console markup without importing rich, for plain (uncoloured) output.

Most runs are not on a terminal (pre-commit, CI), where colour is off and importing rich
costs ~35 ms of a hook's startup. The text report writes rich markup once; on a terminal
rich renders it, elsewhere `strip` removes the tags exactly as rich's parser reads them
(same tag pattern, same backslash escapes), so both paths print the same words.
"""

from __future__ import annotations

import re

# The tag and escape patterns of rich.markup (rich 13/14).
_TAG = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")
_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")


def escape(text: str) -> str:
    """Escape text so that it is printed as is, never read as a tag (rich.markup.escape)."""

    def double(match: re.Match) -> str:
        backslashes, tag = match.groups()
        return f"{backslashes}{backslashes}\\{tag}"

    out = _ESCAPE.sub(double, text)
    if out.endswith("\\") and not out.endswith("\\\\"):
        out += "\\"
    return out


def strip(markup: str) -> str:
    """The plain text rich would print for markup with all styles off."""
    out: list[str] = []
    pos = 0
    for match in _TAG.finditer(markup):
        full, escapes, _tag = match.groups()
        out.append(markup[pos:match.start()].replace("\\[", "["))
        if escapes:
            backslashes, escaped = divmod(len(escapes), 2)
            out.append("\\" * backslashes)
            if escaped:
                out.append(full[len(escapes):])
        pos = match.end()
    out.append(markup[pos:].replace("\\[", "["))  # rich reads "\[" outside a tag as "["
    return "".join(out)


class PlainConsole:
    """The part of rich.Console the text report uses, writing plain text to a buffer."""

    def __init__(self, file) -> None:
        self.file = file

    def print(self, markup: str = "") -> None:
        self.file.write(strip(markup) + "\n")
