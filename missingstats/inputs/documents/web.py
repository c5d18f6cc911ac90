"""Web pages: the main text of an HTML file, without navigation, scripts or styles (lxml).

The rules are few and stated, so an editor can tell why a sentence is or is not read:

- never text: script, style, noscript, template, head, svg, iframe, form controls, and
  anything hidden (`hidden`, `aria-hidden="true"`, `display:none`);
- page furniture: nav, aside, footer, a header outside the article, an element whose role
  is navigation, banner, contentinfo, complementary, search or menu, an element whose class
  or id says nav, menu, footer, sidebar, breadcrumb, cookie, banner, share, social, skip,
  related or advert, a block of three or more links that is mostly link text, and a short
  block that starts (after a few links) with a copyright notice;
- the main text is `<main>` (or role=main), else the one `<article>`, else the body.

Every block (p, h1-h6, li, div, ...) is a paragraph of its own line, separated by blank
lines, except that the lines of a `<pre>` are kept as typed (a letter pasted into a page);
each table row is a line with its cells joined by " | ", and the tables are kept for
`extract --tables`. Spaces, tabs and line breaks collapse to one space, while no-break
and thin spaces stay (they group thousands in French). The language is `<html lang>`, else
a content-language meta. A page nested deeper than the parser allows (256 levels) is an
input error rather than a silently cut text. lxml (libxml2) was measured against trafilatura:
docs/prose.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from missingstats.core.errors import InputError, Location
from missingstats.inputs.documents.pdfs import Extracted
from missingstats.inputs.documents.tables import Table

NEVER = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "embed",
         "canvas", "button", "select", "option", "input", "textarea", "dialog", "math"}
FURNITURE = {"nav", "aside", "footer", "menu", "form"}
ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|footer|sidebar|breadcrumbs?|cookies?|banner"
    r"|share|sharing|social|skip|related|advert|ads|advertisement)(?:$|[\s_-])", re.IGNORECASE,
)
COPYRIGHT = re.compile(r"^\s*(?:©|\(c\)\s|copyright\b)", re.IGNORECASE)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
          "section", "article", "main", "blockquote", "pre", "figure", "figcaption", "caption",
          "address", "header", "table", "thead", "tbody", "tfoot", "tr", "hr", "body", "center",
          "summary", "details"}
CELLS = {"td", "th"}
COLLAPSE = re.compile(r"[ \t\n\r\f\v]+")


def read(path: str | Path) -> Extracted:
    name = str(path)
    try:
        from lxml import etree
    except ImportError:
        raise InputError("reading HTML needs the 'html' extra: pip install 'missingstats[html]'",
                         Location(name)) from None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", Location(name)) from None
    parser = etree.HTMLParser(recover=True, no_network=True, remove_comments=True,
                              remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(f"cannot be read as HTML: {exc}", Location(name)) from None
    for error in parser.error_log:
        if "Excessive depth" in error.message:
            raise InputError("is nested deeper than 256 elements; its text cannot be read whole",
                             Location(name, error.line or None, error.column or None)) from None
    if root is None:
        raise InputError("holds no HTML elements", Location(name))
    language = _language(root)
    main = _main(root)
    _drop_furniture(main)
    lines, tables = _text(main, name)
    return Extracted(lines, None, language, tables)


def _language(root: Any) -> str | None:
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        return lang.strip()
    for meta in root.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("name") or meta.get("property") or "").lower()
        if key in ("content-language", "language", "og:locale", "dc.language"):
            content = (meta.get("content") or "").strip()
            if content:
                return content.split(",")[0].strip()
    return None


def _hidden(el: Any) -> bool:
    return (el.get("hidden") is not None or el.get("aria-hidden") == "true"
            or bool(HIDDEN_STYLE.search(el.get("style") or "")))


def _main(root: Any) -> Any:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "main" or el.get("role") == "main":
            return el
    articles = [el for el in root.iter("article")]
    if len(articles) == 1:
        return articles[0]
    body = root.find("body")
    return body if body is not None else root


def _furniture(el: Any, main: Any) -> bool:
    tag = el.tag
    if tag in NEVER or _hidden(el) or el.get("role") in ROLES:
        return True
    if tag in FURNITURE:
        return True
    if tag == "header" and not any(a.tag in ("article", "main") for a in el.iterancestors()):
        return el is not main
    marks = f"{el.get('class') or ''} {el.get('id') or ''}"
    if el is not main and BOILERPLATE.search(marks):
        return True
    if tag in ("div", "p", "small", "section") and _copyright(el):
        return True
    return tag in ("div", "ul", "ol", "p", "td", "section") and _link_block(el)


def _copyright(el: Any) -> bool:
    """A short block that starts with a copyright notice: a footer without the name."""
    text = "".join(el.itertext())
    if len(text) > 300:
        return False
    words = re.sub(r"^(?:\s*\|?\s*[\w.]+\s*\|)*", "", text)  # "Privacy | Terms | (c) 2024"
    return bool(COPYRIGHT.match(text) or COPYRIGHT.match(words))


def _link_block(el: Any) -> bool:
    """Three or more links making most of the text: a menu or a list of other pages."""
    links = el.findall(".//a")
    if len(links) < 3:
        return False
    text = len(COLLAPSE.sub("", "".join(el.itertext())))
    linked = sum(len(COLLAPSE.sub("", "".join(a.itertext()))) for a in links)
    return text > 0 and linked >= 0.6 * text


def _drop_furniture(main: Any) -> None:
    doomed = []
    for el in main.iter():
        if not isinstance(el.tag, str):
            doomed.append(el)
        elif el is not main and _furniture(el, main):
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        tail = el.tail
        parent.remove(el)
        if tail:
            _append_text(parent, el, tail)


def _append_text(parent: Any, removed: Any, tail: str) -> None:
    """Keep the text that followed a removed element (lxml keeps it on the element)."""
    prev = removed.getprevious() if removed.getparent() is not None else None
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def _text(main: Any, name: str) -> tuple[list[str], list[Table]]:
    """Paragraph lines and tables, walked without recursion (deep pages do not matter)."""
    from lxml import etree

    lines: list[str] = []
    tables: list[Table] = []
    current: list[str] = []
    cell: list[str] = []
    row: list[str] | None = None
    open_tables: list[tuple[list[list[str]], int]] = []  # rows, line of the first row
    pre = 0  # inside <pre>: its lines are kept as typed

    def flush() -> None:
        raw = "".join(current)
        current.clear()
        if pre and raw.strip():
            kept = [ln.rstrip() for ln in raw.strip("\n").split("\n")]
            lines.extend(([""] if lines else []) + kept)
            return
        text = COLLAPSE.sub(" ", raw).strip()
        if text:
            lines.extend(([""] if lines else []) + [text])

    for event, el in etree.iterwalk(main, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "table":
                flush()
                open_tables.append(([], len(lines) + (2 if lines else 1)))
            elif tag == "tr" and open_tables:
                row = []
            elif tag in CELLS:
                cell = []
            elif tag in BLOCKS:
                flush()
                pre += tag == "pre"
            elif tag == "br":
                current.append(" ")
            if el.text:
                (cell if _in_cell(el) else current).append(el.text)
            continue
        if tag in CELLS and row is not None:
            row.append(COLLAPSE.sub(" ", "".join(cell)).strip())
            cell = []
        elif tag == "tr" and row is not None and open_tables:
            if any(row):
                open_tables[-1][0].append(row)
                flush()
                lines.extend(([""] if lines else []) + [" | ".join(row)])
            row = None
        elif tag == "table" and open_tables:
            rows, first = open_tables.pop()
            if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                tables.append(Table(rows, name, line=first))
        elif tag in BLOCKS:
            flush()
            pre -= tag == "pre"
        if el.tail and el is not main:
            (cell if _in_cell(el.getparent()) else current).append(el.tail)
    flush()
    return lines, tables


def _in_cell(el: Any) -> bool:
    while el is not None:
        if isinstance(el.tag, str) and el.tag in CELLS:
            return True
        if isinstance(el.tag, str) and el.tag in ("tr", "table"):
            return False
        el = el.getparent()
    return False
