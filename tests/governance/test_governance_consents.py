"""The consent register for pictures: the basis the guideline accepts, children, withdrawal → takedown."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from rettesnor.governance import consents, tasks
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed
from support.govdata import TODAY, make_town, snapshot

YESTERDAY = TODAY - dt.timedelta(days=1)


def test_withdrawal_creates_a_takedown_task(db: Session) -> None:
    town = make_town(db, "hjorringish", pack="dk-hjorring")
    org = town.org
    consent = consents.record_consent(
        db,
        org,
        media_ref="sommerfest-2025/IMG_0412.jpg",
        subject="Pige i rød kjole",
        basis="written_consent",
        given_on=YESTERDAY,
        given_by="Mor: Freja Skovlund",
        given_by_role="guardian",
        subject_is_child=True,
    )
    assert consents.lookup(db, org, "sommerfest-2025/IMG_0412.jpg").covered
    assert tasks.list_tasks(db, org) == []
    withdrawn, task = consents.withdraw_consent(db, org, consent.id, TODAY)
    assert withdrawn.withdrawn_on == TODAY
    assert task.kind == "takedown" and task.due_on == TODAY + dt.timedelta(days=1)
    assert [t.id for t in tasks.list_tasks(db, org)] == [task.id]
    status = consents.lookup(db, org, "sommerfest-2025/IMG_0412.jpg")
    assert not status.covered and status.withdrawn == (consent.id,)
    with pytest.raises(Conflict, match="was withdrawn"):
        consents.withdraw_consent(db, org, consent.id, TODAY)
    # A takedown cannot be dismissed: it is done, with a note of what was done.
    with pytest.raises(InvalidValue, match="note"):
        tasks.complete_task(db, org, task.id, town.comms.id, "")
    tasks.complete_task(db, org, task.id, town.comms.id, "Billedet er fjernet fra Facebook og hjemmesiden.")
    assert tasks.list_tasks(db, org) == [] and len(tasks.list_tasks(db, org, open_only=False)) == 1


def test_the_guideline_decides_which_basis_is_enough(db: Session) -> None:
    hu = make_town(db, "hustadish", pack="no-hustadvika")  # always written consent
    hj = make_town(db, "hjorr2", pack="dk-hjorring")  # consent, or a public event / public interest
    event = {
        "media_ref": "marked.jpg",
        "subject": "Publikum på torvet",
        "basis": "public_event",
        "given_on": TODAY,
    }
    before = snapshot(db)
    with pytest.raises(InvalidValue, match="accepts as basis only: written_consent"):
        consents.record_consent(db, hu.org, **event)
    assert snapshot(db) == before
    assert consents.record_consent(db, hj.org, **event).basis == "public_event"


def test_bad_consents_are_refused_and_change_nothing(db: Session) -> None:
    town = make_town(db, "consenttown", pack="dk-hjorring")
    org = town.org
    base = {"media_ref": "a.jpg", "subject": "Dreng på gyngen", "basis": "written_consent", "given_on": TODAY}
    before = snapshot(db)
    with pytest.raises(InvalidValue, match=r"given by \(who signed"):
        consents.record_consent(db, org, **base)
    with pytest.raises(InvalidValue, match="guardian"):
        consents.record_consent(db, org, **base, given_by="Drengen selv", subject_is_child=True)
    with pytest.raises(InvalidValue, match="invalid date for given on"):
        consents.record_consent(db, org, **{**base, "given_on": "31-12-2024"}, given_by="X")
    with pytest.raises(InvalidValue, match="in the future"):
        consents.record_consent(db, org, **{**base, "given_on": TODAY + dt.timedelta(days=3)}, given_by="X")
    with pytest.raises(InvalidValue, match="unknown basis"):
        consents.record_consent(db, org, **{**base, "basis": "vibes"}, given_by="X")
    assert snapshot(db) == before


def test_management_approval_for_workplace_photos(db: Session) -> None:
    town = make_town(db, "tandish", pack="dk-norddjurs-tandplejen")  # Norddjurs: management approval
    with pytest.raises(NotAllowed, match="leader of the unit"):
        consents.record_consent(
            db,
            town.org,
            media_ref="klinik.jpg",
            subject="Personalet",
            basis="management_approval",
            given_on=TODAY,
            recorded_by=town.a.id,
            unit="school",
        )
    consent = consents.record_consent(
        db,
        town.org,
        media_ref="klinik.jpg",
        subject="Personalet i klinikken",
        basis="management_approval",
        given_on=TODAY,
        recorded_by=town.leader.id,
        unit="school",
    )
    assert consent.given_by_role == "leader" and consents.lookup(db, town.org, "klinik.jpg").covered
    assert not consents.lookup(db, town.org, "unknown.jpg").covered


def test_work_photos_need_permission_in_sonderborg(db: Session) -> None:
    town = make_town(db, "sonderish2", pack="dk-sonderborg")  # no work photos without permission
    before = snapshot(db)
    with pytest.raises(InvalidValue, match="accepts as basis only: written_consent, management_approval"):
        consents.record_consent(
            db,
            town.org,
            media_ref="personalemoede.jpg",
            subject="Kollegerne",
            basis="public_interest",
            given_on=TODAY,
        )
    assert snapshot(db) == before
    assert not consents.lookup(db, town.org, "personalemoede.jpg").covered
    consents.record_consent(
        db,
        town.org,
        media_ref="personalemoede.jpg",
        subject="Kollegerne",
        basis="written_consent",
        given_on=TODAY,
        given_by="Hver af de afbildede kolleger",
    )
    assert consents.lookup(db, town.org, "personalemoede.jpg").covered
