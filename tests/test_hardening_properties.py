"""Properties of everything that reads input (issue 11): random sheets, rules, CSV tables and
prose either load or raise our located InputError, never anything else; a sheet written back
to YAML reads as the same cells; and a verdict on bounded figures agrees with brute force
over every whole-number assignment inside the bounds (tests/test_intervals_property.py pins
exact figures against Python; this extends it to intervals)."""

from __future__ import annotations

import itertools

import numpy as np
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missingstats.core.errors import InputError
from missingstats.core.findings import Status
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.documents import document
from missingstats.inputs.documents import extract as ex
from missingstats.inputs.rules import rules_from_node
from missingstats.inputs.sheet import SHEET, sheet_from_mapping
from missingstats.language import expr as ep
from missingstats.language import intervals as iv

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- loading never raises anything but a located InputError -----------------------------------

SCALARS = st.sampled_from([
    "1", "0", "-1", "3889", "0x4", "1e3", "012", "1:20", "yes", "~", "''", "'3,889'", "9" * 30,
    "9007199254740992", ".inf", "[]", "{}", "&a 1", "*a", "!!python/object:x {}", "'\\x00'",
    "'2020-13-45'", "2020-01-01", "at least", "\"\\u202e\"", "|\n  x", ">-\n  y",
])
KEYS = st.sampled_from(["total", "a", "b", "value", "vaule", "qualifier", "between", "quote",
                        "text_line", "unit", "weight", "tolerance", "exhaustive", "figures",
                        "source", "rules", "text", "settings", "1a", "and", "x y", "<<", "id",
                        "check", "for", "severity", "date", "as_of", "revised", "from", "why"])


def _yaml_tree(depth: int = 3) -> st.SearchStrategy[str]:
    """YAML text of random nested mappings and lists over hostile keys and scalars."""
    def block(leaf, indent: int) -> st.SearchStrategy[str]:
        pad = " " * indent
        entry = st.tuples(KEYS, leaf).map(lambda kv: f"{pad}{kv[0]}: {kv[1]}")
        return st.lists(entry, min_size=1, max_size=4).map(lambda lines: "\n" + "\n".join(lines))

    leaf: st.SearchStrategy[str] = SCALARS
    for level in range(depth, 0, -1):
        leaf = st.one_of(SCALARS, block(leaf, 2 * level),
                         st.lists(SCALARS, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"))
    return block(leaf, 0).map(lambda text: text.lstrip("\n") + "\n")


@SETTINGS
@given(_yaml_tree())
def test_random_yaml_loads_or_says_where(text):
    try:
        root = sy.load("p.yaml", text)
        if isinstance(root, sy.Mapping) and "figures" in root:
            sheet_from_mapping(SHEET.mapping(root), "p.yaml")
        else:
            rules_from_node(root, "p.yaml", base=__import__("pathlib").Path("."))
    except InputError as err:
        assert err.location is not None and err.location.file == "p.yaml", err


EXPR_PIECES = list("ab.+-*/()<=>!01239 e,{}_") + ["and ", "or ", "not ", "if ", " then ",
                                                    "sum(", "abs(", "a.b", "0 "]


@SETTINGS
@given(st.lists(st.sampled_from(EXPR_PIECES), max_size=30).map("".join))
def test_random_expressions_parse_or_give_a_column(text):
    try:
        node = ep.parse(text)
    except ep.ExprError as err:
        assert 1 <= err.column <= len(text) + 1, (text, err.column)
        return
    assert ep.to_text(ep.parse(ep.to_text(node))) == ep.to_text(node)


CSV_TOKENS = ["total", "female", "male", "4", "2", "0", "-2", "0x4", "+4", "4.", "4.0", "1e3",
              "9007199254740992", "", "NA", '"4', '"a\nb"', "\xe9", "\r", " 4 ", "x"]


@SETTINGS
@given(rows=st.lists(st.lists(st.sampled_from(CSV_TOKENS), min_size=1, max_size=3), max_size=6))
def test_random_csv_loads_or_says_where(tmp_path_factory, rows):
    from missingstats.evaluate.options import CheckOptions
    from missingstats.evaluate.run import check_file

    folder = tmp_path_factory.mktemp("csv")
    (folder / "t.csv").write_text("sex,n\n" + "\n".join(",".join(r) for r in rows) + "\n")
    (folder / "t.yaml").write_text("tables:\n  t: {path: t.csv, dimensions: [sex], measure: n}\n"
                                   "hierarchies:\n  sex: {total: [female, male]}\n")
    try:
        results = check_file(str(folder / "t.yaml"), CheckOptions())
    except InputError as err:
        assert err.location is not None and err.location.file.endswith(("t.csv", "t.yaml")), err
        return
    assert results.tallies  # loaded: every count whole, >= 0 and below 2^53


@SETTINGS
@given(st.text(max_size=400))
def test_random_prose_is_read_and_its_counts_are_located(text):
    for markdown in (False, True):
        doc = document.parse(text, "t.txt", markdown=markdown)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for m in ex.counts(ex.extract(doc)):
            assert 1 <= m.line <= len(lines), (m, text)


# --- a sheet written back reads as the same cells --------------------------------------------

NAMES = st.sampled_from(["a", "b", "c", "women", "men", "children"])
FIGURE = st.one_of(
    st.integers(0, 10**12).map(lambda v: v),
    st.builds(lambda v, q: {"value": v, "qualifier": q}, st.integers(1, 10**6),
              st.sampled_from(["at least", "at most", "about", "more than", "fewer than"])),
    st.builds(lambda lo, w: {"between": [lo, lo + w]}, st.integers(0, 10**6), st.integers(0, 10**3)),
)


def _tree(depth: int):
    if depth == 0:
        return st.dictionaries(NAMES, FIGURE, min_size=1, max_size=4)
    return st.dictionaries(NAMES, st.one_of(FIGURE, _tree(depth - 1)), min_size=1, max_size=4)


def _write_back(sheet) -> dict:
    """The sheet's figures as a nested mapping again, from the loaded cells."""
    out: dict = {}
    for f in sheet.figures.values():
        *groups, leaf = f.name.split(".")
        node = out
        for g in groups:
            node = node.setdefault(g, {})
        if f.qualifier:
            node[leaf] = {"value": int(f.value), "qualifier": f.qualifier}
        elif f.value is None:
            node[leaf] = {"between": [int(f.lo), int(f.hi)]}
        else:
            node[leaf] = int(f.value)
    return out


def _cells(sheet) -> list[tuple]:
    frame = sheet.cells()
    return sorted(zip(frame["name"], frame["lo"], frame["hi"], frame["qualifier"].fillna("")))


@SETTINGS
@given(_tree(2))
def test_sheet_written_back_reads_the_same(tree):
    first = sheet_from_mapping(SHEET.mapping(sy.load("s.yaml", yaml.safe_dump({"figures": tree}))),
                               "s.yaml")
    text = yaml.safe_dump({"figures": _write_back(first)}, sort_keys=False)
    again = sheet_from_mapping(SHEET.mapping(sy.load("s.yaml", text)), "s.yaml")
    assert _cells(again) == _cells(first)


# --- bounded figures: the engine agrees with brute force over whole numbers ------------------

VARS = ["a", "b", "c"]
atoms = st.one_of(st.sampled_from(VARS).map(lambda n: ep.Name(n, 1)),
                  st.integers(-3, 6).map(lambda v: ep.Num(float(v), 1)))
terms = st.recursive(atoms, lambda inner: st.one_of(
    st.builds(lambda op, x, y: ep.BinOp(op, x, y, 1), st.sampled_from("+-*"), inner, inner),
    st.builds(lambda f, x, y: ep.Call(f, (x, y), 1), st.sampled_from(["min", "max"]), inner, inner),
    st.builds(lambda x: ep.Call("abs", (x,), 1), inner)), max_leaves=5)
checks = st.builds(lambda op, x, y: ep.Compare((op,), (x, y), 1),
                   st.sampled_from(["<=", "<", ">=", ">", "==", "!="]), terms, terms)
boxes = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), min_size=3, max_size=3)


def _python(node, env):
    if isinstance(node, ep.Num):
        return node.value
    if isinstance(node, ep.Name):
        return env[node.path]
    if isinstance(node, ep.BinOp):
        x, y = _python(node.left, env), _python(node.right, env)
        return {"+": x + y, "-": x - y, "*": x * y}[node.op]
    if isinstance(node, ep.Call):
        args = [_python(a, env) for a in node.args]
        return {"min": min, "max": max, "abs": lambda v: abs(v)}[node.func](*args)
    x, y = (_python(o, env) for o in node.operands)
    return {"<=": x <= y, "<": x < y, ">=": x >= y, ">": x > y, "==": x == y, "!=": x != y}[node.ops[0]]


@settings(max_examples=400, deadline=None)
@given(checks, boxes)
def test_bounded_verdicts_agree_with_brute_force(node, box):
    env = {n: iv.Interval(np.array([float(lo)]), np.array([float(lo + w)]))
           for n, (lo, w) in zip(VARS, box)}
    status = Status(iv.evaluate(node, env, 1).status()[0])
    ranges = [range(lo, lo + w + 1) for lo, w in box]
    outcomes = {bool(_python(node, dict(zip(VARS, point)))) for point in itertools.product(*ranges)}
    if status == Status.PASS:
        assert outcomes == {True}, (ep.to_text(node), box)
    elif status == Status.FAIL:
        assert outcomes == {False}, (ep.to_text(node), box)
    else:
        assert status == Status.UNDETERMINED
    if outcomes == {True, False}:
        assert status == Status.UNDETERMINED, (ep.to_text(node), box)
