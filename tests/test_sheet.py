"""Figure sheets: the founding letter, figure forms, groups, and located errors."""

from __future__ import annotations

import pytest

from missingstats.core.errors import InputError
from missingstats.inputs.sheet import load_sheet
from missingstats.kinds.implied import for_sheet as implied_rules

LETTER = {
    "missing.total": 3889, "missing.civilians.total": 719, "missing.civilians.children": 71,
    "missing.civilians.women": 267, "missing.civilians.older_persons": 326,
    "detained.total": 871, "detained.servicemen": 604, "detained.civilians.total": 267,
    "detained.civilians.children": 29, "detained.civilians.women": 98,
    "detained.civilians.older_persons": 112,
}


def write(tmp_path, text: str):
    p = tmp_path / "sheet.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_founding_letter_holds_all_eleven_figures(repo_root):
    sheet = load_sheet(repo_root / "data" / "letter.yaml")
    assert {n: f.value for n, f in sheet.figures.items()} == LETTER
    assert sheet.source["date"] == "2020-06-09" and sheet.source["as_of"] == "2020-01-01"
    text = (repo_root / "data" / sheet.text).read_text(encoding="utf-8")
    for figure in sheet.figures.values():
        assert figure.quote, figure.name
        assert f"{int(figure.value):,}" in " ".join(text.split()), figure.name


def test_figure_forms_and_positions(tmp_path):
    p = write(tmp_path, (
        "figures:\n"
        "  a: 12\n"
        "  b: {value: 871, qualifier: at least}\n"
        "  c:\n"
        "    between: [10, null]\n"
        "  d: {qualifier: tens of thousands}\n"
        "  e: {value: 300, qualifier: about, tolerance: 0.05}\n"
    ))
    s = load_sheet(p)
    f = s.figures
    assert (f["a"].lo, f["a"].hi, f["a"].location.line, f["a"].location.column) == (12, 12, 2, 6)
    assert (f["b"].lo, f["b"].hi) == (871, float("inf"))
    assert (f["c"].lo, f["c"].hi, f["c"].location.line) == (10, float("inf"), 5)
    assert (f["d"].lo, f["d"].hi) == (20000, 99999)
    assert (f["e"].lo, f["e"].hi) == (285, 315)
    cells = s.cells()
    assert list(cells["name"]) == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("source: {}\n", 1, "needs a 'figures:'"),
        ("figures:\n  a: 1\nextra: 2\n", 3, "unknown top-level key"),
        ("figures:\n  a: {value: 1, colour: red}\n", 2, "unknown key 'colour'"),
        ("figures:\n  a: {value: 1, qualifier: roughly speaking}\n", 2, "unknown qualifier"),
        ("figures:\n  a: {qualifier: at least}\n", 2, "needs a 'value:'"),
        ("figures:\n  older-persons: 1\n", 2, "cannot name a figure"),
        ("figures:\n  a: [1, 2]\n", 2, "found a list"),
        ("figures:\n  g: {}\n", 2, "empty group"),
        ("figures:\n  a: {between: [5, 2]}\n", 2, "above high"),
        ("source:\n  date: 9 June 2020\nfigures:\n  a: 1\n", 2, "YYYY-MM-DD"),
        ("figures:\n  g:\n    a: 1\n    exhaustive: [b]\n", 4, "not a figure of g"),
        ("settings: {implied: no}\nfigures:\n  a: 1\n", 1, "true or false"),
    ],
)
def test_bad_sheets_are_located(tmp_path, text, line, fragment):
    with pytest.raises(InputError) as err:
        load_sheet(write(tmp_path, text))
    assert fragment in err.value.message
    assert err.value.location.line == line


def test_implied_rules_from_nesting(tmp_path):
    p = write(tmp_path, (
        "figures:\n"
        "  detained:\n"
        "    total: 871\n"
        "    servicemen: 604\n"
        "    civilians:\n"
        "      total: 267\n"
        "      children: 29\n"
        "    exhaustive: [servicemen, civilians]\n"
        "  share: {value: 12.5, unit: percent}\n"
    ))
    rules = {r.id: [i.text for i in r.instances] for r in implied_rules(load_sheet(p))}
    assert rules["part-within-total"] == [
        "detained.civilians.children <= detained.civilians.total",
        "detained.servicemen <= detained.total",
        "detained.civilians.total <= detained.total",
    ]
    assert rules["parts-sum-to-total"] == [
        "detained.servicemen + detained.civilians.total == detained.total"
    ]
