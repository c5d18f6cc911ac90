"""Tables as statistical offices publish them, end to end through the CLI: SDMX-CSV 1.0 and
2.0 and SDMX-ML (structure-specific and generic) written by pysdmx, an SDMX hierarchical code
list with a dated edge, and JSON-stat 2.0 with status, unit.decimals and child
(tests/fixtures/tables/published, made by make_published.py)."""

from __future__ import annotations

import json
import shutil
from importlib.util import find_spec
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from missingstats.cli import app

ROOT = Path(__file__).resolve().parent.parent
# SDMX-ML and SDMX structure messages need the sdmx extra (lxml, pysdmx); .ci/run installs it.
needs_sdmx = pytest.mark.skipif(not (find_spec("lxml") and find_spec("pysdmx")),
                                reason="the sdmx extra (lxml, pysdmx) is not installed")
PUBLISHED = ROOT / "tests" / "fixtures" / "tables" / "published"
runner = CliRunner()
SDMX = ["sdmx-csv.yaml", "sdmx10.yaml", "sdmx-ml.yaml", "sdmx-generic.yaml"]


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    """The published fixtures copied to a temporary folder (the working directory)."""
    for f in PUBLISHED.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path)
    (tmp_path / "sdmx10.yaml").write_text(
        (tmp_path / "sdmx-csv.yaml").read_text().replace("missing-sdmx20.csv", "missing-sdmx10.csv"))
    (tmp_path / "sdmx-generic.yaml").write_text(
        (tmp_path / "sdmx-ml.yaml").read_text().replace("missing-ss.xml", "missing-gen.xml"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str):
    result = runner.invoke(app, ["check", *args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def report(*args: str) -> tuple[int, dict]:
    result = check(*args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def rule(rep: dict, rule_id: str) -> dict:
    return next(r for r in rep["results"] if r["rule"] == rule_id)


@needs_sdmx
@pytest.mark.parametrize("spec", SDMX)
def test_sdmx_formats_read_alike(here, spec):
    """Every SDMX form of one data set gives the same verdicts: the women of X in 2022 are one
    too many (an error, in the sex breakdown), the same cell fails the area breakdown, where
    X2's estimate (E) makes it a warning; X3's confidential count is not evaluable; X3 counts
    only from 2022 (its dated edge), so 2021 passes."""
    code, rep = report(spec)
    assert code == 1
    sex, area = rule(rep, "SEX-hierarchy"), rule(rep, "REF_AREA-hierarchy")
    assert (sex["checked"], sex["passed"], sex["failed"], sex["missing"]) == (7, 5, 1, 1)
    assert (area["checked"], area["passed"], area["failed"], area["missing"]) == (6, 4, 1, 1)
    assert area["flagged"] == 1 and "flagged" not in sex
    fail = area["failures"][0]
    assert fail["severity"] == "warning"
    assert fail["coordinates"]["TIME_PERIOD"] == "2022"
    assert "estimated or provisional" in fail["message"]
    flagged = [loc for loc in fail["locations"] if loc.get("flag")]
    assert [loc["figure"] for loc in flagged] == ["X2"] and flagged[0]["flag"] == "E"
    assert sex["missing_instances"][0]["message"] == "not evaluable: M is confidential"
    assert rep["summary"]["errors_failed"] == 1 and rep["summary"]["warnings_failed"] == 1
    assert rep["patterns"] == [{"file": spec, "where": {"REF_AREA": "X", "TIME_PERIOD": "2022"},
                                "failures": 2, "rules": ["SEX-hierarchy", "REF_AREA-hierarchy"]}]


@needs_sdmx
def test_sdmx_locations(here):
    _, rep = report("sdmx-ml.yaml")
    loc = rule(rep, "SEX-hierarchy")["failures"][0]["locations"][0]
    assert loc == {"file": "missing-ss.xml", "line": 25, "figure": "T"}  # the Obs element's line
    _, rep = report("sdmx-csv.yaml")
    loc = rule(rep, "SEX-hierarchy")["failures"][0]["locations"][0]
    assert (loc["line"], loc["column"]) == (11, 8)  # SDMX-CSV: line and OBS_VALUE's column


@needs_sdmx
def test_estimated_error_keeps_the_failure_an_error(here):
    spec = Path("sdmx-csv.yaml").read_text().replace(
        "    path: missing-sdmx20.csv\n",
        "    path: missing-sdmx20.csv\n    flags: {column: [OBS_STATUS, CONF_STATUS], estimated: error}\n")
    Path("strict.yaml").write_text(spec)
    _, rep = report("strict.yaml")
    area = rule(rep, "REF_AREA-hierarchy")
    assert "flagged" not in area and "severity" not in area["failures"][0]
    assert rep["summary"]["errors_failed"] == 2


@needs_sdmx
def test_text_report_shows_flags_patterns_and_reasons(here):
    out = check("sdmx-ml.yaml", "--format", "text").stdout
    assert "X2 = 40 (E)" in out
    assert "1 reported as warnings (flagged cells)" in out
    assert "not evaluable: X3 is confidential" in out
    assert "2 failures involve cells with REF_AREA=X, TIME_PERIOD=2022" in out


@needs_sdmx
def test_html_shows_patterns(here):
    out = check("sdmx-csv.yaml", "--format", "html").stdout
    assert "Failures share coordinates" in out and "REF_AREA=X, TIME_PERIOD=2022" in out


def test_jsonstat_passes_on_its_own_rounding_and_fails_beyond_it(here):
    code, rep = report("jsonstat.yaml")
    assert code == 0
    geo, sex = rule(rep, "geo-hierarchy"), rule(rep, "sex-hierarchy")
    assert (geo["checked"], geo["failed"], sex["checked"], sex["failed"]) == (6, 0, 8, 0)
    notes = [n["message"] for n in rep["notes"]]
    assert any("instances hold only within the rounding" in n and n.startswith("geo-hierarchy")
               for n in notes)
    Path("off.yaml").write_text(Path("jsonstat.yaml").read_text().replace(
        "population.json", "population-off.json"))
    code, rep = report("off.yaml")
    assert code == 1
    failures = rule(rep, "geo-hierarchy")["failures"] + rule(rep, "sex-hierarchy")["failures"]
    assert {f["coordinates"]["time"] for f in failures} == {"2021"}
    assert len(failures) == 2  # ES2 males 2021 sits in the geo and the sex breakdown
    where = [loc for f in failures for loc in f["locations"] if loc["figure"] in ("ES2", "M")]
    assert {"file": "population-off.json", "cell": "/value/17"} in [
        {k: v for k, v in loc.items() if k in ("file", "cell")} for loc in where]
    assert check("off.yaml").stdout.count("population-off.json#/value/17") >= 1


def test_jsonstat_without_rounding_fails_on_sums_of_rounded_values(here):
    """`rounded:` on the table overrides the publisher's decimals (here: exact)."""
    spec = Path("jsonstat.yaml").read_text().replace(
        "measure: {value: value, unit: amount}",
        "measure: {value: value, unit: amount}\n    rounded: 0.000001")
    Path("exact.yaml").write_text(spec)
    code, rep = report("exact.yaml")
    assert code == 1 and rule(rep, "geo-hierarchy")["failed"] == 3


def test_jsonstat_status_is_a_flag(here):
    """Two provisional ('p') cells: failures through them are warnings."""
    Path("off.yaml").write_text(Path("jsonstat.yaml").read_text().replace(
        "population.json", "population-off.json"))
    doc = json.loads(Path("population-off.json").read_text())
    doc["status"] = {"17": "p"}
    Path("population-off.json").write_text(json.dumps(doc))
    code, rep = report("off.yaml")
    assert code == 0  # every failure involves the provisional cell
    assert rep["summary"]["warnings_failed"] == 2 and rep["summary"]["errors_failed"] == 0


@needs_sdmx
def test_failures_out_parquet_and_csv(here):
    for name in ("fails.parquet", "fails.csv"):
        result = check("sdmx-csv.yaml", "--failures-out", name)
        assert result.exit_code == 1
        frame = pd.read_parquet(name) if name.endswith("parquet") else pd.read_csv(name, dtype=str)
        assert len(frame) == 2
        assert list(frame.columns[:4]) == ["file", "rule", "severity", "table"]
        assert set(frame["rule"]) == {"SEX-hierarchy", "REF_AREA-hierarchy"}
        assert set(frame["severity"]) == {"error", "warning"}
        row = frame[frame["rule"] == "SEX-hierarchy"].iloc[0]
        assert (row["REF_AREA"], row["TIME_PERIOD"], float(row["difference"])) == ("X", "2022", -1.0)
    assert not [p for p in Path(".").iterdir() if p.name.startswith(".fails")]  # no temp files
    bad = check("sdmx-csv.yaml", "--failures-out", "fails.txt")
    assert bad.exit_code == 2 and ".parquet or a .csv" in bad.stderr


@needs_sdmx
def test_all_instances_lists_passes_in_json_and_junit(here):
    _, rep = report("sdmx-csv.yaml", "--all-instances")
    sex = rule(rep, "SEX-hierarchy")
    assert len(sex["passed_instances"]) == sex["passed"] == 5
    _, plain = report("sdmx-csv.yaml")
    assert "passed_instances" not in rule(plain, "SEX-hierarchy")
    xml = check("sdmx-csv.yaml", "--all-instances", "--format", "junit").stdout
    assert xml.count('classname="SEX-hierarchy"') == 7


@needs_sdmx
def test_explain_localises_jointly_across_hierarchies(here):
    result = runner.invoke(app, ["explain", "sdmx-csv.yaml", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    rep = json.loads(result.stdout)
    (record,) = [r for r in rep["records"] if r["status"] == "localised"]
    assert record["suspects"][0]["figure"] == "REF_AREA=X, SEX=F"
    assert record["suspects"][0]["location"]["line"] == 12
