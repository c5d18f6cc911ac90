"""`missingstats extract`: every count a document states, and nothing that is not one."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.inputs.documents import document
from missingstats.inputs.documents.extract import counts, extract
from missingstats.inputs.sheet import load_sheet

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "data" / "letter-2020-06-09.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "prose"
INF = math.inf


@pytest.fixture(scope="module")
def letter():
    return extract(document.read(LETTER))


def found(text: str, markdown: bool = False):
    return extract(document.parse(text, markdown=markdown))


def count_list(text: str, markdown: bool = False):
    return [(m.text, m.value, m.lo, m.hi, m.qualifier) for m in counts(found(text, markdown))]


# --- the founding letter ----------------------------------------------------------------------

LETTER_COUNTS = [
    # (line, surface, value, lo, hi, qualifier, head)
    (10, "eight", 8, 8, 8, None, "resolutions"),
    (96, "seven", 7, 7, 7, None, "adjacent districts"),
    (98, "tens of thousands", None, 20_000, 99_999, "tens of thousands", "persons"),
    (100, "more than 1 million", 1_000_000, 1_000_001, INF, "more than", "persons"),
    (128, "3,889", 3889, 3889, 3889, None, "missing"),
    (130, "719", 719, 719, 719, None, "civilians"),
    (130, "71", 71, 71, 71, None, "children"),
    (132, "267", 267, 267, 267, None, "women"),
    (132, "326", 326, 326, 326, None, "older persons"),
    (134, "871", 871, 871, 871, None, "prisoners of war"),
    (134, "3,889", 3889, 3889, 3889, None, "missing"),
    (136, "604", 604, 604, 604, None, "servicemen"),
    (136, "267", 267, 267, 267, None, "civilians"),
    (136, "29", 29, 29, 29, None, "children"),
    (136, "98", 98, 98, 98, None, "women"),
    (138, "112", 112, 112, 112, None, "older persons"),
    (150, "at least 871", 871, 871, INF, "at least", "detained"),
]


def test_letter_every_count_with_its_qualifier(letter):
    got = [(m.line, " ".join(m.text.split()), m.value, m.lo, m.hi, m.qualifier, m.head)
           for m in counts(letter)]
    assert got == LETTER_COUNTS


def test_letter_statuses(letter):
    status = {(m.line, m.text): m.status for m in counts(letter)}
    assert status[(98, "tens of thousands")] == "killed"
    assert status[(100, "more than 1 million")] == "displaced"
    assert status[(128, "3,889")] == "missing"
    assert status[(130, "71")] == "missing"  # from the sentence before
    assert status[(136, "29")] == "detained"  # "taken as prisoners of war or hostages"
    assert status[(150, "at least 871")] == "detained"


def test_letter_no_year_date_or_document_number_is_a_count(letter):
    values = {m.value for m in counts(letter)}
    for v in (2004, 2019, 2020, 2474, 59, 189, 366, 90, 30, 32, 37, 68, 70, 75, 83, 1, 2, 3, 4):
        assert v not in values
    kinds = {(m.line, m.text): (m.kind, m.detail) for m in letter}
    assert kinds[(1, "9 June 2020")] == ("date", None)
    assert kinds[(8, "2004")] == ("year", None)
    assert kinds[(20, "11 June 2019")] == ("date", None)
    assert kinds[(20, "resolution 2474 (2019)")] == ("reference", "resolution")
    assert kinds[(128, "2020")] == ("year", None)
    assert kinds[(18, "1")] == ("footnote", "marker")  # "situation.1"
    assert kinds[(126, "3")] == ("footnote", "marker")  # "in part. 3"
    assert kinds[(138, "4")] == ("footnote", "marker")  # "older persons.4"
    assert kinds[(42, "61/155")] == ("reference", "resolution")
    assert kinds[(154, "S/2020/366")] == ("reference", "document")
    assert kinds[(154, "para. 30")] == ("reference", "para.")
    assert kinds[(156, "A/74/676-S/2020/90")] == ("reference", "document")
    assert kinds[(187, "agenda items 32, 37, 68, 70, 75 and 83")] == ("reference", "agenda items")
    assert kinds[(48, "https://undocs.org/en/S/RES/2474(2019)")] == ("reference", "url")
    assert kinds[(42, "1")] == ("footnote", "note")
    assert kinds[(22, "first")] == ("ordinal", None)
    assert len([m for m in letter if m.kind == "date"]) == 10


def test_letter_sentences_read_whole_across_page_breaks(letter):
    m = next(m for m in letter if m.text == "at least 871")
    assert m.sentence.endswith("at least 871 of them have been taken into its custody and "
                               "have not been seen since.")
    assert (m.line, m.column) == (150, 54)
    m = next(m for m in letter if m.line == 138 and m.text == "112")
    assert m.sentence.endswith("98 are women and 112 are older persons.")  # marker dropped
    m = next(m for m in letter if m.line == 130 and m.text == "71")
    assert m.sentence == "Among the civilians, 71 are children, 267 are women and 326 are older persons."


def test_letter_layout():
    doc = document.read(LETTER)
    assert doc.double_spaced
    notes = [p for p in doc.paragraphs if p.footnote and p.text[:1].isdigit()]
    assert [p.text.split()[0] for p in notes] == ["1", "2", "3", "4"]
    assert any("Secretary-General placed" in p.text for p in doc.paragraphs)


# --- numbers, qualifiers, scales ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some 300 persons remain missing.", [("Some 300", 300, 270, 330, "some")]),
        ("Nearly 1,200 families fled.", [("Nearly 1,200", 1200, 1080, 1200, "nearly")]),
        ("over 2,000 people were killed", [("over 2,000", 2000, 2001, INF, "over")]),
        ("at most 15 detainees", [("at most 15", 15, 0, 15, "at most")]),
        ("fewer than 50 soldiers", [("fewer than 50", 50, 0, 49, "fewer than")]),
        ("no fewer than 40 hostages", [("no fewer than 40", 40, 40, INF, "no fewer than")]),
        ("871 or more cases", [("871 or more", 871, 871, INF, "or more")]),
        ("1 000 civilians", [("1 000", 1000, 1000, 1000, None)]),
        ("1\u00a0000 civilians", [("1 000", 1000, 1000, 1000, None)]),  # spaces normalised
        ("1.5 million refugees", [("1.5 million", 1_500_000, 1_500_000, 1_500_000, None)]),
        ("a million people", [("a million", 1_000_000, 1_000_000, 1_000_000, None)]),
        ("Twenty-one children", [("Twenty-one", 21, 21, 21, None)]),
        ("one hundred and twelve women", [("one hundred and twelve", 112, 112, 112, None)]),
        ("two thousand three hundred persons",
         [("two thousand three hundred", 2300, 2300, 2300, None)]),
        ("tens of thousands of people", [("tens of thousands", None, 20_000, 99_999,
                                          "tens of thousands")]),
        ("hundreds of families", [("hundreds", None, 200, 999, "hundreds")]),
        ("between 20 and 30 hostages", [("between 20 and 30", None, 20, 30, "between")]),
        ("20 to 30 hostages", [("20 to 30", None, 20, 30, "between")]),
        ("one child was found", [("one", 1, 1, 1, None)]),
        ("one of the detainees", []),
        ("two, three", [("two", 2, 2, 2, None), ("three", 3, 3, 3, None)]),
        ("the 2004 persons registered", [("2004", 2004, 2004, 2004, None)]),
    ],
)
def test_counts(text, expected):
    assert count_list(text) == expected


@pytest.mark.parametrize(
    ("text", "kind", "detail"),
    [
        ("Since 2004, the Assembly", "year", None),
        ("during the 1990s", "year", None),
        ("from 1992 to 1994", "year", None),
        ("in 1992-1994", "year", None),
        ("on 12-14 May 2019 the", "date", None),
        ("on June 11, 2019 the", "date", None),
        ("in March 2021", "date", None),
        ("dated 2020-06-09", "date", None),
        ("see A/HRC/45/12", "reference", "document"),
        ("see E/CN.4/2005/L.10 and", "reference", "document"),
        ("resolutions 59/189", "reference", "resolutions"),
        ("decision 2/3 on", "reference", "decision"),
        ("paras. 23-25", "reference", "paras."),
        ("article 6 of", "reference", "article"),
        ("see table 3 below", "reference", "table"),
        ("Nos. 12 and 13", "reference", "nos."),
        ("www.example.org/2019/12", "reference", "url"),
        ("17 per cent of", "percent", None),
        ("5% of", "percent", None),
        ("lasted 6 years", "measure", None),
        ("cost $5 million", "measure", "money"),
        ("children under 18 were", "measure", "age"),
        ("persons aged 65 and", "measure", None),
        ("the 21st century", "ordinal", None),
        ("two thirds of", "fraction", None),
        ("the situation.1 The", "footnote", "marker"),
        ("the situation1", None, None),
    ],
)
def test_not_counts(text, kind, detail):
    ms = found(text)
    assert not counts(ms), [m.text for m in counts(ms)]
    if kind:
        assert (ms[0].kind, ms[0].detail) == (kind, detail)


def test_numbered_paragraphs_and_spaced_markers():
    ms = found("12. The Council met.\n13. It decided on 5 measures.\n")
    assert [(m.kind, m.value) for m in ms if m.kind == "ordinal"] == [("ordinal", 12), ("ordinal", 13)]
    assert [m.value for m in counts(ms)] == [5]


def test_context_words():
    (m,) = counts(found("Nearly 60 hostages were released in 2022."))
    assert (m.head, m.status) == ("hostages", "released")
    a, b = counts(found("Twenty-one children and 112 women were released."))
    assert (a.head, a.status, b.head, b.status) == ("children", "released", "women", "released")
    (m,) = counts(found("The number of missing persons is 3,889."))
    assert (m.head, m.status) == ("missing", "missing")
    (m,) = counts(found("At least 412 persons are held as prisoners of war."))
    assert (m.head, m.status) == ("prisoners of war", "detained")


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_report():
    ms = extract(document.read(FIXTURES / "report.md"))
    got = [(m.line, m.column, m.text, m.head, m.status) for m in counts(ms)]
    assert got == [
        (3, 60, "1,254", "missing", "missing"),
        (4, 11, "318", "women", "missing"),
        (4, 25, "97", "children", "missing"),
        (8, 12, "At least 412", "prisoners of war", "detained"),
        (9, 10, "Nearly 60", "hostages", "released"),
        (13, 15, "702", "civilians", "missing"),  # table row label, header column
        (14, 16, "552", "servicemen", "missing"),
    ]
    first = counts(ms)[0]
    assert first.sentence.startswith("As of 31 December 2023, the Commission has registered 1,254")
    assert {m.kind for m in ms if m.line == 1} == {"year"}
    assert ("footnote", "marker") in {(m.kind, m.detail) for m in ms if m.line == 3}
    assert ("reference", "table") in {(m.kind, m.detail) for m in ms if m.line == 18}


# --- the command --------------------------------------------------------------------------------


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    return invoke


def test_cli_json_is_documented_shape(run):
    result = run("extract", str(LETTER), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert report["language"] == "en"
    assert report["summary"]["counts"] == 17
    assert report["summary"]["kinds"]["count"] == 17
    assert report["summary"]["mentions"] == len(report["mentions"])
    m = next(x for x in report["mentions"] if x["text"] == "at least 871")
    assert m == {
        "kind": "count", "text": "at least 871", "value": 871, "lo": 871, "hi": None,
        "qualifier": "at least", "detail": None, "line": 150, "column": 54,
        "page": None, "text_line": "150", "sentence": m["sentence"], "context": ["detained"],
        "head": "detained",
        "status": "detained", "words": "of them have been taken into its custody and have",
        "footnote": False,
    }
    big = next(x for x in report["mentions"] if x["text"] == "tens of thousands")
    assert (big["value"], big["lo"], big["hi"]) == (None, 20000, 99999)
    kinds = {x["kind"] for x in report["mentions"]}
    assert kinds == {"count", "year", "date", "reference", "footnote", "ordinal"}


def test_cli_text_lists_counts(run):
    result = run("extract", str(LETTER))
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.endswith("17 counts; also 10 date, 8 footnote, 1 ordinal, 27 reference, 2 year "
                          "(--all lists them)")
    assert "at least 871 (871 or more)" in result.stdout
    assert "tens of thousands (20,000 to 99,999)" in result.stdout  # separators, as in check
    assert "S/2020/366" not in result.stdout
    assert "S/2020/366" in run("extract", str(LETTER), "--all").stdout


def test_cli_draft_sheet_loads_and_checks_against_its_text(run, tmp_path):
    out = tmp_path / "draft.yaml"
    result = run("extract", str(LETTER), "--output", str(out))
    assert result.exit_code == 0, result.output
    sheet = load_sheet(out)
    assert len(sheet.figures) == 17
    f = sheet.figures["figure_17"]
    assert (f.value, f.qualifier, f.lo, f.hi) == (871, "at least", 871, INF)
    assert str(f.extra["text_line"]) == "150"
    assert sheet.figures["figure_03"].qualifier == "tens of thousands"
    assert "# line 128: missing, persons" in out.read_text(encoding="utf-8")
    check = run("check", str(out), "--prose", "-f", "json")
    report = json.loads(check.stdout)
    prose = {r["rule"]: r for r in report["results"] if r["rule"].startswith("prose")}
    assert prose["prose-matches-sheet"]["checked"] == 17
    assert prose["prose-matches-sheet"]["failed"] == 0


def test_cli_never_overwrites_without_force(run, tmp_path):
    out = tmp_path / "draft.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    result = run("extract", str(LETTER), "--output", str(out))
    assert result.exit_code == 2
    assert "exists already" in result.output
    assert out.read_text(encoding="utf-8") == "keep me\n"
    assert run("extract", str(LETTER), "--output", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Draft figure sheet")
    assert [p.name for p in tmp_path.iterdir()] == ["draft.yaml"]


def test_cli_bad_input(run, tmp_path):
    result = run("extract", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2 and "no such file" in result.output
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01")
    assert run("extract", str(binary)).exit_code == 2
    assert run("extract", str(LETTER), "--format", "xml").exit_code == 2


def test_empty_document(run, tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_text("", encoding="utf-8")
    result = run("extract", str(empty), "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["mentions"] == []


# --- robustness -------------------------------------------------------------------------------

PIECES = st.sampled_from([
    "3,889", "at least", "871", " ", "\n", "\n\n", ".", ",", "persons", "missing", "of the",
    "1 000", "2019", "June", "S/2020/", "para.", "twenty-one", "tens of thousands", "__________",
    " 1  See", "https://x.org/a(1)", "|", "**", "[^1]", "-", "children", "more than", "1.5",
    "million", "(", ")", "“", "”", "’", "#", "\t", "hostages", "were", "and", "between",
])


@settings(max_examples=120, deadline=None)
@given(st.lists(PIECES, max_size=60), st.booleans())
def test_any_text_extracts_without_error(pieces, markdown):
    text = "".join(pieces)
    lines = text.split("\n")
    for m in extract(document.parse(text, markdown=markdown)):
        assert 1 <= m.line <= len(lines)
        assert 1 <= m.column <= len(lines[m.line - 1]) + 1
        assert m.kind in ("count", "year", "date", "reference", "footnote", "ordinal", "percent",
                          "measure", "fraction")
        if m.kind == "count":
            assert m.lo is not None and m.hi is not None and m.lo <= m.hi
