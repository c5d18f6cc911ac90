"""Small inline-SVG timelines for the HTML report: one per figure of a series, the step into
a failing edition drawn thick and red, an explained (revised) step dashed amber.

Reads only the report's `series` list ({series, figure, file, points: [[edition, value]],
breaks, explained}); no pandas, no scripts, so the page stays self-contained.
"""

from __future__ import annotations

from html import escape

BREAK, EXPLAINED, LINE = "#d92d20", "#b54708", "#4e79a7"


def _fmt(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,g}"


def svg_timeline(entry: dict, ident: str) -> str:
    points = [(str(e), float(v)) for e, v in entry.get("points", []) if v is not None]
    breaks, explained = set(entry.get("breaks", [])), set(entry.get("explained", []))
    width, height, left, right, top, bottom = 640, 150, 64, 20, 18, 38
    if not points:
        return ""
    lo = min(v for _, v in points)
    hi = max(v for _, v in points)
    pad = (hi - lo) * 0.1 or max(abs(hi) * 0.1, 1.0)
    lo, hi = lo - pad, hi + pad
    n = len(points)

    def x(i: int) -> float:
        return round(left + (width - left - right) * (i / (n - 1) if n > 1 else 0.5), 1)

    def y(v: float) -> float:
        return round(top + (height - top - bottom) * (1 - (v - lo) / (hi - lo)), 1)

    title = f"{entry.get('figure', '')} over {n} editions"
    if breaks:
        title += f"; breaks at {', '.join(sorted(breaks))}"
    out = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-t">',
           f'<title id="{ident}-t">{escape(title)}</title>',
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
           'stroke="#d0d5dd"/>']
    for v in (max(v for _, v in points), min(v for _, v in points)):
        out.append(f'<text x="{left - 6}" y="{y(v) + 4}" text-anchor="end" fill="#475467">'
                   f'{escape(_fmt(v))}</text>')
    for i in range(1, n):
        edition = points[i][0]
        style = f'stroke="{LINE}" stroke-width="2"'
        if edition in breaks:
            style = f'stroke="{BREAK}" stroke-width="4" class="break"'
        elif edition in explained:
            style = f'stroke="{EXPLAINED}" stroke-width="3" stroke-dasharray="6 4" class="explained"'
        out.append(f'<line x1="{x(i - 1)}" y1="{y(points[i - 1][1])}" x2="{x(i)}" '
                   f'y2="{y(points[i][1])}" {style}/>')
    step = max(1, n // 8)
    for i, (edition, v) in enumerate(points):
        colour = BREAK if edition in breaks else EXPLAINED if edition in explained else LINE
        r = 5 if edition in breaks or edition in explained else 3
        out.append(f'<circle cx="{x(i)}" cy="{y(v)}" r="{r}" fill="{colour}">'
                   f'<title>{escape(edition)}: {escape(_fmt(v))}</title></circle>')
        if i % step == 0 or i == n - 1 or edition in breaks:
            anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
            out.append(f'<text x="{x(i)}" y="{height - bottom + 16}" text-anchor="{anchor}" '
                       f'fill="{BREAK if edition in breaks else "#475467"}">{escape(edition)}</text>')
        if edition in breaks or edition in explained:
            out.append(f'<text x="{x(i)}" y="{y(v) - 9}" text-anchor="middle" fill="{colour}" '
                       f'font-weight="700">{escape(_fmt(v))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def section(entries: list[dict]) -> str:
    """The HTML report's "Series" section: figures with a break first."""
    if not entries:
        return ""
    ordered = sorted(entries, key=lambda e: (not e.get("breaks"), not e.get("explained")))
    body = ["<h2>Series</h2>",
            '<p class="meta">Each figure over its editions; a red step breaks a series rule, '
            "a dashed amber step is explained by a recorded revision.</p>"]
    for i, entry in enumerate(ordered):
        marks = []
        if entry.get("breaks"):
            marks.append("breaks at " + ", ".join(entry["breaks"]))
        if entry.get("explained"):
            marks.append("revised at " + ", ".join(entry["explained"]))
        figure, series = escape(str(entry.get("figure", ""))), escape(str(entry.get("series", "")))
        caption = f"<code>{figure}</code> ({series})"
        if marks:
            caption += ": " + escape("; ".join(marks))
        body.append(f"<figure>{svg_timeline(entry, f'tl{i}')}<figcaption>{caption}</figcaption></figure>")
    return "\n".join(body)
