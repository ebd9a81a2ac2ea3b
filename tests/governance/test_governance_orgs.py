"""Organisations and units bound to packs; people, managers and roles."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from rettesnor.governance import people, tenants
from rettesnor.governance.errors import Conflict, InvalidValue, NotFound
from rettesnor.item import InputError
from rettesnor.policy.loader import load_pack
from support.govdata import LONG_AGO, make_town, snapshot


def test_norddjurs_units_bind_to_packs_that_extend_the_parent(db: Session) -> None:
    org = tenants.create_organisation(
        db,
        slug_="norddjurs",
        name="Norddjurs Kommune",
        country="DK",
        pack="dk-norddjurs",
        service_office="borgerservice@norddjurs.example",
    )
    area = tenants.add_unit(db, org, slug_="bfo", name="Børne- og Familieområdet")
    dental = tenants.add_unit(
        db, org, slug_="tandplejen", name="Tandplejen", parent="bfo", pack="dk-norddjurs-tandplejen"
    )
    assert tenants.unit_pack(db, org, area) == "dk-norddjurs"  # inherited from the municipality
    assert tenants.unit_pack(db, org, dental) == "dk-norddjurs-tandplejen"
    assert "dk-norddjurs" in load_pack(tenants.unit_pack(db, org, dental)).chain
    assert tenants.unit_path(db, org, dental) == "Norddjurs Kommune → Børne- og Familieområdet → Tandplejen"

    before = snapshot(db)
    with pytest.raises(InvalidValue, match="must extend dk-norddjurs"):
        tenants.add_unit(db, org, slug_="skole", name="Skole", parent="bfo", pack="dk-hjorring")
    with pytest.raises(InputError, match="unknown pack"):
        tenants.add_unit(db, org, slug_="skole", name="Skole", pack="dk-nowhere")
    with pytest.raises(Conflict, match="exists already"):
        tenants.add_unit(db, org, slug_="bfo", name="Again")
    with pytest.raises(NotFound, match="no unit 'nowhere'"):
        tenants.add_unit(db, org, slug_="skole", name="Skole", parent="nowhere")
    assert snapshot(db) == before


def test_organisation_needs_a_pack_of_its_country(db: Session) -> None:
    before = snapshot(db)
    with pytest.raises(InvalidValue, match="pack no-hustadvika is for NO, not DK"):
        tenants.create_organisation(
            db, slug_="x", name="X", country="DK", pack="no-hustadvika", service_office="s@x.example"
        )
    with pytest.raises(InvalidValue, match="unknown country"):
        tenants.create_organisation(
            db, slug_="x", name="X", country="FI", pack="dk-hjorring", service_office="s"
        )
    with pytest.raises(InvalidValue, match="lower-case"):
        tenants.create_organisation(
            db, slug_="X Y", name="X", country="DK", pack="dk-hjorring", service_office="s"
        )
    with pytest.raises(InvalidValue, match="service office is required"):
        tenants.create_organisation(
            db, slug_="x", name="X", country="DK", pack="dk-hjorring", service_office=" "
        )
    assert snapshot(db) == before
    make_town(db, "dup")
    with pytest.raises(Conflict, match="exists already"):
        tenants.create_organisation(
            db, slug_="dup", name="X", country="DK", pack="dk-hjorring", service_office="s"
        )


def test_people_roles_and_leaders(db: Session) -> None:
    town = make_town(db, "roletown")
    org = town.org
    assert people.leaders_of(db, org, town.a) == [town.leader.id]
    assert people.is_unit_leader(db, org, town.leader.id, town.school.id)
    assert not people.is_unit_leader(db, org, town.a.id, town.school.id)
    assert [g.role for g in people.roles_of(db, org, town.comms.id)] == ["communications_officer"]
    # A leader of the unit above leads the people of the unit below too.
    boss = people.add_person(db, org, name="Gunvor Ravn", unit="town", started_on=LONG_AGO)
    people.grant_role(db, org, boss.id, "unit_leader", unit="town")
    loose = people.add_person(db, org, name="Ebbe Lindholm", unit="school", started_on=LONG_AGO)
    assert people.leaders_of(db, org, loose) == [town.leader.id, boss.id]

    before = snapshot(db)
    with pytest.raises(InvalidValue, match="unknown role 'king'"):
        people.grant_role(db, org, town.a.id, "king")
    with pytest.raises(InvalidValue, match="needs the unit they lead"):
        people.grant_role(db, org, town.a.id, "unit_leader")
    with pytest.raises(Conflict, match="has role communications_officer already"):
        people.grant_role(db, org, town.comms.id, "communications_officer")
    with pytest.raises(Conflict, match="circle"):
        people.set_manager(db, org, town.leader.id, town.a.id)
    with pytest.raises(InvalidValue, match="invalid date for started on: '2025-02-30'"):
        people.add_person(db, org, name="Nils", unit="school", started_on="2025-02-30")
    with pytest.raises(NotFound, match="no person 999999"):
        people.add_person(db, org, name="Nils", unit="school", started_on=LONG_AGO, manager_id=999999)
    with pytest.raises(InvalidValue, match="before started on"):
        people.leave(db, org, town.a.id, LONG_AGO.replace(year=LONG_AGO.year - 1))
    assert snapshot(db) == before

    people.leave(db, org, town.b.id, LONG_AGO)
    with pytest.raises(Conflict, match="left on"):
        people.grant_role(db, org, town.b.id, "moderator")
