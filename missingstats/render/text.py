"""The terminal report: what failed, which figures, their values, by how much, where.

Written for data editors: the figure's name, its value and file:line come before any
statistics jargon. Colour comes from rich and only when the context asks for it (a
terminal, honouring NO_COLOR / FORCE_COLOR / TERM=dumb); the words are the same without.
"""

from __future__ import annotations

import io

from missingstats.render.common import pattern_lines, summary_line
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


def _unreported(res: dict) -> str:
    """One line for a rule's not-evaluable instances: which figures the file lacks."""
    names: dict[str, None] = {}
    for inst in res.get("missing_instances", []):
        for name, value in inst.get("values", {}).items():
            if value is None:
                names.setdefault(name, None)
    count = f"{res['missing']} of {res['checked']}"
    if not names:  # present but unusable (confidential, no value): say why, once
        why = next((i["message"] for i in res.get("missing_instances", []) if i.get("message")), "")
        if why:
            return f"{res['rule']} ({count}): {why}"
    shown = list(names)[:MAX_NAMES]
    lacking = ", ".join(shown) if shown else "figures"
    if len(names) > MAX_NAMES:
        lacking += f" and {len(names) - MAX_NAMES} more"
    return f"{res['rule']} ({count}): needs {lacking}"


MAX_NAMES = 4  # figures named per not-evaluable rule before "and N more"
MANY_IDLE = 3  # from this many wholly not-evaluable rules on, they share one line


def _unreported_lines(rules: list[dict]) -> list[str]:
    """Partly evaluable rules one per line; many wholly unevaluable ones (a pack written for
    other sheets) in one line, so they do not bury the findings."""
    idle = [r for r in rules if r["missing"] == r["checked"]]
    if len(idle) < MANY_IDLE:
        return [_unreported(r) for r in rules]
    lines = [_unreported(r) for r in rules if r["missing"] != r["checked"]]
    names = ", ".join(r["rule"] for r in idle)
    lines.append(f"{len(idle)} rules could not be evaluated at all (each needs a figure this "
                 f"file does not report): {names} (--verbose lists the figures)")
    return lines


def _instance(out, inst: dict, status: str) -> None:
    out.print(f"  [bold]{escape(inst['expression'])}[/]")
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


def render(report: dict, ctx: RenderContext) -> str:
    buf = io.StringIO()
    if ctx.color:
        from rich.console import Console

        out = Console(
            file=buf, force_terminal=True, width=ctx.width, highlight=False, soft_wrap=True,
            color_system="standard", emoji=False,
        )
    else:
        out = PlainConsole(buf)
    s = report["summary"]
    head_style = "bold red" if s.get("errors_failed") else "bold yellow" if s["failed"] else "bold green"
    out.print(f"[{head_style}]{escape(summary_line(report))}[/]")
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
        for key, st in (("failures", "fail"), ("undetermined_instances", "undetermined")):
            for inst in res.get(key, []):
                _instance(out, inst, st)
        if res.get("missing"):
            out.print(f"  [blue]not evaluable:[/] {escape(_unreported(res))}")
        shown = len(res.get("failures", []))
        if res["failed"] > shown:
            out.print(f"  [dim]... and {res['failed'] - shown} more failures "
                      f"(--max-failures to list more)[/]")
        if ctx.verbose:
            for inst in res.get("passed_instances", []):
                out.print(f"  [green]ok[/] {escape(inst['expression'])}")
    if passed and not ctx.verbose:
        out.print()
        names = ", ".join(r["rule"] for r in passed)
        out.print(f"[green]{_plural(len(passed), 'rule')} passed[/] [dim]({escape(names)}; "
                  "--verbose lists them)[/]")
    patterns = pattern_lines(report)
    if patterns:
        out.print()
        out.print("[bold]Failures share coordinates[/] [dim](one likely cause each)[/]")
        for line in patterns:
            out.print(f"  {escape(line)}")
    if unreported:
        out.print()
        out.print("[blue]Not evaluable, figures not reported:[/]")
        for line in _unreported_lines(unreported):
            out.print(f"  {escape(line)}")
    for key, title in (("prose", "prose"), ("hints", "hint")):
        for item in report.get(key, []) or []:
            if isinstance(item, dict) and item.get("text"):
                out.print(f"{title}: {escape(item['text'])}")
    return buf.getvalue()
