"""check's hint: independent components, at most three figures named, a bounded search."""

from __future__ import annotations

from pathlib import Path

from missingstats.analysis.components import components, failing, sheet_components
from missingstats.analysis.hint import MAX_NAMED, sheet_hint
from missingstats.analysis.localize import checks_of
from missingstats.evaluate.options import CheckOptions
from missingstats.evaluate.rulesets import sheet_rules
from missingstats.inputs.sheet import load_sheet
from missingstats.render.explain import hint_text


def slips(tmp_path: Path, n: int, broken: set[int]) -> Path:
    """A sheet of n independent breakdowns total == a + b, those in `broken` off by one."""
    lines = ["figures:"]
    for k in range(n):
        lines += [f"  g{k}:", f"    total: {100 + k}", f"    a: {40 + k}",
                  f"    b: {61 if k in broken else 60}"]
    groups = ", ".join(f"g{k}" for k in range(n))
    lines += ["rules:", "  - id: split", f"    for: {{g: [{groups}]}}",
              "    check: '{g}.total == {g}.a + {g}.b'"]
    path = tmp_path / "slips.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_components_follow_shared_figures(tmp_path):
    sheet = load_sheet(slips(tmp_path, 4, {1}))
    rules, _ = sheet_rules(sheet.path, sheet, None)
    groups = components(checks_of(rules))
    # per breakdown: the sum and the two implied part-within-total checks share figures
    assert len(groups) == 4 and all(len(g) == 3 for g in groups)
    parts = sheet_components(sheet, rules, set(), ("error",))
    assert [failing(c) for c in parts] == [False, True, False, False]
    assert parts[1].names == ["g1.total", "g1.a", "g1.b"]


def test_hint_names_at_most_three_figures_and_counts_the_rest(tmp_path):
    sheet = load_sheet(slips(tmp_path, 30, set(range(30))))
    hint = sheet_hint(sheet, CheckOptions())
    assert hint is not None
    named = sum(len(r.sets[0].figures) for r in hint.localisations)
    assert named == MAX_NAMED and hint.unsearched == 30 - MAX_NAMED
    text = hint_text(hint)
    assert text.count(" = ") == MAX_NAMED
    assert "27 more failing parts not searched; run missingstats explain" in text
    assert len(text) < 400


def test_a_spent_budget_skips_the_search_and_says_so(tmp_path):
    sheet = load_sheet(slips(tmp_path, 5, {0, 3}))
    hint = sheet_hint(sheet, CheckOptions(), budget=-1.0)
    assert hint is not None and hint.localisations == () and hint.unsearched == 2
    assert hint_text(hint) == ("the search for the wrong figures was skipped; 2 more failing "
                               f"parts not searched; run missingstats explain {sheet.path}")


def test_one_failing_part_keeps_the_alternatives(tmp_path):
    sheet = load_sheet(slips(tmp_path, 6, {2}))
    hint = sheet_hint(sheet, CheckOptions())
    assert hint is not None and hint.unsearched == 0 and len(hint.localisations) == 1
    assert "g2." in hint_text(hint) and "other equally small explanation" in hint_text(hint)
