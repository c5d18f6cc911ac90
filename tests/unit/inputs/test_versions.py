"""inputs.versions: the older version of a file, from another file or a git revision."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from missingstats.core.errors import InputError
from missingstats.inputs.versions import read_older, read_revision

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path):
    """A repository with sheet.yaml committed as `a: 1`, then changed to `a: 2` (uncommitted)."""
    git(tmp_path, "init", "-q")
    (tmp_path / "sub").mkdir()
    sheet = tmp_path / "sub" / "sheet.yaml"
    sheet.write_text("figures:\n  a: 1\n", encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes(b"figures: {caf\xe9: 1}\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    sheet.write_text("figures:\n  a: 2\n", encoding="utf-8")
    return tmp_path


def test_an_older_file(tmp_path):
    old = tmp_path / "old.yaml"
    old.write_text("figures:\n  a: 1\n", encoding="utf-8")
    assert read_older(str(old), str(tmp_path / "new.yaml")) == (str(old), "figures:\n  a: 1\n")


@needs_git
def test_a_revision_gives_the_committed_text(repo):
    path = str(repo / "sub" / "sheet.yaml")
    assert read_revision("HEAD", path) == (f"HEAD:{path}", "figures:\n  a: 1\n")
    assert read_older("HEAD", path) == (f"HEAD:{path}", "figures:\n  a: 1\n")


@needs_git
def test_a_file_new_since_the_revision_is_none(repo):
    new = repo / "sub" / "new.yaml"
    new.write_text("figures: {b: 1}\n", encoding="utf-8")
    assert read_revision("HEAD", str(new)) is None


@needs_git
def test_an_unknown_revision_is_an_input_error(repo):
    with pytest.raises(InputError, match="neither a file nor a git revision"):
        read_older("no-such-branch", str(repo / "sub" / "sheet.yaml"))


@needs_git
def test_a_revision_outside_a_repository(tmp_path):
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text("figures: {a: 1}\n", encoding="utf-8")
    with pytest.raises(InputError, match="is not inside a git repository"):
        read_revision("HEAD", str(sheet))


def test_a_path_in_no_folder_is_located(tmp_path):
    path = str(tmp_path / "nowhere" / "sheet.yaml")
    with pytest.raises(InputError) as err:
        read_revision("HEAD", path)
    assert err.value.message == "no such file"
    assert err.value.location.file == path


@needs_git
def test_committed_text_that_is_not_utf8(repo):
    path = str(repo / "latin1.yaml")
    with pytest.raises(InputError, match="is not valid UTF-8") as err:
        read_revision("HEAD", path)
    assert err.value.location.file == path


def test_without_git_installed(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(InputError, match="git is not installed"):
        read_revision("HEAD", str(tmp_path / "sheet.yaml"))
