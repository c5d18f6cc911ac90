"""Which input files are ours: figure sheets, table specs and editions files, told apart
by their top-level keys, and tables that must be checked through a spec."""

from __future__ import annotations

import re

from missingstats.core.errors import InputError
from missingstats.inputs.reader import read_text

INPUT_KEYS = ("figures", "tables", "editions")
TABLE_SUFFIXES = {".csv", ".tsv", ".parquet", ".xlsx", ".xlsm", ".xls"}


def recognised_inputs(paths: list[str]) -> list[str]:
    """The paths that are sheets, table specs or editions files (`check --skip-unknown`).

    A pre-commit hook passes every changed YAML file; other YAML (.pre-commit-config.yaml,
    workflows, rules files) is skipped (the caller names them). A file that looks like ours
    but does not parse is kept, so checking it reports the problem."""
    import yaml

    keys = "|".join(map(re.escape, INPUT_KEYS))
    sniff = re.compile(rf"^[\"']?({keys})[\"']?[ \t]*:", re.MULTILINE)
    keep = []
    for path in paths:
        try:
            text = read_text(path, "yaml")
        except InputError:
            keep.append(path)  # checking it reports the problem
            continue
        if not sniff.search(text):
            continue
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except (yaml.YAMLError, RecursionError):  # the check says what is wrong, and where
            keep.append(path)
            continue
        if not isinstance(root, yaml.MappingNode):
            continue
        top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
        if set(top) & (set(INPUT_KEYS) - {"figures"}) or isinstance(top.get("figures"), yaml.MappingNode):
            keep.append(path)
        elif "figures" in top and not ({"rules", "include"} & set(top)):
            keep.append(path)  # a malformed sheet: let the check say what is wrong
    return keep
