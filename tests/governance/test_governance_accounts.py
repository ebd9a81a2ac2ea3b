"""The account registry: application, approval, exactly one responsible person, acceptance, going live."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance import accounts, assignments, people
from rettesnor.governance.errors import Conflict, InvalidValue, NotAllowed, NotFound
from rettesnor.records.models import Notification
from support.govdata import ANSWERS, TODAY, application, live_account, make_town, snapshot


@pytest.mark.parametrize("field", sorted(ANSWERS))
def test_application_requires_each_hustadvika_answer(db: Session, field: str) -> None:
    town = make_town(db, "apptown", pack="no-hustadvika")
    before = snapshot(db)
    with pytest.raises(InvalidValue, match="is required"):
        accounts.apply_for_account(db, town.org, application(town, **{field: "  "}))
    with pytest.raises(InvalidValue, match="at least 10 characters"):
        accounts.apply_for_account(db, town.org, application(town, **{field: "ok"}))
    assert snapshot(db) == before
    account = accounts.apply_for_account(db, town.org, application(town))
    assert getattr(account, field) == ANSWERS[field] and account.status == "applied"


def test_approval_needs_a_leader_of_the_unit(db: Session) -> None:
    town = make_town(db, "approvetown")
    account = accounts.apply_for_account(db, town.org, application(town))
    before = snapshot(db)
    for not_leader in (town.a.id, town.comms.id):
        with pytest.raises(NotAllowed, match=f"person {not_leader} is not a leader of the account's unit"):
            accounts.approve_account(db, town.org, account.id, not_leader, TODAY)
    with pytest.raises(InvalidValue, match="invalid date for approved on: '2024-13-01'"):
        accounts.approve_account(db, town.org, account.id, town.leader.id, "2024-13-01")
    with pytest.raises(InvalidValue, match="in the future"):
        accounts.approve_account(db, town.org, account.id, town.leader.id, TODAY.replace(year=TODAY.year + 1))
    with pytest.raises(NotFound, match="no account 987654"):
        accounts.approve_account(db, town.org, 987654, town.leader.id, TODAY)
    with pytest.raises(NotFound, match="no person 987654"):
        accounts.approve_account(db, town.org, account.id, 987654, TODAY)
    assert snapshot(db) == before

    approved = accounts.approve_account(db, town.org, account.id, town.leader.id, TODAY.isoformat())
    assert (approved.status, approved.approved_by_id, approved.approved_on) == (
        "approved",
        town.leader.id,
        TODAY,
    )
    with pytest.raises(Conflict, match="only an applied account can be approved"):
        accounts.approve_account(db, town.org, account.id, town.leader.id, TODAY)


def test_exactly_one_responsible_person(db: Session) -> None:
    town = make_town(db, "resptown")
    account = live_account(db, town)
    org = town.org
    assert accounts.responsible_person(db, org, account.id) == town.a.id
    before = snapshot(db)
    with pytest.raises(
        Conflict, match=r"has a responsible person already \(person \d+\); an account has exactly one"
    ):
        assignments.assign(db, org, account.id, town.staff[2].id, "responsible", town.leader.id)
    (current,) = [a for a in assignments.list_assignments(db, org, account.id) if a.role == "responsible"]
    with pytest.raises(Conflict, match="must always have a responsible person"):
        assignments.end_assignment(db, org, current.id)
    assert snapshot(db) == before

    # A hand-over: the old responsible person stays until the new one accepts.
    handover = assignments.assign(
        db, org, account.id, town.staff[2].id, "responsible", town.leader.id, replace=True
    )
    assert accounts.responsible_person(db, org, account.id) == town.a.id
    with pytest.raises(Conflict, match="waiting to accept"):
        assignments.assign(db, org, account.id, town.b.id, "responsible", town.leader.id, replace=True)
    assignments.accept(db, org, handover.id, town.staff[2].id)
    assert accounts.responsible_person(db, org, account.id) == town.staff[2].id
    responsible = [a for a in assignments.list_assignments(db, org, account.id) if a.role == "responsible"]
    assert [a.person_id for a in responsible] == [town.staff[2].id]


def test_assignments_need_the_persons_own_acceptance(db: Session) -> None:
    town = make_town(db, "accepttown")
    account = live_account(db, town)
    org = town.org
    proposal = assignments.assign(db, org, account.id, town.staff[2].id, "author", town.leader.id)
    assert not accounts.is_designated(db, org, account.id, town.staff[2].id)  # not before acceptance
    before = snapshot(db)
    with pytest.raises(NotAllowed, match="only the person assigned"):
        assignments.accept(db, org, proposal.id, town.leader.id)  # a leader cannot accept for them
    with pytest.raises(NotAllowed, match="may not designate"):
        assignments.assign(db, org, account.id, town.staff[2].id, "administrator", town.a.id)
    assert snapshot(db) == before
    assignments.decline(db, org, proposal.id, town.staff[2].id)  # declining has no consequence
    assert not accounts.is_designated(db, org, account.id, town.staff[2].id)
    with pytest.raises(Conflict, match="not waiting"):
        assignments.accept(db, org, proposal.id, town.staff[2].id)
    # Sønderborg: a follower of the official page and an administrator of the institution's page.
    for role in ("follower", "administrator"):
        part = assignments.assign(db, org, account.id, town.staff[2].id, role, town.comms.id)
        assignments.accept(db, org, part.id, town.staff[2].id)
    roles = {a.role for a in assignments.list_assignments(db, org, person_id=town.staff[2].id)}
    assert roles == {"follower", "administrator"}
    assert accounts.is_designated(db, org, account.id, town.staff[2].id)  # administrators may write


def test_responsible_person_named_by_another_must_accept_before_going_live(db: Session) -> None:
    town = make_town(db, "livetown")
    org = town.org
    account = accounts.apply_for_account(db, org, application(town, responsible=town.b.id))
    accounts.approve_account(db, org, account.id, town.leader.id, TODAY)
    with pytest.raises(Conflict, match="no responsible person who has accepted"):
        accounts.activate_account(db, org, account.id)
    (pending,) = assignments.list_assignments(db, org, account.id)
    assignments.accept(db, org, pending.id, town.b.id)
    assert accounts.activate_account(db, org, account.id).status == "active"


def test_going_live_tells_the_service_office(db: Session) -> None:
    town = make_town(db, "servicetown", pack="no-hustadvika")
    account = live_account(db, town)
    assert account.service_office_notified_at is not None
    (note,) = db.scalars(select(Notification).where(Notification.account_id == account.id)).all()
    assert note.recipient == "service@servicetown.example" and account.url in note.body
    assert "Tove" not in note.body + note.subject  # no personal data in the notice


def test_direct_messages_must_be_off_where_the_guideline_says_so(db: Session) -> None:
    town = make_town(db, "dmtown", pack="dk-hjorring")  # Hjørring: the message function is removed
    org = town.org
    account = accounts.apply_for_account(db, org, application(town, direct_messages="on"))
    accounts.approve_account(db, org, account.id, town.leader.id, TODAY)
    before = snapshot(db)
    with pytest.raises(Conflict, match="direct messages must be off"):
        accounts.activate_account(db, org, account.id)
    assert snapshot(db) == before
    accounts.set_direct_messages(db, org, account.id, "off")
    assert accounts.activate_account(db, org, account.id).status == "active"


def test_profile_text_is_checked_with_the_engine(db: Session) -> None:
    town = make_town(db, "profiletown", pack="dk-hjorring")
    org = town.org
    bad = f"Officiel side for Skovbo Skole i {org.name}. Kontakt Tove Kjærsgaard, cpr 120385-1234."
    account = accounts.apply_for_account(db, org, application(town, profile_text=bad))
    assert account.profile_verdict == "block" and account.profile_findings
    accounts.approve_account(db, org, account.id, town.leader.id, TODAY)
    with pytest.raises(Conflict, match="profile text does not pass the check"):
        accounts.activate_account(db, org, account.id)
    result = accounts.update_profile(db, org, account.id, f"Officiel side for Skovbo Skole i {org.name}.")
    assert result.passes and account.profile_findings is None
    assert accounts.activate_account(db, org, account.id).status == "active"


def test_profile_must_show_the_municipality_is_behind_it(db: Session) -> None:
    town = make_town(db, "husprofile", pack="no-hustadvika")
    org = town.org
    text = "Velkommen til siden for kulturskolen! Her legger vi ut informasjon om konserter og kurs."
    account = accounts.apply_for_account(db, org, application(town, profile_text=text))
    accounts.approve_account(db, org, account.id, town.leader.id, TODAY)
    with pytest.raises(Conflict, match="profile text does not pass the check"):
        accounts.activate_account(db, org, account.id)
    accounts.update_profile(db, org, account.id, "Offisiell side for kulturskolen i Hustadvika kommune.")
    assert accounts.activate_account(db, org, account.id).status == "active"


def test_status_lifecycle_and_unknown_values(db: Session) -> None:
    town = make_town(db, "statustown")
    org = town.org
    account = live_account(db, town)
    before = snapshot(db)
    with pytest.raises(InvalidValue, match="unknown platform 'myspace'"):
        accounts.apply_for_account(db, org, application(town, handle="other", platform="myspace"))
    with pytest.raises(Conflict, match="registered already"):
        accounts.apply_for_account(db, org, application(town))
    with pytest.raises(InvalidValue, match="https://"):
        accounts.apply_for_account(db, org, application(town, handle="x2", url="ftp://x"))
    with pytest.raises(NotFound, match=r"no person 424242 in statustown \(responsible person\)"):
        accounts.apply_for_account(db, org, application(town, handle="x3", responsible=424242))
    with pytest.raises(Conflict, match="must be approved before it goes live"):
        accounts.activate_account(db, org, account.id)
    assert snapshot(db) == before
    assert accounts.archive_account(db, org, account.id).status == "archived"
    assert accounts.list_accounts(db, org, status="active") == []
    with pytest.raises(Conflict, match="archived already"):
        accounts.archive_account(db, org, account.id)


def test_password_is_attested_never_stored() -> None:
    fields = {f.name for f in dataclasses.fields(accounts.Application)}
    assert "password_attested" in fields and not any(
        "password" in f and f != "password_attested" for f in fields
    )


def test_leaving_person_cannot_be_assigned(db: Session) -> None:
    town = make_town(db, "lefttown")
    account = live_account(db, town)
    people.leave(db, town.org, town.staff[2].id, TODAY)
    with pytest.raises(Conflict, match="left on"):
        assignments.assign(db, town.org, account.id, town.staff[2].id, "author", town.leader.id)


def test_the_database_itself_refuses_a_second_responsible_person(db: Session) -> None:
    from sqlalchemy.exc import IntegrityError

    from rettesnor.records.models import AccountAssignment

    town = make_town(db, "dbresp")
    account = live_account(db, town)
    stamp = account.activated_at
    with pytest.raises(IntegrityError), db.begin_nested():  # a race past the service check still fails
        db.add(
            AccountAssignment(
                organisation_id=town.org.id,
                account_id=account.id,
                person_id=town.b.id,
                role="responsible",
                assigned_by_id=town.leader.id,
                accepted_at=stamp,
            )
        )
        db.flush()
    assert accounts.responsible_person(db, town.org, account.id) == town.a.id
