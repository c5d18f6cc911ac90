"""`missingstats init [DIR]`: starter files that pass the check, and never an overwritten file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.cli.scaffold import starter_files

runner = CliRunner()
EXPECTED = ["figures.yaml", "rules.yaml", ".pre-commit-config.yaml", ".missingstats/sheet.schema.json",
            ".missingstats/rules.schema.json", ".missingstats/tables.schema.json"]


def cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_init_writes_the_starter_files(tmp_path):
    target = tmp_path / "project"
    result = cli("init", str(target))
    assert result.exit_code == 0, result.output
    assert list(starter_files()) == EXPECTED
    for rel in EXPECTED:
        assert (target / rel).is_file()
        assert f"created  {target / rel}" in result.stdout
    assert f"next: missingstats check {target / 'figures.yaml'}" in result.stdout


def test_starter_sheet_passes_the_check(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("init").exit_code == 0
    result = cli("check", "figures.yaml", "--format", "json", "--strict")
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.stdout)
    rules = {r["rule"] for r in report["results"]}
    assert {"missing-split", "detained-within-missing", "part-within-total"} <= rules
    assert report["summary"]["failed"] == 0 and report["summary"]["missing"] == 0


def test_starter_rules_catch_a_broken_figure(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli("init")
    sheet = Path("figures.yaml")
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("servicemen: 220", "servicemen: 520"),
                     encoding="utf-8")
    result = cli("check", "figures.yaml")
    assert result.exit_code == 1
    assert "detained-within-missing" in result.stdout and "figures.yaml:" in result.stdout


def test_init_never_overwrites(tmp_path):
    (tmp_path / "rules.yaml").write_text("# mine\nrules: []\n", encoding="utf-8")
    (tmp_path / ".missingstats").mkdir()
    (tmp_path / ".missingstats" / "sheet.schema.json").write_text("{}", encoding="utf-8")
    result = cli("init", str(tmp_path))
    assert result.exit_code == 0
    assert f"skipped  {tmp_path / 'rules.yaml'} (exists; left unchanged)" in result.stdout
    assert f"skipped  {tmp_path / '.missingstats' / 'sheet.schema.json'}" in result.stdout
    assert f"created  {tmp_path / 'figures.yaml'}" in result.stdout
    assert (tmp_path / "rules.yaml").read_text(encoding="utf-8") == "# mine\nrules: []\n"
    assert (tmp_path / ".missingstats" / "sheet.schema.json").read_text(encoding="utf-8") == "{}"

    (tmp_path / "figures.yaml").write_text("edited\n", encoding="utf-8")
    again = cli("init", str(tmp_path))
    assert again.exit_code == 0
    assert again.stdout.count("skipped") == len(EXPECTED) and "created" not in again.stdout
    assert (tmp_path / "figures.yaml").read_text(encoding="utf-8") == "edited\n"


def test_init_leaves_a_symlink_alone(tmp_path):
    (tmp_path / "elsewhere.yaml").write_text("x\n", encoding="utf-8")
    (tmp_path / "figures.yaml").symlink_to(tmp_path / "missing-target.yaml")
    result = cli("init", str(tmp_path))
    assert "skipped" in result.stdout and not (tmp_path / "missing-target.yaml").exists()


def test_init_into_a_file_is_an_input_error(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["init", str(tmp_path / "file")])
    assert result.exit_code == 2
    assert "exists and is not a folder" in result.stderr


def test_starter_pre_commit_config_is_valid_for_pre_commit(tmp_path):
    cli("init", str(tmp_path))
    pre_commit = Path(sys.executable).with_name("pre-commit")
    cmd = [str(pre_commit)] if pre_commit.exists() else [sys.executable, "-m", "pre_commit"]
    done = subprocess.run([*cmd, "validate-config", str(tmp_path / ".pre-commit-config.yaml")],
                          capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0 and "No module named" in done.stderr:
        pytest.skip("pre-commit is not installed")
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_and_init_do_not_import_pandas(tmp_path):
    code = (
        "import sys\n"
        "from missingstats.cli import app\n"
        f"for args in (['schema', 'sheet'], ['init', {str(tmp_path)!r}]):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          check=True)
    assert done.stdout.strip().splitlines()[-1] == "False"
