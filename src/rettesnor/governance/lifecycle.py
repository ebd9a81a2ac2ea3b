"""The guideline's own life (Norddjurs): draft → hearing in the named committees → approved by a
named body on a date → published; publishing retires the version published before it. A unit's
guideline extends the one of the unit above (its pack must extend the parent's pack).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance.common import atomic, get_in_org, not_future, text, to_date
from rettesnor.governance.errors import Conflict, InvalidValue
from rettesnor.governance.tenants import check_extends, get_unit, unit_chain, unit_pack
from rettesnor.records.models import Organisation, PolicyVersion, Unit

NEXT: dict[str, tuple[str, ...]] = {
    "draft": ("hearing", "approved"),
    "hearing": ("approved",),
    "approved": ("published",),
    "published": ("retired",),
    "retired": (),
}


def get_policy_version(session: Session, org: Organisation, version_id: int) -> PolicyVersion:
    return get_in_org(session, PolicyVersion, org, version_id, "policy version")


def list_policy_versions(
    session: Session, org: Organisation, unit: int | str | None = None
) -> list[PolicyVersion]:
    query = select(PolicyVersion).where(PolicyVersion.organisation_id == org.id)
    if unit is not None:
        query = query.where(PolicyVersion.unit_id == get_unit(session, org, unit).id)
    return list(session.scalars(query.order_by(PolicyVersion.id)))


def _move(version: PolicyVersion, to: str) -> None:
    if to not in NEXT[version.status]:
        allowed = ", ".join(NEXT[version.status]) or "nothing"
        raise Conflict(f"policy version {version.id} is {version.status}; it can go to: {allowed} (not {to})")
    version.status = to


@atomic
def draft_policy(
    session: Session,
    org: Organisation,
    *,
    version: str,
    title: str,
    unit: int | str | None = None,
    pack: str | None = None,
) -> PolicyVersion:
    scope = get_unit(session, org, unit) if unit is not None else None
    parent = get_in_org(session, Unit, org, scope.parent_id, "unit") if scope and scope.parent_id else None
    inherited = org.pack if scope is None else unit_pack(session, org, parent)
    chosen = pack or unit_pack(session, org, scope)
    check_extends(chosen, inherited, "the guideline's")
    label = text(version, "version", max_chars=40)
    same_unit = PolicyVersion.unit_id == scope.id if scope else PolicyVersion.unit_id.is_(None)
    clash = select(PolicyVersion.id).where(
        PolicyVersion.organisation_id == org.id, same_unit, PolicyVersion.version == label
    )
    if session.scalars(clash).first() is not None:
        raise Conflict(f"version {label!r} exists already for this guideline")
    row = PolicyVersion(
        organisation_id=org.id,
        unit_id=scope.id if scope else None,
        pack=chosen,
        version=label,
        title=text(title, "title", max_chars=300),
        status="draft",
    )
    session.add(row)
    return row


@atomic
def send_to_hearing(
    session: Session, org: Organisation, version_id: int, bodies: list[str], hearing_from: dt.date | str
) -> PolicyVersion:
    """Send the draft to hearing in the named committees (Norddjurs: the local LMUs)."""
    row = get_policy_version(session, org, version_id)
    day = to_date(hearing_from, "hearing from")
    names = [text(b, "committee", max_chars=100) for b in bodies if b.strip()]
    if not names:
        raise InvalidValue("name the committees the draft is sent to for hearing")
    _move(row, "hearing")
    row.hearing_bodies = "; ".join(names)
    row.hearing_from = day
    return row


@atomic
def approve_policy(
    session: Session, org: Organisation, version_id: int, body: str, approved_on: dt.date | str
) -> PolicyVersion:
    """Approved by the named body (Norddjurs: MED) on a date."""
    row = get_policy_version(session, org, version_id)
    day = not_future(to_date(approved_on, "approved on"), "approved on")
    if row.hearing_from is not None and day < row.hearing_from:
        raise InvalidValue(f"approved on {day.isoformat()} is before the hearing began")
    _move(row, "approved")
    row.approved_by_body = text(body, "approving body", max_chars=200)
    row.approved_on = day
    return row


@atomic
def publish_policy(
    session: Session, org: Organisation, version_id: int, published_on: dt.date | str
) -> PolicyVersion:
    row = get_policy_version(session, org, version_id)
    day = to_date(published_on, "published on")
    if row.approved_on is not None and day < row.approved_on:
        raise InvalidValue(f"published on {day.isoformat()} is before it was approved")
    _move(row, "published")
    for other in list_policy_versions(session, org):
        if other.unit_id == row.unit_id and other.status == "published" and other.id != row.id:
            other.status = "retired"
    row.published_on = day
    return row


def current_policy(session: Session, org: Organisation, unit: Unit | None) -> PolicyVersion | None:
    """The published guideline that applies in the unit: its own, or the nearest one above it."""
    published = [v for v in list_policy_versions(session, org) if v.status == "published"]
    by_unit = {v.unit_id: v for v in published}
    for u in unit_chain(session, org, unit) if unit else []:
        if u.id in by_unit:
            return by_unit[u.id]
    return by_unit.get(None)
