"""Checks that run on the whole account registry of an organisation and list what is wrong.

A handful of set-based queries per organisation, whatever the number of accounts:

==========================  ==============================================================  =======
code                        what is wrong                                                   clause
==========================  ==============================================================  =======
``not-approved``            live without a leader's approval                                HJ-2, HU-2g
``no-responsible``          no responsible person who has accepted                          HU-2h, NS-1
``dms-on``                  direct messages on, or not confirmed off                        HJ-9
``inactive``                no post or reply for N days ("hold den levende")                HU-2h
``undesignated-author``     someone who is not a designated author wrote on it              NS-4.3
``no-service-assignment``   a designated author has no service assignment from the manager  NS-4.2
``service-office``          the service office was not told                                 HU-2i
``profile-text``            the engine finds fault with the profile text                    HU-2j
``no-application``          an application answer is missing                                HU-2a–f
==========================  ==============================================================  =======
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rettesnor.governance.permissions import in_force_query
from rettesnor.governance.tenants import list_units, unit_pack
from rettesnor.policy.loader import load_pack
from rettesnor.records.models import Account, AccountAssignment, Activity, Organisation

DEFAULT_INACTIVE_DAYS = 30
LIVE = ("approved", "active")
APPLICATION_FIELDS = (
    "purpose",
    "target_group",
    "dialogue_plan",
    "privacy_assessment",
    "confidentiality_assessment",
    "resources_plan",
)


@dataclass(frozen=True, slots=True)
class Problem:
    account_id: int
    platform: str
    handle: str
    code: str
    severity: str  # error or warning
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_registry(
    session: Session,
    org: Organisation,
    now: dt.datetime | None = None,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
) -> list[Problem]:
    """Everything wrong with the organisation's approved and active accounts."""
    stamp = now or dt.datetime.now(dt.UTC)
    since = stamp - dt.timedelta(days=inactive_days)
    accounts = list(
        session.scalars(
            select(Account)
            .where(Account.organisation_id == org.id, Account.status.in_(LIVE))
            .order_by(Account.id)
        )
    )
    if not accounts:
        return []
    current = (
        AccountAssignment.organisation_id == org.id,
        AccountAssignment.accepted_at.is_not(None),
        AccountAssignment.ended_at.is_(None),
    )
    responsible = set(
        session.scalars(
            select(AccountAssignment.account_id).where(*current, AccountAssignment.role == "responsible")
        )
    )
    undesignated = dict(
        session.execute(
            select(Activity.account_id, func.count())
            .where(Activity.organisation_id == org.id, Activity.designated.is_(False), Activity.at >= since)
            .group_by(Activity.account_id)
        ).all()
    )
    assigned_ok = in_force_query(org, "service_assignment", stamp.date()).subquery()
    unassigned = dict(
        session.execute(
            select(AccountAssignment.account_id, func.count(func.distinct(AccountAssignment.person_id)))
            .where(
                *current,
                AccountAssignment.role.in_(("responsible", "author", "administrator")),
                AccountAssignment.person_id.not_in(select(assigned_ok.c.person_id)),
            )
            .group_by(AccountAssignment.account_id)
        ).all()
    )
    dm_rule = {
        u.id: load_pack(unit_pack(session, org, u)).parameters.direct_messages
        for u in list_units(session, org)
    }
    problems: list[Problem] = []
    for a in accounts:

        def add(code: str, severity: str, message: str, a: Account = a) -> None:
            problems.append(Problem(a.id, a.platform, a.handle, code, severity, message))

        active = a.status == "active"
        if a.approved_by_id is None or a.approved_on is None:
            add("not-approved", "error", "no leader of the unit has approved the account")
        if a.id not in responsible:
            add("no-responsible", "error", "no responsible person has accepted the account")
        if a.direct_messages != "off":
            required = dm_rule.get(a.unit_id) == "must_be_off"
            add(
                "dms-on",
                "error" if required else "warning",
                f"direct messages are {a.direct_messages}"
                + ("; the guideline requires them off" if required else ""),
            )
        if active and (a.last_activity_at is None or a.last_activity_at < since):
            last = a.last_activity_at.date().isoformat() if a.last_activity_at else "never"
            add("inactive", "warning", f"no activity for {inactive_days} days (last: {last})")
        if undesignated.get(a.id):
            add(
                "undesignated-author",
                "error",
                f"{undesignated[a.id]} posts by people who are not designated authors",
            )
        if unassigned.get(a.id):
            add(
                "no-service-assignment",
                "warning",
                f"{unassigned[a.id]} designated people have no accepted service assignment from a manager",
            )
        if active and a.service_office_notified_at is None:
            add("service-office", "error", "the service office has not been told about the account")
        if a.profile_verdict != "publish":
            codes = f" ({a.profile_findings})" if a.profile_findings else ""
            add("profile-text", "warning", f"profile text: {a.profile_verdict or 'not checked'}{codes}")
        missing = [f for f in APPLICATION_FIELDS if not (getattr(a, f) or "").strip()]
        if missing:
            add("no-application", "error", "application answers missing: " + ", ".join(missing))
    return problems
