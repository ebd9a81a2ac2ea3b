"""The governance records as tables. Every row belongs to one organisation (the tenant).

Columns only; the rules that decide what may be written are in :mod:`rettesnor.governance`. The values
allowed in the short text columns are listed here once (``ROLES``, ``ACCOUNT_STATUSES`` …) and enforced
by the services, so that the messages can say what is allowed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from rettesnor.records.base import Base
from rettesnor.records.types import utcnow

COUNTRIES = ("DK", "NO", "SE")
PERSON_KINDS = ("employee", "elected_official")
ROLES = (
    "employee",
    "account_editor",
    "moderator",
    "unit_leader",
    "communications_officer",
    "records_manager",
    "administrator",
    "auditor",
    "hr",
    "crisis_manager",  # the crisis management: crisis news goes out only on their word (Hustadvika 1f)
    "publish_approver",  # named to approve posts where the pack says approvers are named (issue 18)
)
PLATFORMS = ("facebook", "instagram", "linkedin", "x", "youtube", "tiktok", "snapchat", "threads", "other")
ACCOUNT_STATUSES = ("applied", "approved", "active", "archived")
DM_STATES = ("off", "on", "unknown")
ASSIGNMENT_ROLES = ("responsible", "author", "administrator", "moderator", "follower")
PERMISSION_KINDS = ("service_assignment", "work_time_use", "blog_link", "workplace_content")
CONSENT_BASES = ("written_consent", "public_event", "public_interest", "management_approval")
CONSENT_GIVERS = ("self", "guardian", "leader")
TASK_KINDS = ("takedown",)
POLICY_STATUSES = ("draft", "hearing", "approved", "published", "retired")
REVIEW_KINDS = ("yearly", "onboarding", "policy")
INCIDENT_CATEGORIES = ("work_environment", "misuse")
CONSEQUENCES = ("none", "conversation", "formal_interview", "written_warning", "further_steps")


def _org_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)


class Organisation(Base):
    """A municipality: the tenant. Its pack is the guideline of the whole organisation."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    pack: Mapped[str] = mapped_column(String(100))
    service_office: Mapped[str | None] = mapped_column(String(200))  # who is told of new accounts
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    journal_address: Mapped[str | None] = mapped_column(String(200))  # the records system's mail-in address


class Unit(Base):
    """A unit of the organisation (area, department, institution); its pack extends its parent's."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    pack: Mapped[str | None] = mapped_column(String(100))  # None: the parent's (or the organisation's)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Person(Base):
    """An employee or elected official of the organisation."""

    __tablename__ = "person"
    __table_args__ = (Index(None, "organisation_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="employee")
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    started_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RoleGrant(Base):
    """A role held by a person, for a unit where the role is about one (unit leader)."""

    __tablename__ = "role_grant"
    __table_args__ = (Index(None, "organisation_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]


class Account(Base):
    """An official account, page or profile on a social medium: from application to archive."""

    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("organisation_id", "platform", "handle"),
        Index(None, "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    platform: Mapped[str] = mapped_column(String(20))
    handle: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    # The application (Hustadvika 2a–f): why, for whom, how, privacy, confidentiality, resources.
    purpose: Mapped[str] = mapped_column(Text)
    target_group: Mapped[str] = mapped_column(Text)
    dialogue_plan: Mapped[str] = mapped_column(Text)
    privacy_assessment: Mapped[str] = mapped_column(Text)
    confidentiality_assessment: Mapped[str] = mapped_column(Text)
    resources_plan: Mapped[str] = mapped_column(Text)
    # The public "about" text and what the engine said about it (Hustadvika 2j).
    profile_text: Mapped[str | None] = mapped_column(Text)
    profile_verdict: Mapped[str | None] = mapped_column(String(20))
    profile_findings: Mapped[str | None] = mapped_column(String(500))  # rule codes, comma-separated
    direct_messages: Mapped[str] = mapped_column(String(10), default="unknown")
    password_attested: Mapped[bool] = mapped_column(Boolean, default=False)  # Hjørring: own password
    status: Mapped[str] = mapped_column(String(20), default="applied")
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    applied_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    activated_at: Mapped[dt.datetime | None]
    archived_at: Mapped[dt.datetime | None]
    service_office_notified_at: Mapped[dt.datetime | None]
    last_activity_at: Mapped[dt.datetime | None]


class AccountAssignment(Base):
    """A person's part in an account. It counts only once the person has accepted it (Sønderborg)."""

    __tablename__ = "account_assignment"
    __table_args__ = (
        Index(None, "organisation_id", "person_id"),
        # Exactly one responsible person: at most one accepted and at most one pending at a time.
        Index(
            "uq_account_assignment_one_responsible",
            "account_id",
            unique=True,
            sqlite_where=text("role = 'responsible' AND accepted_at IS NOT NULL AND ended_at IS NULL"),
            postgresql_where=text("role = 'responsible' AND accepted_at IS NOT NULL AND ended_at IS NULL"),
        ),
        Index(
            "uq_account_assignment_one_pending_responsible",
            "account_id",
            unique=True,
            sqlite_where=text(
                "role = 'responsible' AND accepted_at IS NULL AND declined_at IS NULL AND ended_at IS NULL"
            ),
            postgresql_where=text(
                "role = 'responsible' AND accepted_at IS NULL AND declined_at IS NULL AND ended_at IS NULL"
            ),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    role: Mapped[str] = mapped_column(String(20))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[dt.datetime | None]
    declined_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]


class Activity(Base):
    """A post or reply made on an account, and whether its author was designated at the time."""

    __tablename__ = "activity"
    __table_args__ = (Index(None, "account_id", "at"), Index(None, "organisation_id", "designated", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(20), default="post")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    designated: Mapped[bool] = mapped_column(Boolean)


class Notification(Base):
    """A message the system owes someone (the service office about a new account, Hustadvika 2i; a
    leader about an escalated comment; a task owner about open registrations).

    ``subject`` and ``body`` are the English text kept for the record; the e-mail is written from
    ``kind`` and ``params`` (JSON) in the organisation's language when it is sent. No citizen's data.
    """

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    kind: Mapped[str | None] = mapped_column(String(40))  # NOTIFICATION_KINDS; None: rows before 0008
    params: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(String(300))


class Permission(Base):
    """A leader's decision about one person: service assignment, work-time use, blog link, content."""

    __tablename__ = "permission"
    __table_args__ = (Index(None, "organisation_id", "person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(30))
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    granted: Mapped[bool] = mapped_column(Boolean, default=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    scope: Mapped[str | None] = mapped_column(Text)  # what it covers, in words
    url: Mapped[str | None] = mapped_column(String(500))  # blog link
    disclaimer: Mapped[str | None] = mapped_column(Text)  # blog link: not the municipality's views
    accepted_at: Mapped[dt.datetime | None]
    declined_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Consent(Base):
    """Consent (or another basis) for showing a person in a photo or video."""

    __tablename__ = "consent"
    __table_args__ = (Index(None, "organisation_id", "media_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    media_ref: Mapped[str] = mapped_column(String(500))  # file name, hash or URL of the photo/video
    subject: Mapped[str] = mapped_column(String(200))  # who is pictured
    subject_is_child: Mapped[bool] = mapped_column(Boolean, default=False)
    basis: Mapped[str] = mapped_column(String(30))
    given_by: Mapped[str | None] = mapped_column(String(200))
    given_by_role: Mapped[str | None] = mapped_column(String(20))
    given_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Task(Base):
    """Work the system makes someone do and that cannot silently disappear (a takedown)."""

    __tablename__ = "task"
    __table_args__ = (Index(None, "organisation_id", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    done_at: Mapped[dt.datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    note: Mapped[str | None] = mapped_column(Text)


class PolicyVersion(Base):
    """A version of the guideline of the organisation or of a unit, with its life: draft to published."""

    __tablename__ = "policy_version"
    __table_args__ = (UniqueConstraint("organisation_id", "unit_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    pack: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    hearing_bodies: Mapped[str | None] = mapped_column(Text)  # "; "-separated names of committees
    hearing_from: Mapped[dt.date | None] = mapped_column(Date)
    approved_by_body: Mapped[str | None] = mapped_column(String(200))
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Review(Base):
    """The guideline gone through with an employee: yearly, at onboarding, or for a new version."""

    __tablename__ = "review"
    __table_args__ = (Index(None, "organisation_id", "person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(20))
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("policy_version.id"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    acknowledged_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Incident(Base):
    """A breach of the guideline by an employee. Seen only by the employee, their leader and HR."""

    __tablename__ = "incident"
    __table_args__ = (Index(None, "organisation_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    category: Mapped[str] = mapped_column(String(30))
    clause: Mapped[str | None] = mapped_column(String(20))
    finding_code: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    consequence: Mapped[str] = mapped_column(String(30), default="none")
    consequence_on: Mapped[dt.date | None] = mapped_column(Date)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]


class ApprovedChannel(Base):
    """A channel a unit has approved for work communication (Norddjurs 3 and 5): e-mail, Teams, the records
    system. Approved by a leader of the unit; only a channel open to the colleagues concerned and to
    management can be approved, so no closed room that leaves colleagues out (ND-7). Sub-units inherit it."""

    __tablename__ = "approved_channel"
    __table_args__ = (Index(None, "organisation_id", "unit_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = _org_fk()
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    key: Mapped[str] = mapped_column(String(40))  # as the check names channels: teams, email, journal …
    name: Mapped[str] = mapped_column(String(200))
    open_to: Mapped[str] = mapped_column(Text)  # who can read it, in words: "everyone in the clinic"
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    approved_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """One changed field: the Noark 5 change log (endringslogg). Append-only, enforced by the database.

    Noark 5 names: referanseArkivenhet = object_type + object_id, referanseMetadata = field,
    endretDato = changed_at, endretAv = changed_by, tidligereVerdi = old_value, nyVerdi = new_value.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index(None, "organisation_id", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: outlives its rows
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # create, update, delete
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
