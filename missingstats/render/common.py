"""Small helpers the CI and review formats share, so every format words things the same way.

All of them read the report dict of render.report.build() and tolerate missing optional keys:
a table rule may carry `cell` and `coordinates` instead of line and column, an instance may
lack `difference`, a rule may have no description. Nothing here decides a verdict.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from missingstats.render.values import number_text, value_text, where  # noqa: F401  (shared)

# report key -> instance status, in the order formats list them
LISTS = (
    ("failures", "fail"),
    ("undetermined_instances", "undetermined"),
    ("missing_instances", "missing"),
)
STATUS_WORD = {
    "fail": "fails", "undetermined": "is undetermined", "missing": "is not evaluable",
    "pass": "holds", "error": "could not run",
}
STATUS_LABEL = {
    "fail": "fail", "undetermined": "undetermined", "missing": "not evaluable", "pass": "pass",
    "error": "error",
}


def present(v: Any) -> bool:
    """A value worth showing: not None, not NaN, not empty."""
    if v is None or (isinstance(v, float) and v != v):
        return False
    return v not in ("", [], {})


def clean(v: Any) -> Any:
    """JSON-safe copy: NaN and infinities become None (JSON has neither); whole floats are
    written as integers, so 92 reads the same whichever frame dtype carried it."""
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, dict):
        return {str(k): clean(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [clean(x) for x in v]
    return v


def side_notes(report: dict) -> list[tuple[str, str, str]]:
    """(kind, file, text) of the report's extra sections with text (hints, prose)."""
    out = []
    for key, kind in (("hints", "hint"), ("prose", "prose")):
        for item in report.get(key) or []:
            if isinstance(item, dict) and present(item.get("text")):
                out.append((kind, str(item.get("file") or ""), str(item["text"])))
    return out


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def instances(report: dict, include_pass: bool = False) -> Iterator[tuple[dict, dict, str]]:
    """(rule result, instance, status) for every listed instance that did not pass."""
    for res in report.get("results", []):
        for key, status in LISTS:
            for inst in res.get(key) or []:
                yield res, inst, inst.get("status", status)
        if include_pass:
            for inst in res.get("passed_instances") or []:
                yield res, inst, "pass"


def unlisted_failures(res: dict) -> int:
    """Failures counted but cut from the list by --max-failures (counts stay exact)."""
    return max(0, int(res.get("failed", 0)) - len(res.get("failures") or []))


def primary_location(res: dict, inst: dict | None = None) -> dict:
    """Where an annotation points: the first located figure (the left-hand side first)."""
    locs = (inst or {}).get("locations") or []
    for loc in locs:
        if loc.get("line") is not None:
            return loc
    if locs:
        return locs[0]
    return {"file": res.get("file", "")}


def coordinates_text(inst: dict) -> str:
    coords = inst.get("coordinates") or {}
    return ", ".join(f"{k}={v}" for k, v in coords.items())


def figure_rows(inst: dict) -> list[tuple[str, str, dict | None]]:
    """(figure, value text, location) per figure of an instance, locations without values last."""
    locs = {loc.get("figure"): loc for loc in inst.get("locations") or [] if loc.get("figure")}
    rows: list[tuple[str, str, dict | None]] = []
    values = inst.get("values") or {}
    for name, v in values.items():
        loc = locs.get(name)
        flag = f" ({loc['flag']})" if loc and loc.get("flag") else ""
        rows.append((str(name), value_text(v) + flag, loc))
    for loc in inst.get("locations") or []:
        if loc.get("figure") not in values:
            rows.append((str(loc.get("figure") or ""), "", loc))
    return rows


def instance_lines(res: dict, inst: dict, status: str) -> list[str]:
    """Plain lines describing one instance: the check, each figure, the difference."""
    if present(inst.get("heading")):  # says what is wrong already
        lines = [str(inst["heading"])]
    else:
        lines = [f"{inst.get('expression', res.get('rule', ''))} {STATUS_WORD.get(status, status)}"]
    coords = coordinates_text(inst)
    if coords:
        lines.append(f"at {coords}")
    if present(inst.get("message")):
        lines.append(str(inst["message"]))
    for name, text, loc in figure_rows(inst):
        at = f" ({where(loc)})" if loc else ""
        lines.append(f"{name} = {text}{at}" if text else f"{name}{at}")
    if status == "fail" and present(inst.get("difference")) and inst["difference"] != 0:
        lines.append(difference_text(inst["difference"]))
    if present(inst.get("decides")):
        lines.append(str(inst["decides"]))
    return lines


def pattern_lines(report: dict) -> list[str]:
    """'60 failures involve cells with age=90, gender=T, time=2001 (rules: ...)'."""
    out = []
    for p in report.get("patterns", []):
        where_text = ", ".join(f"{k}={v}" for k, v in p["where"].items())
        rules = ", ".join(p["rules"])
        out.append(f"{p['failures']:,} failures involve cells with {where_text} "
                   f"(rule{'s' if len(p['rules']) > 1 else ''}: {rules})")
    return out


def difference_text(diff: Any) -> str:
    return f"difference: {value_text(diff)} (left side minus right side)"


def summary_line(report: dict) -> str:
    s = report.get("summary", {})
    pieces = [
        plural(int(s.get("files", len(report.get("files", [])))), "file"),
        plural(int(s.get("rules", 0)), "rule"),
        f"{plural(int(s.get('instances', 0)), 'check')}: {s.get('passed', 0)} passed",
        f"{s.get('failed', 0)} failed",
    ]
    if s.get("undetermined"):
        pieces.append(f"{s['undetermined']} undetermined")
    if s.get("missing"):
        pieces.append(f"{s['missing']} not evaluable")
    sev = [plural(int(s[f"{k}s_failed"]), k) for k in ("error", "warning") if s.get(f"{k}s_failed")]
    line = ", ".join(pieces)
    if sev:
        line += f" ({', '.join(sev)})"
    unchecked = len({str(e.get("input") or e.get("file")) for e in report.get("errors") or []})
    if unchecked:
        line += f"; {plural(unchecked, 'file')} not checked (input error)"
    return line


def input_errors(report: dict) -> list[tuple[dict, list[str]]]:
    """The report's input errors, each distinct one (same place, same message) once, with
    the inputs it kept from being checked: a bad rules file shared by 100 sheets is one."""
    seen: dict[tuple, tuple[dict, list[str]]] = {}
    for err in report.get("errors") or []:
        key = tuple(err.get(k) for k in ("file", "line", "column", "cell", "message"))
        entry = seen.setdefault(key, (err, []))
        name = str(err.get("input") or err.get("file") or "")
        if name not in entry[1]:
            entry[1].append(name)
    return list(seen.values())


def names_text(names: list[str], most: int = 3) -> str:
    """'a.yaml, b.yaml' for a few names, '100 files' for many."""
    return ", ".join(names) if len(names) <= most else plural(len(names), "file")


def error_message(err: dict, inputs: list[str] | None = None) -> str:
    """An input error's message; when the problem lies in another file than the inputs it
    stopped (their rules file), which inputs were not checked."""
    text = str(err.get("message", ""))
    others = [i for i in (inputs or [str(err.get("input") or "")]) if i and i != err.get("file")]
    if others:
        text += f" ({names_text(others)} not checked)"
    return text


def error_text(err: dict, inputs: list[str] | None = None) -> str:
    """'bad.yaml:2:6: message' (see error_message)."""
    return f"{where(err)}: {error_message(err, inputs)}"


def repo_root(start: Path | None = None) -> Path:
    """The git top-level above the working directory, else the working directory itself."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def repo_path(file: str, root: Path | None = None) -> str | None:
    """The path relative to the git top-level (else the working directory), with forward
    slashes, as GitHub and SARIF viewers want it; None when the file lies outside both."""
    if not file:
        return None
    root = root or repo_root()
    path = Path(file)
    absolute = (path if path.is_absolute() else Path.cwd() / path).resolve()
    for base in (root, Path.cwd().resolve()):
        try:
            return absolute.relative_to(base).as_posix()
        except ValueError:
            continue
    return None


def relative_uri(file: str, root: Path | None = None) -> str:
    """A repo-relative URI reference; a file:// URI for a file outside the repository."""
    inside = repo_path(file, root)
    if inside is not None:
        return quote(inside)
    path = Path(file)
    return (path if path.is_absolute() else Path.cwd() / path).resolve().as_uri()
