"""One bounded reader for every text input: sheets, rules, editions, specs, prose.

A path may name a regular file, standard input (`-`, reported as `<stdin>`), a pipe
(`/dev/stdin`, `<(cat sheet.yaml)`), a FIFO or a device. Reading must end, and end with one
located message when the input is not what we read:

- a size cap per input kind, checked against stat() for regular files only (a pipe's size
  is 0) and while reading for everything else;
- an early stop at the first NUL byte (a binary file, /dev/zero) and at the first byte that
  is not UTF-8 (/dev/urandom), by decoding chunk by chunk as the bytes arrive;
- nothing blocks forever: a FIFO is opened without waiting for a writer, and each read of
  a pipe or device waits at most READ_TIMEOUT seconds for data (select).

A pipe can be read only once, but `check` reads a sheet twice (to tell its kind, then to
load it), so the text of every input that is not a regular file is kept for the run.
"""

from __future__ import annotations

import codecs
import os
import select
import stat
import sys
from pathlib import Path

from missingstats.core.errors import InputError, Location

STDIN = "<stdin>"  # how reports name standard input (`check -`)
MIB = 1 << 20
# Caps per input kind: far above any real document of the kind, far below what would make a
# run take minutes (a UN letter is ~50 KB; a large editions file ~1 MB).
LIMITS = {"yaml": 16 * MIB, "text": 32 * MIB}
CHUNK = 1 << 16
READ_TIMEOUT = 10.0  # seconds; MISSINGSTATS_READ_TIMEOUT overrides it (read at each read)


def read_timeout() -> float:
    try:
        return float(os.environ.get("MISSINGSTATS_READ_TIMEOUT", READ_TIMEOUT))
    except ValueError:
        return READ_TIMEOUT

_KEPT: dict[tuple, str] = {}  # texts of pipes and devices, read once per run


def is_stdin(path: str | Path) -> bool:
    return str(path) in ("-", STDIN)


def display_name(path: str | Path) -> str:
    """The name reports use for a path (`-` is `<stdin>`)."""
    return STDIN if is_stdin(path) else str(path)


def read_text(path: str | Path, kind: str = "yaml") -> str:
    """The UTF-8 text of `path` (a BOM dropped), bounded by the cap of `kind`."""
    name = display_name(path)
    limit = LIMITS[kind]
    if is_stdin(path):
        return _read_stdin(name, limit)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file", Location(name)) from None
    except PermissionError:
        raise InputError("permission denied: the file cannot be read", Location(name)) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {_why(exc)}", Location(name)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory, expected a YAML or text file", Location(name))
    if stat.S_ISREG(info.st_mode):
        if info.st_size > limit:
            raise InputError(_too_large(info.st_size, limit, kind), Location(name))
        return _read_file(path, name, limit, kind)
    key = (name, info.st_dev, info.st_ino)
    if key not in _KEPT:
        _KEPT[key] = _read_special(path, name, limit, kind)
    return _KEPT[key]


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _too_large(size: int | None, limit: int, kind: str) -> str:
    what = "a YAML input" if kind == "yaml" else "a text"
    amount = f"{size / MIB:,.1f} MB" if size is not None else f"more than {limit // MIB} MB"
    return f"is too large ({amount}); the limit for {what} is {limit // MIB} MB"


def _open(path: str | Path, name: str) -> int:
    """Opened without blocking, so that a FIFO with no writer cannot hang the open itself."""
    try:
        return os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except PermissionError:
        raise InputError("permission denied: the file cannot be read", Location(name)) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {_why(exc)}", Location(name)) from None


def _read_file(path: str | Path, name: str, limit: int, kind: str) -> str:
    fd = _open(path, name)
    try:
        return _Decoder(name, limit, kind).drain(fd, wait=False)
    finally:
        os.close(fd)


def _read_special(path: str | Path, name: str, limit: int, kind: str) -> str:
    """A FIFO, pipe or device: opened without waiting for a writer, read with a timeout."""
    fd = _open(path, name)
    try:
        if os.isatty(fd):
            raise InputError("is a terminal; give a file or pipe the input in", Location(name))
        return _Decoder(name, limit, kind).drain(fd, wait=True)
    finally:
        os.close(fd)


def _read_stdin(name: str, limit: int) -> str:
    stream = sys.stdin
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None  # a test harness's in-memory stream
    if fd is None:
        kept = getattr(stream, "_missingstats_text", None)
        if kept is not None:
            return kept
        buffer = getattr(stream, "buffer", None)
        data = buffer.read(limit + 1) if buffer is not None else stream.read(limit + 1)
        decoder = _Decoder(name, limit, "yaml")
        text = decoder.feed(data.encode("utf-8") if isinstance(data, str) else data) + decoder.end()
        try:
            stream._missingstats_text = text  # type: ignore[union-attr]
        except AttributeError:
            pass
        return text
    info = os.fstat(fd)
    key = (name, info.st_dev, info.st_ino)
    if key not in _KEPT:
        if os.isatty(fd):
            raise InputError("standard input is a terminal; pipe the input in "
                             "(missingstats check - < sheet.yaml)", Location(name))
        _KEPT[key] = _Decoder(name, limit, "yaml").drain(fd, wait=not stat.S_ISREG(info.st_mode))
    return _KEPT[key]


class _Decoder:
    """UTF-8 decoded chunk by chunk, so a binary or oversized input stops being read early."""

    def __init__(self, name: str, limit: int, kind: str) -> None:
        self.name, self.limit, self.kind = name, limit, kind
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.parts: list[str] = []
        self.size = 0
        self.lines = 1  # line of the next byte, for a located encoding error
        self.line_start = 0  # offset where the current line began
        self.first = True

    def drain(self, fd: int, wait: bool) -> str:
        while True:
            if wait:
                ready, _, _ = select.select([fd], [], [], read_timeout())
                if not ready:
                    raise InputError(
                        f"nothing to read after {read_timeout():g} s (a FIFO with no writer, or a "
                        "stalled pipe?)", Location(self.name),
                    )
            try:
                chunk = os.read(fd, CHUNK)
            except BlockingIOError:
                continue  # select said ready, but the data went elsewhere: wait again
            except OSError as exc:
                raise InputError(f"cannot be read: {_why(exc)}", Location(self.name)) from None
            if not chunk:
                break
            self.parts.append(self.feed(chunk))
        self.parts.append(self.end())
        return "".join(self.parts)

    def feed(self, chunk: bytes) -> str:
        if self.size + len(chunk) > self.limit:
            raise InputError(_too_large(None, self.limit, self.kind), Location(self.name))
        if self.first and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8):]
            self.size += len(codecs.BOM_UTF8)
        self.first = False
        nul = chunk.find(b"\x00")
        if nul >= 0:
            line, col = self._position(chunk, nul)
            raise InputError("is a binary file (a NUL byte), expected UTF-8 text",
                             Location(self.name, line, col))
        try:
            text = self.decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            line, col = self._position(chunk, exc.start)
            raise InputError(
                f"is not valid UTF-8 (byte 0x{chunk[exc.start]:02x}); save the file as UTF-8",
                Location(self.name, line, col),
            ) from None
        self._advance(chunk)
        return text

    def end(self) -> str:
        pending = self.decoder.getstate()[0]
        if not pending:
            return ""
        col = self.size - len(pending) - self.line_start + 1
        raise InputError(
            f"is not valid UTF-8 (byte 0x{pending[0]:02x} starts a character the file does not "
            "finish); save the file as UTF-8", Location(self.name, self.lines, col),
        )

    def _position(self, chunk: bytes, offset: int) -> tuple[int, int]:
        before = chunk[:offset]
        newlines = before.count(b"\n")
        line = self.lines + newlines
        if newlines:
            col = offset - before.rfind(b"\n")
        else:
            col = self.size - self.line_start + offset + 1
        return line, col

    def _advance(self, chunk: bytes) -> None:
        newlines = chunk.count(b"\n")
        if newlines:
            self.lines += newlines
            self.line_start = self.size + chunk.rfind(b"\n") + 1
        self.size += len(chunk)


def forget() -> None:
    """Drop the kept texts of pipes (tests running several in-process CLI calls)."""
    _KEPT.clear()
