"""Prose findings say what is wrong: a failing quote's heading ("the text says 604, the
sheet 640"), and prose-quoted-counts-recorded, the warning for a count a figure's quote
states that no figure of the sheet holds (a figure deleted from the letter)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.core import reasons
from missingstats.core.findings import Status, Value
from missingstats.inputs.sheet import load_sheet
from missingstats.kinds.prose import RECORDED_RULE, compare
from missingstats.render.wording import heading, words

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT / "data" / "letter-2020-06-09.txt"
LETTER = ROOT / "data" / "letter.yaml"
runner = CliRunner()
DETAINED = {  # the detained figures of the letter: all quote the same sentence
    "total": 871, "servicemen": 604, "civilians.total": 267, "civilians.children": 29,
    "civilians.women": 98, "civilians.older_persons": 112,
}


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    shutil.copy(TEXT, tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write_without(path: Path, names: set[str]) -> None:
    path.write_text(yaml.safe_dump(_letter_without(names), sort_keys=False), encoding="utf-8")


def _letter_without(names: set[str]) -> dict:
    """The letter as data, without the detained figures in `names`."""
    root = yaml.safe_load(LETTER.read_text(encoding="utf-8"))
    detained = root["figures"]["detained"]
    for name in names:
        parts = name.split(".")
        holder = detained
        for p in parts[:-1]:
            holder = holder[p]
        del holder[parts[-1]]
    if "civilians" in detained and not detained["civilians"]:
        del detained["civilians"]
    if not detained:
        del root["figures"]["detained"]
    root["source"]["date"] = str(root["source"]["date"])
    root["source"]["as_of"] = str(root["source"]["as_of"])
    return root


def _recorded(sheet_path: Path) -> list:
    sheet = load_sheet(str(sheet_path))
    out = compare(sheet, str(TEXT))
    return [f for f in out.findings if f.rule == RECORDED_RULE]


# --- unit: the words ------------------------------------------------------------------------


def test_headings_say_what_is_wrong():
    value = Value.exact(640)
    assert heading(reasons.TextDiffers("604", value, True, False), "detained.servicemen") == (
        "detained.servicemen: the text says 604, the sheet 640")
    assert heading(reasons.TextDiffers("at least 267", Value.exact(267), False, True), "x") == (
        "x: the text says at least 267, the sheet 267 (exact)")
    assert heading(reasons.QuoteNotFound("a", "t.txt"), "a") == "a: its quote is not in t.txt"
    assert heading(reasons.CountUnrecorded("604", "servicemen", "detained.total"), "text") == (
        "the text says 604 (servicemen) in the quote of detained.total; no figure holds it")
    assert heading(reasons.NotReported(("a",)), "a") is None  # others keep their expression
    assert "no figure holds \"604\": add the figure" in words(
        reasons.CountUnrecorded("604", "servicemen", "detained.total"))


def test_the_intact_letter_records_every_count_of_its_quotes(folder):
    shutil.copy(LETTER, "letter.yaml")
    found = _recorded(Path("letter.yaml"))
    assert found and all(f.status == Status.PASS for f in found)


def test_a_deleted_figure_leaves_its_count_behind(folder):
    _write_without(Path("letter.yaml"), {"servicemen"})
    failing = [f for f in _recorded(Path("letter.yaml")) if f.status == Status.FAIL]
    (f,) = failing
    assert f.severity == "warning" and f.primary == "detained.total"
    assert [(g.name, g.value.lo) for g in f.figures] == [("text", 604), ("detained.total", 871)]
    assert f.figures[0].location.line == 136


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.sampled_from(sorted(DETAINED))))
def test_only_counts_of_deleted_figures_are_flagged(folder, deleted):
    """Whatever detained figures are deleted, a flagged count is the value of a deleted one
    that no remaining figure has; and 604 (no other figure's value, no other's context) is
    flagged whenever its figure is gone and a detained quote is left to state it."""
    path = Path("letter.yaml")
    _write_without(path, deleted)
    sheet = load_sheet(str(path))
    remaining = {f.value for f in sheet.figures.values()}
    flagged = {f.figures[0].value.lo for f in _recorded(path) if f.status == Status.FAIL}
    gone = {DETAINED[n] for n in deleted}
    assert flagged <= gone - remaining
    quote_left = len(deleted) < len(DETAINED)
    if "servicemen" in deleted and quote_left:
        assert 604 in flagged
    if not deleted:
        assert not flagged


# --- end to end ------------------------------------------------------------------------------


def test_check_prose_heading_under_fail(folder):
    shutil.copy(LETTER, "letter.yaml")
    text = Path("letter.yaml").read_text(encoding="utf-8").replace("value: 604\n", "value: 640\n")
    Path("letter.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", "letter.yaml", "--prose"])
    assert result.exit_code == 1
    assert "  detained.servicemen: the text says 604, the sheet 640\n" in result.stdout
    assert "matches the text" not in result.stdout
    report = json.loads(runner.invoke(app, ["check", "letter.yaml", "--prose", "-f", "json"]).stdout)
    (res,) = [r for r in report["results"] if r["rule"] == "prose-matches-sheet"]
    (fail,) = res["failures"]
    assert fail["expression"] == "detained.servicemen matches the text"  # the check, stable
    assert fail["heading"] == "detained.servicemen: the text says 604, the sheet 640"
    github = runner.invoke(app, ["check", "letter.yaml", "--prose", "-f", "github"]).stdout
    assert "::detained.servicemen: the text says 604, the sheet 640%0A" in github


def test_check_prose_warns_for_a_deleted_figure(folder):
    _write_without(Path("letter.yaml"), {"servicemen"})
    result = runner.invoke(app, ["check", "letter.yaml", "--prose"])
    assert result.exit_code == 0  # a warning
    assert "FAIL prose-quoted-counts-recorded (warning) letter.yaml  1 of 2 failed" in result.stdout
    assert ("the text says 604 (servicemen, detained) in the quote of detained.total; no figure "
            "holds it") in result.stdout
    strict = runner.invoke(app, ["check", "letter.yaml", "--prose", "--strict"])
    assert strict.exit_code == 1


HOSTILE = [  # (quote, text): never an exception; the counts in the quote are judged or not
    ("", "Nothing here.\n"),
    ("1 2 3 4 5 6 7 8 9 10", "1 2 3 4 5 6 7 8 9 10\n"),
    ("871 persons, 871 persons, 871 persons", "871 persons, 871 persons, 871 persons\n" * 50),
    ("In 2020, 871 persons", "In 2020, 871 persons were taken.\n"),
    ("\u202e871 persons\x1b[31m", "\u202e871 persons\x1b[31m were taken.\n"),
    ("871 persons " + "and 5 others " * 200, "871 persons " + "and 5 others " * 200 + "\n"),
    ("99999999999999999999 persons", "99999999999999999999 persons were taken.\n"),
    ("871 persons", ""),
]


@pytest.mark.parametrize(("quote", "text"), HOSTILE)
def test_hostile_quotes_and_texts_give_verdicts_not_exceptions(folder, quote, text):
    Path("t.txt").write_text(text, encoding="utf-8")
    sheet = {"text": "t.txt", "figures": {"detained": {"total": {"value": 871, "quote": quote}}}}
    Path("s.yaml").write_text(yaml.safe_dump(sheet, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["check", "s.yaml", "--prose", "-f", "json"])
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:  # a located input error, never a traceback
        assert result.stderr.startswith("missingstats: ") and "Traceback" not in result.output
        return
    report = json.loads(result.stdout)
    (recorded,) = [r for r in report["results"] if r["rule"] == RECORDED_RULE]
    assert recorded["checked"] == recorded["passed"] + recorded["failed"]
    assert recorded["severity"] == "warning"
