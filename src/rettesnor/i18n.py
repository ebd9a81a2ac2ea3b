"""The languages of the pages and the e-mails: Danish, Norwegian bokmål, Swedish and English (the source
language).

Catalogues are gettext ``.po`` files under ``web/locale/`` read with Babel at start-up. On the pages the
language is the user's setting, else the browser's ``Accept-Language``, else English; e-mails are in the
organisation's language. ``tests/web/test_web_i18n.py`` fails when a string in the templates or the code of
the web application or of the e-mails (:mod:`rettesnor.notify`) has no translation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from babel.messages.pofile import read_po

from rettesnor.item import PAGE_LANGUAGES

LANGUAGES: tuple[str, ...] = PAGE_LANGUAGES
LANGUAGE_NAMES = {"da": "Dansk", "nb": "Norsk bokmål", "sv": "Svenska", "en": "English"}
ALIASES = {"no": "nb", "nn": "nb", "nb": "nb", "da": "da", "sv": "sv", "en": "en"}
DEFAULT = "en"
COUNTRY_LANGUAGE = {"DK": "da", "NO": "nb", "SE": "sv"}  # an organisation's language by its country
LOCALE_DIR = Path(str(resources.files("rettesnor") / "web" / "locale"))
TRANSLATED = ("web", "notify", "archive")  # the packages whose strings the catalogues translate

Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a string for extraction where it is translated later (labels in tables of the code)."""
    return message


@lru_cache(maxsize=8)
def catalogue(lang: str) -> dict[str, str]:
    """msgid → translation for ``lang`` (empty for English, the source language)."""
    if lang == DEFAULT:
        return {}
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    return {str(m.id): str(m.string) for m in cat if m.id and m.string and not m.fuzzy}


def translator(lang: str) -> Gettext:
    table = catalogue(lang)

    def gettext(message: str) -> str:
        return table.get(message) or message

    return gettext


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header (q-values respected)."""
    best, best_q = DEFAULT, -1.0
    for part in (accept_language or "").split(",")[:20]:
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower().split("-")[0]
        q = 1.0
        for p in pieces[1:]:
            key, _, value = p.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        lang = ALIASES.get(tag)
        if lang is not None and q > 0 and q > best_q:
            best, best_q = lang, q
    return best


def extract() -> list[str]:
    """Every translatable string of the templates and the code of the web application, the e-mails and the
    archive's documents (PDF/A, E-ARK, Noark 5 titles), sorted."""
    from babel.messages.extract import extract_from_dir, extract_from_file

    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    found: set[str] = set()
    for package in TRANSLATED:
        root = Path(str(resources.files("rettesnor") / package))
        found |= {str(m[2]) for m in extract_from_dir(str(root), method_map) if isinstance(m[2], str)}
    labels = Path(str(resources.files("rettesnor") / "labels.py"))
    found |= {str(m[1]) for m in extract_from_file("python", str(labels)) if isinstance(m[1], str)}
    return sorted(found)
