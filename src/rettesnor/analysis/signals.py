"""What the analysis emits: spans with the evidence that explains them.

Every signal carries its decision process (detector, pattern, validator verdict, context words),
so a person can see *why* a span was flagged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
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

# What the detectors of each signal miss or flag wrongly: the "Known problems" of every rule that fires on
# the signal (the generated rule docs, docs/rules/). Say it plainly when a detector changes.
_WORDS = (
    "Found with the word lists under lexicons/: a paraphrase, a misspelling or a word the list lacks is "
    "missed, and a listed word that is quoted, negated or meant ironically still counts."
)
_OFFENSIVE = (
    _WORDS + " The offensive-comment classifier (models/offensive.json) adds what the lists miss and can be "
    "wrong either way, most on very short texts."
)
_MARKER = (
    "A marker is found from set phrases (lexicons/): said in other words it is not seen, so a rule that "
    "needs it misses and a rule it suppresses fires."
)
_NUMBERS = (
    "Found by pattern, checksum and context words: a number written in words, or split by other text, is "
    "missed; a number that passes the checksum by chance can fire when no context word rules it out."
)
LIMITS: dict[str, str] = {
    "national_id": _NUMBERS,
    "bank_account": _NUMBERS,
    "case_number": "Only numbers labelled as case or journal numbers are found; a bare reference is missed.",
    "phone": "Nordic and international formats only; a number spelled out or broken up by words is missed.",
    "email": "Only addresses written with '@'; 'name at domain' and similar disguises are missed.",
    "address": "Street names with a number in the Nordic forms; a place described in words is missed.",
    "person_name": (
        "Names come from name lists and cue words: rare or foreign names are missed, and names that are "
        "also ordinary words can fire."
    ),
    "special_category": _WORDS,
    "child": _WORDS,
    "complaint": _WORDS + " A complaint made without a complaint word (sarcasm, a story) is missed.",
    "case_inquiry": _WORDS,
    "crisis": _WORDS + " Words like 'fire' can also fire in everyday or figurative use.",
    "confidential": _WORDS + " What is confidential depends on the case: the lists only see the words.",
    "profanity": _OFFENSIVE,
    "insult": _OFFENSIVE,
    "hate": _OFFENSIVE,
    "threat": _OFFENSIVE,
    "sexual": _OFFENSIVE,
    "violence": _OFFENSIVE,
    "commercial": _WORDS,
    "copyright": _WORDS + " The pictures themselves are not compared with anything.",
    "opinion": _WORDS + " Reported opinions ('residents think …') can fire as the writer's own.",
    "missing_disclaimer": (
        "Fires when the workplace is named and no disclaimer or role statement is found (both from set "
        "phrases); a disclaimer in other words, or in the profile rather than the post, is not seen."
    ),
    "work_email_private": "Only the pack's work_email_domains are known; an address on another work domain "
    "is missed.",
    "readability": (
        "LIX and sentence length measure words and sentences, not meaning: lists, names and numbers can "
        "skew them."
    ),
    "marker.image_people": (
        "Read from the text (people mentioned with a picture attached, or words like 'see the photos'); "
        "the pictures themselves are not looked at, so a photo posted without such words is missed."
    ),
    "marker.unapproved_channel": (
        "Set from the channel given with the message and the unit's approved channels: a message checked "
        "without its channel is never flagged."
    ),
    "marker.org_named": "The organisation's names from the pack (organisation_names); other spellings are "
    "missed.",
    **{
        name: _MARKER
        for name in MARKERS
        if name not in ("marker.image_people", "marker.unapproved_channel", "marker.org_named")
    },
}


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
        evidence = self.evidence
        if type(evidence) is MappingProxyType:  # shared read-only evidence: its copy() is a dict, and
            evidence = evidence.copy()  # a dict spreads twice as fast as the mapping protocol does
        return {"detector": self.detector, "score": round(self.score, 3), **evidence}


def _fast_init() -> Any:
    """A faster ``Signal.__init__`` with the same fields set to the same values: the one dataclasses
    writes for a frozen class calls ``object.__setattr__`` with each field's name, this one calls each
    slot's own setter (bound once). 1 MB of e-mail addresses is 142,857 signals: 0.135 → 0.095 s of
    creating them. Frozen as before (``__setattr__`` still refuses), the same default for ``evidence``."""
    set_name, set_start, set_end, set_score, set_detector, set_evidence = (
        getattr(Signal, f).__set__ for f in Signal.__slots__
    )
    missing: Any = object()  # (not None: a caller's None is kept, as before)

    def __init__(
        self: Signal,
        name: str,
        start: int,
        end: int,
        score: float,
        detector: str,
        evidence: Mapping[str, Any] = missing,
    ) -> None:
        set_name(self, name)
        set_start(self, start)
        set_end(self, end)
        set_score(self, score)
        set_detector(self, detector)
        set_evidence(self, {} if evidence is missing else evidence)

    __init__.__qualname__ = "Signal.__init__"
    return __init__


assert Signal.__slots__ == ("name", "start", "end", "score", "detector", "evidence")
setattr(Signal, "__init__", _fast_init())  # noqa: B010 (mypy: no assignment to a method)
