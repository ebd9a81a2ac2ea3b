"""Readability of the organisation's own texts: LIX and over-long sentences (Hustadvika 2o).

LIX (Björnsson) = words / sentences + 100 × long words / words, where a long word has more than six
letters. Bands: under 25 very easy, 25–34 easy, 35–44 medium, 45–54 hard, 55 and over very hard.

Only the organisation's own voice is graded (official posts, replies, account profiles): a citizen's
comment is not ours to grade. Sentences end at ``!`` / ``?``, at ``.`` / ``:`` unless a lower-case
word or a number follows ("kl. 10", "bl.a. de"), and at line breaks (posts often lack full stops).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import islice

from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal

KINDS: frozenset[str] = frozenset({"official_post", "reply", "account_profile"})
BANDS: tuple[tuple[float, str], ...] = ((25, "very easy"), (35, "easy"), (45, "medium"), (55, "hard"))

_ALNUM = re.compile(r"[^\W_]")
# The whitespace (str.isspace) other than a space or a line break, spelled out: a set of characters
# is scanned for much faster than a category (5 ms on 1 MB). A test holds it to str.isspace.
_ODD_SPACES = "\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ODD_SPACE = re.compile(f"[{_ODD_SPACES}]")
_ODD_ASCII = "\t\x0b\x0c\r\x1c\x1d\x1e\x1f"
_ODD_MAX = 1000
# A longer sentence with few spaces is counted, not looked up among the other whitespace: one scan of
# a whole text for that whitespace costs 2 ms a megabyte, more than counting a text without spaces.
_FEW_SPACES_MAX = 4096
_LONG = re.compile(r"[^\W\d_]{7}")  # more than six letters in a row
# A sentence end (a line break, or a run of ".!?:" before whitespace or the end) and the whitespace
# after it, so that the next sentence starts where the match ends (no slicing or strip loops per
# sentence). Group 1: at most 39 spaces or tabs before a non-space (the character that may make
# "kl. 10" go on, as the 40 characters looked at before); group 2: any other whitespace. Starts with a
# character set, so the scan skips plain text quickly (a group around it costs 2 ms on 1 MB of "a.").
_END = re.compile(r"[.!?:\n](?:(?<=\n)|[.!?:]*+(?=\s|$))(?:([ \t]{0,39}+)(?=\S)|(\s*+))")


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
    start = len(text) - len(text.lstrip())
    alnum = _ALNUM.search
    for m in _END.finditer(text):
        spaces, other = m.groups()
        after = m.end()
        first = text[m.start()]
        if spaces is None:
            end = after - len(other)
        else:
            end = after - len(spaces)
            if first in ".:":
                c = text[after]  # the first character after the spaces: there is one (?=\S)
                if c.islower() or c.isdigit():
                    continue  # "kl. 10", "bl.a. de": not the end of a sentence
        if first == "\n":  # the span ends before the line break and the whitespace before it
            end -= 1
            while end > start and text[end - 1].isspace():
                end -= 1
        if start < end and alnum(text, start, end):
            spans.append((start, end))
        start = after
    end = len(text)
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and alnum(text, start, end):
        spans.append((start, end))
    return spans


def _long_sentences(
    text: str, spans: Sequence[tuple[int, int]], limit: int
) -> list[tuple[int, int, int, int]]:
    """The sentences that may have more than ``limit`` words, with their (words, long words). Most
    sentences are ruled out without counting: a word and the whitespace after it take two characters,
    and a sentence has at most one word more than it has spaces, unless other whitespace than a space
    stands in it (a line break never does: it ends the sentence)."""
    out: list[tuple[int, int, int, int]] = []
    odd: list[int] | None = None  # where whitespace other than a space or line break is, the first ones
    for s, e in spans:
        if (e - s + 1) // 2 <= limit:
            continue
        if text.count(" ", s, e) < limit and e - s <= _FEW_SPACES_MAX:
            if odd is None:
                odd = _odd_spaces(text)
            if not odd:
                continue
            i = bisect_left(odd, s)
            inside = i < len(odd) and odd[i] < e
            unknown = len(odd) == _ODD_MAX and e - 1 > odd[-1]  # past the positions looked for
            if not inside and not unknown:
                continue
        out.append((s, e, *words(text, s, e)))
    return out


def _odd_spaces(text: str) -> list[int]:
    """Where the first ``_ODD_MAX`` characters of whitespace other than a space or line break are. An
    ASCII text is first asked for each of its eight such characters (a fast search each; the scan
    costs 3 ms a megabyte)."""
    if text.isascii() and not any(c in text for c in _ODD_ASCII):
        return []
    return [m.start() for m in islice(_ODD_SPACE.finditer(text), _ODD_MAX)]


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
    spans = sentences(text)
    if not spans:
        return  # no word
    limit = ctx.sentence_words_max
    # A text's words are its sentences' words and those between them: a sentence ends where whitespace
    # or the end of the text follows (or after a line break), so no sentence boundary splits a word,
    # and a text has a sentence where it has a word. The sentences that may be too long are counted one
    # by one and the text between them once.
    long = _long_sentences(text, spans, limit)
    if not long:
        count_words, long_words = words(text)
    else:
        count_words = sum(x[2] for x in long)
        long_words = sum(x[3] for x in long)
        at = 0
        for s, e, _, _ in long:
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
    for s, e, n, _ in long:
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
