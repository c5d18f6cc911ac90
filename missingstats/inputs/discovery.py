"""Which input files are ours: figure sheets, table specs and editions files, told apart
by their top-level keys, and tables that must be checked through a spec; and the inputs
below a folder (`check DIR`)."""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass

from missingstats.core.errors import InputError, Location
from missingstats.core.results import FileError
from missingstats.inputs.reader import read_text

INPUT_KEYS = ("figures", "tables", "editions")
TABLE_SUFFIXES = {".csv", ".tsv", ".parquet", ".xlsx", ".xlsm", ".xls"}


def recognised_inputs(paths: list[str]) -> list[str]:
    """The paths that are sheets, table specs or editions files (`check --skip-unknown`).

    A pre-commit hook passes every changed YAML file; other YAML (.pre-commit-config.yaml,
    workflows, rules files) is skipped (the caller names them). A file that looks like ours
    but does not parse is kept, so checking it reports the problem."""
    import yaml

    keys = "|".join(map(re.escape, INPUT_KEYS))
    sniff = re.compile(rf"^[\"']?({keys})[\"']?[ \t]*:", re.MULTILINE)
    keep = []
    for path in paths:
        try:
            text = read_text(path, "yaml")
        except InputError:
            keep.append(path)  # checking it reports the problem
            continue
        if not sniff.search(text):
            continue
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except (yaml.YAMLError, RecursionError):  # the check says what is wrong, and where
            keep.append(path)
            continue
        if not isinstance(root, yaml.MappingNode):
            continue
        top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
        if set(top) & (set(INPUT_KEYS) - {"figures"}) or isinstance(top.get("figures"), yaml.MappingNode):
            keep.append(path)
        elif "figures" in top and not ({"rules", "include"} & set(top)):
            keep.append(path)  # a malformed sheet: let the check say what is wrong
    return keep


# --- folders: `check DIR` --------------------------------------------------------------------

YAML_SUFFIXES = (".yaml", ".yml")
NOT_FOUND = ("this directory holds no figure sheets, table specs or editions files (YAML with "
             "'figures:', 'tables:' or 'editions:')")


@dataclass(frozen=True)
class _Folder:
    path: str
    above: frozenset[tuple[int, int]]  # (device, inode) of the folders it lies in


def expand(paths: list[str]) -> tuple[list[str], list[FileError]]:
    """The inputs of `check`: each file as given, each folder replaced by the sheets, table
    specs and editions files below it (see `below`). Returns the files and the problems of
    the folders (a symlink loop, an unreadable folder), each located at its folder."""
    files: list[str] = []
    problems: list[FileError] = []
    for path in paths:
        if not os.path.isdir(path):
            files.append(path)
            continue
        found, trouble = below(path)
        if not found and not trouble:
            trouble = [FileError(path, Location(path), NOT_FOUND)]
        files += [f for f in found if f not in files]
        problems += trouble
    return files, problems


def below(folder: str) -> tuple[list[str], list[FileError]]:
    """Every sheet, table spec and editions file below `folder`, in a fixed order (a folder's
    files by name, then its folders by name, depth first). What is not ours is skipped
    quietly, as with --skip-unknown: other YAML, rules files, code lists, tables, and names
    starting with a dot (.git, .venv, .pre-commit-config.yaml). Symlinks are followed; one
    that leads back into a folder above it is a located problem, not an endless walk."""
    candidates: list[str] = []
    problems: list[FileError] = []
    seen: set[tuple[int, int]] = set()
    stack = [_Folder(folder, frozenset())]
    while stack:
        here = stack.pop()
        key = _identity(here.path, problems)
        if key is None:
            continue
        if key in here.above:
            problems.append(FileError(here.path, Location(here.path),
                                      "a symlink loop: this folder leads back to a folder above "
                                      "it; it was not searched again"))
            continue
        if key in seen:
            continue  # reached again through another symlink: its files are listed already
        seen.add(key)
        files, folders = _entries(here.path, problems)
        candidates += files
        above = here.above | {key}
        stack += [_Folder(f, above) for f in reversed(folders)]
    return recognised_inputs(candidates), problems


def _identity(path: str, problems: list[FileError]) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError as exc:
        problems.append(FileError(path, Location(path), _cannot("read this folder", exc)))
        return None
    return st.st_dev, st.st_ino


def _cannot(what: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symlink loop: the link leads back to itself"
    return f"cannot {what}: {exc.strerror or type(exc).__name__}"


def _entries(folder: str, problems: list[FileError]) -> tuple[list[str], list[str]]:
    """A folder's YAML files and its folders, sorted by name; hidden names left out."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        problems.append(FileError(folder, Location(folder), _cannot("read this folder", exc)))
        return [], []
    files: list[str] = []
    folders: list[str] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        yaml_name = entry.name.lower().endswith(YAML_SUFFIXES)
        try:
            if entry.is_dir(follow_symlinks=True):
                folders.append(path)
            elif yaml_name and entry.is_file(follow_symlinks=True):
                files.append(path)
            elif yaml_name and entry.is_symlink():
                os.stat(path)  # a dangling or looping link: say why it cannot be read
        except OSError as exc:
            problems.append(FileError(path, Location(path), _cannot("read this file", exc)))
    return files, folders
