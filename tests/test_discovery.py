"""Which rules apply to a file, and how reports are written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.cli.output import write_atomic
from missingstats.core.errors import InputError
from missingstats.evaluate import rulesets
from missingstats.evaluate import run as ck
from missingstats.evaluate.options import CheckOptions

runner = CliRunner()
SHEET = "figures:\n  a: 5\n  b: 3\n"


def rule_ids(path: Path, *extra: str) -> list[str]:
    result = runner.invoke(app, ["check", str(path), "-f", "json", "--no-implied", *extra])
    assert result.exit_code in (0, 1), result.output
    return [r["rule"] for r in json.loads(result.stdout)["results"]]


def test_order_explicit_then_own_then_beside_then_builtin(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text(SHEET)
    assert "detained-split" in rule_ids(sheet)  # built-in pack
    (tmp_path / "rules.yaml").write_text("rules:\n  - id: beside\n    check: b <= a\n")
    assert rule_ids(sheet) == ["beside"]
    (tmp_path / "own.yaml").write_text("rules:\n  - id: own-file\n    check: b <= a\n")
    sheet.write_text(SHEET + "rules: own.yaml\n")
    assert rule_ids(sheet) == ["own-file"]
    sheet.write_text(SHEET + "rules:\n  - id: inline\n    check: b <= a\n")
    assert rule_ids(sheet) == ["inline"]
    (tmp_path / "x.yaml").write_text("rules:\n  - id: explicit\n    check: a <= b\n")
    assert rule_ids(sheet, "--rules", str(tmp_path / "x.yaml")) == ["explicit"]


def test_missing_rules_file_is_located(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text(SHEET + "rules: nowhere.yaml\n")
    with pytest.raises(InputError) as err:
        ck.check_file(str(sheet), CheckOptions())
    assert err.value.location.line == 4


def test_builtin_pack_is_the_top_level_rules_file():
    pack = rulesets.builtin_pack()
    assert pack.is_file()
    root = Path(__file__).resolve().parent.parent / "rules.yaml"
    assert pack.read_text(encoding="utf-8") == root.read_text(encoding="utf-8")


def test_table_file_given_directly_asks_for_a_spec(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("a,b\n1,2\n")
    result = runner.invoke(app, ["check", str(table)])
    assert result.exit_code == 2 and "table spec" in result.stderr


def test_write_atomic_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["out.json"]
    with pytest.raises(InputError, match="folder does not exist"):
        write_atomic(tmp_path / "no" / "out.json", "x")


def test_inputs_are_never_modified(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text(SHEET)
    before = (sheet.read_bytes(), sheet.stat().st_mtime_ns)
    runner.invoke(app, ["check", str(sheet), "-o", str(tmp_path / "r.txt")])
    assert (sheet.read_bytes(), sheet.stat().st_mtime_ns) == before


def test_sheet_only_options_on_a_table_spec_are_noted_not_ignored():
    root = Path(__file__).resolve().parent
    spec = root / "fixtures" / "tables" / "regions.yaml"
    result = runner.invoke(app, ["check", str(spec), "--against", "HEAD", "-f", "json"])
    assert result.exit_code in (0, 1)
    notes = [n["message"] for n in json.loads(result.stdout)["notes"]]
    assert "--against applies to figure sheets, not to this tables file" in notes
