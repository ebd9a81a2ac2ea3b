"""Approved channels for work communication, per unit (Norddjurs ND-3 and ND-7).

"Arbejdsrelateret kommunikation skal foregå via kommunens godkendte kanaler" (ND-3), and "parallelle
'lukkede' kommunikationsrum, der udelukker kollegaer, må ikke anvendes" (ND-7). So a unit's leader keeps a
list of approved channels; a channel is approved only when it is open to the colleagues concerned and to
management, and a sub-unit inherits the channels of the units above it. The check of an internal message
then uses the unit's list instead of the pack's default (``parameters.approved_channels``).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance.common import atomic, get_in_org, text, to_date
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed
from rettesnor.governance.people import active_person, is_unit_leader
from rettesnor.governance.tenants import get_unit, unit_chain, unit_pack
from rettesnor.policy.loader import load_pack
from rettesnor.policy.model import Pack
from rettesnor.records.models import ApprovedChannel, Organisation, Unit

KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


def channel_key(value: str) -> str:
    key = (value or "").strip().lower()
    if not KEY.match(key):
        raise InvalidValue(f"channel key {value!r} must be a short lower-case name such as teams or email")
    return key


@atomic
def approve_channel(
    session: Session,
    org: Organisation,
    unit: int | str,
    key: str,
    name: str,
    open_to: str,
    by: int,
    *,
    open_to_colleagues: bool,
    open_to_management: bool,
    on: dt.date | str | None = None,
) -> ApprovedChannel:
    """A leader of ``unit`` approves a channel. A closed room is refused: it must be open to the
    colleagues concerned and to management (ND-7)."""
    target = get_unit(session, org, unit)
    leader = active_person(session, org, by)
    if not is_unit_leader(session, org, leader.id, target.id):
        raise NotAllowed(f"person {leader.id} is not a leader of unit {target.slug}")
    if not (open_to_colleagues and open_to_management):
        missing = "the colleagues concerned" if not open_to_colleagues else "management"
        raise NotAllowed(f"a channel closed to {missing} cannot be approved for work communication (ND-7)")
    key = channel_key(key)
    if key in {c.key for c in _own(session, org, target)}:
        raise Conflict(f"{key} is already approved in unit {target.slug}")
    row = ApprovedChannel(
        organisation_id=org.id,
        unit_id=target.id,
        key=key,
        name=text(name, "channel name", max_chars=200),
        open_to=text(open_to, "who the channel is open to", max_chars=500),
        approved_by_id=leader.id,
        approved_on=to_date(on, "approved on") if on else dt.date.today(),
    )
    session.add(row)
    return row


@atomic
def withdraw_channel(
    session: Session, org: Organisation, channel_id: int, by: int, on: dt.date | str | None = None
) -> ApprovedChannel:
    """A leader of the channel's unit withdraws the approval; the row stays as history."""
    row = get_in_org(session, ApprovedChannel, org, channel_id, "approved channel")
    if row.withdrawn_on is not None:
        raise Conflict(f"approved channel {channel_id} was already withdrawn on {row.withdrawn_on}")
    if not is_unit_leader(session, org, active_person(session, org, by).id, row.unit_id):
        raise NotAllowed(f"person {by} is not a leader of the channel's unit")
    row.withdrawn_on = to_date(on, "withdrawn on") if on else dt.date.today()
    return row


def _own(session: Session, org: Organisation, unit: Unit) -> list[ApprovedChannel]:
    query = select(ApprovedChannel).where(
        ApprovedChannel.organisation_id == org.id,
        ApprovedChannel.unit_id == unit.id,
        ApprovedChannel.withdrawn_on.is_(None),
    )
    return list(session.scalars(query.order_by(ApprovedChannel.key)))


def list_channels(session: Session, org: Organisation, unit: int | str) -> list[ApprovedChannel]:
    """The channels in force in ``unit``: its own and those of the units above it."""
    rows: list[ApprovedChannel] = []
    for u in unit_chain(session, org, get_unit(session, org, unit)):
        rows += _own(session, org, u)
    return rows


def approved_keys(session: Session, org: Organisation, unit: int | str) -> tuple[str, ...]:
    """The channel keys the check accepts in ``unit``: the register's when the unit (or a unit above it)
    keeps one, otherwise the default list of the unit's pack."""
    target = get_unit(session, org, unit)
    return unit_channel_keys(session, org, target, load_pack(unit_pack(session, org, target)))


def unit_channel_keys(session: Session, org: Organisation, unit: Unit, pack: Pack) -> tuple[str, ...]:
    """:func:`approved_keys` for a unit already looked up and its pack already loaded."""
    keys = sorted({c.key for c in list_channels(session, org, unit.id)})
    return tuple(keys) if keys else tuple(pack.parameters.approved_channels)


@lru_cache(maxsize=256)
def pack_with_channels(pack_name: str, keys: tuple[str, ...]) -> Pack:
    """The unit's pack with its approved channels replaced; cached so the check's caches keep working."""
    pack = load_pack(pack_name)
    if tuple(pack.parameters.approved_channels) == keys:
        return pack
    parameters = pack.parameters.model_copy(update={"approved_channels": list(keys)})
    return pack.model_copy(update={"parameters": parameters})
