"""inputs.discovery: which files of a pre-commit run are sheets, table specs or editions files."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missingstats.inputs.discovery import INPUT_KEYS, TABLE_SUFFIXES, recognised_inputs

FILES = {
    "sheet.yaml": "source: {title: t}\nfigures:\n  a: 5\n",
    "quoted.yaml": '"figures":\n  a: 5\n',
    "spec.yaml": "tables:\n  t: {path: t.csv, dimensions: [g], measure: v}\n",
    "editions.yaml": "editions:\n  - as_of: 2020-01-01\n    figures: {a: 1}\n",
    "rules.yaml": "rules:\n  - id: r\n    check: a <= b\n",
    "pack.yaml": "figures: [a, b]\nrules:\n  - id: r\n    check: a <= b\n",
    "included.yaml": "figures: [a]\ninclude: [other.yaml]\n",
    "bare-list.yaml": "figures: [a, b]\n",
    "pre-commit.yaml": "repos:\n  - repo: local\n    hooks: []\n",
    "mentions.yaml": "# figures: in a comment only\nname: x\n",
    "broken.yaml": "figures:\n  a: [1, 2\n",
    "list.yaml": "- figures: 1\n",
    "indented.yaml": "x:\n  figures:\n    a: 1\n",
    "scalar.yaml": "figures\n",
}


@pytest.fixture
def files(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name, kept", [
    ("sheet.yaml", True), ("quoted.yaml", True), ("spec.yaml", True), ("editions.yaml", True),
    ("rules.yaml", False),  # a rules file: checked through the files that use it
    ("pack.yaml", False),  # a rules pack lists its figure names
    ("included.yaml", False),
    ("bare-list.yaml", True),  # malformed sheet: kept so the check says what is wrong
    ("pre-commit.yaml", False), ("mentions.yaml", False),
    ("broken.yaml", True),  # looks like ours and does not parse: kept, the check reports it
    ("list.yaml", False), ("indented.yaml", False), ("scalar.yaml", False),
])
def test_each_kind_of_file(files, name, kept):
    path = str(files / name)
    assert recognised_inputs([path]) == ([path] if kept else [])


def test_order_is_kept_and_unreadable_paths_are_kept(files):
    paths = [str(files / n) for n in ("spec.yaml", "rules.yaml", "sheet.yaml")]
    missing = str(files / "gone.yaml")
    assert recognised_inputs([*paths, missing]) == [paths[0], paths[2], missing]
    assert recognised_inputs([str(files)]) == [str(files)]  # a directory cannot be read: kept
    assert recognised_inputs([]) == []


def test_invalid_utf8_is_read_with_replacements(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"source: {title: caf\xe9}\nfigures:\n  a: 5\n")
    assert recognised_inputs([str(path)]) == [str(path)]


def test_constants():
    assert INPUT_KEYS == ("figures", "tables", "editions")
    assert {".csv", ".parquet", ".xlsx"} <= TABLE_SUFFIXES


def test_deeply_nested_yaml_is_kept_not_a_crash(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("figures: " + "[" * 1000, encoding="utf-8")
    assert recognised_inputs([str(path)]) == [str(path)]


PREFIXES = st.sampled_from([b"", b"figures:", b"figures:\n  ", b"tables: ", b"editions:\n- ",
                            b"'figures': {", b"rules: []\nfigures: "])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(PREFIXES, st.binary(max_size=200))
def test_sniffing_never_raises_on_random_bytes(tmp_path, prefix, data):
    path = tmp_path / "random.yaml"
    path.write_bytes(prefix + data)
    got = recognised_inputs([str(path)])
    assert got in ([], [str(path)])
    readable = b"\x00" not in data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        readable = False
    if not prefix and b":" not in data and readable:
        assert got == []  # no top-level key at all
    if not readable:
        assert got == [str(path)]  # binary or not UTF-8: kept, so the check says so, located
