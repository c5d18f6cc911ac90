"""The JSON-stat, SDMX-CSV and SDMX-ML readers: hostile input gives one located error (exit
2, no traceback), and any cube written in the format reads back cell for cell (hypothesis)."""

from __future__ import annotations

import itertools
import json
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.tables.load import load_table
from missingstats.inputs.tables.model import CodeBook
from missingstats.inputs.tables.spec import load_spec

runner = CliRunner()
needs_sdmx = pytest.mark.skipif(not (find_spec("lxml") and find_spec("pysdmx")),
                                reason="the sdmx extra (lxml, pysdmx) is not installed")

JSONSTAT = {"version": "2.0", "class": "dataset", "id": ["geo", "sex"], "size": [2, 3],
            "dimension": {"geo": {"category": {"index": ["T", "A"]}},
                          "sex": {"category": {"index": {"T": 0, "F": 1, "M": 2}}}},
            "value": [10, 4, 6, 10, 4, 6]}


def run(tmp_path, name: str, content: str | bytes, table: str = "") -> tuple[int, str]:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    (tmp_path / "spec.yaml").write_text(f"tables:\n  t: {{path: {name}{table}}}\n")
    result = runner.invoke(app, ["check", str(tmp_path / "spec.yaml")])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.strip()


def variant(**changes) -> str:
    doc = json.loads(json.dumps(JSONSTAT))
    for key, value in changes.items():
        doc[key] = value
    return json.dumps(doc)


@pytest.mark.parametrize(("content", "said"), [
    ("{", "is not valid JSON"),
    ("[1, 2]", "is not a JSON-stat document"),
    ('{"class": "dataset", "value": NaN}', "is not valid JSON: NaN is not a JSON number"),
    ("[" * 100000 + "]" * 100000, "nested too deeply"),
    (variant(size=[2, 2]), "dimension 'sex' has 3 categories but 'size' says 2"),
    (variant(size=[2]), "'size' must give one whole number per dimension"),
    (variant(size=[2, -3]), "'size' must give one whole number per dimension"),
    (variant(value=[1, 2, 3]), "'value' has 3 entries where 'size' gives 6 cells"),
    (variant(value={"7": 1}), "'value' has a position outside the 6 cells"),
    (variant(value={"x": 1}), "'value' key 'x' is not a position"),
    (variant(value=[1, 2, "3", 4, 5, 6]), "value '3' is not a number"),
    (variant(value=[1, 2, True, 4, 5, 6]), "value True is not a number"),
    (variant(status=[None, "e"]), "'status' has 2 entries where 'size' gives 6 cells"),
    (variant(status=7), "'status' must be text, an array or an object"),
    (variant(id=["geo", "geo"]), "'id' lists a dimension twice"),
    (variant(dimension={"geo": {"category": {"index": ["T", "A"]}}}), "dimension 'sex' of 'id' is not"),
    (variant(dimension={"geo": {"category": {"index": ["T", "T"]}},
                        "sex": {"category": {"index": ["T", "F", "M"]}}}), "lists a category twice"),
    (variant(dimension={"geo": {"category": {"index": {"T": 0, "A": 5}}},
                        "sex": {"category": {"index": ["T", "F", "M"]}}}), "gives 'A' the position 5"),
    (json.dumps({"class": "collection", "link": {"item": []}}), "holds no JSON-stat dataset"),
    (json.dumps({"a": JSONSTAT, "b": JSONSTAT}), "holds 2 datasets; say which with 'dataset:'"),
    (b"\xff\xfe{", "is not valid JSON"),
])
def test_hostile_jsonstat(tmp_path, content, said):
    code, err = run(tmp_path, "t.json", content)
    assert code == 2 and said in err, err
    assert err.count("\n") == 0


def test_jsonstat_decimals_in_a_count_table_are_refused_at_their_position(tmp_path):
    code, err = run(tmp_path, "t.json", variant(value=[10, 4, 6.5, 10, 4, 6]))
    assert code == 2 and "t.json#/value/2: count column 'value': 6.5 is not a whole number" in err


def test_jsonstat_bundle_and_collection_pick_a_dataset(tmp_path):
    bundle = json.dumps({"pop": JSONSTAT, "other": JSONSTAT})
    assert run(tmp_path, "b.json", bundle, ", dataset: pop")[0] == 0
    code, err = run(tmp_path, "b.json", bundle, ", dataset: nope")
    assert code == 2 and "has no dataset 'nope' (it has: pop, other)" in err
    collection = json.dumps({"version": "2.0", "class": "collection", "link": {"item": [
        {**JSONSTAT, "label": "Population"}]}})
    assert run(tmp_path, "c.json", collection)[0] == 0
    assert run(tmp_path, "c.json", collection, ", dataset: 1")[0] == 0
    code, err = run(tmp_path, "t.csv", "a,b\n1,2\n", ", dataset: x, dimensions: [a], measure: b")
    assert code == 2 and "'dataset' applies to JSON-stat" in err


XML_HEAD = ('<?xml version="1.0"?>\n<m:StructureSpecificData xmlns:m="http://www.sdmx.org/'
            'resources/sdmxml/schemas/v2_1/message">\n<m:DataSet>\n')


@needs_sdmx
@pytest.mark.parametrize(("content", "said"), [
    ("<notxml", "is not an SDMX-ML data message"),
    (XML_HEAD + "<Series", "is not well-formed XML"),
    ('<?xml version="1.0"?>\n<Structure/>', "is not an SDMX-ML data message (its root is 'Structure')"),
    (XML_HEAD + "</m:DataSet></m:StructureSpecificData>", "holds no observation"),
    (XML_HEAD + '<Series geo="A"><Obs TIME_PERIOD="2020" OBS_VALUE="1"/></Series>\n'
     '<Series><Obs TIME_PERIOD="2020" OBS_VALUE="2"/></Series></m:DataSet></m:StructureSpecificData>',
     ":5: observation has no 'geo'"),
    (XML_HEAD + '<Series geo="A"><Obs TIME_PERIOD="2020" OBS_VALUE="x"/></Series>'
     "</m:DataSet></m:StructureSpecificData>", "count column 'OBS_VALUE': text 'x' is not a count"),
    (XML_HEAD + '<Series geo="A"><Obs TIME_PERIOD="2020" OBS_VALUE="1"/></Series>',
     "is not well-formed XML"),
    ('<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
     '<m:StructureSpecificData xmlns:m="urn:x"><m:DataSet><Series geo="&x;">'
     '<Obs TIME_PERIOD="2020" OBS_VALUE="1"/></Series></m:DataSet></m:StructureSpecificData>',
     ""),
])
def test_hostile_sdmx_ml(tmp_path, content, said):
    code, err = run(tmp_path, "t.xml", content)
    if said:
        assert code == 2 and said in err, err
    else:  # an external entity is never resolved: the code stays empty or the file is refused
        assert "root:" not in err and code in (0, 2)


@pytest.mark.parametrize(("content", "said"), [
    ("DATAFLOW,geo,TIME_PERIOD,VALUE\nX:Y(1.0),A,2020,1\n", "SDMX-CSV has no OBS_VALUE column"),
    ("STRUCTURE,STRUCTURE_ID,ACTION,geo,OBS_VALUE,DECIMALS\ndataflow,X:Y(1.0),I,A,1,x\n",
     "DECIMALS 'x' is not a number of decimals"),
    ("STRUCTURE,STRUCTURE_ID,ACTION,geo,OBS_VALUE,DECIMALS\ndataflow,X:Y(1.0),I,A,1,99\n",
     "DECIMALS is a whole number of decimals from 0 to 15"),
    ("DATAFLOW,geo,OBS_VALUE\nX:Y(1.0),A,1,2\n", "ragged row"),
    ("DATAFLOW,geo,OBS_VALUE\nX:Y(1.0),A,1.5\n", "'1.5' is not a whole number"),
])
def test_hostile_sdmx_csv(tmp_path, content, said):
    code, err = run(tmp_path, "t.csv", content)
    assert code == 2 and said in err, err


def test_sdmx_csv_labels_and_nan(tmp_path):
    """SDMX-CSV with labels ('geo: Geopolitical entity') and SDMX's NaN for a missing value."""
    csv = ("DATAFLOW,geo: Geopolitical entity,sex: Sex,OBS_VALUE,OBS_FLAG\n"
           "E:D(1.0),A,T,NaN,\nE:D(1.0),A,F,4,e\nE:D(1.0),A,M,6,\n")
    (tmp_path / "t.csv").write_text(csv)
    (tmp_path / "spec.yaml").write_text("tables:\n  t: {path: t.csv}\nhierarchies:\n  sex: {T: [F, M]}\n")
    result = runner.invoke(app, ["check", str(tmp_path / "spec.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    rep = json.loads(result.stdout)
    sex = next(r for r in rep["results"] if r["rule"] == "sex-hierarchy")
    assert sex["missing"] == 1


@needs_sdmx
def test_sdmx_structure_message_errors(tmp_path):
    (tmp_path / "t.csv").write_text("DATAFLOW,geo,OBS_VALUE\nX:Y(1.0),X1,1\n")
    published = Path(__file__).parent / "fixtures" / "tables" / "published" / "areas-hcl.xml"
    (tmp_path / "h.xml").write_bytes(published.read_bytes())
    spec = "tables:\n  t: {path: t.csv}\nhierarchies:\n  geo: {codelist: h.xml, id: %s}\n"
    (tmp_path / "spec.yaml").write_text(spec % "NOPE")
    result = runner.invoke(app, ["check", str(tmp_path / "spec.yaml")])
    assert result.exit_code == 2
    assert "has no hierarchy or code list 'NOPE' (it has: H_AREA, CL_AREA)" in result.stderr
    (tmp_path / "spec.yaml").write_text(spec % "CL_AREA")
    assert runner.invoke(app, ["check", str(tmp_path / "spec.yaml")]).exit_code == 0
    (tmp_path / "h.xml").write_text("<not a structure")
    (tmp_path / "spec.yaml").write_text(spec % "H_AREA")
    result = runner.invoke(app, ["check", str(tmp_path / "spec.yaml")])
    assert result.exit_code == 2 and "cannot read the SDMX structure message" in result.stderr


# --- any cube, written in each format, reads back cell for cell ------------------------------

CUBES = st.tuples(
    st.lists(st.sampled_from(["A", "B", "C1", "d-2", "E E"]), min_size=1, max_size=3, unique=True),
    st.lists(st.sampled_from(["2019", "2020-Q1", "2020-Q2", "2021"]), min_size=1, max_size=3,
             unique=True),
    st.integers(0, 2**32 - 1),
)


def _cube(geo, time, seed):
    rng = np.random.default_rng(seed)
    cells = list(itertools.product(geo, time))
    values = [None if rng.random() < 0.2 else int(rng.integers(0, 10**6)) for _ in cells]
    present = rng.random(len(cells)) < 0.8
    flags = [str(rng.choice(["", "e", "p", "c"])) for _ in cells]
    return cells, values, present, flags


def _load(path: Path, spec_text: str):
    spec_path = path.parent / "spec.yaml"
    spec_path.write_text(spec_text)
    spec = load_spec(str(spec_path), sy.expect_mapping(sy.load(str(spec_path)), "spec"))
    book = CodeBook(spec.hierarchies)
    table = load_table(spec.tables["t"], book, spec.hierarchies)
    return table, book


def _cells_of(table, book) -> dict:
    out = {}
    for i in range(len(table)):
        key = tuple(book.label(d, table.codes[d][i]) for d in ("geo", "time"))
        v = table.value[i]
        out[key] = (None if np.isnan(v) else int(v), table.flag_text(i) or "")
    return out


SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(cube=CUBES, sparse=st.booleans())
def test_jsonstat_round_trip(tmp_path_factory, cube, sparse):
    geo, time, seed = cube
    cells, values, present, flags = _cube(geo, time, seed)
    doc = {"version": "2.0", "class": "dataset", "id": ["geo", "time"], "size": [len(geo), len(time)],
           "dimension": {"geo": {"category": {"index": geo}}, "time": {"category": {"index": time}}},
           "value": ({str(i): v for i, v in enumerate(values) if present[i]} if sparse else values),
           "status": {str(i): f for i, f in enumerate(flags) if f}}
    path = tmp_path_factory.mktemp("js") / "t.json"
    path.write_text(json.dumps(doc))
    table, book = _load(path, "tables:\n  t: {path: t.json}\n")
    want = {c: (v, f if f in ("e", "p", "c") else "") for c, v, p, f in
            zip(cells, values, present, flags) if p or not sparse}
    assert _cells_of(table, book) == want
    assert sorted(table.row.tolist() if table.row is not None else range(len(table))) == [
        i for i in range(len(cells)) if present[i] or not sparse]


@SLOW
@given(cube=CUBES, version=st.sampled_from(["1.0", "2.0"]))
def test_sdmx_csv_round_trip(tmp_path_factory, cube, version):
    geo, time, seed = cube
    cells, values, present, flags = _cube(geo, time, seed)
    head = "DATAFLOW," if version == "1.0" else "STRUCTURE,STRUCTURE_ID,ACTION,"
    lead = "T:F(1.0)," if version == "1.0" else "dataflow,T:F(1.0),I,"
    lines = [head + "geo,time,OBS_VALUE,OBS_STATUS"]
    lines += [f'{lead}"{g}",{t},{"NaN" if v is None else v},{f}'
              for (g, t), v, p, f in zip(cells, values, present, flags) if p]
    path = tmp_path_factory.mktemp("sc") / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    table, book = _load(path, "tables:\n  t: {path: t.csv}\n")
    want = {c: (v, f) for c, v, p, f in zip(cells, values, present, flags) if p}
    assert _cells_of(table, book) == want


@needs_sdmx
@SLOW
@given(cube=CUBES, generic=st.booleans())
def test_sdmx_ml_round_trip(tmp_path_factory, cube, generic):
    geo, time, seed = cube
    cells, values, present, flags = _cube(geo, time, seed)
    assume(present.any())  # a message without observations is refused (test_hostile_sdmx_ml)
    lines = ['<?xml version="1.0"?>']
    root = "GenericData" if generic else "StructureSpecificData"
    lines.append(f'<m:{root} xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
                 'xmlns:g="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic">')
    lines.append("<m:DataSet>")
    where = {}
    for g in geo:
        lines.append(f'<g:Series><g:SeriesKey><g:Value id="geo" value="{g}"/></g:SeriesKey>'
                     if generic else f'<Series geo="{g}">')
        for (cg, t), v, p, f in zip(cells, values, present, flags):
            if cg != g or not p:
                continue
            value = "NaN" if v is None else str(v)
            if generic:
                attrs = f'<g:Attributes><g:Value id="OBS_STATUS" value="{f}"/></g:Attributes>' if f else ""
                lines.append(f'<g:Obs><g:ObsDimension id="time" value="{t}"/><g:ObsValue value="{value}"/>'
                             f"{attrs}</g:Obs>")
            else:
                status = f' OBS_STATUS="{f}"' if f else ""
                lines.append(f'<Obs time="{t}" OBS_VALUE="{value}"{status}/>')
            where[(g, t)] = len(lines)
        lines.append("</g:Series>" if generic else "</Series>")
    lines.append(f"</m:DataSet></m:{root}>")
    path = tmp_path_factory.mktemp("ml") / "t.xml"
    path.write_text("\n".join(lines) + "\n")
    table, book = _load(path, "tables:\n  t: {path: t.xml}\n")
    want = {c: (v, f) for c, v, p, f in zip(cells, values, present, flags) if p}
    assert _cells_of(table, book) == want
    for i in range(len(table)):  # each cell's provenance is its observation's line
        key = tuple(book.label(d, table.codes[d][i]) for d in ("geo", "time"))
        assert table.locate(i).line == where[key]


def test_jsonstat_sparse_cube_without_values(tmp_path):
    """A sparse cube whose `value` is empty (every cell absent), with a status object."""
    code, err = run(tmp_path, "t.json", variant(value={}, status={"3": "e"}))
    assert code == 0, err
