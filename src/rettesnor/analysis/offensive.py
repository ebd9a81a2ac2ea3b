"""Harmful comments: a trained multi-label linear classifier beside the lexicons.

What it is: one logistic-regression *head* per harm category (``insult``, ``hate``, ``threat``,
``profanity``, ``sexual``, ``violence``) and one ``offensive`` head (OFF/NOT, OffensEval's label), all
over the same features, trained in the repository (``python scripts/train_offensive.py``). The category
heads learn from the harm corpus written for this project (``corpora/harm/``, its train split; five
languages, see its datasheet) with the harmless comments of the other sources as extra negatives
(weighed up, so that the heads do not fire on real comments' style); the ``offensive`` head learns OFF/NOT
from DKHate (OffensEval 2020 Danish training split, Sigurbergsson & Derczynski, LREC 2020, CC BY 4.0) and
the Norwegian and Swedish comments of ``rettesnor/data/offensive/``. It reads no file but its model and
downloads nothing.

Features of a text (:func:`tokens`, :func:`word_grams`, :func:`pair_grams`):

* tokens: the lower-cased, whitespace-separated words ("idiot!" is one token);
* per token ``w``: its character 1–5-grams inside ``" w "`` (``c:`` + the gram; the spaces mark word
  edges, like scikit-learn's ``char_wb``) and the token itself (``w:`` + token), counted;
* when the model has them (``word_pairs``), each pair of neighbouring tokens, stripped of punctuation
  (``p:`` + "w1 w2"): threats hide in word order ("vet var", "du bor", "skal eg");
* the lexicon categories that fired on the text (``l:insult``, ``l:hate`` …, see :data:`LEXICON_SIGNALS`),
  each worth ``lexicon_scale`` and not normalised.

A text feature's value is ``count × idf / norm``, where ``norm² = Σ over tokens of ‖v(token)‖²`` (plus
``idf²`` per known word pair) and ``v(token)`` is the token's own idf-weighted gram vector. This norm
differs from the usual l2 norm of the sum only where two tokens share grams; it makes each head's margin a
sum over tokens: ``margin_h = b_h + Σ s_h(token) / √(Σ q(token)) + Σ lexicon weights_h``, with ``s_h``
the token's weighted sum of head ``h``'s coefficients and ``q`` its squared norm. Both are computed once
per distinct token and cached as one tuple ``(q, s_1 … s_H)``, so a text costs one ``split``, one dict
lookup per token and a column sum: a few µs for a comment, no scikit-learn or numpy at run time.

The model (:data:`FORMAT`, what ``scripts/train_offensive.py`` builds) is a JSON document: the feature
parameters, the heads with their intercepts, thresholds and lexicon weights, and every feature as
``[name, idf, coefficient of each head …]``. It is stored in two files (:data:`STORED_FORMAT`, written by
:func:`write_model`, the one writer; start-up time, issue 17): ``rettesnor/models/offensive.json``, the
same document with the feature names alone (``vocabulary``, one per line) in place of ``features``, and
``offensive.weights.npy`` beside it, the numbers of every feature (``[idf, coefficient of each head …]``,
one row per name of ``vocabulary``, in its order) as a NumPy ``.npy`` array of little-endian float64
(``numpy.load(path, allow_pickle=False)`` reads it; this module reads it without NumPy). The float64
values are those the JSON numbers parse to, so the scores are bit-identical to the all-JSON form's. A
model in the all-JSON form (``features`` rows) is still read, slowly (≈ 0.2 s), and
``python scripts/convert_offensive_model.py`` turns it into the two files. Nothing in either file is
executed (no pickle).

The decision, per head: it fires when its probability is at least its threshold where a lexicon category (any
of :data:`LEXICON_SIGNALS`) fired on the text, and at least its ``solo`` threshold where none did (alone, the
character n-grams of one rare word, "borgermøde.", can lift a harmless short text past 0.5); a head may carry
its own pair per language (``languages`` in the model, applied by ``ctx.language``; today's model has none).
The thresholds were chosen by cross-validation on training data (``scripts/train_offensive.py``,
docs/evaluation.md). Each category head that fires gives one signal named by its category. The ``offensive``
head gives a signal only where no category head fired: it is then named by the lexicon where the lexicon
agrees (``hate``, ``insult``, ``profanity``, ``threat``, ``sexual``, ``violence``, the first found in that
order) and by the most probable category head otherwise. Every signal covers the
whole text (start = end = 0), its score is its head's probability, and its evidence says what fired:
``{"classifier": p, "head": name, "threshold": t, "offensive": p of the offensive head, "top_features":
[[token, contribution] …], "lexicon": [categories], "agreement": "lexicon and classifier" | "classifier
only"}`` (agreement: the lexicon found the signal's own category). :func:`assess` also gives the third
case ("lexicon only", when no head fires), for findings that want to say so.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from rettesnor.analysis.chunk import Chunk
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Margins = npt.NDArray[np.float64]

DETECTOR = "offensive.classifier"
OFFENSIVE_HEAD = "offensive"
# The category heads, in the order their signals are given; each is a signal name of the contract.
CATEGORY_HEADS: tuple[str, ...] = ("insult", "hate", "threat", "profanity", "sexual", "violence")
HEADS: tuple[str, ...] = (OFFENSIVE_HEAD, *CATEGORY_HEADS)
# Lexicon categories used as features (and reported as agreement).
LEXICON_SIGNALS: tuple[str, ...] = ("profanity", "insult", "hate", "threat", "sexual", "violence")
_NAME_ORDER: tuple[str, ...] = ("hate", "insult", "profanity", "threat", "sexual", "violence")
SOLO_THRESHOLD = 0.8  # the offensive head without the lexicon's support (bench/evaluate.py measures it)
FORMAT = "rettesnor.offensive/2"  # the model document: every feature as [name, idf, coef …]
STORED_FORMAT = "rettesnor.offensive/3"  # the stored form: names in the JSON file, numbers in a .npy file
WEIGHTS_SUFFIX = ".weights.npy"  # offensive.json → offensive.weights.npy
MAX_CHARS = 20_000  # only the start of a longer text is classified (bounded time on any input)
_CACHE_MAX = 200_000  # distinct tokens kept with their (q, s_1 … s_H); cleared when full
_TOP = 5
# Batch scoring (:meth:`OffensiveModel.margins_many`): a chunk of fewer texts is scored text by text (a
# check of one text imports no NumPy: start-up time), and so is a text of more tokens than this (its
# column sums cost little next to its tokens; each token position of the chunk costs one NumPy call).
_BATCH_MIN = 32
_BATCH_TOKENS = 64
# The batch sums are the floats of sum() where sum() adds floats one after the other from 0.0: up to
# Python 3.11. From 3.12 on, sum() compensates its rounding (Neumaier), so there the margins of a chunk are
# worked out text by text (the token pass still serves the language votes).
_SEQUENTIAL_SUM = sys.version_info < (3, 12)
_PUNCT = ".,!?;:\"'()[]{}«»“”„…-–—*"  # stripped from the ends of a token for word pairs


# E-mail addresses and web addresses are left out of the classifier's tokens: they say nothing about
# harm, and their character n-grams added up to false alarms on a post listing staff addresses (eight
# addresses at one domain read as an insult). The training data holds one e-mail address and no URL.
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+")


def tokens(text: str) -> list[str]:
    """The tokens of a text: its lower-cased whitespace-separated words (punctuation stays on them),
    without e-mail and web addresses."""
    low = text[:MAX_CHARS].lower()
    if "@" in low or "http" in low or "www." in low:
        low = _ADDRESS.sub(" ", low)
    return low.split()


class TokenPass(NamedTuple):
    """A chunk's tokens (:func:`tokens`, the texts joined, one split), as row ids of the batch tables."""

    tok: Any  # the row id of every token, 0 for the separator of two texts (NumPy intp)
    begins: Any  # per text, its first token
    lengths: Any  # per text, its number of tokens
    corrections: Any  # per text, the language votes of its addresses (int64), None where it has none
    rows: Any  # the classifier's (q, s_1 … s_H) per row id (float64)
    votes: Any  # the language votes per row id (int32, one column per language)


def word_grams(token: str, max_n: int = 5) -> dict[str, int]:
    """The features of one token: its character 1..max_n-grams inside ``" token "`` and the token itself."""
    padded = f" {token} "
    out: dict[str, int] = {}
    for n in range(1, max_n + 1):
        for i in range(len(padded) - n + 1):
            key = "c:" + padded[i : i + n]
            out[key] = out.get(key, 0) + 1
    out["w:" + token] = 1
    return out


def pair_grams(toks: Sequence[str]) -> list[str]:
    """The word-pair features of a token list: neighbours stripped of punctuation, ``p:w1 w2``."""
    bare = [t.strip(_PUNCT) for t in toks]
    return [f"p:{a} {b}" for a, b in pairwise(bare) if a and b]


def logit(p: float) -> float:
    """The margin at which a head's probability is ``p`` (thresholds are compared as margins)."""
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1.0 - p))


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class ModelError(ValueError):
    """The model file is missing or not a model of this format."""


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the classifier and the lexicon say about one text."""

    probability: float  # the offensive head's
    offensive: bool  # any head fires
    lexicon: tuple[str, ...]  # the lexicon categories that fired, in _NAME_ORDER
    agreement: str  # "lexicon and classifier", "classifier only", "lexicon only", "neither"
    categories: tuple[str, ...] = ()  # the category heads that fire


@dataclass(frozen=True, slots=True)
class Head:
    """One head's parameters: intercept, lexicon weights and the two thresholds (as probabilities)."""

    name: str
    intercept: float
    threshold: float  # with a lexicon category's support
    solo: float  # without it
    lexicon_weights: Mapping[str, float]
    # Per language (da, nb, nn, sv, en): its own (threshold, solo), where the model has them; a text of
    # another language (or of none) gets the head's own pair.
    by_language: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def pair(self, language: str | None) -> tuple[float, float]:
        """(threshold, solo) for a text in ``language``."""
        return self.by_language.get(language or "", (self.threshold, self.solo))


class OffensiveModel:
    """A loaded model: the per-feature weights of every head, and a cache of per-token sums.

    ``OffensiveModel(doc)`` takes the model document (:data:`FORMAT`, with its ``features`` rows);
    :func:`read_model` reads the stored form, whose numbers come as one flat float64 array.
    """

    def __init__(self, doc: Mapping[str, Any]) -> None:
        if not isinstance(doc, Mapping) or doc.get("format") != FORMAT:
            raise ModelError(f"not an offensive-comment model of format {FORMAT!r}")
        try:
            vocabulary, values = _split_features(doc["features"], len(doc["heads"]))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"model is malformed: {exc!r}") from None
        self._setup(doc, vocabulary, values)

    @classmethod
    def from_parts(
        cls, header: Mapping[str, Any], vocabulary: list[str], values: array[float]
    ) -> OffensiveModel:
        """A model from its stored form: the header (:data:`STORED_FORMAT`, without its ``vocabulary``),
        the feature names, and their rows ``[idf, coef_1 … coef_H]`` one after the other."""
        if not isinstance(header, Mapping) or header.get("format") != STORED_FORMAT:
            raise ModelError(f"not an offensive-comment model of format {STORED_FORMAT!r}")
        self = cls.__new__(cls)
        self._setup(header, vocabulary, values)
        return self

    def _setup(self, doc: Mapping[str, Any], vocabulary: list[str], values: array[float]) -> None:
        try:
            self.max_n = int(doc["max_n"])
            self.word_pairs = bool(doc.get("word_pairs", False))
            self.lexicon_scale = float(doc["lexicon_scale"])
            self.heads: tuple[Head, ...] = tuple(
                Head(
                    str(h["name"]),
                    float(h["intercept"]),
                    float(h["threshold"]),
                    float(h["solo"]),
                    {str(k): float(v) for k, v in dict(h["lexicon_weights"]).items()},
                    MappingProxyType(
                        {str(k): (float(v[0]), float(v[1])) for k, v in dict(h.get("languages", {})).items()}
                    ),
                )
                for h in doc["heads"]
            )
            names = tuple(h.name for h in self.heads)
            if names != HEADS:
                raise ValueError(f"heads {names}, expected {HEADS}")
            stride = 1 + len(self.heads)
            if len(values) != stride * len(vocabulary):
                raise ValueError(f"{len(values)} numbers for {len(vocabulary)} features of {stride}")
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"model is malformed: {exc!r}") from None
        # The features: each name's row [idf, coef_1 … coef_H] starts at _index[name] in _values.
        self.vocabulary = vocabulary
        self._values = values
        self._stride = stride
        self._index: dict[str, int] = dict(zip(vocabulary, range(0, len(values), stride), strict=True))
        if len(self._index) != len(vocabulary):
            raise ModelError("model is malformed: a feature name occurs twice")
        self.meta: dict[str, Any] = dict(doc.get("training", {}))
        self.threshold = self.heads[0].threshold  # the offensive head's (compatibility)
        self.intercepts = tuple(h.intercept for h in self.heads)
        # Per lexicon category: its term in every head's margin.
        self._lexicon_terms: dict[str, tuple[float, ...]] = {
            name: tuple(self.lexicon_scale * h.lexicon_weights.get(name, 0.0) for h in self.heads)
            for name in LEXICON_SIGNALS
        }
        # The thresholds as margins, per head: (with the lexicon's support, without it); the heads' own,
        # and per language where the model has its own.
        self.cut_with, self.cut_solo = self._cuts(None)
        self._language_cuts = {
            lang: self._cuts(lang) for lang in sorted({k for h in self.heads for k in h.by_language})
        }
        # Per word pair seen: (idf², idf × coef_h …) in the layout of the token cache, None when it is
        # no feature; filled on use.
        self._pairs: dict[str, tuple[float, ...] | None] = {}
        # Per distinct token: (Σ (count × idf)², Σ count × idf × coef_h …), filled on use.
        self._cache: dict[str, tuple[float, ...]] = {}
        # Batch scoring: per distinct token, its row in a float64 matrix of the same tuples (row 0: zeros,
        # the separator of two texts and the padding); filled on use, cleared with _CACHE_MAX tokens.
        self._ids: dict[str, int] = {}
        self._table: Any = None
        self._lock = threading.Lock()
        self._votes: Any = None
        self._token_votes: Callable[[str], list[int]] | None = None

    def __len__(self) -> int:
        """The number of features."""
        return len(self.vocabulary)

    def feature(self, name: str) -> tuple[float, ...] | None:
        """``(idf, coef_1 … coef_H)`` of a feature, None when the model has no feature of that name."""
        at = self._index.get(name)
        return None if at is None else tuple(self._values[at : at + self._stride])

    @classmethod
    def from_json(cls, text: str) -> OffensiveModel:
        """A model from the text of a model document (:data:`FORMAT`)."""
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"model is not valid JSON: {exc}") from None
        return cls(doc)

    def _cuts(self, language: str | None) -> tuple[tuple[float, ...], tuple[float, ...]]:
        pairs = [h.pair(language) for h in self.heads]
        return tuple(logit(t) for t, _ in pairs), tuple(logit(max(t, s)) for t, s in pairs)

    def head_index(self, head: str) -> int:
        return HEADS.index(head)

    def token_weight(self, token: str) -> tuple[float, ...]:
        """``(q, s_1 … s_H)``: Σ (count × idf)² and, per head, Σ count × idf × coef over the token's
        features in the vocabulary."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        out = self._weigh(token)
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[token] = out
        return out

    def _weigh(self, token: str) -> tuple[float, ...]:
        """:meth:`token_weight` worked out (not cached)."""
        stride = self._stride
        q = 0.0
        s = [0.0] * (stride - 1)
        index, values = self._index, self._values
        for key, count in word_grams(token, self.max_n).items():
            at = index.get(key)
            if at is not None:
                v = count * values[at]
                q += v * v
                for h, c in enumerate(values[at + 1 : at + stride]):
                    s[h] += v * c
        return (q, *s)

    def _rows(self, toks: list[str]) -> list[tuple[float, ...]]:
        cache = self._cache
        try:
            rows = list(map(cache.__getitem__, toks))
        except KeyError:  # a token not seen before: weigh it once, then it is cached
            rows = [self.token_weight(t) for t in toks]
        if self.word_pairs and len(toks) > 1:
            for p in pair_grams(toks):
                row = self.pair_weight(p)
                if row is not None:
                    rows.append(row)
        return rows

    def pair_weight(self, pair: str) -> tuple[float, ...] | None:
        """``(idf², idf × coef_h …)`` of a word pair (``p:w1 w2``), None when it is no feature."""
        try:
            return self._pairs[pair]
        except KeyError:
            pass
        at = self._index.get(pair) if pair.startswith("p:") else None
        row = None
        if at is not None:
            values = self._values
            idf = values[at]
            row = (idf * idf, *(idf * c for c in values[at + 1 : at + self._stride]))
        if len(self._pairs) >= _CACHE_MAX:
            self._pairs.clear()
        self._pairs[pair] = row
        return row

    def margins(self, text: str, lexicon: Iterable[str] = ()) -> list[float]:
        """The linear score (log-odds) of every head, in :data:`HEADS` order, given the lexicon
        categories that fired on the text."""
        rows = self._rows(tokens(text))
        if rows:
            q, *s = map(sum, zip(*rows, strict=True))
            inv = 1.0 / math.sqrt(q) if q > 0.0 else 0.0
            z = [b + v * inv for b, v in zip(self.intercepts, s, strict=True)]
        else:
            z = list(self.intercepts)
        return self.with_lexicon(z, lexicon)

    def with_lexicon(self, z: list[float], lexicon: Iterable[str]) -> list[float]:
        """Margins ``z`` without the lexicon plus the terms of the lexicon categories that fired."""
        for name in set(lexicon):
            terms = self._lexicon_terms.get(name)
            if terms is not None:
                z = [a + b for a, b in zip(z, terms, strict=True)]
        return z

    def token_pass(self, chunk: Chunk) -> TokenPass | None:
        """The chunk's tokens as row ids of the batch tables (kept on the chunk: the language votes and the
        margins read the same pass); None for a chunk of fewer than ``_BATCH_MIN`` texts or one that
        cannot be joined or lower-cased in place (NUL in a text, "İ").

        Addresses are blanked token by token: no address spans whitespace (the pattern has none), so
        :func:`tokens` blanks within the tokens of ``split()`` what it blanks in the text, and a token
        that holds one (known by its id, < 0) stands for the tokens left of it. Its language votes are
        those of the whole token (the language reads addresses too): a text's difference is kept in
        ``corrections``.
        """
        done = chunk.tokens
        if done is not None:
            return done if isinstance(done, TokenPass) else None
        low = chunk.low if len(chunk) >= _BATCH_MIN else None
        if low is None:
            chunk.tokens = False
            return None
        import numpy as np  # here: only a chunk needs it (start-up time, issue 17)

        with self._lock:  # the tables grow and are cleared here only; a pass keeps the arrays it read
            done = self._pass(low, len(chunk), np)
        chunk.tokens = done
        return done

    def _pass(self, low: str, texts: int, np: Any) -> TokenPass:
        toks = low.split()  # each separator is one token "\x00" (id 0): no text holds NUL
        if len(self._ids) >= _CACHE_MAX or self._table is None:
            self._reset_table(np)
        ids = self._ids
        try:
            tok = np.fromiter(map(ids.__getitem__, toks), dtype=np.intp, count=len(toks))
        except KeyError:  # tokens not seen before: weigh each once
            tok = np.array([ids[t] if t in ids else self._add_token(t, np) for t in toks], dtype=np.intp)
        corrections = None
        if len(tok) and tok.min() < 0:
            tok, corrections = self._expand(tok, texts, np)
        ends = np.append(np.flatnonzero(tok == 0), len(tok))
        begins = np.empty_like(ends)
        begins[0] = 0
        begins[1:] = ends[:-1] + 1
        return TokenPass(tok, begins, ends - begins, corrections, self._table, self._votes)

    def _expand(self, tok: Any, texts: int, np: Any) -> tuple[Any, Any]:
        """``tok`` with each token that holds an address (id < 0) replaced by the rows of what is left of
        it, and per text the language votes of those tokens less the votes of what is left."""
        separators = np.flatnonzero(tok == 0)
        where = np.flatnonzero(tok < 0)
        owners = np.searchsorted(separators, where).tolist()  # separators before it: its text
        parts: list[Any] = []
        corrections = np.zeros((texts, self._votes.shape[1]), dtype=np.int64)
        done = 0
        for at, owner in zip(where.tolist(), owners, strict=True):
            rows, correction = self._expansions[-int(tok[at]) - 1]
            parts.append(tok[done:at])
            parts.append(rows)
            corrections[owner] += correction
            done = at + 1
        parts.append(tok[done:])
        return np.concatenate(parts), corrections

    def margins_many(self, chunk: Chunk) -> Margins | None:
        """:meth:`margins` without lexicon categories for every text of a chunk, as a matrix (one row per
        text, one column per head), the same floats; None for a chunk of fewer than ``_BATCH_MIN`` texts.

        One lower-casing and one split of the chunk's joined text, one dictionary look-up per token for
        its row of cached sums (:meth:`token_pass`), and per head one addition per token position over all
        the texts at once: each text's column sums are still added token by token from 0.0, in the text's
        order, as ``sum`` adds them in :meth:`margins` (only the order of additions decides the float;
        NumPy's own ``sum`` adds pairwise and would not give the same bits). The norm and the margins are
        the same IEEE operations (``sqrt``, ``/``, ``*``, ``+``). A text longer than ``MAX_CHARS``
        characters, and every text of a chunk that cannot be joined or lower-cased in place ("İ"), goes
        through :meth:`margins`. None from Python 3.12 on (``_SEQUENTIAL_SUM``).
        """
        texts = chunk.texts
        if len(texts) < _BATCH_MIN or not _SEQUENTIAL_SUM:
            return None
        import numpy as np  # here: only a chunk needs it (start-up time, issue 17)

        out = np.empty((len(texts), len(self.heads)), dtype=np.float64)
        tp = self.token_pass(chunk)
        if tp is None:  # NUL in a text, or "İ": text by text
            for i, text in enumerate(texts):
                out[i] = self.margins(text)
            return out
        tok, begins, lengths, table = tp.tok, tp.begins, tp.lengths, tp.rows
        sums = np.zeros((len(texts), self._stride), dtype=np.float64)
        longest = min(int(lengths.max(initial=0)), _BATCH_TOKENS)
        if longest:
            # Token position l of every text that has one is added to those texts' sums at once,
            # position after position: each text's sums grow from 0.0 in its own order, as sum() adds
            # them. The texts are taken longest first, so the texts with a token at position l are the
            # first ``active[l]`` of them, and the rows of position l follow those of position l - 1.
            order = np.argsort(-lengths, kind="stable")
            pos = np.arange(longest, dtype=np.intp)
            has = pos[:, None] < lengths[order][None, :]  # (position, text longest first)
            active = has.sum(axis=1).tolist()
            rows = table[tok[(begins[order][None, :] + pos[:, None])[has]]]
            part = np.zeros((len(texts), self._stride), dtype=np.float64)
            at = 0
            for k in active:
                part[:k] += rows[at : at + k]
                at += k
            sums[order] = part
        for i in np.flatnonzero(lengths > longest).tolist():
            # The tokens after the first _BATCH_TOKENS: added one after the other to what the first
            # ones gave (accumulate adds in order; its last row is the sum).
            rest = table[tok[begins[i] + longest : begins[i] + lengths[i]]]
            sums[i] = np.add.accumulate(np.vstack((sums[i : i + 1], rest)), axis=0)[-1]
        q = sums[:, 0]
        inv = np.zeros(len(texts), dtype=np.float64)
        positive = q > 0.0
        inv[positive] = 1.0 / np.sqrt(q[positive])
        out[:] = np.asarray(self.intercepts, dtype=np.float64)[None, :] + sums[:, 1:] * inv[:, None]
        for i, text in enumerate(texts):
            if len(text) > MAX_CHARS:  # only its start is classified
                out[i] = self.margins(text)
        return out

    def _reset_table(self, np: Any) -> None:
        from rettesnor.analysis import language  # the votes of a token (language imports no model)

        self._token_votes = language.token_votes
        self._ids = {"\x00": 0}  # a token of split() → its row, or -1 - its entry in _expansions
        self._row_ids: dict[str, int] = {"\x00": 0}  # a token of tokens() → its row
        self._expansions: list[tuple[Any, Any]] = []  # (rows, votes of the token less theirs)
        self._table = np.zeros((1024, self._stride), dtype=np.float64)
        self._votes = np.zeros((1024, language.VOTE_FIELDS), dtype=np.int32)  # ≤ 2 a word

    def _add_token(self, token: str, np: Any) -> int:
        """The id of a token of ``split()`` not seen before (see :meth:`token_pass`)."""
        if ("@" in token or "http" in token or "www." in token) and _ADDRESS.search(token):
            rows = np.array([self._row(t, np) for t in _ADDRESS.sub(" ", token).split()], dtype=np.intp)
            whole = np.asarray(self._token_votes(token) if self._token_votes else 0, dtype=np.int64)
            correction = whole - self._votes[rows].sum(axis=0)
            self._expansions.append((rows, correction))
            at = self._ids[token] = -len(self._expansions)
            return at
        at = self._ids[token] = self._row(token, np)
        return at

    def _row(self, token: str, np: Any) -> int:
        """The row of a classifier token in the batch tables (added when new): its tuple of
        :meth:`token_weight` and its language votes."""
        at = self._row_ids.get(token)
        if at is not None:
            return at
        at = len(self._row_ids)
        if at == len(self._table):
            grown = np.zeros((2 * at, self._stride), dtype=np.float64)
            grown[:at] = self._table
            self._table = grown
            votes = np.zeros((2 * at, self._votes.shape[1]), dtype=np.int32)
            votes[:at] = self._votes
            self._votes = votes
        self._table[at] = self._cache.get(token) or self._weigh(token)  # the batch table keeps it
        if self._token_votes is not None:
            self._votes[at] = self._token_votes(token)
        self._row_ids[token] = at
        return at

    def margin(self, text: str, lexicon: Iterable[str] = (), head: str = OFFENSIVE_HEAD) -> float:
        """One head's linear score (the offensive head's unless told)."""
        return self.margins(text, lexicon)[self.head_index(head)]

    def probabilities(self, text: str, lexicon: Iterable[str] = ()) -> list[float]:
        return [sigmoid(z) for z in self.margins(text, lexicon)]

    def probability(self, text: str, lexicon: Iterable[str] = (), head: str = OFFENSIVE_HEAD) -> float:
        return sigmoid(self.margin(text, lexicon, head))

    def firing(self, z: Sequence[float], supported: bool, language: str | None = None) -> list[int]:
        """The indices of the heads whose margins ``z`` reach their threshold (the language's own, where
        the model has them)."""
        both = self._language_cuts.get(language or "")
        if both is None:
            both = (self.cut_with, self.cut_solo)
        cuts = both[0] if supported else both[1]
        return [h for h, (a, c) in enumerate(zip(z, cuts, strict=True)) if a >= c]

    def top_features(
        self, text: str, lexicon: Iterable[str] = (), k: int = _TOP, head: str = OFFENSIVE_HEAD
    ) -> list[list[Any]]:
        """The tokens, word pairs and lexicon categories that push one head's score up most, with their
        share of it."""
        h = self.head_index(head) + 1  # position in the cached tuples
        toks = tokens(text)
        parts: dict[str, float] = {}
        q = 0.0
        for t in toks:
            row = self.token_weight(t)
            parts[t] = parts.get(t, 0.0) + row[h]
            q += row[0]
        if self.word_pairs:
            for p in pair_grams(toks):
                pair_row = self.pair_weight(p)
                if pair_row is not None:
                    parts[p[2:]] = parts.get(p[2:], 0.0) + pair_row[h]
                    q += pair_row[0]
        norm = math.sqrt(q) if q > 0.0 else 1.0
        scored = [(name, value / norm) for name, value in parts.items()]
        for name in sorted(set(lexicon)):
            if name in self._lexicon_terms:
                scored.append((f"lexicon:{name}", self._lexicon_terms[name][h - 1]))
        scored.sort(key=lambda x: (-x[1], x[0]))
        return [[name, round(value, 3)] for name, value in scored[:k] if value > 0]


def _split_features(rows: Iterable[Sequence[Any]], heads: int) -> tuple[list[str], array[float]]:
    """The names of a model document's ``features`` rows, and their numbers one row after the other."""
    vocabulary: list[str] = []
    values: array[float] = array("d")
    for row in rows:
        name, numbers = str(row[0]), [float(c) for c in row[1:]]
        if len(numbers) != 1 + heads:
            raise ValueError(f"feature {name!r} has {len(numbers) - 1} coefficients, not {heads}")
        vocabulary.append(name)
        values.extend(numbers)
    return vocabulary, values


# The header of an .npy file (format 1.0) of a C-ordered little-endian float64 matrix, as NumPy writes it
# (padded with spaces to a multiple of 64 bytes with the 10 bytes before it, and a line break).
_NPY_MAGIC = b"\x93NUMPY\x01\x00"
_NPY_HEADER = re.compile(r"\{'descr': '<f8', 'fortran_order': False, 'shape': \((\d+), (\d+)\), \} *\n")


def npy_bytes(values: array[float], columns: int) -> bytes:
    """An .npy file of ``values`` as a matrix of ``columns`` columns (little-endian float64)."""
    rows, rest = divmod(len(values), columns)
    if rest:
        raise ValueError(f"{len(values)} values do not fill rows of {columns}")
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {columns}), }}"
    header += " " * (-(len(_NPY_MAGIC) + 2 + len(header) + 1) % 64) + "\n"
    data = array("d", values)
    if sys.byteorder == "big":
        data.byteswap()
    return _NPY_MAGIC + len(header).to_bytes(2, "little") + header.encode("latin-1") + data.tobytes()


def npy_values(data: bytes) -> tuple[int, array[float]]:
    """The number of columns and the values (row after row) of an .npy file written by :func:`npy_bytes`
    (or by NumPy, of a little-endian float64 matrix); anything else is refused."""
    if data[: len(_NPY_MAGIC)] != _NPY_MAGIC or len(data) < 10:
        raise ModelError("the weights are not an .npy file of format 1.0")
    size = int.from_bytes(data[8:10], "little")
    match = _NPY_HEADER.fullmatch(data[10 : 10 + size].decode("latin-1"))
    if match is None:
        raise ModelError("the weights are not a C-ordered little-endian float64 matrix")
    rows, columns = int(match[1]), int(match[2])
    body = memoryview(data)[10 + size :]
    if len(body) != rows * columns * 8:
        raise ModelError(f"the weights hold {len(body)} bytes, not {rows} × {columns} float64")
    values: array[float] = array("d")
    values.frombytes(body)
    if sys.byteorder == "big":
        values.byteswap()
    return columns, values


def weights_path(path: Path) -> Path:
    """The weights file beside a model file: ``offensive.json`` → ``offensive.weights.npy``."""
    return path.with_name(path.name.removesuffix(".json") + WEIGHTS_SUFFIX)


def stored_form(doc: Mapping[str, Any]) -> tuple[str, bytes]:
    """The two files of a model document (:data:`FORMAT`): the JSON text (:data:`STORED_FORMAT`: the
    document with ``vocabulary``, one name per line, for ``features``, and ``weights``, what the .npy file
    holds and its SHA-256) and the .npy file. Deterministic: the same document gives the same bytes."""
    if doc.get("format") != FORMAT:
        raise ModelError(f"not an offensive-comment model of format {FORMAT!r}")
    vocabulary, values = _split_features(doc["features"], len(doc["heads"]))
    columns = 1 + len(doc["heads"])
    weights = npy_bytes(values, columns)
    head = {k: v for k, v in doc.items() if k != "features"}
    head["format"] = STORED_FORMAT
    head["weights"] = {
        "columns": ["idf", *(str(h["name"]) for h in doc["heads"])],
        "dtype": "<f8",
        "rows": len(vocabulary),
        "sha256": hashlib.sha256(weights).hexdigest(),
    }
    lines = json.dumps(head, indent=1, ensure_ascii=False, sort_keys=True)[:-2]
    body = ",\n".join(json.dumps(name, ensure_ascii=False) for name in vocabulary)
    return f'{lines},\n "vocabulary": [\n{body}\n]}}\n', weights


def write_model(doc: Mapping[str, Any], path: Path) -> Path:
    """Write a model document (:data:`FORMAT`) in its stored form: ``path`` (JSON) and the weights file
    beside it (:func:`weights_path`), which is returned. The one writer of model files (the trainer and
    ``scripts/convert_offensive_model.py`` use it)."""
    text, weights = stored_form(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    npy = weights_path(path)
    for target, data in ((npy, weights), (path, text.encode("utf-8"))):
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return npy


def _from_files(text: str | bytes, weights: Callable[[], bytes], check: bool = False) -> OffensiveModel:
    """A model from its JSON text and, in the stored form, its weights file's bytes (read only then)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"model is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != STORED_FORMAT:
        return OffensiveModel(doc)  # the all-JSON form (or an error)
    vocabulary = doc.pop("vocabulary", None)
    if not isinstance(vocabulary, list) or not all(isinstance(n, str) for n in vocabulary):
        raise ModelError("model is malformed: no list of feature names")
    data = weights()
    if check:
        expected = doc.get("weights", {}).get("sha256") if isinstance(doc.get("weights"), dict) else None
        if hashlib.sha256(data).hexdigest() != expected:
            raise ModelError("the weights file is not the one the model file names (SHA-256)")
    columns, values = npy_values(data)
    if columns != 1 + len(HEADS):
        raise ModelError(f"the weights have {columns} columns, not {1 + len(HEADS)}")
    return OffensiveModel.from_parts(doc, vocabulary, values)


def read_model(path: Path, check: bool = True) -> OffensiveModel:
    """The model of a file: the stored form (``path`` and its weights file) or the all-JSON form.
    ``check``: compare the weights file with the SHA-256 the model file names."""
    try:
        text = path.read_bytes()
        return _from_files(text, lambda: weights_path(path).read_bytes(), check)
    except FileNotFoundError as exc:
        raise ModelError(f"model file missing: {exc.filename}") from None


def read_document(path: Path) -> dict[str, Any]:
    """The model document (:data:`FORMAT`, with its ``features`` rows) of a model file of either form."""
    m = read_model(path)
    doc: dict[str, Any] = json.loads(path.read_bytes())
    doc.pop("vocabulary", None)
    doc.pop("weights", None)
    doc["format"] = FORMAT
    stride, values = m._stride, m._values
    doc["features"] = [
        [name, *values[at : at + stride]]
        for name, at in zip(m.vocabulary, range(0, len(values), stride), strict=True)
    ]
    return doc


def _load() -> OffensiveModel:
    models = files("rettesnor").joinpath("models")
    try:
        text = models.joinpath("offensive.json").read_bytes()
        return _from_files(text, models.joinpath("offensive" + WEIGHTS_SUFFIX).read_bytes)
    except FileNotFoundError:
        raise ModelError(
            "the model rettesnor/models/offensive.json or its weights are missing: run "
            "`python scripts/train_offensive.py`"
        ) from None


_MODEL: list[OffensiveModel] = []


def model() -> OffensiveModel:
    """The packaged model, loaded on first use (a clear error if the file is missing or broken): every
    command imports this module, only a check needs the model (start-up time, issue 17)."""
    if not _MODEL:
        _MODEL.append(_load())
    return _MODEL[0]


def _lexicon_names(text: str, ctx: AnalysisContext, found: Iterable[Signal] | None) -> tuple[str, ...]:
    if found is None:
        from rettesnor.analysis import lexicon  # the pipeline's last scan is cached there

        found = lexicon.scan(text, ctx)
    names = {s.name for s in found if s.name in LEXICON_SIGNALS}
    return tuple(n for n in LEXICON_SIGNALS if n in names)


# Lawful pressure is no threat (corpora/harm/LABEL_GUIDE.md): "if you close the school we will complain
# to the ombudsman / appeal / go to the press / vote you out / come to the council meeting and speak".
# The threat head learns "if …, then we will …" from real threats and fires on these too, so without the
# threat word list's support a text with such a cue keeps no threat signal. Written from the label guide
# in the five languages (stems: "klag" covers klage/klaga/klager, "överklag" överklaga/överklagar).
_LAWFUL_PRESSURE = re.compile(
    r"\b(?:klag|anke|anker\b|ankestyrelsen|ombudsm|sivilombud|statsforvalt|overklag|överklag|anmäl|"
    r"förvaltningsrätt|forvaltningsrett|domstol|retssag|rettssak|søksmål|stämm|sue\b|court\b|appeal|"
    r"complain|ombudsman|advokat|lawyer|solicitor|pressen|presse\b|pressa|medierne|media|tidning|avis|"
    r"journalist|newspaper|valg|valet|vote|election|stemm[ea]r? (?:jer|dere|dykk|på)|rösta|røyst|"
    r"byrådsmød|kommunestyre|fullmäktige|council meeting|min mening|vår mening|vores mening|min åsikt|"
    r"our minds|my mind|underskrift|namninsamling|petition|protest|demonstr)",
    re.IGNORECASE,
)
_THREAT_HEAD = HEADS.index("threat")


def _lawful_pressure_only(fired: list[int], text: str, names: Sequence[str]) -> list[int]:
    """``fired`` without the threat head when the text is lawful pressure (see above)."""
    if _THREAT_HEAD in fired and "threat" not in names and _LAWFUL_PRESSURE.search(text[:MAX_CHARS]):
        return [h for h in fired if h != _THREAT_HEAD]
    return fired


def fires(p: float, threshold: float, lexicon: Sequence[str], solo: float = SOLO_THRESHOLD) -> bool:
    """Whether a head reports a text: its threshold with the lexicon's support, ``solo`` without."""
    return p >= threshold if lexicon else p >= max(threshold, solo)


def _agreeing(lexicon: Sequence[str]) -> tuple[str, ...]:
    return tuple(n for n in _NAME_ORDER if n in lexicon)


def assess(text: str, ctx: AnalysisContext, lexicon_signals: Iterable[Signal] | None = None) -> Assessment:
    """Every head's decision and how it agrees with the lexicon.

    ``lexicon_signals``: the lexicon's signals for this text, when the caller has them already; otherwise
    the lexicon is run (or its cached result for the same text reused).
    """
    m = model()
    names = _lexicon_names(text, ctx, lexicon_signals)
    z = m.margins(text, names)
    fired = _lawful_pressure_only(m.firing(z, bool(names), ctx.language), text, names)
    agreeing = _agreeing(names)
    if fired:
        agreement = "lexicon and classifier" if agreeing else "classifier only"
    else:
        agreement = "lexicon only" if agreeing else "neither"
    categories = tuple(HEADS[h] for h in fired if h > 0)
    return Assessment(sigmoid(z[0]), bool(fired), agreeing, agreement, categories)


_EXPLANATION = {
    OFFENSIVE_HEAD: "A classifier trained on offensive comments (DKHate, and comments written in Danish, "
    "Norwegian, Swedish and English) finds this text offensive.",
    **{
        name: f"A classifier trained on comments labelled by harm category (the harm corpus, written in "
        f"Danish, Norwegian, Swedish and English) finds this text to be {name}."
        for name in CATEGORY_HEADS
    },
}
_EVIDENCE_KEYS = (
    "classifier",
    "head",
    "threshold",
    "offensive",
    "top_features",
    "lexicon",
    "agreement",
    "explanation",
)


class _Evidence(Mapping[str, Any]):
    """One head's evidence; its ``top_features`` are worked out only when read (when a finding is
    written), since most signals of a chunk never become findings that are shown."""

    __slots__ = ("_head", "_model", "_names", "_text", "_values")

    def __init__(
        self,
        m: OffensiveModel,
        text: str,
        z: Sequence[float],
        h: int,
        names: tuple[str, ...],
        signal: str,
        language: str | None,
    ) -> None:
        head = m.heads[h]
        threshold, solo = head.pair(language)
        agreeing = _agreeing(names)
        self._model, self._text, self._names, self._head = m, text, names, head.name
        self._values: dict[str, Any] = {
            "classifier": round(sigmoid(z[h]), 3),
            "head": head.name,
            "threshold": threshold if names else max(threshold, solo),
            "offensive": round(sigmoid(z[0]), 3),
            "lexicon": list(agreeing),
            "agreement": "lexicon and classifier" if signal in agreeing else "classifier only",
            "explanation": _EXPLANATION[head.name],
        }

    def __getitem__(self, key: str) -> Any:
        if key == "top_features" and key not in self._values:
            self._values[key] = self._model.top_features(self._text, self._names, head=self._head)
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_EVIDENCE_KEYS)

    def __len__(self) -> int:
        return len(_EVIDENCE_KEYS)

    def __repr__(self) -> str:
        return repr(dict(self))


def _signals(
    m: OffensiveModel,
    text: str,
    z: list[float],
    fired: list[int],
    names: tuple[str, ...],
    language: str | None = None,
) -> list[Signal]:
    """The signals of the heads that fired (see the module doc)."""
    out = []
    for h in fired:
        if h:
            name = HEADS[h]
            out.append(
                Signal(name, 0, 0, sigmoid(z[h]), DETECTOR, _Evidence(m, text, z, h, names, name, language))
            )
    if not out:  # only the offensive head: named by the lexicon, else by the likeliest category
        agreeing = _agreeing(names)
        name = agreeing[0] if agreeing else HEADS[max(range(1, len(z)), key=z.__getitem__)]
        out.append(
            Signal(name, 0, 0, sigmoid(z[0]), DETECTOR, _Evidence(m, text, z, 0, names, name, language))
        )
    return out


def detect(
    text: str, ctx: AnalysisContext, lexicon_signals: Iterable[Signal] | None = None
) -> Iterator[Signal]:
    """The whole-text signals of the heads that fire (see the module doc)."""
    m = model()
    names = _lexicon_names(text, ctx, lexicon_signals)
    z = m.margins(text, names)
    fired = _lawful_pressure_only(m.firing(z, bool(names), ctx.language), text, names)
    if fired:
        yield from _signals(m, text, z, fired, names, ctx.language)


def detect_many(
    texts: Sequence[str],
    ctx: AnalysisContext,
    lexicon_signals: Mapping[int, Sequence[Signal]] | None = None,
    margins: Margins | None = None,
) -> dict[int, list[Signal]]:
    """:func:`detect` for many texts: the signals of the texts that have any, by index.

    ``lexicon_signals``: the lexicon's signals by text index (texts without any may be left out), as
    ``analyse_many`` has them; without it the lexicon is run on each text. ``margins``: the texts' margins
    without the lexicon (:meth:`OffensiveModel.margins_many`, a row per text), when the caller has them;
    then only the texts with a lexicon category, or whose margins reach a threshold without one, are
    looked at one by one.
    """
    out: dict[int, list[Signal]] = {}
    m = model()
    margins_of, firing = m.margins, m.firing
    language = ctx.language
    if margins is not None and lexicon_signals is not None:
        return _detect_scored(m, texts, ctx, lexicon_signals, margins)
    for i, text in enumerate(texts):
        if lexicon_signals is None:
            names = _lexicon_names(text, ctx, None)
        else:
            found = lexicon_signals.get(i)
            names = _lexicon_names(text, ctx, found) if found else ()  # most texts have no signal
        z = margins_of(text, names)
        fired = _lawful_pressure_only(firing(z, bool(names), language), text, names)
        if fired:
            out[i] = _signals(m, text, z, fired, names, language)
    return out


def _detect_scored(
    m: OffensiveModel,
    texts: Sequence[str],
    ctx: AnalysisContext,
    lexicon_signals: Mapping[int, Sequence[Signal]],
    margins: Margins,
) -> dict[int, list[Signal]]:
    """:func:`detect_many` given every text's margins without the lexicon: a text without a lexicon
    category fires only where a margin reaches its threshold without one (one comparison of the whole
    matrix); the others, and those, are decided as :func:`detect` decides them, on the same floats."""
    import numpy as np  # the margins are a NumPy matrix: it is loaded

    language = ctx.language
    both = m._language_cuts.get(language or "")
    solo = (both or (m.cut_with, m.cut_solo))[1]
    # The texts with a lexicon category (a signal of another kind changes nothing), then those that
    # reach a threshold without one.
    supported: dict[int, tuple[str, ...]] = {}
    for i, found in lexicon_signals.items():
        names = _lexicon_names(texts[i], ctx, found) if found else ()
        if names:
            supported[i] = names
    look = set(np.flatnonzero((margins >= np.asarray(solo)).any(axis=1)).tolist())
    look.update(supported)
    out: dict[int, list[Signal]] = {}
    for i in sorted(look):
        text = texts[i]
        names = supported.get(i, ())
        z = m.with_lexicon(margins[i].tolist(), names)
        fired = _lawful_pressure_only(m.firing(z, bool(names), language), text, names)
        if fired:
            out[i] = _signals(m, text, z, fired, names, language)
    return out
