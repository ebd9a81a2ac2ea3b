"""The policy pack model: a guideline as data, readable by a communications officer (like a Vale style)."""

from __future__ import annotations

from typing import Literal, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rettesnor.analysis.signals import CATEGORIES, PHOTO_SIGNALS, SIGNAL_NAMES
from rettesnor.item import KINDS

Severity = Literal["block", "warn", "info"]
Action = Literal["keep", "review", "hide", "delete"]
Lang = Literal["da", "nb", "nn", "sv", "en"]
ClauseKind = Literal["check", "workflow", "guidance"]

# Where the five guidelines disagree, the pack says which way it goes (clauses.md, last table).
PrivateUse = Literal["allowed_with_care", "ask_leader", "forbidden", "breaks_only", "not_stated"]
PhotoConsent = Literal[
    "consent_or_basis", "work_photo_permission", "management_approval", "written_consent", "not_stated"
]
DirectMessages = Literal["must_be_off", "not_stated"]
GuidelineReview = Literal["yearly_by_leader", "with_all_and_onboarding", "not_stated"]
# Publishing through Rettesnor (docs/publishing.md): when a post needs an approval before it goes out,
# who may give it, and whether a leader may override a blocking finding (with a reason, audited).
PublishApproval = Literal["never", "on_findings", "always"]
PublishApprovers = Literal["unit_leader", "named"]
BlockOverride = Literal["leader_with_reason", "never"]
# Legal grounds for deleting a citizen's comment (Hustadvika 2q, Norsjö 4.10 a–h).
Ground = Literal[
    "personal_attack",
    "third_person",
    "illegal",
    "defamation",
    "harassment",
    "violence_or_pornography",
    "incitement",
    "copyright",
    "obscene",
    "commercial",
    "confidential",
    "personal_data",
]

ACTION_ORDER: dict[str, int] = {"keep": 0, "review": 1, "hide": 2, "delete": 3}
SEVERITY_ORDER: dict[str, int] = {"info": 0, "warn": 1, "block": 2}


class Strict(BaseModel):
    # defer_build: pydantic builds a model's validator when it first validates, not when the class is
    # defined, so a pack read from the start-up cache (policy/loader.py) never pays for it (issue 17).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


Text = dict[Lang, str]


def _needs_english(value: Text) -> Text:
    if "en" not in value:
        raise ValueError("needs an English text ('en') besides the pack's language")
    return value


class ClauseRef(Strict):
    id: str
    quote: str = Field(min_length=3)


class LawRef(Strict):
    """The law a baseline rule rests on: where it is (``source``) and its words (``quote``), each in the
    languages it is authentic or officially translated in. ``country`` None: EU/EEA law (the GDPR binds
    Denmark and Sweden as EU members and Norway through the EEA Agreement)."""

    country: Literal["DK", "NO", "SE"] | None = None
    source: Text
    quote: Text


class Example(Strict):
    """A realistic text the rule must fire on (``fires: true``) or must leave alone (``fires: false``)."""

    text: str = Field(min_length=1)
    kind: str
    fires: bool = True
    channel: str | None = None  # for internal messages: where it is sent (e.g. "snapchat")
    # What the analysis of an attached photo would give (a photo cannot be written in YAML): markers
    # from PHOTO_SIGNALS, e.g. [marker.image_location] for a photo with GPS in its metadata.
    photo_signals: list[str] = []

    @field_validator("photo_signals")
    @classmethod
    def _photo_signals(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if s not in PHOTO_SIGNALS]
        if bad:
            raise ValueError(f"unknown photo signal {bad[0]!r}; choose from: {', '.join(PHOTO_SIGNALS)}")
        return v

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in KINDS:
            raise ValueError(f"unknown kind {v!r}; choose one of: {', '.join(KINDS)}")
        return v


class Rule(Strict):
    code: str = Field(pattern=r"^[A-Z]{2,3}[0-9]{3}$")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text
    message: Text
    remedy: Text
    why: Text | None = None
    known_problems: Text | None = None  # what the rule misses or flags wrongly, beyond its signals' limits
    clauses: list[ClauseRef] = []
    applies_to: list[str] = Field(min_length=1)
    severity: Severity
    signals: list[str] = Field(min_length=1)
    requires: list[str] = []  # every one of these must also be present
    unless: list[str] = []  # any of these suppresses the rule
    min_score: float = Field(default=0.5, ge=0, le=1)
    category: str | None = None  # finding category when the signal is a marker
    action: Action | None = None  # for comments: what the moderator is advised to do
    ground: Ground | None = None
    replaces: list[str] = []  # codes of inherited rules this rule supersedes
    law: list[LawRef] = []  # for baseline rules, which cite no clause: the law they rest on
    # The statute and section that makes it illegal, per country ("straffeloven § 266 b"); a finding
    # cites the one of the pack's country (``law`` above carries the quoted text for the guideline page).
    # A rule that replaces rules with a law and names none of its
    # own inherits theirs (see rettesnor.policy.loader), so the citation survives the replacement.
    statutes: dict[Literal["DK", "NO", "SE"], str] = {}
    examples: list[Example] = []

    _title = field_validator("title", "message", "remedy")(_needs_english)

    @field_validator("applies_to")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        bad = [k for k in v if k not in KINDS]
        if bad:
            raise ValueError(f"unknown kind {bad[0]!r}; choose from: {', '.join(KINDS)}")
        return v

    @field_validator("signals", "requires", "unless")
    @classmethod
    def _signals(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if s not in SIGNAL_NAMES]
        if bad:
            raise ValueError(f"unknown signal {bad[0]!r}; see `rettesnor policy signals`")
        return v

    @field_validator("category")
    @classmethod
    def _category(cls, v: str | None) -> str | None:
        if v is not None and v not in CATEGORIES:
            raise ValueError(f"unknown category {v!r}; choose from: {', '.join(CATEGORIES)}")
        return v

    @model_validator(mode="after")
    def _comment_rules_advise(self) -> Rule:
        if "comment" in self.applies_to and self.action is None:
            raise ValueError(f"rule {self.code} applies to comments and needs an 'action'")
        if self.action in ("hide", "delete") and self.ground is None:
            raise ValueError(f"rule {self.code} hides or deletes and needs a 'ground'")
        if self.category is None and any(s.startswith("marker.") for s in self.signals):
            raise ValueError(f"rule {self.code} fires on a marker and needs a 'category'")
        return self


class ClauseNote(Strict):
    """A clause that is a workflow or guidance rather than a content check."""

    id: str
    kind: ClauseKind
    quote: str = Field(min_length=3)
    # Where it is (or will be) enforced, e.g. "governance: account approval". Whether it is implemented is
    # not written here: `rettesnor policy coverage` derives it from the code (policy/workflows.py).
    implemented_by: str | None = None
    show_when: list[str] = []  # kinds of content whose check shows this guidance
    text: Text | None = None  # the guidance shown to people

    @model_validator(mode="after")
    def _guidance_has_text(self) -> ClauseNote:
        if self.kind == "guidance" and not self.text:
            raise ValueError(f"guidance {self.id} needs a 'text' to show people")
        if self.text:
            _needs_english(self.text)
        bad = [k for k in self.show_when if k not in KINDS]
        if bad:
            raise ValueError(f"unknown kind {bad[0]!r} in show_when")
        return self


class Parameters(Strict):
    private_use_at_work: PrivateUse = "not_stated"
    photo_consent: PhotoConsent = "not_stated"
    deletion_grounds: list[Ground] | None = None  # None: any ground of a rule may delete
    direct_messages: DirectMessages = "not_stated"
    guideline_review: GuidelineReview = "not_stated"
    organisation_names: list[str] = []
    work_email_domains: list[str] = []
    # The organisation's own switchboard and service numbers: not a person's phone number in a post.
    own_phone_numbers: list[str] = []
    approved_channels: list[str] = []
    lix_max: float = 45.0
    sentence_words_max: int = 25
    publish_approval: PublishApproval = "on_findings"
    publish_approvers: PublishApprovers = "unit_leader"
    # Posts about a crisis (the crisis signal) are approved only by a person with the crisis_manager role.
    crisis_approval: bool = True
    block_override: BlockOverride = "leader_with_reason"


class PackFile(Strict):
    """One YAML file as written. A file may extend another; :class:`Pack` is the merged result."""

    pack: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    extends: str | None = None
    title: Text
    language: Lang
    country: Literal["DK", "NO", "SE"]
    clause_prefix: str | None = None  # e.g. "HJ": which clauses of clauses.md this pack answers for
    source: str | None = None
    parameters: dict[str, object] = {}
    rules: list[Rule] = []
    overrides: dict[str, dict[str, object]] = {}  # code -> fields to change in an inherited rule
    disable: list[str] = []  # codes of inherited rules to switch off
    clauses: list[ClauseNote] = []

    _title = field_validator("title")(_needs_english)


class Pack(Strict):
    """A resolved pack: its own rules plus what it inherits, overrides applied."""

    name: str
    chain: list[str]  # this pack first, then its ancestors
    title: Text
    language: Lang
    country: Literal["DK", "NO", "SE"]
    clause_prefix: str | None
    source: str | None
    parameters: Parameters
    rules: list[Rule]
    clauses: list[ClauseNote]
    origin: dict[str, str]  # rule code -> pack it was written in

    def rule(self, code: str) -> Rule | None:
        return next((r for r in self.rules if r.code == code), None)

    def text(self, value: Text, lang: str) -> str:
        texts = cast(dict[str, str], value)
        return texts.get(lang) or texts.get(self.language) or texts["en"]
