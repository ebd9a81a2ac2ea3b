"""Analysis: pure functions from text to :class:`Signal` s. No I/O, no policy, no storage.

Each detector module exposes ``detect(text, ctx) -> Iterable[Signal]``. They are precompiled at import
and bounded in time on any input (the hot path of every check). A module may also expose
``detect_many(texts, ctx) -> dict[int, list[Signal]]`` (the signals of the texts that have any, by
index), which scans a whole chunk at once (see :mod:`rettesnor.analysis.chunk`); it must give exactly
what ``detect`` gives text by text. :func:`analyse_many` uses it, and loops over ``detect`` for the
modules without one.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Sequence

from rettesnor.analysis import contact, discourse, identifiers, lexicon, names, offensive, readability
from rettesnor.analysis.chunk import Chunk, as_chunk
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import CATEGORIES, MARKERS, SIGNAL_NAMES, Signal

Detector = Callable[[str, AnalysisContext], Iterable[Signal]]
ManyDetector = Callable[[Chunk, AnalysisContext], dict[int, list[Signal]]]

DETECTORS: tuple[Detector, ...] = (
    identifiers.detect,
    contact.detect,
    names.detect,
    lexicon.detect,
    discourse.detect,
    readability.detect,
)


def analyse(text: str, ctx: AnalysisContext) -> list[Signal]:
    """Run every detector; national IDs win over other identifiers that claim the same digits."""
    signals: list[Signal] = []
    for detector in DETECTORS:
        if detector is contact.detect:  # phones on a national ID are dropped below: skip them there
            signals.extend(contact.detect(text, ctx, [s for s in signals if s.name == "national_id"]))
        else:
            signals.extend(detector(text, ctx))
    # The classifier reads the lexicon's categories as features, so it runs last, on what they found.
    signals.extend(offensive.detect(text, ctx, signals))
    return _drop_overlapped_identifiers(signals)


def _many(detector: Detector) -> ManyDetector:
    module = sys.modules[detector.__module__]
    many: ManyDetector | None = getattr(module, "detect_many", None)
    if many is not None and getattr(module, "detect", None) is detector:
        return many

    def loop(chunk: Chunk, ctx: AnalysisContext) -> dict[int, list[Signal]]:
        out: dict[int, list[Signal]] = {}
        for i, text in enumerate(chunk.texts):
            found = list(detector(text, ctx))
            if found:
                out[i] = found
        return out

    return loop


# What each detector reads of its context: a chunk is split only by these (one scan of the whole chunk
# where the texts differ in language alone). None: the whole context. tests/analysis/test_engine.py checks
# these against the modules' sources, so a detector that starts reading more fails there.
READS: dict[str, tuple[str, ...] | None] = {
    "identifiers": ("language", "country"),
    "contact": ("country", "work_email_domains", "organisation_names", "own_phone_numbers"),
    "names": ("organisation_names",),
    "lexicon": ("language", "country"),
    "discourse": None,
    "readability": ("kind", "lix_max", "sentence_words_max"),
    "offensive": ("language",),  # its thresholds are per language; the lexicon's signals are given to it
}


def _module_name(detector: Detector) -> str:
    return detector.__module__.rsplit(".", 1)[-1]


class _Groups:
    """The parts of a chunk whose texts share what a detector reads, each joined once and reused.

    The texts are first grouped by their context object (the check caches one per pack, kind, language,
    channel and photos, so a chunk holds a handful): a detector's split then compares those few
    contexts, not every text's (a dataclass comparison per text cost ~3 µs per text and detector).
    """

    def __init__(self, chunk: Chunk, contexts: Sequence[AnalysisContext]) -> None:
        self.chunk, self.contexts = chunk, contexts
        by_id: dict[int, list[int]] = {}
        first: dict[int, AnalysisContext] = {}
        for i, ctx in enumerate(contexts):
            members = by_id.get(id(ctx))
            if members is None:
                members = by_id[id(ctx)] = []
                first[id(ctx)] = ctx
            members.append(i)
        # (a context, the indices of the texts that have it), in the order of first appearance
        self._distinct = [(first[k], members) for k, members in by_id.items()]
        self.uniform = all(c == self._distinct[0][0] for c, _ in self._distinct)
        self._parts: dict[tuple[int, ...], Chunk] = {}

    def split(self, fields: tuple[str, ...] | None) -> list[tuple[Chunk, list[int], AnalysisContext]]:
        """(sub-chunk, the indices of its texts in the chunk, a context they share) per group."""
        contexts = self.contexts
        if self.uniform or not contexts:
            return [(self.chunk, list(range(len(self.chunk))), contexts[0])] if contexts else []
        # Groups in the order of their first text, as a grouping text by text would give them.
        keyed: dict[object, list[list[int]]] = {}
        for ctx, members in self._distinct:
            key: object = ctx if fields is None else tuple(getattr(ctx, f) for f in fields)
            keyed.setdefault(key, []).append(members)
        if len(keyed) == 1:
            return [(self.chunk, list(range(len(self.chunk))), contexts[0])]
        out = []
        for lists in keyed.values():
            members = lists[0] if len(lists) == 1 else sorted(i for m in lists for i in m)
            key = tuple(members)
            part = self._parts.get(key)
            if part is None:
                part = self._parts[key] = Chunk([self.chunk.texts[i] for i in members])
            out.append((part, members, contexts[members[0]]))
        return out


def analyse_many(texts: Sequence[str], ctx: AnalysisContext) -> list[list[Signal]]:
    """:func:`analyse` for many texts with one context: the same signals, in the same order, per text.

    Detectors with a ``detect_many`` scan the chunk at once; keep chunks to a few hundred texts.
    """
    return analyse_chunk(texts, [ctx] * len(texts))


def analyse_chunk(texts: Sequence[str], contexts: Sequence[AnalysisContext]) -> list[list[Signal]]:
    """:func:`analyse` for many texts, each with its own context: the same signals as text by text.

    Each detector scans the chunk once where the texts differ only in what it does not read
    (:data:`READS`): the language splits the chunk for the word lists and national IDs, not for phone
    numbers, names or readability.
    """
    chunk = as_chunk(texts)
    groups = _Groups(chunk, contexts)
    out: list[list[Signal]] = [[] for _ in range(len(chunk))]
    for detector in DETECTORS:
        name = _module_name(detector)
        for part, members, ctx in groups.split(READS.get(name)):
            if detector is contact.detect:
                national = {
                    k: [s for s in out[i] if s.name == "national_id"] for k, i in enumerate(members) if out[i]
                }
                many = contact.detect_many(part, ctx, national)
            elif detector is discourse.detect:
                many = discourse.detect_many(part, ctx, {k: out[i] for k, i in enumerate(members) if out[i]})
            else:
                many = _many(detector)(part, ctx)
            for k, found in many.items():
                out[members[k]].extend(found)
    # The classifier's margins without the lexicon read no context: scored once for the whole chunk.
    margins = offensive.model().margins_many(chunk)
    for part, members, ctx in groups.split(READS["offensive"]):
        found_so_far = {k: out[i] for k, i in enumerate(members) if out[i]}
        scored = None if margins is None else margins if len(members) == len(chunk) else margins[members]
        for k, found in offensive.detect_many(part.texts, ctx, found_so_far, scored).items():
            out[members[k]].extend(found)
    return [_drop_overlapped_identifiers(s) if len(s) > 1 else s for s in out]


_IDENTIFIER_RANK = {"national_id": 0, "bank_account": 1, "phone": 2, "case_number": 3}


def _drop_overlapped_identifiers(signals: list[Signal]) -> list[Signal]:
    """One digit run is one identifier: keep the highest-ranked, highest-scored claim on it.

    Claims are taken in that order and kept unless they overlap one kept before; the kept ones never
    overlap each other, so sorted by start their ends rise too, and the one kept claim that starts last
    before a new claim ends is the only one it can overlap (a bisect: n log n on a 1 MB text of numbers).
    """
    ids = [s for s in signals if s.name in _IDENTIFIER_RANK]
    if len(ids) < 2:
        return signals
    ids.sort(key=lambda s: (_IDENTIFIER_RANK[s.name], -s.score))
    spans: list[tuple[int, int]] = []  # the kept claims, sorted
    keep: set[int] = set()
    for s in ids:
        i = bisect_left(spans, (s.end,))  # the kept claims that start before s ends: spans[:i]
        if i and spans[i - 1][1] > s.start:
            continue
        insort(spans, (s.start, s.end))
        keep.add(id(s))
    return [s for s in signals if s.name not in _IDENTIFIER_RANK or id(s) in keep]


__all__ = [
    "CATEGORIES",
    "MARKERS",
    "SIGNAL_NAMES",
    "AnalysisContext",
    "Signal",
    "analyse",
    "analyse_chunk",
    "analyse_many",
]
