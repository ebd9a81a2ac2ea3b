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

Only tokens that can be names are scored: capitalised words, @handles, lower-case words of the name lists
that are no common words, rare lower-case words, hyphenated words ending in a listed name ("anne-sofie")
but not compounds about a name ("Larsen-koncerten"); all other tokens are ``O`` (so a comment costs a few
dictionary look-ups per word; the features of a word are summed once and cached per word form).

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
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Any

from rettesnor.analysis.chunk import as_chunk
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


# All lists: which tokens may be names (lower-case ones) and the evidence of a signal.
_FLAGS, _PHRASES, _PHRASE_TAILS, _ORG_EXACT, _ORG_ENDINGS = _load(with_training_lists=True)
# Hand-written lists only: the model's features.
_HAND = _load(with_training_lists=False)[0]

_UPPER = "".join(c for c in map(chr, range(0x41, 0x250)) if c.isupper())
# Tokens: @handles, initials ("P."), words with inner hyphens or apostrophes, any other character.
_TOKEN = re.compile(rf"@[\w.]*\w|[{_UPPER}]\.(?![\w.])|\w+(?:['’\-]\w+)*|[^\w\s]")
_HANDLE_PARTS = re.compile(r"[A-ZÆØÅÄÖ]?[a-zæøåäöüé]+")
_ENDERS = frozenset('.!?:…"”“«»–—-•*|')
_STRIP = ",:;\"'“”«»()[]-–—.!?"
_AFTER_TITLE = re.compile(r"[ \t\u00a0]*[,(–—-][ \t\u00a0]*([^\W\d_]+(?: [^\W\d_]+)?)")

Token = tuple[int, int, str]


def tokenize(text: str) -> list[Token]:
    """(start, end, word) of each token, as the model was trained on."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


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


def _stem(low: str) -> str:
    """A word without a genitive ending ("løkkes" -> "løkke", "trump's" -> "trump"): what a name in
    the genitive shares with the bare name."""
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


def self_features(word: str, start: bool, freq: dict[str, int], wide: dict[str, int] = _NO_WIDE) -> list[str]:
    """Features of a token from the word itself and whether it starts a sentence."""
    low = word.lower()
    shape = _shape(word)
    zipf = freq.get(low, 0)
    fq = f"fq={zipf}"
    f = _hand_flags(low)
    feats = ["bias", "w=" + low, "sh=" + shape, "p3=" + low[:3], "s3=" + low[-3:], "s2=" + low[-2:], fq]
    feats.append(f"len={min(len(word), 10)}")
    groups = [name for bit, name in _BIT_NAMES if f & bit]
    if low.endswith(_ORG_ENDINGS) or word in _ORG_EXACT:
        groups.append("orgend")
    feats.extend("g=" + g for g in groups)
    # Conjunctions that a linear model cannot form by itself: the case of the word with how common it
    # is, with its name lists and with the sentence start ("mette" in lower case is a name only because
    # it is a listed given name; "Frygt" capitalised mid-sentence is common, "Paludan" is not).
    cc = _case_class(word)
    st = "S" if start else "M"
    feats.append(f"cf={cc}{st}{zipf}")
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
        feats.extend("gen|g=" + name for bit, name in _BIT_NAMES if sf & bit)
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
        feats.extend("S|g=" + g for g in groups)
    return feats


def context_features(
    word: str | None, offset: int, freq: dict[str, int], wide: dict[str, int] = _NO_WIDE
) -> list[str]:
    """Features that a neighbour ``offset`` tokens away (``CONTEXT``) gives a token."""
    o = f"{offset:+d}"
    if word is None:
        return [o + "w=<>"]
    low = word.lower()
    f = _hand_flags(low)
    feats = [o + "w=" + low, o + "sh=" + _shape(word)]
    feats.extend(o + "g=" + name for bit, name in _BIT_NAMES if f & bit)
    xg = wide.get(low, 0)
    if xg:
        feats.append(f"{o}x={xg}")
    if offset in (-1, 1):
        feats.append(f"{o}fq={freq.get(low, 0)}")
        feats.append(f"{o}c={_case_class(word)}")
    return feats


_PARTICLES = frozenset("van von af de der den da di du la le del dos das ten ter zu bin ibn al el".split())


def is_candidate(word: str, nxt: str | None, freq: dict[str, int], wide: dict[str, int] = _NO_WIDE) -> bool:
    """Whether a token may be (part of) a name: capitalised or with a capital inside ("al-Assad"), an
    @handle, a listed name in lower case that is no common word ("mette"; not "per", "will"), a name of
    the wide lists that is not a frequent word ("mads": zipf below ``WIDE_LOWER_ZIPF``), a rare
    lower-case word (informal writing: "sandgaard"), or a name particle before a capitalised word
    ("von", "de")."""
    c = word[0]
    if c == "@":
        return len(word) > 1
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
        self.freq: dict[str, int] = {}
        for bucket, words in doc["frequency"].items():
            for w in words.split():
                self.freq[w] = int(bucket)
        self.wide: dict[str, int] = {}
        for bit, key in ((WIDE_GIVEN, "given"), (WIDE_SURNAME, "surname")):
            for w in doc.get("gazetteer", {}).get(key, "").split():
                self.wide[w] = self.wide.get(w, 0) | bit
        self.threshold = float(doc.get("threshold", THRESHOLD))
        self.info: dict[str, Any] = doc.get("training", {})
        self._self: dict[tuple[str, bool], tuple[float, float, float]] = {}
        self._ctx: dict[int, dict[str | None, tuple[float, float, float]]] = {k: {} for k in CONTEXT}
        self._cand = {}  # word -> 1 a candidate, 0 not, 2 a particle (a candidate before a capital)

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
                c = cache[w] = (
                    2
                    if w in _PARTICLES and w.islower() and not _FLAGS.get(w, 0) & _NAME
                    else int(is_candidate(w, None, self.freq, self.wide))
                )
            out.append(c == 1 or (c == 2 and k + 1 < n and words[k + 1][:1].isupper()))
        return out

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
            hit = cache[word] = self._sum(context_features(word, offset, self.freq, self.wide))
        return hit

    def marginals(self, scores: list[list[float]], after_o: bool, before_o: bool) -> list[list[float]]:
        """P(label) per token of a run of candidates (forward-backward; O on either side when flagged)."""
        et = self.exp_transitions
        n = len(scores)
        if n == 1:  # the common run: the same arithmetic as below, without the loops
            s = scores[0]
            m = max(s)
            cur = [math.exp(s[y] - m) * (et[0][y] if after_o else 1.0) for y in range(3)]
            z = sum(cur)
            cur = [v / z for v in cur]
            joint = [cur[y] * (et[y][0] if before_o else 1.0) for y in range(3)]
            z = sum(joint)
            return [[v / z for v in joint]]
        pots = []
        for s in scores:
            m = max(s)
            pots.append([math.exp(x - m) for x in s])
        alpha: list[list[float]] = []
        prev: list[float] | None = None
        for t in range(n):
            if t == 0:
                cur = [pots[0][y] * (et[0][y] if after_o else 1.0) for y in range(3)]
            else:
                assert prev is not None
                cur = [pots[t][y] * sum(prev[x] * et[x][y] for x in range(3)) for y in range(3)]
            z = sum(cur)
            cur = [v / z for v in cur]
            alpha.append(cur)
            prev = cur
        beta = [[1.0, 1.0, 1.0] for _ in range(n)]
        beta[-1] = [et[y][0] if before_o else 1.0 for y in range(3)]
        for t in range(n - 2, -1, -1):
            nxt = [pots[t + 1][x] * beta[t + 1][x] for x in range(3)]
            row = [sum(et[y][x] * nxt[x] for x in range(3)) for y in range(3)]
            z = sum(row)
            beta[t] = [v / z for v in row]
        out: list[list[float]] = []
        for t in range(n):
            marginal = [alpha[t][y] * beta[t][y] for y in range(3)]
            total = sum(marginal)
            out.append([v / total for v in marginal])
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
            begin = -1
            low = 1.0
            for k, p in enumerate(probs, start=i):
                name = 1.0 - p[0]
                if name >= threshold:
                    if begin >= 0 and p[1] > p[2]:  # a B-PER right after a name: a new name
                        spans.append((begin, k, low))
                        begin = -1
                    if begin < 0:
                        begin, low = k, name
                    low = min(low, name)
                elif begin >= 0:
                    spans.append((begin, k, low))
                    begin = -1
            if begin >= 0:
                spans.append((begin, j, low))
            i = j
        return spans


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
        if _hand_flags(first[1:].lower()) & (_ORG | _STOP):
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


def _handle_mentions(text: str, tokens: Sequence[Token], covered: set[int]) -> list[Signal]:
    """Mentions of handles that start with a given name and that the model did not tag."""
    out: list[Signal] = []
    for k, (s, e, w) in enumerate(tokens):
        if w[0] == "@" and k not in covered and _handle_given(w):
            out.append(_mention(text, s, e, None))
    return out


def detect(text: str, ctx: AnalysisContext, tagger: Model | None = None) -> list[Signal]:
    """Signals ``person_name`` for names of persons (see the module docstring); ``tagger`` replaces
    the shipped model (for cross-validation)."""
    if not text:
        return []
    tokens = tokenize(text)
    if not tokens:
        return []
    starts = LazyStarts(text, tokens)
    out: list[Signal] = []
    orgs = ctx.organisation_names
    covered: set[int] = set()
    for i, j, prob in (tagger or model()).tag(tokens, starts):
        covered.update(range(i, j))
        if not _ends_person(tokens[j][2] if j < len(tokens) else None, j - i == 1):
            continue
        sig = _signal(text, tokens[i:j], prob, starts[i])
        if sig is None:
            continue
        if orgs and any(text[sig.start : sig.end] in org for org in orgs):
            continue
        out.append(sig)
        if len(out) >= _MAX_SIGNALS:
            return out
    if "@" in text:
        out.extend(_handle_mentions(text, tokens, covered))
        out.sort(key=lambda sig: sig.start)
    return out[:_MAX_SIGNALS]


def detect_many(texts: Sequence[str], ctx: AnalysisContext) -> dict[int, list[Signal]]:
    """:func:`detect` for many texts (the same signals; the model's per-word sums are shared)."""
    out: dict[int, list[Signal]] = {}
    for i, text in enumerate(as_chunk(texts).texts):
        found = detect(text, ctx)
        if found:
            out[i] = found
    return out
