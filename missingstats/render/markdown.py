"""A Markdown report for pull-request comments and the GitHub job summary.

One table row per figure of each failing check, so a reviewer sees rule, severity, the
check, each figure with its value and line, and the difference, without leaving the page.
Not-evaluable and undetermined checks get a second table; passing rules fold into a
<details> list. GitHub-flavoured Markdown: pipes escaped, HTML-special characters escaped.
"""

from __future__ import annotations

from missingstats.render.common import (
    STATUS_LABEL,
    figure_rows,
    instances,
    plural,
    present,
    side_notes,
    summary_line,
    unlisted_failures,
    value_text,
    where,
)
from missingstats.render.context import RenderContext

HEADER = ("Rule", "Severity", "Check", "Figure", "Value", "Difference", "Location")


def cell(text: object) -> str:
    """Plain table-cell text: no line breaks, pipes and HTML specials escaped."""
    s = " ".join(str(text).split())
    return (s.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace("|", "\\|"))


def code(text: object) -> str:
    """A code span inside a table cell (GFM keeps `\\|` inside code spans in tables)."""
    s = " ".join(str(text).split())
    if not s:
        return ""
    if "`" in s:
        return cell(s)
    return f"`{s.replace('|', chr(92) + '|')}`"


def _row(values: list[str]) -> str:
    return "| " + " | ".join(values) + " |"


def _table(rows: list[list[str]]) -> list[str]:
    return [_row(list(HEADER)), _row(["---"] * len(HEADER)), *(_row(r) for r in rows)]


def _instance_rows(res: dict, inst: dict, status: str) -> list[list[str]]:
    severity = str(inst.get("severity") or res.get("severity", ""))
    sev = severity if status == "fail" else f"{severity}, {STATUS_LABEL.get(status, status)}"
    check = code(inst.get("expression", ""))
    coords = ", ".join(f"{k}={v}" for k, v in (inst.get("coordinates") or {}).items())
    if coords:
        check += f" at {cell(coords)}"
    diff = inst.get("difference")
    diff_text = cell(value_text(diff)) if status == "fail" and present(diff) else ""
    figures = figure_rows(inst) or [("", "", None)]
    out = []
    for i, (name, value, loc) in enumerate(figures):
        first = i == 0
        out.append([
            code(res.get("rule", "")) if first else "",
            cell(sev) if first else "",
            check if first else "",
            code(name),
            cell(value),
            diff_text if first else "",
            code(where(loc)) if loc else "",
        ])
    return out


def headline(report: dict) -> str:
    s = report.get("summary", {})
    if s.get("errors_failed"):
        word = "failed"
    elif s.get("failed"):
        word = "passed with warnings"
    else:
        word = "passed"
    return f"## missingstats: {word}"


def render(report: dict, ctx: RenderContext) -> str:
    lines = [headline(report), "", cell(summary_line(report)), ""]
    for kind, file, text in side_notes(report):
        lines += [f"**{kind}** ({code(file)}): {cell(text)}", ""]
    failing: list[list[str]] = []
    open_rows: list[list[str]] = []
    for res in report.get("results") or []:
        for _, inst, status in instances({"results": [res]}):
            (failing if status == "fail" else open_rows).extend(_instance_rows(res, inst, status))
        more = unlisted_failures(res)
        if more:
            failing.append([code(res.get("rule", "")), cell(res.get("severity", "")),
                            cell(f"... and {plural(more, 'more failure')} not listed"),
                            "", "", "", code(res.get("file", ""))])
        if res.get("status") == "error":
            failing.append([code(res.get("rule", "")), cell(f"{res.get('severity', '')}, could not run"),
                            cell(res.get("message") or "the rule could not run"),
                            "", "", "", code(res.get("file", ""))])
    if failing:
        lines += ["### Failures", "", *_table(failing), ""]
    if open_rows:
        lines += ["### Not evaluable or undetermined", "", *_table(open_rows), ""]
    notes = report.get("notes") or []
    if notes:
        lines += ["### Notes", ""]
        lines += [f"- {code(where(n))}: {cell(n.get('message', ''))}" for n in notes]
        lines.append("")
    passed = [r for r in report.get("results") or [] if r.get("status") == "pass"]
    if passed:
        lines += [f"<details><summary>{plural(len(passed), 'rule')} passed</summary>", ""]
        lines += [f"- {code(r.get('rule', ''))} ({cell(r.get('file', ''))}, "
                  f"{plural(int(r.get('checked', 0)), 'check')})" for r in passed]
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
