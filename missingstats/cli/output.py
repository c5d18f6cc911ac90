"""Writing results: to stdout, straight to a device or FIFO, or atomically to a regular file.

`--output PATH` may name anything a shell redirection may: a regular file (written to a temp
file beside it and renamed over it, so readers see the old report or the new one, never
half of one), a symlink (the file it points to is replaced, the link stays), or something
that is not a regular file at all (/dev/null, /dev/full, a FIFO, a terminal), which is
written straight, never replaced: a rename over /dev/null, run as root, would turn the
device into a regular file. An output that is one of the run's inputs is refused, so
`--output sheet.yaml` cannot destroy the sheet it reports on.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from missingstats.core.errors import InputError, Location

STDOUT = "-"


def _error(message: str, path: str) -> InputError:
    return InputError(message, Location(str(path)))


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def resolve(path: str | Path) -> Path:
    """The file a write to `path` lands in: symlinks followed (a dangling link names the
    file it would create); a symlink loop is an input error."""
    try:
        return Path(os.path.realpath(path, strict=False))
    except OSError as exc:  # pragma: no cover - realpath(strict=False) raises only on odd systems
        raise _error(f"cannot write: {_reason(exc)}", str(path)) from None


def _status(path: Path, shown: str) -> os.stat_result | None:
    """The target's stat, None when it does not exist yet."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _error("cannot write: the symlink points back to itself (a symlink loop)",
                         shown) from None
        raise _error(f"cannot write: {_reason(exc)}", shown) from None


def refuse_inputs(output: str | None, inputs: Iterable[str]) -> None:
    """An input error when `output` is (the same file as) one of `inputs`: a report must never
    replace what it reports on. Devices and FIFOs are not replaced, so they are not refused."""
    if not output or output == STDOUT:
        return
    out = _status(resolve(output), output)
    if out is None or not stat.S_ISREG(out.st_mode):
        return
    for name in inputs:
        if not name or name == STDOUT:
            continue
        try:
            st = os.stat(name)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino):
            same = "" if os.path.abspath(name) == os.path.abspath(output) else f" ({name})"
            raise _error(f"--output names an input of this run{same}; writing the report there "
                         "would replace it: choose another file", output)


def write_atomic(path: str | Path, text: str) -> None:
    """Write text to `path`: see the module docstring for which files are replaced."""

    def write(name: str) -> None:
        with open(name, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    write_with(path, write)


def write_failures(path: str, results) -> None:
    """--failures-out: one row per failing instance (render/failures.py), Parquet or CSV."""
    from missingstats.render.failures import failures_frame

    data = failures_frame(results)
    if path.lower().endswith(".parquet"):
        write_with(path, lambda name: data.to_parquet(name, index=False))
    else:
        write_with(path, lambda name: data.to_csv(name, index=False))


def write_with(path: str | Path, write: Callable[[str], None]) -> None:
    """`write(name)` writes the content to a file name: straight to a device or FIFO, else to
    a temp file renamed over the target (see the module docstring)."""
    shown = str(path)
    target = resolve(path)
    st = _status(target, shown)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise _error("is a directory; give a file name for the report", shown)
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_straight(target, write, shown)
        return
    _replace(target, write, shown, None if st is None else stat.S_IMODE(st.st_mode))


def _write_straight(target: Path, write: Callable[[str], None], shown: str) -> None:
    """A device, FIFO or terminal: open it and write, as a shell redirection does."""
    try:
        write(str(target))
    except OSError as exc:
        raise _error(f"cannot write: {_reason(exc)}", shown) from None


def _replace(target: Path, write: Callable[[str], None], shown: str, mode: int | None) -> None:
    """A temp file beside the target, renamed over it; an existing file keeps its mode."""
    directory = target.parent
    if not directory.is_dir():
        raise _error("the output folder does not exist", shown)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise _error(f"cannot write here: {_reason(exc)}", shown) from None
    os.close(fd)
    try:
        write(tmp)
        if mode is None:
            # mkstemp makes the file owner-only; a new report is an ordinary file: the umask.
            mask = os.umask(0)
            os.umask(mask)
            mode = 0o666 & ~mask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _error(f"cannot write: {_reason(exc)}", shown) from None


def emit(text: str, output: str | None, inputs: Iterable[str] = (), coloured: bool = False) -> None:
    """The report to `output` (stdout when None or "-"), never over one of `inputs`. Output
    that is not coloured on purpose is printed without control characters, whatever command
    made it (the check report is clean already, render/report.py)."""
    if not coloured:
        from missingstats.render.values import printable

        text = printable(text)
    if output and output != STDOUT:
        refuse_inputs(output, inputs)
        write_atomic(output, text)
        return
    write_stdout(text)


def write_stdout(text: str) -> None:
    """Standard output, with a failed write (`> /dev/full`) said as an input error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise InputError(f"cannot write to standard output: {_reason(exc)}") from None


def append_summary(path: str, text: str) -> None:
    """Append a report to a CI job summary ($GITHUB_STEP_SUMMARY); a summary that cannot be
    written is said on stderr and does not change the exit code (the report is written)."""
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    except OSError as exc:
        sys.stderr.write(f"missingstats: cannot write the step summary {path}: {exc.strerror}\n")
