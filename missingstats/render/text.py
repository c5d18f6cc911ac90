"""The terminal report: what failed, which figures, their values, by how much, where.

Written for data editors: the figure's name, its value and file:line come before any
statistics jargon. Colour comes from rich and only when the context asks for it (a
terminal, honouring NO_COLOR / FORCE_COLOR / TERM=dumb, or --color); the words are the
same without.

It stays readable at hundreds of files: a failure is its file's own and names it, while
what many files share (the rules that passed, the figures none of them reports) is said
once per rule with a count of files; a file is named there only when the line is its own.
`--quiet` keeps the summary, the input errors and the failures.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from missingstats.render.common import error_text, input_errors, pattern_lines, summary_line
from missingstats.render.common import plural as _plural
from missingstats.render.common import value_text as _value
from missingstats.render.common import where as _where
from missingstats.render.context import RenderContext
from missingstats.render.markup import PlainConsole, escape

STATUS_STYLE = {
    "fail": "bold red", "undetermined": "bold yellow", "missing": "bold blue", "pass": "green",
}
STATUS_WORD = {
    "fail": "FAIL", "undetermined": "UNDETERMINED", "missing": "NOT EVALUABLE", "pass": "PASS",
}
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}
MAX_NAMES = 4  # figures named per not-evaluable rule before "and N more"
MANY_IDLE = 3  # from this many wholly not-evaluable rules on, they share one line


def _needs(res: dict) -> str:
    """Which figures a rule's not-evaluable instances lack: 'needs a, b and 2 more'."""
    names: dict[str, None] = {}
    for inst in res.get("missing_instances", []):
        for name, value in inst.get("values", {}).items():
            if value is None:
                names.setdefault(name, None)
    if not names:  # present but unusable (confidential, no value): say why, once
        why = next((i["message"] for i in res.get("missing_instances", []) if i.get("message")), "")
        if why:
            return why
    shown = list(names)[:MAX_NAMES]
    lacking = ", ".join(shown) if shown else "figures"
    if len(names) > MAX_NAMES:
        lacking += f" and {len(names) - MAX_NAMES} more"
    return f"needs {lacking}"


def _unreported(res: dict) -> str:
    """One line for a rule's not-evaluable instances: which figures the file lacks."""
    return f"{res['rule']} ({res['missing']} of {res['checked']}): {_needs(res)}"


@dataclass
class _Unreported:
    """A rule's not-evaluable instances lacking the same figures, over the files it holds in."""

    rule: str
    needs: str
    missing: int = 0
    checked: int = 0
    files: list[str] = field(default_factory=list)

    @property
    def idle(self) -> bool:
        return self.missing == self.checked

    def line(self, many_files: bool, total: int = 0) -> str:
        text = f"{self.rule} ({self.missing} of {self.checked}): {self.needs}"
        return text + _in_files(self.files, total) if many_files else text


def _in_files(files: list[str], total: int = 0) -> str:
    """Where a line holds, over several files: ' in a.yaml' when it is one file's own,
    ' in 7 of 9 files' when it is shared by some, ' in all 9 files'."""
    if len(files) == 1:
        return f" in {files[0]}"
    if len(files) == total:
        return f" in all {total} files"
    return f" in {len(files)} of {total} files" if total else f" in {len(files)} files"


def _named(by_rule: dict[str, list[str]], total: int) -> tuple[str, str]:
    """(where they all hold, the rules each with where it holds): ' in 9 files' when every
    rule holds in all of them, ', in all 9 files unless said' when only some do."""
    names = ", ".join(rule + ("" if len(files) == total else _in_files(files, total))
                      for rule, files in by_rule.items())
    if all(len(files) == total for files in by_rule.values()):
        return f" in {_plural(total, 'file')}", names
    if any(len(files) == total for files in by_rule.values()):
        return f", in all {total} files unless said", names
    return "", names


def _unreported_groups(rules: list[dict]) -> list[_Unreported]:
    groups: dict[tuple[str, str], _Unreported] = {}
    for res in rules:
        needs = _needs(res)
        g = groups.setdefault((res["rule"], needs), _Unreported(res["rule"], needs))
        g.missing += res["missing"]
        g.checked += res["checked"]
        g.files.append(res["file"])
    return list(groups.values())


def _unreported_lines(rules: list[dict], total: int = 1) -> list[str]:
    """Partly evaluable rules one per line (per rule and lacking figures, over the files);
    many wholly unevaluable ones (a pack written for other sheets) in one line, so they do
    not bury the findings. `total`: the files checked."""
    many = total > 1
    groups = _unreported_groups(rules)
    idle: dict[str, list[str]] = {}
    for g in groups:
        if g.idle:
            idle.setdefault(g.rule, []).extend(g.files)
    if len(idle) < MANY_IDLE:
        return [g.line(many, total) for g in groups]
    lines = [g.line(many, total) for g in groups if not g.idle]
    if not many:
        lines.append(f"{len(idle)} rules could not be evaluated at all (each needs a figure this "
                     f"file does not report): {', '.join(idle)} (--verbose lists the figures)")
        return lines
    where, names = _named(idle, total)
    lines.append(f"{len(idle)} rules could not be evaluated at all{where} (each needs a figure "
                 f"the files do not report): {names} (--verbose lists the figures)")
    return lines


def _passed_line(passed: list[dict], total: int = 1) -> str:
    """'6 rules passed (a, b, ...)'; over many files '6 rules passed in 100 files (...)', a
    rule that passed in fewer files than all saying in how many (or in which one)."""
    by_rule: dict[str, list[str]] = {}
    for res in passed:
        by_rule.setdefault(res["rule"], []).append(res["file"])
    head = f"{_plural(len(by_rule), 'rule')} passed"
    if total > 1:
        where, names = _named(by_rule, total)
        head += where
    else:
        names = ", ".join(by_rule)
    return f"[green]{escape(head)}[/] [dim]({escape(names)}; --verbose lists them)[/]"


def _instance(out, inst: dict, status: str) -> None:
    out.print(f"  [bold]{escape(inst.get('heading') or inst['expression'])}[/]")
    if inst.get("coordinates"):
        coords = ", ".join(f"{k}={v}" for k, v in inst["coordinates"].items())
        out.print(f"    at {escape(coords)}")
    if inst.get("message"):
        out.print(f"    {escape(inst['message'])}")
    locs = {loc.get("figure"): loc for loc in inst.get("locations", [])}
    values = inst.get("values", {})
    width = max((len(n) for n in values), default=0)
    for name, v in values.items():
        loc = locs.get(name)
        where = f"  [dim]{escape(_where(loc))}[/]" if loc else ""
        flag = f" ({loc['flag']})" if loc and loc.get("flag") else ""
        out.print(f"    {escape(name.ljust(width))} = {escape(_value(v) + flag)}{where}")
    for loc in inst.get("locations", []):
        if loc.get("figure") not in values:
            out.print(f"    [dim]{escape(_where(loc))}[/]")
    if status == "fail" and inst.get("difference") not in (None, 0):
        out.print(f"    difference: [bold]{_value(inst['difference'])}[/] (left side minus right side)")
    if inst.get("decides"):
        out.print(f"    {escape(inst['decides'])}")


def _rule_section(out, res: dict, ctx: RenderContext) -> None:
    status = res["status"]
    out.print()
    counts = f"{res['failed']} of {res['checked']} failed" if res["failed"] else (
        f"{res['checked']} checked")
    if res.get("flagged"):
        counts += f", {res['flagged']} reported as warnings (flagged cells)"
    sev = res["severity"]
    out.print(
        f"[{STATUS_STYLE[status]}]{STATUS_WORD[status]}[/] [bold]{escape(res['rule'])}[/] "
        f"[{SEVERITY_STYLE.get(sev, '')}]({sev})[/] {escape(res['file'])}  [dim]{counts}[/]"
    )
    if res.get("description"):
        out.print(f"  [italic]{escape(res['description'])}[/]")
    lists = (("failures", "fail"),) if ctx.quiet else (
        ("failures", "fail"), ("undetermined_instances", "undetermined"))
    for key, st in lists:
        for inst in res.get(key, []):
            _instance(out, inst, st)
    if res.get("missing") and not ctx.quiet:
        out.print(f"  [blue]not evaluable:[/] {escape(_unreported(res))}")
    shown = len(res.get("failures", []))
    if res["failed"] > shown:
        out.print(f"  [dim]... and {res['failed'] - shown} more failures "
                  f"(--max-failures to list more)[/]")
    if ctx.verbose:
        for inst in res.get("passed_instances", []):
            out.print(f"  [green]ok[/] {escape(inst['expression'])}")


def _console(buf: io.StringIO, ctx: RenderContext):
    if not ctx.color:
        return PlainConsole(buf)
    from rich.console import Console

    # The CLI decided (a terminal that wants colour, or --color over NO_COLOR): say it all.
    return Console(
        file=buf, force_terminal=True, width=ctx.width, highlight=False, soft_wrap=True,
        color_system="standard", emoji=False, no_color=False,
    )


def _errors(out, report: dict) -> None:
    for err, inputs in input_errors(report):
        out.print(f"[bold red]ERROR[/] {escape(error_text(err, inputs))}")


def _sides(out, report: dict, many_files: bool) -> None:
    """The prose summaries and hints, each naming its sheet when the run has several."""
    for key, title in (("prose", "prose"), ("hints", "hint")):
        for item in report.get(key, []) or []:
            if isinstance(item, dict) and item.get("text"):
                label = f"{title} ({item['file']})" if many_files and item.get("file") else title
                out.print(f"{escape(label)}: {escape(item['text'])}")


def render(report: dict, ctx: RenderContext) -> str:
    buf = io.StringIO()
    out = _console(buf, ctx)
    s = report["summary"]
    bad = s.get("errors_failed") or report.get("errors")
    head_style = "bold red" if bad else "bold yellow" if s["failed"] else "bold green"
    out.print(f"[{head_style}]{escape(summary_line(report))}[/]")
    _errors(out, report)
    many_files = len(report.get("files") or []) > 1
    checked = len(set(report.get("files") or []) - {e.get("input") for e in report.get("errors") or []})
    if not ctx.quiet:
        for note in report.get("notes", []):
            out.print(f"[dim]note: {escape(_where(note))}: {escape(note['message'])}[/]")
    passed: list[dict] = []
    unreported: list[dict] = []
    for res in report["results"]:
        status = res["status"]
        if status == "pass":
            passed.append(res)
            if not ctx.verbose:
                if res.get("missing"):
                    unreported.append(res)
                continue
        if status == "missing" and not ctx.verbose:
            unreported.append(res)
            continue
        if ctx.quiet and status != "fail":
            continue
        _rule_section(out, res, ctx)
    if ctx.quiet:
        return buf.getvalue()
    if passed and not ctx.verbose:
        out.print()
        out.print(_passed_line(passed, checked))
    patterns = pattern_lines(report)
    if patterns:
        out.print()
        out.print("[bold]Failures share coordinates[/] [dim](one likely cause each)[/]")
        for line in patterns:
            out.print(f"  {escape(line)}")
    if unreported:
        out.print()
        out.print("[blue]Not evaluable, figures not reported:[/]")
        for line in _unreported_lines(unreported, checked):
            out.print(f"  {escape(line)}")
    _sides(out, report, many_files)
    return buf.getvalue()

