"""The shared token pass of a chunk (``OffensiveModel.token_pass``) gives what the per-text paths give.

The classifier's margins of a whole chunk (``margins_many``) must be the very floats of ``margins`` text
by text (compared bit for bit: the order of additions decides them), the languages from the pass
(``detect_languages_in``) those of ``detect_language``, and ``detect_many`` given the margins the signals
it gives without them. The texts are generated to reach the edges: empty and blank texts, texts of more
tokens than the position-by-position sums cover, texts over the classifier's and the language votes'
character limits, e-mail and web addresses ("@" alone too), words never seen, "İ" and NUL (a chunk that
takes the per-text path), Danish and bokmål spelling under a Swedish pack (ties the spelling breaks).
"""

from __future__ import annotations

import random
import struct

import pytest

from rettesnor.analysis import analyse, analyse_many, language, offensive
from rettesnor.analysis.chunk import Chunk
from rettesnor.analysis.context import AnalysisContext

WORDS = (
    "jeg ikke hvad meget kommunen idiot fuck lort dumme svin hold kæft du er en klovn "
    "eg ikkje kva berre takk hjå øy gjør ei jag inte vad mycket själv för att är "
    "the and you people should shut up stupid moron hate kill dig din skide "
    "borgermøde skolen vej sag sjov hjælp tak! idiot!! (klovn) «svin» — 12 2024 4ss 1d1ot f*ck"
).split()
# Greek capitals (final sigma), a ligature, "ß", upper-case Nordic letters, whitespace that split() cuts
ODD = ("ΣΟΦΙΑΣ", "ΟΔΟΣ.", "naïve", "ﬁsk", "straße", "ÆØÅ", "ÄÖ", "\t", "\u00a0", "\u2003", "x\u200by")
ADDRESSES = (
    "post@hjoring.dk",
    "@USER",
    "https://kommune.dk/side?x=1",
    "www.example.org",
    "a.b+c@d-e.f.dk",
    "@",
)


def _text(rng: random.Random, fresh: int) -> str:
    shape = rng.random()
    if shape < 0.05:
        return rng.choice(("", " ", "\n\n", "   \t "))
    n = rng.choice((1, 3, 8, 20, 63, 64, 65, 120, 300)) if shape < 0.9 else rng.randint(700, 1200)
    words = []
    for _ in range(n):
        r = rng.random()
        if r < 0.04:
            words.append(rng.choice(ADDRESSES))
        elif r < 0.06:
            words.append(rng.choice(ODD))
        elif r < 0.08:
            words.append(f"ord{fresh}x{rng.randrange(10**6)}")  # a token never seen before
        else:
            w = rng.choice(WORDS)
            words.append(w.upper() if r < 0.12 else w.capitalize() if r < 0.2 else w)
    return rng.choice((" ", "  ", "\n", " \t")).join(words)


def _chunk(seed: int, size: int = 80) -> list[str]:
    rng = random.Random(seed)
    texts = [_text(rng, seed) for _ in range(size)]
    texts[rng.randrange(size)] = "ord " * 6000  # over MAX_CHARS: only its start is classified
    texts[rng.randrange(size)] = "hjælp øy " * 300  # over the 2,000 characters of the language votes
    return texts


def _bits(values: list[float]) -> bytes:
    return struct.pack(f"{len(values)}d", *values)


needs_sequential_sum = pytest.mark.skipif(
    not offensive._SEQUENTIAL_SUM, reason="sum() compensates from Python 3.12 on: margins text by text"
)


@needs_sequential_sum
@pytest.mark.parametrize("seed", range(6))
def test_margins_of_a_chunk_are_the_same_floats(seed: int) -> None:
    m = offensive.model()
    texts = _chunk(seed)
    if seed == 4:
        texts[3] += " İ"  # lower-casing moves offsets: the whole chunk goes text by text
    if seed == 5:
        texts[7] += "\x00"  # NUL: no joined form
    scored = m.margins_many(Chunk(texts))
    assert scored is not None
    for text, row in zip(texts, scored.tolist(), strict=True):
        assert _bits(row) == _bits(m.margins(text)), text[:60]


@needs_sequential_sum
def test_margins_after_the_tables_are_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    m = offensive.model()
    monkeypatch.setattr(offensive, "_CACHE_MAX", 50)  # cleared before nearly every chunk
    for seed in (10, 11, 12):
        texts = _chunk(seed, 40)
        scored = m.margins_many(Chunk(texts))
        assert scored is not None
        assert [_bits(r) for r in scored.tolist()] == [_bits(m.margins(t)) for t in texts]
    monkeypatch.undo()
    m._table = None  # the next chunk starts the tables afresh, at their full bound


def test_a_small_chunk_is_scored_text_by_text() -> None:
    assert offensive.model().margins_many(Chunk(["hej", "din idiot"])) is None


def test_no_chunk_margins_where_sum_compensates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offensive, "_SEQUENTIAL_SUM", False)  # Python 3.12 and later
    assert offensive.model().margins_many(Chunk(_chunk(40, 40))) is None
    texts = _chunk(41, 40)
    ctx = AnalysisContext(kind="comment", language="da", country="DK")
    assert [[(s.name, s.score) for s in sigs] for sigs in analyse_many(texts, ctx)] == [
        [(s.name, s.score) for s in analyse(t, ctx)] for t in texts
    ]


@pytest.mark.parametrize("country", ["DK", "NO", "SE", "FI"])
def test_languages_from_the_token_pass(country: str) -> None:
    for seed in (20, 21, 22):
        texts = _chunk(seed)
        texts += ["hjælp mig med det", "hjelp meg med det", "jeg vil ikke", "øjne og hed", "kj gj øy tt"]
        indices = list(range(0, len(texts), 1 if seed != 21 else 3))
        expected = [language.detect_language(texts[i], country) for i in indices]
        assert language.detect_languages_in(Chunk(texts), indices, country) == expected


def test_signals_with_and_without_the_chunk_margins() -> None:
    texts = _chunk(30, 120) + ["din dumme idiot, hold kæft", "skide svin, jeg slår dig ihjel"] * 20
    for lang in ("da", "sv"):
        ctx = AnalysisContext(kind="comment", language=lang, country="DK")
        batch = analyse_many(texts, ctx)  # the chunk's margins, from its token pass
        found = {i: [s for s in sigs if s.detector != offensive.DETECTOR] for i, sigs in enumerate(batch)}
        found = {i: f for i, f in found.items() if f}
        plain = offensive.detect_many(texts, ctx, found)  # text by text
        for i, sigs in enumerate(batch):
            mine = [s for s in sigs if s.detector == offensive.DETECTOR]
            theirs = plain.get(i, [])
            assert [(s.name, s.score, dict(s.evidence)) for s in mine] == [
                (s.name, s.score, dict(s.evidence)) for s in theirs
            ]
