"""People's parts in an account: responsible, author, administrator, moderator, follower.

Nobody can be forced (Sønderborg): an assignment counts only after the person accepts it, and they may
decline. There is always exactly one responsible person (Hustadvika 2h): a second one is refused, and a
hand-over ends the old assignment only when the new person accepts.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance.accounts import get_account
from rettesnor.governance.common import atomic, choice, get_in_org, now
from rettesnor.governance.errors import Conflict, NotAllowed
from rettesnor.governance.people import has_role, is_unit_leader, require_person
from rettesnor.records.models import ASSIGNMENT_ROLES, AccountAssignment, Organisation


def get_assignment(session: Session, org: Organisation, assignment_id: int) -> AccountAssignment:
    return get_in_org(session, AccountAssignment, org, assignment_id, "assignment")


def list_assignments(
    session: Session,
    org: Organisation,
    account_id: int | None = None,
    person_id: int | None = None,
    current_only: bool = True,
) -> list[AccountAssignment]:
    query = select(AccountAssignment).where(AccountAssignment.organisation_id == org.id)
    if account_id is not None:
        query = query.where(AccountAssignment.account_id == get_account(session, org, account_id).id)
    if person_id is not None:
        query = query.where(
            AccountAssignment.person_id == require_person(session, org, person_id, "person").id
        )
    if current_only:
        query = query.where(AccountAssignment.ended_at.is_(None), AccountAssignment.declined_at.is_(None))
    return list(session.scalars(query.order_by(AccountAssignment.id)))


def _open_for(
    session: Session, org: Organisation, account_id: int, role: str, person_id: int | None = None
) -> list[AccountAssignment]:
    return [
        a
        for a in list_assignments(session, org, account_id=account_id)
        if a.role == role and (person_id is None or a.person_id == person_id)
    ]


@atomic
def assign(
    session: Session,
    org: Organisation,
    account_id: int,
    person_id: int,
    role: str,
    assigned_by: int,
    *,
    replace: bool = False,
) -> AccountAssignment:
    """Propose a person for a part in the account; it waits for their acceptance.

    Only a leader of the account's unit or a communications officer designates people (Norsjö 4.3).
    A responsible person when there is one already is refused, unless ``replace`` (a hand-over).
    """
    account = get_account(session, org, account_id)
    choice(role, ASSIGNMENT_ROLES, "assignment role")
    person = require_person(session, org, person_id, "person")
    by = require_person(session, org, assigned_by, "assigned by")
    if account.status == "archived":
        raise Conflict(f"account {account_id} is archived")
    if not (
        is_unit_leader(session, org, by.id, account.unit_id)
        or has_role(session, org, by.id, "communications_officer")
    ):
        raise NotAllowed(
            f"person {by.id} may not designate people for account {account_id}: "
            "a leader of its unit or a communications officer does that"
        )
    if _open_for(session, org, account.id, role, person.id):
        raise Conflict(f"person {person.id} has an open {role} assignment on account {account_id} already")
    if role == "responsible":
        current = _open_for(session, org, account.id, "responsible")
        pending = [a for a in current if a.accepted_at is None]
        if pending:
            raise Conflict(
                f"account {account_id} has a responsible person waiting to accept "
                f"(assignment {pending[0].id})"
            )
        if current and not replace:
            raise Conflict(
                f"account {account_id} has a responsible person already (person {current[0].person_id}); "
                "an account has exactly one: use --replace to hand over"
            )
    assignment = AccountAssignment(
        organisation_id=org.id, account_id=account.id, person_id=person.id, role=role, assigned_by_id=by.id
    )
    session.add(assignment)
    return assignment


@atomic
def accept(session: Session, org: Organisation, assignment_id: int, person_id: int) -> AccountAssignment:
    """The person accepts their own assignment; a new responsible person takes over from the old one."""
    assignment = get_assignment(session, org, assignment_id)
    if assignment.person_id != person_id:
        raise NotAllowed(
            f"only the person assigned (person {assignment.person_id}) can accept assignment {assignment_id}"
        )
    if assignment.accepted_at or assignment.declined_at or assignment.ended_at:
        raise Conflict(f"assignment {assignment_id} is not waiting for an answer")
    stamp = now()
    if assignment.role == "responsible":
        for old in _open_for(session, org, assignment.account_id, "responsible"):
            if old.id != assignment.id and old.accepted_at is not None:
                old.ended_at = stamp
        session.flush()
    assignment.accepted_at = stamp
    return assignment


@atomic
def decline(session: Session, org: Organisation, assignment_id: int, person_id: int) -> AccountAssignment:
    """The person declines; nothing else follows from it (Sønderborg: nobody can be forced)."""
    assignment = get_assignment(session, org, assignment_id)
    if assignment.person_id != person_id:
        raise NotAllowed(
            f"only the person assigned (person {assignment.person_id}) can decline assignment {assignment_id}"
        )
    if assignment.accepted_at or assignment.declined_at or assignment.ended_at:
        raise Conflict(f"assignment {assignment_id} is not waiting for an answer")
    assignment.declined_at = now()
    return assignment


@atomic
def end_assignment(session: Session, org: Organisation, assignment_id: int) -> AccountAssignment:
    """End a part. The responsible person of a live account cannot just leave: hand over first."""
    assignment = get_assignment(session, org, assignment_id)
    if assignment.ended_at is not None or assignment.declined_at is not None:
        raise Conflict(f"assignment {assignment_id} has ended already")
    account = get_account(session, org, assignment.account_id)
    if (
        assignment.role == "responsible"
        and assignment.accepted_at
        and account.status in ("approved", "active")
    ):
        raise Conflict(
            f"account {account.id} must always have a responsible person: assign a new one with --replace, "
            "and the old assignment ends when they accept"
        )
    assignment.ended_at = now()
    return assignment
