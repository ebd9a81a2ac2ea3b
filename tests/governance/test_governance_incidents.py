"""Incidents: a consequence ladder, seen only by the employee, their leaders and HR."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from rettesnor.governance import incidents
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed, NotFound
from support.govdata import TODAY, make_town, snapshot


def test_incident_is_visible_only_to_employee_leader_and_hr(db: Session) -> None:
    town = make_town(db, "incitown", pack="dk-norddjurs")
    org = town.org
    assert town.hr is not None
    incident = incidents.open_incident(
        db,
        org,
        person_id=town.a.id,
        opened_by=town.leader.id,
        category="work_environment",
        clause="ND-8",
        finding_code="ND001",
        description="Udelukkende besked i en lukket Snapchat-gruppe om en kollega.",
    )
    for viewer in (town.a, town.leader, town.hr):
        assert incidents.get_incident(db, org, incident.id, viewer.id).id == incident.id
        assert [i.id for i in incidents.list_incidents(db, org, viewer.id)] == [incident.id]
    for outsider in (town.b, town.comms):
        with pytest.raises(NotFound, match=f"no incident {incident.id}"):
            incidents.get_incident(db, org, incident.id, outsider.id)
        assert incidents.list_incidents(db, org, outsider.id) == []


def test_consequence_ladder(db: Session) -> None:
    town = make_town(db, "laddertown", pack="dk-norddjurs")
    org = town.org
    before = snapshot(db)
    with pytest.raises(NotAllowed, match="neither a leader"):
        incidents.open_incident(
            db, org, person_id=town.a.id, opened_by=town.b.id, category="misuse", description="Noget skete."
        )
    assert snapshot(db) == before
    incident = incidents.open_incident(
        db,
        org,
        person_id=town.a.id,
        opened_by=town.leader.id,
        category="misuse",
        clause="NS-5.2",
        description="Personangreb på en borger i en privat tråd.",
    )
    incidents.set_consequence(db, org, incident.id, town.leader.id, "conversation", TODAY)
    incidents.set_consequence(db, org, incident.id, town.leader.id, "formal_interview", TODAY)
    before = snapshot(db)
    with pytest.raises(InvalidValue, match="only climbs"):
        incidents.set_consequence(db, org, incident.id, town.leader.id, "conversation", TODAY)
    with pytest.raises(NotFound):  # the employee sees it but cannot decide; a colleague does not see it
        incidents.set_consequence(db, org, incident.id, town.b.id, "written_warning", TODAY)
    with pytest.raises(NotAllowed):
        incidents.set_consequence(db, org, incident.id, town.a.id, "written_warning", TODAY)
    with pytest.raises(InvalidValue, match="unknown consequence"):
        incidents.set_consequence(db, org, incident.id, town.leader.id, "fired", TODAY)
    assert snapshot(db) == before
    assert town.hr is not None
    incidents.set_consequence(db, org, incident.id, town.hr.id, "written_warning", TODAY)
    incidents.close_incident(db, org, incident.id, town.hr.id)
    with pytest.raises(Conflict, match="is closed"):
        incidents.set_consequence(db, org, incident.id, town.hr.id, "further_steps", TODAY)
    assert (incident.consequence, incident.consequence_on) == ("written_warning", TODAY)
