"""`missingstats explain` (which figures are wrong) and `missingstats lint` (do the rules
contradict each other). Only typer at module level: the solver loads inside the commands.

Exit codes: explain 0 when every rule can hold (nothing to explain), 1 when figures break
an error rule (suspects listed), 2 input error; lint 0 without contradictions, 1 with.
"""

from __future__ import annotations

from typing import Annotated

import typer

FORMATS = ("text", "json")


def register(app: typer.Typer) -> None:
    from missingstats.cli import guarded

    app.command("explain")(guarded(explain))
    app.command("lint")(guarded(lint))


def _format(fmt: str) -> str:
    from missingstats.cli import fail_input

    if fmt not in FORMATS:
        raise fail_input(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return fmt


def explain(
    file: Annotated[str, typer.Argument(help="A figure sheet (YAML) or a table spec.")],
    rules: Annotated[
        str | None, typer.Option("--rules", "-r", help="Rules file (default: as for check).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    max_sets: Annotated[
        int, typer.Option("--max-sets", min=1, help="Alternative minimal sets to list.")
    ] = 5,
    warnings: Annotated[
        bool, typer.Option("--warnings", help="Localise with warning rules too (default: errors).")
    ] = False,
    implied: Annotated[
        bool, typer.Option("--implied/--no-implied", help="Rules implied by nesting.")
    ] = True,
    records: Annotated[
        str | None,
        typer.Option("--records", help="A CSV of records (columns are figure names): explain "
                     "each failing row with the rules of FILE."),
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the report here (atomically).")
    ] = None,
) -> None:
    """Say which figures are most likely wrong, and what they probably should be."""
    import json

    from missingstats.cli.output import emit

    fmt = _format(fmt)
    severities = ("error", "warning") if warnings else ("error",)
    if records is not None:
        from missingstats.analysis.explain_tables import explain_records

        rep = explain_records(file, records, rules, severities, max_sets, implied)
    else:
        rep = explain_file(file, rules, severities, max_sets, implied)
    text = json.dumps(rep, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else (
        render_explain(rep))
    emit(text, output)
    raise typer.Exit(1 if _explain_failed(rep) else 0)


def _explain_failed(rep: dict) -> bool:
    if "records" in rep:
        return any(r["status"] != "consistent" for r in rep["records"])
    return rep["status"] != "consistent"


def explain_file(path: str, rules_path: str | None, severities: tuple[str, ...],
                 max_sets: int, implied: bool) -> dict:
    from missingstats.analysis import localize as lz
    from missingstats.core.errors import InputError
    from missingstats.evaluate.rulesets import sheet_rules
    from missingstats.inputs import yamlnodes as sy
    from missingstats.inputs.sheet import load_sheet

    top = sy.expect_mapping(sy.load(path), "a figure sheet or table spec")
    if "tables" in top:
        from missingstats.analysis.explain_tables import explain_table_spec

        return explain_table_spec(path, rules_path, severities, max_sets)
    if "figures" not in top:
        raise InputError("explain needs a figure sheet ('figures:') or a table spec ('tables:')",
                         top.location)
    from missingstats.inputs.sources import attach

    sheet = attach(load_sheet(path))
    rules, known = sheet_rules(path, sheet, rules_path, implied)
    rec = lz.sheet_record(sheet, rules, known, severities)
    result = lz.localize(rec.problem, rec.lo, rec.hi, rec.stated, max_sets=max_sets)
    return lz.to_dict(result, path, rec.problem)


# --- text ------------------------------------------------------------------------------


def _n(x) -> str:
    from missingstats.language.bounds import fmt

    return "?" if x is None else fmt(x)


def _interval(lo, hi) -> str:
    if lo is not None and hi is not None:
        return _n(lo) if lo == hi else f"between {_n(lo)} and {_n(hi)}"
    if lo is not None:
        return f"{_n(lo)} or more"
    if hi is not None:
        return f"{_n(hi)} or less"
    return "any value"


def _where(loc: dict | None) -> str:
    if not loc:
        return ""
    parts = [str(loc.get("file", ""))] + [str(loc[k]) for k in ("line", "column") if k in loc]
    return "  " + ":".join(parts)


def _suspect_lines(s: dict, indent: str, warnings_hold: bool | None = None) -> list[str]:
    lines = [f"{indent}{s['figure']} = {s['reported']}{_where(s.get('location'))}"]
    lo, hi = s["feasible"]
    lines.append(f"{indent}  every rule can hold if it is {_interval(lo, hi)}")
    for i, c in enumerate(s["candidates"]):
        kind = c.get("kind")
        lead = ("needs" if kind == "determined" else "nearest" if kind == "nearest"
                else "probably" if i == 0 else "or")
        lines.append(f"{indent}  {lead} {_n(c['value'])} ({c['why']})")
    if warnings_hold is False:
        lines.append(f"{indent}  (but a warning rule would still fail)")
    return lines


def render_explain(rep: dict) -> str:
    if "records" in rep:
        return _render_records(rep)
    out: list[str] = []
    path = rep["file"]
    sev = " and ".join(rep["severities"])
    status = rep["status"]
    if status == "consistent":
        out.append(f"{path}: every rule of severity {sev} can hold; nothing to explain")
    else:
        failing = rep["failing"]
        rules = sorted({f["rule"] for f in failing})
        out.append(f"{path}: {len(failing)} check{'s' if len(failing) != 1 else ''} of severity "
                   f"{sev} fail{'s' if len(failing) == 1 else ''} ({', '.join(rules)})")
        for f in failing:
            out.append(f"  {f['expression']}")
        if rep.get("message"):
            out.append(rep["message"])
    if status == "localised":
        by_name = {s["figure"]: s for s in rep["suspects"]}
        sets = rep["alternatives"]
        best = sets[0]
        k = len(best["figures"])
        out.append("")
        out.append(f"Most likely wrong ({k} figure{'s' if k > 1 else ''} to change):")
        for name in best["figures"]:
            out.extend(_suspect_lines(by_name[name], "  ", best.get("warnings_hold")))
        if len(sets) > 1:
            out.append("")
            more = " (and more: --max-sets to list them)" if rep["more_alternatives"] else ""
            out.append(f"Other explanations changing as few figures{more}:")
            shown = set(best["figures"])
            for alt in sets[1:]:
                out.append("  - " + " and ".join(alt["figures"]))
                for name in alt["figures"]:
                    if name not in shown:
                        shown.add(name)
                        out.extend(_suspect_lines(by_name[name], "      ", alt.get("warnings_hold")))
        out.append("")
    if "error" in rep["severities"] and "warning" not in rep["severities"]:
        out.append("Localised with the rules of severity error (--warnings adds warning rules).")
    for u in rep.get("unanalysed", []):
        out.append(f"not analysed: rule {u['rule']} ({u['expression']}): {u['reason']}")
    return "\n".join(out) + "\n"


def _render_records(rep: dict) -> str:
    out = [f"{rep['file']}: {rep['failing']} of {rep['checked']} {rep['unit']}s fail; "
           f"{rep['localised']} localised in {rep['seconds']:.2f} s"]
    for r in rep["records"]:
        if r["status"] == "consistent":
            continue
        out.append("")
        out.append(f"{rep['unit']} {r['record']}: " + ", ".join(sorted({f['rule'] for f in r['failing']})))
        by_name = {s["figure"]: s for s in r["suspects"]}
        if r["alternatives"]:
            for name in r["alternatives"][0]["figures"]:
                out.extend(_suspect_lines(by_name[name], "  "))
                if by_name[name].get("also_suspect_in"):
                    out.append(f"    also a suspect in {'; '.join(by_name[name]['also_suspect_in'])}")
            if len(r["alternatives"]) > 1:
                alts = ["/".join(a["figures"]) for a in r["alternatives"][1:]]
                out.append(f"  or: {', '.join(alts)}")
        elif r.get("message"):
            out.append(f"  {r['message']}")
    if rep.get("cut"):
        out.append(f"... {rep['cut']} more failing {rep['unit']}s not listed (--format json lists all)")
    return "\n".join(out) + "\n"


# --- lint ------------------------------------------------------------------------------


def lint(
    rules_file: Annotated[str, typer.Argument(metavar="RULES", help="A rules file (YAML).")],
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Fix the figures of this sheet (and its units).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    implied: Annotated[
        bool, typer.Option("--implied/--no-implied", help="With --sheet: rules implied by nesting.")
    ] = True,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the report here (atomically).")
    ] = None,
) -> None:
    """Find contradictions, redundant rules, derived bounds and names used only once."""
    import json

    from missingstats.analysis import lint as lt
    from missingstats.cli.output import emit
    from missingstats.inputs.rules import load_rules

    fmt = _format(fmt)
    ruleset = load_rules(rules_file)
    rules = list(ruleset.rules)
    loaded = None
    if sheet is not None:
        from missingstats.inputs.sheet import load_sheet
        from missingstats.kinds.implied import for_sheet

        loaded = load_sheet(sheet)
        if implied and loaded.settings["implied"]:
            rules = for_sheet(loaded) + rules
    result = lt.analyse(rules, {r.id for r in ruleset.rules}, loaded, ruleset.vocabulary)
    rep = lt.to_dict(result, rules_file, sheet)
    locations = {r.id: r.location for r in rules}
    text = json.dumps(rep, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else (
        render_lint(rep, locations))
    emit(text, output)
    raise typer.Exit(1 if rep["infeasible"] else 0)


def render_lint(rep: dict, locations: dict) -> str:
    out: list[str] = []
    n_c, n_r, n_s = len(rep["infeasible"]), len(rep["redundant"]), len(rep["single_use"])
    head = f"{rep['file']}"
    if rep.get("sheet"):
        head += f" (with {rep['sheet']})"
    plural = lambda n, w: f"{n} {w}{'' if n == 1 else 's'}"  # noqa: E731
    out.append(f"{head}: {plural(n_c, 'contradiction')}, {plural(n_r, 'redundant rule')}, "
               f"{plural(n_s, 'name')} used only once, {len(rep['unanalysed'])} not analysed")

    def where(rid: str) -> str:
        loc = locations.get(rid)
        return f"  {loc}" if loc is not None and loc.line is not None else ""

    for c in rep["conflicts"]:
        out.append("")
        out.append("CONTRADICTION: these rules cannot all hold, whatever the figures:")
        for rid in c["rules"]:
            out.append(f"  {rid}{where(rid)}")
        for e in c["expressions"]:
            out.append(f"    {e}")
    implied = {r["rule"]: r["implied_by"] for r in rep["redundant"]}
    for r in rep["redundant"]:
        out.append("")
        by = ", ".join(r["implied_by"]) or "the figures being whole numbers of 0 or more"
        out.append(f"REDUNDANT: {r['rule']}{where(r['rule'])}")
        out.append(f"  always holds when these hold: {by}")
        if len(r["implied_by"]) == 1 and implied.get(r["implied_by"][0]) == [r["rule"]]:
            out.append(f"  ({r['rule']} and {r['implied_by'][0]} say the same: keep one)")
    for s in rep["single_use"]:
        hint = f" (did you mean {s['did_you_mean']}?)" if s["did_you_mean"] else ""
        out.append("")
        out.append(f"USED ONCE: {s['name']} in rule {s['rule']}{where(s['rule'])}{hint}")
    for u in rep["unanalysed"]:
        out.append("")
        out.append(f"NOT ANALYSED: rule {u['rule']}{where(u['rule'])}: {u['reason']}")
        out.append(f"  {u['expression']}")
    if rep["bounds"]:
        out.append("")
        given = " given the other figures of the sheet" if rep.get("sheet") else ""
        out.append(f"Bounds the error rules imply{given}:")
        width = max(len(k) for k in rep["bounds"])
        for name, b in rep["bounds"].items():
            if b is None:
                out.append(f"  {name.ljust(width)}  no value works")
                continue
            out.append(f"  {name.ljust(width)}  {_bound_text(*b)}")
    for note in rep["notes"]:
        out.append("")
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"


def _bound_text(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"must be {_n(lo)}" if lo == hi else f"must lie in [{_n(lo)}, {_n(hi)}]"
    if lo is not None:
        return f"must be {_n(lo)} or more"
    if hi is not None:
        return f"must be {_n(hi)} or less"
    return "any value"
