"""Strict YAML: positions kept, YAML 1.1 surprises refused with an explanation."""

from __future__ import annotations

import pytest

from missingstats.core.errors import InputError
from missingstats.inputs import yamlnodes as sy


def load(tmp_path, text: str):
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    return sy.load(p), str(p)


def test_positions_are_one_based(tmp_path):
    root, _ = load(tmp_path, "a:\n  b: 12\n")
    value = root["a"]["b"]
    assert (value.line, value.column, value.plain) == (2, 6, True)
    key = next(iter(root["a"]))
    assert (key.line, key.column) == (2, 3)


def test_duplicate_key_names_both_lines(tmp_path):
    with pytest.raises(InputError) as err:
        load(tmp_path, "a: 1\nb: 2\na: 3\n")
    assert err.value.location.line == 3
    assert "first at line 1" in err.value.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("no", "boolean"),
        ("Yes", "boolean"),
        ("0719", "leading zero"),
        ("1:20", "base-60"),
        ("3.0", "not a whole number"),
        ("1e3", "not a whole number"),
        ("-5", "negative"),
        ("~", "no value"),
        ("many", "not a count"),
    ],
)
def test_counts_refuse_yaml11_surprises(tmp_path, text, fragment):
    root, _ = load(tmp_path, f"a: {text}\n")
    with pytest.raises(InputError) as err:
        sy.parse_count(root["a"], "a")
    assert fragment in err.value.message
    assert (err.value.location.line, err.value.location.column) == (1, 4)


def test_grouped_thousands_are_read_deliberately_with_a_note(tmp_path):
    root, _ = load(tmp_path, "a: '3,889'\nb: 1 234 567\n")
    notes: list[sy.Note] = []
    assert sy.parse_count(root["a"], "a", notes) == 3889
    assert sy.parse_count(root["b"], "b", notes) == 1234567
    assert [n.location.line for n in notes] == [1, 2]
    assert "thousands separators" in notes[0].message


@pytest.mark.parametrize("text", ["'3.889'", "'38,89'", "'3,8890'", "'1,000.5'"])
def test_ambiguous_or_malformed_grouping_is_refused(tmp_path, text):
    root, _ = load(tmp_path, f"a: {text}\n")
    with pytest.raises(InputError):
        sy.parse_count(root["a"], "a")


def test_quoted_digits_are_a_count(tmp_path):
    root, _ = load(tmp_path, "a: '719'\n")
    assert sy.parse_count(root["a"], "a") == 719


def test_empty_comment_only_binary_and_bad_utf8(tmp_path):
    for text in ("", "   \n", "# only a comment\n"):
        with pytest.raises(InputError, match="is empty"):
            load(tmp_path, text)
    p = tmp_path / "bin.yaml"
    p.write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="binary"):
        sy.load(p)
    p.write_bytes(b"a: 1\nb: \xff\n")
    with pytest.raises(InputError, match="UTF-8") as err:
        sy.load(p)
    assert (err.value.location.line, err.value.location.column) == (2, 4)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        sy.load(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="directory"):
        sy.load(tmp_path)


def test_syntax_error_is_located(tmp_path):
    with pytest.raises(InputError, match="invalid YAML") as err:
        load(tmp_path, "a: [1, 2\nb: 3\n")
    assert err.value.location.line is not None


def test_tags_and_merge_keys_are_refused(tmp_path):
    with pytest.raises(InputError, match="tag"):
        load(tmp_path, "a: !!python/object:os.system 1\n")
    with pytest.raises(InputError, match="merge"):
        load(tmp_path, "base: &b {x: 1}\nother:\n  <<: *b\n")


def test_bool_accepts_only_true_false(tmp_path):
    root, _ = load(tmp_path, "a: true\nb: yes\n")
    assert sy.expect_bool(root["a"], "a") is True
    with pytest.raises(InputError, match="true or false"):
        sy.expect_bool(root["b"], "b")
