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


def write_failures(path: str, results, frames: list) -> None:
    """Every failing instance, one row each (tables: all of them, with their coordinates;
    sheets: the listed failures), as Parquet or CSV, written to a temporary file and renamed."""
    import pandas as pd

    from missingstats.core.findings import Status

    table_files = {f for fr in frames for f in fr["file"].unique()} if frames else set()
    rows = []
    for f in results.findings:
        if f.status != Status.FAIL or f.file in table_files:
            continue
        rows.append({"file": f.file, "rule": f.rule, "severity": f.severity, "table": None,
                     **{k: v for k, v in (f.coordinates or {}).items()},
                     "left": f.lhs.lo if f.lhs is not None else None,
                     "right": f.rhs.lo if f.rhs is not None else None,
                     "difference": f.difference})
    parts = [fr for fr in frames if len(fr)] + ([pd.DataFrame(rows)] if rows else [])
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["file", "rule", "severity", "table", "left", "right", "difference"])
    for col in data.columns:
        if data[col].dtype == object and col not in ("left", "right", "difference"):
            data[col] = data[col].astype("string")
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("the output folder does not exist", Location(str(path)))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
        os.close(fd)
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror}", Location(str(path))) from None
    try:
        if path.lower().endswith(".parquet"):
            data.to_parquet(tmp, index=False)
        else:
            data.to_csv(tmp, index=False)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", Location(str(path))) from None
