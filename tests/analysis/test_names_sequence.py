"""The chunk-level name tagger (``TokenSequence``, ``Model.tag_sequence``) against the text-by-text
path it replaced (``tokenize``, ``Model.tag``, ``LazyStarts``): the same signals, on texts built to hit
its edges (line breaks between the words of a name, particles, handles, initials at a text's end,
runs longer than ``_MAX_RUN``, more candidates than ``_MAX_SCORED``, NUL inside a text, empty texts)."""

from __future__ import annotations

import math
import random
import re

import pytest

from rettesnor.analysis import names
from rettesnor.analysis.chunk import Chunk
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal

DA = AnalysisContext(kind="comment", language="da", country="DK", organisation_names=("Hjørring Kommune",))

_PIECES = (
    "Jens", "Pedersen", "Anna-Sofie", "Bech-Nielsen", "mette", "Mette", "Kari", "Nordmann", "von", "de",
    "van", "P.", "J.", "hr.", "borgmester", "Borgmester", "S-borgmester", "kulturminister", "sagde",
    "naboen", "min", "nabo", "Hej", "mvh", "og", "til", "det", "er", "Det", "Kommunen", "kommune",
    "Hjørring", "@jens_p1987", "@Kommunen", "@realDonaldTrump", "@larsloekke", "@", "Larsen-koncerten",
    "Trump's", "Løkkes", "sandgaard", "IPHONE", "iPhone", "McDonald", "al-Assad", "1234", "12-34", "x",
    "Skole", "ApS", ".", ",", "!", "?", ":", "-", "–", "…", "(", ")", '"', "«", "»", "'", "*", "•",
    "😀", "İstanbul", "Ærø", "ÅSE", "a@b.dk", "jens.pedersen@hjoring.dk",
)  # fmt: skip
_GAPS = (" ", " ", " ", " ", "", "\n", "\r\n", "\n\n", "  ", "\t", " \n ")


def _text(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(0, 25)):
        parts.append(rng.choice(_PIECES))
        parts.append(rng.choice(_GAPS))
    return "".join(parts)


def _texts() -> list[str]:
    rng = random.Random(17)
    texts = [_text(rng) for _ in range(1500)]
    texts += [
        "",
        " ",
        "\n",
        "Jens",
        "P.",
        "Hej P.",
        "Jens\nPedersen sagde det",
        "kl.\nJens Pedersen",
        "von\nPedersen",
        "de\n",
        " ".join(["Jens", "Pedersen", "Hansen"] * 30),  # a run longer than _MAX_RUN
        "Anna Berg @kari_nordmann Pedersen @Kommunen Jens",
    ]
    return texts


def _reference(text: str, ctx: AnalysisContext) -> list[Signal]:
    """``detect`` as it was before the chunk-level tagger: every token a tuple, every text alone."""
    if not text:
        return []
    tokens = names.tokenize(text)
    if not tokens:
        return []
    starts = names.LazyStarts(text, tokens)
    out: list[Signal] = []
    covered: set[int] = set()
    for i, j, prob in names.model().tag(tokens, starts):
        covered.update(range(i, j))
        if not names._ends_person(tokens[j][2] if j < len(tokens) else None, j - i == 1):
            continue
        sig = names._signal(text, tokens[i:j], prob, starts[i])
        if sig is None:
            continue
        if ctx.organisation_names and any(text[sig.start : sig.end] in o for o in ctx.organisation_names):
            continue
        out.append(sig)
        if len(out) >= names._MAX_SIGNALS:
            return out
    if "@" in text:
        for k, (s, e, w) in enumerate(tokens):
            if w[0] == "@" and k not in covered and names._handle_given(w) and not names._in_address(text, s):
                out.append(names._mention(text, s, e, None))
        out.sort(key=lambda sig: sig.start)
    return out[: names._MAX_SIGNALS]


@pytest.mark.parametrize("derived", [False, True])
def test_the_sequence_tokeniser_gives_the_tokens_of_tokenize(derived: bool) -> None:
    pattern = names._TOKEN_NL
    if derived:  # the form used where _TOKEN was changed
        pattern = re.compile(rf"[^\S\n]*+({names._TOKEN.pattern}|\n)")
    units = ("a@", "12-", "Ja. ", "a.", "P.P.", "@a.b.", "x'y’z-w", "--", "\r\n", "İ", "0 -+./()@:")
    texts = _texts() + [u * 50 for u in units]
    for text in texts:
        found = pattern.findall(text)
        assert [w for w in found if w != "\n"] == [t[2] for t in names.tokenize(text)], text
        assert found.count("\n") == text.count("\n")


def test_the_sequence_holds_every_token_and_line_break_of_each_text() -> None:
    texts = ["Hej Jens.\nP. Hansen", "", "a\n\nb", "x"]
    seq = names.TokenSequence(Chunk(texts), names.model())
    for t, text in enumerate(texts):
        inner = seq.items[seq.bounds[t] + 1 : seq.bounds[t + 1]]
        assert [w for w in inner if w != "\n"] == [tok[2] for tok in names.tokenize(text)]
        assert inner.count("\n") == text.count("\n") + (1 if t > 0 else 0) + (1 if t < len(texts) - 1 else 0)
        assert list(seq.tokens(t, text)) == names.tokenize(text)
    assert seq.items[0] is None and seq.items[-1] is None


def test_detect_and_detect_many_give_what_the_text_by_text_tagger_gave() -> None:
    texts = _texts()
    many = names.detect_many(texts, DA)
    differ = []
    for i, text in enumerate(texts):
        want = _reference(text, DA)
        if names.detect(text, DA) != want or many.get(i, []) != want:
            differ.append(text)
    assert not differ, differ[:5]
    assert sum(len(v) for v in many.values()) > 1000  # the texts hold names: the comparison means something


def test_a_chunk_with_nul_in_a_text_is_tagged_text_by_text() -> None:
    texts = ["Min nabo Jens\x00 Pedersen larmer", "Hej Kari Nordmann", "\x00"]
    chunk = Chunk(texts)
    assert not chunk.joinable
    many = names.detect_many(chunk, DA)
    assert {i: v for i, v in many.items()} == {
        i: _reference(t, DA) for i, t in enumerate(texts) if _reference(t, DA)
    }


@pytest.mark.parametrize("unit", ["Jens ", "@jens_p1987 ", "a@", "Hej Jens Pedersen.\n"])
def test_texts_past_the_bounds_give_what_the_text_by_text_tagger_gave(unit: str) -> None:
    text = unit * (25_000 // len(unit) * 2)  # more candidates than _MAX_SCORED, signals past _MAX_SIGNALS
    assert names.detect(text, DA) == _reference(text, DA)
    assert names.detect_many([text, "Jens Pedersen"], DA).get(0, []) == _reference(text, DA)


@pytest.mark.parametrize(("rare_max", "rounds"), [(4096, 8), (0, 8), (4096, 0), (4096, 1), (10**6, 2)])
def test_text_tokens_give_the_positions_of_tokenize_in_any_order(
    rare_max: int, rounds: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long steps are found by counting blanks, falling back to the regex where a text holds more than
    # _RARE_MAX blanks other than " " and "\n" (0: always) or counting has not reached the position
    # after _COUNT_ROUNDS rounds (0, 1: nearly always; texts of mostly blanks below).
    monkeypatch.setattr(names, "_RARE_MAX", rare_max)
    monkeypatch.setattr(names, "_COUNT_ROUNDS", rounds)
    # Blanks of every kind (no-break, ideographic, separators \x1c-\x1f, line and paragraph separators),
    # characters that are neither word nor blank (a combining accent alone, a zero-width space, an
    # emoji), initials and handles: the positions found by passing non-blank characters are finditer's.
    rng = random.Random(4)
    alphabet = [*"aZæ1_ .-'’@P\n\t", "\u00a0", "\u3000", "\x1c", "\u2028", "\u0301", "\u200b", "😀", "Ø."]
    for n in range(400):
        # a few long texts, whose tokens lie more than _SKIP_EXACT non-blank characters apart
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60) if n % 50 else 5000))
        if n % 25 == 1:  # mostly blanks: counting rises slowly
            text = "".join(rng.choice((" ", " ", " ", "\n", "\u00a0", "\t", "a", "Ø.")) for _ in range(3000))
        if n % 7 == 0:
            text = rng.choice(_PIECES) + "\u00a0" * rng.randint(0, 3) + text
        expected = names.tokenize(text)
        tokens = names.TextTokens(text, [t[2] for t in expected])
        order = list(range(len(expected)))
        rng.shuffle(order)
        for k in order[: len(order) // 2]:
            assert tokens[k] == expected[k], (text, k)
        if expected:
            i = rng.randrange(len(expected))
            j = rng.randint(i + 1, len(expected))
            assert tokens.run(i, j) == expected[i:j], text
        assert list(tokens) == expected, text
        with pytest.raises(IndexError):
            tokens[len(expected)]


@pytest.mark.parametrize("threshold", [0.05, 0.3, 0.5, 0.9])
def test_a_candidate_skipped_by_the_bound_is_no_name_by_the_marginals(threshold: float) -> None:
    # The single-candidate path of tag_sequence stops early where _below says O for certain; the
    # forward-backward of the same scores (Model.marginals, the reference) must then give no name,
    # and right at the bound the margin is still there.
    model = names.model()
    et = model.exp_transitions
    to_o, from_o = (et[0][0], et[1][0], et[2][0]), (et[0][0], et[0][1], et[0][2])
    below = names._below(to_o, from_o, threshold)
    rng = random.Random(9)
    skipped = 0
    for _ in range(4000):
        after_o, before_o = rng.random() < 0.5, rng.random() < 0.5
        lo1, lo2 = below[after_o + 2 * before_o]
        s0 = rng.uniform(-20, 20)
        if rng.random() < 0.5:  # at the bound itself
            s1, s2 = s0 + lo1 - 1e-9, s0 + lo2 - 1e-9 * rng.random()
        else:
            s1, s2 = s0 + rng.uniform(-12, 8), s0 + rng.uniform(-12, 8)
        if s1 - s0 < lo1 and s2 - s0 < lo2:
            skipped += 1
            probs = model.marginals([[s0, s1, s2]], after_o=after_o, before_o=before_o)
            name = 1.0 - probs[0][0]
            # the odds of a name under those of the threshold by the margin (a factor e, > 2.5)
            assert name / (1.0 - name) < threshold / (1.0 - threshold) / 2.5, (s0, s1, s2, after_o, before_o)
    assert skipped > 1000
    assert names._below(to_o, from_o, 0.0) == [(-math.inf, -math.inf)] * 4


def test_the_handles_of_a_text_are_its_tokens_that_start_with_an_at() -> None:
    rng = random.Random(5)
    alphabet = [*"aZ1_ .-@@\n", "\u00a0", "æ", "'", "Ø."]
    texts = ["a@b.dk.", "@@x", "@.", "@_", "x@", "mail: jens.p@hjoring.dk, @Kommunen!", "@jens_p1987."]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(600)]
    seq = names.TokenSequence(texts, names.model())  # the texts of a chunk, and each alone
    for t, text in enumerate(texts):
        expected = {tok[2] for tok in names.tokenize(text) if tok[2].startswith("@")}
        assert seq.handles(t) == expected, text
        assert names.TokenSequence([text], names.model()).handles(0) == expected, text
        assert names._at_words([tok[2] for tok in names.tokenize(text)]) == expected, text


def test_a_neighbour_s_cached_sums_are_those_of_its_features_at_each_offset() -> None:
    # Model._near shares what a word gives at every offset (_context_parts) between the offsets;
    # the sums must be those of context_features, the reference, offset by offset (a fresh model).
    model = names.Model(
        names.json.loads((names.files("rettesnor") / "models" / names.MODEL_FILE).read_text("utf-8"))
    )
    for word in ("borgmester", "Pedersen", "@jens_p1987", "Løkkes", "3", ".", None, "naboen", "IPHONE"):
        for offset in (2, -1, 1, -2, -1):
            features = names.context_features(word, offset, model.freq, model.wide)
            assert model._near(word, offset) == model._sum(features), (word, offset)


def _fresh_model() -> names.Model:
    return names.Model(
        names.json.loads((names.files("rettesnor") / "models" / names.MODEL_FILE).read_text("utf-8"))
    )


def _words(n: int) -> list[str]:
    """Words of every kind: the edge pieces, the model's own feature words in several cases, and
    random strings of letters, digits and signs (new words, whose shape and lists vary)."""
    rng = random.Random(11)
    model = names.model()
    known = sorted(k.split("=", 1)[1] for k in model.weights if k.startswith(("w=", "-1w=", "+2w=")))
    words = [p for p in _PIECES if p.strip()]
    for w in rng.sample(known, 1500):
        words += [w, w.capitalize(), w.upper(), w + "s", w + "'s"]
    alphabet = [*"abcæøåZÆØ19_-'’.@", "ß", "İ", "😀"]
    words += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(n)]
    return [w for w in words if w]


def test_a_neighbour_s_sum_from_its_shared_rest_is_that_of_its_features() -> None:
    # Model._context_sum adds the word's own weight and then the weights of its other features,
    # looked up once per (offset, shape, lists, wide bits, frequency, case): exactly the floats of
    # _sum over context_features, for new words and at every offset, also at offsets outside CONTEXT.
    model = _fresh_model()
    words = [*_words(3000), None]
    for word in words:
        for offset in (-2, -1, 1, 2, 3):
            features = names.context_features(word, offset, model.freq, model.wide)
            parts = names._context_parts(word, model.freq, model.wide)
            assert model._context_sum(parts, offset) == model._sum(features), (word, offset)
            if offset in names.CONTEXT:
                assert model._near(word, offset) == model._sum(features), (word, offset)
    assert 0 < len(model._rest) < len(words) * 5 / 4  # shared between words


def test_the_rare_blanks_are_the_blanks_other_than_space_and_line_break() -> None:
    # _RARE_BLANK lists the characters of [^\S \n]; a blank it missed would be counted as non-blank.
    rare = "".join(c for c in map(chr, range(0x110000)) if c.isspace() and c not in " \n")
    assert "".join(names._RARE_BLANK.findall("".join(map(chr, range(0x110000))))) == rare
    assert re.findall(r"[^\S \n]", rare) == list(rare)


@pytest.mark.parametrize(("block", "steps"), [(1, 4096), (7, 3), (60, 4096), (5000, 4096)])
def test_a_long_text_tokenised_block_by_block_gives_what_the_text_by_text_tagger_gave(
    block: int, steps: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every text alone in its chunk is tokenised lazily here (_LAZY_FROM 0), in blocks of a few
    # characters (each up to the next blank), with the margin of words after a candidate found within
    # `steps` items (3: nearly never, so the next block is read); texts past the bounds (full at 1,000
    # names; 20,000 candidates scored, with and without handles read on), line breaks in long runs.
    monkeypatch.setattr(names, "_LAZY_FROM", 0)
    monkeypatch.setattr(names, "_BLOCK", block)
    monkeypatch.setattr(names, "_MARGIN_STEPS", steps)
    texts = _texts()[:: 3 if block < 10 else 1]
    texts += ["Jens Pedersen\n" + "\n" * 300 + " Hansen sagde\n\n\nKari", "Jens " * 200 + "\n" * 50 + "Kari"]
    if block > 50:  # full at 1,000 names; 20,000 candidates scored without and with handles to read on
        texts += [u * (25_000 // len(u) * 2) for u in ("Jens ", "@jens_p1987 ", "Ja. Jens @x. ")]
        texts += ["Ja. " * 25_000, "Ja. @x " * 12_000, "Ja. @jens_p1987 " * 12_000]
    differ = [text for text in texts if names.detect(text, DA) != _reference(text, DA)]
    assert not differ, differ[:5]
    long = names.TokenSequence(["Jens Pedersen sagde hej til Kari. " * 400], names.model())
    assert long.more  # the sequence above was read by blocks


def test_the_classes_of_new_words_are_filled_in_as_classified() -> None:
    # Model.classes fills in the tokens of words not seen before one by one where they are few, and by
    # another pass where they are many: both give _classify of every word (0 for None and line breaks).
    model = _fresh_model()
    words = _words(500)
    few = [None, *words[:50], "\n", None]
    many = [None, *(w for w in words for _ in range(3)), "\n", None]
    mostly_known = [None, *few[1:-1] * 20, "Ny", "Nyere", None]
    for items in (few, many, mostly_known):
        want = [0 if w is None or w == "\n" else model._classify(w) for w in items]
        assert model.classes(list(items)) == want
        assert model.classes(list(items)) == want  # now from the cache
