"""The audit log: every change, field by field, in the Noark 5 change-log shape; append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance import accounts, auditlog, incidents
from rettesnor.records.audit import RESTRICTED_VALUE, AppendOnlyError
from rettesnor.records.models import AuditEntry
from support.govdata import TODAY, application, make_town


def test_changes_are_logged_field_by_field(db: Session) -> None:
    town = make_town(db, "audittown")
    org = town.org
    account = accounts.apply_for_account(db, org, application(town))
    accounts.approve_account(db, org, account.id, town.leader.id, TODAY)
    entries = auditlog.history(db, org, "account", account.id)
    status = [(e.action, e.old_value, e.new_value) for e in entries if e.field == "status"]
    assert status == [("create", None, "applied"), ("update", "applied", "approved")]
    assert all(e.changed_by == "test" and e.organisation_id == org.id for e in entries)
    approved_on = next(e for e in entries if e.field == "approved_on")
    noark = auditlog.as_noark(approved_on)
    assert noark["referanseArkivenhet"] == f"account/{account.id}"
    assert (noark["referanseMetadata"], noark["tidligereVerdi"], noark["nyVerdi"]) == (
        "approved_on",
        None,
        TODAY.isoformat(),
    )
    assert set(noark) >= {"endretDato", "endretAv"}


def test_refused_change_leaves_no_audit_entry(db: Session) -> None:
    town = make_town(db, "audit2")
    account = accounts.apply_for_account(db, town.org, application(town))
    count = len(auditlog.history(db, town.org))
    with pytest.raises(Exception, match="not a leader"):
        accounts.approve_account(db, town.org, account.id, town.a.id, TODAY)
    assert len(auditlog.history(db, town.org)) == count


def test_audit_entries_cannot_be_changed_through_the_orm(db: Session) -> None:
    town = make_town(db, "audit3")
    entry = db.scalars(select(AuditEntry).where(AuditEntry.organisation_id == town.org.id)).first()
    assert entry is not None
    entry.new_value = "forged"
    with pytest.raises(AppendOnlyError):
        db.flush()
    db.rollback()


def test_incident_descriptions_stay_out_of_the_audit_log(db: Session) -> None:
    town = make_town(db, "audit4", pack="dk-norddjurs")
    incident = incidents.open_incident(
        db,
        town.org,
        person_id=town.a.id,
        opened_by=town.leader.id,
        category="work_environment",
        description="Drillende billede af en kollega i gruppechatten.",
    )
    logged = {e.field: e.new_value for e in auditlog.history(db, town.org, "incident", incident.id)}
    assert logged["description"] == RESTRICTED_VALUE and logged["category"] == "work_environment"
