"""Analysis: pure functions from text to :class:`Signal` s. No I/O, no policy, no storage.

Each detector module exposes ``detect(text, ctx) -> Iterable[Signal]``. They are precompiled at import
and bounded in time on any input (the hot path of every check).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rettesnor.analysis import contact, discourse, identifiers, lexicon, names, readability
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import CATEGORIES, MARKERS, SIGNAL_NAMES, Signal

Detector = Callable[[str, AnalysisContext], Iterable[Signal]]

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
        signals.extend(detector(text, ctx))
    return _drop_overlapped_identifiers(signals)


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


__all__ = ["CATEGORIES", "MARKERS", "SIGNAL_NAMES", "AnalysisContext", "Signal", "analyse"]
