"""The language codes a document or sheet may name (--lang, settings.language, html lang).

Kept apart from language.py, which holds the word lists, so that loading a sheet that
names its language costs nothing.
"""

from __future__ import annotations

import re

from missingstats.core.errors import InputError, Location

SUPPORTED = ("en", "es", "fr", "ru")
NAMES = {"en": "English", "es": "Spanish", "fr": "French", "ru": "Russian"}
CODE = re.compile(r"^([A-Za-z]{2})(?:[-_]([A-Za-z]{2}|\d{3}))?$")
PATTERN = r"^(" + "|".join(SUPPORTED) + r")([-_]([A-Za-z]{2}|[0-9]{3}))?$"  # for the schema


def normalise_code(code: str) -> str | None:
    """'es', 'es-MX', 'fr_FR' -> 'es', 'es_MX', 'fr_FR'; None when not a language we read."""
    m = CODE.match(code.strip())
    if not m or m.group(1).lower() not in SUPPORTED:
        return None
    return m.group(1).lower() + (f"_{m.group(2).upper()}" if m.group(2) else "")


def check_code(code: str, where: Location | None = None) -> str:
    """A language code as given (--lang, settings.language), or a located input error."""
    norm = normalise_code(code)
    if norm is None:
        raise InputError(f"unknown language {code!r}; use one of {', '.join(SUPPORTED)} "
                         "(optionally with a region, e.g. es-MX)", where)
    return norm


def base(code: str) -> str:
    return code.split("_")[0]
