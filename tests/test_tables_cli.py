"""`missingstats check SPEC` end to end for tables: golden reports, exit codes, caps, progress,
and the benchmark spec against the reference's counting on a small generated cube."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.evaluate.options import CheckOptions
from missingstats.evaluate.tables import progress
from missingstats.evaluate.tables.run import check_path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests/fixtures/tables")
GOLDEN = ROOT / FIXTURES / "golden"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_text_report_golden(in_repo):
    result = run("check", str(FIXTURES / "regions.yaml"), "--format", "text")
    assert result.exit_code == 1
    golden("regions.txt", result.stdout)


def test_json_report_golden(in_repo):
    result = run("check", str(FIXTURES / "regions.yaml"), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    report.pop("tool")
    golden("regions.json", json.dumps(report, indent=2) + "\n")


def test_wide_and_excel_exit_codes(in_repo):
    assert run("check", str(FIXTURES / "regions-wide.yaml")).exit_code == 1
    result = run("check", str(FIXTURES / "regions-excel.yaml"), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    sex = next(r for r in report["results"] if r["rule"] == "sex-hierarchy")
    assert sex["failures"][0]["locations"][0]["cell"] == "Table 2!C12"
    assert "regions.xlsx Table 2!C12" in run("check", str(FIXTURES / "regions-excel.yaml")).stdout


def test_clean_spec_exits_zero_and_warnings_do_not_fail(in_repo, tmp_path):
    for f in ("regions.csv", "geo.csv"):
        shutil.copy(FIXTURES / f, tmp_path / f)
    spec = tmp_path / "s.yaml"
    spec.write_text("tables: {r: {path: regions.csv, dimensions: [geo, year, sex], measure: value}}\n"
                    "hierarchies: {geo: {codelist: geo.csv}}\nimplied: false\n"
                    "rules:\n  - {id: nonneg, check: value >= 0}\n"
                    "  - {id: geo, hierarchy: geo, severity: warning}\n")
    assert run("check", str(spec)).exit_code == 0
    assert run("check", str(spec), "--strict").exit_code == 1


def test_max_failures_caps_lists_not_counts(in_repo, tmp_path):
    rows = ["geo,year,sex,value"] + [f"D{i},2019,{s},{v}" for i in range(30)
                                     for s, v in (("total", 5), ("female", 1), ("male", 1))]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "s.yaml").write_text("tables: {t: {path: t.csv, dimensions: [geo, year, sex], "
                                     "measure: value}}\nhierarchies: {sex: {total: [female, male]}}\n")
    result = run("check", str(tmp_path / "s.yaml"), "--format", "json", "--max-failures", "3")
    sex = next(r for r in json.loads(result.stdout)["results"] if r["rule"] == "sex-hierarchy")
    assert (sex["checked"], sex["failed"], len(sex["failures"])) == (30, 30, 3)
    text = run("check", str(tmp_path / "s.yaml"), "--max-failures", "3").stdout
    assert "... and 27 more failures" in text


def test_progress_bar_is_stderr_only(in_repo, monkeypatch, capsys):
    monkeypatch.setattr(progress, "LONG_INPUT_BYTES", 0)
    plain = check_path(str(FIXTURES / "regions.yaml"), CheckOptions())
    shown = check_path(str(FIXTURES / "regions.yaml"), CheckOptions(progress=True))
    assert [t.counts for t in plain.tallies] == [t.counts for t in shown.tallies]
    assert capsys.readouterr().out == ""


def gen_cube(districts: int, provinces: int, years: int, violations: int, seed: int):
    """A small cube in the shape of ../shared/bench/gen_cube.py (same dimensions and codes)."""
    rng = np.random.default_rng(seed)
    dist = [f"P{1 + i % provinces:03d}-D{i:05d}" for i in range(districts)]
    prov = [f"P{p:03d}" for p in range(1, provinces + 1)]
    full = np.zeros((districts, years, 3, 4, 4), dtype=np.int64)
    full[:, :, 1:, 1:, 1:] = rng.poisson(5, size=(districts, years, 2, 3, 3))
    full[:, :, 0] = full[:, :, 1:].sum(axis=2)
    full[:, :, :, 0] = full[:, :, :, 1:].sum(axis=3)
    full[:, :, :, :, 0] = full[:, :, :, :, 1:].sum(axis=4)
    pidx = np.arange(districts) % provinces
    pv = np.zeros((provinces, years, 3, 4, 4), dtype=np.int64)
    np.add.at(pv, pidx, full)
    cube = np.concatenate([pv.sum(axis=0, keepdims=True), pv, full])
    idx = np.indices(cube.shape).reshape(5, -1)
    values = cube.reshape(-1).copy()
    cells = rng.choice(values.size, size=violations, replace=False)
    values[cells] += rng.integers(1, 51, size=violations)
    df = pd.DataFrame({
        "geo": pd.Categorical.from_codes(idx[0], ["C"] + prov + dist),
        "year": np.arange(2011, 2011 + years)[idx[1]],
        "sex": pd.Categorical.from_codes(idx[2], ["total", "female", "male"]),
        "age": pd.Categorical.from_codes(idx[3], ["total", "child", "adult", "older"]),
        "status": pd.Categorical.from_codes(
            idx[4], ["reported", "still_missing", "found_alive", "found_dead"]),
        "value": values,
    })
    hierarchy = pd.DataFrame({"code": prov + dist, "parent": ["C"] * provinces + [prov[i] for i in pidx]})
    return df, hierarchy


def reference_counts(df: pd.DataFrame, h: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """The counting of ../shared/bench/reference_check.py (outer union; a missing side fails)."""
    dims = ["geo", "year", "sex", "age", "status"]
    out = {"nonneg": (len(df), int((df["value"] < 0).sum()))}
    for dim, total, parts in (("sex", "total", ["female", "male"]),
                              ("age", "total", ["child", "adult", "older"]),
                              ("status", "reported", ["still_missing", "found_alive", "found_dead"])):
        keys = [k for k in dims if k != dim]
        whole = df[df[dim] == total].set_index(keys)["value"]
        summed = df[df[dim].isin(parts)].groupby(keys, observed=True)["value"].sum()
        whole, summed = whole.align(summed, join="outer")
        out[dim] = (len(whole), int((whole != summed).sum()))
    keys = ["year", "sex", "age", "status"]
    parent_of = dict(zip(h["code"], h["parent"]))
    kids = df[df["geo"].isin(parent_of.keys())].copy()
    kids["geo"] = kids["geo"].astype(str).map(parent_of)
    summed = kids.groupby(["geo"] + keys, observed=True)["value"].sum()
    parents = df[df["geo"].isin(set(h["parent"]))].copy()
    parents["geo"] = parents["geo"].astype(str)
    whole, summed = parents.set_index(["geo"] + keys)["value"].align(summed, join="outer")
    out["geo"] = (len(whole), int((whole != summed).sum()))
    return out


@pytest.mark.parametrize(("fmt", "seed"), [("parquet", 1), ("csv", 2), ("parquet", 3)])
def test_bench_spec_matches_reference_counts(tmp_path, fmt, seed):
    df, h = gen_cube(districts=60, provinces=5, years=3, violations=12, seed=seed)
    if fmt == "parquet":
        df.to_parquet(tmp_path / "cube.parquet", index=False)
    else:
        text = df.astype({c: str for c in ("geo", "sex", "age", "status")})
        text.to_csv(tmp_path / "cube.csv", index=False)
    h.to_csv(tmp_path / "geo_hierarchy.csv", index=False)
    spec = (ROOT / "bench" / "cube-rules.yaml").read_text().replace("cube.parquet", f"cube.{fmt}")
    (tmp_path / "cube-rules.yaml").write_text(spec)
    result = run("check", str(tmp_path / "cube-rules.yaml"), "--format", "json")
    assert result.exit_code == 1
    got = {r["rule"]: (r["checked"], r["failed"]) for r in json.loads(result.stdout)["results"]}
    want = reference_counts(df, h)
    assert {k: got[k] for k in want} == want
