"""Language of a short text among da, nb, nn, sv, en, with the organisation's country as the prior.

Each word that belongs to one language's list of frequent, telling words counts for that language;
a word with "ä"/"ö" counts for Swedish, one with "æ"/"ø" for the three west Nordic languages. The
country's language wins ties (it gets half a vote), so a text with no telling words keeps the prior.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-zæøåäöéü]+")

# Frequent words that tell the five apart (written for this project). A word may be telling for more
# than one language (Danish and Bokmål share many); words common to all Nordic languages are left out.
_MARKERS: dict[str, frozenset[str]] = {
    "da": frozenset(
        """jeg ikke af hvad hvor nogen noget meget være blev efter mig dig sig os hun hende ud op nu bliver
        vores jeres sådan lige tak hvornår gøre gør synes købe måske rigtig kommunen spørgsmål svar mere
        også kun lidt selv uden hvordan hvorfor fordi igen altid aldrig skal vil kan har bare når""".split()
    ),
    "nb": frozenset(
        """jeg ikke av hva hvor noen noe mye være ble etter meg deg seg oss hun henne ut opp nå blir vår våre
        sånn takk når gjøre gjør synes kanskje veldig kommunen spørsmål svar mer også bare litt selv uten
        hvordan hvorfor fordi igjen alltid aldri skal vil kan har""".split()
    ),
    "nn": frozenset(
        """eg ikkje av kva kvar nokon noko mykje vere vart etter meg deg seg oss ho ut opp blir vår våre
        takk når gjere gjer synest kanskje kommunen spørsmål svar meir òg berre litt sjølv utan korleis
        kvifor fordi igjen alltid aldri skal vil kan har ein eit dei frå heile kjem seier""".split()
    ),
    "sv": frozenset(
        """jag inte av vad någon något mycket vara blev mig dig sig oss hon henne honom och
        är att för från när hur varför tack bara finns skulle vill detta dessa sådan många också
        kommunen fråga svar lite själv utan igen alltid aldrig ska kan har""".split()
    ),
    "en": frozenset(
        """not of what where someone something also very be was after the and you she to that it with
        are this they we our your their would could should there here when why how about from""".split()
    ),
}
_PRIOR = {"DK": "da", "NO": "nb", "SE": "sv"}
_WEST_NORDIC = ("da", "nb", "nn")
# word → the languages it tells of (one dictionary look-up per word)
_INDEX: dict[str, tuple[str, ...]] = {}
for _lang, _words in _MARKERS.items():
    for _w in _words:
        _INDEX[_w] = (*_INDEX.get(_w, ()), _lang)


def detect_language(text: str, country: str) -> str:
    words = _WORD.findall(text[:2000].lower())
    prior = _PRIOR.get(country, "en")
    if not words:
        return prior
    scores = dict.fromkeys(_MARKERS, 0.0)
    scores[prior] += 0.5  # ties go to the organisation's own language
    for w in words:
        langs = _INDEX.get(w)
        if langs is not None:
            for lang in langs:
                scores[lang] += 1
        elif not w.isascii():
            if "ä" in w or "ö" in w:
                scores["sv"] += 1
            elif "æ" in w or "ø" in w:
                for lang in _WEST_NORDIC:
                    scores[lang] += 0.5
    return max(scores, key=scores.__getitem__)
