"""Output formats: each is a pure view of the JSON report dict (render.report.build()).

FORMATS maps a format name to "module:function"; the function takes the report and a
RenderContext and returns the text to write. Renderers are imported only when chosen, so
startup pays for one of them at most.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMATS: dict[str, str] = {
    "text": "missingstats.render.text:render",
    "json": "missingstats.render.json_report:render",
    "github": "missingstats.render.github:render",
    "junit": "missingstats.render.junit:render",
    "sarif": "missingstats.render.sarif:render",
    "markdown": "missingstats.render.markdown:render",
    "html": "missingstats.render.html:render",
}


@dataclass(frozen=True)
class RenderContext:
    color: bool = False
    verbose: bool = False
    width: int = 100
    max_failures: int | None = 20


def render(name: str, report: dict, ctx: RenderContext) -> str:
    import importlib

    module, func = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), func)(report, ctx)
