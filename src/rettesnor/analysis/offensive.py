"""Offensive comments: a trained linear classifier beside the ``insult`` / ``hate`` / ``profanity`` lexicons.

What it is: logistic regression over TF-IDF-weighted features of the lower-cased text, trained in the
repository (``python scripts/train_offensive.py``) from DKHate (OffensEval 2020 Danish training split,
Sigurbergsson & Derczynski, LREC 2020, CC BY 4.0) and the Norwegian and Swedish comments written for this
project (``rettesnor/data/offensive/``). It reads no file but its model and downloads nothing.

Features of a text (:func:`tokens`, :func:`word_grams`):

* tokens: the lower-cased, whitespace-separated words ("idiot!" is one token);
* per token ``w``: its character 1–5-grams inside ``" w "`` (``c:`` + the gram; the spaces mark word
  edges, like scikit-learn's ``char_wb``) and the token itself (``w:`` + token), counted;
* the lexicon categories that fired on the text (``l:insult``, ``l:hate`` …, see :data:`LEXICON_SIGNALS`),
  each worth ``lexicon_scale`` and not normalised.

A text feature's value is ``count × idf / norm``, where ``norm² = Σ over tokens of ‖v(token)‖²`` and
``v(token)`` is the token's own idf-weighted gram vector. This norm differs from the usual l2 norm of the
sum only where two tokens share grams; it makes the model's margin a sum over tokens: ``margin = b +
Σ s(token) / √(Σ q(token)) + Σ lexicon weights``, with ``s`` the token's weighted sum of coefficients and
``q`` its squared norm. Both are computed once per distinct token and cached, so a text costs one
``split`` and two dict lookups per token: a few µs for a comment, no scikit-learn or numpy at run time.
(Pairs of tokens as features, and tokens split off punctuation, were tried: they gave 0.003 macro-F1
and cost three times as much.)

The model file (``rettesnor/models/offensive.json``) is plain JSON: the feature parameters, the
intercept, the lexicon weights, and every feature as ``[name, idf, coefficient]``. Nothing in it is
executed (no pickle).

The signal: the whole text (start = end = 0), score = the classifier's probability, emitted when it is
at least the model's threshold and, when no lexicon category agrees, at least ``SOLO_THRESHOLD``: alone,
the character n-grams of one rare word ("borgermøde.") can lift a harmless short text past 0.5. Its name
follows the lexicon where the lexicon agrees (``hate``, ``insult``, ``profanity``, ``threat``, ``sexual``,
``violence``, the first found in that order) and is ``insult`` otherwise. The
evidence says what fired: ``{"classifier": p, "top_features": [[token, contribution] …], "lexicon":
[categories], "agreement": "lexicon and classifier" | "classifier only"}``. :func:`assess` also gives the
third case ("lexicon only", when the classifier stays below its threshold), for findings that want to
say so.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal

DETECTOR = "offensive.classifier"
DEFAULT_SIGNAL = "insult"
# Lexicon categories used as features (and reported as agreement: the first three).
LEXICON_SIGNALS: tuple[str, ...] = ("profanity", "insult", "hate", "threat", "sexual", "violence")
_NAME_ORDER: tuple[str, ...] = ("hate", "insult", "profanity", "threat", "sexual", "violence")
SOLO_THRESHOLD = 0.8  # a classifier-only hit; bench/evaluate.py measures the rule ("as in check")
FORMAT = "rettesnor.offensive/1"
MAX_CHARS = 20_000  # only the start of a longer text is classified (bounded time on any input)
_CACHE_MAX = 200_000  # distinct tokens kept with their (s, q); cleared when full
_TOP = 5


def tokens(text: str) -> list[str]:
    """The tokens of a text: its lower-cased whitespace-separated words (punctuation stays on them)."""
    return text[:MAX_CHARS].lower().split()


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


class ModelError(ValueError):
    """The model file is missing or not a model of this format."""


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the classifier and the lexicon say about one text."""

    probability: float
    offensive: bool  # probability >= threshold
    lexicon: tuple[str, ...]  # the lexicon categories of LEXICON_SIGNALS[:3] that fired, in that order
    agreement: str  # "lexicon and classifier", "classifier only", "lexicon only", "neither"


class OffensiveModel:
    """A loaded model: the per-feature weights, and a cache of per-token sums."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        if not isinstance(doc, Mapping) or doc.get("format") != FORMAT:
            raise ModelError(f"not an offensive-comment model of format {FORMAT!r}")
        try:
            self.max_n = int(doc["max_n"])
            self.intercept = float(doc["intercept"])
            self.threshold = float(doc["threshold"])
            self.lexicon_scale = float(doc["lexicon_scale"])
            self.lexicon_weights: dict[str, float] = {
                str(k): float(v) for k, v in dict(doc["lexicon_weights"]).items()
            }
            features = doc["features"]
            self.idf: dict[str, float] = {}
            self.coef: dict[str, float] = {}
            for name, idf, coef in features:
                self.idf[str(name)] = float(idf)
                self.coef[str(name)] = float(coef)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"model is malformed: {exc!r}") from None
        self.meta: dict[str, Any] = dict(doc.get("training", {}))
        # Per distinct token: the sum of its weighted coefficients and its squared norm (filled on use).
        self._s: dict[str, float] = {}
        self._q: dict[str, float] = {}

    @classmethod
    def from_json(cls, text: str) -> OffensiveModel:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"model is not valid JSON: {exc}") from None
        return cls(doc)

    def token_weight(self, token: str) -> tuple[float, float]:
        """(Σ count × idf × coef, Σ (count × idf)²) over the token's features in the vocabulary."""
        s = self._s.get(token)
        if s is not None:
            return s, self._q[token]
        s = q = 0.0
        idf, coef = self.idf, self.coef
        for key, count in word_grams(token, self.max_n).items():
            weight = idf.get(key)
            if weight is not None:
                v = count * weight
                s += v * coef[key]
                q += v * v
        if len(self._s) >= _CACHE_MAX:
            self._s.clear()
            self._q.clear()
        self._s[token] = s
        self._q[token] = q
        return s, q

    def margin(self, text: str, lexicon: Iterable[str] = ()) -> float:
        """The linear score (log-odds) of a text, given the lexicon categories that fired on it."""
        toks = tokens(text)
        try:
            s = sum(map(self._s.__getitem__, toks))
            q = sum(map(self._q.__getitem__, toks))
        except KeyError:  # a token not seen before: weigh it once, then it is cached
            s = q = 0.0
            for t in toks:
                st, qt = self.token_weight(t)
                s += st
                q += qt
        z = self.intercept + (s / math.sqrt(q) if q > 0.0 else 0.0)
        if lexicon:
            weights = self.lexicon_weights
            for name in set(lexicon):
                z += self.lexicon_scale * weights.get(name, 0.0)
        return z

    def probability(self, text: str, lexicon: Iterable[str] = ()) -> float:
        z = self.margin(text, lexicon)
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def top_features(self, text: str, lexicon: Iterable[str] = (), k: int = _TOP) -> list[list[Any]]:
        """The tokens and lexicon categories that push the score up most, with their share of it."""
        toks = tokens(text)
        parts: dict[str, float] = {}
        q = 0.0
        for t in toks:
            s_t, q_t = self.token_weight(t)
            parts[t] = parts.get(t, 0.0) + s_t
            q += q_t
        norm = math.sqrt(q) if q > 0.0 else 1.0
        scored = [(name, value / norm) for name, value in parts.items()]
        for name in sorted(set(lexicon)):
            w = self.lexicon_weights.get(name)
            if w is not None:
                scored.append((f"lexicon:{name}", self.lexicon_scale * w))
        scored.sort(key=lambda x: (-x[1], x[0]))
        return [[name, round(value, 3)] for name, value in scored[:k] if value > 0]


def _load() -> OffensiveModel:
    resource = files("rettesnor").joinpath("models", "offensive.json")
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError(
            "the model rettesnor/models/offensive.json is missing: run `python scripts/train_offensive.py`"
        ) from None
    return OffensiveModel.from_json(text)


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


def fires(p: float, threshold: float, lexicon: Sequence[str]) -> bool:
    """Whether the classifier reports a text: its threshold with the lexicon's support, more without."""
    return p >= threshold if lexicon else p >= max(threshold, SOLO_THRESHOLD)


def _agreement(offensive: bool, lexicon: Sequence[str]) -> tuple[tuple[str, ...], str]:
    agreeing = tuple(n for n in _NAME_ORDER if n in lexicon)
    if offensive:
        return agreeing, "lexicon and classifier" if agreeing else "classifier only"
    return agreeing, "lexicon only" if agreeing else "neither"


def assess(text: str, ctx: AnalysisContext, lexicon_signals: Iterable[Signal] | None = None) -> Assessment:
    """The classifier's probability and how it agrees with the lexicon's insult/hate/profanity hits.

    ``lexicon_signals``: the lexicon's signals for this text, when the caller has them already; otherwise
    the lexicon is run (or its cached result for the same text reused).
    """
    m = model()
    names = _lexicon_names(text, ctx, lexicon_signals)
    p = m.probability(text, names)
    offensive = fires(p, m.threshold, names)
    agreeing, agreement = _agreement(offensive, names)
    return Assessment(p, offensive, agreeing, agreement)


_EXPLANATION = (
    "A classifier trained on offensive comments (DKHate and comments written in Norwegian and Swedish) "
    "finds this text offensive."
)
_EVIDENCE_KEYS = ("classifier", "threshold", "top_features", "lexicon", "agreement", "explanation")


class _Evidence(Mapping[str, Any]):
    """The classifier's evidence; its ``top_features`` are worked out only when read (when a finding is
    written), since most signals of a chunk never become findings that are shown."""

    __slots__ = ("_model", "_names", "_text", "_values")

    def __init__(self, m: OffensiveModel, text: str, p: float, names: tuple[str, ...]) -> None:
        agreeing, agreement = _agreement(True, names)
        self._model, self._text, self._names = m, text, names
        self._values: dict[str, Any] = {
            "classifier": round(p, 3),
            "threshold": m.threshold,
            "lexicon": list(agreeing),
            "agreement": agreement,
            "explanation": _EXPLANATION,
        }

    def __getitem__(self, key: str) -> Any:
        if key == "top_features" and key not in self._values:
            self._values[key] = self._model.top_features(self._text, self._names)
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_EVIDENCE_KEYS)

    def __len__(self) -> int:
        return len(_EVIDENCE_KEYS)

    def __repr__(self) -> str:
        return repr(dict(self))


def _signal(m: OffensiveModel, text: str, p: float, names: tuple[str, ...]) -> Signal:
    evidence = _Evidence(m, text, p, names)
    name = evidence["lexicon"][0] if evidence["lexicon"] else DEFAULT_SIGNAL
    return Signal(name, 0, 0, p, DETECTOR, evidence)


def detect(
    text: str, ctx: AnalysisContext, lexicon_signals: Iterable[Signal] | None = None
) -> Iterator[Signal]:
    """One whole-text signal when the classifier finds the text offensive (see the module doc)."""
    m = model()
    names = _lexicon_names(text, ctx, lexicon_signals)
    p = m.probability(text, names)
    if fires(p, m.threshold, names):
        yield _signal(m, text, p, names)


def detect_many(
    texts: Sequence[str],
    ctx: AnalysisContext,
    lexicon_signals: Mapping[int, Sequence[Signal]] | None = None,
) -> dict[int, list[Signal]]:
    """:func:`detect` for many texts: the signals of the texts that have any, by index.

    ``lexicon_signals``: the lexicon's signals by text index (texts without any may be left out), as
    ``analyse_many`` has them; without it the lexicon is run on each text.
    """
    out: dict[int, list[Signal]] = {}
    m = model()
    probability, threshold = m.probability, m.threshold
    solo = max(threshold, SOLO_THRESHOLD)
    for i, text in enumerate(texts):
        if lexicon_signals is None:
            names = _lexicon_names(text, ctx, None)
        else:
            found = lexicon_signals.get(i)
            names = _lexicon_names(text, ctx, found) if found else ()  # most texts have no signal
        p = probability(text, names)
        if p >= (threshold if names else solo):  # fires(), inlined
            out[i] = [_signal(m, text, p, names)]
    return out
