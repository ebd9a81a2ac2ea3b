"""Tenant isolation: every repository function, given one organisation, never reaches another's records."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy.orm import Session

from rettesnor.governance import (
    accounts,
    assignments,
    auditlog,
    channels,
    consents,
    incidents,
    lifecycle,
    people,
    permissions,
    publiclist,
    registry,
    reviews,
    tasks,
    tenants,
)
from rettesnor.governance.errors import NotFound
from support.govdata import TODAY, Town, live_account, make_town, snapshot

MODULES: tuple[ModuleType, ...] = (
    accounts,
    assignments,
    auditlog,
    channels,
    consents,
    incidents,
    lifecycle,
    people,
    permissions,
    publiclist,
    registry,
    reviews,
    tasks,
    tenants,
)


@dataclass
class World:
    a: Town
    b: Town
    ids: dict[str, int]  # ids of b's records


def _populate(db: Session, town: Town) -> dict[str, int]:
    org = town.org
    account = live_account(db, town, handle=f"{org.slug}-skole")
    consent = consents.record_consent(
        db,
        org,
        media_ref="shared-name.jpg",
        subject="Elev ved tavlen",
        basis="written_consent",
        given_on=TODAY,
        given_by="Far: Oskar Lund",
        given_by_role="guardian",
        subject_is_child=True,
    )
    _, task = consents.withdraw_consent(db, org, consent.id, TODAY)
    version = lifecycle.draft_policy(db, org, version="1", title="Retningslinje")
    review = reviews.record_review(
        db, org, person_id=town.a.id, leader_id=town.leader.id, kind="yearly", held_on=TODAY
    )
    incident = incidents.open_incident(
        db,
        org,
        person_id=town.a.id,
        opened_by=town.leader.id,
        category="misuse",
        description="Noget skete her.",
    )
    permission = permissions.list_permissions(db, org)[0]
    assignment = assignments.list_assignments(db, org, account.id)[0]
    grant = people.roles_of(db, org, town.leader.id)[0]
    channel = channels.approve_channel(
        db,
        org,
        "school",
        "teams",
        "Teams",
        "all staff",
        town.leader.id,
        open_to_colleagues=True,
        open_to_management=True,
    )
    return {
        "account": account.id,
        "consent": consent.id,
        "task": task.id,
        "version": version.id,
        "review": review.id,
        "incident": incident.id,
        "permission": permission.id,
        "assignment": assignment.id,
        "grant": grant.id,
        "person": town.a.id,
        "leader": town.leader.id,
        "unit": town.school.id,
        "channel": channel.id,
    }


@pytest.fixture
def world(db: Session) -> World:
    a, b = make_town(db, "alpha"), make_town(db, "beta")
    _populate(db, a)
    return World(a, b, _populate(db, b))


# Each read function, called with organisation a and the ids of b's records. Every one must raise
# NotFound, or return nothing of b's.
READS: dict[str, Callable[[Session, World], Any]] = {
    "tenants.get_unit": lambda s, w: tenants.get_unit(s, w.a.org, w.ids["unit"]),
    "tenants.list_units": lambda s, w: tenants.list_units(s, w.a.org),
    "people.get_person": lambda s, w: people.get_person(s, w.a.org, w.ids["person"]),
    "people.list_people": lambda s, w: people.list_people(s, w.a.org),
    "people.roles_of": lambda s, w: people.roles_of(s, w.a.org, w.ids["leader"]),
    "accounts.get_account": lambda s, w: accounts.get_account(s, w.a.org, w.ids["account"]),
    "accounts.list_accounts": lambda s, w: accounts.list_accounts(s, w.a.org),
    "accounts.responsible_person": lambda s, w: accounts.responsible_person(s, w.a.org, w.ids["account"]),
    "accounts.is_designated": lambda s, w: accounts.is_designated(
        s, w.a.org, w.ids["account"], w.ids["person"]
    ),
    "assignments.get_assignment": lambda s, w: assignments.get_assignment(s, w.a.org, w.ids["assignment"]),
    "assignments.list_assignments": lambda s, w: assignments.list_assignments(s, w.a.org, w.ids["account"]),
    "permissions.get_permission": lambda s, w: permissions.get_permission(s, w.a.org, w.ids["permission"]),
    "permissions.list_permissions": lambda s, w: permissions.list_permissions(s, w.a.org, w.ids["person"]),
    "permissions.in_force": lambda s, w: permissions.in_force(
        s, w.a.org, w.ids["person"], "service_assignment"
    ),
    "consents.get_consent": lambda s, w: consents.get_consent(s, w.a.org, w.ids["consent"]),
    "consents.list_consents": lambda s, w: consents.list_consents(s, w.a.org),
    "consents.lookup": lambda s, w: consents.lookup(s, w.a.org, "shared-name.jpg").withdrawn,
    "tasks.get_task": lambda s, w: tasks.get_task(s, w.a.org, w.ids["task"]),
    "tasks.list_tasks": lambda s, w: tasks.list_tasks(s, w.a.org, open_only=False),
    "lifecycle.get_policy_version": lambda s, w: lifecycle.get_policy_version(s, w.a.org, w.ids["version"]),
    "lifecycle.list_policy_versions": lambda s, w: lifecycle.list_policy_versions(s, w.a.org),
    "reviews.get_review": lambda s, w: reviews.get_review(s, w.a.org, w.ids["review"]),
    "reviews.list_reviews": lambda s, w: reviews.list_reviews(s, w.a.org, w.ids["person"]),
    "reviews.overdue": lambda s, w: reviews.overdue(s, w.a.org),
    "incidents.get_incident": lambda s, w: incidents.get_incident(
        s, w.a.org, w.ids["incident"], w.a.leader.id
    ),
    "incidents.list_incidents": lambda s, w: incidents.list_incidents(s, w.a.org, w.a.leader.id),
    "incidents.get_incident(viewer of b)": lambda s, w: incidents.get_incident(
        s, w.a.org, w.ids["incident"], w.ids["leader"]
    ),
    "auditlog.history": lambda s, w: auditlog.history(s, w.a.org),
    "channels.list_channels": lambda s, w: channels.list_channels(s, w.a.org, w.ids["unit"]),
    "channels.approved_keys": lambda s, w: channels.approved_keys(s, w.a.org, w.ids["unit"]),
    "registry.check_registry": lambda s, w: registry.check_registry(s, w.a.org),
    "publiclist.public_list": lambda s, w: publiclist.public_list(s, w.a.org),
}


def _leaks(result: Any, world: World, db: Session) -> list[Any]:
    """Records in ``result`` that belong to b."""
    items = result if isinstance(result, list | tuple) else [result]
    leaked = []
    for item in items:
        org_id = getattr(item, "organisation_id", None)
        if (
            (org_id is not None and org_id != world.a.org.id)
            or (
                isinstance(item, dict)
                and item.get("handle")
                and world.b.account
                and item["url"] == world.b.account.url
            )
            or (isinstance(item, registry.Problem) and item.account_id == world.ids["account"])
            or (isinstance(item, reviews.Overdue) and item.person_id in {p.id for p in world.b.staff})
            or (isinstance(item, int) and not isinstance(item, bool) and item in {world.ids["consent"]})
        ):
            leaked.append(item)
    if result is True:  # a yes about b's person or account is a leak too
        leaked.append(result)
    return leaked


def test_reads_never_cross_tenants(db: Session, world: World) -> None:
    leaking = []
    for name, read in sorted(READS.items()):
        try:
            result = read(db, world)
        except NotFound:
            continue
        if _leaks(result, world, db):
            leaking.append(name)
    assert leaking == [], "these return records of another organisation"
    # and the same reads see organisation a's own records (the test data is not simply empty)
    assert (
        accounts.list_accounts(db, world.a.org)
        and consents.lookup(db, world.a.org, "shared-name.jpg").withdrawn
    )


def test_every_repository_read_is_covered() -> None:
    public = {
        f"{m.__name__.rsplit('.', 1)[1]}.{n}"
        for m in MODULES
        for n, f in inspect.getmembers(m, inspect.isfunction)
        if f.__module__ == m.__name__ and n.startswith(("get_", "list_"))
    }
    tested = {n.split("(")[0] for n in READS} | TENANT_LOOKUPS
    assert public - tested == set(), "add these to READS"


# These find the tenant itself (by its public slug); everything else is reached through a tenant.
TENANT_LOOKUPS = {"tenants.get_organisation", "tenants.list_organisations"}

WRITES: dict[str, Callable[[Session, World], Any]] = {
    "approve_account": lambda s, w: accounts.approve_account(
        s, w.a.org, w.ids["account"], w.a.leader.id, TODAY
    ),
    "archive_account": lambda s, w: accounts.archive_account(s, w.a.org, w.ids["account"]),
    "set_direct_messages": lambda s, w: accounts.set_direct_messages(s, w.a.org, w.ids["account"], "on"),
    "record_activity": lambda s, w: accounts.record_activity(s, w.a.org, w.a.account.id, w.ids["person"]),  # type: ignore[union-attr]
    "assign": lambda s, w: assignments.assign(
        s, w.a.org, w.ids["account"], w.a.b.id, "author", w.a.leader.id
    ),
    "assign(person of b)": lambda s, w: assignments.assign(
        s,
        w.a.org,
        w.a.account.id,
        w.ids["person"],
        "author",
        w.a.leader.id,  # type: ignore[union-attr]
    ),
    "accept": lambda s, w: assignments.accept(s, w.a.org, w.ids["assignment"], w.ids["person"]),
    "end_assignment": lambda s, w: assignments.end_assignment(s, w.a.org, w.ids["assignment"]),
    "revoke_permission": lambda s, w: permissions.revoke_permission(s, w.a.org, w.ids["permission"]),
    "withdraw_consent": lambda s, w: consents.withdraw_consent(s, w.a.org, w.ids["consent"], TODAY),
    "complete_task": lambda s, w: tasks.complete_task(s, w.a.org, w.ids["task"], w.a.comms.id, "done it"),
    "publish_policy": lambda s, w: lifecycle.publish_policy(s, w.a.org, w.ids["version"], TODAY),
    "acknowledge": lambda s, w: reviews.acknowledge(s, w.a.org, w.ids["review"], w.ids["person"]),
    "set_consequence": lambda s, w: incidents.set_consequence(
        s, w.a.org, w.ids["incident"], w.a.leader.id, "written_warning", TODAY
    ),
    "withdraw_channel": lambda s, w: channels.withdraw_channel(s, w.a.org, w.ids["channel"], w.a.leader.id),
    "approve_channel(unit of b)": lambda s, w: channels.approve_channel(
        s,
        w.a.org,
        w.ids["unit"],
        "email",
        "E-mail",
        "all staff",
        w.a.leader.id,
        open_to_colleagues=True,
        open_to_management=True,
    ),
    "revoke_role": lambda s, w: people.revoke_role(s, w.a.org, w.ids["grant"]),
    "add_person(unit of b)": lambda s, w: people.add_person(
        s, w.a.org, name="X", unit=w.ids["unit"], started_on=TODAY
    ),
}


def test_writes_never_cross_tenants(db: Session, world: World) -> None:
    before = snapshot(db)
    crossing = []
    for name, write in sorted(WRITES.items()):
        try:
            write(db, world)
            crossing.append(name)
        except NotFound:
            pass
    assert crossing == [], "these changed records of another organisation"
    assert snapshot(db) == before
