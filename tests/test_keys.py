"""Key tables (missingstats.inputs.keys): one table gives the loader's key check and the schema.

The unit tests pin the messages and locations; the property test holds the check and the
schema of every loader table to the same verdict on any set of keys.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from missingstats.core.errors import InputError
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.keys import Defs, Key, Shared, Table, resolve
from missingstats.schemas import build

STOCK = Table("stock", "'stock'", "A stock and its flows.", (
    Key("name", {"type": "string"}, "The stock.", required=True),
    Key("inflows", {"type": "array"}),
    Key("outflows", {"type": "array"}),
), hints={"flow": "say inflows or outflows"})


def mapping(text: str) -> sy.Mapping:
    node = sy.load("f.yaml", text)
    assert isinstance(node, sy.Mapping)
    return node


def error(table: Table, text: str, **kw) -> InputError:
    with pytest.raises(InputError) as err:
        table.check(mapping(text), **kw)
    return err.value


def test_unknown_key_is_located_at_the_key_with_did_you_mean_and_the_valid_keys():
    err = error(STOCK, "name: a\ninflow: [b]\n")
    assert err.message == ("unknown key 'inflow' in 'stock'; did you mean 'inflows'?; "
                           "valid keys: inflows, name, outflows")
    assert (err.location.file, err.location.line, err.location.column) == ("f.yaml", 2, 1)


def test_unknown_key_without_a_close_one_still_lists_the_valid_keys():
    err = error(STOCK, "name: a\ncolour: red\n")
    assert err.message == "unknown key 'colour' in 'stock'; valid keys: inflows, name, outflows"


def test_a_hint_replaces_the_guess_for_a_key_that_means_something_else():
    err = error(STOCK, "name: a\nflow: [b]\n")
    assert err.message.startswith("unknown key 'flow' in 'stock' (say inflows or outflows); valid keys:")


def test_missing_required_key_is_located_at_the_mapping():
    err = error(STOCK, "inflows: [b]\n")
    assert err.message == "'stock' needs 'name'"
    assert (err.location.line, err.location.column) == (1, 1)


def test_where_and_missing_message_can_be_given():
    table = Table("t", "a thing", "", (Key("why", required=True, missing="{where} needs 'why': say it"),),
                  unknown="unknown top-level key")
    assert error(table, "how: 1\n", where="x.revised").message.startswith(
        "unknown top-level key 'how' in x.revised; valid keys: why")
    assert error(table, "{}\n", where="x.revised").message == "x.revised needs 'why': say it"


def test_unknown_keys_come_before_missing_ones():
    assert "unknown key 'nme'" in error(STOCK, "nme: a\n").message


def test_an_open_table_accepts_any_key_but_still_needs_its_required_ones():
    table = Table("src", "'source'", "", (Key("title"), Key("id", required=True)), other={"type": "string"})
    m = mapping("id: 1\npage: 12\n")
    assert table.check(m) is m
    assert error(table, "page: 12\n").message == "'source' needs 'id'"


def test_mapping_refuses_a_non_mapping_with_its_own_words():
    with pytest.raises(InputError, match=r"'stock' \(name, inflows\) must be a mapping, found"):
        STOCK.mapping(sy.load("f.yaml", "[a]\n"), "'stock' (name, inflows)")


def test_schema_of_a_table_nests_tables_as_refs():
    inner = Table("inner", "'inner'", "Inner.", (Key("x", {"type": "integer"}, "An x."),))
    shared = Shared("pair", {"type": "array", "items": inner})
    outer = Table("outer", "'outer'", "Outer.", (Key("a", inner, "An a.", required=True), Key("b", shared),
                                                 Key("c", lambda: {"type": "string"})),
                  also={"anyOf": [{"required": ["a"]}]})
    defs = Defs()
    assert resolve(outer, defs) == {"$ref": "#/$defs/outer"}
    assert defs["outer"] == {
        "type": "object", "description": "Outer.",
        "properties": {"a": {"$ref": "#/$defs/inner", "description": "An a."},
                       "b": {"$ref": "#/$defs/pair"}, "c": {"type": "string"}},
        "required": ["a"], "additionalProperties": False, "anyOf": [{"required": ["a"]}],
    }
    assert defs["pair"] == {"type": "array", "items": {"$ref": "#/$defs/inner"}}
    assert defs["inner"]["properties"] == {"x": {"type": "integer", "description": "An x."}}


def test_a_table_may_refer_to_itself_and_two_tables_may_not_share_a_name():
    tree = Table("tree", "a tree", "", (Key("kids", {"type": "array", "items": {"$ref": "#/$defs/tree"}}),),
                 other={"$ref": "#/$defs/tree"}, other_names="^[a-z]+$")
    defs = Defs()
    resolve(tree, defs)
    assert defs["tree"]["patternProperties"] == {"^[a-z]+$": {"$ref": "#/$defs/tree"}}
    with pytest.raises(ValueError, match="both called 'tree'"):
        resolve(Table("tree", "another", "", ()), defs)


# --- the check and the schema agree, for every loader table ---------------------------------------


def all_tables() -> list[Table]:
    """The closed key tables of the loaders and of every rule kind (as in test_schemas)."""
    from missingstats.inputs import editions, rules, sheet
    from missingstats.inputs.tables import spec
    from missingstats.kinds.registry import KINDS

    modules = [sheet, editions, rules, spec, *(k.load() for k in KINDS.values())]
    found = {id(v): v for m in modules for v in vars(m).values() if isinstance(v, Table) and v.closed}
    return sorted(found.values(), key=lambda t: t.name)


TABLES = all_tables()
DEFS = {name: d for doc in map(build.build, build.NAMES) for name, d in doc["$defs"].items()}


def schema_verdict(table: Table, keys: list[str]) -> bool:
    """True when the table's JSON Schema (as shipped) has no complaint about which keys are there."""
    validator = Draft202012Validator({"$ref": f"#/$defs/{table.name}", "$defs": DEFS})
    doc = dict.fromkeys(keys)
    return not [e for e in validator.iter_errors(doc)
                if e.validator in ("required", "additionalProperties") and not e.absolute_path]


def yaml_mapping(keys: list[str]) -> sy.Mapping:
    m = sy.Mapping({sy.Scalar(k, "f.yaml", i + 1, 1, True): sy.Scalar("1", "f.yaml", i + 1, 3, True)
                    for i, k in enumerate(keys)})
    m.location = sy.Scalar("", "f.yaml", 1, 1, True).location
    return m


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_check_and_schema_agree_on_any_set_of_keys(data):
    table = data.draw(st.sampled_from(TABLES))
    known = data.draw(st.lists(st.sampled_from(table.names), unique=True))
    other = data.draw(st.lists(st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=9),
                               unique=True, max_size=2))
    keys = list(dict.fromkeys(known + other))
    try:
        table.check(yaml_mapping(keys))
        accepted = True
    except InputError as err:
        accepted = False
        assert err.location is not None and err.location.file == "f.yaml"
    expected = set(keys) <= set(table.names) and all(k.name in keys for k in table.keys if k.required)
    assert accepted == expected
    assert schema_verdict(table, keys) == accepted, (table.name, keys)


# --- end to end -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("files", "expected"), [
    ({"s.yaml": "figures:\n  a:\n    value: 1\n    qoute: x\n"},
     "s.yaml:4:5: unknown key 'qoute' in figure a; did you mean 'quote'?; valid keys: between, note, "),
    ({"s.yaml": "figures: {a: 1, b: 2}\nrules:\n  - id: r\n    shares_sum: {figures: [a, b], totl: 1}\n"},
     "s.yaml:4:35: unknown key 'totl' in 'shares_sum'; did you mean 'total'?; valid keys: figures, total"),
    ({"s.yaml": "tables: {t: {path: t.csv, dimensions: [geo], measure: value}}\nhierarchies:\n"
                "  geo: {codelist: g.csv, parnt: p}\n",
      "t.csv": "geo,value\nT,1\n", "g.csv": "code,parent\nT,\n"},
     "s.yaml:3:26: unknown key 'parnt' in the code list hierarchy of 'geo'; did you mean 'parent'?"),
    ({"e.yaml": "edition: {series: s, renamed: {a: b}}\neditions:\n  - as_of: 2020\n    figures: {a: 1}\n"},
     "e.yaml:1:22: unknown key 'renamed' in 'edition' of an editions file (each edition has its own "
     "'renamed:'); valid keys: series"),
])
def test_a_mistyped_key_stops_check_with_its_place_and_the_valid_keys(tmp_path, monkeypatch, files, expected):
    from typer.testing import CliRunner

    from missingstats.cli import app

    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", next(iter(files))])
    assert result.exit_code == 2
    assert expected in result.stderr
