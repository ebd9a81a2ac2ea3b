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


def analyse_many(texts: Sequence[str], ctx: AnalysisContext) -> list[list[Signal]]:
    """:func:`analyse` for many texts with one context: the same signals, in the same order, per text.

    Detectors with a ``detect_many`` scan the chunk at once; keep chunks to a few hundred texts.
    """
    chunk = as_chunk(texts)
    out: list[list[Signal]] = [[] for _ in range(len(chunk))]
    for detector in DETECTORS:
        if detector is contact.detect:
            national = {
                i: [s for s in found if s.name == "national_id"] for i, found in enumerate(out) if found
            }
            many = contact.detect_many(chunk, ctx, national)
        else:
            many = _many(detector)(chunk, ctx)
        for i, found in many.items():
            out[i].extend(found)
    for i, found in offensive.detect_many(chunk.texts, ctx, dict(enumerate(out))).items():
        out[i].extend(found)
    return [_drop_overlapped_identifiers(s) if len(s) > 1 else s for s in out]


_IDENTIFIER_RANK = {"national_id": 0, "bank_account": 1, "phone": 2, "case_number": 3}


def _drop_overlapped_identifiers(signals: list[Signal]) -> list[Signal]:
    """One digit run is one identifier: keep the highest-ranked, highest-scored claim on it."""
    ids = [s for s in signals if s.name in _IDENTIFIER_RANK]
    if len(ids) < 2:
        return signals
    ids.sort(key=lambda s: (_IDENTIFIER_RANK[s.name], -s.score))
    kept: list[Signal] = []
    for s in ids:
        if not any(s.start < k.end and k.start < s.end for k in kept):
            kept.append(s)
    keep = set(map(id, kept))
    return [s for s in signals if s.name not in _IDENTIFIER_RANK or id(s) in keep]


__all__ = [
    "CATEGORIES",
    "MARKERS",
    "SIGNAL_NAMES",
    "AnalysisContext",
    "Signal",
    "analyse",
    "analyse_many",
]
