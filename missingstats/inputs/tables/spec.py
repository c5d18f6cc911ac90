"""The table spec: which tables, their dimensions and measure, hierarchies, missing-cell policy.

    tables:
      cube:
        path: cube.parquet              # relative to the spec: .csv .tsv .parquet .xlsx
        dimensions: [geo, year, sex]    # or {geo: "Region code", year: Year}: name -> column
        measure: value                  # or {value: "Number of persons"}: name -> column
        # wide: {dimension: sex, columns: {total: Total, female: F, male: M}}
        # filter: {year: [2019, 2020], geo: {level: 1}}
        # sheet: Table 1   range: A3:F200   header_row: 3   delimiter: ";"
        # missing_values: [":", ".."]   (cell texts meaning "not available"; default "", NA)
    hierarchies:
      sex: {total: [female, male]}
      geo: {codelist: geo.csv, code: code, parent: parent}
    missing_cells: not-evaluable        # zero | fail
    implied: true                       # unique cells, known codes, one rule per hierarchy
    rules: [...]                        # or a file name; else rules.yaml beside, or --rules

Everything is checked here, before a table is read, and every mistake is an InputError
pointing into the spec. Codes are text everywhere (2019 in YAML, a Parquet int64 and a CSV
cell all become "2019"), so one hierarchy serves every table and file format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from missingstats.core.errors import InputError, Location, suggest
from missingstats.inputs import keys as kt
from missingstats.inputs import yamlnodes as sy
from missingstats.inputs.keys import Key, Table
from missingstats.inputs.tables.flags import TABLE as FLAGS
from missingstats.inputs.tables.flags import FlagSpec, parse_flags
from missingstats.inputs.tables.units import UNITS

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet",
           ".xlsx": "excel", ".xlsm": "excel", ".json": "json-stat", ".xml": "sdmx-ml"}
POLICIES = ("not-evaluable", "zero", "fail")
# Formats that describe themselves: their dimensions, measure and flags come from the file.
PUBLISHED = ("sdmx-csv", "sdmx-ml", "json-stat")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RANGE = re.compile(r"([A-Z]{1,3})([1-9][0-9]*):([A-Z]{1,3})([1-9][0-9]*)\Z")
DEFAULT_MISSING = ("", "NA")
FORMAT_NAMES = ("csv", "tsv", "parquet", "excel", "xlsx", *PUBLISHED)
THOUSANDS_WORDS = {"space": " ", "comma": ",", "apostrophe": "'", "dot": ".", "nbsp": "\u00a0"}

# --- the keys of a table spec's mappings (checked here, and the tables JSON Schema) ---------

RANGE_RE = r"^\$?[A-Za-z]{1,3}\$?[1-9][0-9]*:\$?[A-Za-z]{1,3}\$?[1-9][0-9]*$"
NAME_COLUMNS = {
    "description": "Names (also the column names) or {name: column}.",
    "anyOf": [{"type": "array", "items": kt.NAME, "minItems": 1},
              {"type": "object", "propertyNames": kt.NAME, "additionalProperties": kt.STRING,
               "minProperties": 1}],
}
FILTER_LEVEL = Table("filterLevel", "a filter", "The codes at one level of the hierarchy.", (
    Key("level", {"type": "integer", "minimum": 0}, "0: the top codes, 1: their parts, ...",
        required=True, missing="a filter is a list of codes or {level: N}"),
))
FILTER_PERIOD = Table("filterPeriod", "a period filter", "Time codes within a range of periods "
                      "(2015, 2020-Q1, 2020-03 ...).", (
    Key("from", {"anyOf": [kt.STRING, {"type": "integer"}]}, "The first period (open: none)."),
    Key("to", {"anyOf": [kt.STRING, {"type": "integer"}]}, "The last period (open: none)."),
))
FILTER_VALUE = {"anyOf": [kt.CODE, {"type": "array", "items": kt.CODE, "minItems": 1}, FILTER_LEVEL,
                          FILTER_PERIOD]}
CROSS_TAB_COLUMN = {"type": "object", "required": ["column"], "properties": {"column": kt.STRING},
                    "additionalProperties": kt.CODE}
WIDE = Table(
    "wide", "'wide'", "A wide table: one column per code of `dimension`, or a cross-tab whose "
    "columns each name a code of several dimensions.", (
        Key("dimension", kt.NAME, "The dimension whose codes are the count columns."),
        Key("dimensions", {"type": "array", "items": kt.NAME, "minItems": 1},
            "A cross-tab: the dimensions each column names a code of."),
        Key("columns", {"anyOf": [
            {"type": "array", "items": kt.CODE, "minItems": 1},
            {"type": "object", "additionalProperties": kt.STRING, "minProperties": 1},
            {"type": "array", "items": CROSS_TAB_COLUMN, "minItems": 1}]},
            "The columns: codes, {code: column}, or for a cross-tab {column: name, "
            "<dimension>: code, ...} each.", required=True,
            missing="{where} needs 'dimension' (or 'dimensions' for a cross-tab) and 'columns'"),
    ),
    also={"oneOf": [{"required": ["dimension"]}, {"required": ["dimensions"]}]},
)
TABLE = Table("table", "a table", "One table file and how to read it.", (
    Key("path", kt.STRING, "The table file, relative to this spec.", required=True),
    Key("format", {"enum": list(FORMAT_NAMES)}, "Needed only when the file does not tell."),
    Key("dimensions", NAME_COLUMNS, "The code columns (SDMX and JSON-stat: default from the "
        "file)."),
    Key("measure", {"anyOf": [kt.NAME, {"type": "object", "propertyNames": kt.NAME,
                                         "properties": {"unit": {"enum": list(UNITS)}},
                                         "additionalProperties": kt.STRING,
                                         "minProperties": 1, "maxProperties": 2}]},
        "The measure column: a name or {name: column}, with `unit: amount` for decimals."),
    Key("rounded", {"type": "number", "exclusiveMinimum": 0},
        "The rounding unit of the published values (0.1): each hierarchy gets half of it per "
        "cell as tolerance. SDMX DECIMALS and JSON-stat unit.decimals give it per cell."),
    Key("flags", FLAGS),
    Key("dataset", kt.STRING, "JSON-stat: the dataset of a collection or bundle (its id, or "
        "its position from 1)."),
    Key("wide", WIDE),
    Key("constants", {"type": "object", "propertyNames": kt.NAME, "additionalProperties": kt.CODE},
        "Dimensions the file does not hold as a column: dimension: code, e.g. {year: 2020}."),
    Key("filter", {"type": "object", "additionalProperties": FILTER_VALUE},
        "Keep rows: dimension: [codes] or {level: N}."),
    Key("sheet", kt.STRING, "Excel: the worksheet."),
    Key("range", {"type": "string", "pattern": RANGE_RE},
        "Excel: the cells holding the table, header row first (A3:F200)."),
    Key("header", {"type": "array", "items": kt.STRING, "uniqueItems": True},
        "Column names to use instead of the file's header row."),
    Key("header_row", {"type": "integer", "minimum": 0},
        "The header's row (1-based); 0 when `header` is given."),
    Key("last_row", {"type": "integer", "minimum": 2},
        "The last data row (notes and footnotes below it are ignored)."),
    Key("delimiter", kt.STRING, "CSV: one character, or tab."),
    Key("encoding", {**kt.STRING, "default": "utf-8"}, "The text encoding of a CSV file."),
    Key("missing_values", {"type": "array", "items": kt.STRING},
        "Cell texts meaning 'not available', such as ':'."),
    Key("thousands", kt.STRING, "Thousands separator in counts: one character, or "
        + ", ".join(THOUSANDS_WORDS) + "."),
    Key("fill_down", {"anyOf": [kt.NAME, {"type": "array", "items": kt.NAME, "minItems": 1}]},
        "Dimension columns whose blank cells repeat the code above (merged cells in published "
        "tables)."),
    Key("description", kt.TEXT, "What the table holds."),
))
CODELIST = Table("codelist", "a code list hierarchy", "A parent/child code list file.", (
    Key("codelist", kt.STRING, "The file (CSV, TSV, Parquet, or an SDMX structure message), "
        "relative to this spec.", required=True),
    Key("code", kt.STRING, "Its column of codes (default: code)."),
    Key("parent", kt.STRING, "Its column of parent codes (default: parent; none: a flat list)."),
    Key("delimiter", kt.STRING, "CSV: one character."),
    Key("id", kt.STRING, "SDMX: the hierarchy or code list to use (default: the only one)."),
))
FROM_TABLE = Table("fromTable", "a hierarchy from a table", "The hierarchy a published table "
                   "carries: JSON-stat `child`.", (
    Key("from", kt.STRING, "A table name, or `dataset` for the table that has the dimension.",
        required=True),
))
PERIOD = {"anyOf": [kt.STRING, {"type": "integer"}]}
DATED_PART = Table("datedPart", "a dated part", "A part in force from and/or until a period of "
                   "the time dimension.", (
    Key("code", kt.CODE, "The part's code.", required=True),
    Key("valid_from", PERIOD, "The first period it is a part in (2013, 2020-Q1 ...)."),
    Key("valid_to", PERIOD, "The last period it is a part in."),
))
HIERARCHY = kt.Shared("hierarchy", {
    "description": "{total: [parts], ...} inline (a part may be {code, valid_from, valid_to}), "
                   "a parent/child code list file, or {from: dataset}.",
    "anyOf": [CODELIST, FROM_TABLE, {
        "type": "object", "not": {"anyOf": [{"required": ["codelist"]}, {"required": ["from"]}]},
        "minProperties": 1, "additionalProperties": {
            "type": "array", "items": {"anyOf": [kt.CODE, DATED_PART]}, "minItems": 1}}],
})
MISSING_CELLS = Table("missingCells", "'missing_cells'", "Absent rows and empty values apart "
                      "(VTL: a missing data point against a NULL measure).", (
    Key("absent", {"enum": list(POLICIES)}, "A cell whose row is absent."),
    Key("empty", {"enum": list(POLICIES)}, "A row whose value is empty or a missing marker."),
))
SPEC = Table(
    "tableSpec", "a table spec", "Tables (CSV, TSV, Parquet, Excel) with their dimensions, measure "
    "and hierarchies, for `missingstats check`.", (
        Key("tables", {"type": "object", "minProperties": 1, "propertyNames": kt.NAME,
                       "additionalProperties": TABLE},
            "The tables by name (rules refer to them by it).", required=True),
        Key("hierarchies", {"type": "object", "additionalProperties": HIERARCHY},
            "Per dimension: its total and parts."),
        Key("missing_cells", {"anyOf": [{"enum": list(POLICIES), "default": "not-evaluable"},
                                        MISSING_CELLS]},
            "A missing part is not evaluable, zero, or a failure; or {absent: ..., empty: ...}."),
        Key("time", kt.NAME, "The time dimension (default: one named time, TIME_PERIOD, "
            "period or year): dated hierarchy edges are checked per period of it."),
        Key("implied", {**kt.BOOLEAN, "default": True},
            "Rules implied by the structure: unique cells, known codes, one per hierarchy."),
        Key("rules", kt.RULES),
        Key("description", kt.TEXT, "What these tables are."),
        Key("sources", kt.SOURCES),
    ),
    hints={"figures": "is this a figure sheet?", "include": "is this a rules file?"},
)


@dataclass
class Filter:
    """Keep rows whose code is listed, or (with a hierarchy) whose code sits at `level`."""

    dimension: str
    codes: list[str] | None
    level: int | None
    location: Location
    period: tuple[str | None, str | None] | None = None  # time codes within [from, to]
    negate: bool = False  # keep the codes the filter does NOT name (`when: {not: ...}`)


@dataclass
class Wide:
    """Count columns that each hold one code of the wide dimension(s), melted to long form."""

    dimensions: list[str]
    cells: dict[str, dict[str, str]]  # column -> {dimension: code}
    location: Location

    def aliases(self, dim: str) -> dict[str, str]:
        """Names a check may use for codes of `dim`: the codes, and the column names when the
        table is wide in one dimension only (`Total == Female + Male`)."""
        if self.dimensions != [dim]:
            return {}
        out = {codes[dim]: codes[dim] for codes in self.cells.values()}
        out.update({col: codes[dim] for col, codes in self.cells.items()})
        return out


@dataclass
class TableDef:
    name: str
    path: Path  # resolved for reading
    file: str  # as shown in reports: the spec's directory joined with the path as written
    format: str
    dimensions: dict[str, str]  # dimension name -> column
    measure: str
    measure_column: str | None  # None for a wide table
    wide: Wide | None
    filters: list[Filter]
    sheet: str | None
    cell_range: tuple[int, int, int, int] | None  # first row, first col, last row, last col
    header_row: int
    delimiter: str | None
    encoding: str
    missing_values: list[str]
    location: Location
    path_location: Location | None = None
    last_row: int | None = None  # last line (CSV) or sheet row (Excel) of data; None: to the end
    thousands: str | None = None  # a thousands separator to accept in counts written as text
    fill_down: list[str] = field(default_factory=list)  # dimensions whose blanks repeat the row above
    constants: dict[str, str] = field(default_factory=dict)  # dimension -> the one code of a table
    header: list[str] | None = None  # column names replacing the file's header (or its absence)
    unit: str = "count"  # what the measure holds (inputs/tables/units.py)
    rounded: float | None = None  # the rounding unit of every published value
    flags: FlagSpec | None = None  # observation flags (also implied by SDMX and JSON-stat)
    dataset: str | None = None  # JSON-stat: the dataset of a collection or bundle
    decimals_column: str | None = None  # SDMX-CSV: the DECIMALS attribute column

    @property
    def all_dimensions(self) -> list[str]:
        return list(self.dimensions) + (list(self.wide.dimensions) if self.wide else []) + list(
            self.constants)


@dataclass
class Hierarchy:
    """A dimension's declared codes and its parent -> child edges (in declaration order)."""

    dimension: str
    codes: list[str]
    edges: list[tuple[str, str]]
    location: Location
    source: str = "inline"  # or the code list file as shown in reports
    # (parent, child) -> (valid_from, valid_to) period texts, None for an open end
    validity: dict[tuple[str, str], tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass
class TableSpec:
    path: str
    base: Path
    tables: dict[str, TableDef]
    hierarchies: dict[str, Hierarchy]
    missing_cells: str = "not-evaluable"  # for absent cells (and empty ones, unless told apart)
    implied: bool = True
    rules: sy.Node | None = None
    location: Location = field(default_factory=lambda: Location(""))
    empty_cells: str = "not-evaluable"  # for present rows whose value is empty
    time: str | None = None  # the time dimension (dated hierarchy edges, period filters)
    sources: dict = field(default_factory=dict)  # `alias.name` -> a source sheet's figure (Figure)

    def tables_with(self, *dims: str) -> list[TableDef]:
        return [t for t in self.tables.values() if all(d in t.all_dimensions for d in dims)]

    @property
    def dimensions(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.tables.values():
            for d in t.all_dimensions:
                seen.setdefault(d, None)
        return list(seen)


def shown_path(spec_path: str, relative: str) -> str:
    """A table's path as users see it: relative to where they ran the command, like the spec."""
    import os

    parent = os.path.dirname(spec_path)
    return os.path.normpath(os.path.join(parent, relative)) if parent else os.path.normpath(relative)


def load_spec(path: str, top: sy.Mapping) -> TableSpec:
    base = Path(path).parent
    SPEC.check(top)
    tables_node = sy.expect_mapping(top["tables"], "'tables'")
    if not tables_node:
        raise InputError("'tables' names no table", tables_node.location)
    tables = {}
    for name, node in tables_node.items():
        if not NAME.match(name):
            raise InputError(
                f"table name {str(name)!r} must be a simple name (letters, digits, _), so rules "
                "can refer to it", name.location,
            )
        tables[str(name)] = parse_table(str(name), node, path, base, name.location)
    hierarchies: dict[str, Hierarchy] = {}
    if "hierarchies" in top:
        for dim, node in sy.expect_mapping(top["hierarchies"], "'hierarchies'").items():
            hierarchies[str(dim)] = parse_hierarchy(str(dim), node, path, base, dim.location,
                                                    tables)
    spec = TableSpec(path, base, tables, hierarchies, location=top.location)
    if "missing_cells" in top:
        spec.missing_cells, spec.empty_cells = _missing_cells(top["missing_cells"])
    else:
        spec.empty_cells = spec.missing_cells
    spec.time = _time_dimension(top, spec)
    if "implied" in top:
        spec.implied = sy.expect_bool(top["implied"], "'implied'")
    spec.rules = top.get("rules")
    for dim, h in hierarchies.items():
        if dim not in spec.dimensions:
            raise InputError(
                f"hierarchy for {dim!r}, which no table declares as a dimension "
                f"(dimensions: {', '.join(spec.dimensions)})", h.location,
            )
    for t in tables.values():
        for f in t.filters:
            if f.level is not None and f.dimension not in hierarchies:
                raise InputError(
                    f"filter by level needs a hierarchy for {f.dimension!r}", f.location
                )
    dated = [h for h in hierarchies.values() if h.validity]
    if dated and spec.time is None:
        raise InputError(
            f"the hierarchy of {dated[0].dimension!r} has dated edges (valid_from/valid_to), "
            "but the tables have no time dimension; name it with 'time:'", dated[0].location)
    return spec


TIME_NAMES = ("time", "TIME_PERIOD", "TIME", "period", "year", "Year")


def _time_dimension(top: sy.Mapping, spec: TableSpec) -> str | None:
    """`time:`, else the one dimension with a usual name for time (None: there is none)."""
    if "time" in top:
        name = str(sy.expect_string(top["time"], "'time'"))
        if name not in spec.dimensions:
            raise InputError(f"time dimension {name!r} is not a dimension of any table "
                             f"(dimensions: {', '.join(spec.dimensions)})", top["time"].location)
        return name
    found = [d for d in TIME_NAMES if d in spec.dimensions]
    return found[0] if len(found) == 1 else None


def _missing_cells(node: sy.Node) -> tuple[str, str]:
    """(absent, empty): one word for both, or {absent: ..., empty: ...}."""
    if isinstance(node, sy.Mapping):
        m = MISSING_CELLS.mapping(node)
        absent = sy.expect_choice(m["absent"], POLICIES, "absent") if "absent" in m else POLICIES[0]
        empty = sy.expect_choice(m["empty"], POLICIES, "empty") if "empty" in m else absent
        return absent, empty
    policy = sy.expect_choice(node, POLICIES, "missing_cells")
    return policy, policy


def parse_table(name: str, node: sy.Node, spec_path: str, base: Path, where: Location) -> TableDef:
    """One table definition, checked in the order a reader fixes it: keys, file, columns,
    where the data sits in the file, how its text is read, which rows are kept."""
    m = TABLE.mapping(node, f"table {name!r}", f"table {name!r}")
    rel = sy.expect_string(m["path"], "a table path")
    fmt = _format(m, rel, base / str(rel))
    dataset = str(sy.expect_string(m["dataset"], "'dataset'")) if "dataset" in m else None
    if dataset is not None and fmt != "json-stat":
        raise InputError("'dataset' applies to JSON-stat collections and bundles", m["dataset"].location)
    described = None
    if fmt in PUBLISHED:
        from missingstats.inputs.tables.published import describe

        described = describe(fmt, base / str(rel), shown_path(spec_path, str(rel)), dataset,
                             rel.location)
        for key in ("wide", "header", "header_row", "last_row", "fill_down", "thousands"):
            if key in m:
                raise InputError(f"{key!r} does not apply to {fmt} tables (they describe "
                                 "themselves)", m[key].location)
    dimensions, constants, wide, measure, measure_col, unit = _columns(m, name, described)
    sheet, cell_range, header, header_row, last_row = _layout(m, fmt)
    thousands = _thousands(m["thousands"]) if "thousands" in m else None
    fill_down = _fill_down(m["fill_down"], dimensions, name) if "fill_down" in m else []
    delimiter = _delimiter(m, fmt, str(rel))
    encoding = str(sy.expect_string(m["encoding"], "'encoding'")) if "encoding" in m else "utf-8"
    missing = _missing_values(m["missing_values"]) if "missing_values" in m else list(DEFAULT_MISSING)
    if fmt in ("sdmx-csv", "sdmx-ml") and "NaN" not in missing:
        missing.append("NaN")  # SDMX writes a missing observation value as NaN
    known = set(dimensions) | set(constants) | set(wide.dimensions if wide else ())
    filters = _filters(m["filter"], known, name) if "filter" in m else []
    flags = parse_flags(m["flags"]) if "flags" in m else None
    if described is not None and flags is None and described.flag_columns:
        flags = FlagSpec(list(described.flag_columns))
    rounded = None
    if "rounded" in m:
        rounded = sy.parse_number(m["rounded"], "'rounded'")
        if not rounded > 0:
            raise InputError("'rounded' is the rounding unit, such as 0.1 or 1000", m["rounded"].location)
    return TableDef(
        name=name, path=base / str(rel), file=shown_path(spec_path, str(rel)), format=fmt,
        dimensions=dimensions, measure=measure, measure_column=measure_col, wide=wide,
        filters=filters, sheet=sheet, cell_range=cell_range, header_row=header_row,
        delimiter=delimiter, encoding=encoding, missing_values=missing, location=where,
        path_location=rel.location, last_row=last_row, thousands=thousands, fill_down=fill_down,
        constants=constants, header=header, unit=unit, rounded=rounded, flags=flags,
        dataset=dataset, decimals_column=described.decimals_column if described else None,
    )


def _format(m: sy.Mapping, rel: sy.Scalar, path: Path) -> str:
    """The file format: `format:` if given, else told by the path's suffix (and a CSV whose
    first column is SDMX-CSV's DATAFLOW or STRUCTURE is SDMX-CSV)."""
    fmt = FORMATS.get(Path(str(rel)).suffix.lower())
    if "format" in m:
        given = sy.expect_string(m["format"], "'format'")
        if given not in FORMAT_NAMES:
            raise InputError(f"format is one of {', '.join(FORMAT_NAMES)}", given.location)
        return {"tsv": "csv", "xlsx": "excel"}.get(str(given), str(given))
    if fmt is None:
        raise InputError(
            f"cannot tell the format of {str(rel)!r} from its suffix; use .csv, .tsv, .parquet, "
            ".xlsx, .json (JSON-stat) or .xml (SDMX-ML), or say format: csv", rel.location,
        )
    if fmt == "csv" and _sdmx_csv_header(path):
        return "sdmx-csv"
    return fmt


def _sdmx_csv_header(path: Path) -> bool:
    """Whether a CSV file starts like SDMX-CSV 1.0 (DATAFLOW) or 2.0 (STRUCTURE)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except OSError:
        return False
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip(b'"')
    return head.startswith((b"DATAFLOW", b"STRUCTURE"))


def _measure(node: sy.Node) -> tuple[str, str, str]:
    """(name, column, unit) of `measure: value`, `{value: Col}` or `{value: Col, unit: amount}`."""
    unit = "count"
    if isinstance(node, sy.Mapping) and "unit" in node:
        unit = sy.expect_choice(node["unit"], tuple(UNITS), "the measure's unit")
        rest = {k: v for k, v in node.items() if k != "unit"}
        if len(rest) != 1:
            raise InputError("'measure' is {name: column, unit: ...}", node.location)
        ((key, col),) = rest.items()
        _simple_name(key, "the measure name")
        return str(key), str(sy.expect_string(col, f"the column of {key}")), unit
    ((measure, column),) = _name_columns(node, "'measure'", single=True).items()
    return measure, column, unit


def _columns(m: sy.Mapping, name: str, described=None
             ) -> tuple[dict[str, str], dict[str, str], Wide | None, str, str | None, str]:
    """Dimensions, constants, the wide layout and the measure, each column used once."""
    if "dimensions" in m:
        dimensions = _name_columns(m["dimensions"], f"dimensions of {name!r}", allow_empty=True)
    elif described is not None:
        dimensions = {d: d for d in described.dimensions}
    else:
        raise InputError(f"table {name!r} needs 'dimensions'", m.location)
    unit = "count"
    constants: dict[str, str] = {}
    if "constants" in m:
        for dim, code in sy.expect_mapping(m["constants"], "'constants'").items():
            _simple_name(dim, "a dimension name")
            if dim in dimensions:
                raise InputError(f"{str(dim)!r} is both a column dimension and a constant",
                                 dim.location)
            constants[str(dim)] = str(sy.expect_string(code, f"the code of {dim}"))
    wide = _wide(m["wide"], name) if "wide" in m else None
    if wide is not None:
        for wd in wide.dimensions:
            if wd in dimensions:
                raise InputError(
                    f"{wd!r} is a wide dimension; do not list it under dimensions", wide.location
                )
        measure, measure_col = "value", None
        if "measure" in m:
            measure = str(_simple_name(sy.expect_string(m["measure"], "'measure'"), "a measure name"))
    else:
        if "measure" in m:
            measure, measure_col, unit = _measure(m["measure"])
        elif described is not None:
            measure, measure_col = described.measure
        else:
            raise InputError(f"table {name!r} needs 'measure' (the count column) or 'wide'",
                             m.location)
    if wide is not None and set(wide.dimensions) & set(constants):
        raise InputError("a dimension is both wide and a constant", wide.location)
    if measure in dimensions or measure in constants or (wide and measure in wide.dimensions):
        raise InputError(f"{measure!r} is both a dimension and the measure",
                         (m["measure"] if "measure" in m else m).location)
    columns = list(dimensions.values()) + ([measure_col] if measure_col else []) + (
        list(wide.cells) if wide else [])
    dup = sorted({c for c in columns if columns.count(c) > 1})
    if dup:
        raise InputError(f"column {dup[0]!r} is used twice in table {name!r}", m.location)
    if described is not None:
        absent = [c for c in columns if c not in described.columns]
        if absent:
            raise InputError(
                f"table {name!r}: {described.file} has no {absent[0]!r}"
                f"{suggest(absent[0], described.columns)} (it has: "
                f"{', '.join(described.columns)})", m.location)
    return dimensions, constants, wide, measure, measure_col, unit


def _layout(m: sy.Mapping, fmt: str
            ) -> tuple[str | None, tuple[int, int, int, int] | None, list[str] | None, int, int | None]:
    """Where the table sits in its file: sheet, range, header (row) and last row."""
    sheet = str(sy.expect_string(m["sheet"], "'sheet'")) if "sheet" in m else None
    cell_range = _range(m["range"]) if "range" in m else None
    if (sheet or cell_range) and fmt != "excel":
        key = "sheet" if sheet else "range"
        raise InputError(f"{key!r} applies to Excel tables only", m[key].location)
    header = None
    if "header" in m:
        header = [str(sy.expect_string(h, "a column name"))
                  for h in sy.expect_sequence(m["header"], "'header' (the column names in order)")]
        if len(set(header)) != len(header) or not header:
            raise InputError("'header' names each column once", m["header"].location)
    header_row = 1
    if "header_row" in m:
        header_row = sy.parse_count(m["header_row"], "'header_row'")
        if header_row < 1 and header is None:
            raise InputError("header_row counts from 1 (0: no header line, with 'header:')",
                             m["header_row"].location)
        if cell_range:
            raise InputError("give either 'range' or 'header_row'", m["header_row"].location)
    last_row = None
    if "last_row" in m:
        last_row = sy.parse_count(m["last_row"], "'last_row'")
        if last_row <= header_row:
            raise InputError("last_row must come after the header row", m["last_row"].location)
        if cell_range:
            raise InputError("give either 'range' or 'last_row'", m["last_row"].location)
    return sheet, cell_range, header, header_row, last_row


def _thousands(node: sy.Node) -> str:
    text = str(node) if isinstance(node, sy.Scalar) else ""
    text = THOUSANDS_WORDS.get(text, text)
    if len(text) != 1 or text.isdigit():
        raise InputError("thousands is one character such as ',' or a word: comma, space, "
                         "apostrophe, dot, nbsp", node.location)
    return text


def _fill_down(node: sy.Node, dimensions: dict[str, str], name: str) -> list[str]:
    items = [node] if isinstance(node, sy.Scalar) else list(sy.expect_sequence(node, "'fill_down'"))
    fill_down: list[str] = []
    for item in items:
        dim = str(sy.expect_string(item, "a dimension"))
        if dim not in dimensions:
            raise InputError(f"fill_down names {dim!r}, which is not a column dimension of "
                             f"{name!r}", item.location)
        fill_down.append(dim)
    return fill_down


def _delimiter(m: sy.Mapping, fmt: str, rel: str) -> str | None:
    if "delimiter" not in m:
        return "\t" if rel.lower().endswith(".tsv") else None
    if fmt != "csv":
        raise InputError("'delimiter' applies to CSV tables only", m["delimiter"].location)
    d = m["delimiter"]
    text = str(d) if isinstance(d, sy.Scalar) else ""
    text = {"\\t": "\t", "tab": "\t"}.get(text, text)
    if len(text) != 1:
        raise InputError("delimiter is one character, such as ; or tab", d.location)
    return text


def _missing_values(node: sy.Node) -> list[str]:
    items = sy.expect_sequence(node, "'missing_values'")
    missing = [str(v) for v in items]
    for v in items:
        if not isinstance(v, sy.Scalar):
            raise InputError("a missing value marker is text such as ':'", v.location)
    return missing


def _filters(node: sy.Node, known: set[str], name: str) -> list[Filter]:
    filters = []
    for dim, value in sy.expect_mapping(node, "'filter'").items():
        filters.append(_filter(str(dim), value, dim.location))
        if dim not in known:
            raise InputError(f"filter on {str(dim)!r}, which is not a dimension of {name!r}",
                             dim.location)
    return filters


def _simple_name(text: sy.Scalar, what: str) -> sy.Scalar:
    if not NAME.match(text):
        raise InputError(
            f"{what} {str(text)!r} must be a simple name (letters, digits, _) so rules can use "
            f"it; map it to its column, e.g. {{geo: {str(text)!r}}}", text.location,
        )
    return text


def _name_columns(node: sy.Node, what: str, single: bool = False,
                  allow_empty: bool = False) -> dict[str, str]:
    """`[geo, year]` or `{geo: Region, year: Year}` (or a single name) -> name: column."""
    out: dict[str, str] = {}
    if isinstance(node, sy.Scalar) and single:
        out[str(_simple_name(sy.expect_string(node, what), "the measure name"))] = str(node)
        return out
    if isinstance(node, sy.Mapping):
        for key, col in node.items():
            _simple_name(key, "a dimension name" if not single else "the measure name")
            out[str(key)] = str(sy.expect_string(col, f"the column of {key}"))
    else:
        for item in sy.expect_sequence(node, what):
            text = _simple_name(sy.expect_string(item, "a dimension"), "a dimension name")
            if text in out:
                raise InputError(f"dimension {str(text)!r} is listed twice", text.location)
            out[str(text)] = str(text)
    if not out and not single and not allow_empty:
        raise InputError(f"{what} lists nothing", node.location)
    if single and len(out) != 1:
        raise InputError(f"{what} is one column: a name, or {{name: column}}", node.location)
    return out


def _wide(node: sy.Node, table: str) -> Wide:
    """`{dimension: sex, columns: {total: Total, female: F}}` (code: column; or a list of
    columns named by their codes), or for a cross-tab `{dimensions: [age, sex], columns:
    [{column: "0-14 M", age: "0-14", sex: male}, ...]}`."""
    m = WIDE.mapping(node)
    if ("dimension" in m) == ("dimensions" in m):
        raise InputError("'wide' needs 'dimension' (or 'dimensions' for a cross-tab) and "
                         "'columns'", m.location)
    cols_node = m["columns"]
    cells: dict[str, dict[str, str]] = {}
    if "dimension" in m:
        dim = str(_simple_name(sy.expect_string(m["dimension"], "the wide dimension"),
                               "a dimension name"))
        dims = [dim]
        if isinstance(cols_node, sy.Sequence):
            pairs = [(str(sy.expect_string(i, "a wide column")),) * 2 for i in cols_node]
        else:
            pairs = [(str(code), str(sy.expect_string(col, f"the column of {code}")))
                     for code, col in sy.expect_mapping(cols_node, "'columns'").items()]
        for code, col in pairs:
            if col in cells:
                raise InputError(f"column {col!r} is listed twice", cols_node.location)
            cells[col] = {dim: code}
    else:
        dims = [str(_simple_name(sy.expect_string(d, "a wide dimension"), "a dimension name"))
                for d in sy.expect_sequence(m["dimensions"], "'dimensions'")]
        if not dims or len(set(dims)) != len(dims):
            raise InputError("'dimensions' lists distinct dimensions", m["dimensions"].location)
        for item in sy.expect_sequence(cols_node, "'columns' (one mapping per column)"):
            im = sy.expect_mapping(item, "a wide column: {column: name, <dimension>: code, ...}")
            wanted = {"column", *dims}
            if set(im) != wanted:
                raise InputError(f"a wide column has the keys {', '.join(sorted(wanted))}",
                                 im.location)
            col = str(sy.expect_string(im["column"], "'column'"))
            if col in cells:
                raise InputError(f"column {col!r} is listed twice", im.location)
            cells[col] = {d: str(sy.expect_string(im[d], f"the code of {d}")) for d in dims}
    if not cells:
        raise InputError("'columns' lists no column", cols_node.location)
    combos = [tuple(c[d] for d in dims) for c in cells.values()]
    if len(set(combos)) != len(combos):
        raise InputError("two wide columns have the same codes", cols_node.location)
    return Wide(dims, cells, m.location)


def _filter(dim: str, node: sy.Node, where: Location) -> Filter:
    if isinstance(node, sy.Mapping) and ("from" in node or "to" in node):
        return Filter(dim, None, None, where, period=period_range(node, f"the filter on {dim!r}"))
    if isinstance(node, sy.Mapping):
        FILTER_LEVEL.check(node, f"the filter on {dim!r}")
        return Filter(dim, None, sy.parse_count(node["level"], "'level'"), where)
    if isinstance(node, sy.Scalar):
        return Filter(dim, [str(sy.expect_string(node, "a code"))], None, where)
    items = sy.expect_sequence(node, "a filter")
    if not items:
        raise InputError("the filter lists no code", node.location)
    return Filter(dim, [str(sy.expect_string(i, "a code")) for i in items], None, where)


def parse_when(node: sy.Mapping, spec: TableSpec, rule_id: str) -> list[Filter]:
    """A rule's `when:`: {dimension: code | [codes] | {not: ...} | {from: P, to: P}}."""
    out = []
    for dim, value in node.items():
        if dim not in spec.dimensions:
            raise InputError(f"rule {rule_id!r}: 'when' names {str(dim)!r}, which is not a "
                             f"dimension{suggest(str(dim), spec.dimensions)}", dim.location)
        negate = isinstance(value, sy.Mapping) and "not" in value
        if negate:
            if len(value) != 1:
                raise InputError("{not: codes} has no other key", value.location)
            value = value["not"]
        f = _filter(str(dim), value, dim.location)
        if f.level is not None and str(dim) not in spec.hierarchies:
            raise InputError(f"'when' by level needs a hierarchy for {str(dim)!r}", dim.location)
        f.negate = negate
        out.append(f)
    return out


def period_range(node: sy.Mapping, where: str) -> tuple[str | None, str | None]:
    """`{from: 2015, to: 2020-Q2}` (either end may be left open)."""
    from missingstats.language import periods

    FILTER_PERIOD.check(node, where)
    out: list[str | None] = []
    for key in ("from", "to"):
        text = str(sy.expect_string(node[key], f"'{key}'")) if key in node else None
        if text is not None and periods.parse(text) is None:
            raise InputError(f"{text!r} is not a period (2020, 2020-Q1, 2020-03, 2020-W05, "
                             "2020-S1, 2020-03-15)", node[key].location)
        out.append(text)
    return out[0], out[1]


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _range(node: sy.Node) -> tuple[int, int, int, int]:
    text = sy.expect_string(node, "'range'")
    match = RANGE.match(str(text).replace("$", "").upper())
    if not match:
        raise InputError(f"range {str(text)!r} is not like A3:F200", text.location)
    c1, r1, c2, r2 = match.groups()
    first_row, last_row = int(r1), int(r2)
    first_col, last_col = _col_number(c1), _col_number(c2)
    if last_row <= first_row or last_col < first_col:
        raise InputError(
            "range must span a header row and at least one data row, left to right", text.location
        )
    return first_row, first_col, last_row, last_col


def column_letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


# --- hierarchies -------------------------------------------------------------------------

def parse_hierarchy(dim: str, node: sy.Node, spec_path: str, base: Path, where: Location,
                    tables: dict[str, TableDef] | None = None) -> Hierarchy:
    m = sy.expect_mapping(node, f"the hierarchy of {dim!r}")
    if "codelist" in m:
        CODELIST.check(m, f"the code list hierarchy of {dim!r}")
        if str(m["codelist"]).lower().endswith(".xml"):
            from missingstats.inputs.tables.sdmx import structure_hierarchy

            rel = sy.expect_string(m["codelist"], "'codelist'")
            wanted = str(sy.expect_string(m["id"], "'id'")) if "id" in m else None
            shown = shown_path(spec_path, str(rel))
            codes, edges, validity = structure_hierarchy(base / str(rel), shown, wanted, rel.location)
            h = Hierarchy(dim, codes, edges, m.location, source=shown, validity=validity)
            check_acyclic(h)
            return h
        return load_codelist(dim, m, spec_path, base)
    if "from" in m:
        FROM_TABLE.check(m, f"the hierarchy of {dim!r}")
        return _from_table(dim, m, tables or {})
    if not m:
        raise InputError(f"the hierarchy of {dim!r} is empty", m.location)
    codes: dict[str, None] = {}
    edges: list[tuple[str, str]] = []
    validity: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for parent, kids in m.items():
        codes.setdefault(str(parent), None)
        items = sy.expect_sequence(kids, f"the parts of {str(parent)!r}")
        if not items:
            raise InputError(f"{str(parent)!r} lists no parts", kids.location)
        seen = set()
        for kid in items:
            if isinstance(kid, sy.Mapping):
                kid, dated = _dated_part(kid)
                if dated != (None, None):
                    validity[(str(parent), str(kid))] = dated
            text = str(sy.expect_string(kid, "a code"))
            if text in seen:
                raise InputError(f"{text!r} is listed twice under {str(parent)!r}", kid.location)
            if text == parent:
                raise InputError(f"{text!r} is listed as a part of itself", kid.location)
            seen.add(text)
            codes.setdefault(text, None)
            edges.append((str(parent), text))
    h = Hierarchy(dim, list(codes), edges, m.location, validity=validity)
    check_acyclic(h)
    return h


def _dated_part(m: sy.Mapping) -> tuple[sy.Scalar, tuple[str | None, str | None]]:
    """`{code: HR, valid_from: 2013}`: a part in force from, or until, a period."""
    from missingstats.language import periods

    DATED_PART.check(m)
    bounds: list[str | None] = []
    for key in ("valid_from", "valid_to"):
        text = str(sy.expect_string(m[key], f"'{key}'")) if key in m else None
        if text is not None and periods.parse(text) is None:
            raise InputError(f"{key} {text!r} is not a period (2020, 2020-Q1, 2020-03, "
                             "2020-W05, 2020-S1, 2020-03-15)", m[key].location)
        bounds.append(text)
    start, end = bounds
    if start and end and periods.parse(end)[1] < periods.parse(start)[0]:
        raise InputError("valid_to comes before valid_from", m.location)
    return sy.expect_string(m["code"], "a code"), (start, end)


def _from_table(dim: str, m: sy.Mapping, tables: dict[str, TableDef]) -> Hierarchy:
    """A hierarchy that a published table carries (JSON-stat `child`)."""
    name = str(sy.expect_string(m["from"], "'from'"))
    if name == "dataset":
        candidates = [t for t in tables.values() if dim in t.all_dimensions and t.format == "json-stat"]
        if not candidates:
            raise InputError(f"no JSON-stat table has the dimension {dim!r} to take its "
                             "hierarchy from", m["from"].location)
        defn = candidates[0]
    elif name in tables:
        defn = tables[name]
    else:
        raise InputError(f"no table {name!r}{suggest(name, ['dataset', *tables])}",
                         m["from"].location)
    if defn.format != "json-stat":
        raise InputError(f"table {name!r} is {defn.format}, which carries no hierarchy; "
                         "JSON-stat does (category.child)", m["from"].location)
    from missingstats.inputs.tables.jsonstat import dataset_hierarchy

    column = defn.dimensions.get(dim)
    if column is None:
        raise InputError(f"table {defn.name!r} has no dimension {dim!r}", m["from"].location)
    codes, edges = dataset_hierarchy(defn.path, defn.file, defn.dataset, column, m.location)
    h = Hierarchy(dim, codes, edges, m.location, source=defn.file)
    check_acyclic(h)
    return h


def load_codelist(dim: str, m: sy.Mapping, spec_path: str, base: Path) -> Hierarchy:
    """A code list file: one row per code, with its parent (empty for a top code)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rel = sy.expect_string(m["codelist"], "'codelist'")
    code_col = str(sy.expect_string(m["code"], "'code'")) if "code" in m else "code"
    parent_col = str(sy.expect_string(m["parent"], "'parent'")) if "parent" in m else "parent"
    delimiter = str(m["delimiter"]) if "delimiter" in m else None
    path = base / str(rel)
    shown = shown_path(spec_path, str(rel))
    if not path.is_file():
        raise InputError(
            f"code list {str(rel)!r} of {dim!r} does not exist ({shown})", rel.location
        )
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            table = table.cast(pa.schema([pa.field(f.name, pa.string()) for f in table.schema]))
        else:
            table = pacsv.read_csv(
                path,
                parse_options=pacsv.ParseOptions(delimiter=delimiter),
                convert_options=pacsv.ConvertOptions(
                    column_types={code_col: pa.string(), **({parent_col: pa.string()} if parent_col else {})},
                    strings_can_be_null=False, null_values=[],
                ),
            )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError, ValueError) as exc:
        raise InputError(f"code list cannot be read: {_first_line(exc)}", Location(shown)) from None
    if "parent" not in m and parent_col not in table.column_names:
        parent_col = None  # a flat code list: codes without a hierarchy
    for col, key in ((code_col, "code"), (parent_col, "parent")):
        if col is not None and col not in table.column_names:
            raise InputError(
                f"code list {shown} has no column {col!r} (columns: {', '.join(table.column_names)}); "
                f"name it with '{key}:'", m.location,
            )
    code_vals = [("" if v is None else str(v)).strip() for v in table.column(code_col).to_pylist()]
    if parent_col is None:
        parents = [""] * len(code_vals)
    else:
        parents = [("" if v is None else str(v)).strip() for v in table.column(parent_col).to_pylist()]
    dated = [_period_column(table, c, shown) for c in ("valid_from", "valid_to")]
    codes: dict[str, None] = {}
    edges: list[tuple[str, str]] = []
    seen_edges: set[tuple[str, str]] = set()
    validity: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for i, (code, parent) in enumerate(zip(code_vals, parents)):
        if parent and (dated[0][i] or dated[1][i]):
            validity[(parent, code)] = (dated[0][i], dated[1][i])
        if not code:
            raise InputError("code list row has no code", Location(shown, i + 2, 1))
        if parent:
            codes.setdefault(parent, None)
        codes.setdefault(code, None)
        if parent and (parent, code) not in seen_edges:
            if parent == code:
                raise InputError(f"code {code!r} is its own parent", Location(shown, i + 2, 1))
            seen_edges.add((parent, code))
            edges.append((parent, code))
    h = Hierarchy(dim, list(codes), edges, m.location, source=shown, validity=validity)
    check_acyclic(h)
    return h


def _period_column(table, column: str, shown: str) -> list[str | None]:
    """A code list's valid_from / valid_to column as period texts (None: open)."""
    from missingstats.language import periods

    if column not in table.column_names:
        return [None] * table.num_rows
    out: list[str | None] = []
    for i, v in enumerate(table.column(column).to_pylist()):
        text = "" if v is None else str(v).strip()
        if text and periods.parse(text) is None:
            raise InputError(f"{column} {text!r} is not a period (2020, 2020-Q1, 2020-03, ...)",
                             Location(shown, i + 2))
        out.append(text or None)
    return out


def check_acyclic(h: Hierarchy) -> None:
    """A code must not be its own ancestor: sums would be circular."""
    children: dict[str, list[str]] = {}
    for p, c in h.edges:
        children.setdefault(p, []).append(c)
    state: dict[str, int] = {}
    for start in children:
        if state.get(start):
            continue
        stack = [(start, iter(children.get(start, [])))]
        state[start] = 1
        while stack:
            code, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[code] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                raise InputError(
                    f"the hierarchy of {h.dimension!r} is circular: {nxt!r} is its own ancestor",
                    h.location,
                )
            if not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(children.get(nxt, []))))


def levels(h: Hierarchy) -> dict[str, int]:
    """Depth of each code: 0 for codes without a parent."""
    parents: dict[str, list[str]] = {}
    for p, c in h.edges:
        parents.setdefault(c, []).append(p)
    depth: dict[str, int] = {}

    def walk(code: str) -> int:
        stack = [code]
        while stack:
            cur = stack[-1]
            ps = [p for p in parents.get(cur, []) if p not in depth]
            if ps:
                stack.extend(ps)
                continue
            depth[cur] = 1 + max((depth[p] for p in parents.get(cur, [])), default=-1)
            stack.pop()
        return depth[code]

    for code in h.codes:
        if code not in depth:
            walk(code)
    return depth


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
