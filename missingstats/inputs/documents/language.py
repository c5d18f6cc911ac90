"""The languages a document may be written in, and what each needs to read its counts.

A `Profile` holds every language-dependent pattern the extractor uses: how digits are
grouped ("3,889", "3.889", "3 889"), the qualifiers before and after a number ("más de",
"au moins", "не менее"), number words, vague magnitudes, dates, references, units, and the
context vocabulary (desaparecidos, disparus, пропавших без вести ...). Qualifiers and
context words map to the English ones the rest of the program speaks (bounds.py, figure
names), so a Spanish "al menos 871" is an 'at least' figure and "niños" the tag 'children'.

Where a library knows a language better than a table of ours, it decides:
- Babel (CLDR): the group and decimal symbols of the locale (es: "3.889" and "2,5"; fr and
  ru: a no-break or thin space and "2,5"; es-MX: "3,889" and "2.5"), and the month names
  that make "9 de junio de 2020" a date rather than the count 9;
- text2num: number words in Spanish and French ("tres mil ochocientos ochenta y nueve",
  "quatre-vingt-onze");
- number-parser: number words in Russian, inflected ("трёх тысяч восьмисот").

English is the profile built in extract.py from its own patterns, unchanged. Babel, text2num
and number-parser load only when a document in another language is read (the `documents`
extra); this module imports nothing heavy.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from missingstats.inputs.documents import context as cx
from missingstats.inputs.documents.codes import NAMES, SUPPORTED, base, check_code, normalise_code

__all__ = ["SUPPORTED", "Profile", "base", "build", "check_code", "choose", "normalise_code"]

SPACES = " \u00a0\u202f\u2009"  # space, no-break, narrow no-break, thin

NumberWords = Callable[[str], list[tuple[int, int, float]]]


@dataclass(eq=False)
class Profile:
    """Everything the extractor reads differently per language (module docstring)."""

    code: str
    vocab: cx.Vocabulary
    digits: re.Pattern[str]
    groups: str  # characters that group thousands
    decimal: str
    scale_after: re.Pattern[str]
    scales: dict[str, int]
    magnitude: re.Pattern[str]
    magnitudes: dict[str, str]  # the words as written (normalised) -> the English magnitude
    needs_of: re.Pattern[str] | None  # magnitudes that count only before "of" ("tens of")
    pre_qualifier: re.Pattern[str]
    qualifiers: dict[str, str]  # phrase -> English qualifier
    post_qualifier: re.Pattern[str]
    post_meaning: dict[str, str]
    number_words: NumberWords
    one_words: frozenset[str]
    not_one_after: re.Pattern[str]
    fraction_words: frozenset[str]
    date: re.Pattern[str]
    reference: re.Pattern[str]
    reference_word: re.Pattern[str]
    year_range: re.Pattern[str]
    percent: re.Pattern[str]
    money: re.Pattern[str]
    ordinal_digits: re.Pattern[str]
    ordinal_word: re.Pattern[str] | None
    unit_after: re.Pattern[str]
    age_before: re.Pattern[str]
    range_after: re.Pattern[str]
    between_before: re.Pattern[str]
    sentence_end: re.Pattern[str]
    abbreviations: frozenset[str]
    skip_words: frozenset[str]
    word: re.Pattern[str]
    partitive: re.Pattern[str]
    clause_end: re.Pattern[str]
    attached_marker: re.Pattern[str]
    spaced_marker: re.Pattern[str]
    numbered_paragraph: re.Pattern[str]
    extra: dict[str, Any] = field(default_factory=dict)

    def parse_digits(self, text: str) -> float:
        """'3.889' (es) -> 3889, '2,5' -> 2.5, '3 889' -> 3889."""
        out = "".join(ch for ch in text if ch not in self.groups and ch not in SPACES)
        return float(out.replace(self.decimal, "."))

    def is_decimal(self, text: str) -> bool:
        """A number with a decimal part and no grouping: a measure, not a count."""
        return self.decimal in text and not any(ch in text for ch in self.groups + SPACES)

    def qualifier_before(self, text: str, start: int) -> tuple[str | None, int]:
        window = text[max(0, start - 40):start]
        m = self.pre_qualifier.search(window)
        if not m:
            return None, start
        word = " ".join(m.group(1).lower().split())
        return self.qualifiers.get(word, word), start - (len(window) - m.start(1))

    def qualifier_after(self, text: str, end: int) -> tuple[str | None, int]:
        m = self.post_qualifier.match(text[end:end + 20])
        if not m:
            return None, end
        word = " ".join((m.group(1) or m.group(2)).lower().split())
        return self.post_meaning.get(word, word), end + m.end()

    def scale_value(self, word: str) -> int:
        w = word.lower()
        return next(v for k, v in self.scales.items() if w.startswith(k))

    def magnitude_of(self, words: str) -> str:
        w = " ".join(words.lower().split())
        return self.magnitudes.get(w, w)


# --- the languages -----------------------------------------------------------------------

def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Words:
    """One language's word lists (the patterns are built from them in `build`)."""

    terms: list[tuple[str, tuple[str, ...]]]
    qualifiers: dict[str, str]
    post: dict[str, str]
    magnitudes: dict[str, str]
    needs_of: tuple[str, ...]
    of: str  # the word "of" after a magnitude ("decenas de miles")
    scales: dict[str, int]  # prefix of the scale word -> its value
    scale_words: str  # pattern
    one_words: tuple[str, ...]
    not_one_after: str
    references: str  # pattern of reference words
    percent: str
    money: str
    ordinal_suffix: str
    units: str
    age_before: str
    range_words: str
    between: str
    abbreviations: tuple[str, ...]
    skip: tuple[str, ...]
    partitive: str
    clause_end: str
    date_join: str  # between day, month and year: "de", ""


SPANISH = Words(
    terms=[
        (r"prisioner[oa]s?\s+de\s+guerra", ("prisoners of war", "detained")),
        (r"rehenes|rehén|secuestrad[oa]s?", ("hostages", "detained")),
        (r"desaparecid[oa]s?|desapariciones|desaparición|desaparecieron|no\s+localizad[oa]s?"
         r"|paradero\s+desconocido",
         ("missing",)),
        (r"detenid[oa]s?|detención|privad[oa]s?\s+de\s+(?:la\s+)?libertad|cautiv[oa]s?|arrestad[oa]s?",
         ("detained",)),
        (r"muert[oa]s?|asesinad[oa]s?|fallecid[oa]s?|muertes|víctimas\s+mortales|ejecutad[oa]s?"
         r"|murieron|murió|fallecieron|falleció|perdieron\s+la\s+vida",
         ("killed",)),
        (r"herid[oa]s?|lesionad[oa]s?", ("injured",)),
        (r"desplazad[oa]s?|desplazamiento|refugiad[oa]s?|expulsad[oa]s?", ("displaced",)),
        (r"liberad[oa]s?|puest[oa]s?\s+en\s+libertad|repatriad[oa]s?|canjead[oa]s?", ("released",)),
        (r"localizad[oa]s?|encontrad[oa]s?|identificad[oa]s?|hallad[oa]s?|restos|cuerpos|exhumad[oa]s?",
         ("found",)),
        (r"personas\s+mayores|adult[oa]s\s+mayores|ancian[oa]s|personas\s+de\s+edad", ("older persons",)),
        (r"militares|soldados|combatientes|efectivos|miembros\s+de\s+las\s+fuerzas\s+armadas",
         ("servicemen",)),
        (r"civiles|civil|población\s+civil", ("civilians",)),
        (r"niñ[oa]s|niñ[oa]|menores(?:\s+de\s+edad)?|menor|adolescentes", ("children",)),
        (r"mujeres|mujer", ("women",)),
        (r"hombres|varones", ("men",)),
        (r"familias|familiares|familia", ("families",)),
        (r"casos", ("cases",)),
        (r"fosas(?:\s+comunes|\s+clandestinas)?", ("graves",)),
        (r"personas|persona|individuos|ciudadan[oa]s|habitantes|nacionales", (cx.GENERIC,)),
    ],
    qualifiers={
        "más de": "more than", "mas de": "more than", "poco más de": "more than",
        "al menos": "at least", "por lo menos": "at least", "como mínimo": "at least",
        "no menos de": "no fewer than", "menos de": "fewer than", "hasta": "up to",
        "como máximo": "at most", "no más de": "no more than", "cerca de": "about",
        "alrededor de": "about", "aproximadamente": "about", "unos": "about", "unas": "about",
        "aprox.": "about", "casi": "almost", "un total de": "a total of", "exactamente": "exactly",
    },
    post={"o más": "or more", "y más": "or more", "o menos": "or fewer"},
    magnitudes={"decenas de miles": "tens of thousands", "cientos de miles": "hundreds of thousands",
                "centenares de miles": "hundreds of thousands", "varios miles": "several thousand",
                "varios cientos": "several hundred", "miles": "thousands", "cientos": "hundreds",
                "centenares": "hundreds", "decenas": "tens", "docenas": "dozens",
                "millones": "millions"},
    needs_of=("decenas", "miles", "cientos", "centenares", "docenas", "millones"),
    of="de",
    scales={"mil millones": 1_000_000_000, "millón": 1_000_000, "millones": 1_000_000, "mil": 1_000},
    scale_words=r"mil\s+millones|millones|millón|mil",
    one_words=("un", "uno", "una"),
    not_one_after=r"\s+(?:de|u|o)\b",
    references=(r"resoluci(?:ón|ones)|decisi(?:ón|ones)|artículos?|arts?\.|párrafos?|apartados?|incisos?"
                r"|fracci(?:ón|ones)|páginas?|págs?\.|núms?\.|n\.º|nº|notas?|cuadros?|tablas?|anexos?"
                r"|capítulos?|secci(?:ón|ones)|decretos?|leyes|ley|expedientes?|oficios?"),
    percent=r"%|por\s*ciento\b",
    money=r"(?:\$|€|US\$|MXN|COP|USD|EUR)\s*\d[\d.,]*|\b\d[\d.,]*\s*(?:pesos|euros|dólares)\b",
    ordinal_suffix=r"\.?[ºª°]|\.?ᵉʳ",
    units=(r"años?|meses|mes|semanas?|días?|horas?|minutos?|décadas?|siglos?|km|kilómetros?|metros?"
           r"|hectáreas?|toneladas?|kg|kilos?|litros?|veces"),
    age_before=r"\b(?:de\s+edad|edad\s+de|entre\s+los|de\s+los)\s*$",
    range_words=r"a|y|al",
    between=r"entre|de",
    abbreviations=("art", "arts", "núm", "núms", "pág", "págs", "sr", "sra", "dr", "dra", "lic",
                   "ing", "etc", "p", "pp", "no", "aprox", "gral"),
    skip=("de", "del", "la", "las", "el", "los", "son", "eran", "fueron", "están", "estaban",
          "siguen", "permanecen", "se", "que", "quienes", "cuales", "ya", "aún", "todavía",
          "han", "sido", "ha", "habían", "registradas", "registrados", "como", "en", "a", "por",
          "para", "con", "sus", "su", "otras", "otros", "más", "total", "un", "una", "y"),
    partitive=r"\s+de\s+(?:los\s+|las\s+|estos\s+|estas\s+|esos\s+|esas\s+)?",
    clause_end=r"[;:|]|,\s+(?:de\s+(?:los|las)\s+cuales|entre\s+(?:ellos|ellas)|incluid[oa]s|mientras|pero)\b",
    date_join=r"(?:\s+de\s+|\s+del\s+|\s+)",
)

FRENCH = Words(
    terms=[
        (r"prisonniers?\s+de\s+guerre", ("prisoners of war", "detained")),
        (r"otages?|enlevé(?:e|s|es)?", ("hostages", "detained")),
        (r"disparu(?:e|s|es)?|disparitions?|portés?\s+disparus?|sort\s+inconnu", ("missing",)),
        (r"détenu(?:e|s|es)?|détention|captivité|captifs?|arrêté(?:e|s|es)?|emprisonné(?:e|s|es)?",
         ("detained",)),
        (r"tué(?:e|s|es)?|morts?|mortes?|décès|décédé(?:e|s|es)?|assassiné(?:e|s|es)?|exécuté(?:e|s|es)?",
         ("killed",)),
        (r"blessé(?:e|s|es)?", ("injured",)),
        (r"déplacé(?:e|s|es)?|déplacements?|réfugié(?:e|s|es)?|expulsé(?:e|s|es)?", ("displaced",)),
        (r"libéré(?:e|s|es)?|relâché(?:e|s|es)?|rapatrié(?:e|s|es)?|échangé(?:e|s|es)?", ("released",)),
        (r"retrouvé(?:e|s|es)?|identifié(?:e|s|es)?|localisé(?:e|s|es)?|restes|corps|exhumé(?:e|s|es)?",
         ("found",)),
        (r"personnes\s+âgées|personnes\s+agées|aînés|vieillards", ("older persons",)),
        (r"militaires|soldats|combattants|membres\s+des\s+forces\s+armées", ("servicemen",)),
        (r"civils|civiles|civil|civile|population\s+civile", ("civilians",)),
        (r"enfants|enfant|mineur(?:e|s|es)?|garçons|filles", ("children",)),
        (r"femmes|femme", ("women",)),
        (r"hommes", ("men",)),
        (r"familles|famille|proches", ("families",)),
        (r"cas", ("cases",)),
        (r"fosses(?:\s+communes)?|charniers?", ("graves",)),
        (r"personnes|personne|individus|citoyens|citoyennes|habitants|ressortissants", (cx.GENERIC,)),
    ],
    qualifiers={
        "plus de": "more than", "au moins": "at least", "pas moins de": "no fewer than",
        "au minimum": "at least", "moins de": "fewer than", "jusqu'à": "up to", "jusqu’à": "up to",
        "au plus": "at most", "au maximum": "at most", "pas plus de": "no more than",
        "environ": "about", "près de": "about", "autour de": "about", "quelque": "about",
        "approximativement": "about", "presque": "almost", "un total de": "a total of",
        "exactement": "exactly",
    },
    post={"ou plus": "or more", "et plus": "or more", "ou moins": "or fewer"},
    magnitudes={"des dizaines de milliers": "tens of thousands",
                "des centaines de milliers": "hundreds of thousands",
                "plusieurs milliers": "several thousand", "plusieurs centaines": "several hundred",
                "des milliers": "thousands", "des centaines": "hundreds", "des dizaines": "tens",
                "des millions": "millions"},
    needs_of=("des dizaines",),
    of="de|d'|d’",
    scales={"milliard": 1_000_000_000, "million": 1_000_000, "mille": 1_000},
    scale_words=r"milliards?|millions?|mille",
    one_words=("un", "une"),
    not_one_after=r"\s+(?:des|de|d'|d’|ou)\b",
    references=(r"résolutions?|décisions?|articles?|art\.|paragraphes?|alinéas?|pages?|p\.|n°|nos?|no"
                r"|notes?|tableaux?|annexes?|chapitres?|sections?|décrets?|lois?|points?"),
    percent=r"%|pour\s*cent\b",
    money=r"(?:€|\$|EUR|USD)\s*\d[\d.,\s]*|\b\d[\d.,\u00a0\u202f ]*\s*(?:euros|dollars|€)",
    ordinal_suffix=r"(?:er|re|e|ème|ᵉ|ᵉʳ)",
    units=(r"ans?|années?|mois|semaines?|jours?|heures?|minutes?|décennies?|siècles?|km|kilomètres?"
           r"|mètres?|hectares?|tonnes?|kg|litres?|fois"),
    age_before=r"\b(?:âgé(?:e|s|es)?\s+de|de\s+moins\s+de|l'âge\s+de)\s*$",
    range_words=r"à|et",
    between=r"entre|de",
    abbreviations=("art", "p", "pp", "no", "nos", "m", "mme", "dr", "etc", "cf", "env"),
    skip=("de", "des", "la", "le", "les", "sont", "étaient", "ont", "été", "sont", "se", "qui",
          "que", "dont", "toujours", "encore", "déjà", "en", "à", "au", "aux", "par", "pour",
          "avec", "leurs", "leur", "autres", "plus", "total", "un", "une", "et", "d'", "d’"),
    partitive=r"\s+(?:des|d'entre\s+eux|d’entre\s+eux|d'entre\s+elles|de\s+ces)\s+",
    clause_end=r"[;:|]|,\s+(?:dont|parmi\s+(?:eux|elles|lesquels)|y\s+compris|tandis|mais)\b",
    date_join=r"\s+",
)

RUSSIAN = Words(
    terms=[
        (r"военнопленн\w*", ("prisoners of war", "detained")),
        (r"заложник\w*|похищенн\w*", ("hostages", "detained")),
        (r"пропавш\w*\s+без\s+вести|пропал[иао]?\s+без\s+вести|без\s+вести\s+пропавш\w*|пропавш\w*"
         r"|исчезнов\w*|исчезнувш\w*", ("missing",)),
        (r"задержанн\w*|задержан[аоы]?|содерж\w*\s+под\s+стражей|плену|пленных|в\s+плену|арестован\w*",
         ("detained",)),
        (r"убит\w*|погибш\w*|погиб\w*|смерт\w*|жертв\w*|казнен\w*", ("killed",)),
        (r"ранен\w*|раненых", ("injured",)),
        (r"перемещ\w*|беженц\w*|изгнан\w*|выселен\w*", ("displaced",)),
        (r"освобожд\w*|освобожден\w*|возвращен\w*|репатриирован\w*|обменян\w*", ("released",)),
        (r"найден\w*|опознан\w*|обнаружен\w*|останк\w*|тел\b|эксгумирован\w*", ("found",)),
        (r"пожил\w*(?:\s+(?:людей|лиц|человек))?|престарел\w*", ("older persons",)),
        (r"военнослужащ\w*|военн\w*|солдат\w*|комбатант\w*", ("servicemen",)),
        (r"мирн\w*\s+жител\w*|гражданск\w*\s+лиц|гражданск\w*\s+насел\w*|гражданск\w*", ("civilians",)),
        (r"детей|дети|ребен\w*|ребён\w*|несовершеннолетн\w*|детьми", ("children",)),
        (r"женщин\w*", ("women",)),
        (r"мужчин\w*", ("men",)),
        (r"сем(?:ей|ьи|ья|ьям)|родственник\w*", ("families",)),
        (r"случа\w*", ("cases",)),
        (r"(?:массов\w*\s+)?захоронен\w*|могил\w*", ("graves",)),
        (r"человек\w*|людей|лиц|граждан\w*|жител\w*", (cx.GENERIC,)),
    ],
    qualifiers={
        "более": "more than", "свыше": "more than", "больше": "more than", "не менее": "at least",
        "как минимум": "at least", "по меньшей мере": "at least", "минимум": "at least",
        "менее": "fewer than", "меньше": "fewer than", "не более": "at most", "около": "about",
        "примерно": "about", "приблизительно": "about", "порядка": "about", "почти": "almost",
        "всего": "a total of", "ровно": "exactly",
    },
    post={"и более": "or more", "или более": "or more", "и больше": "or more"},
    magnitudes={"десятки тысяч": "tens of thousands", "сотни тысяч": "hundreds of thousands",
                "несколько тысяч": "several thousand", "несколько сотен": "several hundred",
                "тысячи": "thousands", "сотни": "hundreds", "десятки": "tens",
                "миллионы": "millions"},
    needs_of=(),
    of="",
    scales={"миллиард": 1_000_000_000, "млрд": 1_000_000_000, "миллион": 1_000_000,
            "млн": 1_000_000, "тысяч": 1_000, "тыс": 1_000},
    scale_words=r"миллиард(?:а|ов)?|млрд\.?|миллион(?:а|ов)?|млн\.?|тысяч[иа]?|тыс\.?",
    one_words=("один", "одна", "одного", "одной", "одно"),
    not_one_after=r"\s+(?:из|или)\b",
    references=(r"резолюци\w*|решени\w*|стать\w*|ст\.|пункт\w*|п\.|параграф\w*|страниц\w*|стр\.|№"
                r"|примечани\w*|таблиц\w*|приложени\w*|глав\w*|раздел\w*|закон\w*|указ\w*"),
    percent=r"%|процент\w*",
    money=r"(?:\$|€|₽)\s*\d[\d.,\s]*|\b\d[\d.,\u00a0 ]*\s*(?:рубл\w*|долл\w*|евро|манат\w*|₽)",
    ordinal_suffix=r"-?(?:й|я|е|го|му|м|х|ое|ый|ая)",
    units=(r"лет|год\w*|месяц\w*|недел\w*|дн\w*|день|час\w*|минут\w*|десятилет\w*|век\w*|км|километр\w*"
           r"|метр\w*|гектар\w*|тонн\w*|кг|литр\w*|раз"),
    age_before=r"\b(?:в\s+возрасте|возраст\w*|старше|младше)\s*(?:до\s+|от\s+)?$",
    range_words=r"до|и|-|–",
    between=r"от|между|с",
    abbreviations=("ст", "п", "стр", "г", "гг", "т", "д", "см", "им", "тыс", "млн", "млрд", "прим"),
    skip=("из", "них", "их", "это", "эти", "являются", "были", "было", "был", "была", "остаются",
          "до", "сих", "пор", "по", "в", "на", "с", "к", "за", "для", "как", "также", "уже",
          "ещё", "еще", "всего", "числе", "том", "которых", "которые", "и", "а"),
    partitive=r"\s+из\s+(?:них\s+|этих\s+|числа\s+)?",
    clause_end=r"[;:|]|,\s+(?:из\s+них|в\s+том\s+числе|среди\s+них|включая|а\s+также|но)\b",
    date_join=r"\s+",
)

WORDS = {"es": SPANISH, "fr": FRENCH, "ru": RUSSIAN}


def _months(locale: Any) -> list[str]:
    """Month names of the locale (format and stand-alone, wide and abbreviated), from CLDR."""
    from babel import dates

    names: set[str] = set()
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for name in dates.get_month_names(width, context, locale).values():
                names.add(name.lower().rstrip("."))
                names.add(name.lower())
    return sorted(names, key=len, reverse=True)


def _separators(code: str) -> tuple[str, str]:
    """The locale's group and decimal symbols from Babel (CLDR); spaces group everywhere."""
    from babel import Locale, UnknownLocaleError, numbers

    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse(base(code))
    group = numbers.get_group_symbol(locale)
    decimal = numbers.get_decimal_symbol(locale)
    groups = "".join(dict.fromkeys(group + SPACES)) if group not in SPACES else SPACES
    return groups, decimal


def _need(module: str, code: str) -> None:
    """A clear input error when the 'languages' extra is not installed."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        from missingstats.core.errors import InputError

        raise InputError(f"reading {NAMES[base(code)]} needs the 'languages' extra: pip install "
                         "'missingstats[languages]'")


@functools.lru_cache(maxsize=16)
def build(code: str) -> Profile:
    """The profile of a language other than English ('es', 'fr_FR', 'es_MX', 'ru')."""
    for module in ("babel", "number_parser" if base(code) == "ru" else "text_to_num"):
        _need(module, code)
    from babel import Locale

    words = WORDS[base(code)]
    groups, decimal = _separators(code)
    try:
        locale = Locale.parse(code)
    except ValueError:
        locale = Locale.parse(base(code))
    g = "[" + re.escape(groups) + "]"
    d = re.escape(decimal)
    digits = re.compile(
        rf"(?<![\w/.,])(\d{{1,3}}(?:{g}\d{{3}})+(?:{d}\d+)?(?![\d])|\d+(?:{d}\d+)?)(?![\w/]|[.,]\d)"
    )
    months = "(?:" + _alt(_months(locale)) + r")\.?"
    join = words.date_join
    day = rf"\d{{1,2}}(?:{words.ordinal_suffix})?"
    date = re.compile(
        rf"\b(?:{day}\s*[-–]\s*)?{day}{join}{months}(?:{join}\d{{4}}(?:\s*(?:г\.|года|году))?)?(?!\w)"
        rf"|\b{months}{join}\d{{4}}\b"
        r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b",
        re.IGNORECASE,
    )
    ref_num = r"\d+(?:[./]\d+)*[A-Za-z]?(?:\s*\((?:[a-z]{1,4}|\d{1,4})\))*"
    ref_words = words.references
    reference = re.compile(
        rf"(?<!\w)(?:{ref_words})\s*{ref_num}(?:(?:\s*,\s+|\s*(?:{words.range_words}|-|–|&)\s*){ref_num})*",
        re.IGNORECASE,
    )
    qual = _alt(words.qualifiers)
    post = _alt(words.post)
    mags = _alt(words.magnitudes)
    upper = "[A-ZÀ-ÖØ-ÞА-ЯЁ]"
    return Profile(
        code=code,
        vocab=cx.Vocabulary(words.terms),
        digits=digits,
        groups=groups,
        decimal=decimal,
        scale_after=re.compile(rf"\s*({words.scale_words})(?!\w)", re.IGNORECASE),
        scales=dict(sorted(words.scales.items(), key=lambda kv: -len(kv[0]))),
        magnitude=re.compile(rf"(?<!\d\s)(?<![\w])({mags})(?!\w)", re.IGNORECASE),
        magnitudes={" ".join(k.split()): v for k, v in words.magnitudes.items()},
        needs_of=(re.compile(rf"^(?:{_alt(words.needs_of)})$", re.IGNORECASE)
                  if words.needs_of else None),
        pre_qualifier=re.compile(rf"(?:^|(?<=[\s(\"“«]))({qual})\s*$", re.IGNORECASE),
        qualifiers={" ".join(k.split()): v for k, v in words.qualifiers.items()},
        post_qualifier=re.compile(rf"^(?:\s*(\+)|\s+({post})(?!\w))", re.IGNORECASE),
        post_meaning={"+": "or more", **{" ".join(k.split()): v for k, v in words.post.items()}},
        number_words=_number_words(base(code)),
        one_words=frozenset(words.one_words),
        not_one_after=re.compile(words.not_one_after, re.IGNORECASE),
        fraction_words=frozenset(),
        date=date,
        reference=reference,
        reference_word=re.compile(rf"(?:{ref_words})", re.IGNORECASE),
        year_range=re.compile(r"\b(?:1[6-9]\d\d|20\d\d)\s*(?:-|–|—|/)\s*(?:1[6-9]\d\d|20\d\d|\d\d)\b"),
        percent=re.compile(rf"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(?:{words.percent})", re.IGNORECASE),
        money=re.compile(words.money, re.IGNORECASE),
        ordinal_digits=re.compile(rf"\b\d+(?:{words.ordinal_suffix})(?!\w)"),
        ordinal_word=None,
        unit_after=re.compile(rf"^\s*(?:-\s*)?(?:{words.units})(?!\w)", re.IGNORECASE),
        age_before=re.compile(words.age_before, re.IGNORECASE),
        range_after=re.compile(rf"^\s*(?:-|–|—|(?:{words.range_words})(?!\w))\s*(?=\d|\w)", re.IGNORECASE),
        between_before=re.compile(rf"(?<!\w)(?:{words.between})\s+$", re.IGNORECASE),
        sentence_end=re.compile(
            rf"[.!?]+[\"”’')\]»]*(?:\d{{1,3}})?(?=\s+[\"“(\[«¿¡]?(?:{upper}|\d))|\|(?=\s+\|)"
        ),
        abbreviations=frozenset(words.abbreviations),
        skip_words=frozenset(words.skip),
        word=re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*"),
        partitive=re.compile(rf"{words.partitive}", re.IGNORECASE),
        clause_end=re.compile(words.clause_end, re.IGNORECASE),
        attached_marker=re.compile(
            r"[^\W\d_)\]](?:[.,;:!?][\"”’')\]»]?|[\"”’')\]»])(?P<n>\d{1,3})(?=\s|$)"),
        spaced_marker=re.compile(r"(?<=[^\W\d_][.;:!?] )(\d{1,2})(?=\s|$)"),
        numbered_paragraph=re.compile(r"(?:^|(?<=\s))(\d{1,3})[.)]\s+(?=[^\W\d_]|[\"“«(])"),
        extra={"of": words.of},
    )


# --- number words ---------------------------------------------------------------------------

class _Token:
    """A word or a punctuation mark, as text2num's find_numbers reads a stream."""

    __slots__ = ("m",)

    def __init__(self, m: re.Match[str]) -> None:
        self.m = m

    def text(self) -> str:
        return self.m.group()

    def nt_separated(self, previous: Any) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return False


TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")


def _text2num(lang: str) -> NumberWords:
    def find(text: str) -> list[tuple[int, int, float]]:
        from text_to_num import find_numbers

        tokens = [_Token(m) for m in TOKEN.finditer(text)]
        if not tokens:
            return []
        out = []
        try:
            found = find_numbers(tokens, lang, 0.0)
        except Exception:  # noqa: BLE001 - a library failure on odd text: no number words
            return []
        for o in found:
            words = tokens[o.start:o.end]
            if o.is_ordinal or any(t.m.group()[0].isdigit() for t in words):
                continue
            out.append((words[0].m.start(), words[-1].m.end(), float(o.value)))
        return out

    return find


RU_WORD = re.compile(r"[А-Яа-яЁё]+")


def _russian() -> NumberWords:
    def find(text: str) -> list[tuple[int, int, float]]:
        from number_parser import parse_number
        from number_parser.data import ru

        info = ru.info
        vocab = set()
        for key in ("UNIT_NUMBERS", "DIRECT_NUMBERS", "TENS", "HUNDREDS", "BIG_POWERS_OF_TEN"):
            vocab.update(info[key])
        out = []
        run: list[re.Match[str]] = []

        def close() -> None:
            if run:
                span = text[run[0].start():run[-1].end()]
                value = parse_number(span.lower().replace("ё", "е"), language="ru")
                if value is not None:
                    out.append((run[0].start(), run[-1].end(), float(value)))
                run.clear()

        last_end = -1
        for m in RU_WORD.finditer(text):
            known = m.group().lower().replace("ё", "е") in vocab
            adjacent = last_end >= 0 and not text[last_end:m.start()].strip()
            if known and (not run or adjacent):
                run.append(m)
            else:
                close()
                if known:
                    run.append(m)
            last_end = m.end()
        close()
        return out

    return find


def _number_words(lang: str) -> NumberWords:
    return _russian() if lang == "ru" else _text2num(lang)


# --- which language ---------------------------------------------------------------------------


def choose(given: str | None, setting: str | None, metadata: str | None) -> str:
    """--lang, else the sheet's settings.language, else the document's own (html lang, PDF
    or Word metadata) when it is a language we read, else English."""
    for code in (given, setting):
        if code:
            return check_code(code)
    if metadata:
        norm = normalise_code(metadata)
        if norm:
            return norm
    return "en"
