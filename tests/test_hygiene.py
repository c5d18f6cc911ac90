"""Output hygiene: control characters a user wrote (a rule's message, a description, a file
name, a quote) never reach any format, stdout or stderr; the JSON report holds the same
stripped text (docs/report.md, "Control characters")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.render.values import CONTROLS, printable, printable_all

runner = CliRunner()
FORMATS = ("text", "json", "github", "junit", "sarif", "markdown", "html")
SHEET = r'''figures:
  a: 5
  b: 3
rules:
  - id: r
    description: "desc \e[31mRED\e[0m \r over \u202e gnp.exe \a bell \x85 nel \x9b2J"
    message: "msg \e]0;title\a \e[2J\ttab"
    check: a <= b
'''


def controls(text: str) -> list[str]:
    return [hex(ord(c)) for c in text if ord(c) in CONTROLS]


def test_printable_drops_controls_and_keeps_the_rest():
    assert printable("a\x1b[31mb\r\nc\td\x85e\u202eé€") == "a[31mb\nc\tdeé€"
    assert printable_all({"k\x1b": ["v\x07", 3, None, {"x": "\x9by"}]}) == {"k": ["v", 3, None, {"x": "y"}]}


@given(st.text())
def test_printable_is_idempotent_and_removes_only_controls(text):
    out = printable(text)
    assert not controls(out)
    assert printable(out) == out
    assert out == "".join(c for c in text if ord(c) not in CONTROLS)
    assert "\n" not in text or "\n" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_prints_a_control_character(tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    Path("esc.yaml").write_text(SHEET, encoding="utf-8")
    result = runner.invoke(app, ["check", "esc.yaml", "-f", fmt])
    assert result.exit_code == 1
    assert controls(result.stdout) == []
    assert "\\u001b" not in result.stdout and "\\u0007" not in result.stdout
    if fmt != "markdown":  # markdown tables hold no descriptions or messages
        assert "RED" in result.stdout and "title" in result.stdout


def test_json_holds_the_stripped_text_and_keeps_tab(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("esc.yaml").write_text(SHEET, encoding="utf-8")
    report = json.loads(runner.invoke(app, ["check", "esc.yaml", "-f", "json"]).stdout)
    (res,) = report["results"]
    assert res["description"] == "desc [31mRED[0m  over  gnp.exe  bell  nel 2J"
    assert res["failures"][0]["message"] == "msg ]0;title [2J\ttab"


def test_colour_output_keeps_its_own_escapes_but_not_the_users(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("esc.yaml").write_text(SHEET, encoding="utf-8")
    out = runner.invoke(app, ["check", "esc.yaml", "--color"]).stdout
    assert "\x1b[1;31m" in out  # ours: the red FAIL heading
    assert "[31mRED" in out and "\x1b[31mRED" not in out and "\x1b]0;" not in out


def test_paths_and_input_errors_are_stripped_on_stderr_and_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("ok.yaml").write_text("figures:\n  a: 1\n", encoding="utf-8")
    Path("q.yaml").write_text('figures:\n  a: {value: 1, qualifier: "at\\e[2Jleast"}\n',
                              encoding="utf-8")
    result = runner.invoke(app, ["check", "ok.yaml", "no\x1b[31m.yaml", "q.yaml"])
    assert result.exit_code == 2
    assert controls(result.stdout) == [] and controls(result.stderr) == []
    assert "no[31m.yaml: no such file" in result.stderr
    assert "q.yaml:2:28: unknown qualifier" in result.stderr


def test_other_commands_print_no_control_characters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("r.yaml").write_text(
        'rules:\n  - id: a\n    description: "\\e[31mx"\n    check: x <= 5\n'
        '  - id: b\n    check: x <= 3\n', encoding="utf-8")
    Path("t.txt").write_text("There were 5\x1b[2J missing\x07 persons.\n", encoding="utf-8")
    for args in (["lint", "r.yaml"], ["lint", "r.yaml", "-f", "json"], ["extract", "t.txt"],
                 ["extract", "t.txt", "-f", "json"]):
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert controls(result.stdout) == [], args
