"""The JSON report: the versioned contract of docs/report.md, as is."""

from __future__ import annotations

import json

from missingstats.render.context import RenderContext


def render(report: dict, ctx: RenderContext) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
