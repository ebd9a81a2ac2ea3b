"""Context words near a span: the Presidio-style 'context' part of a decision process."""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)


def words_around(text: str, start: int, end: int, window: int = 40) -> list[str]:
    """Lower-cased words within ``window`` characters on either side of the span."""
    left = text[max(0, start - window) : start]
    right = text[end : end + window]
    return [w.lower() for w in WORD.findall(left)] + [w.lower() for w in WORD.findall(right)]


def context_hits(text: str, start: int, end: int, vocabulary: frozenset[str], window: int = 40) -> list[str]:
    """Words near the span that belong to ``vocabulary`` (prefix match for compounds like 'cpr-nr')."""
    hits = []
    for w in words_around(text, start, end, window):
        if w in vocabulary or any(w.startswith(v) for v in vocabulary if len(v) >= 4):
            hits.append(w)
    return hits
