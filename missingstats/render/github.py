"""GitHub Actions workflow commands: one annotation per listed failing instance.

    ::error file=data/letter.yaml,line=62,col=16,title=missingstats detained-within-missing::...

Failures of error rules are `::error`, of warning rules `::warning`, of info rules
`::notice`; undetermined verdicts are warnings and not-evaluable ones notices. The file and
line are the first figure of the check (its left-hand side); the message names every figure
with its value and line. GitHub shows only 10 annotations of each kind per step, so the
format registry (render/__init__.py) names the Markdown report as this format's job summary,
which the CLI appends to `$GITHUB_STEP_SUMMARY` when it is set.
"""

from __future__ import annotations

from pathlib import Path

from missingstats.render.common import (
    error_message,
    input_errors,
    instance_lines,
    instances,
    plural,
    primary_location,
    repo_path,
    repo_root,
    side_notes,
    summary_line,
    unlisted_failures,
)
from missingstats.render.context import RenderContext

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message part: % first, then CR and LF (GitHub's toolkit escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as data, plus ':' and ',' (GitHub's toolkit escapeProperty)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props: object) -> str:
    shown = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in props.items() if value not in (None, "")
    )
    return f"::{kind} {shown}::{escape_data(message)}" if shown else f"::{kind}::{escape_data(message)}"


def kind_for(severity: str, status: str) -> str:
    if status == "fail":
        return COMMAND.get(severity, "error")
    if status == "undetermined" and severity != "info":
        return "warning"
    if status == "error":
        return "error"
    return "notice"


def _location_props(loc: dict, root: Path) -> dict[str, object]:
    file = str(loc.get("file") or "")
    props: dict[str, object] = {"file": repo_path(file, root) or file}
    if loc.get("line") is not None:
        props["line"] = loc["line"]
        if loc.get("column") is not None:
            props["col"] = loc["column"]
    return props


def _open_key(res: dict, inst: dict, status: str) -> tuple:
    """Open (not evaluable, undetermined) instances alike in every way but their file."""
    return (res.get("rule"), res.get("severity"), status, inst.get("expression"),
            tuple(sorted((inst.get("coordinates") or {}).items())),
            tuple((str(k), str(v)) for k, v in (inst.get("values") or {}).items()))


def _annotation(res: dict, inst: dict, status: str, root: Path, files: list[str]) -> str:
    severity = str(res.get("severity", "error"))
    level = str(inst.get("severity") or severity)  # a flagged table failure: a warning
    body = instance_lines(res, inst, status)
    if res.get("description"):
        body.append(f"rule: {res['description']}")
    props = _location_props(primary_location(res, inst), root)
    if len(files) > 1:  # alike in many files: none of them is named, the count is
        body.append(f"in {plural(len(files), 'file')}")
        props = {}
    return command(kind_for(level, status), "\n".join(body), **props,
                   title=f"missingstats {res.get('rule', '')} ({severity})")


def _rule_lines(res: dict, root: Path, quiet: bool, open_files: dict[tuple, list[str]],
                said: set[tuple]) -> list[str]:
    """A rule's annotations: each failure, and each open instance once for all the files it
    is alike in (at its first)."""
    severity = str(res.get("severity", "error"))
    title = f"missingstats {res.get('rule', '')} ({severity})"
    lines = []
    for _, inst, status in instances({"results": [res]}):
        if status == "fail":
            lines.append(_annotation(res, inst, status, root, [str(res.get("file", ""))]))
            continue
        key = _open_key(res, inst, status)
        if quiet or key in said:
            continue
        said.add(key)
        lines.append(_annotation(res, inst, status, root, open_files[key]))
    more = unlisted_failures(res)
    if more:
        lines.append(command(
            kind_for(severity, "fail"),
            f"{plural(more, 'more failure')} of this rule not listed "
            "(--max-failures to list more; the counts are exact)",
            **_location_props({"file": res.get("file")}, root), title=title,
        ))
    if res.get("status") == "error" and not res.get("failures"):
        lines.append(command("error", str(res.get("message") or "the rule could not run"),
                             **_location_props({"file": res.get("file")}, root),
                             title=f"missingstats {res.get('rule', '')}"))
    return lines


def render(report: dict, ctx: RenderContext) -> str:
    root = repo_root()
    lines = [f"missingstats: {summary_line(report)}"]
    for err, inputs in input_errors(report):
        lines.append(command("error", error_message(err, inputs), **_location_props(err, root),
                             title="missingstats input error"))
    if not ctx.quiet:
        for kind, file, text in side_notes(report):
            lines.append(command("notice", text, **_location_props({"file": file}, root),
                                 title=f"missingstats {kind}"))
        for note in report.get("notes") or []:
            lines.append(command("notice", str(note.get("message", "")),
                                 **_location_props(note, root), title="missingstats note"))
    open_files: dict[tuple, list[str]] = {}
    for res, inst, status in instances(report):
        if status != "fail":
            files = open_files.setdefault(_open_key(res, inst, status), [])
            if str(res.get("file", "")) not in files:
                files.append(str(res.get("file", "")))
    said: set[tuple] = set()
    for res in report.get("results") or []:
        lines += _rule_lines(res, root, ctx.quiet, open_files, said)
    return "\n".join(lines) + "\n"
