"""Every string of the pages is translated into Danish, Norwegian bokmål and Swedish (English is the
source), placeholders are kept, and the catalogues hold no stale strings."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from rettesnor.i18n import LANGUAGES, LOCALE_DIR, catalogue, extract, negotiate

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def test_strings_are_found() -> None:
    strings = extract()
    assert len(strings) > 100 and "Check before you post" in strings and "Not found" in strings


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_no_string_is_untranslated(lang: str) -> None:
    table = catalogue(lang)
    strings = extract()
    missing = [s for s in strings if not table.get(s)]
    where = f"web/locale/{lang}/LC_MESSAGES/messages.po"
    assert not missing, f"untranslated in {lang}: {missing[:10]} (edit {where})"
    for s in strings:
        assert sorted(PLACEHOLDER.findall(s)) == sorted(PLACEHOLDER.findall(table[s])), (lang, s)
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        ids = {str(m.id) for m in read_po(fh) if m.id}
    assert not ids - set(strings), f"stale strings in {lang}: {sorted(ids - set(strings))[:10]}"


def test_accept_language() -> None:
    assert negotiate("sv-FI, en;q=0.8") == "sv"
    assert negotiate("en;q=0.5, da;q=0.9") == "da"
    assert negotiate("nn-NO") == "nb" and negotiate("no") == "nb"
    assert negotiate("fr, de;q=0.5") == "en" and negotiate(None) == "en" and negotiate("da;q=0") == "en"
