"""`missingstats explain` (which figures are wrong) and `missingstats lint` (do the rules
contradict each other). Only typer at module level: the solver loads inside the commands,
the words come from render/explain.py and render/lint.py.

Exit codes: explain 0 when every rule can hold (nothing to explain), 1 when figures break
an error rule (suspects listed), 2 input error; lint 0 without contradictions, 1 with.
"""

from __future__ import annotations

from typing import Annotated

import typer

from missingstats.cli.limits import MAX_INSTANCES_OPTION

FORMATS = ("text", "json", "markdown")


def register(app: typer.Typer) -> None:
    from missingstats.cli.common import guarded

    app.command("explain")(guarded(explain))
    app.command("lint")(guarded(lint))


def explain(
    file: Annotated[str, typer.Argument(help="A figure sheet (YAML) or a table spec.")],
    rules: Annotated[
        str | None, typer.Option("--rules", "-r", help="Rules file (default: as for check).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json or markdown.")] = "text",
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
    max_instances: Annotated[int | None, MAX_INSTANCES_OPTION] = None,
) -> None:
    """Say which figures are most likely wrong, and what they probably should be."""
    from missingstats.cli.common import known_format
    from missingstats.cli.output import emit
    from missingstats.kinds.base import limit_instances

    fmt = known_format(fmt, FORMATS)
    severities = ("error", "warning") if warnings else ("error",)
    with limit_instances(max_instances):
        if records is not None:
            from missingstats.analysis.explain_tables import explain_records

            result = explain_records(file, records, rules, severities, max_sets, implied)
        else:
            from missingstats.analysis.explain import explain_file

            result = explain_file(file, rules, severities, max_sets, implied)
    from missingstats.render import explain as words

    emit(words.render(fmt, result), output, [file, rules or "", records or ""])
    raise typer.Exit(0 if result.consistent else 1)


def lint(
    rules_file: Annotated[str, typer.Argument(
        metavar="RULES", help="A rules file (YAML), or a figure sheet: its rules, with its figures.")],
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Fix the figures of this sheet (and its units).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json or markdown.")] = "text",
    implied: Annotated[
        bool, typer.Option("--implied/--no-implied", help="With --sheet: rules implied by nesting.")
    ] = True,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the report here (atomically).")
    ] = None,
    max_instances: Annotated[int | None, MAX_INSTANCES_OPTION] = None,
) -> None:
    """Find contradictions, redundant rules, derived bounds and names used only once.

    RULES may be a figure sheet: its rules (inline `rules:`, else as check finds them) are
    linted with its figures, as with --sheet."""
    from missingstats.analysis import lint as lt
    from missingstats.cli.common import known_format
    from missingstats.cli.output import emit
    from missingstats.kinds.base import limit_instances
    from missingstats.render import lint as words

    fmt = known_format(fmt, FORMATS)
    with limit_instances(max_instances):
        ruleset, loaded = lt.lint_inputs(rules_file, sheet)
    rules = list(ruleset.rules)
    if loaded is not None and implied and loaded.settings["implied"]:
        from missingstats.kinds.implied import for_sheet

        rules = for_sheet(loaded) + rules
    result = lt.analyse(rules, {r.id for r in ruleset.rules}, loaded, ruleset.vocabulary)
    shown = sheet or (rules_file if loaded is not None else None)  # `lint sheet.yaml`: its own
    emit(words.render(fmt, result, rules_file, shown, {r.id: r.location for r in rules}), output,
         [rules_file, sheet or "", *ruleset.files])
    raise typer.Exit(1 if result.conflicts else 0)
