"""render.context: how a report is to be laid out (colour, verbosity, width, list length)."""

from __future__ import annotations

import dataclasses

import pytest

from missingstats.render.context import RenderContext


def test_render_context_defaults_and_immutability():
    ctx = RenderContext()
    assert (ctx.color, ctx.verbose, ctx.width, ctx.max_failures) == (False, False, 100, 20)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.width = 80  # type: ignore[misc]
    assert RenderContext(max_failures=None).max_failures is None
    assert RenderContext(width=80) == RenderContext(width=80)
