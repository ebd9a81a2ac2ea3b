"""LIX and sentence length for the organisation's own texts (Hustadvika 2o)."""

from __future__ import annotations

import time

import pytest

from rettesnor.analysis import readability
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal
from support.worstcase import GUARD_S

# Counted by hand:
#   "Kommunen åbner en ny legeplads i parken."          7 words, long (>6 letters): Kommunen, legeplads
#   "Alle børn er velkomne til indvielsen på lørdag."   8 words, long: velkomne, indvielsen
#   ("parken" and "lørdag" have exactly six letters: not long)
#   LIX = 15 / 2 + 100 * 4 / 15 = 7.5 + 26.667 = 34.17  → "easy" (25–34)
KNOWN = "Kommunen åbner en ny legeplads i parken. Alle børn er velkomne til indvielsen på lørdag."


def detect(text: str, kind: str = "official_post", **kw: object) -> list[Signal]:
    ctx = AnalysisContext(kind=kind, language="da", country="DK", **kw)  # type: ignore[arg-type]
    return list(readability.detect(text, ctx))


def test_lix_by_hand() -> None:
    value, words, sentences, long_words = readability.lix(KNOWN)
    assert (words, sentences, long_words) == (15, 2, 4)
    assert value == pytest.approx(15 / 2 + 100 * 4 / 15)
    assert readability.band(value) == "easy"


def test_lix_signal_above_the_limit() -> None:
    [sig] = detect(KNOWN, lix_max=30)
    assert sig.name == "readability" and (sig.start, sig.end) == (0, 0)
    assert sig.evidence["subtype"] == "lix"
    assert sig.evidence["lix"] == pytest.approx(34.2)
    assert sig.evidence["band"] == "easy"
    assert (sig.evidence["words"], sig.evidence["sentences"], sig.evidence["long_words"]) == (15, 2, 4)
    assert detect(KNOWN, lix_max=45) == []


@pytest.mark.parametrize(
    ("lix", "band"),
    [
        (0, "very easy"),
        (24.9, "very easy"),
        (25, "easy"),
        (34.9, "easy"),
        (35, "medium"),
        (44.9, "medium"),
        (45, "hard"),
        (54.9, "hard"),
        (55, "very hard"),
        (80, "very hard"),
    ],
)
def test_bands(lix: float, band: str) -> None:
    assert readability.band(lix) == band


def test_hard_text_needs_two_sentences_or_twenty_words() -> None:
    short_hard = "Sagsbehandlingsfristerne forlænges."
    assert readability.lix(short_hard)[0] > 55
    assert detect(short_hard) == []
    two = "Sagsbehandlingsfristerne forlænges midlertidigt. Dokumentationskravene skærpes betydeligt."
    assert [s.evidence["band"] for s in detect(two)] == ["very hard"]


def test_only_the_organisations_own_texts() -> None:
    hard = "Sagsbehandlingsfristerne forlænges midlertidigt. Dokumentationskravene skærpes betydeligt."
    for kind in ("official_post", "reply", "account_profile"):
        assert detect(hard, kind)
    for kind in ("comment", "private_post", "internal_message", "image"):
        assert detect(hard, kind) == []


def test_long_sentence_span() -> None:
    long_one = "Ord " + " ".join(["ord"] * 29) + "."
    text = f"Kort sætning her. {long_one} Endnu en kort."
    sigs = [s for s in detect(text, sentence_words_max=25) if s.evidence["subtype"] == "long_sentence"]
    assert len(sigs) == 1
    assert text[sigs[0].start : sigs[0].end] == long_one
    assert sigs[0].evidence["words"] == 30
    assert [s for s in detect(text, sentence_words_max=30) if s.evidence["subtype"] == "long_sentence"] == []


def test_sentence_ends() -> None:
    text = "Vi åbner kl. 10 i dag, bl.a. med kaffe. Kom og se!\nTilmeld dig her: Det er gratis"
    spans = [text[s:e] for s, e in readability.sentences(text)]
    assert spans == [
        "Vi åbner kl. 10 i dag, bl.a. med kaffe.",
        "Kom og se!",
        "Tilmeld dig her:",
        "Det er gratis",
    ]
    assert readability.sentences("") == []
    assert readability.sentences("... !!! ") == []


def test_lix_of_nothing() -> None:
    assert readability.lix("") == (0.0, 0, 0, 0)
    assert detect("!!!") == []


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000,
        "a. " * 333_333,
        "Ord " * 250_000,
        ". " * 500_000,
        "\n" * 1_000_000,
        "Langeord. " * 100_000,
    ],
)
def test_one_megabyte_in_under_a_second(text: str) -> None:
    t0 = time.perf_counter()
    detect(text)
    assert time.perf_counter() - t0 < GUARD_S


def test_the_words_of_a_text_are_those_of_its_sentences() -> None:
    # detect counts a text's words in its long sentences and between them: that is words() of the whole
    # text only if no sentence's start or end splits a word.
    import itertools
    import random

    rng = random.Random(23)
    pieces = [
        *"ab Å1_-.,!?:;\n\t\u00a0\u2003é²٣*",
        "kl. 10",
        "bl.a. de",
        "...",
        "Hej!",
        "x.y",
        "lang1ordet",
        "indvielsen.",
    ]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        spans = readability.sentences(text)
        cuts = [0, *(x for span in spans for x in span), len(text)]  # every sentence's start and end
        parts = [readability.words(text, a, b) for a, b in itertools.pairwise(cuts)]
        assert readability.words(text) == (sum(n for n, _ in parts), sum(k for _, k in parts)), repr(text)
        assert all(readability.words(text, s, e)[0] > 0 for s, e in spans), repr(text)  # each holds a word
        assert (readability.words(text)[0] > 0) == bool(spans)
