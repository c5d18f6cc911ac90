"""The documentation cannot drift: the rule-kinds page is generated, links resolve, and the
README's first check is the CLI's real output."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from missingstats.kinds.registry import KINDS
from missingstats.render import kinds_doc

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


# --- docs/rule-kinds.md ------------------------------------------------------------------------


def test_rule_kinds_page_is_the_generated_one():
    committed = (DOCS / "rule-kinds.md").read_text(encoding="utf-8")
    assert committed == kinds_doc.markdown(), (
        "docs/rule-kinds.md is stale (a kind's docstring changed); regenerate it with:\n"
        f"    {kinds_doc.REGENERATE}"
    )


def test_every_kind_has_a_section_in_registry_order():
    page = kinds_doc.markdown()
    headings = re.findall(r"^## (\S+)$", page, flags=re.M)
    assert headings == list(KINDS)
    for kind in KINDS.values():
        section = page.split(f"\n## {kind.id}\n", 1)[1].split("\n## ", 1)[0]
        for key in kind.keys:
            assert f"`{key}`" in section.splitlines()[1], (kind.id, key)


@pytest.mark.parametrize("kind_id", list(KINDS))
def test_every_kind_docstring_says_what_passes_and_what_fails(kind_id: str):
    doc = inspect.cleandoc(KINDS[kind_id].load().__doc__ or "")
    assert doc.split(":", 1)[0].split(",")[0].strip() == kind_id, "first line: '<kind>: what it checks'"
    assert "Passes" in doc and "Fails" in doc, f"{kind_id}: give a passing and a failing example"
    assert "```" in kinds_doc.markdown().split(f"\n## {kind_id}\n", 1)[1].split("\n## ", 1)[0]


def test_indented_examples_become_fenced_blocks():
    lines = ["Some text:", "", "    rules:", "      - id: x", "", "        check: a <= b", "",
             "More text.", "", "    FAIL x (error) s.yaml  1 of 1 failed", "      a <= b"]
    assert kinds_doc._blocks(lines) == [
        "Some text:", "", "```yaml", "rules:", "  - id: x", "", "    check: a <= b", "```", "",
        "More text.", "", "```text", "FAIL x (error) s.yaml  1 of 1 failed", "  a <= b", "```",
    ]


def test_continuation_lines_stay_text():
    lines = ["- `a`: one", "  two", "", "plain"]
    assert kinds_doc._blocks(lines) == lines


def test_main_prints_or_writes_atomically(tmp_path: Path, capsys: pytest.CaptureFixture):
    assert kinds_doc.main([]) == 0
    assert capsys.readouterr().out == kinds_doc.markdown()
    target = tmp_path / "rule-kinds.md"
    target.write_text("old", encoding="utf-8")
    assert kinds_doc.main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == kinds_doc.markdown()
    assert [p.name for p in tmp_path.iterdir()] == ["rule-kinds.md"]  # no temporary file left
    assert kinds_doc.main(["a.md", "b.md"]) == 2
