"""`missingstats check` end to end through the CLI: verdicts, exit codes, golden reports."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests/fixtures/core")
GOLDEN = ROOT / "tests" / "golden" / "core"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fixture", "code", "rule", "status"),
    [
        ("check-pass", 0, "sum", "pass"),
        ("check-fail", 1, "sum", "fail"),
        ("check-missing", 0, "sum", "missing"),
        ("template-pass", 0, "within", "pass"),
        ("template-fail", 1, "within", "fail"),
        ("implied-pass", 0, "parts-sum-to-total", "pass"),
        ("implied-fail", 1, "parts-sum-to-total", "fail"),
        ("implied-fail", 1, "part-within-total", "fail"),
        ("implication-fail", 1, "dead-need-exhumation", "fail"),
        ("tolerance-pass", 0, "rounded", "pass"),
        ("bounds-undetermined", 0, "detained-within", "undetermined"),
        ("warning-fail", 0, "overlap", "fail"),
    ],
)
def test_verdict_per_rule_kind(in_repo, fixture, code, rule, status):
    result = run("check", str(FIXTURES / f"{fixture}.yaml"), "--format", "json")
    assert result.exit_code == code, result.output
    report = json.loads(result.stdout)
    by_rule = {r["rule"]: r for r in report["results"]}
    assert by_rule[rule]["status"] == status


def test_strict_fails_on_warnings_and_undetermined(in_repo):
    assert run("check", str(FIXTURES / "warning-fail.yaml"), "--strict").exit_code == 1
    assert run("check", str(FIXTURES / "bounds-undetermined.yaml"), "--strict").exit_code == 1


def test_shipped_letter_passes_with_golden_text(in_repo):
    result = run("check", "data/letter.yaml")
    assert result.exit_code == 0
    golden("letter.txt", result.stdout)


MUTATIONS = [
    ("value: 29\n", "value: 92\n"),
    ("value: 3889\n", "value: 389\n"),
    ("value: 604\n", "value: 640\n"),
    ("value: 871\n", "value: 817\n"),
    ("value: 719\n", "value: 7190\n"),
    ("value: 112\n", "value: 1120\n"),
    ("value: 267\n        quote: >-\n          It has", "value: 276\n        quote: >-\n          It has"),
]


@pytest.mark.parametrize(("old", "new"), MUTATIONS)
def test_breaking_a_true_relation_points_at_the_changed_line(tmp_path, old, new):
    text = (ROOT / "data" / "letter.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    changed = text.replace(old, new)
    line = changed[: changed.index(new)].count("\n") + 1
    sheet = tmp_path / "letter.yaml"
    sheet.write_text(changed, encoding="utf-8")
    result = run("check", str(sheet))
    assert result.exit_code == 1, result.stdout
    assert f"{sheet}:{line}:" in result.stdout


def test_broken_letter_golden_text_and_json(tmp_path, monkeypatch):
    text = (ROOT / "data" / "letter.yaml").read_text(encoding="utf-8")
    (tmp_path / "letter.yaml").write_text(text.replace("value: 604\n", "value: 640\n"), "utf-8")
    prose = "letter-2020-06-09.txt"
    (tmp_path / prose).write_text((ROOT / "data" / prose).read_text(encoding="utf-8"), "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", "letter.yaml", "--prose")
    assert result.exit_code == 1
    golden("letter-640.txt", result.stdout)
    result = run("check", "letter.yaml", "--prose", "--format", "json")
    report = json.loads(result.stdout)
    report.pop("hints", None)  # owned by `explain`; tested there
    golden("letter-640.json", json.dumps(report, indent=2) + "\n")
    split = next(r for r in report["results"] if r["rule"] == "detained-split")
    assert split["checked"] == 1 and split["failed"] == 1
    failure = split["failures"][0]
    assert failure["values"]["detained.servicemen"] == 640
    assert failure["difference"] == -36
    where = {"file": "letter.yaml", "line": 47, "column": 14, "figure": "detained.servicemen"}
    assert where in failure["locations"]


def test_json_contract_summary(in_repo):
    report = json.loads(run("check", "data/letter.yaml", "-f", "json").stdout)
    assert report["version"] == 1
    s = report["summary"]
    assert s["instances"] == s["passed"] + s["failed"] + s["undetermined"] + s["missing"]
    assert s["failed"] == 0


def test_many_files_one_report_and_output_is_atomic(in_repo, tmp_path):
    out = tmp_path / "report.json"
    result = run("check", str(FIXTURES / "check-pass.yaml"), str(FIXTURES / "check-fail.yaml"),
                 "-f", "json", "-o", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    report = json.loads(out.read_text())
    assert report["summary"]["files"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_max_failures_caps_the_list_but_not_the_counts(tmp_path):
    figures = "\n".join(f"  d{i}: {i + 10}\n  m{i}: {i}" for i in range(30))
    rules = "rules:\n  - id: within\n    for: {i: [" + ", ".join(map(str, range(30))) + "]}\n"
    rules += "    check: d{i} <= m{i}\n"
    sheet = tmp_path / "s.yaml"
    sheet.write_text(f"figures:\n{figures}\n{rules}", encoding="utf-8")
    report = json.loads(run("check", str(sheet), "-f", "json", "--max-failures", "5").stdout)
    (res,) = report["results"]
    assert (res["checked"], res["failed"], len(res["failures"])) == (30, 30, 5)
    text = run("check", str(sheet), "--max-failures", "5").stdout
    assert "and 25 more failures" in text


def test_verbose_lists_passes(in_repo):
    result = run("check", "data/letter.yaml", "--verbose")
    assert "ok detained.total <= missing.total" in result.stdout


BAD_INPUTS = [
    ("figures:\n  a: no\n", "2:6", "boolean"),
    ("figures:\n  a: 012\n", "2:6", "leading zero"),
    ("figures:\n  a: 1:20\n", "2:6", "base-60"),
    ("figures:\n  a: 2.5\n", "2:6", "whole number"),
    ("figures:\n  a: many\n", "2:6", "not a count"),
    ("figures:\n  a: -4\n", "2:6", "negative"),
    ("figures:\n  a: 1\n  a: 2\n", "3:3", "duplicate key"),
    ("", "1:1", "empty"),
    ("figures:\n  a: 1\nrules:\n  - id: r\n    check: a <= b\n", "4:9", "does not report"),
    ("figures:\n  a: 1\nrules:\n  - id: r\n    check: __import__('os').system('touch x') <= 1\n",
     "5:28", "unexpected character '.'"),
]


@pytest.mark.parametrize(("text", "where", "fragment"), BAD_INPUTS)
def test_bad_input_exits_2_with_one_located_line(tmp_path, text, where, fragment):
    sheet = tmp_path / "bad.yaml"
    sheet.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(sheet)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"missingstats: {sheet}:{where}: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()


def test_unknown_name_suggests(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text("figures:\n  civilians: 3\nrules:\n  - id: r\n    check: civlians <= 4\n")
    result = runner.invoke(app, ["check", str(sheet)])
    assert result.exit_code == 2
    assert "did you mean 'civilians'?" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert runner.invoke(app, ["check"]).exit_code == 2
    assert runner.invoke(app, ["check", "data/letter.yaml", "--format", "pdf"]).exit_code == 2
    result = runner.invoke(app, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2 and "directory" in result.stderr


def test_version_and_help():
    result = run("--version")
    assert re.fullmatch(r"missingstats \d+\.\d+\.\d+\n", result.stdout)
    assert "check" in run("--help").stdout


def test_json_is_valid_when_only_some_rules_have_messages(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text(
        "figures:\n  a: 5\n  b: 3\nrules:\n"
        "  - id: with-message\n    check: a <= b\n    message: a exceeds b\n"
        "  - id: without\n    check: a < b\n"
    )
    result = run("check", str(sheet), "-f", "json")
    report = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    by_rule = {r["rule"]: r["failures"][0] for r in report["results"]}
    assert by_rule["with-message"]["message"] == "a exceeds b"
    assert "message" not in by_rule["without"]


def test_prose_is_opt_in(in_repo):
    plain = json.loads(run("check", "data/letter.yaml", "-f", "json").stdout)
    assert not any(r["rule"].startswith("prose-") for r in plain["results"])
    with_prose = json.loads(run("check", "data/letter.yaml", "--prose", "-f", "json").stdout)
    prose = {r["rule"]: r for r in with_prose["results"] if r["rule"].startswith("prose-")}
    assert prose["prose-matches-sheet"]["checked"] == 11
    assert prose["prose-matches-sheet"]["failed"] == 0


def test_console_entry_flushes_output_and_keeps_exit_codes(in_repo, tmp_path):
    """main() ends the process with os._exit: output must be complete and codes exact."""
    import subprocess
    import sys

    def entry(*args: str):
        return subprocess.run([sys.executable, "-m", "missingstats", *args], capture_output=True,
                              text=True, cwd=ROOT)

    ok = entry("check", "data/letter.yaml", "-f", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["summary"]["failed"] == 0
    bad = entry("check", str(FIXTURES / "check-fail.yaml"))
    assert bad.returncode == 1 and "FAIL sum" in bad.stdout
    missing = entry("check", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    out = tmp_path / "r.json"
    assert entry("check", "data/letter.yaml", "-f", "json", "-o", str(out)).returncode == 0
    assert json.loads(out.read_text())["version"] == 1


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"], ["explain", "--help"]])
def test_help_and_version_do_not_import_pandas(args):
    """A pre-commit hook starts on every commit: --help and --version stay light."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom missingstats.cli import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit:\n    pass\n"
        "print('pandas' in sys.modules, 'scipy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "False False"


def test_a_pack_written_for_other_sheets_shares_one_line(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text("figures:\n  registered:\n    total: 120\n    men: 70\n    women: 50\n")
    out = run("check", str(sheet)).stdout
    assert "6 rules could not be evaluated at all" in out
    assert "needs detained.total" not in out
    verbose = run("check", str(sheet), "--verbose").stdout
    first_four = "detained.total, missing.total, detained.servicemen, missing.servicemen"
    assert f"needs {first_four} and 8 more" in verbose
