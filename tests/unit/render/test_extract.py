"""render.extract: the counts a document states, as text or as the documented JSON."""

from __future__ import annotations

import json
import math

from missingstats.inputs.documents.extract import Mention
from missingstats.render import extract as ext

EXACT = Mention("count", "3,889", 10, 15, 0, 2, 5, value=3889, lo=3889, hi=3889,
                sentence="A total of 3,889 persons are missing.", context=["missing", "persons"],
                head="persons", status="missing")
AT_LEAST = Mention("count", "at least 871", 40, 52, 0, 3, 1, value=871, lo=871, hi=math.inf,
                   qualifier="at least", sentence="At least 871 were detained.",
                   context=["detained"], words="871 or more")
BETWEEN = Mention("count", "between 270 and 330", 60, 79, 1, 5, 12, lo=270, hi=330,
                  qualifier="between", sentence='Between 270 and 330 "disappeared".')
YEAR = Mention("year", "2020", 0, 4, 0, 1, 1, value=2020, detail="date", sentence="In 2020.")



def test_mention_json_has_the_documented_keys():
    got = ext.mention_json(AT_LEAST)
    assert list(got) == ["kind", "text", "value", "lo", "hi", "qualifier", "detail", "line",
                         "column", "page", "text_line", "sentence", "context", "head", "status",
                         "words", "footnote"]
    assert got["page"] is None  # a plain text has no pages
    assert (got["value"], got["lo"], got["hi"]) == (871, 871, None)  # open end is null
    assert got["context"] == ["detained"] and got["footnote"] is False


def test_report_counts_kinds():
    rep = ext.report("letter.txt", [EXACT, AT_LEAST, YEAR])
    assert rep["version"] == ext.JSON_VERSION == 1
    assert rep["file"] == "letter.txt"
    assert rep["summary"] == {"counts": 2, "mentions": 3, "kinds": {"count": 2, "year": 1}}
    assert [m["text"] for m in rep["mentions"]] == ["3,889", "at least 871", "2020"]
    assert ext.report("x.txt", [])["summary"] == {"counts": 0, "mentions": 0, "kinds": {}}


def test_said():
    assert ext.said(EXACT) == "3,889"
    assert ext.said(AT_LEAST) == "at least 871 (871 or more)"
    assert ext.said(BETWEEN) == "between 270 and 330 (270 to 330)"
    assert ext.said(YEAR) == "2020"
    spread = Mention("count", "some\n 300", 0, 9, 0, 1, 1, lo=270, hi=330)
    assert ext.said(spread) == "some 300 (270 to 330)"


def test_text_lists_counts_and_mentions_other_kinds():
    text = ext.text("letter.txt", [EXACT, AT_LEAST, YEAR], show_all=False)
    lines = text.splitlines()
    assert lines[0] == "letter.txt: 2 counts; also 1 year (--all lists them)"
    assert lines[1] == ""
    assert lines[2].split() == ["2:5", "3,889", "missing,", "persons"]
    assert lines[3].strip() == '"A total of 3,889 persons are missing."'
    assert lines[4].split()[:4] == ["3:1", "at", "least", "871"]
    assert "2020" not in text.split("\n", 1)[1]
    every = ext.text("letter.txt", [EXACT, YEAR], show_all=True).splitlines()
    assert every[0] == "letter.txt: 1 count; also 1 year"
    assert every[-1].split() == ["1:1", "2020", "year", "(date)"]


def test_text_shortens_long_sentences():
    long = Mention("count", "5", 0, 1, 0, 1, 1, value=5, lo=5, hi=5, sentence="word " * 40)
    quoted = ext.text("t.txt", [long], False).splitlines()[3].strip()
    assert len(quoted) == 102 and quoted.endswith('..."')


def test_render_picks_the_format():
    assert json.loads(ext.render("json", "t.txt", [EXACT], False)) == ext.report("t.txt", [EXACT])
    assert ext.render("text", "t.txt", [EXACT], False) == ext.text("t.txt", [EXACT], False)
    assert ext.FORMATS == ("text", "json")
