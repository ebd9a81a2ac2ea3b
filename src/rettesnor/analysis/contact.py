"""Placeholder: detectors of this module are being written."""

from __future__ import annotations

from collections.abc import Iterator

from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal


def detect(text: str, ctx: AnalysisContext) -> Iterator[Signal]:
    return iter(())
