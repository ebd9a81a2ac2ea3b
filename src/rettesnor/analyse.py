"""The detection contract: the signals of a text without any pack (``rettesnor analyse``,
``POST /api/v1/analyse`` and :func:`analyse_text`).

Packs decide what becomes a finding (``check``); this says what the detectors noticed: each signal's
category, span, score, detector and evidence, and the language of the text with its confidence.
``bench/evaluate.py`` measures detection through this contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rettesnor.analysis import AnalysisContext, analyse
from rettesnor.analysis.language import identify
from rettesnor.analysis.signals import Signal
from rettesnor.check import OVERSIZED_LINE, validate_text
from rettesnor.item import KINDS, LANGUAGES, InputError

COUNTRIES = ("DK", "NO", "SE")


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    kind: str
    language: str
    language_confidence: float  # 1.0 when the caller gave the language
    signals: tuple[Signal, ...]
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {} if self.id is None else {"id": self.id}
        out["kind"] = self.kind
        out["language"] = {"code": self.language, "confidence": self.language_confidence}
        out["signals"] = [
            {
                "category": s.name,
                "start": s.start,
                "end": s.end,
                "text": self.text[s.start : s.end],
                "score": round(s.score, 3),
                "detector": s.detector,
                "evidence": dict(s.evidence),
            }
            for s in sorted(self.signals, key=lambda s: (s.start, s.end, s.name))
        ]
        return out


def _checked(kind: str, language: str | None, country: str | None) -> None:
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    if language is not None and language not in LANGUAGES:
        raise InputError(f"unknown language {language!r}; choose one of: {', '.join(LANGUAGES)}")
    if country is not None and country not in COUNTRIES:
        raise InputError(f"unknown country {country!r}; choose one of: {', '.join(COUNTRIES)}")


def analyse_text(
    text: str,
    kind: str = "comment",
    language: str | None = None,
    country: str | None = None,
    organisation_names: tuple[str, ...] = (),
    id: str | None = None,
) -> Analysis:
    """The signals of ``text``. ``language`` skips identification; ``country`` (DK, NO, SE) is only a
    prior for texts too short to tell; ``organisation_names`` are not persons."""
    _checked(kind, language, country)
    if language is None:
        language, confidence = identify(text, country)
    else:
        confidence = 1.0
    default_country = {"da": "DK", "nb": "NO", "nn": "NO", "sv": "SE"}.get(language, "DK")
    ctx = AnalysisContext(
        kind=kind,
        language=language,
        country=country or default_country,
        organisation_names=organisation_names,
    )
    return Analysis(text, kind, language, confidence, tuple(analyse(text, ctx)), id)


def analyse_lines(lines: Iterable[bytes], default_kind: str = "comment") -> Iterator[dict[str, Any]]:
    """JSONL in (``{"id", "text", "kind", "language", "country"}`` per line), one result per line out;
    a bad line yields ``{"line", "error"}`` and the rest go on."""
    import json

    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            if raw is OVERSIZED_LINE:
                raise InputError("line is over the size limit")
            try:
                obj: Any = json.loads(validate_text(raw))
            except json.JSONDecodeError as exc:
                raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
            if not isinstance(obj, dict):
                raise InputError('expected a JSON object like {"id": "1", "text": "…"}')
            text = obj.get("text")
            if not isinstance(text, str) or not text.strip():
                raise InputError("field 'text' is missing or empty")
            fields = {k: obj.get(k) for k in ("kind", "language", "country", "id")}
            for key in ("kind", "language", "country"):
                if fields[key] is not None and not isinstance(fields[key], str):
                    raise InputError(f"field '{key}' must be a string")
            ident = fields["id"]
            yield analyse_text(
                text,
                fields["kind"] or default_kind,
                fields["language"],
                fields["country"],
                id=None if ident is None else str(ident),
            ).to_dict()
        except InputError as exc:
            yield {"line": number, "error": str(exc)}
