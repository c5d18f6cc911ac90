"""The output formats of `check`: each a pure view of the JSON report dict (report.build()).

FORMATS is the registry: one small function per format imports its renderer, so startup
pays for the chosen renderer only and the imports stay visible here (as in
kinds/registry.py). A renderer takes the report and a RenderContext and returns the text.

A format may also name a side output for CI: `github` annotations show only ten errors
per step, so its job summary ($GITHUB_STEP_SUMMARY, appended by the CLI) is the Markdown
report (`step_summary`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from missingstats.render.context import RenderContext

Renderer = Callable[[dict, RenderContext], str]


def _text() -> Renderer:
    from missingstats.render import text

    return text.render


def _json() -> Renderer:
    from missingstats.render import json_report

    return json_report.render


def _github() -> Renderer:
    from missingstats.render import github

    return github.render


def _junit() -> Renderer:
    from missingstats.render import junit

    return junit.render


def _sarif() -> Renderer:
    from missingstats.render import sarif

    return sarif.render


def _markdown() -> Renderer:
    from missingstats.render import markdown

    return markdown.render


def _html() -> Renderer:
    from missingstats.render import html

    return html.render


@dataclass(frozen=True)
class Format:
    name: str
    load: Callable[[], Renderer]
    summary: Callable[[], Renderer] | None = None  # the job summary page of a CI run


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("text", _text),
    Format("json", _json),
    Format("github", _github, summary=_markdown),
    Format("junit", _junit),
    Format("sarif", _sarif),
    Format("markdown", _markdown),
    Format("html", _html),
)}


def render(name: str, report: dict, ctx: RenderContext) -> str:
    return FORMATS[name].load()(report, ctx)


def step_summary(name: str, report: dict) -> str | None:
    """The text a CI job summary gets for this format (None: the format has none)."""
    summary = FORMATS[name].summary
    return None if summary is None else summary()(report, RenderContext())


__all__ = ["FORMATS", "Format", "RenderContext", "render", "step_summary"]
