"""The pre-commit hook, run for real: pre-commit from PyPI installs this repository as a hook.

The working tree (tracked and untracked, not ignored) is copied into a temporary git
repository and committed there, so the test sees the code as it is now, independent of what
is committed in the checkout. The hook is installed once (module fixture) and every test
goes through that environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from missingstats.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATE = "2000-01-01T00:00:00+0000"
runner = CliRunner()


def pre_commit() -> list[str]:
    found = Path(sys.executable).with_name("pre-commit")
    if found.exists():
        return [str(found)]
    if shutil.which("pre-commit"):
        return ["pre-commit"]
    return [sys.executable, "-m", "pre_commit"]


def git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update({
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_AUTHOR_DATE": DATE, "GIT_COMMITTER_DATE": DATE,
        "GIT_CONFIG_GLOBAL": str(home / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(home / "pre-commit-store"),
    })
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("precommit-home")


@pytest.fixture(scope="module")
def snapshot(home) -> tuple[Path, str]:
    """This repository's working tree, committed in a throwaway git repository."""
    env = git_env(home)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    dest = home / "missingstats-snapshot"
    for rel in filter(None, listed):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "snapshot"]):
        done = run(cmd, dest, env)
        assert done.returncode == 0, done.stderr
    sha = run(["git", "rev-parse", "HEAD"], dest, env).stdout.strip()
    return dest, sha


@pytest.fixture
def user_repo(tmp_path, home) -> Path:
    """A data repository: a consistent sheet, a broken one, and YAML that is not a sheet."""
    env = git_env(home)
    repo = tmp_path / "figures-repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    letter = (ROOT / "data" / "letter.yaml").read_text(encoding="utf-8")
    (repo / "good.yaml").write_text(letter, encoding="utf-8")
    (repo / "broken.yaml").write_text(letter.replace("value: 29\n", "value: 92\n"), encoding="utf-8")
    shutil.copy(ROOT / "data" / "letter-2020-06-09.txt", repo)
    (repo / "extra-rules.yaml").write_text(
        "rules:\n  - id: tiny\n    check: detained.total <= missing.total\n", encoding="utf-8")
    (repo / ".github" / "workflows" / "ci.yml").write_text(
        "on: [push]\njobs: {}\n", encoding="utf-8")
    assert run(["git", "init", "-q"], repo, env).returncode == 0
    return repo


# --- the hook definition and the CLI's handling of what pre-commit passes --------------------


def test_hook_manifest():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["missingstats"]
    assert hook["entry"] == "missingstats check" and hook["language"] == "python"
    assert hook["types_or"] == ["yaml"] and "--skip-unknown" in hook["args"]
    assert hooks["missingstats-listed"]["pass_filenames"] is False
    done = subprocess.run([*pre_commit(), "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_skip_unknown_checks_sheets_and_skips_other_yaml(user_repo, monkeypatch):
    monkeypatch.chdir(user_repo)
    (user_repo / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    others = ["extra-rules.yaml", ".github/workflows/ci.yml", ".pre-commit-config.yaml"]
    ok = runner.invoke(app, ["check", "--skip-unknown", "good.yaml", *others])
    assert ok.exit_code == 0, ok.output
    assert "skipped 3 file(s)" in ok.stderr and "extra-rules.yaml" in ok.stderr
    assert ok.stdout.startswith("1 file,")
    bad = runner.invoke(app, ["check", "--skip-unknown", "good.yaml", "broken.yaml", *others])
    assert bad.exit_code == 1 and "broken.yaml:62:16" in bad.stdout
    assert runner.invoke(app, ["check", "--skip-unknown", *others]).exit_code == 0
    without = runner.invoke(app, ["check", "good.yaml", "extra-rules.yaml"])
    assert without.exit_code == 2  # outside pre-commit a rules file is a usage mistake


def test_skip_unknown_keeps_broken_sheets(user_repo, monkeypatch):
    monkeypatch.chdir(user_repo)
    Path("typo.yaml").write_text("figures:\n  missing:\n    total: twelve\n", encoding="utf-8")
    Path("bad-yaml.yaml").write_text("figures:\n  a: [1\n", encoding="utf-8")
    for name in ("typo.yaml", "bad-yaml.yaml"):
        result = runner.invoke(app, ["check", "--skip-unknown", name])
        assert result.exit_code == 2, result.output
        assert f"{name}:" in result.stderr


# --- the real pre-commit ------------------------------------------------------------------------
# One setup for all of them: the hook is installed once in a data repository (its
# virtualenv reuses the installed dependencies, so pip installs missingstats alone), then
# commits and `pre-commit run` go through that same environment.


@pytest.fixture(scope="module")
def hooked_repo(snapshot, home, tmp_path_factory) -> tuple[Path, dict[str, str], str]:
    """A data repository with the missingstats hook installed, the broken sheet set aside."""
    repo_path, sha = snapshot
    env = git_env(home)
    env["VIRTUALENV_SYSTEM_SITE_PACKAGES"] = "true"
    repo = tmp_path_factory.mktemp("hooked") / "figures-repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    letter = (ROOT / "data" / "letter.yaml").read_text(encoding="utf-8")
    (repo / "good.yaml").write_text(letter, encoding="utf-8")
    shutil.copy(ROOT / "data" / "letter-2020-06-09.txt", repo)
    (repo / "extra-rules.yaml").write_text(
        "rules:\n  - id: tiny\n    check: detained.total <= missing.total\n", encoding="utf-8")
    (repo / ".github" / "workflows" / "ci.yml").write_text("on: [push]\njobs: {}\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo_path}\n    rev: {sha}\n    hooks:\n      - id: missingstats\n",
        encoding="utf-8")
    assert run(["git", "init", "-q"], repo, env).returncode == 0
    installed = run([*pre_commit(), "install", "--install-hooks"], repo, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    broken = letter.replace("value: 29\n", "value: 92\n")
    return repo, env, broken


@pytest.mark.slow
def test_installed_hook_commits_a_consistent_sheet_and_blocks_a_broken_one(hooked_repo):
    repo, env, broken = hooked_repo
    assert run(["git", "add", "-A"], repo, env).returncode == 0
    first = run(["git", "commit", "-m", "consistent figures"], repo, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "missingstats" in first.stdout + first.stderr and "Passed" in first.stdout + first.stderr
    head = run(["git", "rev-parse", "HEAD"], repo, env).stdout

    (repo / "broken.yaml").write_text(broken, encoding="utf-8")
    assert run(["git", "add", "broken.yaml"], repo, env).returncode == 0
    second = run(["git", "commit", "-m", "a typo"], repo, env)
    out = second.stdout + second.stderr
    assert second.returncode != 0, out
    assert "Failed" in out and "broken.yaml:62:16" in out
    assert run(["git", "rev-parse", "HEAD"], repo, env).stdout == head  # nothing committed
    run(["git", "reset", "-q", "broken.yaml"], repo, env)
    (repo / "broken.yaml").unlink()


@pytest.mark.slow
def test_hook_run_on_files_blocks_a_broken_sheet_and_skips_other_yaml(hooked_repo):
    repo, env, broken = hooked_repo
    (repo / "broken.yaml").write_text(broken, encoding="utf-8")
    files = ["broken.yaml", "extra-rules.yaml", ".pre-commit-config.yaml", ".github/workflows/ci.yml"]
    done = run([*pre_commit(), "run", "missingstats", "--files", *files], repo, env)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "missingstats" in out and "Failed" in out
    assert "broken.yaml:62:16" in out and "detained-within-missing" in out
    assert "skipped 3 file(s)" in out
    good = run([*pre_commit(), "run", "missingstats", "--files", "good.yaml", "extra-rules.yaml"], repo, env)
    assert good.returncode == 0, good.stdout + good.stderr
    (repo / "broken.yaml").unlink()


@pytest.mark.slow
def test_hook_batch_reports_every_file_around_a_bad_one(hooked_repo):
    """pre-commit passes the changed files in one call: a sheet with bad input is reported as
    an error of that file, and the others are still checked and reported."""
    repo, env, broken = hooked_repo
    (repo / "broken.yaml").write_text(broken, encoding="utf-8")
    (repo / "bad.yaml").write_text("figures:\n  a: no\n", encoding="utf-8")
    done = run([*pre_commit(), "run", "missingstats", "--files", "good.yaml", "bad.yaml",
                "broken.yaml"], repo, env)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out  # pre-commit's own code for a failing hook
    assert "3 files, " in out and "1 file not checked (input error)" in out
    assert "bad.yaml:2:6: a: 'no' is read as a boolean" in out
    assert "broken.yaml:62:16" in out and "detained-within-missing" in out
    (repo / "broken.yaml").unlink()
    (repo / "bad.yaml").unlink()
