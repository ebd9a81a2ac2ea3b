"""Names of persons: ``person_name`` for da/nb/nn/sv/en short texts, found by a learned sequence tagger.

A name of a private person is personal data: a third person named in a citizen's comment ("Min nabo
Jens Pedersen larmer"), a citizen named in an official post.

Decision: a linear-chain CRF (labels O, B-PER, I-PER) trained by ``scripts/train_names.py`` on the
public Nordic NER data in ../shared/datasets (DaN+, the Swedish NER corpus, NorNE) and stored as JSON
in ``models/names.json`` (weights per feature and label, transitions, and the word-frequency buckets it
was trained with, and the wide name lists below; nothing is pickled and no library is needed to run it).
A token is a name when the model's marginal probability that it is not ``O`` is at least the model
file's ``threshold`` (chosen by cross-validation, ``scripts/train_names.py``); consecutive name tokens
form one name (a ``B-PER`` starts a new one).

Features of each token (what the rules of the earlier detector looked at, now weighed by the data):
the word and its shape and case, prefix and suffixes, whether it starts a sentence, how common the
lower-cased word is (zipf buckets from wordfreq's da/nb/sv/en lists, frozen into the model file),
membership of the hand-written lists ``lexicons/names_*.txt`` (given names, surnames, patronymic
endings such as Jens-en/Karl-sson, stop words, titles, person and address cues such as "naboen",
"hej", "mvh", verbs of saying such as "sagde", "sa", "takkar", organisation words and endings),
membership of wide given-name and surname lists of many countries (Faker's person providers, frozen
into the model file), the bare word of a genitive ("Løkkes", "Trump's"), the case of the word combined
with its frequency, its lists and the sentence start, the same lists for the two words before and the
two after, and the previous label (the CRF's transitions). The lists built from training data
(``*.train.txt``) are no features: the word features learn the same from the same data, and with them
the cross-validated figures would have seen their test names.

Only tokens that can be names are scored: capitalised words, @handles with a letter, lower-case words of the
name lists that are no common words, rare lower-case words, hyphenated words ending in a listed name
("anne-sofie") but not compounds about a name ("Larsen-koncerten"); all other tokens are ``O``. A chunk of
texts is tokenised at once (:class:`TokenSequence`: one ``findall`` over the joined texts gives each token's
word and each line break, no positions) and each word form is classified once (cached); the Python work per
text is then only per candidate (its two neighbours each side, its sentence start, the forward-backward of
its run), the features of a word are summed once per word form, and positions are found only for the texts
with a name or an @, only as far as they are read. A long text alone (a check of one text) is tokenised a
block at a time, only as far as it is scored (it stops at 1,000 names or 20,000 candidates).

What the signal says (the rules describe, they no longer decide):

* a public-office title directly before the name ("borgmester Jens Pedersen", "kommunstyrelsens
  ordförande Anna Berg", "S-borgmester …") or right after it (", borgmester") gives score
  ``OFFICIAL_SCORE`` (0.5) and evidence ``{"public_official": true, "title": ...}``, so that a pack that
  flags only private persons ignores it with ``min_score`` 0.6;
* an @handle ("@jens_p1987") is an account, score 0.5 (``pattern`` "mention"); a handle that holds a
  given name of the hand-written list (its first word: "@jens_p1987", "@kari_nordmann", "@MetteH"; a
  capitalised word inside: "@realDonaldTrump"; the start of a one-word handle: "@larsloekke") is one even
  where the model says no: the training data hold few handles (DaN+ twitter dev has 96 sentences) and
  label most of them O, so the model cannot learn this; like the organisation constraint below, it is a
  fact of the lists, not a second decision over the model's names; for the same reason a handle whose
  word is an organisation or stop word of the lists ("@Kommunen") is never a person, and a word right
  before a handle is never part of the same name (the handle starts a run of its own);
* any other name scores at least 0.6: the score of the kind of evidence as before (given name +
  surname 0.9, a cue such as "min nabo" before an unknown word 0.75, …) and, where the lists and cues
  say nothing (an unknown single word: "sagde Saqib"), 0.6-0.9 from the model's probability;
* evidence: ``pattern``, ``gazetteer`` (which name lists hold its words), ``context`` (the cue or
  title), ``probability`` (the model's) and an ``explanation``. Detector ``names.gazetteer`` when the
  first word is in a name list, ``names.context`` otherwise.

Names that are part of the organisation's own names (``AnalysisContext.organisation_names``) are
dropped: that is a fact of the context, which the model cannot know.

Bounds: at most 1,000 signals and 20,000 scored tokens per text, so 1 MB takes well under a second.
"""

from __future__ import annotations

import json
import math
import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterable, Iterator, Sequence
from functools import lru_cache, partial
from importlib.resources import files
from itertools import compress, count, islice, repeat
from operator import is_, ne
from typing import Any

from rettesnor.analysis.chunk import Chunk, as_chunk
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal

SIGNAL = "person_name"
OFFICIAL_SCORE = 0.5
MENTION_SCORE = 0.5
# Marginal probability of B-PER or I-PER at which a token is a name, where the model file names none
# (the shipped file carries the threshold chosen by cross-validation); also where the learned score of
# an otherwise unexplained name starts at 0.6.
THRESHOLD = 0.5
MODEL_FILE = "names.json"
LABELS = ("O", "B-PER", "I-PER")
_MAX_SIGNALS = 1000
_MAX_SCORED = 20000
_MAX_RUN = 64  # candidates scored together; a longer run (no real name is) is cut
CONTEXT = (-2, -1, 1, 2)  # the neighbours whose features a token gets
_CACHE_MAX = 200_000

# Word classes, as bits of one dict value per lower-case word.
_GIVEN = 1
_SURNAME = 2
_STOP = 4
_NONNAME = 8  # a place, organisation or work in the training data, never a person
_COMMON = 16  # an ordinary lower-case word
_TITLE = 32
_CUE_PERSON = 64
_CUE_ADDRESS = 128
_ORG = 256
_ENDING = 512  # a patronymic surname ending (-sen, -son, -sson, -datter …)
_SAY = 1024  # a verb of saying, asking, thanking or writing ("sagde", "sa", "säger", "takkar")
_NAME = _GIVEN | _SURNAME | _ENDING
_SURNAMEISH = _SURNAME | _ENDING
_NOT_NAME = _STOP | _NONNAME | _COMMON
_CUE = _CUE_PERSON | _CUE_ADDRESS
# The feature names of the bits (hand-written lists only; see the module docstring).
_BIT_NAMES = (
    (_GIVEN, "given"),
    (_SURNAME, "surname"),
    (_ENDING, "ending"),
    (_STOP, "stop"),
    (_COMMON, "common"),
    (_TITLE, "title"),
    (_CUE_PERSON, "cue"),
    (_CUE_ADDRESS, "address"),
    (_ORG, "org"),
    (_SAY, "say"),
)

# (ending, the stem must end in "s") -- "Jens-en", "Lars-en" but not "Kar-en"
_PATRONYMIC = (
    ("sson", False),
    ("ssen", False),
    ("son", False),
    ("sen", False),
    ("en", True),
    ("sdatter", False),
    ("datter", False),
    ("sdotter", False),
    ("dotter", False),
    ("sdóttir", False),
    ("dóttir", False),
    ("dottir", False),
)
_ENDINGS = tuple(e for e, _ in _PATRONYMIC)
_MINISTER = ("minister", "ministeren", "ministern")


def _read(name: str) -> list[str]:
    text = (files("rettesnor") / "lexicons" / f"names_{name}").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _patronymic(key: str, flags: dict[str, int]) -> bool:
    for ending, needs_s in _PATRONYMIC:
        if key.endswith(ending):
            stem = key[: -len(ending)]
            if len(stem) > 1 and (not needs_s or stem[-1] == "s") and flags.get(stem, 0) & _GIVEN:
                return True
    return False


def _load(
    with_training_lists: bool,
) -> tuple[dict[str, int], dict[str, tuple[int, str]], frozenset[str], frozenset[str], tuple[str, ...]]:
    flags: dict[str, int] = {}

    def add(words: Iterable[str], bit: int) -> None:
        for word in words:
            key = word.lower()
            flags[key] = flags.get(key, 0) | bit

    train = with_training_lists
    add(_read("given_names.txt") + (_read("given_names.train.txt") if train else []), _GIVEN)
    add(_read("surnames.txt") + (_read("surnames.train.txt") if train else []), _SURNAME)
    for key, bits in list(flags.items()):
        if bits & _SURNAME and _patronymic(key, flags):
            flags[key] = bits | _ENDING
    # Genitive forms ("Annas", "Pedersens") carry the name bits of the name.
    for key, bits in list(flags.items()):
        if key[-1] not in "sxz":
            flags[key + "s"] = flags.get(key + "s", 0) | bits
    add(_read("stop_words.txt"), _STOP)
    add(_read("cues_saying.txt"), _SAY)
    if train:
        add(_read("non_names.train.txt"), _NONNAME)
    add(_read("common_words.txt") + (_read("common_words.train.txt") if train else []), _COMMON)

    phrases: dict[str, tuple[int, str]] = {}  # multi-word cue or title -> (bit, phrase)
    for name, bit in (
        ("titles.txt", _TITLE),
        ("cues_person.txt", _CUE_PERSON),
        ("cues_address.txt", _CUE_ADDRESS),
    ):
        for entry in _read(name):
            key = entry.lower()
            if " " in key:
                phrases.setdefault(key, (bit, key))
                last = key.rsplit(" ", 1)[1]
                flags[last] = flags.get(last, 0)  # known, so that the phrase check runs
            else:
                flags[key] = flags.get(key, 0) | bit
    org_exact: set[str] = set()
    org_endings: list[str] = []
    for entry in _read("org_words.txt"):
        if entry.startswith("-"):
            org_endings.append(entry[1:])
        elif entry.islower():
            flags[entry] = flags.get(entry, 0) | _ORG
        else:
            org_exact.add(entry)
    tails = frozenset(p.rsplit(" ", 1)[1] for p in phrases)
    return flags, phrases, tails, frozenset(org_exact), tuple(org_endings)


_Lists = tuple[dict[str, int], dict[str, tuple[int, str]], frozenset[str], frozenset[str], tuple[str, ...]]


def _encode_lists(lists: _Lists, hand: dict[str, int]) -> dict[str, Any]:
    flags, phrases, _tails, org_exact, org_endings = lists
    return {
        "flags": flags,
        "phrases": {k: list(v) for k, v in phrases.items()},
        "org_exact": sorted(org_exact),
        "org_endings": list(org_endings),
        "hand": hand,
    }


def _decode_lists(entry: Any) -> tuple[_Lists, dict[str, int]] | None:
    """The lists of a start-up cache entry, None when it is not one (see :func:`_lists`)."""
    try:
        flags, hand = entry["flags"], entry["hand"]
        for table in (flags, hand):
            if not isinstance(table, dict) or not all(type(v) is int for v in table.values()):
                return None
        phrases: dict[str, tuple[int, str]] = {}
        for k, (bit, phrase) in entry["phrases"].items():
            if type(bit) is not int or not isinstance(phrase, str):
                return None
            phrases[k] = (bit, phrase)
        org_exact, org_endings = entry["org_exact"], entry["org_endings"]
        if not all(isinstance(w, str) for w in (*org_exact, *org_endings)):
            return None
        tails = frozenset(k.rsplit(" ", 1)[1] for k in phrases)
        return (flags, phrases, tails, frozenset(org_exact), tuple(org_endings)), hand
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None


def _lists() -> tuple[_Lists, dict[str, int]]:
    """``_load(True)`` and the flags of ``_load(False)``, from the start-up cache when it has them
    (``rettesnor.diskcache``; reading the entry ≈ 2.5 ms against ≈ 8 ms for the lists). The key hashes
    this module's source and the bytes of every ``lexicons/names_*`` file, so an edited list or module is
    built again; an entry is stored only when it decodes to lists equal to the ones built."""
    from rettesnor import diskcache

    code = diskcache.source_of(__file__)
    if code is None or diskcache.folder() is None:
        return _load(with_training_lists=True), _load(with_training_lists=False)[0]
    root = files("rettesnor") / "lexicons"
    parts: list[str | bytes] = [code]
    for entry in sorted((e for e in root.iterdir() if e.name.startswith("names_")), key=lambda e: e.name):
        parts += [entry.name, entry.read_bytes()]
    entry_key = diskcache.key(*parts)
    cached = _decode_lists(diskcache.load("names-lists", entry_key))
    if cached is not None:
        return cached
    built = _load(with_training_lists=True), _load(with_training_lists=False)[0]
    encoded = _encode_lists(*built)
    if _decode_lists(json.loads(json.dumps(encoded))) == built:
        diskcache.store("names-lists", entry_key, encoded)
    return built


# All lists: which tokens may be names (lower-case ones) and the evidence of a signal; and the
# hand-written lists only (_HAND): the model's features.
(_FLAGS, _PHRASES, _PHRASE_TAILS, _ORG_EXACT, _ORG_ENDINGS), _HAND = _lists()

_UPPER = "".join(c for c in map(chr, range(0x41, 0x250)) if c.isupper())
# Tokens: @handles, initials ("P."), words with inner hyphens or apostrophes, any other character.
_TOKEN = re.compile(rf"@[\w.]*\w|[{_UPPER}]\.(?![\w.])|\w+(?:['’\-]\w+)*|[^\w\s]")
_LETTER = re.compile(r"[^\W\d_]")  # a letter (or another alphanumeric character that is no digit)
_HANDLE_PARTS = re.compile(r"[A-ZÆØÅÄÖ]?[a-zæøåäöüé]+")
_ENDERS = frozenset('.!?:…"”“«»–—-•*|')
_STRIP = ",:;\"'“”«»()[]-–—.!?"
_AFTER_TITLE = re.compile(r"[ \t\u00a0]*[,(–—-][ \t\u00a0]*([^\W\d_]+(?: [^\W\d_]+)?)")

Token = tuple[int, int, str]


def tokenize(text: str) -> list[Token]:
    """(start, end, word) of each token, as the model was trained on."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


# Tokens and line breaks (a line break between two tokens starts a sentence): the items of a
# TokenSequence, in one C-level findall over a chunk's joined text, the leading blanks skipped inside
# the match. Where _TOKEN is the pattern below, its quantifiers that never give back are made
# possessive (the same tokens, ≈ 10 % faster); a changed _TOKEN is used as it is.
_TOKEN_AS_WRITTEN = rf"@[\w.]*\w|[{_UPPER}]\.(?![\w.])|\w+(?:['’\-]\w+)*|[^\w\s]"
_TOKEN_NL = re.compile(
    rf"[^\S\n]*+(@[\w.]*\w|[{_UPPER}]\.(?![\w.])|\w++(?:['’\-]\w++)*+|[^\w\s]|\n)"
    if _TOKEN.pattern == _TOKEN_AS_WRITTEN
    else rf"[^\S\n]*+({_TOKEN.pattern}|\n)"
)
_SEQ_SEEDS: dict[str | None, int] = {None: 0, "\n": 0}
_SPAN = re.Match.span
_START = re.Match.start


class TokenSequence:
    """The tokens of many texts as one list of strings, without positions: ``items`` holds each
    token's word, ``"\\n"`` for each line break, and ``None`` before, between and after the texts
    (``bounds``: their indices, text ``t`` lies between ``bounds[t]`` and ``bounds[t + 1]``);
    ``classes`` is :meth:`Model.classes` of each item and ``candidates`` the indices of the items
    that may be candidates (class 1 or 2). The joined text of a chunk is tokenised as its texts are
    one by one: no token spans the separator, whose NUL token becomes the boundary ``None``.

    A chunk of one text longer than ``_LAZY_FROM`` characters is tokenised a block at a time, as far as
    the tagger reads (``more``: whether blocks are left; ``safe``: the first item whose candidates need
    the next block, :meth:`extend`): a text stops being scored at 1,000 names or 20,000 candidates, and
    its tokens after that are never read (1 MB of joined comments is full at two thirds, 1 MB of "a@"
    after 2,000 tokens, "Ja. " * N at 80,000 of 500,000). A block ends right after a blank, so no
    token spans two blocks and the items are those of the whole text."""

    __slots__ = (
        "_cut",
        "_handed",
        "_tagger",
        "_text",
        "bounds",
        "candidates",
        "classes",
        "items",
        "more",
        "safe",
    )

    def __init__(self, texts: Sequence[str], tagger: Model) -> None:
        chunk = as_chunk(texts)
        items: list[str | None] = [None]
        bounds = [0]
        self.more = False
        self.safe = _NO_ITEM
        self._handed: list[TextTokens] = []  # the tokens handed out while blocks are left
        self._tagger = tagger
        if chunk.joinable and len(chunk) > 1:
            items += _TOKEN_NL.findall(chunk.joined)
            items.append(None)
            k = 0
            for _ in range(len(chunk) - 1):
                k = items.index("\x00", k + 1)
                items[k] = None
                bounds.append(k)
            bounds.append(len(items) - 1)
        elif len(chunk) == 1 and len(chunk.texts[0]) > _LAZY_FROM:
            text = self._text = chunk.texts[0]
            self._cut = _cut_after(text, _BLOCK)
            items += _TOKEN_NL.findall(text, 0, self._cut)
            items.append(None)
            bounds.append(len(items) - 1)
            self.more = self._cut < len(text)
        else:
            findall = _TOKEN_NL.findall
            for text in chunk.texts:
                items += findall(text)
                items.append(None)
                bounds.append(len(items) - 1)
        self.items = items
        self.bounds = bounds
        self.classes = tagger.classes(items)
        self.candidates = list(compress(count(), self.classes))
        if self.more:
            self.safe = self._safe()

    def extend(self) -> None:
        """Tokenise the next block of the text (where ``more``): its items, classes and candidates are
        appended (before the closing ``None``), and the words to the tokens handed out."""
        text, start = self._text, self._cut
        cut = self._cut = _cut_after(text, start + _BLOCK)
        new = _TOKEN_NL.findall(text, start, cut)
        items, classes = self.items, self.classes
        first = len(items) - 1  # the closing None's index: where the new items begin
        new_classes = self._tagger.classes(new)
        items[first:] = new
        items.append(None)
        classes[first:] = new_classes
        classes.append(0)
        self.candidates += compress(count(first), new_classes)
        self.bounds[-1] = len(items) - 1
        self.more = cut < len(text)
        for tokens in self._handed:
            tokens.words += filter(_NOT_NL, new)
        self.safe = self._safe() if self.more else _NO_ITEM

    def skip_rest(self, read_on: bool) -> None:
        """The text is scored no further: tokenise the rest where its words are still read
        (``read_on``: its @handles, for the mentions the model did not tag), else tokenise no more."""
        while read_on and self.more:
            self.extend()
        self.more = False
        self.safe = _NO_ITEM

    def has_at(self) -> bool:
        """Whether the (one, long) text holds an "@": its handles are read after the tagger."""
        return "@" in self._text

    def _safe(self) -> int:
        """The index of the ``_MARGIN``-th word from the end of the items: a candidate before it has that
        many words after it (all that the tagger reads: its run, two neighbours each side); 0 where
        ``_MARGIN_STEPS`` items from the end hold fewer (line breaks), so that the next block is read."""
        items = self.items
        k = len(items) - 1
        words = 0
        for _ in range(_MARGIN_STEPS):
            k -= 1
            if k <= 0:
                return 0
            if items[k] != "\n":
                words += 1
                if words >= _MARGIN:
                    return k
        return 0

    def handles(self, t: int) -> set[str]:
        """The @handles of text ``t``, each once: the tokens that start with "@", read from the set of its
        tokens (a few forms however long the text: 1 MB of "a@" is 500,000 handle tokens of one form,
        whose findall took 0.08 s and whose test one by one 0.03 s; the set 0.007 s)."""
        return _at_words(self.items[self.bounds[t] + 1 : self.bounds[t + 1]])

    def tokens(self, t: int, text: str) -> TextTokens:
        """The (start, end, word) tokens of text ``t`` (its ``text``), as :func:`tokenize` gives them."""
        words = list(filter(_NOT_NL, self.items[self.bounds[t] + 1 : self.bounds[t + 1]]))
        tokens = TextTokens(text, words)  # type: ignore[arg-type]  # no None inside a text
        if self.more:
            self._handed.append(tokens)
        return tokens


_LAZY_FROM = 1 << 17  # characters of a text (alone in its chunk) from which it is tokenised by blocks
_BLOCK = 1 << 16  # characters of a block (then up to the next blank)
_MARGIN = _MAX_RUN + 8  # words after a candidate that Model.tag_sequence may read
_MARGIN_STEPS = 4096  # items looked at from the end for _MARGIN words (else the next block is read)
_NO_ITEM = sys.maxsize  # no item needs another block
_BLANK = re.compile(r"\s")


def _cut_after(text: str, at: int) -> int:
    """The end of a block from ``at``: right after the next blank (no token holds one), else the end."""
    found = _BLANK.search(text, at) if at < len(text) else None
    return found.end() if found else len(text)


# The positions of a text's tokens without a match object per token: where _TOKEN is as written, its
# tokens hold no blank and cover every other character (``[^\w\s]`` takes what ``\w`` does not), so the
# text is its tokens' words with blanks between, and token k starts after the blanks that follow the
# len(words[0]) + … + len(words[k - 1]) non-blank characters before it. ``_skip(n)`` passes n non-blank
# characters (and the blanks before them) in one C-level match: compiled when first needed, for each n
# under _SKIP_EXACT and for the powers of two that make up a longer step. A changed _TOKEN is read by
# finditer.
_TILED = _TOKEN.pattern == _TOKEN_AS_WRITTEN
_SKIP_EXACT = 64
_SKIP_BITS = 20
_SKIPS: dict[int, re.Pattern[str]] = {}
_BLANKS = re.compile(r"\s*+")
# A longer step is found by counting blanks instead (the regex passes ≈ 17 ns a character, two C-level
# str.count ≈ 3): the blanks other than " " and "\n" are found once per text (a C-level search) and
# counted by bisect; a text with more than _RARE_MAX of them ("\r\n" lines, tabs) is passed by _skip.
_RARE_BLANK = re.compile(  # [^\S \n] written out: a set of characters is scanned ≈ 3 times faster
    "[\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
_RARE_MAX = 4096
_COUNT_ROUNDS = 8  # rounds of counting before the rest is passed by _skip (a text of mostly blanks)


def _skip(n: int) -> re.Pattern[str]:
    pat = _SKIPS.get(n)
    if pat is None:
        pat = _SKIPS[n] = re.compile(rf"(?:\s*+\S){{{n}}}")
    return pat


class TextTokens(Sequence[Token]):
    """:func:`tokenize` of a text from its words, the positions found only as far as they are read:
    a text's names and handles need the positions of their own tokens, not of the tokens after the
    last of them. Where _TOKEN is as written, a position is reached from the last one found by
    passing the non-blank characters of the words between (:func:`_skip`: one C-level match, a few
    however far); otherwise by C-level ``islice`` over ``_TOKEN.finditer``."""

    __slots__ = ("_at", "_found", "_k", "_rare", "_spans", "text", "words")

    def __init__(self, text: str, words: list[str]) -> None:
        self.text = text
        self.words = words
        self._spans: list[tuple[int, int]] = []
        self._found = None if _TILED else map(_SPAN, _TOKEN.finditer(text))
        self._k = 0  # the next token to locate by _skip
        self._at = 0  # the end of the token before it (0 before the first)
        self._rare: list[int] | bool | None = False  # _RARE_BLANK's positions; None: too many; False: not yet

    def _rare_blanks(self) -> list[int] | None:
        """The positions of the blanks other than " " and "\n", or None where there are too many."""
        rare = self._rare
        if rare is False:
            found = list(islice(map(_START, _RARE_BLANK.finditer(self.text)), _RARE_MAX + 1))
            rare = self._rare = found if len(found) <= _RARE_MAX else None
        return rare  # type: ignore[return-value]  # False was replaced

    def _pass(self, pos: int, n: int) -> int:
        """The position right after the ``n``-th non-blank character from ``pos`` (there are as many).

        By counting: ``p`` after ``n`` non-blank characters is the least ``p`` with
        ``p == pos + n + blanks(pos, p)``; iterated from ``pos + n`` (below it) the positions rise to it,
        each round counting only the blanks of the characters added. What a few rounds leave (a text of
        mostly blanks) and a short step are passed by the regex (:func:`_skip`)."""
        text = self.text
        rare = self._rare_blanks() if n >= _SKIP_EXACT else None
        if rare is not None:
            count = text.count
            p = pos + n
            b = count(" ", pos, p) + count("\n", pos, p) + bisect_left(rare, p) - bisect_left(rare, pos)
            for _ in range(_COUNT_ROUNDS):
                q = pos + n + b  # never past the least p, and p where it stops rising
                if q == p:
                    return p
                b += count(" ", p, q) + count("\n", p, q) + bisect_left(rare, q) - bisect_left(rare, p)
                p = q
            n -= p - pos - b  # the non-blank characters left to pass
            pos = p
        while n:
            step = n if n < _SKIP_EXACT else 1 << min(n.bit_length() - 1, _SKIP_BITS)
            pos = _skip(step).match(text, pos).end()  # type: ignore[union-attr]  # n non-blank chars remain
            n -= step
        return pos

    def __len__(self) -> int:
        return len(self.words)

    def _locate(self, k: int) -> tuple[int, int]:
        """The span of token ``k`` by :func:`_skip`, from the last token located (from the start when ``k``
        lies before it)."""
        words = self.words
        if not 0 <= k < len(words):
            raise IndexError(k)
        if k < self._k:
            self._k = self._at = 0
        pos = self._pass(self._at, len("".join(words[self._k : k])))  # (sum(map(len, …)): ≈ 1.5 times slower)
        start = _BLANKS.match(self.text, pos).end()  # type: ignore[union-attr]  # matches the empty string
        end = start + len(words[k])
        self._k, self._at = k + 1, end
        return start, end

    def _span(self, k: int) -> tuple[int, int]:
        if self._found is None:
            return self._locate(k)
        spans = self._spans
        if k >= len(spans):
            spans.extend(islice(self._found, k + 1 - len(spans)))
        return spans[k]

    def run(self, i: int, j: int) -> list[Token]:
        """Tokens ``i`` to ``j`` (exclusive)."""
        if self._found is None:
            return [(*self._locate(k), self.words[k]) for k in range(i, j)]
        self._span(j - 1)
        return [(a, b, w) for (a, b), w in zip(self._spans[i:j], self.words[i:j], strict=True)]

    def __getitem__(self, k: int | slice) -> Any:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self.words)))]
        if k < 0:
            k += len(self.words)
        a, b = self._span(k)
        return (a, b, self.words[k])


_NL = "\n"
_NOT_NL = partial(ne, _NL)  # a C-level test, ≈ 30 % cheaper than the bound _NL.__ne__


def _upper_after(raw: list[str | None], k: int) -> bool:
    """Whether the word after item ``k`` of its text starts with a capital (a particle's condition)."""
    k += 1
    while raw[k] == "\n":
        k += 1
    w = raw[k]
    return w is not None and w[:1].isupper()


def _before(raw: list[str | None], k: int) -> tuple[str | None, str | None, bool]:
    """(the word two before item ``k``, the word before it, whether ``k`` starts a sentence), as
    :class:`LazyStarts` and :meth:`Model.tag` read them; ``None`` beyond the start of its text."""
    q = k - 1
    nl = False
    while raw[q] == "\n":
        q -= 1
        nl = True
    p1 = raw[q]
    if p1 is None:
        return None, None, True
    q -= 1
    while raw[q] == "\n":
        q -= 1
    p2 = raw[q]
    if p1 in _ENDERS and not (p1 == "." and _abbreviation(p2 or "")):
        return p2, p1, True
    return p2, p1, nl


def _after(raw: list[str | None], k: int) -> tuple[str | None, str | None]:
    """The two words after item ``k`` (``None`` beyond the end of its text)."""
    q = k + 1
    while raw[q] == "\n":
        q += 1
    n1 = raw[q]
    if n1 is None:
        return None, None
    q += 1
    while raw[q] == "\n":
        q += 1
    return n1, raw[q]


class LazyStarts:
    """:func:`sentence_starts` computed only for the tokens asked about (the candidates): whether a
    token starts a sentence depends on the two tokens before it and the gap, nothing else."""

    __slots__ = ("_seen", "text", "tokens")

    def __init__(self, text: str, tokens: Sequence[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self._seen: dict[int, bool] = {}

    def __getitem__(self, i: int) -> bool:
        hit = self._seen.get(i)
        if hit is None:
            hit = self._seen[i] = self._compute(i)
        return hit

    def _compute(self, i: int) -> bool:
        if i == 0:
            return True
        _, prev_end, prev = self.tokens[i - 1]
        before = self.tokens[i - 2][2] if i >= 2 else ""
        if prev in _ENDERS and not (prev == "." and _abbreviation(before)):
            return True
        return "\n" in self.text[prev_end : self.tokens[i][0]]


def sentence_starts(text: str, tokens: Sequence[Token]) -> list[bool]:
    """Whether each token begins a sentence (first token, after . ! ? : and the like, or a new line)."""
    out: list[bool] = []
    prev_end = 0
    prev = before = ""
    for i, (s, e, w) in enumerate(tokens):
        end = prev in _ENDERS and not (prev == "." and _abbreviation(before))
        out.append(i == 0 or end or "\n" in text[prev_end:s])
        prev_end, prev, before = e, w, prev
    return out


def _abbreviation(word: str) -> bool:
    """A word whose full stop ends no sentence: "hr.", "fru.", "dr.", "nr.", "kl.", an initial."""
    return len(word) <= 2 or bool(_FLAGS.get(word.lower(), 0) & (_TITLE | _CUE))


def _hand_flags(low: str) -> int:
    f = _HAND.get(low, 0)
    if f & _NAME or not low:
        return f
    if "-" in low and low.count("-") < 4:  # "anne-sofie", "bech-nielsen"; "s-borgmester" is a title
        parts = low.split("-")
        pf = [_HAND.get(p, 0) | (_ENDING if _patronymic(p, _HAND) else 0) for p in parts]
        if all(x & _NAME for x in pf):
            f |= (pf[0] & _GIVEN) | (pf[-1] & _SURNAMEISH)
        if pf[-1] & _TITLE or parts[-1].endswith(_MINISTER):
            f |= _TITLE
    elif low.endswith(_ENDINGS) and not f & (_COMMON | _STOP) and _patronymic(low, _HAND):
        f |= _ENDING
    if low.endswith(_MINISTER):
        f |= _TITLE
    return f


def _shape(word: str) -> str:
    out: list[str] = []
    last = ""
    for ch in word:
        k = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if k != last:
            out.append(k)
            last = k
    return "".join(out)[:8]


def _case_class(word: str) -> str:
    """The case of a word in one letter: "@" handle, "X" capitalised, "A" all capitals, "x" lower
    case, "m" mixed ("McDonald", "iPhone")."""
    if word[0] == "@":
        return "@"
    if word.islower():
        return "x"
    if word.isupper():
        return "A" if len(word) > 1 else "X"
    if word[0].isupper() and word[1:].islower():
        return "X"
    return "m"


_GENITIVE_LAST = ("s", "'", "’")  # the last characters of the endings that _stem takes off


def _stem(low: str) -> str:
    """A word without a genitive ending ("løkkes" -> "løkke", "trump's" -> "trump"): what a name in
    the genitive shares with the bare name."""
    if not low.endswith(_GENITIVE_LAST):  # most words: none of the endings below
        return low
    for end in ("'s", "’s", "'", "’"):
        if low.endswith(end) and len(low) > len(end) + 1:
            return low[: -len(end)]
    if low.endswith("s") and len(low) > 4 and low[-2] not in "sxz":
        return low[:-1]
    return low


# Bits of the wide name lists frozen into the model file (``gazetteer``): given names and surnames of
# many countries, from Faker's person providers (MIT); see scripts/train_names.py.
WIDE_GIVEN = 1
WIDE_SURNAME = 2
_NO_WIDE: dict[str, int] = {}
WIDE_LOWER_ZIPF = 5  # a lower-case word of the wide lists is a candidate below this zipf ("mads" 4, "will" 6)


_BITS_OF: dict[int, tuple[str, ...]] = {}


def _bit_names(f: int) -> tuple[str, ...]:
    """The feature names of the bits of ``f`` (``_BIT_NAMES``, in its order), once per value."""
    names = _BITS_OF.get(f)
    if names is None:
        names = tuple(name for bit, name in _BIT_NAMES if f & bit)
        if len(_BITS_OF) < 4096:  # word flags take a few hundred values
            _BITS_OF[f] = names
    return names


def self_features(word: str, start: bool, freq: dict[str, int], wide: dict[str, int] = _NO_WIDE) -> list[str]:
    """Features of a token from the word itself and whether it starts a sentence."""
    low = word.lower()
    shape = _shape(word)
    zipf = freq.get(low, 0)
    fq = f"fq={zipf}"
    f = _hand_flags(low)
    feats = ["bias", "w=" + low, "sh=" + shape, "p3=" + low[:3], "s3=" + low[-3:], "s2=" + low[-2:], fq]
    feats.append(f"len={min(len(word), 10)}")
    groups = list(_bit_names(f))
    if low.endswith(_ORG_ENDINGS) or word in _ORG_EXACT:
        groups.append("orgend")
    if groups:  # (most words have none: no generator for them)
        feats.extend("g=" + g for g in groups)
    # Conjunctions that a linear model cannot form by itself: the case of the word with how common it
    # is, with its name lists and with the sentence start ("mette" in lower case is a name only because
    # it is a listed given name; "Frygt" capitalised mid-sentence is common, "Paludan" is not).
    cc = _case_class(word)
    st = "S" if start else "M"
    feats.append(f"cf={cc}{st}{zipf}")
    if groups:
        feats.extend(f"cg={cc}{st}{g}" for g in groups)
    stem = _stem(low)
    xg = wide.get(low, 0) or wide.get(stem, 0)
    if xg & WIDE_GIVEN:
        feats.extend(("x=given", f"xc={cc}{st}given"))
    if xg & WIDE_SURNAME:
        feats.extend(("x=surname", f"xc={cc}{st}surname"))
    if stem != low:  # "Løkkes", "Trump's": the bare word's features
        sf = _hand_flags(stem)
        feats.extend(("gen", "st=" + stem, f"gen|fq={freq.get(stem, 0)}"))
        feats.extend("gen|g=" + name for name in _bit_names(sf))
    else:
        feats.append("st=" + low)
    if word[0] == "@":  # a handle with a given name in it ("@kari_nordmann", "@jacobmark_sf")
        parts = _HANDLE_PARTS.findall(word[1:])
        if any(_HAND.get(p.lower(), 0) & _GIVEN for p in parts if len(p) > 2):
            feats.append("at|given")
        elif any(_HAND.get(low[1:k], 0) & _GIVEN for k in range(4, min(len(low), 10))):
            feats.append("at|given-prefix")
        if any(_HAND.get(p.lower(), 0) & _SURNAMEISH for p in parts if len(p) > 2):
            feats.append("at|surname")
        feats.append(f"at|parts={min(len(parts), 3)}")
        body = 0  # what the lists say of the handle's words: "@Kommunen", "@DRNyheder" are bodies
        for p in parts:
            body |= _hand_flags(p.lower())
        feats.extend("at|g=" + name for bit, name in _BIT_NAMES if body & bit)
    if start:
        feats.extend(("S", "S|sh=" + shape, "S|" + fq))
        if groups:
            feats.extend("S|g=" + g for g in groups)
    return feats


def context_features(
    word: str | None, offset: int, freq: dict[str, int], wide: dict[str, int] = _NO_WIDE
) -> list[str]:
    """Features that a neighbour ``offset`` tokens away (``CONTEXT``) gives a token."""
    return _context_features(_context_parts(word, freq, wide), offset)


_Parts = tuple[str, str, tuple[str, ...], int, int, str] | None


def _context_parts(word: str | None, freq: dict[str, int], wide: dict[str, int]) -> _Parts:
    """What :func:`context_features` reads of a word, the same at every offset (``None`` for none):
    the lower-cased word, its shape, the names of its list bits, its wide-list bits, its frequency
    bucket and its case."""
    if word is None:
        return None
    low = word.lower()
    f = _hand_flags(low)
    bits = _bit_names(f)
    return low, _shape(word), bits, wide.get(low, 0), freq.get(low, 0), _case_class(word)


_OFFSETS = {k: f"{k:+d}" for k in CONTEXT}


def _context_features(parts: _Parts, offset: int) -> list[str]:
    """:func:`context_features` of a word from its :func:`_context_parts`."""
    o = _OFFSETS.get(offset) or f"{offset:+d}"
    if parts is None:
        return [o + "w=<>"]
    low, shape, bits, xg, fq, cc = parts
    feats = [o + "w=" + low, o + "sh=" + shape]
    feats.extend(o + "g=" + name for name in bits)
    if xg:
        feats.append(f"{o}x={xg}")
    if offset in (-1, 1):
        feats.append(f"{o}fq={fq}")
        feats.append(f"{o}c={cc}")
    return feats


_PARTICLES = frozenset("van von af de der den da di du la le del dos das ten ter zu bin ibn al el".split())


def is_candidate(word: str, nxt: str | None, freq: dict[str, int], wide: dict[str, int] = _NO_WIDE) -> bool:
    """Whether a token may be (part of) a name: capitalised or with a capital inside ("al-Assad"), an
    @handle, a listed name in lower case that is no common word ("mette"; not "per", "will"), a name of
    the wide lists that is not a frequent word ("mads": zipf below ``WIDE_LOWER_ZIPF``), a rare
    lower-case word (informal writing: "sandgaard"), or a name particle before a capitalised word
    ("von", "de")."""
    c = word[0]
    if c == "@":  # a handle with a letter in it ("@jens_p1987"; not "@2019", "@16.84")
        return any(map(str.isalpha, word))
    if not c.isalpha() or (_compound(word, freq) and not _name_tail(word, wide)):
        return False
    if c.isupper():  # a listed stop word (weekday, platform, public body …) is none, unless a given name
        f = _HAND.get(word.lower(), 0)
        return not f & _STOP or bool(f & _GIVEN)
    if not word.islower():
        return True
    listed = _FLAGS.get(word, 0)
    if listed & _NAME and not _HAND.get(word, 0) & (_COMMON | _STOP):  # "mette"; not "will", "per"
        return True
    if (
        wide.get(word, 0)
        and freq.get(word, 0) < WIDE_LOWER_ZIPF
        and not _HAND.get(word, 0) & (_COMMON | _STOP)
    ):
        return True
    if word in _PARTICLES:
        return nxt is not None and nxt[:1].isupper()
    return len(word) > 2 and word not in freq and not word[-1].isdigit()


def _name_tail(word: str, wide: dict[str, int]) -> bool:
    """Whether a hyphenated word may be a name although its last part is a frequent word: that part
    is a name of the lists and no listed common word ("anne-sofie", "Schaumburg-muller": "sofie" and
    "muller" are frequent words; not "Larsen-koncerten")."""
    low = word.lower()
    tail = low[low.rfind("-") + 1 :]
    f = _HAND.get(tail, 0)
    return bool((f & _NAME or wide.get(tail, 0)) and not f & (_COMMON | _STOP))


def _compound(word: str, freq: dict[str, int] | None = None) -> bool:
    """A word about a name rather than a name: "Larsen-koncerten", "X-prisen" (not "al-Assad"). With
    ``freq``, only where the part after the dash is a common word: "Kim Jong-il" and informal
    "anne-sofie" are names."""
    dash = word.rfind("-")
    if not (dash > 0 and word[dash + 1 : dash + 2].islower() and word[:dash].lower() not in ("al", "el")):
        return False
    return freq is None or word[dash + 1 :] in freq


def _ends_person(word: str | None, single: bool) -> bool:
    """Whether a name may end before ``word``: not before an organisation word ("Jens Pedersen Skole",
    "Hjørring kommune") nor a compound about it ("Kim Larsen-koncert"). A lower-case organisation
    word ends no two-word name: "kulturminister Helle Vestergaard biblioteket" is a person."""
    if word is None:
        return True
    if word in _ORG_EXACT or _compound(word):
        return False
    return not (_FLAGS.get(word.lower(), 0) & _ORG and (single or not word.islower()))


def sequence_features(
    words: Sequence[str], starts: Sequence[bool], freq: dict[str, int], wide: dict[str, int] = _NO_WIDE
) -> list[list[str]]:
    """The features of each token as the model sees them (``["nc"]`` for a token that is no candidate)."""
    n = len(words)
    out: list[list[str]] = []
    for i, w in enumerate(words):
        if not is_candidate(w, words[i + 1] if i + 1 < n else None, freq, wide):
            out.append(["nc"])
            continue
        feats = self_features(w, starts[i], freq, wide)
        for off in CONTEXT:
            j = i + off
            feats.extend(context_features(words[j] if 0 <= j < n else None, off, freq, wide))
        out.append(feats)
    return out


def name_spans(
    probs: Sequence[Sequence[float]], first: int, threshold: float
) -> list[tuple[int, int, float]]:
    """The names in a run of scored tokens starting at token ``first``: (first, last + 1, the least
    sure token's probability of being part of a name), a token being part of one when P(not O) reaches
    ``threshold``; a B-PER right after a name starts a new one."""
    spans: list[tuple[int, int, float]] = []
    begin = -1
    low = 1.0
    for k, p in enumerate(probs, start=first):
        name = 1.0 - p[0]
        if name >= threshold:
            if begin >= 0 and p[1] > p[2]:
                spans.append((begin, k, low))
                begin = -1
            if begin < 0:
                begin, low = k, name
            low = min(low, name)
        elif begin >= 0:
            spans.append((begin, k, low))
            begin = -1
    if begin >= 0:
        spans.append((begin, first + len(probs), low))
    return spans


def _below(to_o: Sequence[float], from_o: Sequence[float], threshold: float) -> list[tuple[float, float]]:
    """Bounds for one candidate scored alone, by whether O is before it and after it (index
    ``after_o + 2 * before_o``): where its B-PER score is less than its O score by more than the
    first and its I-PER score by more than the second, P(not O) is below ``threshold`` for certain,
    and nothing more of it needs computing.

    With the factors ``f`` (from O, where O is before) and ``t`` (to O, where O is after), each 1.0
    on a side without O, P(not O) / P(O) = sum over l in (B-PER, I-PER) of exp(s_l - s_O) * r_l,
    r_l = f_l * t_l / (f_O * t_O); a name needs it to reach threshold / (1 - threshold). Each bound
    keeps its term under half of that by a factor e, far beyond the rounding of the sums (≈ 1e-15 of
    them); ``-inf`` (never sure) where the threshold is not inside (0, 1)."""
    out: list[tuple[float, float]] = []
    for k in range(4):
        f = from_o if k & 1 else (1.0, 1.0, 1.0)
        t = to_o if k & 2 else (1.0, 1.0, 1.0)
        if not 0.0 < threshold < 1.0:
            out.append((-math.inf, -math.inf))
            continue
        half = threshold / (1.0 - threshold) / 2.0
        r1, r2 = (f[label] * t[label] / (f[0] * t[0]) for label in (1, 2))
        out.append((math.log(half / r1) - 1.0, math.log(half / r2) - 1.0))
    return out


class Model:
    """The CRF's weights, read from JSON; label scores of words are summed once per word form."""

    _cand: dict[str, int]

    def __init__(self, doc: dict[str, Any]) -> None:
        if doc.get("format") != "rettesnor-names-crf/1" or tuple(doc["labels"]) != LABELS:
            raise ValueError("not a rettesnor names model (format rettesnor-names-crf/1)")
        self.weights: dict[str, tuple[float, float, float]] = {
            k: (float(v[0]), float(v[1]), float(v[2])) for k, v in doc["features"].items()
        }
        self.transitions = [[float(x) for x in row] for row in doc["transitions"]]
        self.exp_transitions = [[math.exp(x) for x in row] for row in self.transitions]
        # Built by dict calls, not a loop per word (start-up time, issue 17); the same dicts, in the same
        # order, as the loops "freq[w] = bucket" (a later bucket wins) and "wide[w] |= bit" gave.
        self.freq: dict[str, int] = {}
        for bucket, words in doc["frequency"].items():
            self.freq.update(dict.fromkeys(words.split(), int(bucket)))
        gazetteer = doc.get("gazetteer", {})
        given, surnames = gazetteer.get("given", "").split(), gazetteer.get("surname", "").split()
        self.wide: dict[str, int] = dict.fromkeys(given, WIDE_GIVEN)
        self.wide.update(dict.fromkeys(surnames, WIDE_SURNAME))
        self.wide.update(dict.fromkeys(set(given).intersection(surnames), WIDE_GIVEN | WIDE_SURNAME))
        self.threshold = float(doc.get("threshold", THRESHOLD))
        self.info: dict[str, Any] = doc.get("training", {})
        self._self: dict[tuple[str, bool], tuple[float, float, float]] = {}
        self._ctx: dict[int, dict[str | None, tuple[float, float, float]]] = {k: {} for k in CONTEXT}
        self._parts: dict[str | None, _Parts] = {}
        self._rest: dict[tuple[Any, ...], tuple[tuple[float, float, float], ...]] = {}  # see _context_sum
        self._cand = {}  # word -> 1 a candidate, 0 not, 2 a particle (a candidate before a capital)
        self._seq: dict[str | None, int] = dict(_SEQ_SEEDS)  # the same, for :meth:`classes`

    def _classify(self, w: str) -> int:
        """1 a candidate, 0 not, 2 a particle (a candidate before a capital): :func:`is_candidate`
        of a word without its neighbour."""
        if w in _PARTICLES and w.islower() and not _FLAGS.get(w, 0) & _NAME:
            return 2
        return int(is_candidate(w, None, self.freq, self.wide))

    def candidates(self, words: Sequence[str]) -> list[bool]:
        """:func:`is_candidate` of each word, from a per-word cache."""
        cache = self._cand
        out: list[bool] = []
        n = len(words)
        for k, w in enumerate(words):
            c = cache.get(w)
            if c is None:
                if len(cache) > _CACHE_MAX:
                    cache.clear()
                c = cache[w] = self._classify(w)
            out.append(c == 1 or (c == 2 and k + 1 < n and words[k + 1][:1].isupper()))
        return out

    def classes(self, items: list[str | None]) -> list[int]:
        """:meth:`_classify` of each item of a token sequence (``None`` and line breaks: 0), by C-level
        map and set calls over a per-word cache: the Python work is per new word form, not per token."""
        cache = self._seq
        out: list[int | None] = list(map(cache.get, items))
        if None in out:  # words not seen before
            new = set(compress(items, map(is_, out, repeat(None))))
            if len(cache) + len(new) > _CACHE_MAX:
                cache.clear()
                cache.update(_SEQ_SEEDS)
                new = set(items).difference(cache)
            classify = self._classify
            for w in new:
                cache[w] = classify(w)  # type: ignore[arg-type]  # None and "\n" are seeded
            if out.count(None) > len(out) >> 3:  # most tokens new ("a@" * N): one more C-level pass
                out = list(map(cache.__getitem__, items))
            else:  # only the new words' tokens filled in (another pass: ≈ 10 ms on 1 MB of comments)
                for k in compress(count(), map(is_, out, repeat(None))):
                    out[k] = cache[items[k]]
        return out  # type: ignore[return-value]

    def _sum(self, feats: Iterable[str]) -> tuple[float, float, float]:
        a = b = c = 0.0
        get = self.weights.get
        for feat in feats:
            w = get(feat)
            if w is not None:
                a += w[0]
                b += w[1]
                c += w[2]
        return a, b, c

    def _own(self, word: str, start: bool) -> tuple[float, float, float]:
        key = (word, start)
        hit = self._self.get(key)
        if hit is None:
            if len(self._self) > _CACHE_MAX:
                self._self.clear()
            hit = self._self[key] = self._sum(self_features(word, start, self.freq, self.wide))
        return hit

    def _near(self, word: str | None, offset: int) -> tuple[float, float, float]:
        cache = self._ctx[offset]
        hit = cache.get(word)
        if hit is None:
            if len(cache) > _CACHE_MAX:
                cache.clear()
            parts = self._parts.get(word, False)
            if parts is False:  # what the word gives at any offset, once per word (_context_parts)
                if len(self._parts) > _CACHE_MAX:
                    self._parts.clear()
                parts = self._parts[word] = _context_parts(word, self.freq, self.wide)
            hit = cache[word] = self._context_sum(parts, offset)  # type: ignore[arg-type]
        return hit

    def _context_sum(self, parts: _Parts, offset: int) -> tuple[float, float, float]:
        """``_sum(_context_features(parts, offset))`` without building the features: only the first
        (the word) is the word's own; the weights of the others depend on its shape, list bits, wide
        bits, frequency and case, a few hundred values, and are looked up once per value and offset
        (``_rest``). The same terms are added in the same order, so the same floats."""
        if parts is None:
            return self._sum(_context_features(parts, offset))
        low, shape, bits, xg, fq, cc = parts
        near = offset in (-1, 1)
        key = (offset, shape, bits, xg, fq, cc) if near else (offset, shape, bits, xg)
        rest = self._rest.get(key)
        if rest is None:
            if len(self._rest) > _CACHE_MAX:
                self._rest.clear()
            feats = _context_features(("", shape, bits, xg, fq, cc), offset)[1:]
            weights = self.weights
            rest = self._rest[key] = tuple(weights[f] for f in feats if f in weights)
        a = b = c = 0.0
        w = self.weights.get((_OFFSETS.get(offset) or f"{offset:+d}") + "w=" + low)
        if w is not None:
            a += w[0]
            b += w[1]
            c += w[2]
        for w in rest:
            a += w[0]
            b += w[1]
            c += w[2]
        return a, b, c

    def marginals(self, scores: list[list[float]], after_o: bool, before_o: bool) -> list[list[float]]:
        """P(label) per token of a run of candidates (forward-backward; O on either side when flagged).

        Written out for the three labels (no loops over them): each sum is ``sum`` over the same
        terms in the same order as the loops it replaces, and a factor 1.0 is left out (exact), so
        the floats are the same as the loops gave."""
        (e00, e01, e02), (e10, e11, e12), (e20, e21, e22) = self.exp_transitions
        exp = math.exp
        pots: list[tuple[float, float, float]] = []
        for s0, s1, s2 in scores:
            m = max(s0, s1, s2)
            pots.append((exp(s0 - m), exp(s1 - m), exp(s2 - m)))
        n = len(pots)
        alpha: list[tuple[float, float, float]] = []
        x0, x1, x2 = pots[0]
        if after_o:
            x0, x1, x2 = x0 * e00, x1 * e01, x2 * e02
        z = sum((x0, x1, x2))
        x0, x1, x2 = x0 / z, x1 / z, x2 / z
        alpha.append((x0, x1, x2))
        for t in range(1, n):
            q0, q1, q2 = pots[t]
            y0 = q0 * sum((x0 * e00, x1 * e10, x2 * e20))
            y1 = q1 * sum((x0 * e01, x1 * e11, x2 * e21))
            y2 = q2 * sum((x0 * e02, x1 * e12, x2 * e22))
            z = sum((y0, y1, y2))
            x0, x1, x2 = y0 / z, y1 / z, y2 / z
            alpha.append((x0, x1, x2))
        beta: list[tuple[float, float, float]] = [(1.0, 1.0, 1.0)] * n
        b0, b1, b2 = (e00, e10, e20) if before_o else (1.0, 1.0, 1.0)
        beta[-1] = (b0, b1, b2)
        for t in range(n - 2, -1, -1):
            q0, q1, q2 = pots[t + 1]
            m0, m1, m2 = q0 * b0, q1 * b1, q2 * b2
            r0 = sum((e00 * m0, e01 * m1, e02 * m2))
            r1 = sum((e10 * m0, e11 * m1, e12 * m2))
            r2 = sum((e20 * m0, e21 * m1, e22 * m2))
            z = sum((r0, r1, r2))
            b0, b1, b2 = r0 / z, r1 / z, r2 / z
            beta[t] = (b0, b1, b2)
        out: list[list[float]] = []
        for (a0, a1, a2), (c0, c1, c2) in zip(alpha, beta, strict=True):
            u0, u1, u2 = a0 * c0, a1 * c1, a2 * c2
            total = sum((u0, u1, u2))
            out.append([u0 / total, u1 / total, u2 / total])
        return out

    def tag(
        self, tokens: Sequence[Token], starts: Sequence[bool] | LazyStarts
    ) -> list[tuple[int, int, float]]:
        """(first, last + 1, probability) of each name: token indices and the least sure token's
        probability of being part of a name."""
        words = [t[2] for t in tokens]
        n = len(words)
        spans: list[tuple[int, int, float]] = []
        i = 0
        scored = 0
        cand = self.candidates(words)
        own, near = self._own, self._near
        threshold = self.threshold
        while i < n and scored < _MAX_SCORED:
            if not cand[i]:
                i += 1
                continue
            j = i
            # An @handle starts a run of its own: a word before it is never part of the same name
            # ("Følg @Kommunen"), while words after it may be ("@Jens Pedersen").
            while j < n and cand[j] and j - i < _MAX_RUN and (j == i or words[j][0] != "@"):
                j += 1
            scores = []
            for k in range(
                i, j
            ):  # a token's state scores: its own features plus its neighbours' (-2, -1, +1)
                a = own(words[k], starts[k])
                p2 = near(words[k - 2] if k >= 2 else None, -2)
                p1 = near(words[k - 1] if k >= 1 else None, -1)
                n1 = near(words[k + 1] if k + 1 < n else None, 1)
                n2 = near(words[k + 2] if k + 2 < n else None, 2)
                scores.append(
                    [
                        a[0] + p2[0] + p1[0] + n1[0] + n2[0],
                        a[1] + p2[1] + p1[1] + n1[1] + n2[1],
                        a[2] + p2[2] + p1[2] + n1[2] + n2[2],
                    ]
                )
            scored += j - i
            probs = self.marginals(scores, after_o=i > 0 and not cand[i - 1], before_o=j < n and not cand[j])
            spans.extend(name_spans(probs, i, threshold))
            i = j
        return spans

    def tag_sequence(
        self, seq: TokenSequence, done: Container[int] = ()
    ) -> Iterator[tuple[int, int, int, float, bool]]:
        """:meth:`tag` of every text of a :class:`TokenSequence` at once: (text, first, last + 1,
        probability, whether the first starts a sentence) of each name, in token indices of its
        text, in order. Only the candidates and their neighbours (two words each side, the line
        breaks and sentence ends before them) are read; the rest of the sequence was classified by
        :meth:`classes` in C-level calls. The arithmetic is :meth:`tag`'s, operation by operation
        (the same floats, the same names). A text that the caller puts into ``done`` while the names
        come is not scored further (it holds as many signals as it may)."""
        raw, cls, idx, bounds = seq.items, seq.classes, seq.candidates, seq.bounds
        own, near, marginals = self._own, self._near, self.marginals
        own_cache = self._self
        c2, c1, d1, d2 = (self._ctx[o] for o in CONTEXT)
        et = self.exp_transitions
        to_o = (et[0][0], et[1][0], et[2][0])
        from_o = (et[0][0], et[0][1], et[0][2])
        exp = math.exp
        threshold = self.threshold
        below = _below(to_o, from_o, threshold)
        n_idx = len(idx)
        p = 0
        text = -1
        text_end = -1  # the index of the boundary (None) that ends the current text
        scored = 0
        tok_r = tok_i = 0  # the last run's first item and its token index in its text
        safe = seq.safe  # where a long text's next block is needed (TokenSequence.extend)
        while True:
            while p < n_idx:
                r = idx[p]
                if r >= safe:  # a long text's next block is needed (never where the sequence is whole)
                    break
                if r > text_end:
                    text = bisect_right(bounds, r) - 1
                    text_end = bounds[text + 1]
                    scored = 0
                elif scored >= _MAX_SCORED:  # the rest of this text is not scored
                    if seq.more:  # a long text: tokenised on only where its @handles are read
                        seq.skip_rest(read_on=seq.has_at())
                        n_idx, safe, text_end = len(idx), seq.safe, bounds[text + 1]
                    p = bisect_right(idx, text_end, p)
                    continue
                if cls[r] == 2 and not _upper_after(raw, r):
                    p += 1
                    continue
                # The word after r (line breaks skipped): whether r is a run of its own, the common case.
                nxt = r + 1
                w = raw[nxt]
                while w == "\n":
                    nxt += 1
                    w = raw[nxt]
                c = cls[nxt]  # 0 for the end of the text (None)
                if not c or (c == 2 and not _upper_after(raw, nxt)) or w[0] == "@":  # type: ignore[index]
                    # One candidate, inlined: its neighbours, its sentence start, :meth:`marginals`.
                    p += 1
                    scored += 1
                    before_o = w is not None and c != 1
                    n2 = None
                    if w is not None:
                        q = nxt + 1
                        while raw[q] == "\n":
                            q += 1
                        n2 = raw[q]
                    q = r - 1
                    start = False
                    while raw[q] == "\n":
                        q -= 1
                        start = True
                    p1 = raw[q]
                    if p1 is None:
                        p2 = None
                        start = True
                        after_o = False
                    else:
                        cq = cls[q]
                        after_o = not cq or (cq == 2 and not raw[r][:1].isupper())  # type: ignore[index]
                        q -= 1
                        while raw[q] == "\n":
                            q -= 1
                        p2 = raw[q]
                        if p1 in _ENDERS and not (p1 == "." and _abbreviation(p2 or "")):
                            start = True
                    word = raw[r]
                    a = own_cache.get((word, start)) or own(word, start)  # type: ignore[arg-type]
                    b2 = c2.get(p2) or near(p2, -2)
                    b1 = c1.get(p1) or near(p1, -1)
                    a1 = d1.get(w) or near(w, 1)
                    a2 = d2.get(n2) or near(n2, 2)
                    s0 = a[0] + b2[0] + b1[0] + a1[0] + a2[0]
                    s1 = a[1] + b2[1] + b1[1] + a1[1] + a2[1]
                    s2 = a[2] + b2[2] + b1[2] + a1[2] + a2[2]
                    lo1, lo2 = below[after_o + 2 * before_o]
                    if s1 - s0 < lo1 and s2 - s0 < lo2:  # O for certain (see _below): no name
                        continue
                    m = max(s0, s1, s2)
                    e0, e1, e2 = exp(s0 - m), exp(s1 - m), exp(s2 - m)
                    if after_o:
                        e0, e1, e2 = e0 * from_o[0], e1 * from_o[1], e2 * from_o[2]
                    z = sum((e0, e1, e2))
                    e0, e1, e2 = e0 / z, e1 / z, e2 / z
                    if before_o:
                        e0, e1, e2 = e0 * to_o[0], e1 * to_o[1], e2 * to_o[2]
                    z = sum((e0, e1, e2))
                    name = 1.0 - e0 / z
                    if name >= threshold:
                        if tok_r <= bounds[text]:  # the first name of this text
                            tok_r, tok_i = bounds[text] + 1, 0
                        # Its token index in its text: the items before it, less the line breaks.
                        tok_i += r - tok_r - raw[tok_r:r].count("\n")
                        tok_r = r
                        yield text, tok_i, tok_i + 1, name, start
                        if text in done:
                            p = bisect_right(idx, text_end, p)
                            if seq.more:  # full: nothing more of it is read
                                seq.skip_rest(read_on=False)
                                safe = seq.safe
                    continue
                # A run of candidates: consecutive words (line breaks between them allowed), cut as
                # :meth:`tag` cuts it (at most _MAX_RUN; an @handle starts a run of its own).
                run = [r, nxt]
                last = nxt
                while True:
                    nxt = last + 1
                    while raw[nxt] == "\n":
                        nxt += 1
                    w = raw[nxt]
                    c = cls[nxt]
                    if (
                        w is None
                        or not c
                        or (c == 2 and not _upper_after(raw, nxt))
                        or len(run) >= _MAX_RUN
                        or w[0] == "@"
                    ):
                        break
                    run.append(nxt)
                    last = nxt
                p += len(run)
                q = r - 1
                while raw[q] == "\n":
                    q -= 1
                after_o = raw[q] is not None and (not cls[q] or (cls[q] == 2 and not _upper_after(raw, q)))
                before_o = w is not None and (not c or (c == 2 and not _upper_after(raw, nxt)))
                scored += len(run)
                if tok_r <= bounds[text]:  # the first name of this text
                    tok_r, tok_i = bounds[text] + 1, 0
                tok_i += r - tok_r - raw[tok_r:r].count("\n")
                tok_r = r
                scores = []
                starts = []
                for k in run:
                    p2, p1, start = _before(raw, k)
                    starts.append(start)
                    n1, n2 = _after(raw, k)
                    word = raw[k]
                    a = own_cache.get((word, start)) or own(word, start)  # type: ignore[arg-type]
                    b2 = c2.get(p2) or near(p2, -2)
                    b1 = c1.get(p1) or near(p1, -1)
                    a1 = d1.get(n1) or near(n1, 1)
                    a2 = d2.get(n2) or near(n2, 2)
                    scores.append(
                        [
                            a[0] + b2[0] + b1[0] + a1[0] + a2[0],
                            a[1] + b2[1] + b1[1] + a1[1] + a2[1],
                            a[2] + b2[2] + b1[2] + a1[2] + a2[2],
                        ]
                    )
                probs = marginals(scores, after_o=after_o, before_o=before_o)
                first = tok_i
                spans = name_spans(probs, first, threshold)
                for i, j, pr_low in spans:
                    yield text, i, j, pr_low, starts[i - first]
                if spans and text in done:
                    p = bisect_right(idx, text_end, p)
                    if seq.more:
                        seq.skip_rest(read_on=False)
                        safe = seq.safe
            if not seq.more:
                return
            seq.extend()
            n_idx, safe = len(idx), seq.safe
            if text >= 0:
                text_end = bounds[text + 1]


@lru_cache(maxsize=1)
def model() -> Model:
    """The shipped model (``models/names.json``, built by ``scripts/train_names.py``)."""
    text = (files("rettesnor") / "models" / MODEL_FILE).read_text("utf-8")
    return Model(json.loads(text))


# --- what a found name is: the evidence ------------------------------------------------------------


def _word_flags(token: str) -> int:
    key = token.lower()
    f = _FLAGS.get(key, 0)
    if f & _NAME:
        return f
    if "'" in key or "’" in key:  # "O'Brien" is looked up whole, "Anna's" as "anna"
        f = _FLAGS.get(key.replace("’", "'").split("'", 1)[0], f)
        if f & _NAME:
            return f
    if "-" in key and key.count("-") < 4:  # "Anne-Sofie", "Bech-Nielsen"
        parts = key.split("-")
        pf = [_FLAGS.get(p, 0) | (_ENDING if _patronymic(p, _FLAGS) else 0) for p in parts]
        if all(x & _NAME for x in pf):
            f |= (pf[0] & _GIVEN) | (pf[-1] & _SURNAMEISH)
    elif key.endswith(_ENDINGS) and not f & (_COMMON | _STOP) and _patronymic(key, _FLAGS):
        f |= _ENDING
    return f


def _is_title(word: str) -> bool:
    return bool(_FLAGS.get(word, 0) & _TITLE) or word.endswith(_MINISTER)


def _cue_before(text: str, start: int) -> tuple[int, str]:
    """(bit, words) of a title or a person/address cue right before ``start``, or (0, "")."""
    last = text[max(0, start - 28) : start].rsplit(None, 1)
    if not last:
        return 0, ""
    w1 = last[-1].strip(_STRIP).lower()
    if "-" in w1:  # "S-borgmester"
        tail = w1.rsplit("-", 1)[1]
        if _is_title(tail):
            return _TITLE, tail
    f = _FLAGS.get(w1)
    if f is None or w1.endswith(_MINISTER):
        return (_TITLE, w1) if w1.endswith(_MINISTER) else (0, "")
    if w1 in _PHRASE_TAILS:
        words = text[max(0, start - 48) : start].rsplit(None, 3)
        if len(words) >= 2:
            w2 = words[-2].strip(_STRIP).lower() + " " + w1
            if len(words) >= 3:
                hit = _PHRASES.get(words[-3].strip(_STRIP).lower() + " " + w2)
                if hit:
                    return hit
            hit = _PHRASES.get(w2)
            if hit:
                return hit
    if f & _TITLE:
        return _TITLE, w1
    if f & _CUE_PERSON:
        return _CUE_PERSON, w1
    if f & _CUE_ADDRESS:
        return _CUE_ADDRESS, w1
    return 0, ""


def _title_after(text: str, end: int) -> str:
    after = _AFTER_TITLE.match(text, end)
    if not after:
        return ""
    words = after.group(1).lower()
    hit = _PHRASES.get(words)
    if hit and hit[0] == _TITLE:
        return words
    word = words.split(" ", 1)[0]
    return word if _is_title(word) else ""


def _pattern(
    toks: Sequence[Token], flags: Sequence[int], cue_bit: int, sentence_start: bool
) -> tuple[str, float | None, int]:
    """(pattern, the score of that kind of evidence or None, kind) of a name's words."""
    first = flags[0]
    later = 0
    for f in flags[1:]:
        later |= f
    words = [t[2] for t in toks]
    single = len(words) == 1
    with_surname = bool(later & _SURNAMEISH)
    if words[0].islower():
        if not first & _NAME:
            return "lower-case word", None, 0
        return (
            ("lower-case given+surname", 0.6, _GIVEN) if with_surname else ("lower-case given", 0.55, _GIVEN)
        )
    shouted = words[0].isupper() and len(words[0]) > 1
    ambiguous = bool(first & _NOT_NAME) or (shouted and not with_surname)
    kind = _GIVEN if first & _GIVEN else _SURNAME if first & _SURNAMEISH else 0
    score: float | None
    if kind == _GIVEN:
        if single:
            pattern, score = "given", (0.65 if sentence_start else 0.7) - (0.1 if ambiguous else 0.0)
        elif with_surname:
            pattern, score = "given+surname", 0.9
        else:
            pattern, score = "given+capitalised", 0.6 if ambiguous else 0.8
    elif kind == _SURNAME:
        if single:
            pattern, score = "surname", 0.6 if first & _ENDING and not sentence_start else 0.55
        else:
            pattern, score = "surname+surname", 0.75
    elif cue_bit:
        pattern, score = "cue+capitalised", 0.75 if cue_bit == _CUE_PERSON else 0.6
    elif with_surname:
        pattern, score = "capitalised+surname", 0.65 if sentence_start else 0.7
    else:
        pattern, score = ("capitalised" if single else "capitalised words"), None
    if kind and cue_bit and score is not None:
        score = min(0.95, max(score + 0.1, 0.75 if cue_bit == _CUE_PERSON else 0.0))
    return pattern, score, kind


def _signal(text: str, toks: list[Token], prob: float, starts: bool) -> Signal | None:
    s, e = toks[0][0], toks[-1][1]
    first = toks[0][2]
    if first.startswith("@"):
        if _in_address(text, s):
            return None  # "postmottak@hustadvika.kommune.no": a domain, which the e-mail signal covers
        if _handle_body(first):
            return None  # "@Kommunen", "@Facebook": a handle that the lists call a body, never a person
        if len(toks) > 1 or (first[1:].isalpha() and first[1].isupper()):
            # "@Jens Pedersen": the name after the @ is the person, addressed
            toks = [(s + 1, toks[0][1], first[1:]), *toks[1:]]
            s = s + 1
        else:
            return _mention(text, s, e, prob)
    span = text[s:e]
    flags = [_word_flags(t[2]) for t in toks]
    cue_bit, cue = (_CUE_ADDRESS, "@") if text[s - 1 : s] == "@" else _cue_before(text, s)
    title = ""
    if cue_bit == _TITLE:
        title, cue_bit, cue = cue, 0, ""
    sentence_start = starts and not cue_bit and not title
    pattern, rule_score, kind = _pattern(toks, flags, cue_bit, sentence_start)
    title = title or _title_after(text, e)
    both = 0
    for f in flags:
        both |= f
    lists = [
        n
        for bit, n in ((_GIVEN, "given_names"), (_SURNAME, "surnames"), (_ENDING, "surname_ending"))
        if both & bit
    ]
    gazetteer = "+".join(lists)
    evidence: dict[str, Any] = {
        "pattern": pattern,
        "gazetteer": gazetteer or None,
        "context": cue or title or None,
        "probability": round(prob, 3),
    }
    if title:
        score = OFFICIAL_SCORE
        evidence["public_official"] = True
        evidence["title"] = title
        evidence["explanation"] = (
            f"'{span}' is a person's name by the name model ({pattern}) with the public-office title "
            f"'{title}': a public official, scored low so that a pack may ignore it"
        )
    else:
        learned = 0.6 + 0.3 * max(0.0, min(1.0, (prob - THRESHOLD) / (1 - THRESHOLD)))
        score = max(0.6, rule_score) if rule_score is not None else learned
        why = f"follows '{cue}'" if cue else f"words in {gazetteer}" if gazetteer else "context and form"
        evidence["explanation"] = (
            f"'{span}' is a person's name by the name model (probability {prob:.2f}; {pattern}; {why})"
        )
    detector = "names.gazetteer" if kind else "names.context"
    return Signal(SIGNAL, s, e, round(min(score, 0.95), 2), detector, evidence)


_ADDRESS_LOCAL = frozenset("._-+")  # besides letters and digits, what ends an e-mail address's local part


def _in_address(text: str, at: int) -> bool:
    """Whether the "@" at ``at`` is an e-mail address's, written straight after its local part (a
    mention starts a word: "@jens_p")."""
    c = text[at - 1 : at]
    return bool(c) and (c.isalnum() or c in _ADDRESS_LOCAL)


def _mention(text: str, s: int, e: int, prob: float | None) -> Signal:
    """A handle, by the model (``prob``) or, with ``prob`` None, because it starts with a given name."""
    handle = text[s:e]
    why = (
        "the name model takes for a person"
        if prob is not None
        else "whose first word is a given name (the name model said no; a rule outside it)"
    )
    return Signal(
        SIGNAL,
        s,
        e,
        MENTION_SCORE,
        "names.context",
        {
            "pattern": "mention",
            "gazetteer": None,
            "context": "@",
            "probability": None if prob is None else round(prob, 3),
            "explanation": f"'{handle}' mentions an account {why}",
        },
    )


_HANDLE_PREFIX = (4, 9)  # lengths of a given name that may start a one-word handle ("@larsloekke")


def _handle_given(handle: str) -> bool:
    """Whether an @handle holds a given name of the hand-written list: its first word ("@jens_p1987",
    "@MetteH"), a capitalised word inside it ("@realDonaldTrump") or the start of a one-word handle
    ("@sophieloehde", "@larsloekke"); never a handle that the lists call a body ("@Kommunen") and not
    "@DRNyheder"."""
    body = handle[1:]
    parts = _HANDLE_PARTS.findall(body)
    if not parts or _hand_flags(body.lower()) & (_ORG | _STOP):
        return False
    first = _HANDLE_PARTS.match(handle, 1)
    word = first.group().lower() if first else ""
    if len(word) > 2 and _HAND.get(word, 0) & _GIVEN:
        return True
    if any(p[0].isupper() and len(p) > 2 and _HAND.get(p.lower(), 0) & _GIVEN for p in parts[1:]):
        return True
    low, hi = _HANDLE_PREFIX
    return word.islower() and any(_HAND.get(word[:k], 0) & _GIVEN for k in range(low, min(len(word) - 2, hi)))


_GIVEN_HANDLES: dict[str, bool] = {}


def _given_handle(handle: str) -> bool:
    """:func:`_handle_given`, once per handle form."""
    hit = _GIVEN_HANDLES.get(handle)
    if hit is None:
        if len(_GIVEN_HANDLES) > _CACHE_MAX:
            _GIVEN_HANDLES.clear()
        hit = _GIVEN_HANDLES[handle] = _handle_given(handle)
    return hit


def _at_words(words: Sequence[str | None]) -> set[str]:
    """The words that start with "@", each once (``None``: no word), from the set of the words."""
    return {w for w in set(words) if w is not None and w[:1] == "@"}


def _handle_mentions(text: str, tokens: TextTokens, covered: set[int]) -> list[Signal]:
    """Mentions of handles that start with a given name and that the model did not tag (the first
    ``_MAX_SIGNALS``: the signals of a text are cut to that many, in order). :func:`_handle_given`
    runs once per handle form; the handles are found by C-level calls over the words."""
    words = tokens.words
    handles = _at_words(words)  # (the words are at hand: cheaper than _handles, see TokenSequence.handles)
    given = set(filter(_given_handle, handles))
    out: list[Signal] = []
    if not given:
        return out
    for k in compress(count(), map(given.__contains__, words)):
        if k not in covered:
            s, e, _ = tokens[k]
            if _in_address(text, s):
                continue
            out.append(_mention(text, s, e, None))
            if len(out) >= _MAX_SIGNALS:
                break
    return out


def detect(text: str, ctx: AnalysisContext, tagger: Model | None = None) -> list[Signal]:
    """Signals ``person_name`` for names of persons (see the module docstring); ``tagger`` replaces
    the shipped model (for cross-validation)."""
    if not _LETTER.search(text):  # every candidate holds a letter (the tokens of digits and signs: none)
        return []
    tagger = tagger or model()
    chunk = Chunk([text])
    return _detect_sequence(chunk, TokenSequence(chunk, tagger), tagger, ctx).get(0, [])


def _handle_body(handle: str) -> bool:
    """Whether the lists call an @handle's word a body or a stop word ("@Kommunen"): never a person."""
    return bool(_hand_flags(handle[1:].lower()) & (_ORG | _STOP))


class _Signals:
    """The signals of one text, made from its names as they come from the tagger (in order) and, at
    the end, from its handles; full at ``_MAX_SIGNALS`` signals of names, after which nothing more is
    read (neither names nor handles)."""

    __slots__ = ("bodies", "covered", "ctx", "full", "out", "text", "tokens")

    def __init__(self, text: str, tokens: TextTokens, ctx: AnalysisContext) -> None:
        self.text = text
        self.tokens = tokens
        self.ctx = ctx
        self.out: list[Signal] = []
        self.covered: set[int] = set()
        self.bodies: dict[str, bool] = {}  # _handle_body of each handle form, once per text
        self.full = False

    def add(self, i: int, j: int, prob: float, start: bool) -> bool:
        """Take the name of tokens ``i`` to ``j`` (exclusive; ``start``: whether ``i`` starts a
        sentence, as :class:`LazyStarts` says); whether the text is now full."""
        self.covered.update(range(i, j))
        tokens = self.tokens
        first = tokens.words[i]
        if first[0] == "@":  # what _signal would drop, without the positions it needs
            body = self.bodies.get(first)
            if body is None:
                body = self.bodies[first] = _handle_body(first)
            if body:
                return False
        if not _ends_person(tokens.words[j] if j < len(tokens) else None, j - i == 1):
            return False
        text = self.text
        sig = _signal(text, tokens.run(i, j), prob, start)
        if sig is None:
            return False
        orgs = self.ctx.organisation_names
        if orgs and any(text[sig.start : sig.end] in org for org in orgs):
            return False
        self.out.append(sig)
        self.full = len(self.out) >= _MAX_SIGNALS
        return self.full

    def finish(self) -> list[Signal]:
        out = self.out
        if self.full:
            return out
        if "@" in self.text:
            out.extend(_handle_mentions(self.text, self.tokens, self.covered))
            out.sort(key=lambda sig: sig.start)
        return out[:_MAX_SIGNALS]


def _detect_sequence(
    chunk: Chunk, seq: TokenSequence, tagger: Model, ctx: AnalysisContext
) -> dict[int, list[Signal]]:
    """The signals of each text of ``chunk`` with any, from its :class:`TokenSequence`."""
    out: dict[int, list[Signal]] = {}
    if not seq.candidates and not seq.more:
        return out
    done: set[int] = set()
    made: dict[int, _Signals] = {}
    for t, i, j, prob, start in tagger.tag_sequence(seq, done):
        signals = made.get(t)
        if signals is None:
            text = chunk[t]
            signals = made[t] = _Signals(text, seq.tokens(t, text), ctx)
        if not signals.full and signals.add(i, j, prob, start):
            done.add(t)
    for t in chunk.containing("@"):  # handles the model did not tag may be mentions
        if t not in made and any(map(_given_handle, seq.handles(t))):
            text = chunk[t]
            made[t] = _Signals(text, seq.tokens(t, text), ctx)
    for t in sorted(made):
        found = made[t].finish()
        if found:
            out[t] = found
    return out


def detect_many(texts: Sequence[str], ctx: AnalysisContext) -> dict[int, list[Signal]]:
    """:func:`detect` for many texts (the same signals): the chunk is tokenised and its candidates
    found at once (:class:`TokenSequence`); positions are worked out only for the texts with a name
    or an @, and only as far as they are read."""
    chunk = as_chunk(texts)
    if not any(map(_LETTER.search, chunk.texts)):
        return {}
    tagger = model()
    return _detect_sequence(chunk, TokenSequence(chunk, tagger), tagger, ctx)
