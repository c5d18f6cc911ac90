"""`check --text`: the prose checked against the figures (prose-matches-sheet,
prose-counts-agree), on the founding letter and on deliberately broken copies of it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.kinds.prose import figure_terms, normalise

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = ROOT / "tests" / "fixtures" / "prose"
GOLDEN = ROOT / "tests" / "golden" / "prose"
TEXT = "letter-2020-06-09.txt"


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        # Prose is opt-in for `check` (--prose reads the sheet's own text:).
        extra = ["--prose"] if args and args[0] == "check" else []
        return runner.invoke(app, [*args, *extra])

    return invoke


@pytest.fixture
def letter(tmp_path, monkeypatch):
    """A copy of the founding sheet and letter in a temporary folder (the working folder),
    with helpers to break either file."""
    shutil.copy(DATA / "letter.yaml", tmp_path / "letter.yaml")
    shutil.copy(DATA / TEXT, tmp_path / TEXT)
    monkeypatch.chdir(tmp_path)

    class Letter:
        sheet = tmp_path / "letter.yaml"
        text = tmp_path / TEXT

        @staticmethod
        def edit_text(line: int, old: str, new: str) -> None:
            lines = Letter.text.read_text(encoding="utf-8").split("\n")
            assert old in lines[line - 1], lines[line - 1]
            lines[line - 1] = lines[line - 1].replace(old, new, 1)
            Letter.text.write_text("\n".join(lines), encoding="utf-8")

        @staticmethod
        def edit_sheet(old: str, new: str) -> None:
            s = Letter.sheet.read_text(encoding="utf-8")
            assert s.count(old) == 1, old
            Letter.sheet.write_text(s.replace(old, new), encoding="utf-8")

    return Letter


def prose_results(report: dict) -> dict[str, dict]:
    return {r["rule"]: r for r in report["results"] if r["rule"].startswith("prose-")}


def check_json(run, *args: str) -> tuple[int, dict]:
    result = run("check", *args, "-f", "json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


# --- the founding letter passes ---------------------------------------------------------------


def test_founding_letter_passes_with_its_own_text(run):
    code, report = check_json(run, str(DATA / "letter.yaml"))
    assert code == 0
    prose = prose_results(report)
    assert prose["prose-matches-sheet"]["checked"] == 11
    assert prose["prose-matches-sheet"]["failed"] == 0
    # "3,889" again in "871 of the 3,889 missing persons", and "at least 871" later on
    assert prose["prose-counts-agree"]["checked"] == 2
    assert prose["prose-counts-agree"]["failed"] == 0
    (summary,) = report["prose"]
    assert summary["text_file"] == str(DATA / TEXT)
    assert summary["counts_in_text"] == 17


def test_founding_letter_passes_with_explicit_text(run):
    code, report = check_json(run, str(DATA / "letter.yaml"), "--text", str(DATA / TEXT))
    assert code == 0
    assert prose_results(report)["prose-matches-sheet"]["passed"] == 11


def test_each_quoted_figure_is_tied_to_its_own_number(run):
    _, report = check_json(run, str(DATA / "letter.yaml"))
    passed = prose_results(report)["prose-matches-sheet"]["passed_instances"]
    where = {}
    for inst in passed:
        (name,) = [k for k in inst["values"] if k != "text"]
        loc = next(x for x in inst["locations"] if x["figure"] == "text")
        where[name] = (inst["values"]["text"], loc["line"], loc["column"])
    assert where == {
        "missing.total": (3889, 128, 31),
        "missing.civilians.total": (719, 130, 48),
        "missing.civilians.children": (71, 130, 84),
        "missing.civilians.women": (267, 132, 15),
        "missing.civilians.older_persons": (326, 132, 33),
        "detained.total": (871, 134, 1),
        "detained.servicemen": (604, 136, 11),
        "detained.civilians.total": (267, 136, 30),  # not the 267 women of line 132
        "detained.civilians.children": (29, 136, 53),
        "detained.civilians.women": (98, 136, 71),
        "detained.civilians.older_persons": (112, 138, 5),
    }


# --- mismatches -------------------------------------------------------------------------------


def test_typo_in_the_prose_is_a_failure_with_both_locations(run, letter):
    letter.edit_text(128, "3,889", "3,898")
    code, report = check_json(run, "letter.yaml")
    assert code == 1
    res = prose_results(report)["prose-matches-sheet"]
    assert (res["checked"], res["failed"]) == (11, 1)
    (fail,) = res["failures"]
    assert fail["expression"] == "missing.total matches the text"
    assert fail["values"] == {"missing.total": 3889, "text": 3898}
    assert fail["difference"] == -9
    assert {"file": "letter.yaml", "line": 14, "column": 14, "figure": "missing.total"} in \
        fail["locations"]
    assert {"file": TEXT, "line": 128, "column": 31, "figure": "text"} in fail["locations"]
    assert 'the text says "3,898" where the sheet has 3,889: value differs' == fail["message"]


def test_typo_golden_text(run, letter):
    letter.edit_text(128, "3,889", "3,898")
    result = run("check", "letter.yaml", "--no-implied", "--rules", str(FIXTURES / "no-rules.yaml"))
    assert result.exit_code == 1
    expected = (GOLDEN / "letter-3898.txt").read_text(encoding="utf-8")
    assert result.stdout == expected


def test_typo_in_the_sheet_fails_the_quote_and_the_other_mention(run, letter):
    letter.edit_sheet("value: 3889", "value: 3898")
    code, report = check_json(run, "letter.yaml")
    assert code == 1
    prose = prose_results(report)
    (quoted,) = prose["prose-matches-sheet"]["failures"]
    assert quoted["values"] == {"missing.total": 3898, "text": 3889}
    (other,) = prose["prose-counts-agree"]["failures"]
    assert other["values"] == {"text": 3889, "missing.total": 3898}
    assert {"file": TEXT, "line": 134, "column": 12, "figure": "text"} in other["locations"]
    assert "the sheet records missing.total = 3,898" in other["message"]


def test_at_least_in_the_prose_exact_in_the_sheet(run, letter):
    letter.edit_text(134, "871 of the", "at least 871 of the")
    code, report = check_json(run, "letter.yaml")
    assert code == 1
    res = prose_results(report)["prose-matches-sheet"]
    (fail,) = res["failures"]  # only detained.total: the other figures of that quote agree
    assert fail["expression"] == "detained.total matches the text"
    assert fail["message"] == ('the text says "at least 871" where the sheet has 871 (exact): '
                               "qualifier differs")
    assert fail["values"]["text"]["qualifier"] == "at least"


def test_exact_in_the_prose_at_least_in_the_sheet(run, letter):
    letter.edit_sheet(
        "    total:\n      value: 871\n",
        "    total:\n      value: 871\n      qualifier: at least\n",
    )
    code, report = check_json(run, "letter.yaml")
    (fail,) = prose_results(report)["prose-matches-sheet"]["failures"]
    assert fail["message"] == 'the text says "871" where the sheet has at least 871: qualifier differs'


def test_quote_not_in_the_text(run, letter):
    letter.edit_text(130, "Among the civilians, 71", "Among the civilians, of them 2,000 are children and 71")
    code, report = check_json(run, "letter.yaml")
    assert code == 1
    res = prose_results(report)["prose-matches-sheet"]
    failed = {f["expression"]: f for f in res["failures"]}
    assert set(failed) == {
        "missing.civilians.children matches the text", "missing.civilians.women matches the text",
        "missing.civilians.older_persons matches the text",
    }
    fail = failed["missing.civilians.children matches the text"]
    assert fail["message"].startswith(f"the quote of missing.civilians.children is not in {TEXT}; "
                                      "the closest passage is at line 130")
    assert fail["locations"][1]["line"] == 130
    counts = prose_results(report)["prose-counts-agree"]
    (extra,) = counts["failures"]
    assert extra["values"]["text"] == 2000
    assert extra["values"]["missing.civilians.children"] == 71


def test_retyped_quote_is_found_but_reported(run, letter):
    s = letter.sheet.read_text(encoding="utf-8")
    letter.sheet.write_text(s.replace("citizens of Azerbaijan were registered as\n        missing",
                                      "citizens of Azerbaijan were registred as\n        missing", 1),
                            encoding="utf-8")
    code, report = check_json(run, "letter.yaml")
    (fail,) = prose_results(report)["prose-matches-sheet"]["failures"]
    assert fail["expression"] == "missing.total matches the text"
    assert fail["message"].startswith("the quote of missing.total differs from the text at line 128")
    assert fail["message"].endswith("(the number agrees)")


def test_unquoted_counts_must_agree_but_bounds_may(run, letter):
    # "at least 871 of them" agrees with an exact 871; "more than 900 of them" does not
    letter.edit_text(150, "at least 871 of them", "more than 900 of them")
    code, report = check_json(run, "letter.yaml")
    assert code == 1
    (fail,) = prose_results(report)["prose-counts-agree"]["failures"]
    assert fail["values"]["text"]["text"] == "more than 900"
    assert fail["values"]["detained.total"] == 871
    assert {"file": TEXT, "line": 150, "column": 55, "figure": "text"} in fail["locations"]
    assert fail["message"] == ('the text says "more than 900" (detained) but the sheet records '
                               "detained.total = 871")


def test_counts_of_other_things_are_not_checked(run, letter):
    letter.edit_text(96, "the seven adjacent districts", "the 3,000 adjacent districts")
    letter.edit_text(10, "eight resolutions", "800 resolutions")
    code, report = check_json(run, "letter.yaml")
    assert code == 0
    assert prose_results(report)["prose-counts-agree"]["checked"] == 2


# --- which text -----------------------------------------------------------------------------


def test_missing_own_text_is_a_note_not_a_failure(run, tmp_path):
    shutil.copy(DATA / "letter.yaml", tmp_path / "letter.yaml")
    code, report = check_json(run, str(tmp_path / "letter.yaml"))
    assert code == 0
    assert not prose_results(report)
    assert any("prose not checked" in n["message"] for n in report["notes"])


def test_explicit_text_that_does_not_exist_is_an_input_error(run, tmp_path):
    result = run("check", str(DATA / "letter.yaml"), "--text", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_explicit_text_wins_over_the_sheets(run, letter, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(letter.text.read_text(encoding="utf-8").replace("3,889", "3,898"), "utf-8")
    code, report = check_json(run, "letter.yaml", "--text", str(other))
    assert code == 1
    assert report["prose"][0]["text_file"] == str(other)


def test_sheet_without_text_has_no_prose_rules(run, tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text("figures:\n  a: 1\n", encoding="utf-8")
    code, report = check_json(run, str(sheet))
    assert code == 0 and not prose_results(report) and "prose" not in report


# --- bounded figures quoted from Markdown -----------------------------------------------------


def test_markdown_report_with_bounded_figures(run):
    code, report = check_json(run, str(FIXTURES / "report.yaml"), "--rules",
                              str(FIXTURES / "no-rules.yaml"), "--no-implied")
    assert code == 0
    prose = prose_results(report)
    assert (prose["prose-matches-sheet"]["checked"], prose["prose-matches-sheet"]["failed"]) == (6, 0)
    # the table's 552 servicemen is not quoted: matched by its row label and header
    assert (prose["prose-counts-agree"]["checked"], prose["prose-counts-agree"]["failed"]) == (1, 0)


def test_bounded_quotes_compare_qualifiers(run, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("The war claimed tens of thousands of lives and displaced more than 1 million "
                    "people. Some 300 persons remain missing.\n", encoding="utf-8")
    sheet = tmp_path / "s.yaml"
    sheet.write_text(
        "text: t.txt\nfigures:\n"
        "  killed: {qualifier: tens of thousands, quote: claimed tens of thousands of lives}\n"
        "  displaced: {value: 1000000, qualifier: more than, quote: displaced more than 1 million people}\n"
        "  missing: {value: 300, qualifier: about, quote: Some 300 persons remain missing.}\n",
        encoding="utf-8",
    )
    code, report = check_json(run, str(sheet), "--no-implied", "--rules", str(FIXTURES / "no-rules.yaml"))
    assert code == 0, report
    assert prose_results(report)["prose-matches-sheet"]["passed"] == 3
    sheet.write_text(sheet.read_text().replace("tens of thousands, quote", "thousands, quote"))
    code, report = check_json(run, str(sheet), "--no-implied", "--rules", str(FIXTURES / "no-rules.yaml"))
    assert code == 1
    (fail,) = prose_results(report)["prose-matches-sheet"]["failures"]
    assert fail["expression"] == "killed matches the text"


# --- units -----------------------------------------------------------------------------------


def test_normalise_whitespace_quotes_and_markers():
    assert normalise("the  “Missing\npersons”,  older persons.4 ") == \
        'the "Missing persons", older persons.'


def test_figure_terms():
    t = figure_terms("detained.civilians.older_persons")
    assert t.leaf == ("older persons",)
    assert t.ancestors == [("detained",), ("civilians",)]
    assert figure_terms("missing.total").leaf == ("missing",)
