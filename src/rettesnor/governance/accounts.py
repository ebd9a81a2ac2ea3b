"""The account registry: application (Hustadvika 2a–f), approval by a leader of the unit (Hjørring,
Hustadvika 2g), activation with exactly one responsible person (2h), direct messages off (Hjørring),
the service office told (2i), a profile text checked by the engine (2j), and archiving.

Status: applied → approved → active → archived.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance import checking, notices
from rettesnor.governance.common import (
    atomic,
    choice,
    get_in_org,
    not_future,
    now,
    optional_text,
    text,
    to_date,
)
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed
from rettesnor.governance.people import is_unit_leader, require_person, unit_leaders
from rettesnor.governance.tenants import get_unit
from rettesnor.item import Item
from rettesnor.records.models import (
    ACCOUNT_STATUSES,
    DM_STATES,
    PLATFORMS,
    Account,
    AccountAssignment,
    Activity,
    Organisation,
)

MIN_ANSWER = 10  # characters: an application's answers must say something


@dataclass(frozen=True, slots=True)
class Application:
    """What must be answered before a page or profile is created (Hustadvika 2a–f)."""

    unit: int | str
    platform: str
    handle: str
    name: str
    url: str
    purpose: str  # a) why, and the goal
    target_group: str  # b) who, and where they are reached
    dialogue_plan: str  # c) how the dialogue happens
    privacy_assessment: str  # d) privacy; written consent for pictures of users
    confidentiality_assessment: str  # e) duty of confidentiality
    resources_plan: str  # f) resources and time to follow up
    applied_by: int
    responsible: int  # the one person who monitors the account
    profile_text: str | None = None
    direct_messages: str = "unknown"
    password_attested: bool = False  # Hjørring: a new password, used nowhere else (never stored)


@dataclass(frozen=True, slots=True)
class ProfileCheck:
    verdict: str
    codes: tuple[str, ...]

    @property
    def passes(self) -> bool:
        return self.verdict == "publish"


def get_account(session: Session, org: Organisation, account_id: int) -> Account:
    return get_in_org(session, Account, org, account_id, "account")


def list_accounts(
    session: Session, org: Organisation, status: str | None = None, unit: int | str | None = None
) -> list[Account]:
    query = select(Account).where(Account.organisation_id == org.id)
    if status is not None:
        query = query.where(Account.status == choice(status, ACCOUNT_STATUSES, "status"))
    if unit is not None:
        query = query.where(Account.unit_id == get_unit(session, org, unit).id)
    return list(session.scalars(query.order_by(Account.id)))


def check_profile(session: Session, org: Organisation, account: Account) -> ProfileCheck:
    """The engine's verdict on the profile text, with the unit's pack (``kind=account_profile``)."""
    if not account.profile_text:
        return ProfileCheck("missing", ())
    pack = checking.pack_for(session, org, account=account.id)
    result = checking.check(Item(text=account.profile_text, kind="account_profile"), pack)
    codes = tuple(f.rule.code for f in result.findings if f.rule.severity != "info")
    return ProfileCheck(result.verdict, codes)


def _store_profile(session: Session, org: Organisation, account: Account) -> ProfileCheck:
    result = check_profile(session, org, account)
    account.profile_verdict = result.verdict
    account.profile_findings = ",".join(result.codes) or None
    return result


@atomic
def apply_for_account(session: Session, org: Organisation, app: Application) -> Account:
    """Register an application. The responsible person must accept unless they applied themselves."""
    unit = get_unit(session, org, app.unit)
    choice(app.platform, PLATFORMS, "platform")
    choice(app.direct_messages, DM_STATES, "direct-messages state")
    applicant = require_person(session, org, app.applied_by, "applicant")
    responsible = require_person(session, org, app.responsible, "responsible person")
    handle = text(app.handle, "handle", max_chars=200)
    url = text(app.url, "url", max_chars=500)
    if not url.startswith(("https://", "http://")):
        raise InvalidValue(f"url must start with https:// (got {url!r})")
    exists = select(Account.id).where(
        Account.organisation_id == org.id, Account.platform == app.platform, Account.handle == handle
    )
    if session.scalars(exists).first() is not None:
        raise Conflict(f"{app.platform} account {handle!r} is registered already in {org.slug}")
    account = Account(
        organisation_id=org.id,
        unit_id=unit.id,
        platform=app.platform,
        handle=handle,
        name=text(app.name, "name", max_chars=200),
        url=url,
        purpose=text(app.purpose, "purpose (why and what goal)", min_chars=MIN_ANSWER),
        target_group=text(app.target_group, "target group", min_chars=MIN_ANSWER),
        dialogue_plan=text(app.dialogue_plan, "dialogue plan", min_chars=MIN_ANSWER),
        privacy_assessment=text(app.privacy_assessment, "privacy assessment", min_chars=MIN_ANSWER),
        confidentiality_assessment=text(
            app.confidentiality_assessment, "confidentiality assessment", min_chars=MIN_ANSWER
        ),
        resources_plan=text(app.resources_plan, "resources plan", min_chars=MIN_ANSWER),
        profile_text=optional_text(app.profile_text, "profile text", max_chars=5000),
        direct_messages=app.direct_messages,
        password_attested=app.password_attested,
        status="applied",
        applied_by_id=applicant.id,
    )
    session.add(account)
    session.flush()
    _store_profile(session, org, account)
    stamp = now()
    session.add(
        AccountAssignment(
            organisation_id=org.id,
            account_id=account.id,
            person_id=responsible.id,
            role="responsible",
            assigned_by_id=applicant.id,
            assigned_at=stamp,
            accepted_at=stamp if responsible.id == applicant.id else None,
        )
    )
    return account


@atomic
def approve_account(
    session: Session, org: Organisation, account_id: int, approver_id: int, approved_on: dt.date | str
) -> Account:
    """A leader of the account's unit approves it (Hjørring: the closest leader; Hustadvika 2g)."""
    account = get_account(session, org, account_id)
    approver = require_person(session, org, approver_id, "approver")
    day = not_future(to_date(approved_on, "approved on"), "approved on")
    if account.status != "applied":
        raise Conflict(f"account {account_id} is {account.status}; only an applied account can be approved")
    if not is_unit_leader(session, org, approver.id, account.unit_id):
        leaders = ", ".join(str(p) for p in unit_leaders(session, org, account.unit_id)) or "none registered"
        raise NotAllowed(
            f"person {approver.id} is not a leader of the account's unit (its leaders: {leaders})"
        )
    if day < account.applied_at.date():
        raise InvalidValue(f"approved on {day.isoformat()} is before the application date")
    account.status = "approved"
    account.approved_by_id = approver.id
    account.approved_on = day
    return account


def responsible_person(session: Session, org: Organisation, account_id: int) -> int | None:
    """The accepted responsible person of the account, if any."""
    query = select(AccountAssignment.person_id).where(
        AccountAssignment.organisation_id == org.id,
        AccountAssignment.account_id == account_id,
        AccountAssignment.role == "responsible",
        AccountAssignment.accepted_at.is_not(None),
        AccountAssignment.ended_at.is_(None),
    )
    return session.scalars(query).first()


@atomic
def activate_account(session: Session, org: Organisation, account_id: int) -> Account:
    """The account goes live: approved, one responsible person, DMs off where required, profile text
    accepted by the engine. The service office is notified (Hustadvika 2i)."""
    account = get_account(session, org, account_id)
    if account.status != "approved":
        raise Conflict(f"account {account_id} is {account.status}; it must be approved before it goes live")
    if responsible_person(session, org, account.id) is None:
        raise Conflict(f"account {account_id} has no responsible person who has accepted the assignment")
    pack = checking.pack_for(session, org, account=account.id)
    if pack.parameters.direct_messages == "must_be_off" and account.direct_messages != "off":
        raise Conflict(f"account {account_id}: direct messages must be off ({pack.name}); confirm they are")
    profile = _store_profile(session, org, account)
    if not profile.passes:
        what = ", ".join(profile.codes) if profile.codes else "no profile text"
        raise Conflict(f"account {account_id}: the profile text does not pass the check ({what})")
    stamp = now()
    account.status = "active"
    account.activated_at = stamp
    account.service_office_notified_at = stamp
    notices.owe(
        session,
        org,
        "account_live",
        org.service_office,
        {
            "account": account.name,
            "platform": account.platform,
            "url": account.url,
            "account_id": account.id,
            "organisation": org.name,
        },
        subject=f"New {account.platform} account: {account.name}",
        body=f"{org.name} has opened {account.url} ({account.platform}). Registry id {account.id}.",
        account_id=account.id,
        at=stamp,
    )
    return account


@atomic
def archive_account(session: Session, org: Organisation, account_id: int) -> Account:
    account = get_account(session, org, account_id)
    if account.status == "archived":
        raise Conflict(f"account {account_id} is archived already")
    account.status = "archived"
    account.archived_at = now()
    return account


@atomic
def update_profile(session: Session, org: Organisation, account_id: int, profile_text: str) -> ProfileCheck:
    account = get_account(session, org, account_id)
    account.profile_text = text(profile_text, "profile text", max_chars=5000)
    return _store_profile(session, org, account)


@atomic
def set_direct_messages(session: Session, org: Organisation, account_id: int, state: str) -> Account:
    account = get_account(session, org, account_id)
    account.direct_messages = choice(state, DM_STATES, "direct-messages state")
    return account


def is_designated(session: Session, org: Organisation, account_id: int, person_id: int) -> bool:
    """May this person write on the account (Norsjö 4.3): an accepted responsible, author or admin."""
    query = select(AccountAssignment.id).where(
        AccountAssignment.organisation_id == org.id,
        AccountAssignment.account_id == account_id,
        AccountAssignment.person_id == person_id,
        AccountAssignment.role.in_(("responsible", "author", "administrator")),
        AccountAssignment.accepted_at.is_not(None),
        AccountAssignment.ended_at.is_(None),
    )
    return session.scalars(query).first() is not None


@atomic
def record_activity(
    session: Session,
    org: Organisation,
    account_id: int,
    person_id: int | None,
    at: dt.datetime | None = None,
    kind: str = "post",
) -> Activity:
    """A post or reply on the account; ``designated`` is false when its author was not designated."""
    account = get_account(session, org, account_id)
    if person_id is not None:
        require_person(session, org, person_id, "author")
    when = at or now()
    designated = person_id is not None and is_designated(session, org, account_id, person_id)
    activity = Activity(
        organisation_id=org.id,
        account_id=account.id,
        person_id=person_id,
        kind=choice(kind, ("post", "reply", "story", "video"), "kind of activity"),
        at=when,
        designated=designated,
    )
    session.add(activity)
    if account.last_activity_at is None or when > account.last_activity_at:
        account.last_activity_at = when
    return activity
