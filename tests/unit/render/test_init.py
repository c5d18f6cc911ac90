"""render.init: init's words, which starter files were written or left, and what to run next."""

from __future__ import annotations

from missingstats.render import init as init_words


def test_init_text_in_the_current_directory():
    text = init_words.init_text(".", [("figures.yaml", True), ("rules.yaml", False)])
    assert text.splitlines() == [
        "created  figures.yaml",
        "skipped  rules.yaml (exists; left unchanged)",
        "next: missingstats check figures.yaml    # then edit the figures; "
        "`pre-commit install` checks them on every commit",
    ]
    assert init_words.init_text("", []).startswith("next: missingstats check figures.yaml ")


def test_init_text_in_another_directory_shows_paths_there():
    text = init_words.init_text("stats", [("figures.yaml", True), (".pre-commit-config.yaml", True)])
    lines = text.splitlines()
    assert lines[0] == "created  stats/figures.yaml"
    assert lines[1] == "created  stats/.pre-commit-config.yaml"
    assert lines[2].startswith("next: missingstats check stats/figures.yaml ")
    assert text.endswith("\n") and not text.endswith("\n\n")
