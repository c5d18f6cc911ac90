"""Writes (cli/output.py): devices and FIFOs written straight and never replaced, symlinks
written through, inputs never overwritten, regular files replaced atomically, stdout errors
said. We run as root here, so a rename over /dev/null would succeed: these tests prove it is
never attempted."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.cli.output import emit, refuse_inputs, write_atomic
from missingstats.core.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "data" / "letter.yaml"
runner = CliRunner()


def _device(path: str) -> tuple[int, int]:
    st = os.stat(path)
    assert stat.S_ISCHR(st.st_mode), f"{path} is no longer a character device"
    return st.st_ino, st.st_rdev


# --- unit: write_atomic and refuse_inputs ------------------------------------------------


def test_a_regular_file_is_replaced_atomically_and_keeps_its_mode(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]  # no temp file left


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real.name)
    write_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert real.read_text() == "new"


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to("made.txt")
    write_atomic(link, "new")
    assert link.is_symlink() and (tmp_path / "made.txt").read_text() == "new"


def test_a_symlink_loop_is_a_located_error(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to("loop.txt")
    with pytest.raises(InputError, match="symlink loop") as err:
        write_atomic(loop, "x")
    assert err.value.location.file == str(loop)


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        write_atomic(tmp_path, "x")


def test_dev_null_is_written_straight_and_stays_a_device():
    before = _device("/dev/null")
    write_atomic("/dev/null", "report\n")
    assert _device("/dev/null") == before


def test_dev_full_fails_with_a_located_error_and_stays_a_device():
    before = _device("/dev/full")
    with pytest.raises(InputError, match="No space left on device") as err:
        write_atomic("/dev/full", "report\n" * 10_000)
    assert err.value.location.file == "/dev/full"
    assert _device("/dev/full") == before


def test_a_symlink_to_a_device_writes_the_device(tmp_path):
    link = tmp_path / "null.txt"
    link.symlink_to("/dev/null")
    before = _device("/dev/null")
    write_atomic(link, "x")
    assert link.is_symlink() and _device("/dev/null") == before


def test_a_fifo_is_written_straight(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(Path(fifo).read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(10)
    assert got == [b"through the pipe\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_an_input_is_refused_by_identity_not_by_name(tmp_path):
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text("figures: {a: 1}\n")
    alias = tmp_path / "alias.yaml"
    alias.symlink_to(sheet.name)
    hard = tmp_path / "hard.yaml"
    os.link(sheet, hard)
    for output in (sheet, alias, hard):
        with pytest.raises(InputError, match="names an input of this run"):
            refuse_inputs(str(output), [str(sheet)])
    refuse_inputs(str(tmp_path / "other.txt"), [str(sheet)])  # a new file is fine
    refuse_inputs("/dev/null", ["/dev/null"])  # a device is not replaced, so not refused


def test_emit_to_stdout_says_a_full_device(monkeypatch):
    class Full:
        def write(self, text: str) -> int:
            return len(text)

        def flush(self) -> None:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(sys, "stdout", Full())
    with pytest.raises(InputError, match="cannot write to standard output: No space left"):
        emit("report", None)


# --- end to end ------------------------------------------------------------------------------


def test_check_output_to_devices_and_an_input(tmp_path):
    sheet = tmp_path / "letter.yaml"
    shutil.copy(LETTER, sheet)
    before = sheet.read_bytes()
    null = _device("/dev/null")
    result = runner.invoke(app, ["check", str(sheet), "-o", "/dev/null"])
    assert result.exit_code == 0 and _device("/dev/null") == null
    result = runner.invoke(app, ["check", str(sheet), "-o", "/dev/full"])
    assert result.exit_code == 2 and "/dev/full: cannot write: No space left on device" in result.stderr
    result = runner.invoke(app, ["check", str(sheet), "--output", str(sheet)])
    assert result.exit_code == 2
    assert f"{sheet}: --output names an input of this run" in result.stderr
    assert sheet.read_bytes() == before
    result = runner.invoke(app, ["check", str(sheet), "-o", "-", "-f", "json"])
    assert result.exit_code == 0 and result.stdout.startswith("{")


def test_check_refuses_the_text_and_rules_it_reads(tmp_path):
    sheet = tmp_path / "letter.yaml"
    shutil.copy(LETTER, sheet)
    shutil.copy(ROOT / "data" / "letter-2020-06-09.txt", tmp_path)
    text = tmp_path / "letter-2020-06-09.txt"
    before = text.read_bytes()
    result = runner.invoke(app, ["check", str(sheet), "--prose", "-o", str(text)])
    assert result.exit_code == 2 and "names an input" in result.stderr
    assert text.read_bytes() == before
    rules = ROOT / "rules.yaml"
    result = runner.invoke(app, ["check", str(sheet), "--rules", str(rules), "-o", str(rules)])
    assert result.exit_code == 2 and "names an input" in result.stderr


def test_other_commands_refuse_their_input(tmp_path):
    rules = tmp_path / "rules.yaml"
    shutil.copy(ROOT / "rules.yaml", rules)
    before = rules.read_bytes()
    result = runner.invoke(app, ["lint", str(rules), "-o", str(rules)])
    assert result.exit_code == 2 and "names an input" in result.stderr
    assert rules.read_bytes() == before


def test_stdout_on_a_full_device_is_said_not_a_traceback():
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "missingstats", "check", str(LETTER)],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == "missingstats: cannot write to standard output: No space left on device\n"
