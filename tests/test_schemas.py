"""Editor JSON Schemas: shipped files match the loaders, every example validates, mistakes do not.

"Meant to be valid" is decided by the loaders themselves: every YAML file of the repository
that the sheet, editions, table-spec or rules loader accepts must validate against its
schema (the schema may be looser than a loader, never stricter).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.core.errors import InputError
from missingstats.schemas import build

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "missingstats" / "schemas"
runner = CliRunner()


class _Loader(yaml.SafeLoader):
    """YAML as an editor's language server sees it: dates stay text (no YAML 1.1 timestamps)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in value if tag != "tag:yaml.org,2002:timestamp"]
    for key, value in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")))


def errors(name: str, doc: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(doc)]


def repo_yaml() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.yaml", "*.yml"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()
    return sorted({ROOT / p for p in out if (ROOT / p).is_file()})


def accepted_kind(path: Path) -> str | None:
    """Which schema applies, if the project's own loader accepts the file."""
    from missingstats.inputs import yamlnodes as sy
    from missingstats.inputs.rules import load_rules

    try:
        root = sy.load(path)
        if isinstance(root, sy.Mapping) and "tables" in root:
            from missingstats.inputs.tables.spec import load_spec

            load_spec(str(path), root)
            return "tables"
        if isinstance(root, sy.Mapping) and "editions" in root:
            from missingstats.inputs.editions import load_editions_file

            load_editions_file(str(path), root)
            return "sheet"
        if isinstance(root, sy.Mapping) and isinstance(root.get("figures"), sy.Mapping):
            from missingstats.inputs.sheet import load_sheet

            load_sheet(path)
            return "sheet"

        load_rules(path)
        return "rules"
    except InputError:
        return None


# --- the shipped files ------------------------------------------------------------------------


@pytest.mark.parametrize("name", build.NAMES)
def test_shipped_schema_matches_the_loaders(name):
    shipped = (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")
    assert shipped == build.text(name), (
        f"{name}.schema.json is out of date with the loaders: run python -m missingstats.schemas.build"
    )


@pytest.mark.parametrize("name", build.NAMES)
def test_schema_is_valid_draft_2020_12(name):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_rules_schema_knows_every_rule_kind():
    from missingstats.inputs.rules import COMMON_KEYS
    from missingstats.kinds.registry import BY_KEY as RULE_KINDS

    rule = json.loads((SCHEMAS / "rules.schema.json").read_text(encoding="utf-8"))["$defs"]["rule"]
    assert set(rule["properties"]) == set(COMMON_KEYS) | {"check"} | set(RULE_KINDS)


def test_every_rule_kind_declares_its_keys_beside_its_parse():
    from missingstats.kinds.registry import KINDS, module

    for kind in KINDS.values():
        for key in kind.keys:
            assert key in module(key).SCHEMAS, f"kinds/{kind.id}.py: SCHEMAS lacks {key!r}"


@pytest.mark.parametrize("name", build.NAMES)
def test_schema_command_prints_the_shipped_file(name, tmp_path):
    result = runner.invoke(app, ["schema", name], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")
    out = tmp_path / "s.json"
    assert runner.invoke(app, ["schema", name, "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"].startswith("missingstats")


def test_schema_command_refuses_unknown_names():
    result = runner.invoke(app, ["schema", "sheets"])
    assert result.exit_code == 2
    assert "unknown schema 'sheets'; choose from sheet, tables, rules" in result.stderr


# --- every example validates ---------------------------------------------------------------------


def test_every_accepted_example_file_validates():
    checked: dict[str, list[str]] = {"sheet": [], "rules": [], "tables": []}
    for path in repo_yaml():
        kind = accepted_kind(path)
        if kind is None:
            continue
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        assert not errors(kind, doc), (str(path.relative_to(ROOT)), errors(kind, doc)[:3])
        checked[kind].append(str(path.relative_to(ROOT)))
    assert "data/letter.yaml" in checked["sheet"] and "rules.yaml" in checked["rules"]
    assert len(checked["sheet"]) >= 5 and len(checked["rules"]) >= 2, checked


def test_bench_table_spec_validates():
    path = ROOT / "bench" / "cube-rules.yaml"
    if not path.is_file():
        pytest.skip("the table benchmark spec is not here yet")
    assert not errors("tables", yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader))


def test_init_starter_files_validate(tmp_path):
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    for file, kind in (("figures.yaml", "sheet"), ("rules.yaml", "rules")):
        text = (tmp_path / file).read_text(encoding="utf-8")
        assert text.startswith(f"# yaml-language-server: $schema=.missingstats/{kind}.schema.json\n")
        assert not errors(kind, yaml.load(text, Loader=_Loader))


def test_the_default_pack_names_its_schema():
    first = (ROOT / "rules.yaml").read_text(encoding="utf-8").splitlines()[0]
    target = first.split("$schema=", 1)[1]
    assert (ROOT / target).is_file()


# --- mistakes are caught while typing ------------------------------------------------------------

SHEET_MISTAKES = [
    {"figures": {"missing": {"total": 10}}, "sorce": {}},                    # unknown top key
    {"figures": {"missing": {"total": {"value": 10, "qoute": "x"}}}},        # unknown figure key
    {"figures": {"missing": {"total": -3}}},                                 # negative count
    {"figures": {"missing": {"total": 3.5}}},                                # not a count
    {"figures": {"missing": {"total": {"value": 10, "qualifier": "at lest"}}}},
    {"figures": {"missing": {"total": {"value": 10, "unit": "persons"}}}},
    {"figures": {"missing": {"total": 10, "exhaustive": "yes"}}},
    {"figures": {"missing": {}}},                                            # empty group
    {"figures": {"2020": 10}},                                               # not a name
    {"source": {"date": "9 June 2020"}, "figures": {"a": 1}},
    {"source": {"title": "no figures"}},
    {"figures": {"a": 1}, "settings": {"implied": "yes"}},
]


@pytest.mark.parametrize("doc", SHEET_MISTAKES)
def test_sheet_mistakes_are_flagged(doc):
    assert errors("sheet", doc)


def test_sheet_schema_accepts_the_documented_forms():
    doc = {
        "source": {"title": "t", "date": "2020-06-09", "as_of": "2020", "page": 12},
        "figures": {
            "missing": {"total": {"value": "3,889", "qualifier": "At Least"}, "civilians": 719,
                        "exhaustive": ["civilians"]},
            "found": {"between": [10, None]},
            "share": {"value": 12.5, "unit": "percent", "tolerance": 0.05},
            "about": {"qualifier": "hundreds"},
        },
        "rules": [{"id": "r", "check": "found <= missing.total"}],
        "settings": {"implied": False, "approximate": 0.1},
    }
    assert not errors("sheet", doc)
    assert not errors("sheet", {"figures": {"a": 1}, "rules": "rules.yaml"})
    assert not errors("sheet", {"editions": [{"as_of": "2019-12-31", "figures": {"a": 1}}]})


RULE_MISTAKES = [
    {"rules": [{"check": "a <= b"}]},                                      # no id
    {"rules": [{"id": "r", "check": "a <= b", "severity": "fatal"}]},
    {"rules": [{"id": "r"}]},                                              # no kind
    {"rules": [{"id": "r", "check": "a <= b", "hierarchy": "sex"}]},      # two kinds
    {"rules": [{"id": "r", "check": "a <= b", "chek": "x"}]},
    {"rules": [{"id": "bad id", "check": "a <= b"}]},
    {"rules": [{"id": "r", "check": "a <= b", "tolerance": {"absolut": 1}}]},
    {"rules": [{"id": "r", "hierarchy": {"dimension": "sex", "relation": "<"}}]},
    {"rules": [], "figures": "a"},
    {"description": "no rules"},
]


@pytest.mark.parametrize("doc", RULE_MISTAKES)
def test_rule_mistakes_are_flagged(doc):
    assert errors("rules", doc)


TABLE_MISTAKES = [
    {"tables": {}},
    {"tables": {"cube": {"dimensions": ["geo"], "measure": "value"}}},             # no path
    {"tables": {"cube": {"path": "c.csv", "dimensions": ["geo"], "colour": 1}}},
    {"tables": {"cube": {"path": "c.csv", "dimensions": ["geo"]}}, "missing_cells": "skip"},
    {"tables": {"cube": {"path": "c.xlsx", "dimensions": ["geo"], "range": "A3-F200"}}},
    {"tables": {"cube": {"path": "c.csv", "dimensions": ["geo"]}},
     "hierarchies": {"sex": {"codelist": "g.csv", "colour": "x"}}},
]


@pytest.mark.parametrize("doc", TABLE_MISTAKES)
def test_table_spec_mistakes_are_flagged(doc):
    assert errors("tables", doc)


def test_table_spec_documented_forms_validate():
    doc = {
        "tables": {
            "cube": {"path": "cube.parquet", "dimensions": ["geo", "year", "sex"], "measure": "value",
                     "filter": {"year": [2019, 2020], "geo": {"level": 1}}},
            "wide": {"path": "w.xlsx", "sheet": "Table 1", "range": "A3:F200",
                     "dimensions": {"geo": "Region"},
                     "wide": {"dimension": "sex", "columns": {"total": "Total", "female": "F"}}},
        },
        "hierarchies": {"sex": {"total": ["female", "male"]},
                        "geo": {"codelist": "geo.csv", "code": "code", "parent": "parent"}},
        "missing_cells": "zero",
        "rules": [{"id": "sex", "hierarchy": "sex"}, {"id": "u", "unique": "all"},
                  {"id": "g", "group": {"check": "sum(cube.value) == wide.value", "by": ["year"]}}],
    }
    assert not errors("tables", doc)


# --- the loaders and the schemas accept the same keys ---------------------------------------------


def shipped(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def loader_tables() -> list:
    """Every key table a loader checks keys with: the module-level tables of the input loaders
    and of every rule kind (registry-loaded, as the rules loader does)."""
    from missingstats.inputs import editions, keys, rules, sheet
    from missingstats.inputs.tables import spec
    from missingstats.kinds.registry import KINDS

    modules = [sheet, editions, rules, spec, *(k.load() for k in KINDS.values())]
    found = {id(v): v for m in modules for v in vars(m).values() if isinstance(v, keys.Table)}
    return sorted(found.values(), key=lambda t: t.name)


def test_every_loader_table_is_in_a_shipped_schema_with_the_same_keys():
    defs = {}
    for name in build.NAMES:
        defs.update(shipped(name)["$defs"])
    tables = loader_tables()
    assert len(tables) >= 20, [t.name for t in tables]
    for table in tables:
        assert table.name in defs, f"table {table.name!r} is in no shipped schema"
        schema = defs[table.name]
        assert list(schema["properties"]) == list(table.names), table.name
        assert schema.get("required", []) == [k.name for k in table.keys if k.required], table.name
        assert (schema["additionalProperties"] is False and "patternProperties" not in schema) \
            == table.closed, table.name


def test_every_ref_in_the_shipped_schemas_resolves():
    for name in build.NAMES:
        doc = shipped(name)
        text = json.dumps(doc)
        for ref in set(re.findall(r'"\$ref": "#/\$defs/([A-Za-z]+)"', text)):
            assert ref in doc["$defs"], f"{name}.schema.json: #/$defs/{ref} is not defined"


def load_any(path: Path) -> None:
    """Run the loader the CLI would pick for `path` (raises InputError)."""
    from missingstats.inputs import yamlnodes as sy
    from missingstats.inputs.editions import edition_meta, load_editions_file
    from missingstats.inputs.rules import load_rules
    from missingstats.inputs.sheet import load_sheet
    from missingstats.inputs.tables.spec import load_spec

    root = sy.load(path)
    if isinstance(root, sy.Mapping) and "tables" in root:
        load_spec(str(path), root)
    elif isinstance(root, sy.Mapping) and "editions" in root:
        load_editions_file(str(path), root)
    elif isinstance(root, sy.Mapping) and "figures" in root and not isinstance(root["figures"], sy.Sequence):
        edition_meta(load_sheet(path))
    else:
        load_rules(path)


RULE = "rules:\n  - id: r\n"
R0 = ["rules", 0]
TABLE_T = "tables:\n  t:\n    path: t.csv\n    dimensions: [geo]\n"
# (schema, the table's $defs name, a valid file with `@` where a key is put, path to that mapping)
PROBES = [
    ("sheet", "sheet", "figures:\n  a: 1\n@\n", []),
    ("sheet", "figure", "figures:\n  a:\n    value: 1\n    @\n", ["figures", "a"]),
    ("sheet", "settings", "figures:\n  a: 1\nsettings:\n  implied: true\n  @\n", ["settings"]),
    ("sheet", "source", "figures:\n  a: 1\nsource:\n  title: t\n  @\n", ["source"]),
    ("sheet", "edition", "figures:\n  a: 1\nedition:\n  series: s\n  @\n", ["edition"]),
    ("sheet", "editionsFile", "editions:\n  - as_of: 2020\n    figures: {a: 1}\n@\n", []),
    ("sheet", "editionItem", "editions:\n  - as_of: 2020\n    figures: {a: 1}\n    @\n", ["editions", 0]),
    ("sheet", "fileEdition", "edition:\n  series: s\n  @\neditions:\n  - as_of: 2020\n    figures: {a: 1}\n",
     ["edition"]),
    ("sheet", "revised", "editions:\n  - as_of: 2020\n    figures:\n      a:\n        value: 1\n"
     "        revised:\n          why: w\n          @\n", ["editions", 0, "figures", "a", "revised"]),
    ("rules", "rulesFile", RULE + "    check: a <= 1\n@\n", []),
    ("rules", "rule", RULE + "    check: a <= 1\n    @\n", ["rules", 0]),
    ("rules", "tolerance", RULE + "    check: a <= 1\n    tolerance:\n      absolute: 1\n      @\n",
     [*R0, "tolerance"]),
    ("rules", "hierarchyRule", RULE + "    hierarchy:\n      dimension: sex\n      @\n", [*R0, "hierarchy"]),
    ("rules", "completeRule", RULE + "    complete:\n      dimensions: [a]\n      @\n", [*R0, "complete"]),
    ("rules", "groupRule", RULE + "    group:\n      check: sum(t.value) >= 0\n      @\n", [*R0, "group"]),
    ("rules", "cumulativeRule", RULE + "    cumulative:\n      figures: [a]\n      @\n", [*R0, "cumulative"]),
    ("rules", "stockRule", RULE + "    stock:\n      name: a\n      inflows: [b]\n      @\n", [*R0, "stock"]),
    ("rules", "maxChangeRule", RULE + "    max_change:\n      figures: [a]\n      absolute: 1\n      @\n",
     [*R0, "max_change"]),
    ("rules", "shareRule", RULE + "    share:\n      percent: p\n      part: a\n      whole: b\n      @\n",
     [*R0, "share"]),
    ("rules", "sharesSumRule", RULE + "    shares_sum:\n      figures: [a, b]\n      @\n",
     [*R0, "shares_sum"]),
    ("tables", "tableSpec", TABLE_T + "    measure: value\n@\n", []),
    ("tables", "table", TABLE_T + "    measure: value\n    @\n", ["tables", "t"]),
    ("tables", "wide", TABLE_T + "    wide:\n      dimension: sex\n      columns: [f, m]\n      @\n",
     ["tables", "t", "wide"]),
    ("tables", "filterLevel", TABLE_T + "    measure: value\n    filter:\n      geo:\n        level: 1\n"
     "        @\n", ["tables", "t", "filter", "geo"]),
    ("tables", "codelist", TABLE_T + "    measure: value\nhierarchies:\n  geo:\n    codelist: g.csv\n    @\n",
     ["hierarchies", "geo"]),
    ("tables", "filterPeriod", TABLE_T + "    measure: value\n    filter:\n      geo:\n        from: 2020\n"
     "        @\n", ["tables", "t", "filter", "geo"]),
    ("tables", "flags", TABLE_T + "    measure: value\n    flags:\n      column: f\n      @\n",
     ["tables", "t", "flags"]),
    ("tables", "fromTable", TABLE_T + "    measure: value\nhierarchies:\n  geo:\n    from: t\n    @\n",
     ["hierarchies", "geo"]),
    ("tables", "datedPart", TABLE_T + "    measure: value\nhierarchies:\n  geo:\n    T:\n      - code: A\n"
     "        @\n", ["hierarchies", "geo", "T", 0]),
    ("tables", "missingCells", TABLE_T + "    measure: value\nmissing_cells:\n  absent: zero\n  @\n",
     ["missing_cells"]),
]


def probe(tmp_path: Path, schema: str, name: str, template: str, where: list, key: str):
    """Put `key: 1` into the mapping; what the loader says, and the schema's key errors there."""
    text = template.replace("@", f"{key}: 1")
    path = tmp_path / "probe.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "g.csv").write_text("code,parent\nT,\n", encoding="utf-8")
    try:
        load_any(path)
        said = None
    except InputError as err:
        said = err
    doc = yaml.load(text, Loader=_Loader)
    for step in where:
        doc = doc[step]
    sub = Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": shipped(schema)["$defs"]})
    flagged = [e for e in sub.iter_errors(doc)
               if e.validator in ("additionalProperties", "unevaluatedProperties") and not e.absolute_path]
    line = text.splitlines().index(next(x for x in text.splitlines() if x.strip().startswith(f"{key}:"))) + 1
    return said, flagged, line


def refused(err: InputError | None, key: str) -> bool:
    """The loader's words for a key it does not know (not for another key in the same file)."""
    words = rf"unknown [a-z -]*key {re.escape(repr(key))}"
    return err is not None and re.match(words, err.message) is not None


def test_the_probes_cover_every_loader_table():
    closed = {t.name for t in loader_tables() if t.closed}
    probed = {name for _, name, _, _ in PROBES}
    assert closed <= probed, f"add a probe for {sorted(closed - probed)}"


@pytest.mark.parametrize(("schema", "name", "template", "where"), PROBES,
                         ids=[f"{p[0]}-{p[1]}" for p in PROBES])
def test_loader_and_schema_accept_the_same_keys(tmp_path, monkeypatch, schema, name, template, where):
    """Every key the schema lists is one the loader knows, and a key the schema does not list is
    one the loader refuses, at that key (for a closed mapping)."""
    monkeypatch.chdir(tmp_path)
    definition = shipped(schema)["$defs"][name]
    for key in definition["properties"]:
        if template.replace("@", "").count(f" {key}:") or template.startswith(f"{key}:"):
            continue  # already in the file
        said, flagged, _ = probe(tmp_path, schema, name, template, where, key)
        assert not refused(said, key), f"the schema has {name}.{key}; the loader says: {said}"
        assert not flagged, (name, key, [e.message for e in flagged])
    said, flagged, line = probe(tmp_path, schema, name, template, where, "zz_not_a_key")
    if definition["additionalProperties"] is False and "patternProperties" not in definition:
        assert refused(said, "zz_not_a_key") and said.location.line == line, (name, said)
        assert "valid keys: " + ", ".join(sorted(definition["properties"])) in said.message
        assert flagged, f"the schema's {name} lets zz_not_a_key through"
    else:
        assert not refused(said, "zz_not_a_key") and not flagged, (name, said)


def test_no_loader_checks_keys_by_hand():
    """An unknown-key message is written once, in inputs/keys.py: a loader that words its own
    would accept keys its table (and so its schema) does not list."""
    words = re.compile(r"unknown (top-level |rule )?key|not in [A-Z_]*KEYS\b")
    found = []
    for path in sorted((ROOT / "missingstats").rglob("*.py")):
        if path.name == "keys.py" and path.parent.name == "inputs":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if words.search(line) and "unknown=" not in line:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, found
