"""The documentation cannot drift: the rule-kinds page is generated, links resolve, and the
README's first check is the CLI's real output."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from missingstats.kinds.registry import KINDS
from missingstats.render import kinds_doc

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
README_LIMIT = 10_000  # characters: the README introduces; docs/ is the reference
PAGES = [README, *sorted(DOCS.glob("*.md"))]


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


# --- README size and links ---------------------------------------------------------------------


def test_readme_is_short():
    size = len(README.read_text(encoding="utf-8"))
    assert size <= README_LIMIT, (
        f"README.md has {size:,} characters (limit {README_LIMIT:,}); move reference text to docs/"
    )


def test_readme_links_every_docs_page():
    linked = {target.split("#")[0] for target in _links(README)}
    missing = [f"docs/{page.name}" for page in sorted(DOCS.glob("*.md"))
               if f"docs/{page.name}" not in linked]
    assert not missing, f"README.md does not link {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_and_anchors_resolve(page: Path):
    broken = []
    for target in _links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto: ...
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no file {file}")
        elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
            broken.append(f"{target}: no heading with anchor #{anchor} in {file.name}")
    assert not broken, f"{page.name}: " + "; ".join(broken)


def test_anchors_follow_github():
    text = "# A\n## Prose: `extract` and `check --text`\n## max_change\n## A\n```\n# not a heading\n```\n"
    page = Path("x.md")
    assert _anchors(page, text) == {"a", "prose-extract-and-check---text", "max_change", "a-1"}


def _outside_code(text: str) -> list[str]:
    """The lines of a Markdown text that are not inside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def _links(page: Path) -> list[str]:
    targets = []
    for line in _outside_code(page.read_text(encoding="utf-8")):
        line = re.sub(r"`[^`]*`", "", line)  # code spans are not links
        targets += re.findall(r"\[[^\]]*\]\(([^)\s]+)\)", line)
    return targets


def _anchors(page: Path, text: str | None = None) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1 -2
    for repeats."""
    text = page.read_text(encoding="utf-8") if text is None else text
    seen: dict[str, int] = {}
    out = set()
    for line in _outside_code(text):
        m = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


# --- the README's first check is the real output -----------------------------------------------


def test_readme_first_check_is_the_real_output(tmp_path: Path):
    """The README changes the 604 detained servicemen to 640 and shows `check --prose`:
    run exactly that and compare, so the README cannot drift from the CLI."""
    section = README.read_text(encoding="utf-8").split("## A first check", 1)[1]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    command, expected = block.split("\n", 1)
    assert command == "$ missingstats check letter.yaml --prose"

    letter = (ROOT / "data" / "letter.yaml").read_text(encoding="utf-8")
    assert letter.count("value: 604\n") == 1
    (tmp_path / "letter.yaml").write_text(letter.replace("value: 604\n", "value: 640\n"),
                                          encoding="utf-8")
    (tmp_path / "letter-2020-06-09.txt").write_bytes((ROOT / "data" / "letter-2020-06-09.txt").read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(NO_COLOR="1", COLUMNS="100")
    env.pop("FORCE_COLOR", None)
    done = subprocess.run([sys.executable, "-m", "missingstats", "check", "letter.yaml", "--prose"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    actual = "\n".join(line.rstrip() for line in done.stdout.splitlines())
    assert actual == expected.rstrip("\n"), (
        "README.md 'A first check' differs from the real output; paste this block:\n" + done.stdout
    )
