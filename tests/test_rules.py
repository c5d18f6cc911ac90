"""Rule files: templates, metadata, vocabularies, includes, and located rule errors."""

from __future__ import annotations

import pytest

from missingstats.core.errors import InputError
from missingstats.inputs.rules import load_rules
from missingstats.language.intervals import Tolerance


def write(tmp_path, text: str, name: str = "rules.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_default_pack_loads_and_expands_templates(repo_root):
    rs = load_rules(repo_root / "rules.yaml")
    by_id = {r.id: r for r in rs.rules}
    assert [i.text for i in by_id["detained-within-missing"].instances][:2] == [
        "detained.total <= missing.total", "detained.servicemen <= missing.servicemen",
    ]
    assert by_id["civilian-groups-overlap"].severity == "warning"
    assert all(r.generic for r in rs.rules)
    assert "missing.civilians.children" in rs.vocabulary


def test_rule_metadata_and_tolerance(tmp_path):
    rs = load_rules(write(tmp_path, (
        "rules:\n"
        "  - id: r1\n"
        "    check: a == b + c\n"
        "    severity: info\n"
        "    description: d\n"
        "    message: m\n"
        "    tolerance: {absolute: 2, relative: 0.01}\n"
        "  - id: r2\n"
        "    for: {x: [p, q], y: [u, v]}\n"
        "    check: '{x}.n <= {y}.n'\n"
    )))
    r1, r2 = rs.rules
    assert (r1.severity, r1.description, r1.message) == ("info", "d", "m")
    assert r1.tolerance == Tolerance(2.0, 0.01)
    assert [i.text for i in r2.instances] == ["p.n <= u.n", "p.n <= v.n", "q.n <= u.n", "q.n <= v.n"]


def test_include_and_cycle(tmp_path):
    write(tmp_path, "rules:\n  - id: base\n    check: a <= b\n", "base.yaml")
    rs = load_rules(write(tmp_path, "include: [base.yaml]\nrules:\n  - id: own\n    check: c <= d\n"))
    assert [r.id for r in rs.rules] == ["base", "own"]
    write(tmp_path, "include: [b.yaml]\nrules: []\n", "a.yaml")
    write(tmp_path, "include: [a.yaml]\nrules: []\n", "b.yaml")
    with pytest.raises(InputError, match="cycle"):
        load_rules(tmp_path / "a.yaml")


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("rules:\n  - id: x\n    check: a <= b +\n", 3, 20, "expected a figure name"),
        ("rules:\n  - id: x\n    check: \"__import__('os').system('ls')\"\n", 3, 29,
         "unexpected character '.'"),
        ("rules:\n  - id: x\n    check: open(a) <= 1\n", 3, 12, "unknown function"),
        ("rules:\n  - check: a <= b\n", 2, 5, "needs an 'id'"),
        ("rules:\n  - id: x\n    check: a <= b\n    severity: fatal\n", 4, 15, "not one of"),
        ("rules:\n  - id: x\n    check: a <= b\n    colour: red\n", 4, 5, "unknown rule key"),
        ("rules:\n  - id: x\n    check: a <= b\n  - id: x\n    check: c <= d\n", 4, 9, "twice"),
        ("rules:\n  - id: x\n    check: '{g} <= 1'\n", 3, 13, "placeholder {g}"),
        ("rules:\n  - id: x\n    for: {g: [a]}\n    check: b <= 1\n", 4, 12, "not used"),
        ("rules:\n  - id: x\n    check: a <= b\n    tolerance: -1\n", 4, 16, "0 or more"),
        ("figures: [a.b]\nrules:\n  - id: x\n    check: a.c <= 1\n", 3, 9, "did you mean 'a.b'"),
        ("rules:\n  - id: bad id\n    check: a <= 1\n", 2, 9, "may use letters"),
        ("figures:\n  a: 1\n", 1, 1, "is this a figure sheet?"),
    ],
)
def test_rule_errors_are_located(tmp_path, text, line, column, fragment):
    with pytest.raises(InputError) as err:
        load_rules(write(tmp_path, text))
    assert fragment in err.value.message
    assert (err.value.location.line, err.value.location.column) == (line, column)
