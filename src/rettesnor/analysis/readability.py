"""Readability of the organisation's own texts: LIX and over-long sentences (Hustadvika 2o).

LIX (Björnsson) = words / sentences + 100 × long words / words, where a long word has more than six
letters. Bands: under 25 very easy, 25–34 easy, 35–44 medium, 45–54 hard, 55 and over very hard.

Only the organisation's own voice is graded (official posts, replies, account profiles): a citizen's
comment is not ours to grade. Sentences end at ``!`` / ``?``, at ``.`` / ``:`` unless a lower-case
word or a number follows ("kl. 10", "bl.a. de"), and at line breaks (posts often lack full stops).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal

KINDS: frozenset[str] = frozenset({"official_post", "reply", "account_profile"})
BANDS: tuple[tuple[float, str], ...] = ((25, "very easy"), (35, "easy"), (45, "medium"), (55, "hard"))

_ALNUM = re.compile(r"[^\W_]")
_LONG = re.compile(r"[^\W\d_]{7}")  # more than six letters in a row
# Starts with a character set, so the scan skips plain text quickly.
_END = re.compile(r"[.!?:\n](?:(?<=\n)|[.!?:]*+(?=\s|$))")


def band(lix: float) -> str:
    for limit, name in BANDS:
        if lix < limit:
            return name
    return "very hard"


def words(text: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """(words, long words) in ``text[start:end]``: a word is a whitespace-separated token with a letter
    or a digit ("bl.a." and "e-mail" are one word); a long word has more than six letters in a row."""
    n = long_words = 0
    for tok in (text if start == 0 and end is None else text[start:end]).split():
        if not (tok[0].isalnum() or tok[-1].isalnum()) and not _ALNUM.search(tok):
            continue
        n += 1
        if len(tok) > 6 and _LONG.search(tok):
            long_words += 1
    return n, long_words


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of a text (without surrounding whitespace), in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _END.finditer(text):
        end = m.end()
        if text[m.start()] in ".:" and end < n:
            rest = text[end : end + 40].lstrip(" \t")
            if rest and (rest[0].islower() or rest[0].isdigit()):
                continue  # "kl. 10", "bl.a. de": not the end of a sentence
        _add(text, start, end, spans)
        start = end
    _add(text, start, n, spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and _ALNUM.search(text, start, end):
        spans.append((start, end))


def lix(text: str) -> tuple[float, int, int, int]:
    """(LIX, words, sentences, long words); LIX is 0 for a text without words."""
    count_words, long_words = words(text)
    if not count_words:
        return 0.0, 0, 0, 0
    count = max(1, len(sentences(text)))
    return count_words / count + 100 * long_words / count_words, count_words, count, long_words


def detect_many(texts: Sequence[str], ctx: AnalysisContext) -> dict[int, list[Signal]]:
    """:func:`detect` for a chunk: nothing to do unless the kind is the organisation's own voice."""
    if ctx.kind not in KINDS:
        return {}
    out: dict[int, list[Signal]] = {}
    for i, text in enumerate(texts):
        found = list(detect(text, ctx))
        if found:
            out[i] = found
    return out


def detect(text: str, ctx: AnalysisContext) -> Iterator[Signal]:
    if ctx.kind not in KINDS:
        return
    # A text's words are its sentences' words and those between them: a sentence ends where whitespace
    # or the end of the text follows (or after a line break), so no sentence boundary splits a word,
    # and a text has a sentence where it has a word. The sentences that may be too long are counted one
    # by one and the text between them once (1 MB of joined comments counted its words twice, the
    # whole text and again each long sentence: 30 ms).
    spans = sentences(text)
    if not spans:
        return  # no word
    limit = ctx.sentence_words_max
    # words are split by whitespace: a shorter sentence cannot hold more than the limit
    long = [(s, e) for s, e in spans if (e - s + 1) // 2 > limit]
    counted = [words(text, s, e) for s, e in long]
    if not counted:
        count_words, long_words = words(text)
    else:
        count_words = sum(n for n, _ in counted)
        long_words = sum(k for _, k in counted)
        at = 0
        for s, e in long:
            n, k = words(text, at, s)
            count_words += n
            long_words += k
            at = e
        n, k = words(text, at)
        count_words += n
        long_words += k
    count = max(1, len(spans))
    value = count_words / count + 100 * long_words / count_words
    if value > ctx.lix_max and (count >= 2 or count_words >= 20):
        yield Signal(
            "readability",
            0,
            0,
            min(1.0, 0.5 + (value - ctx.lix_max) / 40),
            "readability.lix",
            {
                "subtype": "lix",
                "explanation": f"LIX {value:.0f} ({band(value)}) is above the limit {ctx.lix_max:g}",
                "lix": round(value, 1),
                "band": band(value),
                "max": ctx.lix_max,
                "words": count_words,
                "sentences": count,
                "long_words": long_words,
            },
        )
    for (s, e), (n, _) in zip(long, counted, strict=True):
        if n > limit:
            yield Signal(
                "readability",
                s,
                e,
                min(1.0, 0.5 + (n - limit) / (2 * limit)),
                "readability.sentence_length",
                {
                    "subtype": "long_sentence",
                    "explanation": f"a sentence of {n} words; the limit is {limit}",
                    "words": n,
                    "max": limit,
                },
            )
