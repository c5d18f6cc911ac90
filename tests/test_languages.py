"""Counts in Spanish, French and Russian: CLDR number formats (Babel), qualifiers, number
words (text2num, number-parser) and the context vocabulary, read from real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from missingstats.cli import app
from missingstats.core.errors import InputError
from missingstats.inputs.documents import codes, document
from missingstats.inputs.documents.extract import counts, extract, profile
from missingstats.language import bounds

babel = pytest.importorskip("babel", reason="the 'languages' extra is not installed")
pytest.importorskip("text_to_num", reason="the 'languages' extra is not installed")
pytest.importorskip("number_parser", reason="the 'languages' extra is not installed")


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def found(text: str, lang: str):
    return [(" ".join(m.text.split()), m.value, m.lo, m.hi, m.qualifier, m.head, m.status)
            for m in counts(extract(document.parse(text), lang))]


INF = float("inf")

SPANISH = (
    "Al 31 de diciembre de 2023 se registraron 3.889 personas desaparecidas, entre ellas 719 "
    "civiles. Entre los civiles, 71 son niños, 267 son mujeres y 326 son personas mayores. "
    "Al menos 871 personas fueron tomadas como rehenes, incluidos 604 militares. Más de 1.200 "
    "familias esperan. Cerca de 15 000 expedientes siguen abiertos y unos 2,5 millones de "
    "personas fueron desplazadas. Decenas de miles de personas murieron. La Asamblea aprobó "
    "ocho resoluciones (artículo 12 de la ley 5) y tres mil ochocientos ochenta y nueve "
    "personas siguen desaparecidas."
)


def test_spanish_counts():
    assert found(SPANISH, "es") == [
        ("3.889", 3889, 3889, 3889, None, "missing", "missing"),
        ("719", 719, 719, 719, None, "civilians", "missing"),
        ("71", 71, 71, 71, None, "children", "missing"),
        ("267", 267, 267, 267, None, "women", "missing"),
        ("326", 326, 326, 326, None, "older persons", "missing"),
        ("Al menos 871", 871, 871, INF, "at least", "hostages", "detained"),
        ("604", 604, 604, 604, None, "servicemen", "detained"),
        ("Más de 1.200", 1200, 1201, INF, "more than", "families", "detained"),
        ("Cerca de 15 000", 15000, 13500, 16500, "about", "expedientes", "displaced"),
        ("unos 2,5 millones", 2_500_000, 2_250_000, 2_750_000, "about", "displaced", "displaced"),
        ("Decenas de miles", None, 20_000, 99_999, "tens of thousands", "killed", "killed"),
        ("ocho", 8, 8, 8, None, "resoluciones", "missing"),
        ("tres mil ochocientos ochenta y nueve", 3889, 3889, 3889, None, "missing", "missing"),
    ]


def test_spanish_is_not_english():
    # read as English, "3.889" is three point eight: a measure, never the count 3889
    assert all(v != 3889 for _, v, *_ in found("Se registraron 3.889 personas.", "en"))


def test_mexican_spanish_groups_with_commas():
    got = found("Se registraron 3,889 personas desaparecidas y 2.5 millones de desplazados.", "es-MX")
    assert [(t, v) for t, v, *_ in got] == [("3,889", 3889), ("2.5 millones", 2_500_000)]


FRENCH = (
    "Au 1er janvier 2024, le Comité a enregistré 3\u202f889 personnes disparues, dont 719 civils. "
    "Parmi eux, 71 sont des enfants et 267 sont des femmes. Plus de 1\u00a0000 familles attendent. "
    "Au moins 871 otages sont détenus. Environ 2,5 millions de personnes ont été déplacées. "
    "Près de 300 militaires sont portés disparus. Des dizaines de milliers de personnes sont "
    "mortes. Huit résolutions et quatre-vingt-onze enfants. 12 000 cas et 4\u2009500 familles."
)


def test_french_counts():
    assert found(FRENCH, "fr") == [
        ("3 889", 3889, 3889, 3889, None, "missing", "missing"),  # a narrow no-break space
        ("719", 719, 719, 719, None, "civilians", "missing"),
        ("71", 71, 71, 71, None, "children", "missing"),
        ("267", 267, 267, 267, None, "women", "missing"),
        ("Plus de 1 000", 1000, 1001, INF, "more than", "families", "missing"),
        ("Au moins 871", 871, 871, INF, "at least", "hostages", "detained"),
        ("Environ 2,5 millions", 2_500_000, 2_250_000, 2_750_000, "about", "displaced", "displaced"),
        ("Près de 300", 300, 270, 330, "about", "servicemen", "missing"),
        ("Des dizaines de milliers", None, 20_000, 99_999, "tens of thousands", "killed", "killed"),
        ("Huit", 8, 8, 8, None, "résolutions", "killed"),
        ("quatre-vingt-onze", 91, 91, 91, None, "children", "killed"),
        ("12 000", 12_000, 12_000, 12_000, None, "cases", "killed"),
        ("4 500", 4500, 4500, 4500, None, "families", "killed"),  # a thin space
    ]


RUSSIAN = (
    "По состоянию на 1 января 2020 года 3 889 граждан числятся пропавшими без вести, в том "
    "числе 719 мирных жителей. Из них 71 ребёнок, 267 женщин и 326 пожилых людей. Не менее "
    "871 человека были взяты в заложники. Более 1 миллиона человек стали беженцами. Около 300 "
    "военнослужащих погибли. Десятки тысяч человек погибли. Восемь резолюций и трёх тысяч "
    "восьмисот восьмидесяти девяти пропавших без вести."
)


def test_russian_counts():
    assert found(RUSSIAN, "ru") == [
        ("3 889", 3889, 3889, 3889, None, "missing", "missing"),
        ("719", 719, 719, 719, None, "civilians", "missing"),
        ("71", 71, 71, 71, None, "children", "missing"),
        ("267", 267, 267, 267, None, "women", "missing"),
        ("326", 326, 326, 326, None, "older persons", "missing"),
        ("Не менее 871", 871, 871, INF, "at least", "hostages", "detained"),
        ("Более 1 миллиона", 1_000_000, 1_000_001, INF, "more than", "displaced", "displaced"),
        ("Около 300", 300, 270, 330, "about", "servicemen", "killed"),
        ("Десятки тысяч", None, 20_000, 99_999, "tens of thousands", "killed", "killed"),
        ("Восемь", 8, 8, 8, None, "резолюций", "missing"),
        ("трёх тысяч восьмисот восьмидесяти девяти", 3889, 3889, 3889, None, "missing", "missing"),
    ]


def test_dates_and_references_are_not_counts():
    for text, lang in (("El 9 de junio de 2020 y el artículo 12.", "es"),
                       ("Le 9 juin 2020, la résolution 2474 et l'article 12.", "fr"),
                       ("9 июня 2020 г. резолюция 2474, статья 12.", "ru")):
        assert found(text, lang) == [], (lang, found(text, lang))


# --- sheets in other languages --------------------------------------------------------------


def _sheet(tmp_path: Path, value: int, language: str | None = "es") -> Path:
    (tmp_path / "informe.txt").write_text(SPANISH, encoding="utf-8")
    settings_line = f"settings: {{language: {language}}}\n" if language else ""
    path = tmp_path / "s.yaml"
    path.write_text(
        f"text: informe.txt\n{settings_line}figures:\n  missing:\n    total:\n"
        f"      value: {value}\n      quote: se registraron 3.889 personas desaparecidas\n"
        "    civilians:\n      total: 719\n      children: {value: 71, quote: \"71 son niños\"}\n"
        "  detained:\n    total: {value: 871, qualifier: at least, quote: Al menos 871 personas}\n",
        encoding="utf-8")
    return path


def test_spanish_sheet_checks_against_its_text(tmp_path):
    result = run("check", str(_sheet(tmp_path, 3889)), "--prose", "--format", "json")
    assert result.exit_code == 0, result.output
    prose = json.loads(result.stdout)["prose"][0]
    assert prose["quoted_figures"] == 3 and prose["failed"] == 0
    assert prose["counts_matched"] >= 1  # "719 civiles" agrees with missing.civilians.total
    bad = run("check", str(_sheet(tmp_path, 3898)), "--prose")
    assert bad.exit_code == 1 and "the text says \"3.889\" where the sheet has 3,898" in bad.stdout


def test_language_from_lang_option_or_english(tmp_path):
    sheet = _sheet(tmp_path, 3889, language=None)
    english = run("check", str(sheet), "--prose")
    assert english.exit_code == 1  # "3.889" is no count in English
    assert run("check", str(sheet), "--prose", "--lang", "es").exit_code == 0
    bad = run("check", str(sheet), "--prose", "--lang", "tr")
    assert bad.exit_code == 2 and "unknown language 'tr'" in bad.output


def test_spanish_pdf_language_from_its_metadata(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "informe.pdf"
    c = canvas.Canvas(str(pdf), lang="es-CO")  # the catalog's /Lang
    c.drawString(50, 700, "Se registraron 3.889 personas desaparecidas y más de 1.200 familias.")
    c.showPage()
    c.drawString(50, 700, "Al menos 871 personas fueron liberadas.")
    c.save()
    result = run("extract", str(pdf), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["language"] == "es_CO"
    got = [(m["value"], m["qualifier"], m["page"], m["text_line"]) for m in report["mentions"]
           if m["kind"] == "count"]
    assert got == [(3889, None, 1, "1:1"), (1200, "more than", 1, "1:1"), (871, "at least", 2, "2:1")]
    draft = tmp_path / "d.yaml"
    assert run("extract", str(pdf), "-o", str(draft)).exit_code == 0
    assert "settings: {language: es-CO}" in draft.read_text(encoding="utf-8")
    assert run("check", str(draft), "--prose").exit_code == 0


def test_missing_languages_extra_is_a_clear_message(monkeypatch):
    import importlib.util

    from missingstats.inputs.documents import language

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "babel" else real(name, *a))
    language.build.cache_clear()
    try:
        with pytest.raises(InputError, match=r"missingstats\[languages\]"):
            language.build("es")
    finally:
        language.build.cache_clear()


# --- properties -------------------------------------------------------------------------------

LOCALES = ["es", "es_MX", "es_CO", "fr", "fr_CA", "ru"]
SENTENCE = {"es": "En total, {n} personas desaparecidas.", "fr": "Au total, {n} personnes disparues.",
            "ru": "Всего {n} пропавших без вести."}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(LOCALES), st.integers(0, 10**9))
def test_numbers_formatted_by_cldr_read_back(locale, n):
    from babel.numbers import format_decimal

    written = format_decimal(n, locale=locale)
    text = SENTENCE[codes.base(locale)].format(n=written)
    got = [m for m in counts(extract(document.parse(text), locale))]
    number = [m for m in got if m.number_start == text.index(written)]
    assert len(number) == 1 and number[0].value == n, (written, [(m.text, m.value) for m in got])
    assert number[0].column == text.index(written) + 1


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["es", "fr", "ru"]), st.data(), st.integers(2, 99_999))
def test_every_qualifier_reads_as_an_english_one(lang, data, n):
    p = profile(lang)
    phrase = data.draw(st.sampled_from(sorted(p.qualifiers)))
    text = SENTENCE[lang].format(n=f"{phrase} {n}")
    got = counts(extract(document.parse(text), lang))
    assert len(got) == 1 and got[0].value == n
    assert got[0].qualifier == p.qualifiers[phrase] and bounds.is_known(got[0].qualifier)


@given(st.text(max_size=8))
def test_language_codes(code):
    norm = codes.normalise_code(code)
    if norm is None:
        with pytest.raises(InputError):
            codes.check_code(code)
    else:
        assert codes.base(norm) in codes.SUPPORTED and codes.check_code(code) == norm
