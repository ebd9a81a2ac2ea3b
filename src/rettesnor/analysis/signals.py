"""What the analysis emits: spans with the evidence that explains them.

Every signal carries its decision process (detector, pattern, validator verdict, context words),
so a person can see *why* a span was flagged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The fixed category names of the check contract. Detectors may be added; these names may not change.
CATEGORIES: tuple[str, ...] = (
    "national_id",
    "phone",
    "email",
    "bank_account",
    "address",
    "case_number",
    "person_name",
    "special_category",
    "child",
    "complaint",
    "case_inquiry",
    "crisis",
    "confidential",
    "profanity",
    "insult",
    "hate",
    "threat",
    "sexual",
    "violence",
    "commercial",
    "copyright",
    "opinion",
    "missing_disclaimer",
    "work_email_private",
    "readability",
)

# Markers are facts about a text that rules use as conditions (``requires`` / ``unless``); they never
# become findings by themselves. Names start with "marker.".
MARKERS: dict[str, str] = {
    "marker.disclaimer": "the writer says the views are their own / that they write privately",
    "marker.role_statement": "the writer states their role or workplace (e.g. 'I work at …')",
    "marker.workplace": "the text mentions the organisation or its work",
    "marker.org_named": "the organisation's own name appears (e.g. in an account profile)",
    "marker.crisis_instruction": "the text refers to an instruction from crisis management",
    "marker.secure_channel": "the text refers the reader to a secure channel (Digital Post, Digipost …)",
    "marker.consent": "the text states consent or another basis for showing the people pictured",
    "marker.image_people": "the text presents photos or video of people, or an attached photo shows faces",
    "marker.image_location": "an attached photo's metadata gives where it was taken (GPS in EXIF)",
    "marker.image_no_alt": "an attached photo has no text alternative (alt text)",
    "marker.photo_permission": "the text states that photos were approved by management",
    "marker.source_credit": "the text credits the source or licence of a picture",
    "marker.work_matter": "an internal message discusses work matters",
    "marker.practical_matter": "an internal message is only about practical matters (illness, shifts)",
    "marker.unapproved_channel": "an internal message is sent on a channel the unit has not approved",
    "marker.formal_request": "the text asks for or gives a formal decision through social media",
    "marker.first_person": "the text is written in a private first-person voice",
}

# The markers the analysis of an attached photo gives (rettesnor.analysis.images).
PHOTO_SIGNALS: tuple[str, ...] = ("marker.image_people", "marker.image_location", "marker.image_no_alt")

SIGNAL_NAMES: frozenset[str] = frozenset(CATEGORIES) | frozenset(MARKERS)


@dataclass(frozen=True, slots=True)
class Signal:
    """A span of the text (or the whole text, start=end=0) that a detector noticed."""

    name: str  # a category from CATEGORIES or a marker from MARKERS
    start: int
    end: int
    score: float  # 0..1 confidence after validation and context
    detector: str  # e.g. "national_id.dk_cpr"
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"detector": self.detector, "score": round(self.score, 3), **self.evidence}
