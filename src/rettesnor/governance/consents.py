"""The consent register for photos and video of people (Hjørring 7, Sønderborg, Hustadvika 2d).

The basis allowed depends on the guideline (``parameters.photo_consent``): Hustadvika always wants
written consent; Hjørring also accepts a public municipal event or the public interest; Norddjurs
management's approval. A child's written consent is given by a guardian. Withdrawing a consent
creates a takedown task (Hjørring: delete on objection). The image check looks a medium up here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance.accounts import get_account
from rettesnor.governance.common import (
    atomic,
    choice,
    get_in_org,
    not_future,
    optional_text,
    text,
    to_date,
)
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed
from rettesnor.governance.people import is_unit_leader, require_person
from rettesnor.governance.tenants import get_unit, unit_pack
from rettesnor.policy.loader import load_pack
from rettesnor.records.models import CONSENT_BASES, CONSENT_GIVERS, Consent, Organisation, Task

# photo_consent parameter -> the bases that guideline accepts
BASES_BY_POLICY: dict[str, tuple[str, ...]] = {
    "written_consent": ("written_consent",),
    "consent_or_basis": ("written_consent", "public_event", "public_interest"),
    "management_approval": ("management_approval", "written_consent"),
    "work_photo_permission": ("written_consent", "management_approval"),
    "not_stated": CONSENT_BASES,
}
TAKEDOWN_DAYS = 1  # a withdrawn consent's media are taken down by the next day


@dataclass(frozen=True, slots=True)
class ConsentStatus:
    """What the register says about one medium (for the image check)."""

    media_ref: str
    in_force: tuple[int, ...]  # consents that cover it now
    withdrawn: tuple[int, ...]  # consents that were withdrawn: the medium must come down

    @property
    def covered(self) -> bool:
        return bool(self.in_force) and not self.withdrawn


def get_consent(session: Session, org: Organisation, consent_id: int) -> Consent:
    return get_in_org(session, Consent, org, consent_id, "consent")


def list_consents(session: Session, org: Organisation, media_ref: str | None = None) -> list[Consent]:
    query = select(Consent).where(Consent.organisation_id == org.id)
    if media_ref is not None:
        query = query.where(Consent.media_ref == media_ref)
    return list(session.scalars(query.order_by(Consent.id)))


def allowed_bases(session: Session, org: Organisation, unit: int | str | None) -> tuple[str, ...]:
    scope = get_unit(session, org, unit) if unit is not None else None
    policy = load_pack(unit_pack(session, org, scope)).parameters.photo_consent
    return BASES_BY_POLICY[policy]


@atomic
def record_consent(
    session: Session,
    org: Organisation,
    *,
    media_ref: str,
    subject: str,
    basis: str,
    given_on: dt.date | str,
    given_by: str | None = None,
    given_by_role: str | None = None,
    subject_is_child: bool = False,
    unit: int | str | None = None,
    account_id: int | None = None,
    recorded_by: int | None = None,
) -> Consent:
    choice(basis, CONSENT_BASES, "basis")
    day = not_future(to_date(given_on, "given on"), "given on")
    scope = get_unit(session, org, unit) if unit is not None else None
    account = get_account(session, org, account_id) if account_id is not None else None
    recorder = require_person(session, org, recorded_by, "recorded by") if recorded_by is not None else None
    allowed = allowed_bases(session, org, scope.id if scope else None)
    if basis not in allowed:
        raise InvalidValue(f"this guideline accepts as basis only: {', '.join(allowed)} (not {basis})")
    if given_by_role is not None:
        choice(given_by_role, CONSENT_GIVERS, "given by (role)")
    if basis == "written_consent":
        given_by = text(given_by, "given by (who signed the consent)", max_chars=200)
        if subject_is_child and given_by_role != "guardian":
            raise InvalidValue("a child's consent is given by a guardian (--given-by-role guardian)")
        given_by_role = given_by_role or "self"
    if basis == "management_approval":
        if recorder is None or scope is None or not is_unit_leader(session, org, recorder.id, scope.id):
            raise NotAllowed("management approval is recorded by a leader of the unit (--by, --unit)")
        given_by_role = "leader"
    consent = Consent(
        organisation_id=org.id,
        unit_id=scope.id if scope else None,
        account_id=account.id if account else None,
        media_ref=text(media_ref, "media reference", max_chars=500),
        subject=text(subject, "who is pictured", max_chars=200),
        subject_is_child=subject_is_child,
        basis=basis,
        given_by=optional_text(given_by, "given by", max_chars=200),
        given_by_role=given_by_role,
        given_on=day,
        recorded_by_id=recorder.id if recorder else None,
    )
    session.add(consent)
    return consent


@atomic
def withdraw_consent(
    session: Session, org: Organisation, consent_id: int, withdrawn_on: dt.date | str
) -> tuple[Consent, Task]:
    """The person (or guardian) objects: the consent ends and the medium must be taken down."""
    consent = get_consent(session, org, consent_id)
    day = not_future(to_date(withdrawn_on, "withdrawn on"), "withdrawn on")
    if consent.withdrawn_on is not None:
        raise Conflict(f"consent {consent_id} was withdrawn on {consent.withdrawn_on.isoformat()}")
    if day < consent.given_on:
        raise InvalidValue(f"withdrawn on {day.isoformat()} is before the consent was given")
    consent.withdrawn_on = day
    task = Task(
        organisation_id=org.id,
        kind="takedown",
        title=f"Take down {consent.media_ref}: consent {consent.id} was withdrawn",
        consent_id=consent.id,
        account_id=consent.account_id,
        due_on=day + dt.timedelta(days=TAKEDOWN_DAYS),
    )
    session.add(task)
    return consent, task


def lookup(session: Session, org: Organisation, media_ref: str, on: dt.date | None = None) -> ConsentStatus:
    """May this medium be shown? Used by the image check before a picture of people is published."""
    day = on or dt.date.today()
    rows = list_consents(session, org, media_ref=media_ref)
    return ConsentStatus(
        media_ref=media_ref,
        in_force=tuple(c.id for c in rows if c.given_on <= day and c.withdrawn_on is None),
        withdrawn=tuple(c.id for c in rows if c.withdrawn_on is not None and c.withdrawn_on <= day),
    )
