"""Series of editions: loading, series rules, revisions, sheet groups, reports and timelines."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.evaluate.series_steps import evaluate_series, pairs
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.editions import load_editions_file
from missingstats.inputs.rules import rules_from_node
from tests.conftest import instances

FIXTURES = Path(__file__).parent / "fixtures" / "series"
COMMISSION = FIXTURES / "commission.yaml"


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, [str(a) for a in args])
        assert "Traceback" not in result.output
        return result

    return invoke


@pytest.fixture
def write(tmp_path):
    def writer(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return writer


def series_of(text: str, name: str = "editions.yaml"):
    top = sy.load(name, textwrap.dedent(text))
    return load_editions_file(name, top)


def ruleset(text: str):
    return rules_from_node(sy.load("rules.yaml", textwrap.dedent(text)), "rules.yaml", Path("."))


def json_report(run, *args):
    result = run("check", *args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def rule_entry(report: dict, rule: str) -> dict:
    return next(r for r in report["results"] if r["rule"] == rule)


# --- loading ---------------------------------------------------------------------------


def test_editions_are_ordered_by_as_of_and_carry_the_edition_coordinate():
    s = series_of("""
        editions:
          - as_of: 2020-12-31
            figures: {identified: 1035}
          - source: {as_of: 2019-12-31, title: older}
            figures: {identified: 1053}
    """)
    assert s.labels == ["2019-12-31", "2020-12-31"]
    cells = s.cells.sort_values("order")
    assert cells["edition"].tolist() == ["2019-12-31", "2020-12-31"]
    assert cells["lo"].tolist() == [1053, 1035]
    assert cells["line"].tolist() == [6, 4]


def test_a_rename_maps_older_editions_to_the_newest_name():
    s = series_of("""
        editions:
          - as_of: 2018
            figures: {found: 10}
          - as_of: 2019
            renamed: {identified_total: found}
            figures: {identified_total: 12}
          - as_of: 2020
            renamed: {identified: identified_total}
            figures: {identified: 15}
    """)
    assert set(s.cells["name"]) == {"identified"}
    assert s.cells.sort_values("order")["original"].tolist() == ["found", "identified_total", "identified"]


@pytest.mark.parametrize("text, message", [
    ("editions:\n  - as_of: 2020\n    figures: {a: 1}\n  - as_of: 2020\n    figures: {a: 2}\n",
     "two editions of series"),
    ("editions:\n  - figures: {a: 1}\n", "an edition needs its date"),
    ("editions:\n  - as_of: 2020\n    figures: {a: 1}\n    when: now\n", "unknown key 'when'"),
    ("editions:\n  - as_of: 20-1\n    figures: {a: 1}\n", "as_of must be a date"),
    ("editions: []\n", "lists no editions"),
    ("editions:\n  - as_of: 2020\n    figures: {a: 0719}\n", "leading zero"),
    ("editions:\n  - as_of: 2020\n    figures: {a: {value: 1, revised: {from: 2001}}}\n", "needs 'why'"),
    ("editions:\n  - as_of: 2020\n    figures: {a: {value: 1, revised: {from: 2021, why: x}}}\n",
     "after this edition"),
    ("editions:\n  - as_of: 2020\n    figures: {a: {value: 1, revised: {from: 20-1, why: x}}}\n",
     "must be a date"),
    ("editions:\n  - as_of: 2020\n    figures: {a: {value: 1, revised: {since: 2001, why: x}}}\n",
     "unknown key 'since'"),
    ("editions:\n  - as_of: 2020\n    renamed: {b: a}\n    figures: {a: 1}\n",
     "is not a figure of this edition"),
    ("figures: {a: 1}\neditions: []\n", "either 'figures'"),
])
def test_bad_editions_are_located_input_errors(run, write, text, message):
    result = run("check", write("e.yaml", text))
    assert result.exit_code == 2
    assert message in result.output
    assert "e.yaml:" in result.output


def test_grouped_counts_in_an_edition_are_read_with_a_note(run, write):
    path = write("e.yaml", """
        editions:
          - as_of: 2019
            figures: {identified: "1,053"}
          - as_of: 2020
            figures: {identified: 1060}
        rules:
          - id: cum
            cumulative: [identified]
    """)
    code, rep = json_report(run, path)
    assert code == 0
    assert any("thousands separators" in n["message"] for n in rep["notes"])


# --- the realistic fixture: one real-looking break, a consistent stretch ------------------


def test_commission_break_is_reported_at_the_right_edition_and_figure(run):
    code, rep = json_report(run, COMMISSION)
    assert code == 1
    failing = [r for r in rep["results"] if r["failed"]]
    assert [r["rule"] for r in failing] == ["cumulative-counts"]
    entry = failing[0]
    assert entry["failed"] == 1 and entry["checked"] == 16
    (f,) = entry["failures"]
    assert f["message"] == "identified fell from 1,053 to 1,035 (-18)"
    assert f["coordinates"] == {"edition": "2020-12-31", "previous": "2019-12-31"}
    assert f["values"] == {"identified@2019-12-31": 1053, "identified@2020-12-31": 1035}
    assert f["difference"] == -18
    assert [(loc["line"], loc["figure"]) for loc in f["locations"]] == [
        (42, "identified@2020-12-31"), (34, "identified@2019-12-31")]  # newer first


def test_consistent_stretch_raises_no_false_alarm(run, write):
    text = COMMISSION.read_text().split("  - as_of: 2020-12-31")[0]
    path = write("consistent.yaml", text)
    shutil.copy(FIXTURES / "rules.yaml", path.parent / "rules.yaml")
    code, rep = json_report(run, path)
    assert code == 0
    assert rep["summary"]["failed"] == 0 and rep["summary"]["undetermined"] == 0
    assert rep["summary"]["missing"] == 0


def test_text_report_reads_like_an_editor_would_say_it(run):
    result = run("check", COMMISSION, "--format", "text")
    assert result.exit_code == 1
    assert "identified fell from 1,053 to 1,035 (-18)" in result.output
    assert "commission.yaml:34:19" in result.output and "commission.yaml:42:19" in result.output


def test_per_edition_checks_use_the_edition_axis(run, write):
    path = write("e.yaml", """
        editions:
          - as_of: 2019
            figures: {total: 10, a: 4, b: 6}
          - as_of: 2020
            figures: {total: 10, a: 5, b: 6}
        rules:
          - id: split
            check: total == a + b
    """)
    code, rep = json_report(run, path)
    assert code == 1
    (f,) = rule_entry(rep, "split")["failures"]
    assert f["coordinates"] == {"edition": "2020"}
    assert f["values"] == {"total": 10, "a": 5, "b": 6}


def test_implied_rules_hold_in_each_edition_by_its_own_structure(run, write):
    path = write("e.yaml", """
        editions:
          - as_of: 2019
            figures: {missing: {total: 10, children: 4}}
          - as_of: 2020
            figures: {missing: {total: 10, children: 12, women: 3}}
        rules:
          - id: cum
            cumulative: [missing.total]
    """)
    code, rep = json_report(run, path)
    assert code == 1
    implied = rule_entry(rep, "part-within-total")
    assert implied["checked"] == 3 and implied["failed"] == 1
    assert implied["failures"][0]["coordinates"] == {"edition": "2020"}


# --- revisions ------------------------------------------------------------------------


def test_a_recorded_revision_explains_the_break(run):
    code, rep = json_report(run, FIXTURES / "commission-revised.yaml")
    assert code == 0
    entry = rule_entry(rep, "cumulative-counts")
    assert entry["failed"] == 0
    explained = [p for p in entry["passed_instances"] if p.get("message")]
    assert len(explained) == 1
    assert explained[0]["message"].startswith("explained by the revision recorded in the 2020-12-31")
    assert "DNA re-testing" in explained[0]["message"]
    notes = [n for n in rep["notes"] if "explained by a revision" in n["message"]]
    assert notes and notes[0]["line"] == 42
    identified = next(s for s in rep["series"] if s["figure"] == "identified")
    assert identified["explained"] == ["2020-12-31"] and identified["breaks"] == []


def test_a_revision_from_too_late_explains_nothing_and_says_so(run, write):
    text = (FIXTURES / "commission-revised.yaml").read_text().replace("from: 2019", "from: 2020")
    path = write("late.yaml", text)
    shutil.copy(FIXTURES / "rules.yaml", path.parent / "rules.yaml")
    code, rep = json_report(run, path)
    assert code == 1
    assert any("explains no failing step" in n["message"] for n in rep["notes"])


def test_a_revision_without_from_covers_only_the_step_into_its_edition(write):
    s = series_of("""
        editions:
          - as_of: 2018
            figures: {identified: 1060}
          - as_of: 2019
            figures: {identified: 1053}
          - as_of: 2020
            figures: {identified: {value: 1035, revised: {why: recount}}}
    """)
    rules = ruleset("rules:\n  - id: cum\n    cumulative: {figures: [identified], pairs: all}\n")
    res = evaluate_series(s, rules.rules, set(), "editions.yaml")
    inst = {(i["coordinates"]["previous"], i["coordinates"]["edition"]): i["status"]
            for i in instances(res)}
    assert inst[("2019", "2020")] == "pass"  # explained
    assert inst[("2018", "2020")] == "fail"  # reaches too far back
    assert inst[("2018", "2019")] == "fail"


# --- series rules ---------------------------------------------------------------------


def test_consecutive_pairs_skip_an_edition_that_does_not_report_the_figure():
    s = series_of("""
        editions:
          - as_of: 2018
            figures: {identified: 10, other: 1}
          - as_of: 2019
            figures: {other: 2}
          - as_of: 2020
            figures: {identified: 9, other: 3}
    """)
    p = pairs(s.cells, ["identified"], "consecutive")
    assert list(zip(p["edition_a"], p["edition_b"])) == [("2018", "2020")]
    p_all = pairs(s.cells, ["other"], "all")
    assert len(p_all) == 3


def test_stock_with_period_flows_sums_the_flows_between_editions():
    s = series_of("""
        editions:
          - as_of: 2018
            figures: {still: 100, new: 5, found: 2}
          - as_of: 2019
            figures: {new: 10, found: 4}
          - as_of: 2020
            figures: {still: 109, new: 10, found: 10}
    """)
    rules = ruleset("""
        rules:
          - id: stock
            stock: {name: still, inflows: [new], outflows: [found]}
    """)
    res = evaluate_series(s, rules.rules, set(), "e.yaml")
    (row,) = instances(res)
    assert row["status"] == "fail"  # 100 + 20 - 14 = 106, not 109
    assert row["difference"] == 3
    assert "still@(2018, 2020]" not in row["expression"]
    assert "new@(2018, 2020]" in row["expression"]
    assert "its flows give 106" in row["message"]


def test_stock_with_cumulative_flows_and_a_tolerance():
    text = """
        editions:
          - as_of: 2019
            figures: {still: 1127, registered: 2252, identified: 1053}
          - as_of: 2020
            figures: {still: 1150, registered: 2270, identified: 1060}
    """
    rules = ruleset("""
        rules:
          - id: stock
            stock: {name: still, inflows: [registered], outflows: [identified], flows: cumulative}
            tolerance: 2
    """)
    res = evaluate_series(series_of(text), rules.rules, set(), "e.yaml")
    assert [i["status"] for i in instances(res)] == ["fail"]  # expected 1138, off by 12
    loose = ruleset(textwrap.dedent("""
        rules:
          - id: stock
            stock: {name: still, inflows: [registered], outflows: [identified], flows: cumulative}
            tolerance: 12
    """))
    res = evaluate_series(series_of(text), loose.rules, set(), "e.yaml")
    assert [i["status"] for i in instances(res)] == ["pass"]


def test_bounded_figures_give_sound_verdicts():
    s = series_of("""
        editions:
          - as_of: 2019
            figures: {identified: {value: 1000, qualifier: at least}, exhumed: 50}
          - as_of: 2020
            figures: {identified: 1200, exhumed: {value: 60, qualifier: about}}
          - as_of: 2021
            figures: {identified: 900, exhumed: {value: 40, qualifier: under}}
    """)
    rules = ruleset("rules:\n  - id: cum\n    cumulative: [identified, exhumed]\n")
    res = evaluate_series(s, rules.rules, set(), "e.yaml")
    got = {(i["coordinates"]["previous"], i["expression"].split("@")[0]): i["status"]
           for i in instances(res)}
    assert got[("2019", "identified")] == "undetermined"  # at least 1000 -> 1200
    assert got[("2020", "identified")] == "fail"
    assert got[("2019", "exhumed")] == "pass"  # about 60 is 54..66: at least 50 whatever it is
    assert got[("2020", "exhumed")] == "fail"  # under 40 < 54


def test_max_change_is_a_warning_by_default(run, write):
    path = write("e.yaml", """
        editions:
          - as_of: 2019
            figures: {missing: 1000}
          - as_of: 2020
            figures: {missing: 1500}
        rules:
          - id: jump
            max_change: {figures: [missing], absolute: 100, relative: 0.3}
    """)
    code, rep = json_report(run, path)
    assert code == 0
    entry = rule_entry(rep, "jump")
    assert entry["severity"] == "warning" and entry["failed"] == 1
    assert entry["failures"][0]["message"] == (
        "missing rose from 1,000 to 1,500 (+500, +50%), more than the plausible change of 100 or 30%")
    fail = entry["failures"][0]  # the change, the larger limit, and by how much it exceeds it
    assert (fail["lhs"], fail["rhs"], fail["difference"]) == (500, 300, 200)
    assert run("check", path, "--strict").exit_code == 1


def test_max_change_within_either_limit_passes():
    s = series_of("""
        editions:
          - as_of: 2019
            figures: {missing: 1000}
          - as_of: 2020
            figures: {missing: 1250}
    """)
    rules = ruleset("rules:\n  - id: j\n    max_change: {figures: [missing], absolute: 100, relative: 0.3}\n")
    assert [i["status"] for i in instances(evaluate_series(s, rules.rules, set(), "e.yaml"))] == ["pass"]


@pytest.mark.parametrize("rule, message", [
    ("stock: {inflows: [a]}", "'stock' needs 'name'"),
    ("stock: {name: a}", "inflows, outflows or both"),
    ("stock: {name: a, inflows: [a]}", "its own flow"),
    ("stock: {name: a, inflows: [b], flows: yearly}", "flows must be period or cumulative"),
    ("max_change: {figures: [a]}", "absolute, relative or both"),
    ("max_change: {figures: [a], absolute: -1}", "0 or more"),
    ("cumulative: {figures: [a], pairs: some}", "pairs must be consecutive or all"),
    ("cumulative: [a, a]", "twice"),
    ("cumulative: [a b]", "not a figure name"),
    ("cumulative: [identifed]", "did you mean 'identified'"),
])
def test_bad_series_rules_are_input_errors(run, write, rule, message):
    path = write("e.yaml", f"""
        editions:
          - as_of: 2019
            figures: {{identified: 1, a: 1, b: 1}}
          - as_of: 2020
            figures: {{identified: 1, a: 1, b: 1}}
        rules:
          - id: r
            {rule}
    """)
    result = run("check", path)
    assert result.exit_code == 2
    assert message in result.output


# --- several sheets of one series ------------------------------------------------------


def test_sheets_of_one_series_are_checked_together(run):
    a, b = FIXTURES / "sheets" / "factsheet-2019.yaml", FIXTURES / "sheets" / "factsheet-2020.yaml"
    code, rep = json_report(run, b, a)  # any order: editions are ordered by as_of
    assert code == 1
    entry = rule_entry(rep, "identified-cumulative")
    assert entry["file"].endswith("factsheet-2020.yaml")
    (f,) = entry["failures"]
    assert f["message"] == "identified fell from 1,053 to 1,035 (-18)"
    assert f["locations"][1]["file"].endswith("factsheet-2019.yaml")  # renamed identified_total
    assert rule_entry(rep, "register-stock")["failed"] == 0
    assert len(rep["files"]) == 2


def test_one_sheet_of_a_series_alone_runs_no_series_rules(run):
    code, rep = json_report(run, FIXTURES / "sheets" / "factsheet-2020.yaml")
    assert code == 0
    assert not any(r["rule"] == "identified-cumulative" for r in rep["results"])


def test_sheets_of_a_series_need_their_dates(run, write):
    a = write("a.yaml", "source: {as_of: 2019}\nedition: {series: s}\nfigures: {x: 1}\n")
    b = write("b.yaml", "edition: {series: s}\nfigures: {x: 2}\n")
    result = run("check", a, b)
    assert result.exit_code == 2
    assert "has no source.as_of" in result.output


def test_sheets_of_different_series_stay_apart(run, write):
    rules = "rules:\n  - id: cum\n    cumulative: [x]\n"
    a = write("a.yaml", f"source: {{as_of: 2019}}\nedition: {{series: s}}\nfigures: {{x: 5}}\n{rules}")
    b = write("b.yaml", f"source: {{as_of: 2020}}\nedition: {{series: t}}\nfigures: {{x: 2}}\n{rules}")
    assert run("check", a, b).exit_code == 0


# --- pictures -------------------------------------------------------------------------


def test_report_has_a_series_section_and_the_html_a_timeline(run, tmp_path):
    code, rep = json_report(run, COMMISSION)
    identified = next(s for s in rep["series"] if s["figure"] == "identified")
    assert identified["points"][-2:] == [["2019-12-31", 1053], ["2020-12-31", 1035]]
    assert identified["breaks"] == ["2020-12-31"]
    out = tmp_path / "report.html"
    assert run("check", COMMISSION, "--format", "html", "--output", out).exit_code == 1
    html = out.read_text()
    assert html.count('<svg class="timeline"') == len(rep["series"])
    assert 'class="break"' in html and "breaks at 2020-12-31" in html


def test_timeline_marks_only_the_failing_step():
    from missingstats.render.timeline import svg_timeline

    svg = svg_timeline({"figure": "x", "points": [["a", 1], ["b", 2], ["c", 1]], "breaks": ["c"],
                        "explained": []}, "t")
    assert svg.count('class="break"') == 1
    assert svg.count("<line") == 3  # axis + two steps


def test_long_series_keep_exact_counts_without_listing_every_passing_pair(run, write):
    editions = "".join(f"  - as_of: {1950 + i}\n    figures: {{identified: {10 * i}}}\n" for i in range(50))
    path = write("long.yaml", "editions:\n" + editions
                 + "rules:\n  - id: cum\n    cumulative: {figures: [identified], pairs: all}\n")
    code, rep = json_report(run, path)
    entry = rule_entry(rep, "cum")
    assert code == 0 and (entry["checked"], entry["passed"]) == (1225, 1225)
    assert "passed_instances" not in entry


def test_a_broken_sheet_with_an_edition_key_is_reported_where_it_is(run, write):
    path = write("broken.yaml", "edition: {series: s}\nfigures: {a: [1}\n")
    result = run("check", path)
    assert result.exit_code == 2 and "broken.yaml:2" in result.output
