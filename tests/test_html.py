"""The HTML report: golden pages, self-containment, the part-whole pictures, and a real browser.

The browser test renders the page in headless Chromium (Debian's `chromium`, installed by
.ci/run) and reads back both the DOM and a screenshot: the failing rule, its figures and the
SVG picture must be in the rendered DOM, and the hatched red excess must show up in pixels.
It is skipped only where no Chromium binary exists.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missingstats import __version__
from missingstats.cli import app
from missingstats.kinds.check import relation_of
from missingstats.language import expr as ex
from missingstats.render import RenderContext, render
from missingstats.render.html import relation, svg_relation
from missingstats.render.report import relation_json

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "formats"
runner = CliRunner()


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")




def html_of_broken_letter() -> str:
    args = ["check", "letter.yaml", "--prose", "--format", "html", "--output", "report.html"]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    return Path("report.html").read_text(encoding="utf-8")


# --- golden pages ------------------------------------------------------------------------------


def test_fixed_report_golden(fixed_report):
    golden("report.html", render("html", fixed_report, RenderContext()))


def test_cli_broken_letter_golden(broken_letter):
    golden("letter-92.html", html_of_broken_letter().replace(__version__, "<VERSION>"))


def test_page_is_self_contained(broken_letter):
    page = html_of_broken_letter()
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", page)
    assert set(re.findall(r"url\(([^)]*)\)", page)) <= {f"#{i}" for i in re.findall(r'id="([^"]+)"', page)}
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace name, never fetched
    assert "default-src 'none'" in page


def test_page_shows_rules_figures_and_source_lines(broken_letter):
    page = html_of_broken_letter()
    assert '<span class="verdict failed">failed</span>' in page
    for text in ("detained-within-missing", "civilian-groups-overlap", "letter.yaml:62:16",
                 "letter.yaml:27:16", "difference: 21 (left side minus right side)",
                 '<span class="lineno">62 │ </span>value: 92</pre>',
                 "the part exceeds the total by 21", "the parts exceed the total by 35",
                 "most likely wrong: detained.civilians.children = 92"):
        assert text in page, text
    assert page.count('<svg class="relation"') == 2  # one per failing part-whole relation
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


# --- pictures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "parts", "total", "compare"),
    [
        ("a + b <= t", ["a", "b"], "t", "<="),
        ("t >= a + b", ["a", "b"], "t", "<="),
        ("t == a + b", ["a", "b"], "t", "=="),
        ("a + b == t", ["a", "b"], "t", "=="),
        ("sum(a, b) <= t", ["a", "b"], "t", "<="),
        ("a <= t", ["a"], "t", "<="),
        ("t <= a + b", ["a", "b"], "t", ">="),
    ],
)
def test_relation_reads_parts_and_total(expression, parts, total, compare):
    """The check kind reads the relation off the parsed check once; the page only reads it."""
    rel = relation_of(ex.parse_check(expression))
    assert (list(rel.parts), rel.whole, rel.compare) == (parts, total, compare)
    inst = {"expression": expression, "values": {"a": 5, "b": 7, "t": 10},
            "relation": relation_json(rel)}
    drawn = relation(inst)
    assert drawn["kind"] == "part-whole"
    assert [p for p, _ in drawn["parts"]] == parts and drawn["total"][0] == total


def test_relation_falls_back_to_sides_or_nothing():
    assert relation_json(relation_of(ex.parse_check("a <= t - b"))) == {"compare": "<="}
    sides = relation({"expression": "a <= t - b", "values": {"a": 5, "t": 10, "b": 7},
                      "lhs": 5, "rhs": 3, "relation": {"compare": "<="}})
    assert sides["kind"] == "sides" and sides["total"] == ("right side", 3.0)
    # no relation (prose, codes, each-part hierarchies): no picture, whatever the sides
    assert relation({"expression": "a matches the text", "values": {"a": 1}, "lhs": 1, "rhs": 2}) is None
    assert relation_of(ex.parse_check("a > 0 and b > 0")) is None
    assert relation_of(ex.parse_check("a <= b <= c")) is None
    unknown = {"compare": "<=", "parts": ["a", "b"], "whole": "t"}
    assert relation({"expression": "a + b <= t", "values": {"a": None, "b": 1, "t": 1},
                     "relation": unknown}) is None
    # the page never parses: an expression alone draws nothing
    assert relation({"expression": "a + b <= t", "values": {"a": 1, "b": 1, "t": 1}}) is None


def test_relation_of_interval_values_uses_the_stated_value():
    inst = {"expression": "a <= t", "values": {"a": {"lo": 800, "hi": None, "stated": 800}, "t": 604},
            "relation": {"compare": "<=", "parts": ["a"], "whole": "t"}}
    assert relation(inst)["parts"] == [("a", 800.0)]


def _rects(svg: str) -> dict[str, tuple[float, float]]:
    out = {}
    for cls, x, w in re.findall(r'<rect class="(\w+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg):
        out.setdefault(cls, (float(x), float(w)))
    return out


def test_excess_is_drawn_to_scale():
    svg = svg_relation({"parts": [("a", 92.0), ("b", 98.0), ("c", 112.0)], "total": ("t", 267.0),
                        "kind": "part-whole"}, "p1")
    rects = _rects(svg)
    total_x, total_w = rects["total"]
    excess_x, excess_w = rects["excess"]
    assert excess_x == pytest.approx(total_x + total_w, abs=0.2)
    assert excess_w / total_w == pytest.approx(35 / 267, rel=0.02)
    assert "shortfall" not in rects and "the parts exceed the total by 35" in svg
    assert 'url(#p1-h)' in svg and 'id="p1-h"' in svg


def test_shortfall_is_dashed():
    svg = svg_relation({"parts": [("a", 40.0), ("b", 50.0)], "total": ("t", 100.0),
                        "kind": "part-whole"}, "p2")
    rects = _rects(svg)
    assert "excess" not in rects and "shortfall" in rects
    assert "the parts fall 10 short of the total" in svg


# --- a real browser ----------------------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium here (CI installs Debian's chromium)")


def _run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
           f"--user-data-dir={tmp_path / 'chromium-profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=False, timeout=120, check=False)


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB(A) PNG (what Chromium writes) into rows of pixel bytes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for r in range(height):
        filt, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if filt == 1:
                line[i] = (line[i] + a) & 255
            elif filt == 2:
                line[i] = (line[i] + b) & 255
            elif filt == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, bpp, rows


def test_chromium_renders_text_and_pictures(broken_letter, tmp_path):
    html_of_broken_letter()
    url = (tmp_path / "report.html").as_uri()
    dom = _run_chromium(tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = dom.stdout.decode("utf-8")
    assert "detained-within-missing" in page and "letter.yaml:62:16" in page
    assert page.count("<svg") >= 2 and 'class="excess"' in page
    assert "the parts exceed the total by 35" in page

    shot = tmp_path / "report.png"
    result = _run_chromium(tmp_path, "--hide-scrollbars", "--window-size=1000,2400",
                           f"--screenshot={shot}", url)
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    width, bpp, rows = _png_pixels(shot.read_bytes())
    red = 0
    for row in rows[::2]:
        for i in range(0, width * bpp, bpp * 2):
            r, g, b = row[i], row[i + 1], row[i + 2]
            red += r > 190 and g < 80 and b < 70  # the hatched excess, #d92d20
    assert red > 50, "the excess over the total is not visible in the screenshot"


def test_table_hierarchies_get_pictures_and_csv_rows(monkeypatch):
    folder = ROOT / "tests" / "fixtures" / "tables"
    if not (folder / "regions.yaml").is_file():
        pytest.skip("the table fixtures are not here")
    monkeypatch.chdir(folder)
    rep = json.loads(runner.invoke(app, ["check", "regions.yaml", "--format", "json"]).stdout)
    page = render("html", rep, RenderContext())
    hierarchy = next(r for r in rep["results"] if r["rule"] == "sex-hierarchy")["failures"][0]
    rel = relation(hierarchy)
    assert rel["kind"] == "part-whole" and [p for p, _ in rel["parts"]] == ["female", "male"]
    assert page.count('<svg class="relation"') == sum(r["status"] == "fail" for r in rep["results"])
    assert '<span class="lineno">23 │ </span>N1,2020,total,25</pre>' in page


def test_a_tiny_gap_is_still_visible():
    svg = svg_relation({"parts": [("a", 3000.0), ("b", 890.0)], "total": ("t", 3889.0),
                        "kind": "part-whole"}, "p3")
    assert _rects(svg)["excess"][1] >= 6
