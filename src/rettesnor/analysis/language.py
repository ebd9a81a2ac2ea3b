"""Language of a short text among da, nb, nn, sv, en, with the organisation's country as the prior."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-zæøåäöéü]+")

# Frequent function words that tell the five apart (written for this project).
_MARKERS: dict[str, frozenset[str]] = {
    "da": frozenset(
        "jeg ikke af hvad hvor nogen noget også meget være blev efter kommunen mig dig hun".split()
    ),
    "nb": frozenset("jeg ikke av hva hvor noen noe også mye være ble etter kommunen meg deg hun".split()),
    "nn": frozenset("eg ikkje av kva kvar nokon noko også mykje vere vart etter kommunen meg deg ho".split()),
    "sv": frozenset(
        "jag inte av vad var någon något också mycket vara blev efter kommunen mig dig hon och".split()
    ),
    "en": frozenset(
        "i not of what where someone something also very be was after the and you she is".split()
    ),
}
_PRIOR = {"DK": "da", "NO": "nb", "SE": "sv"}


def detect_language(text: str, country: str) -> str:
    words = _WORD.findall(text[:2000].lower())
    prior = _PRIOR.get(country, "en")
    if not words:
        return prior
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _MARKERS.items()}
    scores[prior] += 1  # ties go to the organisation's own language
    return max(scores, key=scores.__getitem__)
