"""A leader's decisions about a person: service assignment, work-time use, workplace content, blog link."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from rettesnor.governance import people, permissions
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed
from support.govdata import TODAY, make_town, snapshot

DISCLAIMER = "Det här är min privata blogg. Åsikterna är mina egna och inte Norsjö kommuns."


def test_service_assignment_comes_from_the_manager_and_is_accepted(db: Session) -> None:
    town = make_town(db, "norsjoish", pack="se-norsjo")
    org = town.org
    before = snapshot(db)
    with pytest.raises(NotAllowed, match="is not a leader of person"):
        permissions.grant_permission(
            db, org, person_id=town.a.id, kind="service_assignment", granted_by=town.b.id, valid_from=TODAY
        )
    with pytest.raises(InvalidValue, match="before valid from"):
        permissions.grant_permission(
            db,
            org,
            person_id=town.a.id,
            kind="service_assignment",
            granted_by=town.leader.id,
            valid_from=TODAY,
            valid_until="2001-01-01",
        )
    assert snapshot(db) == before
    grant = permissions.grant_permission(
        db, org, person_id=town.a.id, kind="service_assignment", granted_by=town.leader.id, valid_from=TODAY
    )
    assert not permissions.in_force(db, org, town.a.id, "service_assignment")  # nobody is forced
    with pytest.raises(NotAllowed, match="only person"):
        permissions.accept_permission(db, org, grant.id, town.leader.id)
    permissions.accept_permission(db, org, grant.id, town.a.id)
    assert permissions.in_force(db, org, town.a.id, "service_assignment")
    permissions.revoke_permission(db, org, grant.id)
    assert not permissions.in_force(db, org, town.a.id, "service_assignment")


def test_work_time_use_and_workplace_content_are_decided_by_a_leader(db: Session) -> None:
    town = make_town(db, "sonderish", pack="dk-sonderborg")
    org = town.org
    allowed = permissions.grant_permission(
        db, org, person_id=town.a.id, kind="work_time_use", granted_by=town.leader.id, valid_from=TODAY
    )
    refused = permissions.grant_permission(
        db,
        org,
        person_id=town.b.id,
        kind="work_time_use",
        granted_by=town.leader.id,
        valid_from=TODAY,
        granted=False,
    )
    assert permissions.in_force(db, org, town.a.id, "work_time_use")
    assert not permissions.in_force(db, org, town.b.id, "work_time_use")
    assert allowed.granted and not refused.granted
    with pytest.raises(Conflict, match="needs no acceptance"):
        permissions.accept_permission(db, org, allowed.id, town.a.id)
    content = permissions.grant_permission(
        db,
        org,
        person_id=town.a.id,
        kind="workplace_content",
        granted_by=town.leader.id,
        valid_from=TODAY,
        scope="Billeder fra skolens sommerfest på kommunens side",
    )
    assert content.scope and permissions.in_force(db, org, town.a.id, "workplace_content")
    with pytest.raises(NotAllowed):
        permissions.grant_permission(
            db, org, person_id=town.b.id, kind="workplace_content", granted_by=town.a.id, valid_from=TODAY
        )


def test_politicians_blog_link_needs_the_website_owner_and_a_disclaimer(db: Session) -> None:
    town = make_town(db, "bloggtown", pack="se-norsjo")
    org = town.org
    politician = people.add_person(
        db, org, name="Vilmer Åkerlund", unit="town", started_on=TODAY, kind="elected_official"
    )
    args = {
        "person_id": politician.id,
        "kind": "blog_link",
        "valid_from": TODAY,
        "url": "https://blogg.example/v",
    }
    before = snapshot(db)
    with pytest.raises(NotAllowed, match="communications_officer"):
        permissions.grant_permission(db, org, granted_by=town.leader.id, disclaimer=DISCLAIMER, **args)
    with pytest.raises(InvalidValue, match="does not say clearly"):
        permissions.grant_permission(
            db, org, granted_by=town.comms.id, disclaimer="Välkommen till min blogg om Norsjö.", **args
        )
    with pytest.raises(InvalidValue, match="not an elected official"):
        permissions.grant_permission(
            db, org, granted_by=town.comms.id, disclaimer=DISCLAIMER, **{**args, "person_id": town.a.id}
        )
    assert snapshot(db) == before
    link = permissions.grant_permission(db, org, granted_by=town.comms.id, disclaimer=DISCLAIMER, **args)
    assert link.url == "https://blogg.example/v" and permissions.in_force(db, org, politician.id, "blog_link")
