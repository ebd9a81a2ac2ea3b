"""Invented municipalities for the governance tests, built through the services (never raw rows).

Names of people are invented; e-mail domains are ``.example``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.governance import accounts, assignments, people, permissions, tenants
from rettesnor.policy.loader import load_pack
from rettesnor.records.models import Account, Organisation, Person, Unit
from rettesnor.records.schema import metadata

TODAY = dt.date.today()
LONG_AGO = TODAY - dt.timedelta(days=3 * 365)

ANSWERS: dict[str, str] = {
    "purpose": "Tell parents about opening hours, events and closures in good time.",
    "target_group": "Parents of children in the unit; they use Facebook every day.",
    "dialogue_plan": "We answer questions on weekdays within a day and refer cases to Digital Post.",
    "privacy_assessment": "No pictures of children without the written consent of a guardian.",
    "confidentiality_assessment": "We never write about single children or families.",
    "resources_plan": "Two employees share the page, two hours a week in all.",
}

COUNTRY_OF = {"dk": "DK", "no": "NO", "se": "SE"}


@dataclass
class Town:
    """One municipality: top unit ``town`` (communications) and a unit ``school`` with a leader."""

    org: Organisation
    top: Unit
    school: Unit
    leader: Person  # unit leader of school, manager of the employees
    comms: Person  # communications officer, in the top unit
    staff: list[Person] = field(default_factory=list)
    hr: Person | None = None
    account: Account | None = None

    @property
    def a(self) -> Person:
        return self.staff[0]

    @property
    def b(self) -> Person:
        return self.staff[1]


def make_town(db: Session, slug: str, pack: str = "dk-hjorring", staff: int = 3) -> Town:
    country = COUNTRY_OF.get(pack.split("-")[0], "DK")
    org = tenants.create_organisation(
        db,
        slug_=slug,
        name=f"{slug.title()} Kommune",
        country=country,
        pack=pack,
        service_office=f"service@{slug}.example",
        website=f"https://{slug}.example",
    )
    top = tenants.add_unit(db, org, slug_="town", name="Kommunikation")
    school = tenants.add_unit(db, org, slug_="school", name="Skovbo Skole", parent="town")
    leader = people.add_person(db, org, name="Ragna Vestergaard", unit="school", started_on=LONG_AGO)
    people.grant_role(db, org, leader.id, "unit_leader", unit="school")
    comms = people.add_person(db, org, name="Eilif Brandstrup", unit="town", started_on=LONG_AGO)
    people.grant_role(db, org, comms.id, "communications_officer")
    names = ["Tove Kjærsgaard", "Birk Almind", "Signe Holmgaard", "Aksel Fenger", "Liva Rosenkrans"]
    town = Town(org, top, school, leader, comms)
    for i in range(staff):
        town.staff.append(
            people.add_person(
                db, org, name=names[i % len(names)], unit="school", started_on=LONG_AGO, manager_id=leader.id
            )
        )
    hr = people.add_person(db, org, name="Halvard Engmark", unit="town", started_on=LONG_AGO)
    people.grant_role(db, org, hr.id, "hr")
    town.hr = hr
    return town


def application(town: Town, handle: str = "skovbo-skole", **changes: Any) -> accounts.Application:
    fields: dict[str, Any] = {
        "unit": "school",
        "platform": "facebook",
        "handle": handle,
        "name": "Skovbo Skole",
        "url": f"https://www.facebook.com/{handle}",
        **ANSWERS,
        "applied_by": town.a.id,
        "responsible": town.a.id,
        "profile_text": profile_text(town),
        "direct_messages": "off",
        "password_attested": True,
    }
    fields.update(changes)
    return accounts.Application(**fields)


def profile_text(town: Town) -> str:
    """A profile text that names the organisation as its guideline spells it (Hustadvika 2j)."""
    names = load_pack(town.org.pack).parameters.organisation_names
    return f"Officiel side for Skovbo Skole, {names[0] if names else town.org.name}."


def live_account(db: Session, town: Town, handle: str = "skovbo-skole") -> Account:
    """An active account: applied by staff[0] (responsible), approved, author staff[1] designated."""
    account = accounts.apply_for_account(db, town.org, application(town, handle))
    # approved the day it was applied for: TODAY is read at import, and a run may pass midnight
    accounts.approve_account(db, town.org, account.id, town.leader.id, account.applied_at.date())
    accounts.activate_account(db, town.org, account.id)
    for person in (town.a, town.b):
        perm = permissions.grant_permission(
            db,
            town.org,
            person_id=person.id,
            kind="service_assignment",
            granted_by=town.leader.id,
            valid_from=TODAY - dt.timedelta(days=10),
        )
        permissions.accept_permission(db, town.org, perm.id, person.id)
    author = assignments.assign(db, town.org, account.id, town.b.id, "author", town.leader.id)
    assignments.accept(db, town.org, author.id, town.b.id)
    accounts.record_activity(db, town.org, account.id, town.b.id)
    town.account = account
    return account


def snapshot(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that a refused request changed nothing."""
    db.flush()
    out: dict[str, list[tuple[Any, ...]]] = {}
    for name, table in metadata.tables.items():
        rows = db.execute(select(table)).all()
        out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out
