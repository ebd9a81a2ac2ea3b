"""The fast paths of readability and the lexicon's mention test, held to the plain loops they replaced
(kept here as references) on generated texts: sentence ends, "kl. 10", "bl.a.", line breaks, NUL,
runs of spaces, other whitespace, non-ASCII digits and letters."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from rettesnor.analysis import lexicon, readability
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal

_ALNUM = re.compile(r"[^\W_]")
_LONG = re.compile(r"[^\W\d_]{7}")
_END = re.compile(r"[.!?:\n](?:(?<=\n)|[.!?:]*+(?=\s|$))")


def ref_words(text: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
    n = long_words = 0
    for tok in text[start:end].split():
        if not (tok[0].isalnum() or tok[-1].isalnum()) and not _ALNUM.search(tok):
            continue
        n += 1
        if len(tok) > 6 and _LONG.search(tok):
            long_words += 1
    return n, long_words


def _ref_add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and _ALNUM.search(text, start, end):
        spans.append((start, end))


def ref_sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _END.finditer(text):
        end = m.end()
        if text[m.start()] in ".:" and end < n:
            rest = text[end : end + 40].lstrip(" \t")
            if rest and (rest[0].islower() or rest[0].isdigit()):
                continue
        _ref_add(text, start, end, spans)
        start = end
    _ref_add(text, start, n, spans)
    return spans


def ref_long(text: str, limit: int) -> list[tuple[int, int, int]]:
    """(start, end, words) of each sentence over the limit, the plain way."""
    out = []
    for s, e in ref_sentences(text):
        n = ref_words(text, s, e)[0]
        if n > limit:
            out.append((s, e, n))
    return out


# the pieces of the generated texts, "|"-separated (a run of 41 spaces outlasts the "kl. 10" look-ahead)
_PIECES = [
    *(
        "Hej|kommunen|Borgerservice|idrætshallerne|kl.|10|bl.a.|de|e-mail|a|.|. |! |? |: |...|?!|.\n|\n|"
        "\n\n| |  |\t|\xa0|\u3000|\u2028|\r\n|\x00|٣|²|ⅰ|ⓐ|Æblegrød|øl|🙂|-|–|«|»|_|__|(|)|#|"
        "https://x.dk/a.b|Ærø:|ÅRHUS.|xxxxxxxxx|1.|2:|3. maj"
    ).split("|"),
    " " * 41,
]


def _texts(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        parts = rng.choices(_PIECES, k=rng.randint(0, 120))
        yield "".join(p + rng.choice(("", " ", " ", " ", "\n", "\t")) for p in parts)


@pytest.mark.parametrize("seed", range(4))
def test_sentences_and_words_as_the_loops(seed: int) -> None:
    for text in _texts(seed, 500):
        assert readability.sentences(text) == ref_sentences(text), repr(text)
        assert readability.words(text) == ref_words(text), repr(text)
        for s, e in ref_sentences(text)[:3]:
            assert readability.words(text, s, e) == ref_words(text, s, e)


@pytest.mark.parametrize("limit", [1, 3, 8])
def test_long_sentences_as_the_loops(limit: int) -> None:
    for text in _texts(limit, 500):
        spans = readability.sentences(text)
        found = readability._long_sentences(text, spans, limit)
        assert [(s, e, n) for s, e, n, _ in found if n > limit] == ref_long(text, limit), repr(text)
        assert all((n, k) == ref_words(text, s, e) for s, e, n, k in found)


def test_long_sentences_past_the_odd_spaces_looked_for() -> None:
    # more tabs than the positions collected: the sentences after them are counted, not ruled out
    text = "\t" * (readability._ODD_MAX + 5) + "a\tb\tc\td\te\tf\tg\th.\n" * 3
    spans = readability.sentences(text)
    found = readability._long_sentences(text, spans, 3)
    assert [(s, e, n) for s, e, n, _ in found if n > 3] == ref_long(text, 3)
    assert len(ref_long(text, 3)) == 3


def test_long_sentence_without_spaces_is_counted() -> None:
    # past _FEW_SPACES_MAX characters a sentence is counted rather than looked up among the odd spaces
    text = "ord\t" * 2000 + "slut."
    spans = readability.sentences(text)
    assert [(s, e, n) for s, e, n, _ in readability._long_sentences(text, spans, 25)] == ref_long(text, 25)


def test_odd_spaces_of_an_ascii_text() -> None:
    assert set(readability._ODD_ASCII) == {c for c in map(chr, range(128)) if c.isspace()} - {" ", "\n"}
    assert readability._odd_spaces("a b\nc") == []
    assert readability._odd_spaces("a\rb c\x1f") == [1, 5]
    assert readability._odd_spaces("æ\u3000b") == [1]


def test_odd_spaces_are_the_whitespace_but_space_and_line_break() -> None:
    every = (chr(c) for c in range(0x110000))
    assert {c for c in every if c.isspace()} - {" ", "\n"} == {
        c for c in (chr(x) for x in range(0x110000)) if readability._ODD_SPACE.match(c)
    }


def _ref_signals(text: str, ctx: AnalysisContext) -> tuple[int, int, list[tuple[int, int, int]]]:
    n, k = ref_words(text)
    return n, k, ref_long(text, ctx.sentence_words_max)


@pytest.mark.parametrize("seed", range(2))
def test_detect_as_the_loops(seed: int) -> None:
    ctx = AnalysisContext(kind="official_post", language="da", country="DK", sentence_words_max=6, lix_max=20)
    for text in _texts(100 + seed, 300):
        found: list[Signal] = list(readability.detect(text, ctx))
        n, k, long = _ref_signals(text, ctx)
        lix = [s for s in found if s.detector == "readability.lix"]
        if lix:
            assert (lix[0].evidence["words"], lix[0].evidence["long_words"]) == (n, k)
        got = [(s.start, s.end, s.evidence["words"]) for s in found if s.detector != "readability.lix"]
        assert got == long, repr(text)


def ref_mentioned(text: str, low: str, s: int, e: int) -> bool:
    quotes = lexicon._QUOTES
    i = s - 1
    lo = max(0, s - lexicon._QUOTE_REACH)
    while i >= lo and text[i] not in quotes and text[i] not in ".!?\n":
        i -= 1
    if i < lo or text[i] not in quotes:
        return False
    j, hi = e, min(len(text), e + lexicon._QUOTE_REACH)
    while j < hi and text[j] not in quotes and text[j] not in ".!?\n":
        j += 1
    if j >= hi or text[j] not in quotes:
        return False
    cue = lexicon._MENTION_CUE.search(low, max(0, i - 40), i)
    return cue is not None and lexicon._ADDRESSEE.search(cue.group()) is None


def test_mentioned_as_the_loop() -> None:
    rng = random.Random(7)
    pieces = "kaldt |ordet |dig |idiot| |\"|'|«|»|“|”|.|!|\n|ab|\x00".split("|")
    seen = set()
    for _ in range(300):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 40)))
        low = text.lower()
        for s in range(len(text)):
            for e in (s, min(len(text), s + 5)):
                expected = ref_mentioned(text, low, s, e)
                seen.add(expected)
                assert lexicon._mentioned(text, low, s, e) == expected, (text, s, e)
    assert seen == {True, False}
