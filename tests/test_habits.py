"""Everyday habits: `check DIR`, -q/--quiet, --color/--no-color (NO_COLOR, FORCE_COLOR)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.cli.common import choose_format
from missingstats.inputs import discovery

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "data" / "letter.yaml"
runner = CliRunner()


def _tree(root: Path) -> None:
    """Sheets, a table spec, an editions file, and what is not ours, in nested folders."""
    (root / "b").mkdir(parents=True)
    (root / "a" / "deep").mkdir(parents=True)
    (root / ".git").mkdir()
    shutil.copy(LETTER, root / "z-letter.yaml")
    shutil.copy(LETTER, root / "a" / "deep" / "copy.yml")
    shutil.copy(LETTER, root / ".git" / "hidden.yaml")
    shutil.copy(LETTER, root / ".dot.yaml")
    shutil.copy(ROOT / "rules.yaml", root / "b" / "rules.yaml")  # a rules file: not an input
    (root / "a" / "spec.yaml").write_text(
        "tables:\n  t:\n    file: t.csv\n    dimensions: [sex]\n    measure: value\n", encoding="utf-8")
    (root / "a" / "t.csv").write_text("sex,value\nF,1\n", encoding="utf-8")
    (root / "b" / "editions.yaml").write_text("editions: []\n", encoding="utf-8")
    (root / "b" / "workflow.yaml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    (root / "b" / "codes.csv").write_text("code,parent\nA,\n", encoding="utf-8")
    (root / "b" / "notes.txt").write_text("figures: 1\n", encoding="utf-8")
    (root / "a" / "broken.yaml").write_text("figures:\n  a: [\n", encoding="utf-8")


def test_below_finds_our_files_in_a_fixed_order(tmp_path):
    _tree(tmp_path)
    found, problems = discovery.below(str(tmp_path))
    rel = [os.path.relpath(f, tmp_path) for f in found]
    assert rel == ["z-letter.yaml", "a/broken.yaml", "a/spec.yaml", "a/deep/copy.yml",
                   "b/editions.yaml"]
    assert problems == []


def test_a_symlink_loop_is_a_located_problem_not_an_endless_walk(tmp_path):
    (tmp_path / "d").mkdir()
    shutil.copy(LETTER, tmp_path / "d" / "s.yaml")
    (tmp_path / "d" / "up").symlink_to("..")
    (tmp_path / "d" / "self.yaml").symlink_to("self.yaml")
    (tmp_path / "elsewhere").symlink_to("d")  # the same folder twice is no loop: listed once
    found, problems = discovery.below(str(tmp_path))
    assert [os.path.relpath(f, tmp_path) for f in found] == ["d/s.yaml"]
    assert [(os.path.relpath(p.file, tmp_path), p.message.split(":")[0]) for p in problems] == [
        ("d/self.yaml", "a symlink loop"), ("d/up", "a symlink loop")]
    assert all(p.location is not None and p.location.file == p.file for p in problems)


def test_an_unreadable_folder_is_a_located_problem(tmp_path, monkeypatch):
    # We run as root, which reads any folder: make one fail the way it fails for a user.
    (tmp_path / "locked").mkdir()
    (tmp_path / "open").mkdir()
    shutil.copy(LETTER, tmp_path / "open" / "s.yaml")
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    files, problems = discovery.expand([str(tmp_path)])
    assert [os.path.basename(f) for f in files] == ["s.yaml"]
    (p,) = problems
    assert p.file.endswith("locked") and p.message == "cannot read this folder: Permission denied"


def test_expand_keeps_files_as_given_and_says_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    files, problems = discovery.expand(["x.yaml", str(tmp_path / "empty")])
    assert files == ["x.yaml"]
    (p,) = problems
    assert "directory holds no figure sheets" in p.message


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["figures: {a: 1}\n", "rules: []\n", "on: push\n", "tables: {}\n",
                                 "editions: []\n", "[1, 2\n", ""]), min_size=1, max_size=8),
       st.lists(st.sampled_from(["p", "q", "r/s"]), min_size=1, max_size=8))
def test_below_is_deterministic_and_finds_exactly_the_sniffed_files(tmp_path_factory, texts, dirs):
    root = tmp_path_factory.mktemp("walk")
    paths = []
    for i, (text, d) in enumerate(zip(texts, dirs * len(texts))):
        (root / d).mkdir(parents=True, exist_ok=True)
        path = root / d / f"f{i}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    first, problems = discovery.below(str(root))
    again, _ = discovery.below(str(root))
    assert first == again and problems == []
    assert sorted(first) == sorted(discovery.recognised_inputs(paths))


def test_check_dir_end_to_end(tmp_path, monkeypatch):
    _tree(tmp_path)
    (tmp_path / "a" / "broken.yaml").unlink()
    (tmp_path / "a" / "spec.yaml").unlink()
    (tmp_path / "b" / "editions.yaml").unlink()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", ".", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["files"] == ["./z-letter.yaml", "./a/deep/copy.yml"]
    result = runner.invoke(app, ["check", "a", "z-letter.yaml"])
    assert result.exit_code == 0 and result.stdout.startswith("2 files, ")


def test_check_dir_reports_a_broken_sheet_and_a_loop(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("d").mkdir()
    shutil.copy(LETTER, "d/letter.yaml")
    Path("d/bad.yaml").write_text("figures:\n  a: no\n", encoding="utf-8")
    Path("d/loop").symlink_to(".")
    result = runner.invoke(app, ["check", "d"])
    assert result.exit_code == 2
    assert "ERROR d/bad.yaml:2:6: a: 'no'" in result.stdout
    assert "ERROR d/loop: a symlink loop" in result.stdout
    assert result.stdout.startswith("3 files, 7 rules, 22 checks")


def test_check_an_empty_dir_exits_2(tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2 and "directory holds no figure sheets" in result.stderr


# --- -q/--quiet ------------------------------------------------------------------------------


def test_quiet_keeps_only_failures_and_the_summary(broken_letter):
    loud = runner.invoke(app, ["check", "letter.yaml", "--prose"]).stdout
    quiet = runner.invoke(app, ["check", "letter.yaml", "--prose", "-q"])
    assert quiet.exit_code == 1
    text = quiet.stdout
    assert text.splitlines()[0] == loud.splitlines()[0]  # the summary
    assert "FAIL detained-within-missing (error) letter.yaml" in text
    assert "FAIL civilian-groups-overlap (warning)" in text
    for gone in ("rules passed", "Not evaluable", "not evaluable:", "hint:", "prose:", "note:"):
        assert gone in loud or gone == "note:"
        assert gone not in text
    md = runner.invoke(app, ["check", "letter.yaml", "-q", "-f", "markdown"]).stdout
    assert "### Failures" in md and "Not evaluable" not in md and "<details>" not in md
    gh = runner.invoke(app, ["check", "letter.yaml", "-q", "-f", "github"]).stdout
    assert "::error " in gh and "::notice" not in gh


# --- --color / --no-color ----------------------------------------------------------------------


def test_choose_format_colour_precedence(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert choose_format("text", None, True) == ("text", True)
    assert choose_format("text", "out.txt", True) == ("text", True)  # asked for: even in a file
    assert choose_format("json", None, True) == ("json", False)  # only the text report has colour
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert choose_format("auto", None, None) == ("text", True)
    assert choose_format("auto", None, False) == ("text", False)
    assert choose_format("auto", "out.txt", None) == ("text", False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert choose_format("auto", None, None) == ("text", False)  # NO_COLOR beats FORCE_COLOR
    assert choose_format("auto", None, True) == ("text", True)  # the flag beats both
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert choose_format("auto", "-", None) == ("github", False)


@pytest.mark.parametrize(("env", "args", "coloured"), [
    ({"NO_COLOR": "1"}, [], False),
    ({"NO_COLOR": "1"}, ["--color"], True),
    ({"FORCE_COLOR": "1"}, [], True),
    ({"FORCE_COLOR": "1"}, ["--no-color"], False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),
])
def test_colour_end_to_end(monkeypatch, env, args, coloured):
    monkeypatch.delenv("NO_COLOR", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = runner.invoke(app, ["check", str(LETTER), *args])
    assert result.exit_code == 0
    assert ("\x1b[" in result.stdout) is coloured
    plain = runner.invoke(app, ["check", str(LETTER), "--no-color"]).stdout
    if coloured:  # the same words, with colour around them
        import re

        assert re.sub(r"\x1b\[[0-9;]*m", "", result.stdout) == plain


# --- an unknown qualifier ----------------------------------------------------------------------


@pytest.mark.parametrize(("written", "hint"), [
    ("atleast", "; did you mean 'at least'?"),
    ("At-Least", "; did you mean 'at least'?"),
    ("at leats", "; did you mean 'at least'?"),
    ("morethan", "; did you mean 'more than'?"),
    ("abuot", "; did you mean 'about'?"),
    ("tensofthousands", "; did you mean 'tens of thousands'?"),
])
def test_qualifier_hint_names_the_close_one(written, hint):
    from missingstats.inputs.sheet import qualifier_hint

    assert qualifier_hint(written) == hint


def test_qualifier_hint_without_a_close_one_is_short():
    from missingstats.inputs.sheet import qualifier_hint

    hint = qualifier_hint("zzz")
    assert "docs/sheets.md#bounded-figures" in hint and len(hint) < 200


@given(st.text(min_size=1, max_size=30))
def test_qualifier_hint_is_one_short_sentence(written):
    from missingstats.inputs.sheet import qualifier_hint

    hint = qualifier_hint(written)
    assert hint.startswith("; ") and len(hint) < 220


def test_unknown_qualifier_end_to_end(tmp_path):
    sheet = tmp_path / "q.yaml"
    sheet.write_text("figures:\n  a: {value: 3, qualifier: atleast}\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(sheet)])
    assert result.exit_code == 2
    assert result.stderr == (f"missingstats: {sheet}:2:28: unknown qualifier 'atleast'; "
                             "did you mean 'at least'?\n")
