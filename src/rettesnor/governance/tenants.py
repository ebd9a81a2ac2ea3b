"""Organisations (the tenants) and their units, each bound to a policy pack.

A unit's pack must extend the pack of the unit above it (or the organisation's), so a unit can add to
the guideline of the municipality but never leave it (Norddjurs: Tandplejen extends dk-norddjurs).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rettesnor.governance.common import atomic, choice, get_in_org, optional_text, slug, text
from rettesnor.governance.errors import Conflict, InvalidValue, NotFound
from rettesnor.policy.loader import load_pack
from rettesnor.policy.model import Pack
from rettesnor.records.models import COUNTRIES, Organisation, Unit


def _pack(name: str) -> Pack:
    pack = load_pack(name)  # raises a one-line PackError for an unknown pack
    if pack.name != name:
        raise InvalidValue(f"give the pack by name (e.g. {pack.name!r}), not by file")
    return pack


@atomic
def create_organisation(
    session: Session,
    *,
    slug_: str,
    name: str,
    country: str,
    pack: str,
    service_office: str,
    website: str | None = None,
) -> Organisation:
    """A new tenant. ``service_office`` is who is told when an account is created (Hustadvika 2i)."""
    slug(slug_, "organisation")
    choice(country, COUNTRIES, "country")
    resolved = _pack(pack)
    if resolved.country != country:
        raise InvalidValue(f"pack {pack} is for {resolved.country}, not {country}")
    if session.scalars(select(Organisation).where(Organisation.slug == slug_)).first() is not None:
        raise Conflict(f"organisation {slug_!r} exists already")
    org = Organisation(
        slug=slug_,
        name=text(name, "name", max_chars=200),
        country=country,
        pack=pack,
        service_office=text(service_office, "service office", max_chars=200),
        website=optional_text(website, "website", max_chars=300),
    )
    session.add(org)
    return org


def get_organisation(session: Session, slug_: str) -> Organisation:
    org = session.scalars(select(Organisation).where(Organisation.slug == slug_)).first()
    if org is None:
        raise NotFound(f"no organisation {slug_!r}; see `rettesnor org list`")
    return org


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.slug)))


def get_unit(session: Session, org: Organisation, ref: int | str) -> Unit:
    """A unit of ``org`` by id or by slug."""
    if isinstance(ref, str) and not ref.isdigit():
        unit = session.scalars(select(Unit).where(Unit.organisation_id == org.id, Unit.slug == ref)).first()
        if unit is None:
            raise NotFound(f"no unit {ref!r} in {org.slug}")
        return unit
    return get_in_org(session, Unit, org, int(ref), "unit")


def list_units(session: Session, org: Organisation) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.organisation_id == org.id).order_by(Unit.id)))


def unit_chain(session: Session, org: Organisation, unit: Unit) -> list[Unit]:
    """The unit, its parent, … up to the top unit."""
    chain = [unit]
    while chain[-1].parent_id is not None:
        chain.append(get_in_org(session, Unit, org, chain[-1].parent_id, "unit"))
    return chain


def unit_pack(session: Session, org: Organisation, unit: Unit | None) -> str:
    """The pack that applies in ``unit``: its own, else the nearest parent's, else the organisation's."""
    if unit is None:
        return org.pack
    for u in unit_chain(session, org, unit):
        if u.pack:
            return u.pack
    return org.pack


def unit_path(session: Session, org: Organisation, unit: Unit) -> str:
    names = [u.name for u in reversed(unit_chain(session, org, unit))]
    return " → ".join([org.name, *names])


def check_extends(pack: str, parent_pack: str, what: str) -> None:
    """``pack`` must be ``parent_pack`` or extend it."""
    chain = _pack(pack).chain
    if parent_pack not in chain:
        ancestors = " → ".join(chain[1:]) or "nothing"
        raise InvalidValue(f"{what} pack {pack} must extend {parent_pack} (it extends {ancestors})")


@atomic
def add_unit(
    session: Session,
    org: Organisation,
    *,
    slug_: str,
    name: str,
    parent: int | str | None = None,
    pack: str | None = None,
) -> Unit:
    slug(slug_, "unit")
    parent_unit = get_unit(session, org, parent) if parent is not None else None
    if pack is not None:
        check_extends(pack, unit_pack(session, org, parent_unit), f"unit {slug_}")
    unit = Unit(
        organisation_id=org.id,
        parent_id=parent_unit.id if parent_unit else None,
        slug=slug_,
        name=text(name, "name", max_chars=200),
        pack=pack,
    )
    session.add(unit)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"unit {slug_!r} exists already in {org.slug}") from None
    return unit
