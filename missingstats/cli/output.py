"""Writing results: atomically to a file (temp file + rename), or to stdout."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from missingstats.core.errors import InputError, Location


def write_atomic(path: str | Path, text: str) -> None:
    """Write text so readers see the old file or the new one, never half of it."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("the output folder does not exist", Location(str(path)))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror}", Location(str(path))) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        # mkstemp makes the file owner-only; a report is an ordinary file, so honour the umask.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", Location(str(path))) from None


def emit(text: str, output: str | None) -> None:
    if output and output != "-":
        write_atomic(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def append_summary(path: str, text: str) -> None:
    """Append a report to a CI job summary ($GITHUB_STEP_SUMMARY); a summary that cannot be
    written is said on stderr and does not change the exit code (the report is written)."""
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    except OSError as exc:
        sys.stderr.write(f"missingstats: cannot write the step summary {path}: {exc.strerror}\n")
