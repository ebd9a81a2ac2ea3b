"""Demo logins for the web application, added by ``rettesnor demo load``.

Per demo organisation: a communications officer (everything), a unit leader (moderation, accounts,
reviews; the moderator's leader, who gets the escalations), a records manager (the archive, tasks), an
employee (check, guideline, their own reviews) and a moderator (the dashboard, moderation queue, tasks);
and the leader of each unit with an application waiting (``leder-UNIT``, who approves it), all with the
password :data:`DEMO_PASSWORD`. The comments in the
moderation queue come from the governance demo. Loading twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance import accounts, people, reviews, tenants
from rettesnor.i18n import COUNTRY_LANGUAGE
from rettesnor.records.models import Organisation, Person
from rettesnor.records.web_models import WebUser
from rettesnor.web.security import hash_password

DEMO_PASSWORD = "rettesnor-demo"
LOGINS = (
    ("komm", "communications_officer"),
    ("leder", "unit_leader"),
    ("arkiv", "records_manager"),
    ("ansat", None),
    ("moderator", "moderator"),
)


@dataclass(frozen=True, slots=True)
class Login:
    organisation: str
    username: str
    role: str
    name: str


def _pick(session: Session, org: Organisation, role: str | None, taken: set[int]) -> Person | None:
    """The first person with the role; for the employee login one with a review still to acknowledge
    (the people page then shows them something to do), else any person without roles."""
    found: list[Person] = []
    for person in people.list_people(session, org):
        roles = {g.role for g in people.roles_of(session, org, person.id)}
        if person.id not in taken and ((role in roles) if role else not roles):
            found.append(person)
    if role is None:
        waiting = {r.person_id for r in reviews.list_reviews(session, org) if r.acknowledged_at is None}
        found.sort(key=lambda p: p.id not in waiting)
    return found[0] if found else None


def _user(session: Session, org: Organisation, username: str, person: Person) -> WebUser:
    user = WebUser(
        organisation_id=org.id,
        person_id=person.id,
        username=username,
        password_hash=hash_password(DEMO_PASSWORD),
        language=COUNTRY_LANGUAGE.get(org.country),
    )
    session.add(user)
    session.flush()
    return user


def _approvers(session: Session, org: Organisation) -> list[tuple[str, Person]]:
    """A login for the leader of each unit with an application waiting (``hjorring.leder-skovbo``): only
    a leader of the account's own unit may approve it, and the ``leder`` login leads another unit."""
    found: list[tuple[str, Person]] = []
    for account in accounts.list_accounts(session, org, status="applied"):
        unit = tenants.get_unit(session, org, account.unit_id)
        leader = next(iter(people.unit_leaders(session, org, unit.id)), None)
        if leader is not None:
            found.append((f"leder-{unit.slug}", people.get_person(session, org, leader)))
    return found


def _logins(session: Session, org: Organisation) -> list[Login]:
    made: list[Login] = []
    taken: set[int] = set()
    for suffix, role in LOGINS:
        username = f"{org.slug}.{suffix}"
        user = session.scalars(select(WebUser).where(WebUser.username == username)).first()
        if user is None:
            person = _pick(session, org, role, taken)
            if person is None:
                continue
            user = _user(session, org, username, person)
        taken.add(user.person_id)
        person_row = session.get(Person, user.person_id)
        made.append(Login(org.slug, username, role or "employee", person_row.name if person_row else ""))
    for suffix, leader in _approvers(session, org):
        username = f"{org.slug}.{suffix}"
        user = session.scalars(select(WebUser).where(WebUser.username == username)).first()
        if user is None and leader.id not in taken:
            user = _user(session, org, username, leader)
        if user is not None:
            made.append(Login(org.slug, username, "unit_leader", leader.name))
    return made


def load(session: Session) -> list[Login]:
    """Logins for every demo organisation that exists; logins that exist already are kept."""
    from rettesnor.demo import DEMOS
    from rettesnor.governance.errors import NotFound

    logins: list[Login] = []
    for spec in DEMOS:
        try:
            org = tenants.get_organisation(session, spec.slug)
        except NotFound:
            continue
        logins.extend(_logins(session, org))
    return logins
