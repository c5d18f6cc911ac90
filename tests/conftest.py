"""Shared fixtures: the repository root and a helper to run the CLI in-process."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run with the repository root as working directory, so report paths are stable."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports must not depend on the developer's or CI's terminal and Actions settings."""
    for var in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "FORCE_COLOR", "CI_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    os.environ.pop("MISSINGSTATS_DEBUG", None)


@pytest.fixture
def fixed_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The fixed report of the format goldens, read from a folder outside any git repository
    (so repository-relative paths are stable)."""
    monkeypatch.chdir(tmp_path)
    golden = ROOT / "tests" / "golden" / "formats" / "report.json"
    return json.loads(golden.read_text(encoding="utf-8"))


@pytest.fixture
def broken_letter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """data/letter.yaml with 29 detained children changed to 92 (line 62), with its text, in
    tmp_path as the working directory."""
    text = (ROOT / "data" / "letter.yaml").read_text(encoding="utf-8")
    assert text.count("value: 29\n") == 1
    (tmp_path / "letter.yaml").write_text(text.replace("value: 29\n", "value: 92\n"), encoding="utf-8")
    shutil.copy(ROOT / "data" / "letter-2020-06-09.txt", tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "letter.yaml"


def instances(results) -> list[dict]:
    """Each listed finding of a Results in its JSON report form, with file, rule, severity."""
    from missingstats.render.report import finding_json

    return [{"file": f.file, "rule": f.rule, "severity": f.severity, **finding_json(f)}
            for f in results.findings]


def counts(results) -> dict[str, dict]:
    """rule -> exact counts (checked, passed, failed, undetermined, missing) of a Results."""
    out: dict[str, dict] = {}
    for t in results.tallies:
        c = t.counts
        out[t.rule] = {"file": t.file, "severity": t.severity, "checked": c.checked,
                       "passed": c.passed, "failed": c.failed, "undetermined": c.undetermined,
                       "missing": c.missing}
    return out
