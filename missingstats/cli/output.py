"""Writing results: atomically to a file (temp file + rename), or to stdout."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from missingstats.core.errors import InputError, Location


def write_atomic(path: str | Path, text: str) -> None:
    """Write text so readers see the old file or the new one, never half of it."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    write_atomic_with(path, write)


def write_failures(path: str, results) -> None:
    """--failures-out: one row per failing instance (render/failures.py), Parquet or CSV."""
    from missingstats.render.failures import failures_frame

    data = failures_frame(results)
    if path.lower().endswith(".parquet"):
        write_atomic_with(path, lambda tmp: data.to_parquet(tmp, index=False))
    else:
        write_atomic_with(path, lambda tmp: data.to_csv(tmp, index=False))


def write_atomic_with(path: str | Path, write) -> None:
    """Call `write(temporary path)` beside the target, then rename it over the target."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("the output folder does not exist", Location(str(path)))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror}", Location(str(path))) from None
    os.close(fd)
    try:
        write(tmp)
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
