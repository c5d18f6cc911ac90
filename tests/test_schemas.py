"""Editor JSON Schemas: shipped files match the loaders, every example validates, mistakes do not.

"Meant to be valid" is decided by the loaders themselves: every YAML file of the repository
that the sheet, editions, table-spec or rules loader accepts must validate against its
schema (the schema may be looser than a loader, never stricter).
"""

from __future__ import annotations

import json
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
