"""Plain rendering without rich must print exactly what rich prints with styles off."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.markup import escape as rich_escape
from rich.markup import render as rich_render

from missingstats.render.markup import escape, strip

TEXT = st.lists(
    st.sampled_from(list("ab [/]\\=#@0,:") + ["bold", "dim", "[/]", "[red]"]), max_size=30
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_escape_matches_rich(text):
    assert escape(text) == rich_escape(text)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_strip_matches_rich_for_escaped_text_inside_tags(text):
    markup = f"[bold red]{escape(text)}[/] [dim]x[/]"
    assert strip(markup) == rich_render(markup, emoji=False).plain


def test_known_cases():
    assert strip("[bold]detained.total[/] = 871  [dim]a.yaml:3:4[/]") == "detained.total = 871  a.yaml:3:4"
    assert strip(escape("must lie in [0, 71]")) == "must lie in [0, 71]"
    assert strip(escape("[bold] literally")) == "[bold] literally"
