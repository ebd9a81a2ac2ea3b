"""What a detector may know besides the text: facts about the item and the organisation (no policy)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    kind: str
    language: str  # da, nb, nn, sv, en
    country: str  # DK, NO, SE
    organisation_names: tuple[str, ...] = ()  # "Hjørring Kommune", …
    work_email_domains: tuple[str, ...] = ()  # "hjoring.dk", …
    own_phone_numbers: tuple[str, ...] = ()  # the organisation's switchboard and service numbers
    channel: str | None = None
    approved_channels: tuple[str, ...] = ()
    lix_max: float = 45.0
    sentence_words_max: int = 25
    has_images: bool = False
