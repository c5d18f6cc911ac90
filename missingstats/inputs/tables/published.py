"""What a self-describing table file holds, read when the spec is (before any value).

SDMX-CSV, SDMX-ML and JSON-stat name their dimensions, measure and attributes, so a table
spec may leave out `dimensions:` and `measure:`. `describe` reads only what it needs: the
header line of SDMX-CSV, the elements of SDMX-ML up to the first observation, the JSON-stat
document (kept for the reader, which would parse it again otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from missingstats.core.errors import InputError, Location

# SDMX-CSV columns that are not dimensions (SDMX-CSV 1.0 and 2.0).
SDMX_CSV_STRUCTURE = ("DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION")


@dataclass
class Described:
    file: str
    columns: list[str]  # every name a spec may use as a column
    dimensions: list[str]
    measure: tuple[str, str]  # (measure name, column)
    flag_columns: list[str]
    decimals_column: str | None = None


def describe(fmt: str, path: Path, shown: str, dataset: str | None, where: Location) -> Described:
    if not path.is_file():
        raise InputError(f"table file {shown} does not exist (paths are relative to the spec)", where)
    if fmt == "sdmx-csv":
        return _sdmx_csv(path, shown)
    if fmt == "json-stat":
        from missingstats.inputs.tables.jsonstat import describe_jsonstat

        names, flags = describe_jsonstat(path, shown, dataset)
        return Described(shown, [*names, "value", "status"], names, ("value", "value"), flags)
    from missingstats.inputs.tables.sdmx import FLAG_COLUMNS, SDMX_ATTRIBUTES, describe_sdmx_ml

    keys, dims = describe_sdmx_ml(path, shown)
    return Described(shown, keys + [a for a in SDMX_ATTRIBUTES if a not in keys], dims,
                     ("value", "OBS_VALUE"), list(FLAG_COLUMNS), "DECIMALS")  # on any Obs


def _sdmx_csv(path: Path, shown: str) -> Described:
    """SDMX-CSV: structure columns, then dimensions, then OBS_VALUE, then attributes."""
    import csv

    from missingstats.inputs.tables.sdmx import FLAG_COLUMNS

    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read SDMX-CSV: {exc}", Location(shown, 1)) from None
    ids = [h.split(":", 1)[0].strip() for h in header]
    if "OBS_VALUE" not in ids:
        raise InputError("SDMX-CSV has no OBS_VALUE column (its columns: "
                         f"{', '.join(ids[:20])})", Location(shown, 1))
    value_at = ids.index("OBS_VALUE")
    dims = [c for c in ids[:value_at] if c not in SDMX_CSV_STRUCTURE]
    attributes = ids[value_at + 1:]
    return Described(shown, ids, dims, ("value", "OBS_VALUE"),
                     [c for c in FLAG_COLUMNS if c in attributes],
                     "DECIMALS" if "DECIMALS" in attributes else None)
