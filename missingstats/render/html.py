"""A self-contained HTML page for reviewers: `check --format html --output report.html`.

One file, no scripts, no fetches (a Content-Security-Policy forbids them): the summary,
every failing rule with its figures, their values and the source lines they come from, and
for each failing part-whole relation an inline SVG picture (parts stacked against the total,
the excess hatched in red, a shortfall dashed). The picture is a view of the instance: its
`relation` (filled by the rule kind that built it) says which figures are parts and which
is the total, the values say how long the bars are; any other failing comparison is drawn
as its left side against its right side. Nothing here parses an expression.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from missingstats.render.common import (
    LISTS,
    STATUS_LABEL,
    coordinates_text,
    difference_text,
    error_message,
    figure_rows,
    input_errors,
    number_text,
    pattern_lines,
    plural,
    present,
    side_notes,
    summary_line,
    unlisted_failures,
    where,
)
from missingstats.render.context import RenderContext

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac")
MIN_GAP = 6  # px: the smallest drawn excess or shortfall, so it is seen at a glance
SOURCE_LIMIT = 5_000_000  # bytes: quote lines only from files small enough to read whole
BINARY = {".parquet", ".xlsx", ".xlsm", ".xls", ".feather", ".arrow"}

CSS = """
:root { --fail: #b42318; --warn: #b54708; --info: #175cd3; --ok: #067647; --muted: #475467;
        --line: #d0d5dd; --bg: #f9fafb; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #101828; margin: 0; background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; }
h3 { font-size: 16px; margin: 0; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
                   font-size: 13px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff;
           font-weight: 600; font-size: 14px; vertical-align: middle; }
.verdict.failed { background: var(--fail); } .verdict.warned { background: var(--warn); }
.verdict.passed { background: var(--ok); }
.summary { color: var(--muted); margin: 6px 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { background: var(--bg); font-weight: 600; font-size: 13px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.counts td, .counts th { text-align: center; }
.rule { border: 1px solid var(--line); border-left: 6px solid var(--fail); border-radius: 6px;
        padding: 12px 16px; margin: 16px 0; }
.rule.warning { border-left-color: var(--warn); } .rule.info { border-left-color: var(--info); }
.rule.open { border-left-color: var(--muted); }
.sev { font-size: 12px; font-weight: 600; text-transform: uppercase; padding: 1px 6px;
       border-radius: 4px; color: #fff; background: var(--fail); margin-left: 6px; }
.sev.warning { background: var(--warn); } .sev.info { background: var(--info); }
.meta { color: var(--muted); font-size: 13px; }
.desc { margin: 6px 0; font-style: italic; }
.instance { border-top: 1px dashed var(--line); padding-top: 10px; margin-top: 10px; }
.check { font-weight: 600; overflow-wrap: anywhere; }
.diff { color: var(--fail); font-weight: 600; }
pre.src { background: var(--bg); border: 1px solid var(--line); border-radius: 4px;
          padding: 2px 6px; margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.lineno { color: var(--muted); user-select: none; }
figure { margin: 10px 0 4px; }
figcaption { color: var(--muted); font-size: 13px; }
svg.relation, svg.timeline { max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
ul.plain { padding-left: 18px; }
.hints { background: #fffaeb; border: 1px solid #fedf89; border-radius: 6px; padding: 4px 14px;
         margin: 12px 0; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; }
"""


# --- reading the picture off an instance ---------------------------------------------------


def _number(v: object) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, dict):
        for key in ("stated", "value"):
            if isinstance(v.get(key), int | float):
                return float(v[key])
        lo, hi = v.get("lo"), v.get("hi")
        if isinstance(lo, int | float) and isinstance(hi, int | float):
            return (float(lo) + float(hi)) / 2
        return float(lo) if isinstance(lo, int | float) else None
    if isinstance(v, list | tuple) and len(v) == 2:
        lo, hi = v
        if isinstance(lo, int | float) and isinstance(hi, int | float):
            return (float(lo) + float(hi)) / 2
    return None


def relation(inst: dict) -> dict | None:
    """{parts: [(label, value)], total: (label, value), kind} for a drawable failing check.

    The instance's `relation` (filled by the rule kind) says which figures are the parts
    and which the whole; their values say how long the bars are. Where a value is not a
    number, or the relation is no part-whole one, the two sides are drawn instead."""
    rel = inst.get("relation")
    if not isinstance(rel, dict):
        return None
    values = inst.get("values") or {}
    whole, parts = rel.get("whole"), list(rel.get("parts") or [])
    if whole is not None and parts and all(n in values for n in [*parts, whole]):
        nums = {n: _number(values.get(n)) for n in [*parts, whole]}
        if all(v is not None for v in nums.values()):
            return {
                "parts": [(str(n), float(nums[n])) for n in parts],  # type: ignore[arg-type]
                "total": (str(whole), float(nums[whole])),  # type: ignore[arg-type]
                "kind": "part-whole",
            }
    lhs, rhs = _number(inst.get("lhs")), _number(inst.get("rhs"))
    if lhs is None or rhs is None:
        return None
    return {"parts": [("left side", lhs)], "total": ("right side", rhs), "kind": "sides"}


def svg_relation(rel: dict, ident: str) -> str:
    """Parts stacked against the total, the gap between them drawn so it cannot be missed."""
    parts: list[tuple[str, float]] = rel["parts"]
    total_label, total = rel["total"]
    whole = sum(v for _, v in parts)
    width, x0, bar = 720, 10, 26
    span = max(whole, total, 1e-9)
    plot = width - 2 * x0 - 130  # room right of the longer bar for its value
    scale = plot / span

    def x(v: float) -> float:
        return round(x0 + max(v, 0.0) * scale, 1)

    sides = rel.get("kind") == "sides"
    top_title = f"{total_label} = {number_text(total)}"
    if sides or len(parts) == 1:
        low_title = f"{parts[0][0]} = {number_text(parts[0][1])}"
    else:
        low_title = f"parts: {plural(len(parts), 'figure')}, sum = {number_text(whole)}"
    if not sides:
        top_title = f"total: {top_title}"
        low_title = low_title if len(parts) > 1 else f"part: {low_title}"
    gap = whole - total
    out = [f'<svg class="relation" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
           f'{{height}}" width="{width}" height="{{height}}" role="img" '
           f'aria-labelledby="{ident}-t">',
           f'<title id="{ident}-t">{escape(low_title)} against {escape(top_title)}</title>',
           f'<defs><pattern id="{ident}-h" width="8" height="8" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fde2e1"/>'
           '<rect width="4" height="8" fill="#d92d20"/></pattern></defs>']
    y = 14
    out.append(f'<text x="{x0}" y="{y}" font-weight="600">{escape(top_title)}</text>')
    y_total = y + 6
    out.append(f'<rect class="total" x="{x0}" y="{y_total}" width="{round(x(total) - x0, 1)}" height="{bar}" '
               'fill="#98a2b3"/>')
    out.append(f'<text x="{x(total) + 6}" y="{y_total + 17}">{escape(number_text(total))}</text>')
    y = y_total + bar + 22
    out.append(f'<text x="{x0}" y="{y}" font-weight="600">{escape(low_title)}</text>')
    y_parts = y + 6
    start = 0.0
    for i, (name, value) in enumerate(parts):
        colour = PALETTE[i % len(PALETTE)]
        x_a, x_b = x(start), x(start + value)
        out.append(f'<rect class="part" x="{x_a}" y="{y_parts}" width="{max(round(x_b - x_a, 1), 0)}" '
                   f'height="{bar}" fill="{colour}" stroke="#fff" stroke-width="1">'
                   f'<title>{escape(name)} = {escape(number_text(value))}</title></rect>')
        if x_b - x_a > 8 * len(number_text(value)) + 6:
            out.append(f'<text x="{round((x_a + x_b) / 2, 1)}" y="{y_parts + 17}" fill="#fff" '
                       f'text-anchor="middle">{escape(number_text(value))}</text>')
        start += value
    # A gap of 1 in 3889 would be a fraction of a pixel: draw it at least MIN_GAP wide.
    if gap > 0:
        out.append(f'<rect class="excess" x="{x(total)}" y="{y_parts}" '
                   f'width="{max(round(x(whole) - x(total), 1), MIN_GAP)}" '
                   f'height="{bar}" fill="url(#{ident}-h)" fill-opacity="0.75" stroke="#d92d20" '
                   'stroke-width="2"/>')
    elif gap < 0:
        w = max(round(x(total) - x(whole), 1), MIN_GAP)
        out.append(f'<rect class="shortfall" x="{round(x(total) - w, 1)}" y="{y_parts}" width="{w}" '
                   f'height="{bar}" fill="none" stroke="#d92d20" stroke-width="2" '
                   'stroke-dasharray="5 3"/>')
    end = max(x(whole), x(total))
    out.append(f'<text x="{end + 6}" y="{y_parts + 17}">{escape(number_text(whole))}</text>')
    out.append(f'<line x1="{x(total)}" y1="{y_total - 4}" x2="{x(total)}" y2="{y_parts + bar + 6}" '
               'stroke="#101828" stroke-width="1.5" stroke-dasharray="4 3"/>')
    y = y_parts + bar + 22
    if gap:
        if sides:
            words = f"the left side exceeds the right by {number_text(gap)}" if gap > 0 else (
                f"the left side is {number_text(-gap)} below the right")
        else:
            what = "the parts" if len(parts) > 1 else "the part"
            verb = ("exceed", "fall") if len(parts) > 1 else ("exceeds", "falls")
            words = f"{what} {verb[0]} the total by {number_text(gap)}" if gap > 0 else (
                f"{what} {verb[1]} {number_text(-gap)} short of the total")
        anchor = min(max((x(total) + x(whole)) / 2, x0 + 120), width - 130)
        out.append(f'<text class="gap" x="{round(anchor, 1)}" y="{y}" text-anchor="middle" '
                   f'fill="#b42318" font-weight="700">{escape(words)}</text>')
        y += 10
    if not sides and len(parts) > 1:
        for i, (name, value) in enumerate(parts):
            y += 18
            out.append(f'<rect x="{x0}" y="{y - 11}" width="12" height="12" '
                       f'fill="{PALETTE[i % len(PALETTE)]}"/>')
            out.append(f'<text x="{x0 + 18}" y="{y}">{escape(name)} = '
                       f'{escape(number_text(value))}</text>')
    height = y + 10
    out.append("</svg>")
    return "\n".join(out).replace("{height}", str(height))


# --- the page -------------------------------------------------------------------------------


class _Sources:
    """Source lines by file, read once; big or binary files are not quoted."""

    def __init__(self) -> None:
        self.cache: dict[str, list[str] | None] = {}

    def line(self, file: str, number: object) -> str | None:
        if not isinstance(number, int) or number < 1:
            return None
        if file not in self.cache:
            self.cache[file] = self._read(file)
        lines = self.cache[file]
        if lines is None or number > len(lines):
            return None
        return lines[number - 1].rstrip("\r\n")

    @staticmethod
    def _read(file: str) -> list[str] | None:
        path = Path(file)
        try:
            if path.suffix.lower() in BINARY or not path.is_file():
                return None
            if path.stat().st_size > SOURCE_LIMIT:
                return None
            return path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None


def _figures_table(inst: dict, sources: _Sources) -> str:
    rows = []
    for name, text, loc in figure_rows(inst):
        src = ""
        if loc:
            line = sources.line(str(loc.get("file", "")), loc.get("line"))
            if line is not None:
                src = (f'<pre class="src"><span class="lineno">{loc["line"]} │ </span>'
                       f"{escape(line.strip()[:300])}</pre>")
        rows.append((f"<tr><td><code>{escape(name)}</code></td><td class=\"num\">{escape(text)}</td>"
                     f"<td class=\"mono\">{escape(where(loc)) if loc else ''}</td>", src))
    quoted = any(src for _, src in rows)
    head = "<th>Source line</th>" if quoted else ""
    body = "".join(row + (f"<td>{src}</td>" if quoted else "") + "</tr>" for row, src in rows)
    return ('<table class="figures"><thead><tr><th>Figure</th><th class="num">Value</th>'
            f"<th>Where</th>{head}</tr></thead><tbody>{body}</tbody></table>")


def _check(inst: dict) -> str:
    """The instance as its heading says what is wrong, else its check as code."""
    if present(inst.get("heading")):
        return escape(str(inst["heading"]))
    return f"<code>{escape(str(inst.get('expression', '')))}</code>"


def _instance(res: dict, inst: dict, status: str, sources: _Sources, ident: str) -> str:
    parts = ['<div class="instance">',
             f'<div class="check">{_check(inst)} '
             f"<span class=\"meta\">{escape(STATUS_LABEL.get(status, status))}</span></div>"]
    coords = coordinates_text(inst)
    if coords:
        parts.append(f'<div class="meta">at {escape(coords)}</div>')
    if present(inst.get("message")):
        parts.append(f"<div>{escape(str(inst['message']))}</div>")
    parts.append(_figures_table(inst, sources))
    if status == "fail" and present(inst.get("difference")) and inst["difference"] != 0:
        parts.append(f'<div class="diff">{escape(difference_text(inst["difference"]))}</div>')
    if present(inst.get("decides")):
        parts.append(f'<div class="meta">{escape(str(inst["decides"]))}</div>')
    if status == "fail":
        rel = relation(inst)
        if rel:
            caption = ("parts stacked against the total; hatched: the excess over the total, "
                       "dashed: what the parts leave unaccounted for") if rel["kind"] == "part-whole" else (
                "left side of the check against its right side")
            parts.append(f"<figure>{svg_relation(rel, ident)}<figcaption>{escape(caption)}"
                         "</figcaption></figure>")
    parts.append("</div>")
    return "\n".join(parts)


def _anchor(res: dict, n: int) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in str(res.get("rule", "")))
    return f"r{n}-{safe}"


def _rule_section(res: dict, n: int, sources: _Sources) -> str:
    severity = str(res.get("severity", "error"))
    status = str(res.get("status", ""))
    cls = severity if status == "fail" else "open"
    counts = (f"{res.get('failed', 0)} of {res.get('checked', 0)} failed" if res.get("failed")
              else plural(int(res.get("checked", 0)), "check"))
    out = [f'<section class="rule {escape(cls)}" id="{_anchor(res, n)}">',
           f'<h3><code>{escape(str(res.get("rule", "")))}</code>'
           f'<span class="sev {escape(severity)}">{escape(severity)}</span></h3>',
           f'<div class="meta">{escape(STATUS_LABEL.get(status, status))} · '
           f'{escape(str(res.get("file", "")))} · {escape(counts)}</div>']
    if res.get("description"):
        out.append(f'<p class="desc">{escape(str(res["description"]))}</p>')
    if status == "error":
        out.append(f'<p class="diff">could not run: '
                   f'{escape(str(res.get("message") or "no reason given"))}</p>')
    k = 0
    for key, st in LISTS:
        for inst in res.get(key) or []:
            k += 1
            out.append(_instance(res, inst, inst.get("status", st), sources, f"{_anchor(res, n)}-{k}"))
    more = unlisted_failures(res)
    if more:
        out.append(f'<p class="meta">… and {plural(more, "more failure")} not listed '
                   "(--max-failures to list more; the counts are exact)</p>")
    out.append("</section>")
    return "\n".join(out)


def _verdict(report: dict) -> tuple[str, str]:
    s = report.get("summary", {})
    if s.get("errors_failed") or report.get("errors"):
        return "failed", "failed"
    if s.get("failed"):
        return "warned", "passed with warnings"
    return "passed", "passed"


def render(report: dict, ctx: RenderContext) -> str:
    sources = _Sources()
    s = report.get("summary", {})
    cls, word = _verdict(report)
    results = list(report.get("results") or [])
    failing = [(i, r) for i, r in enumerate(results) if r.get("status") == "fail"]
    open_ = [(i, r) for i, r in enumerate(results) if r.get("status") in ("undetermined", "missing", "error")]
    passed = [r for r in results if r.get("status") == "pass"]
    files = report.get("files") or []
    tool = report.get("tool") or {}
    body = [
        "<main>",
        f'<h1>missingstats report <span class="verdict {cls}">{escape(word)}</span></h1>',
        f'<p class="summary">{escape(summary_line(report))}</p>',
        '<table class="counts"><thead><tr><th>Files</th><th>Rules</th><th>Checks</th>'
        "<th>Passed</th><th>Failed</th><th>Undetermined</th><th>Not evaluable</th>"
        "</tr></thead><tbody><tr>"
        + "".join(f"<td>{escape(str(s.get(k, 0)))}</td>" for k in (
            "files", "rules", "instances", "passed", "failed", "undetermined", "missing"))
        + "</tr></tbody></table>",
    ]
    if files:
        body.append('<p class="meta">Checked: ' + ", ".join(
            f"<code>{escape(str(f))}</code>" for f in files) + "</p>")
    errors = input_errors(report)
    if errors:
        body.append("<h2>Input errors (not checked)</h2><ul>" + "".join(
            f'<li><code>{escape(where(err))}</code>: {escape(error_message(err, inputs))}</li>'
            for err, inputs in errors) + "</ul>")
    extras = side_notes(report)
    if extras:
        body.append('<div class="hints">' + "".join(
            f'<p><strong>{escape(kind)}</strong> <code>{escape(file)}</code>: {escape(text)}</p>'
            for kind, file, text in extras) + "</div>")
    patterns = pattern_lines(report)
    if patterns:
        body.append('<h2>Failures share coordinates</h2><ul class="patterns">' + "".join(
            f"<li>{escape(line)}</li>" for line in patterns) + "</ul>")
    if failing:
        body.append("<h2>Failing rules</h2><ul class=\"plain\">" + "".join(
            f'<li><a href="#{_anchor(r, i)}"><code>{escape(str(r.get("rule", "")))}</code></a> '
            f'({escape(str(r.get("severity", "")))}, {escape(str(r.get("file", "")))}: '
            f'{r.get("failed", 0)} of {r.get("checked", 0)} failed)</li>'
            for i, r in failing) + "</ul>")
        body += [_rule_section(r, i, sources) for i, r in failing]
    if open_:
        body.append("<h2>Not evaluable or undetermined</h2>")
        body += [_rule_section(r, i, sources) for i, r in open_]
    if report.get("series"):  # timelines of a series of editions (missingstats.series)
        from missingstats.render.timeline import section

        body.append(section(report["series"]))
    notes = report.get("notes") or []
    if notes:
        body.append("<h2>Notes</h2><ul>" + "".join(
            f"<li><code>{escape(where(n))}</code>: {escape(str(n.get('message', '')))}</li>"
            for n in notes) + "</ul>")
    if passed:
        body.append(f"<h2>Passed</h2><details><summary>{plural(len(passed), 'rule')} passed"
                    "</summary><ul>" + "".join(
                        f"<li><code>{escape(str(r.get('rule', '')))}</code> "
                        f"({escape(str(r.get('file', '')))}, "
                        f"{plural(int(r.get('checked', 0)), 'check')})</li>" for r in passed)
                    + "</ul></details>")
    body.append(f"<footer>missingstats {escape(str(tool.get('version', '')))} · report format "
                f"version {escape(str(report.get('version', '')))}</footer>")
    body.append("</main>")
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>missingstats: {escape(word)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
    ]
    return "\n".join(head + body + ["</body>", "</html>"]) + "\n"
