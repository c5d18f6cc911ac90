"""render.draft: the draft figure sheet of `extract --output`, which loads as a sheet."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missingstats.inputs.documents.extract import Mention
from missingstats.inputs.sheet import load_sheet
from missingstats.render import draft

EXACT = Mention("count", "3,889", 10, 15, 0, 2, 5, value=3889, lo=3889, hi=3889,
                sentence="A total of 3,889 persons are missing.", context=["missing", "persons"],
                head="persons", status="missing")
AT_LEAST = Mention("count", "at least 871", 40, 52, 0, 3, 1, value=871, lo=871, hi=math.inf,
                   qualifier="at least", sentence="At least 871 were detained.",
                   context=["detained"], words="871 or more")
BETWEEN = Mention("count", "between 270 and 330", 60, 79, 1, 5, 12, lo=270, hi=330,
                  qualifier="between", sentence='Between 270 and 330 "disappeared".')


def test_draft_sheet_lines(tmp_path):
    out = draft.draft_sheet(str(tmp_path / "letter.txt"), str(tmp_path / "figures.yaml"),
                            [EXACT, AT_LEAST, BETWEEN])
    lines = out.splitlines()
    assert lines[4] == 'text: "letter.txt"'
    assert lines[5] == "figures:"
    assert lines[6:11] == ["  # line 2: missing, persons", "  figure_01:", "    value: 3889",
                           '    quote: "A total of 3,889 persons are missing."', "    text_line: 2"]
    assert lines[11:17] == ["  # line 3: detained (871 or more)", "  figure_02:", "    value: 871",
                            "    qualifier: at least", '    quote: "At least 871 were detained."',
                            "    text_line: 3"]
    assert lines[17:19] == ["  # line 5: ?", "  figure_03:"]
    assert lines[19] == "    between: [270, 330]"


def test_draft_text_path_is_relative_to_the_output(tmp_path):
    (tmp_path / "docs").mkdir()
    out = draft.draft_sheet(str(tmp_path / "docs" / "a.txt"), str(tmp_path / "sheets" / "a.yaml"),
                            [EXACT])
    assert 'text: "../docs/a.txt"' in out.splitlines()


def test_draft_loads_as_a_sheet(tmp_path):
    text = draft.draft_sheet(str(tmp_path / "letter.txt"), str(tmp_path / "f.yaml"),
                             [EXACT, AT_LEAST, BETWEEN])
    sheet = load_sheet("f.yaml", text)
    figs = sheet.figures
    assert list(figs) == ["figure_01", "figure_02", "figure_03"]
    assert (figs["figure_01"].lo, figs["figure_01"].hi) == (3889, 3889)
    assert (figs["figure_02"].lo, figs["figure_02"].hi) == (871, math.inf)
    assert (figs["figure_03"].lo, figs["figure_03"].hi) == (270, 330)
    assert figs["figure_02"].quote == "At least 871 were detained."


# sentences as documents give them: any printable text (control characters: see below)
SENTENCES = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**9), SENTENCES, st.lists(SENTENCES, max_size=2)),
                min_size=1, max_size=12))
def test_draft_of_any_counts_loads_with_every_value(items):
    """Whatever the sentences hold (quotes, colons, newlines, '#'), the draft is a sheet
    whose figures have the counts and quotes in order, padded names sorting as listed."""
    mentions = [Mention("count", str(v), 0, 1, 0, i + 1, 1, value=v, lo=v, hi=v, sentence=s,
                        context=c) for i, (v, s, c) in enumerate(items)]
    sheet = load_sheet("f.yaml", draft.draft_sheet("t.txt", "f.yaml", mentions))
    figs = list(sheet.figures.values())
    assert [f.lo for f in figs] == [v for v, _, _ in items]
    assert [f.quote for f in figs] == [s for _, s, _ in items]
    assert [f.name for f in figs] == sorted(f.name for f in figs)


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9f"])
def test_draft_quote_with_a_control_character_loads_as_written(char):
    sentence = f"A total of 3,889 persons{char} are missing."
    m = Mention("count", "3,889", 0, 5, 0, 1, 12, value=3889, lo=3889, hi=3889, sentence=sentence,
                context=["missing"], words=f"persons{char} are missing.")
    sheet = load_sheet("f.yaml", draft.draft_sheet("t.txt", "f.yaml", [m]))
    assert sheet.figures["figure_01"].quote == sentence
