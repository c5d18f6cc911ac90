"""Figures across documents: `sources:` in sheets, editions files and table specs; failures
located in both documents; cycles and missing files as located input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.core.errors import InputError
from missingstats.inputs import sources as src
from missingstats.inputs import yamlnodes as sy

runner = CliRunner()

LETTER_2020 = """\
source: {title: Letter of 2020, as_of: 2020-01-01}
figures:
  missing:
    total: 3889
    civilians: 719
"""
LETTER_2021 = """\
source: {title: Letter of 2021, as_of: 2021-01-01}
sources:
  letter2020: ../2020/letter.yaml
figures:
  missing:
    total: 3800
    civilians: 719
rules:
  - id: total-does-not-fall
    for: {g: [total, civilians]}
    check: missing.{g} >= letter2020.missing.{g}
"""


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def letters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "2020").mkdir()
    (tmp_path / "2021").mkdir()
    (tmp_path / "2020" / "letter.yaml").write_text(LETTER_2020, encoding="utf-8")
    (tmp_path / "2021" / "letter.yaml").write_text(LETTER_2021, encoding="utf-8")
    return tmp_path


def _failures(report: dict, rule: str) -> list[dict]:
    return next(r for r in report["results"] if r["rule"] == rule)["failures"]


def test_a_new_letter_below_its_source_fails_located_in_both(letters):
    res = run("check", "2021/letter.yaml", "--format", "json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert report["version"] == 1
    (fail,) = _failures(report, "total-does-not-fall")
    assert fail["expression"] == "missing.total >= letter2020.missing.total"
    assert fail["values"] == {"missing.total": 3800, "letter2020.missing.total": 3889}
    assert fail["difference"] == -89
    assert fail["locations"] == [
        {"file": "2021/letter.yaml", "line": 6, "column": 12, "figure": "missing.total"},
        {"file": "2020/letter.yaml", "line": 4, "column": 12, "figure": "letter2020.missing.total"},
    ]
    text = run("check", "2021/letter.yaml").stdout
    assert "letter2020.missing.total = 3,889  2020/letter.yaml:4:12" in text
    assert "missing.total            = 3,800  2021/letter.yaml:6:12" in text


def test_a_source_that_is_also_an_input_is_checked_once_as_itself(letters):
    report = json.loads(run("check", "2021/letter.yaml", "2020/letter.yaml", "-f", "json").stdout)
    assert report["files"] == ["2021/letter.yaml", "2020/letter.yaml"]
    pairs = [(r["file"], r["rule"]) for r in report["results"]]
    assert len(pairs) == len(set(pairs))
    assert ("2021/letter.yaml", "total-does-not-fall") in pairs
    assert not any(f == "2020/letter.yaml" and r == "total-does-not-fall" for f, r in pairs)
    within = [r for r in report["results"] if r["rule"] == "part-within-total"]
    assert sorted(r["file"] for r in within) == ["2020/letter.yaml", "2021/letter.yaml"]


def test_each_source_is_read_once_per_run(letters, monkeypatch):
    from missingstats.inputs import sheet as sh

    (letters / "2021" / "other.yaml").write_text(
        LETTER_2021.replace("3800", "3900"), encoding="utf-8")
    loads: list[str] = []
    real = sh.load_sheet
    monkeypatch.setattr(sh, "load_sheet", lambda p, *a: loads.append(str(p)) or real(p, *a))
    run("check", "2021/letter.yaml", "2021/other.yaml", "2020/letter.yaml")
    assert loads.count("2020/letter.yaml") == 1


def test_source_figures_in_explain_and_the_hint(letters):
    res = run("explain", "2021/letter.yaml", "--format", "json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    named = {s["figure"]: s["location"]["file"] for s in report["suspects"]}
    assert named == {"missing.total": "2021/letter.yaml",
                     "letter2020.missing.total": "2020/letter.yaml"}
    assert "hint: most likely wrong" in run("check", "2021/letter.yaml").stdout


def test_an_editions_file_reads_its_sources_in_every_edition(letters):
    (letters / "editions.yaml").write_text("""\
sources: {letter2020: 2020/letter.yaml}
editions:
  - as_of: 2021-01-01
    figures: {missing: {total: 3900}}
  - as_of: 2022-01-01
    figures: {missing: {total: 3850}}
rules:
  - id: above-2020
    check: missing.total >= letter2020.missing.total
""", encoding="utf-8")
    res = run("check", "editions.yaml", "-f", "json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    rule = next(r for r in report["results"] if r["rule"] == "above-2020")
    assert (rule["checked"], rule["failed"]) == (2, 1)
    (fail,) = rule["failures"]
    assert fail["coordinates"] == {"edition": "2022-01-01"}
    assert [loc["file"] for loc in fail["locations"]] == ["editions.yaml", "2020/letter.yaml"]


def test_a_table_spec_matches_a_sources_figures(letters):
    (letters / "regions.csv").write_text("region,persons\nN,2000\nS,1800\n", encoding="utf-8")
    (letters / "regions.yaml").write_text("""\
sources: {letter2020: 2020/letter.yaml}
tables:
  regions: {path: regions.csv, dimensions: [region], measure: persons}
rules:
  - id: regions-make-the-total
    group:
      check: sum(regions.persons) == letter2020.missing.total
  - id: region-within-total
    check: persons <= letter2020.missing.civilians
""", encoding="utf-8")
    res = run("check", "regions.yaml", "-f", "json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    (group,) = _failures(report, "regions-make-the-total")
    assert group["values"] == {"sum(regions.persons)": 3800, "letter2020.missing.total": 3889}
    assert group["locations"] == [{"file": "2020/letter.yaml", "line": 4, "column": 12,
                                   "figure": "letter2020.missing.total"}]
    cells = _failures(report, "region-within-total")
    assert [f["locations"][0]["line"] for f in cells] == [2, 3]
    assert cells[0]["locations"][1]["file"] == "2020/letter.yaml"


# --- located input errors --------------------------------------------------------------------


def _sheet(sources: str, extra: str = "") -> str:
    return f"sources:\n{sources}figures:\n  missing: {{total: 5}}\n{extra}"


@pytest.mark.parametrize(("files", "where", "fragment"), [
    ({"a.yaml": _sheet("  old: nowhere.yaml\n")}, "a.yaml:2:8", "nowhere.yaml does not exist"),
    ({"a.yaml": _sheet("  me: a.yaml\n")}, "a.yaml:2:7", "a cycle of sources: a.yaml -> a.yaml"),
    ({"a.yaml": _sheet("  b: b.yaml\n"), "b.yaml": _sheet("  c: c.yaml\n"),
      "c.yaml": _sheet("  a: a.yaml\n")},
     "c.yaml:2:6", "a cycle of sources: a.yaml -> b.yaml -> c.yaml -> a.yaml"),
    ({"a.yaml": _sheet("  r: rules.yaml\n"), "rules.yaml": "rules: []\n"},
     "a.yaml:2:6", "is not a figure sheet"),
    ({"a.yaml": _sheet("  d: sub\n"), "sub/x": ""}, "a.yaml:2:6", "sub is not a file"),
    ({"a.yaml": _sheet("  2020: b.yaml\n"), "b.yaml": _sheet("  {}\n")}, "a.yaml:2:3",
     "cannot name a source"),
    ({"a.yaml": _sheet("  not: b.yaml\n"), "b.yaml": "figures: {x: 1}\n"}, "a.yaml:2:3",
     "cannot name a source"),
    ({"a.yaml": _sheet("  missing: b.yaml\n"), "b.yaml": "figures: {x: 1}\n"}, "a.yaml:2:3",
     "source alias 'missing' is also a figure of this sheet"),
    ({"a.yaml": "sources: b.yaml\nfigures: {x: 1}\n"}, "a.yaml:1:10", "must be a mapping"),
    ({"a.yaml": "sources: {}\nfigures: {x: 1}\n"}, "a.yaml:1:10", "names no sheet"),
    ({"a.yaml": _sheet("  b: [b.yaml]\n")}, "a.yaml:2:6", "the path of source 'b'"),
    ({"a.yaml": _sheet("  b: b.yaml\n"), "b.yaml": "figures: {x: abc}\n"},
     "b.yaml:1:14", "is not a count"),
    ({"a.yaml": _sheet("  b: b.yaml\n", "rules:\n  - {id: r, check: b.y >= 1}\n"),
      "b.yaml": "figures: {x: 1}\n"}, "a.yaml:6:10", "which source 'b' (b.yaml) does not report"),
])
def test_bad_sources_are_located_input_errors(tmp_path, monkeypatch, files, where, fragment):
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    res = run("check", "a.yaml")
    assert res.exit_code == 2, res.stdout
    assert f"{where}:" in res.stderr, res.stderr
    assert fragment in res.stderr


@pytest.mark.parametrize(("rules", "fragment"), [
    ("- {id: r, check: letter.missing.totl >= 1}",
     "which source 'letter' (letter.yaml) does not report; did you mean 'letter.missing.total'?"),
    ("- {id: r, check: letter.missing.total >= 1}", "reads only figures of sources"),
    ("- {id: r, group: {check: sum(letter.missing.total) == 1}}", "sum() takes measure names"),
    ("- {id: r, group: {check: letter.missing.total == 1}}", "reads no table"),
])
def test_bad_source_names_in_table_rules(tmp_path, monkeypatch, rules, fragment):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "letter.yaml").write_text(LETTER_2020, encoding="utf-8")
    (tmp_path / "t.csv").write_text("region,persons\nN,1\n", encoding="utf-8")
    (tmp_path / "spec.yaml").write_text(
        "sources: {letter: letter.yaml}\ntables:\n  t: {path: t.csv, dimensions: [region], "
        f"measure: persons}}\nrules:\n{rules}\n", encoding="utf-8")
    res = run("check", "spec.yaml")
    assert res.exit_code == 2
    assert fragment in res.stderr
    assert res.stderr.startswith("missingstats: spec.yaml:")


def test_a_source_alias_may_not_be_a_table_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "letter.yaml").write_text(LETTER_2020, encoding="utf-8")
    (tmp_path / "t.csv").write_text("region,persons\nN,1\n", encoding="utf-8")
    (tmp_path / "spec.yaml").write_text(
        "sources: {t: letter.yaml}\ntables:\n  t: {path: t.csv, dimensions: [region], "
        "measure: persons}\n", encoding="utf-8")
    res = run("check", "spec.yaml")
    assert res.exit_code == 2
    assert "spec.yaml:1:11: source alias 't' is also a table name" in res.stderr


# --- random source graphs: a cycle is always found, an acyclic graph always loads -----------

graphs = st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=12)))


def _reaches_cycle(n: int, edges: set[tuple[int, int]]) -> bool:
    """Is there a cycle among the nodes reachable from node 0?"""
    seen: set[int] = set()
    reach = [0]
    while reach:
        node = reach.pop()
        if node not in seen:
            seen.add(node)
            reach.extend(b for a, b in edges if a == node)
    state: dict[int, int] = {}

    def visit(node: int) -> bool:
        state[node] = 1
        for a, b in edges:
            if a == node and (state.get(b) == 1 or (b not in state and visit(b))):
                return True
        state[node] = 2
        return False

    return visit(0)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graphs)
def test_random_source_graphs(tmp_path_factory, graph):
    n, edge_list = graph
    edges = set(edge_list)
    root = tmp_path_factory.mktemp("graph")
    for node in range(n):
        names = sorted(b for a, b in edges if a == node)
        block = "".join(f"  s{b}: d{b}/doc.yaml\n".replace("d", "../d", 1) for b in names)
        text = (f"sources:\n{block}" if names else "") + f"figures:\n  x{node}: {node}\n"
        (root / f"d{node}").mkdir()
        (root / f"d{node}" / "doc.yaml").write_text(text, encoding="utf-8")
    first = str(root / "d0" / "doc.yaml")
    top = sy.load(first)
    cache: dict = {}
    try:
        loaded = src.load_sources(first, top.get("sources"), cache)
    except InputError as err:
        assert "a cycle of sources" in err.message
        assert err.location is not None and err.location.line is not None
        assert _reaches_cycle(n, edges)
    else:
        assert not _reaches_cycle(n, edges)
        assert set(loaded) == {f"s{b}" for a, b in edges if a == 0}
        assert len(cache) == len({str(Path(p)) for p in cache})


def test_against_and_diff_compare_the_sheets_own_figures(letters):
    (letters / "2021" / "old.yaml").write_text(LETTER_2021, encoding="utf-8")
    report = json.loads(run("check", "2021/letter.yaml", "--against", "2021/old.yaml",
                            "-f", "json").stdout)
    assert report["against"][0]["changes"] == []
    assert "0 added" in run("diff", "2021/old.yaml", "2021/letter.yaml").stdout


def test_a_long_chain_of_sources_is_refused_not_a_recursion_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for k in range(200):
        (tmp_path / f"s{k}.yaml").write_text(f"sources: {{up: s{k + 1}.yaml}}\nfigures: {{x: {k}}}\n",
                                             encoding="utf-8")
    (tmp_path / "s200.yaml").write_text("figures: {x: 1}\n", encoding="utf-8")
    res = run("check", "s0.yaml")
    assert res.exit_code == 2
    assert "s32.yaml:1:15: sources are nested more than 32 deep" in res.stderr
    (tmp_path / "s20.yaml").write_text("figures: {x: 1}\n", encoding="utf-8")
    assert run("check", "s0.yaml").exit_code == 0
