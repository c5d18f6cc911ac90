"""The table engine against a brute-force Python reference on random small cubes.

Every hierarchy verdict (for each missing-cell policy and relation, with absent cells,
not-available counts and duplicates) must equal a per-instance Python loop, on both engine
paths (dense cube and sparse keys) and both ways of adding parts (edge slices, reduceat).
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missingstats.evaluate.options import CheckOptions
from missingstats.evaluate.tables import engine as engine_mod
from missingstats.evaluate.tables import gather as hierarchy_mod
from missingstats.evaluate.tables.run import check_path
from tests.conftest import counts, instances

GEO_EDGES = [("C", "A"), ("C", "B"), ("A", "A1"), ("A", "A2"), ("B", "B1")]
ALT_EDGES = GEO_EDGES + [("X", "A1"), ("X", "B1")]  # A1 and B1 also sum to X (two parents)
SEX_EDGES = [("total", "female"), ("total", "male")]
YEARS = ["2019", "2020"]


def consistent_cube(edges_geo, rng: random.Random) -> dict[tuple, int]:
    """Leaves random, every total computed (so a clean cube passes every hierarchy)."""
    geo_codes = sorted({c for e in edges_geo for c in e})
    kids = {}
    for p, c in edges_geo:
        kids.setdefault(p, []).append(c)
    leaves = [g for g in geo_codes if g not in kids]
    cells = {}
    for g in leaves:
        for y in YEARS:
            f, m = rng.randint(0, 20), rng.randint(0, 20)
            cells[(g, y, "female")], cells[(g, y, "male")] = f, m
            cells[(g, y, "total")] = f + m

    def value(g, y, s):
        if (g, y, s) not in cells:
            cells[(g, y, s)] = sum(value(k, y, s) for k in kids[g])
        return cells[(g, y, s)]

    for g in geo_codes:
        for y in YEARS:
            for s in ("total", "female", "male"):
                value(g, y, s)
    return cells


def write(tmp: Path, rows: list[tuple], edges_geo, policy: str, relation: str, fmt: str) -> Path:
    with open(tmp / "geo.csv", "w") as fh:
        fh.write("code,parent\n")
        for p, c in edges_geo:
            fh.write(f"{c},{p}\n")
    if fmt == "csv":
        with open(tmp / "t.csv", "w") as fh:
            fh.write("geo,year,sex,value\n")
            for g, y, s, v in rows:
                fh.write(f"{g},{y},{s},{'' if v is None else v}\n")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        cols = list(zip(*rows)) if rows else [[], [], [], []]
        pq.write_table(pa.table({
            "geo": pa.array(cols[0], pa.string()), "year": pa.array([int(y) for y in cols[1]], pa.int64()),
            "sex": pa.array(cols[2], pa.string()), "value": pa.array(cols[3], pa.int64()),
        }), tmp / "t.parquet")
    rel = f'{{dimension: geo, relation: "{relation}"}}'
    (tmp / "spec.yaml").write_text(f"""
tables:
  t: {{path: t.{fmt}, dimensions: [geo, year, sex], measure: value}}
hierarchies:
  geo: {{codelist: geo.csv}}
  sex: {{total: [female, male]}}
missing_cells: {policy}
implied: false
rules:
  - {{id: geo, hierarchy: {rel}}}
  - {{id: sex, hierarchy: {{dimension: sex, relation: "{relation}"}}}}
""")
    return tmp / "spec.yaml"


def brute(rows: list[tuple], dim: int, edges, policy: str, relation: str) -> dict[tuple, str]:
    """Verdict per instance (coordinates with the parent code), one Python loop each."""
    cells: dict[tuple, object] = {}
    for g, y, s, v in rows:
        cells.setdefault((g, y, s), v)  # the first occurrence counts
    kids: dict[str, list[str]] = {}
    parents_of: dict[str, list[str]] = {}
    for p, c in edges:
        kids.setdefault(p, []).append(c)
        parents_of.setdefault(c, []).append(p)
    keys = set()
    for coord in cells:
        if coord[dim] in kids:
            keys.add(coord)
        for p in parents_of.get(coord[dim], []):
            keys.add(coord[:dim] + (p,) + coord[dim + 1:])
    out = {}
    for key in keys:
        total = cells.get(key, "absent")
        parts = [cells.get(key[:dim] + (c,) + key[dim + 1:], "absent") for c in kids[key[dim]]]
        known = [p for p in parts if isinstance(p, int)]
        t_known = isinstance(total, int)
        if policy == "zero":
            t = total if t_known else 0
            vals = [p if isinstance(p, int) else 0 for p in parts]
            ok = {"==": t == sum(vals), "sum <=": sum(vals) <= t, "<=": max(vals) <= t}[relation]
            out[key] = "pass" if ok else "fail"
            continue
        if relation == "<=" and t_known and any(p > total for p in known):
            out[key] = "fail"
            continue
        if not t_known or len(known) < len(parts):
            out[key] = "fail" if policy == "fail" else "missing"
            continue
        ok = {"==": total == sum(known), "sum <=": sum(known) <= total, "<=": max(known) <= total}[relation]
        out[key] = "pass" if ok else "fail"
    return out


def run(spec: Path):
    res = check_path(str(spec), CheckOptions(max_failures=None))
    verdicts: dict[str, dict[tuple, str]] = {"geo": {}, "sex": {}}
    for row in instances(res):
        c = row["coordinates"]
        verdicts[row["rule"]][(c["geo"], c["year"], c["sex"])] = row["status"]
    return counts(res), verdicts


def mutate(cells: dict, rng: random.Random, p_drop: float, p_na: float, p_bump: float, p_dup: float):
    rows = []
    for (g, y, s), v in sorted(cells.items()):
        r = rng.random()
        if r < p_drop:
            continue
        if rng.random() < p_na:
            v = None
        elif rng.random() < p_bump:
            v = max(v + rng.choice([-3, -1, 1, 2, 7]), 0)  # counts are 0 or more
        rows.append((g, y, s, v))
        if rng.random() < p_dup:
            rows.append((g, y, s, (v or 0) + 100))  # a later duplicate: ignored by hierarchies
    rng.shuffle(rows)
    return rows


@pytest.fixture(params=["dense", "sparse-hashed", "sparse-indexed"])
def path(request, monkeypatch):
    """The three ways instances are indexed: a dense cube; a sparse table whose other
    dimensions are hashed (pandas.factorize) or indexed directly."""
    if request.param != "dense":
        monkeypatch.setattr(engine_mod, "dense_limit", lambda n: 0)
    if request.param == "sparse-indexed":
        monkeypatch.setattr(hierarchy_mod, "other_limit", lambda n: 1 << 40)
    return request.param


CASES = st.tuples(
    st.integers(0, 10**6),
    st.sampled_from(["not-evaluable", "zero", "fail"]),
    st.sampled_from(["==", "sum <=", "<="]),
    st.sampled_from([GEO_EDGES, ALT_EDGES]),
    st.sampled_from([(0.0, 0.0, 0.1, 0.0), (0.15, 0.1, 0.15, 0.0), (0.3, 0.0, 0.0, 0.1)]),
    st.booleans(),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=CASES)
def test_hierarchy_matches_brute_force(tmp_path_factory, path, monkeypatch, case):
    seed, policy, relation, edges, (p_drop, p_na, p_bump, p_dup), reduceat = case
    if reduceat:
        monkeypatch.setattr(hierarchy_mod, "EDGE_LOOP", 0)
    rng = random.Random(seed)
    rows = mutate(consistent_cube(edges, rng), rng, p_drop, p_na, p_bump, p_dup)
    tmp = tmp_path_factory.mktemp("cube")
    spec = write(tmp, rows, edges, policy, relation, "csv")
    counts, verdicts = run(spec)
    for rule, dim, e in (("geo", 0, edges), ("sex", 2, SEX_EDGES)):
        want = brute(rows, dim, e, policy, relation)
        got = counts[rule]
        assert got["checked"] == len(want)
        assert got["failed"] == sum(v == "fail" for v in want.values())
        assert got["missing"] == sum(v == "missing" for v in want.values())
        assert got["passed"] == sum(v == "pass" for v in want.values())
        assert verdicts[rule] == {k: v for k, v in want.items() if v != "pass"}


def test_clean_cube_passes_everything(tmp_path, path):
    rows = [(g, y, s, v) for (g, y, s), v in consistent_cube(ALT_EDGES, random.Random(1)).items()]
    counts, verdicts = run(write(tmp_path, rows, ALT_EDGES, "not-evaluable", "==", "parquet"))
    assert counts["geo"]["checked"] == 4 * 2 * 3  # parents C, A, B, X per year and sex
    assert counts["geo"]["failed"] == counts["sex"]["failed"] == 0
    assert counts["sex"]["checked"] == 7 * 2
    assert verdicts == {"geo": {}, "sex": {}}


def test_csv_and_parquet_agree(tmp_path):
    rng = random.Random(5)
    rows = mutate(consistent_cube(GEO_EDGES, rng), rng, 0.1, 0.05, 0.2, 0.0)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    rows = [r for r in rows if r[3] is not None]
    ca, va = run(write(a, rows, GEO_EDGES, "zero", "==", "csv"))
    cb, vb = run(write(b, rows, GEO_EDGES, "zero", "==", "parquet"))
    assert va == vb
    for rule in ("geo", "sex"):
        for key in ("checked", "failed"):
            assert ca[rule][key] == cb[rule][key]


def test_failure_cap_keeps_counts_exact(tmp_path):
    rng = random.Random(3)
    rows = mutate(consistent_cube(GEO_EDGES, rng), rng, 0, 0, 0.9, 0)
    spec = write(tmp_path, rows, GEO_EDGES, "not-evaluable", "==", "csv")
    full = check_path(str(spec), CheckOptions(max_failures=None))
    capped = check_path(str(spec), CheckOptions(max_failures=2))
    assert counts(full) == counts(capped)
    per_rule = Counter(f.rule for f in capped.findings)
    assert max(per_rule.values()) == 2
    assert max(Counter(f.rule for f in full.findings).values()) > 2


def test_every_injected_cell_is_found_and_located(tmp_path):
    """A bumped leaf breaks its sex total and its parent's sum (the grandparent still adds
    up: it sums the published parent): both are reported, listing the cell's input line."""
    cells = consistent_cube(GEO_EDGES, random.Random(11))
    cells[("A1", "2020", "female")] += 4
    rows = sorted((g, y, s, v) for (g, y, s), v in cells.items())
    spec = write(tmp_path, rows, GEO_EDGES, "not-evaluable", "==", "csv")
    res = check_path(str(spec), CheckOptions(max_failures=None))
    line = rows.index(("A1", "2020", "female", cells[("A1", "2020", "female")])) + 2
    fails = [r for r in instances(res) if r["status"] == "fail"]
    found = {(r["rule"], r["coordinates"]["geo"], r["coordinates"]["sex"]) for r in fails}
    assert found == {("sex", "A1", "total"), ("geo", "A", "female")}
    for r in fails:
        assert r["difference"] in (-4, 4)
    sex_fail = next(r for r in fails if r["rule"] == "sex")
    assert any(loc["line"] == line and loc["figure"] == "female" for loc in sex_fail["locations"])
    geo_fail = next(r for r in fails if r["rule"] == "geo" and r["coordinates"]["geo"] == "A")
    assert any(loc["line"] == line and loc["figure"] == "A1" for loc in geo_fail["locations"])


@pytest.mark.parametrize("relation", ["==", "sum <=", "<="])
def test_expression_text_names_the_parts(tmp_path, relation):
    rows = [("A", "2019", "total", 5), ("A1", "2019", "total", 4), ("A2", "2019", "total", 3)]
    rows += [(g, y, s, 0) for g, y, s in itertools.product(["A", "A1", "A2"], ["2019"], ["female", "male"])]
    edges = [("A", "A1"), ("A", "A2")]
    spec = write(tmp_path, rows, edges, "zero", relation, "csv")
    res = check_path(str(spec), CheckOptions())
    geo = [r for r in instances(res) if r["rule"] == "geo"]
    text = {"==": "geo A == A1 + A2", "sum <=": "geo A >= A1 + A2", "<=": "geo A >= each of A1, A2"}
    if relation == "<=":
        assert not geo  # 4 and 3 are each at most 5
    else:
        assert [r["expression"] for r in geo] == [text[relation]]
        assert geo[0]["values"] == {"A": 5, "A1": 4, "A2": 3}
