"""Context words near a span: the Presidio-style 'context' part of a decision process."""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)


def words_around(text: str, start: int, end: int, window: int = 40) -> list[str]:
    """Lower-cased words within ``window`` characters on either side of the span."""
    left = text[max(0, start - window) : start]
    right = text[end : end + window]
    return [w.lower() for w in WORD.findall(left)] + [w.lower() for w in WORD.findall(right)]
