"""Older versions of a file: another file, or the same path as committed at a git revision.

`check --against REV` and `diff REV:path NEW` read the older version with `git show` (never
by checking anything out); a file that is new in that revision is None, not an error.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from missingstats.core.errors import InputError, Location
from missingstats.inputs import yamlnodes as sy


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, timeout=60)
    except FileNotFoundError:
        raise InputError("git is not installed: --against REV reads the older version with git") from None
    except subprocess.TimeoutExpired:
        raise InputError("git did not answer within 60 s") from None


def read_older(against: str, path: str) -> tuple[str, str] | None:
    """(label, text) of the older version of `path`; None when it is new in that revision."""
    if Path(against).is_file():
        return against, sy.read_text(against)
    return read_revision(against, path)


def read_revision(against: str, path: str) -> tuple[str, str] | None:
    """`path` as committed at git revision `against` (None when it is not in it)."""
    target = Path(path).resolve()
    where = target.parent
    if not where.is_dir():
        raise InputError("no such file", Location(path))
    rev = _git(["rev-parse", "--verify", "--quiet", f"{against}^{{commit}}"], where)
    if rev.returncode != 0:
        inside = _git(["rev-parse", "--git-dir"], where).returncode == 0
        if not inside:
            raise InputError(
                f"--against {against}: no such file, and {path} is not inside a git repository "
                "(give an older file, or a revision such as HEAD inside a repository)"
            )
        raise InputError(
            f"--against {against}: neither a file nor a git revision of this repository "
            "(try HEAD, HEAD~1, a tag or a branch)"
        )
    spec = f"{against}:./{target.name}"
    if _git(["cat-file", "-e", spec], where).returncode != 0:
        return None
    shown = _git(["show", spec], where)
    if shown.returncode != 0:
        raise InputError(f"git show {spec} failed: {shown.stderr.decode(errors='replace').strip()}")
    try:
        text = shown.stdout.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{against}:{path} is not valid UTF-8", Location(path)) from None
    return f"{against}:{path}", text
