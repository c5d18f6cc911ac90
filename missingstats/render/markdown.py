"""A Markdown report for pull-request comments and the GitHub job summary.

One table row per figure of each failing check, so a reviewer sees rule, severity, the
check, each figure with its value and line, and the difference, without leaving the page.
Not-evaluable and undetermined checks get a second table; passing rules fold into a
<details> list. GitHub-flavoured Markdown: pipes escaped, HTML-special characters escaped.
"""

from __future__ import annotations

from missingstats.render.common import (
    STATUS_LABEL,
    error_message,
    figure_rows,
    input_errors,
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
    check = cell(inst["heading"]) if present(inst.get("heading")) else code(inst.get("expression", ""))
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
    if s.get("errors_failed") or report.get("errors"):
        word = "failed"
    elif s.get("failed"):
        word = "passed with warnings"
    else:
        word = "passed"
    return f"## missingstats: {word}"


def _open_key(res: dict, inst: dict, status: str) -> tuple:
    """Not-evaluable and undetermined instances alike in every way but their file."""
    values = tuple((str(k), value_text(v)) for k, v in (inst.get("values") or {}).items())
    return (res.get("rule"), res.get("severity"), status, inst.get("expression"),
            tuple(sorted((inst.get("coordinates") or {}).items())), values)


def _open_rows(items: list[tuple[dict, dict, str]]) -> list[list[str]]:
    """The open instances, those alike in several files as one row set 'in N files' (no file
    named: the finding is not any one file's own)."""
    groups: dict[tuple, list[tuple[dict, dict, str]]] = {}
    for item in items:
        groups.setdefault(_open_key(*item), []).append(item)
    rows: list[list[str]] = []
    for members in groups.values():
        res, inst, status = members[0]
        files = list(dict.fromkeys(str(r.get("file", "")) for r, _, _ in members))
        if len(files) == 1:
            rows += _instance_rows(res, inst, status)
            continue
        shared = _instance_rows(res, {**inst, "locations": []}, status)
        shared[0][-1] = cell(f"in {plural(len(files), 'file')}")
        rows += shared
    return rows


def _passed(report: dict) -> list[str]:
    """Passing rules folded into <details>, one line per rule with its files and checks."""
    by_rule: dict[str, list[dict]] = {}
    for r in report.get("results") or []:
        if r.get("status") == "pass":
            by_rule.setdefault(str(r.get("rule", "")), []).append(r)
    if not by_rule:
        return []
    files = {str(r.get("file", "")) for rs in by_rule.values() for r in rs}
    head = f"{plural(len(by_rule), 'rule')} passed"
    if len(files) > 1:
        head += f" in {plural(len(files), 'file')}"
    lines = [f"<details><summary>{head}</summary>", ""]
    for rule, rs in by_rule.items():
        where = cell(rs[0].get("file", "")) if len(rs) == 1 else plural(len(rs), "file")
        checks = plural(sum(int(r.get("checked", 0)) for r in rs), "check")
        lines.append(f"- {code(rule)} ({where}, {checks})")
    return lines + ["", "</details>", ""]


def _errors(report: dict) -> list[str]:
    errors = input_errors(report)
    if not errors:
        return []
    lines = ["### Input errors (not checked)", ""]
    for err, inputs in errors:
        lines.append(f"- {code(where(err))}: {cell(error_message(err, inputs))}")
    return lines + [""]


def render(report: dict, ctx: RenderContext) -> str:
    lines = [headline(report), "", cell(summary_line(report)), ""]
    lines += _errors(report)
    if not ctx.quiet:
        for kind, file, text in side_notes(report):
            lines += [f"**{kind}** ({code(file)}): {cell(text)}", ""]
    failing: list[list[str]] = []
    open_items: list[tuple[dict, dict, str]] = []
    for res in report.get("results") or []:
        for _, inst, status in instances({"results": [res]}):
            if status == "fail":
                failing.extend(_instance_rows(res, inst, status))
            else:
                open_items.append((res, inst, status))
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
    if ctx.quiet:
        return "\n".join(lines).rstrip("\n") + "\n"
    open_rows = _open_rows(open_items)
    if open_rows:
        lines += ["### Not evaluable or undetermined", "", *_table(open_rows), ""]
    notes = report.get("notes") or []
    if notes:
        lines += ["### Notes", ""]
        lines += [f"- {code(where(n))}: {cell(n.get('message', ''))}" for n in notes]
        lines.append("")
    lines += _passed(report)
    return "\n".join(lines).rstrip("\n") + "\n"
