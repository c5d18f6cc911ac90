"""The output formats of `check`: each a pure view of the JSON report dict (report.build()).

FORMATS is the registry of format names; `_module` imports a format's renderer only when
it is chosen, so startup pays for one renderer and the imports stay written out here. A
renderer module has `render(report, ctx)`, which returns the text.

A format may also name a side output for CI: `github` annotations show only ten errors
per step, so its job summary ($GITHUB_STEP_SUMMARY, appended by the CLI) is the Markdown
report (`step_summary`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from missingstats.render.context import RenderContext

Renderer = Callable[[dict, RenderContext], str]


def _module(name: str) -> ModuleType:
    """The renderer of a format, imported only when the format is chosen."""
    if name == "text":
        from missingstats.render import text as module
    elif name == "json":
        from missingstats.render import json_report as module
    elif name == "github":
        from missingstats.render import github as module
    elif name == "junit":
        from missingstats.render import junit as module
    elif name == "sarif":
        from missingstats.render import sarif as module
    elif name == "markdown":
        from missingstats.render import markdown as module
    elif name == "html":
        from missingstats.render import html as module
    else:
        raise KeyError(name)
    return module


@dataclass(frozen=True)
class Format:
    name: str
    summary: str | None = None  # the format of the job summary page of a CI run


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("text"),
    Format("json"),
    Format("github", summary="markdown"),
    Format("junit"),
    Format("sarif"),
    Format("markdown"),
    Format("html"),
)}


def render(name: str, report: dict, ctx: RenderContext) -> str:
    renderer: Renderer = _module(FORMATS[name].name).render
    return renderer(report, ctx)


def step_summary(name: str, report: dict) -> str | None:
    """The text a CI job summary gets for this format (None: the format has none)."""
    summary = FORMATS[name].summary
    return None if summary is None else render(summary, report, RenderContext())


__all__ = ["FORMATS", "Format", "RenderContext", "render", "step_summary"]
