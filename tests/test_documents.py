"""Documents as they are published: PDF, web pages and Word files, read by `extract` and
`check --text`. Every file here is made by a real tool while the test runs: reportlab
writes PDFs, Chromium prints the founding letter (slow), python-docx writes Word files;
web pages are written as the HTML text a server would send.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.core.errors import InputError
from missingstats.inputs.documents import document, readers
from missingstats.inputs.documents.extract import counts, extract

pytest.importorskip("pdfplumber", reason="the 'pdf' extra is not installed")
pytest.importorskip("reportlab", reason="reportlab (test extra) writes the PDFs")
pytest.importorskip("docx", reason="the 'docx' extra is not installed")
pytest.importorskip("lxml", reason="the 'html' extra is not installed")

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "data" / "letter-2020-06-09.txt"
SHEET = ROOT / "data" / "letter.yaml"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


# --- writers: real files from real tools ---------------------------------------------------


def letter_pdf(path: Path, text: str | None = None, lines_per_page: int = 60) -> Path:
    """The letter's lines as typed (Courier keeps its indents), over several pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    lines = (text if text is not None else LETTER.read_text(encoding="utf-8")).split("\n")
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("Letter dated 9 June 2020")
    for start in range(0, len(lines), lines_per_page):
        c.setFont("Courier", 8.5)
        y = A4[1] - 40
        for line in lines[start:start + lines_per_page]:
            c.drawString(30, y, line)
            y -= 12.5
        c.drawString(A4[0] / 2, 20, str(start // lines_per_page + 1))  # the page number
        c.showPage()
    c.save()
    return path


def paragraphs_pdf(path: Path, paragraphs: list[str], columns: int = 1,
                   interleaved: bool = False, lang: str | None = None) -> Path:
    """Paragraphs set in one or two columns; `interleaved` draws the two columns line by line
    across the page, so the content stream does not follow the reading order."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    width, height = A4
    margin, gap = 50, 24
    col = (width - 2 * margin - gap * (columns - 1)) / columns
    lines: list[str] = []
    for p in paragraphs:
        lines += simpleSplit(p, "Helvetica", 10, col) + [""]
    per = int((height - 2 * margin) / 13)
    c = canvas.Canvas(str(path), pagesize=A4, lang=lang)
    for start in range(0, len(lines), per * columns):
        page = lines[start:start + per * columns]
        blocks = [page[i * per:(i + 1) * per] for i in range(columns)]
        c.setFont("Helvetica", 10)
        order = [(r, k) for r in range(per) for k in range(columns)] if interleaved else \
            [(r, k) for k in range(columns) for r in range(per)]
        for r, k in order:
            if r < len(blocks[k]):
                c.drawString(margin + k * (col + gap), height - margin - 13 * r, blocks[k][r])
        c.showPage()
    c.save()
    return path


def table_pdf(path: Path, rows: list[list[str]], intro: str = "") -> Path:
    """A ruled table long enough to run over pages, its header repeated on each."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    doc = SimpleDocTemplate(str(path), pagesize=A4)
    table = Table(rows, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [Paragraph(intro, getSampleStyleSheet()["BodyText"])] if intro else []
    doc.build(story + [table])
    return path


def word_file(path: Path, paragraphs: list[str], table: list[list[str]] | None = None,
              language: str | None = None) -> Path:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for k, cell in enumerate(row):
                t.cell(r, k).text = cell
    if language:
        d.core_properties.language = language
    d.save(str(path))
    return path


PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Statement</title>
<style>.total::after {{ content: "999 persons" }}</style>
<script>var counted = 5555; document.title = "4444 missing";</script></head>
<body>
<div class="cookie-banner">We use 3 cookies. <button>Accept</button></div>
<header><nav><a href="/">Home</a> <a href="/r">Reports 2023</a> <a href="/o">Our 12 offices</a>
<a href="/c">Contact</a></nav></header>
<main><article>
<h1>Statement on missing persons</h1>
{body}
</article>
<aside><h3>Related</h3><ul><li><a href="/1">77 stories</a></li><li><a href="/2">88 more</a></li>
<li><a href="/3">Archive</a></li></ul></aside></main>
<footer><p>© 2024 The Commission, 500 Main Street. Tel. 1234 5678</p></footer>
<script src="/x.js"></script>
</body></html>
"""


def web_page(path: Path, body: str, lang: str = "en") -> Path:
    path.write_text(PAGE.format(lang=lang, body=body), encoding="utf-8")
    return path


def chromium_pdf(tmp_path: Path, html: Path, out: Path) -> Path:
    exe = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(n)), None)
    if exe is None:
        pytest.skip("no Chromium here (CI installs Debian's chromium)")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
           "--disable-background-networking", "--disable-component-update", "--no-first-run",
           "--disable-extensions", f"--user-data-dir={tmp_path / 'profile'}",
           f"--print-to-pdf={out}", html.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    if not out.exists():
        pytest.skip("Chromium did not print here")
    return out


def letter_html(path: Path, text: str) -> Path:
    import html

    path.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body>'
                    '<pre style="font: 11px monospace; white-space: pre-wrap">'
                    f"{html.escape(text)}</pre></body></html>", encoding="utf-8")
    return path


def _summary(mentions):
    return [(" ".join(m.text.split()), m.value, m.qualifier, m.head, m.status)
            for m in counts(mentions)]


# --- the founding letter as a PDF --------------------------------------------------------------


@pytest.fixture(scope="module")
def letter_text_counts():
    return _summary(extract(document.read(LETTER)))


@pytest.fixture(scope="module")
def pdf_letter(tmp_path_factory) -> Path:
    return letter_pdf(tmp_path_factory.mktemp("pdf") / "letter.pdf")


def test_letter_pdf_gives_the_counts_of_its_text_each_with_its_page(pdf_letter, letter_text_counts):
    doc = readers.read(pdf_letter)
    assert doc.kind == "pdf" and doc.pages is not None
    found = counts(extract(doc))
    assert _summary(found) == letter_text_counts
    assert all(m.page is not None for m in found)
    assert len({m.page for m in found}) >= 2  # the counts are spread over pages
    first = next(m for m in found if m.text == "3,889")
    # the letter's line 128 is on page 3 at 60 lines a page (blank lines among them): the
    # 4th line of text there, column as typed
    assert (first.page, first.line, first.column) == (3, 4, 31)
    assert first.at == "3:4"


def test_check_letter_against_its_pdf_passes(pdf_letter):
    result = run("check", str(SHEET), "--text", str(pdf_letter), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    prose = report["prose"][0]
    assert (prose["quoted_figures"], prose["counts_in_text"], prose["failed"]) == (11, 17, 0)


def test_check_fails_on_a_pdf_where_3889_became_3898(tmp_path):
    text = LETTER.read_text(encoding="utf-8").replace("2020, 3,889 citizens", "2020, 3,898 citizens")
    pdf = letter_pdf(tmp_path / "changed.pdf", text)
    result = run("check", str(SHEET), "--text", str(pdf))
    assert result.exit_code == 1, result.output
    assert 'the text says "3,898" where the sheet has 3,889: value differs' in result.stdout
    assert "changed.pdf:4:31 (page 3)" in result.stdout


@pytest.mark.slow
def test_letter_printed_by_chromium(tmp_path, letter_text_counts):
    text = LETTER.read_text(encoding="utf-8")
    pdf = chromium_pdf(tmp_path, letter_html(tmp_path / "l.html", text), tmp_path / "letter.pdf")
    doc = readers.read(pdf)
    assert doc.language == "en"
    found = counts(extract(doc))
    assert _summary(found) == letter_text_counts
    assert all(m.page for m in found) and max(m.page for m in found) >= 2
    assert run("check", str(SHEET), "--text", str(pdf)).exit_code == 0
    changed = text.replace("2020, 3,889 citizens", "2020, 3,898 citizens")
    bad = chromium_pdf(tmp_path, letter_html(tmp_path / "c.html", changed), tmp_path / "bad.pdf")
    result = run("check", str(SHEET), "--text", str(bad))
    assert result.exit_code == 1 and "3,898" in result.stdout


def test_draft_from_a_pdf_points_at_pages_and_checks_against_it(pdf_letter, tmp_path):
    draft = tmp_path / "draft.yaml"
    result = run("extract", str(pdf_letter), "-o", str(draft))
    assert result.exit_code == 0, result.output
    text = draft.read_text(encoding="utf-8")
    assert 'text_line: "3:4"' in text and "# page 3, line 4:" in text
    assert "settings:" not in text  # English needs no setting
    check = run("check", str(draft), "--prose", "--format", "json")
    assert check.exit_code == 0, check.output
    prose = json.loads(check.stdout)["prose"][0]
    assert prose["quoted_figures"] == 17 and prose["failed"] == 0
    assert "text_line is" not in check.stdout  # every page:line is where the number is


def test_text_line_page_line_picks_the_number_on_that_page(tmp_path):
    pdf = paragraphs_pdf(tmp_path / "t.pdf", ["In all, 40 persons are missing."] * 3)
    sheet = tmp_path / "s.yaml"
    sheet.write_text(f"text: {pdf.name}\nfigures:\n  missing:\n    value: 40\n"
                     "    quote: In all, 40 persons are missing.\n    text_line: \"1:9\"\n",
                     encoding="utf-8")
    result = run("check", str(sheet), "--prose", "--format", "json")
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout).get("notes", [])
    assert any("text_line is 1:9 but the number is on line 1:1" in json.dumps(n) for n in notes)


# --- reading order and columns -----------------------------------------------------------------

PARAGRAPHS = [
    f"Paragraph {i}: the commission registered {100 + i} missing persons in the district, and "
    f"the families of {200 + i} of them gave samples for identification by the laboratory."
    for i in range(12)
]


@pytest.mark.parametrize("interleaved", [False, True])
def test_two_columns_read_column_by_column(tmp_path, interleaved):
    pdf = paragraphs_pdf(tmp_path / "two.pdf", PARAGRAPHS, columns=2, interleaved=interleaved)
    doc = readers.read(pdf)
    text = " ".join(" ".join(p.text for p in doc.paragraphs).split())
    positions = [text.find(" ".join(p.split())) for p in PARAGRAPHS]
    assert all(p >= 0 for p in positions), "every paragraph reads whole"
    assert positions == sorted(positions), "in reading order"
    values = [m.value for m in counts(extract(doc))]
    assert values == [v for i in range(12) for v in (100 + i, 200 + i)]


# --- tables ---------------------------------------------------------------------------------


def test_pdf_table_over_pages_is_joined_and_its_spec_checks(tmp_path):
    rows = [["Region", "Women", "Men", "Total"]]
    rows += [[f"R{i:02d}", f"{1000 + i:,}", f"{2000 + i:,}", f"{3000 + 2 * i:,}"] for i in range(70)]
    pdf = table_pdf(tmp_path / "regions.pdf", rows, "Missing persons by region.")
    doc = readers.read(pdf)
    assert len(doc.tables) == 1 and doc.tables[0].page == 1 and doc.tables[0].last_page >= 2
    assert len(doc.tables[0].rows) == 71  # one header, the repeats dropped
    out = tmp_path / "tables"
    result = run("extract", str(pdf), "--tables", str(out))
    assert result.exit_code == 0, result.output
    csv_text = (out / "regions-table-01.csv").read_text(encoding="utf-8").splitlines()
    assert csv_text[0] == "Region,Women,Men,Total" and csv_text[1] == "R00,1000,2000,3000"
    spec = out / "regions-table-01.yaml"
    text = spec.read_text(encoding="utf-8")
    assert "dimension: column" in text and "# hierarchies:" in text
    # name the dimension and give its hierarchy, as the comment says
    named = text.replace("dimension: column", "dimension: sex").replace(
        "# hierarchies:\n#   column:", "hierarchies:\n  sex:")
    spec.write_text(named, encoding="utf-8")
    assert run("check", str(spec)).exit_code == 0
    rows[5][3] = "9,999"
    bad = table_pdf(tmp_path / "bad.pdf", rows)
    assert run("extract", str(bad), "--tables", str(out)).exit_code == 0
    (out / "bad-table-01.yaml").write_text(named.replace("regions-table-01", "bad-table-01"),
                                           encoding="utf-8")
    assert run("check", str(out / "bad-table-01.yaml")).exit_code == 1


def test_tables_do_not_overwrite_without_force(tmp_path):
    page = web_page(tmp_path / "p.html", "<table><tr><th>Year</th><th>Missing</th></tr>"
                    "<tr><td>2020</td><td>1,204</td></tr></table>")
    out = tmp_path / "t"
    assert run("extract", str(page), "--tables", str(out)).exit_code == 0
    again = run("extract", str(page), "--tables", str(out))
    assert again.exit_code == 2 and "exists already" in again.output
    assert run("extract", str(page), "--tables", str(out), "--force").exit_code == 0
    spec = (out / "p-table-01.yaml").read_text(encoding="utf-8")
    assert 'measure: {missing: "Missing"}' in spec and 'dimensions: {year: "Year"}' in spec
    assert run("check", str(out / "p-table-01.yaml")).exit_code == 0


# --- web pages ----------------------------------------------------------------------------------


def test_web_page_main_text_only(tmp_path):
    page = web_page(tmp_path / "s.html", "<p>As at 1 January 2024, 3,889 persons were missing, "
                    "including 719 civilians.</p><p>At least 871 were taken <b>hostage</b>.</p>")
    doc = readers.read(page)
    assert doc.kind == "html" and doc.language == "en"
    text = "\n".join(doc.raw_lines)
    for furniture in ("5555", "4444", "999", "cookies", "offices", "77 stories", "500 Main",
                      "Reports 2023"):
        assert furniture not in text
    got = [(m.value, m.line, m.column) for m in counts(extract(doc))]
    line = doc.raw_lines[2]
    assert line.startswith("As at 1 January 2024, 3,889 persons")
    assert got == [(3889, 3, line.index("3,889") + 1), (719, 3, line.index("719") + 1),
                   (871, 5, 10)]


def test_letter_pasted_into_a_web_page_keeps_its_lines(tmp_path, letter_text_counts):
    page = letter_html(tmp_path / "letter.html", LETTER.read_text(encoding="utf-8"))
    found = counts(extract(readers.read(page)))
    assert _summary(found) == letter_text_counts
    text = counts(extract(document.read(LETTER)))
    assert [(m.line, m.column) for m in found] == [(m.line, m.column) for m in text]
    result = run("check", str(SHEET), "--text", str(page))
    assert result.exit_code == 0 and "note:" not in result.stdout  # text_line agrees too


def test_spanish_web_table_counts_as_digits(tmp_path):
    page = web_page(tmp_path / "t.html", "<table><thead><tr><th>Estado</th><th>Mujeres</th>"
                    "<th>Hombres</th><th>Total</th></tr></thead><tbody>"
                    "<tr><td>Jalisco</td><td>1.204</td><td>3.115</td><td>4.319</td></tr>"
                    "<tr><td>Tamaulipas</td><td>987</td><td>2.301</td><td>3.288</td></tr>"
                    "</tbody></table>", "es")
    out = tmp_path / "t"
    assert run("extract", str(page), "--tables", str(out)).exit_code == 0
    assert (out / "t-table-01.csv").read_text(encoding="utf-8").splitlines() == [
        "Estado,Mujeres,Hombres,Total", "Jalisco,1204,3115,4319", "Tamaulipas,987,2301,3288"]
    spec = out / "t-table-01.yaml"
    named = spec.read_text(encoding="utf-8").replace("dimension: column", "dimension: sexo").replace(
        "# hierarchies:\n#   column:", "hierarchies:\n  sexo:")
    spec.write_text(named, encoding="utf-8")
    assert run("check", str(spec)).exit_code == 0


def test_web_page_in_spanish_by_its_lang(tmp_path):
    page = web_page(tmp_path / "es.html", "<p>Se registraron 3.889 personas desaparecidas, entre "
                    "ellas 719 civiles.</p><p>Más de 1.200 familias esperan respuesta.</p>", "es-MX")
    result = run("extract", str(page), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # es-MX groups with commas (CLDR): "3.889" is not a count there, "Más de" still reads
    assert report["language"] == "es_MX"
    spanish = json.loads(run("extract", str(page), "--format", "json", "--lang", "es").stdout)
    values = [(m["value"], m["qualifier"]) for m in spanish["mentions"] if m["kind"] == "count"]
    assert values == [(3889, None), (719, None), (1200, "more than")]


# --- Word ---------------------------------------------------------------------------------------


def test_word_file_in_french(tmp_path):
    path = word_file(tmp_path / "r.docx", [
        "Rapport annuel",
        "Au 1er janvier 2024, 3\u202f889 personnes étaient portées disparues, dont 719 civils.",
        "Parmi eux, 71 sont des enfants. Plus de 1\u00a0000 familles attendent.",
    ], table=[["Année", "Disparus"], ["2022", "3\u202f100"], ["2023", "3\u202f889"]], language="fr-FR")
    doc = readers.read(path)
    assert doc.kind == "docx" and doc.language == "fr-FR" and len(doc.tables) == 1
    got = [(m.value, m.qualifier, m.head) for m in counts(extract(doc))]
    assert got[:4] == [(3889, None, "missing"), (719, None, "civilians"), (71, None, "children"),
                       (1000, "more than", "families")]
    sheet = tmp_path / "s.yaml"
    sheet.write_text(
        "text: r.docx\nfigures:\n  missing:\n    total:\n      value: 3889\n      quote: "
        "\"3 889 personnes étaient portées disparues\"\n    civilians: 719\n", encoding="utf-8")
    result = run("check", str(sheet), "--prose")
    assert result.exit_code == 0, result.output
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("3889", "3898"), encoding="utf-8")
    assert run("check", str(sheet), "--prose").exit_code == 1


# --- hostile input ------------------------------------------------------------------------------


def _error(path: Path, *extra: str) -> str:
    result = run("extract", str(path), *extra)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def test_truncated_pdf(pdf_letter, tmp_path):
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(pdf_letter.read_bytes()[:1500])
    assert "cut.pdf" in _error(cut)


def test_pdf_without_text_layer_says_so(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(2):
        c.rect(50, 50, 400, 600, fill=1)  # an image of a page, no text
        c.showPage()
    c.save()
    out = _error(path)
    assert "has no text layer" in out and "does not run OCR" in out


def test_encrypted_pdf(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(50, 700, "3,889 persons are missing.")
    c.save()
    out = _error(path)
    assert "locked.pdf" in out and "password" in out
    # encrypted for permissions only (empty user password): read as usual
    open_path = tmp_path / "open.pdf"
    c = canvas.Canvas(str(open_path), encrypt=pdfencrypt.StandardEncryption("", "owner", canPrint=0))
    c.drawString(50, 700, "3,889 persons are missing.")
    c.save()
    assert [m.value for m in counts(extract(readers.read(open_path)))] == [3889]


def test_zip_bomb_docx(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (50 * 2**20) + b"</w:document>")
    assert "zip bomb" in _error(path)


def test_docx_that_is_not_a_zip_and_old_doc(tmp_path):
    (tmp_path / "a.docx").write_text("hello", encoding="utf-8")
    assert "not a zip archive" in _error(tmp_path / "a.docx")
    (tmp_path / "b.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert "save it as .docx" in _error(tmp_path / "b.doc")
    z = tmp_path / "c.docx"
    with zipfile.ZipFile(z, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "without word/document.xml" in _error(z)


def test_deeply_nested_html(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 100_000 + "<p>3,889 missing persons</p>"
                    + "</div>" * 100_000 + "</body></html>", encoding="utf-8")
    out = _error(page)
    assert "deep.html:1:" in out and "nested deeper than 256" in out


def test_wrong_extensions(pdf_letter, tmp_path):
    renamed = tmp_path / "letter.txt"
    renamed.write_bytes(pdf_letter.read_bytes())  # a PDF by any name is read as a PDF
    assert readers.read(renamed).kind == "pdf"
    fake = tmp_path / "fake.pdf"
    fake.write_text("3,889 persons are missing.", encoding="utf-8")
    assert "is not a PDF" in _error(fake)
    (tmp_path / "empty.pdf").write_bytes(b"")
    assert "is not a PDF" in _error(tmp_path / "empty.pdf")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_without_a_writer_is_not_waited_on(tmp_path, monkeypatch):
    """A pipe is read as text by the bounded reader: with nobody writing, a located error
    after the read timeout, never a hang."""
    monkeypatch.setenv("MISSINGSTATS_READ_TIMEOUT", "1")
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    assert "nothing to read after 1 s" in _error(fifo)


def test_missing_extra_is_a_clear_message(pdf_letter, monkeypatch):
    monkeypatch.setitem(sys.modules, "pdfplumber", None)  # import pdfplumber now fails
    out = _error(pdf_letter)
    assert "pip install 'missingstats[pdf]'" in out


def test_check_on_a_sheet_imports_no_reader():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom missingstats.cli import app\n"
            f"r = CliRunner().invoke(app, ['check', {str(SHEET)!r}])\nassert r.exit_code == 0\n"
            "heavy = [m for m in ('pdfplumber', 'pdfminer', 'lxml', 'docx', 'babel', 'text_to_num',"
            " 'number_parser') if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_bad_text_line_and_language_are_located(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text("figures:\n  a:\n    value: 1\n    text_line: 3:x\n", encoding="utf-8")
    result = run("check", str(sheet))
    assert result.exit_code == 2 and "s.yaml:4:16" in result.output and "page:line" in result.output
    sheet.write_text("settings: {language: tr}\nfigures:\n  a: 1\n", encoding="utf-8")
    result = run("check", str(sheet))
    assert result.exit_code == 2 and "s.yaml:1:22" in result.output
    assert "unknown language 'tr'" in result.output


def test_show_text_numbers_lines_by_page(pdf_letter):
    result = run("extract", str(pdf_letter), "--show-text")
    assert result.exit_code == 0
    assert "3:4 |  As at the beginning of 2020, 3,889 citizens" in result.stdout


# --- properties ---------------------------------------------------------------------------------

WORD = st.sampled_from(["the", "report", "said", "families", "waited", "long", "commission",
                        "new", "records", "were", "kept"])
SENTENCE = st.tuples(st.lists(WORD, min_size=2, max_size=6), st.integers(10, 99_999),
                     st.lists(WORD, min_size=1, max_size=4))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(SENTENCE, min_size=1, max_size=40))
def test_every_number_of_a_pdf_is_found_with_its_page(tmp_path, sentences):
    paragraphs = [f"{' '.join(a).capitalize()} {n:,} missing persons {' '.join(b)}."
                  for a, n, b in sentences]
    pdf = paragraphs_pdf(tmp_path / "p.pdf", paragraphs)
    found = counts(extract(readers.read(pdf)))
    assert [m.value for m in found] == [n for _, n, _ in sentences]
    assert all(m.page is not None and m.page >= 1 for m in found)
    assert [m.page for m in found] == sorted(m.page for m in found)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 200), st.integers(1, 99_999), st.sampled_from(["div", "span", "section", "b"]))
def test_html_nesting_does_not_lose_the_text(tmp_path, depth, n, tag):
    body = f"<{tag}>" * depth + f"<p>Records show {n:,} missing persons.</p>" + f"</{tag}>" * depth
    page = web_page(tmp_path / "n.html", body)
    assert [m.value for m in counts(extract(readers.read(page)))] == [n]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.lists(WORD, min_size=1, max_size=5), st.integers(2, 50_000)),
                min_size=1, max_size=10))
def test_word_paragraphs_are_lines_of_their_own(tmp_path, items):
    paragraphs = [f"{' '.join(w).capitalize()} {n} persons are missing." for w, n in items]
    doc = readers.read(word_file(tmp_path / "w.docx", paragraphs))
    assert [ln for ln in doc.raw_lines if ln] == paragraphs
    found = counts(extract(doc))
    assert [(m.value, m.line) for m in found] == [(n, 2 * i + 1) for i, (_, n) in enumerate(items)]


def test_reader_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError):
        readers.read(tmp_path / "nothing.pdf")
