"""``rettesnor db|org|people|accounts|permissions|consents|tasks|guidelines|reviews|incidents|audit``.

Thin: parse, call one service in one transaction, print. ``--format json`` everywhere. Errors are the
services' one-line messages. The database is ``RETTESNOR_DATABASE_URL`` or ``./data/rettesnor.db``; every
command but ``db upgrade`` refuses a database with pending migrations. The services are imported inside
the commands so that ``rettesnor check`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rettesnor.cli.common import (
    Format,
    check_format,
    db_session,
    done,
    out,
    plain,
    print_json,
    read_text,
    table,
    tenant,
    to_dict,
    today,
)
from rettesnor.item import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rettesnor.records.models import Organisation

db_app = typer.Typer(no_args_is_help=True, help="Create and migrate the governance database.")
org_app = typer.Typer(no_args_is_help=True, help="Organisations (municipalities) and their units.")
people_app = typer.Typer(no_args_is_help=True, help="Employees, elected officials, managers and roles.")
accounts_app = typer.Typer(no_args_is_help=True, help="The account registry: apply, approve, assign, check.")
permissions_app = typer.Typer(no_args_is_help=True, help="Service assignments, work-time use, blog links.")
consents_app = typer.Typer(no_args_is_help=True, help="Consents for photos and video; withdrawal.")
tasks_app = typer.Typer(no_args_is_help=True, help="Tasks the system created (takedowns, registrations).")
guidelines_app = typer.Typer(no_args_is_help=True, help="The guideline's versions: draft to published.")
reviews_app = typer.Typer(no_args_is_help=True, help="Yearly reviews, onboarding, overdue lists.")
incidents_app = typer.Typer(no_args_is_help=True, help="Breaches of the guideline (restricted).")
audit_app = typer.Typer(no_args_is_help=True, help="The audit log (Noark 5 change-log shape).")
channels_app = typer.Typer(no_args_is_help=True, help="Approved channels for work communication, per unit.")

SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (
    ("db", db_app),
    ("org", org_app),
    ("people", people_app),
    ("accounts", accounts_app),
    ("permissions", permissions_app),
    ("consents", consents_app),
    ("tasks", tasks_app),
    ("guidelines", guidelines_app),
    ("reviews", reviews_app),
    ("incidents", incidents_app),
    ("audit", audit_app),
    ("channels", channels_app),
)

Org = Annotated[str, typer.Option("--org", "-o", help="the organisation's slug, e.g. norddjurs")]
By = Annotated[int, typer.Option("--by", help="id of the person who decides or acts")]
As = Annotated[int, typer.Option("--as", help="id of the person themself")]
Day = Annotated[str, typer.Option(help="a date, YYYY-MM-DD (default today)")]


# --- db ------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply the migrations (creates the SQLite database under ./data if needed)."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine
    from rettesnor.records.settings import safe_url

    engine = make_engine()
    try:
        migrate.upgrade(engine, revision)
        out.print(f"{safe_url(engine.url)} is at revision {migrate.current(engine)}")
    finally:
        engine.dispose()


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="target, e.g. base")]) -> None:
    """Undo migrations down to REVISION (``base`` removes every table)."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine

    engine = make_engine()
    try:
        migrate.downgrade(engine, revision)
        out.print(f"at revision {migrate.current(engine) or 'base'}")
    finally:
        engine.dispose()


@db_app.command("current")
def db_current(fmt: Format = "text") -> None:
    """The database's revision and the one this version needs; exit 1 when migrations are pending."""
    from rettesnor.records import migrate
    from rettesnor.records.db import make_engine
    from rettesnor.records.settings import safe_url

    engine = make_engine()
    try:
        at, head = migrate.current(engine), migrate.head()
        info = {"database": safe_url(engine.url), "current": at, "head": head, "pending": at != head}
    finally:
        engine.dispose()
    if check_format(fmt) == "json":
        print_json(info)
    else:
        out.print(
            f"{info['database']}: at {at or 'nothing'}, head {head}" + (" (pending)" if at != head else "")
        )
    raise typer.Exit(1 if at != head else 0)


@db_app.command("backup")
def db_backup(
    target: Annotated[Path, typer.Argument(help="the backup file to write (must not exist)")],
) -> None:
    """Back up the database while it is in use (SQLite's online backup API; pg_dump on PostgreSQL)."""
    from rettesnor.records import backup
    from rettesnor.records.db import make_engine
    from rettesnor.records.settings import safe_url

    engine = make_engine()
    try:
        backup.backup(engine, target)
        out.print(f"{safe_url(engine.url)} backed up to {target} ({target.stat().st_size} bytes)")
    finally:
        engine.dispose()


@db_app.command("restore")
def db_restore(source: Annotated[Path, typer.Argument(help="a file written by `db backup`")]) -> None:
    """Restore a backup into the configured, empty database; then run `rettesnor archive verify`."""
    from rettesnor.records import backup
    from rettesnor.records.db import make_engine
    from rettesnor.records.settings import safe_url

    engine = make_engine()
    try:
        backup.restore(engine, source)
        out.print(f"{source} restored into {safe_url(engine.url)}; check it with `rettesnor archive verify`")
    finally:
        engine.dispose()


# --- org -----------------------------------------------------------------------------------------


@org_app.command("add")
def org_add(
    slug: str,
    name: Annotated[str, typer.Option()],
    country: Annotated[str, typer.Option(help="DK, NO or SE")],
    pack: Annotated[str, typer.Option(help="the organisation's policy pack")],
    service_office: Annotated[str, typer.Option(help="who is told when an account is created")],
    website: Annotated[str | None, typer.Option()] = None,
    fmt: Format = "text",
) -> None:
    """Register a municipality."""
    from rettesnor.governance import tenants

    with db_session() as s:
        org = tenants.create_organisation(
            s,
            slug_=slug,
            name=name,
            country=country,
            pack=pack,
            service_office=service_office,
            website=website,
        )
        done(org, f"organisation {org.slug} ({org.pack})", fmt)


@org_app.command("list")
def org_list(fmt: Format = "text") -> None:
    from rettesnor.governance import tenants

    with db_session() as s:
        rows = [to_dict(o) for o in tenants.list_organisations(s)]
    table(rows, ["slug", "name", "country", "pack"], fmt)


@org_app.command("add-unit")
def org_add_unit(
    slug: str,
    org: Org,
    name: Annotated[str, typer.Option()],
    parent: Annotated[str | None, typer.Option(help="slug of the unit above")] = None,
    pack: Annotated[str | None, typer.Option(help="a pack that extends the parent's")] = None,
    fmt: Format = "text",
) -> None:
    """Add a unit; its pack (if any) must extend the pack of the unit above."""
    from rettesnor.governance import tenants

    with tenant(org) as (s, o):
        unit = tenants.add_unit(s, o, slug_=slug, name=name, parent=parent, pack=pack)
        done(unit, f"unit {unit.id} {unit.slug}: {tenants.unit_path(s, o, unit)}", fmt)


@org_app.command("units")
def org_units(org: Org, fmt: Format = "text") -> None:
    """The units with the pack that applies in each."""
    from rettesnor.governance import tenants

    with tenant(org) as (s, o):
        rows = [
            {**to_dict(u), "path": tenants.unit_path(s, o, u), "applies": tenants.unit_pack(s, o, u)}
            for u in tenants.list_units(s, o)
        ]
    table(rows, ["id", "slug", "path", "applies"], fmt)


# --- people --------------------------------------------------------------------------------------


@people_app.command("add")
def people_add(
    org: Org,
    name: Annotated[str, typer.Option()],
    unit: Annotated[str, typer.Option(help="unit slug or id")],
    started_on: Annotated[str, typer.Option(help="YYYY-MM-DD")],
    email: Annotated[str | None, typer.Option()] = None,
    kind: Annotated[str, typer.Option(help="employee or elected_official")] = "employee",
    manager: Annotated[int | None, typer.Option(help="id of the manager")] = None,
    fmt: Format = "text",
) -> None:
    from rettesnor.governance import people

    with tenant(org) as (s, o):
        p = people.add_person(
            s, o, name=name, unit=unit, started_on=started_on, email=email, kind=kind, manager_id=manager
        )
        done(p, f"person {p.id}", fmt)


@people_app.command("list")
def people_list(org: Org, unit: Annotated[str | None, typer.Option()] = None, fmt: Format = "text") -> None:
    from sqlalchemy import select

    from rettesnor.governance import people
    from rettesnor.records.web_models import WebUser

    with tenant(org) as (s, o):
        # the login a person signs in with is how other commands name them (--by)
        query = select(WebUser.person_id, WebUser.username).where(WebUser.organisation_id == o.id)
        logins = {pid: name for pid, name in s.execute(query).all()}
        rows = [{**to_dict(p), "login": logins.get(p.id)} for p in people.list_people(s, o, unit)]
    table(rows, ["id", "login", "name", "kind", "unit_id", "manager_id", "started_on", "left_on"], fmt)


@people_app.command("grant-role")
def people_grant_role(
    person: int, role: str, org: Org, unit: Annotated[str | None, typer.Option()] = None, fmt: Format = "text"
) -> None:
    """Give a role: employee, account_editor, moderator, unit_leader (--unit), communications_officer …"""
    from rettesnor.governance import people

    with tenant(org) as (s, o):
        grant = people.grant_role(s, o, person, role, unit)
        done(grant, f"person {person} is {role}", fmt)


@people_app.command("roles")
def people_roles(person: int, org: Org, fmt: Format = "text") -> None:
    from rettesnor.governance import people

    with tenant(org) as (s, o):
        rows = [to_dict(g) for g in people.roles_of(s, o, person)]
    table(rows, ["id", "role", "unit_id", "granted_at"], fmt)


@people_app.command("set-email")
def people_set_email(
    person: int,
    email: Annotated[str, typer.Argument(help="the work address; '' clears it")],
    org: Org,
    fmt: Format = "text",
) -> None:
    """Set a person's work e-mail (where escalations and task digests go); waiting messages follow."""
    from rettesnor.governance import people

    with tenant(org) as (s, o):
        done(people.set_email(s, o, person, email or None), f"person {person}: e-mail set", fmt)


@people_app.command("set-manager")
def people_set_manager(person: int, manager: int, org: Org, fmt: Format = "text") -> None:
    from rettesnor.governance import people

    with tenant(org) as (s, o):
        done(people.set_manager(s, o, person, manager), f"person {person}: manager {manager}", fmt)


@people_app.command("leave")
def people_leave(person: int, org: Org, on: Day = "", fmt: Format = "text") -> None:
    from rettesnor.governance import people

    with tenant(org) as (s, o):
        done(people.leave(s, o, person, on or today()), f"person {person} left", fmt)


# --- accounts ------------------------------------------------------------------------------------


@accounts_app.command("apply")
def accounts_apply(
    org: Org,
    unit: Annotated[str, typer.Option()],
    platform: Annotated[str, typer.Option()],
    handle: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    url: Annotated[str, typer.Option()],
    purpose: Annotated[str, typer.Option(help="a) why, and the goal")],
    target_group: Annotated[str, typer.Option(help="b) who, and where they are reached")],
    dialogue: Annotated[str, typer.Option(help="c) how the dialogue happens")],
    privacy: Annotated[str, typer.Option(help="d) privacy; consent for pictures")],
    confidentiality: Annotated[str, typer.Option(help="e) duty of confidentiality")],
    resources: Annotated[str, typer.Option(help="f) resources and time to follow up")],
    applied_by: Annotated[int, typer.Option()],
    responsible: Annotated[int, typer.Option(help="the one person who monitors the account")],
    profile_text: Annotated[str | None, typer.Option(help="the public about/info text")] = None,
    dms: Annotated[str, typer.Option(help="direct messages: off, on, unknown")] = "unknown",
    password_attested: Annotated[
        bool, typer.Option(help="the login uses a new password, used nowhere else (never stored)")
    ] = False,
    fmt: Format = "text",
) -> None:
    """Apply for a new account (the Hustadvika 2a–f questions are required)."""
    from rettesnor.governance import accounts

    app = accounts.Application(
        unit=unit,
        platform=platform,
        handle=handle,
        name=name,
        url=url,
        purpose=purpose,
        target_group=target_group,
        dialogue_plan=dialogue,
        privacy_assessment=privacy,
        confidentiality_assessment=confidentiality,
        resources_plan=resources,
        applied_by=applied_by,
        responsible=responsible,
        profile_text=profile_text,
        direct_messages=dms,
        password_attested=password_attested,
    )
    with tenant(org) as (s, o):
        account = accounts.apply_for_account(s, o, app)
        done(account, f"account {account.id} applied (profile text: {account.profile_verdict})", fmt)


@accounts_app.command("approve")
def accounts_approve(account: int, org: Org, by: By, on: Day = "", fmt: Format = "text") -> None:
    """Approval by a leader of the account's unit."""
    from rettesnor.governance import accounts

    with tenant(org) as (s, o):
        a = accounts.approve_account(s, o, account, by, on or today())
        done(a, f"account {account} approved by person {by}", fmt)


@accounts_app.command("activate")
def accounts_activate(account: int, org: Org, fmt: Format = "text") -> None:
    """Go live: approved, responsible person accepted, DMs off where required, profile text passes."""
    from rettesnor.governance import accounts

    with tenant(org) as (s, o):
        a = accounts.activate_account(s, o, account)
        done(a, f"account {account} is active; {o.service_office} has been notified", fmt)


@accounts_app.command("archive")
def accounts_archive(account: int, org: Org, fmt: Format = "text") -> None:
    from rettesnor.governance import accounts

    with tenant(org) as (s, o):
        done(accounts.archive_account(s, o, account), f"account {account} archived", fmt)


@accounts_app.command("dms")
def accounts_dms(account: int, state: str, org: Org, fmt: Format = "text") -> None:
    """Record whether direct messages are off, on or unknown."""
    from rettesnor.governance import accounts

    with tenant(org) as (s, o):
        done(accounts.set_direct_messages(s, o, account, state), f"account {account}: DMs {state}", fmt)


@accounts_app.command("profile")
def accounts_profile(account: int, text: str, org: Org, fmt: Format = "text") -> None:
    """Set the profile text; it is checked with the unit's pack."""
    from rettesnor.governance import accounts

    with tenant(org) as (s, o):
        result = accounts.update_profile(s, o, account, text)
        done(
            accounts.get_account(s, o, account),
            f"profile text: {result.verdict} {' '.join(result.codes)}",
            fmt,
        )


@accounts_app.command("list")
def accounts_list(
    org: Org, status: Annotated[str | None, typer.Option()] = None, fmt: Format = "text"
) -> None:
    from rettesnor.governance import accounts

    with tenant(org) as (s, o):
        rows = [to_dict(a) for a in accounts.list_accounts(s, o, status)]
    table(rows, ["id", "platform", "handle", "status", "unit_id", "direct_messages", "profile_verdict"], fmt)


@accounts_app.command("show")
def accounts_show(account: int, org: Org, fmt: Format = "text") -> None:
    from rettesnor.governance import accounts, assignments

    with tenant(org) as (s, o):
        data = to_dict(accounts.get_account(s, o, account))
        data["assignments"] = [to_dict(a) for a in assignments.list_assignments(s, o, account)]
    if check_format(fmt) == "json":
        print_json(data)
        return
    for key, value in data.items():
        if key != "assignments":
            out.print(f"{key}: {'' if value is None else value}")
    for a in data["assignments"]:
        state = "accepted" if a["accepted_at"] else "waiting for acceptance"
        out.print(f"assignment {a['id']}: person {a['person_id']} {a['role']} ({state})")


@accounts_app.command("assign")
def accounts_assign(
    account: int,
    person: int,
    org: Org,
    role: Annotated[str, typer.Option(help="responsible, author, administrator, moderator, follower")],
    by: By,
    replace: Annotated[bool, typer.Option(help="hand over the responsibility")] = False,
    fmt: Format = "text",
) -> None:
    """Propose a person for a part in the account; it counts once they accept."""
    from rettesnor.governance import assignments

    with tenant(org) as (s, o):
        a = assignments.assign(s, o, account, person, role, by, replace=replace)
        done(a, f"assignment {a.id}: waiting for person {person} to accept", fmt)


@accounts_app.command("accept")
def accounts_accept(assignment: int, org: Org, as_: As, fmt: Format = "text") -> None:
    from rettesnor.governance import assignments

    with tenant(org) as (s, o):
        done(assignments.accept(s, o, assignment, as_), f"assignment {assignment} accepted", fmt)


@accounts_app.command("decline")
def accounts_decline(assignment: int, org: Org, as_: As, fmt: Format = "text") -> None:
    from rettesnor.governance import assignments

    with tenant(org) as (s, o):
        done(assignments.decline(s, o, assignment, as_), f"assignment {assignment} declined", fmt)


@accounts_app.command("end")
def accounts_end(assignment: int, org: Org, fmt: Format = "text") -> None:
    from rettesnor.governance import assignments

    with tenant(org) as (s, o):
        done(assignments.end_assignment(s, o, assignment), f"assignment {assignment} ended", fmt)


@accounts_app.command("activity")
def accounts_activity(
    account: int,
    org: Org,
    person: Annotated[int | None, typer.Option(help="who wrote it")] = None,
    kind: Annotated[str, typer.Option()] = "post",
    fmt: Format = "text",
) -> None:
    """Record a post or reply; says when its author is not designated (Norsjö 4.3)."""
    from rettesnor.governance import accounts

    with tenant(org) as (s, o):
        act = accounts.record_activity(s, o, account, person, kind=kind)
        note = "" if act.designated else " (the author is not a designated author)"
        done(act, f"activity {act.id} recorded{note}", fmt)


@accounts_app.command("check")
def accounts_check(
    org: Org,
    inactive_days: Annotated[int, typer.Option(help="days without activity before a warning")] = 30,
    fmt: Format = "text",
) -> None:
    """Check the whole registry; exit 1 when there are errors."""
    from rettesnor.governance import registry

    with tenant(org) as (s, o):
        problems = registry.check_registry(s, o, inactive_days=inactive_days)
    table(
        [p.to_dict() for p in problems],
        ["account_id", "platform", "handle", "code", "severity", "message"],
        fmt,
    )
    raise typer.Exit(1 if any(p.severity == "error" for p in problems) else 0)


@accounts_app.command("public-list")
def accounts_public_list(
    org: Org, fmt: Annotated[str, typer.Option("--format", "-f", help="json or html")] = "json"
) -> None:
    """The list of active accounts to publish on the website (Norsjö 4.4)."""
    from rettesnor.governance import publiclist

    check_format(fmt, ("json", "html"))
    with tenant(org) as (s, o):
        entries = publiclist.public_list(s, o)
        if fmt == "json":
            print_json(publiclist.public_list_document(o, entries))
        else:
            sys.stdout.write(publiclist.public_list_html(o, entries))


# --- permissions ---------------------------------------------------------------------------------


@permissions_app.command("grant")
def permissions_grant(
    person: int,
    org: Org,
    kind: Annotated[
        str, typer.Option(help="service_assignment, work_time_use, workplace_content, blog_link")
    ],
    by: By,
    valid_from: Day = "",
    valid_until: Annotated[str | None, typer.Option()] = None,
    refused: Annotated[bool, typer.Option(help="record a refusal instead")] = False,
    scope: Annotated[str | None, typer.Option()] = None,
    url: Annotated[str | None, typer.Option(help="blog link: the address")] = None,
    disclaimer: Annotated[
        str | None, typer.Option(help="blog link: the views are not the municipality's")
    ] = None,
    fmt: Format = "text",
) -> None:
    from rettesnor.governance import permissions

    with tenant(org) as (s, o):
        p = permissions.grant_permission(
            s,
            o,
            person_id=person,
            kind=kind,
            granted_by=by,
            valid_from=valid_from or today(),
            valid_until=valid_until,
            granted=not refused,
            scope=scope,
            url=url,
            disclaimer=disclaimer,
        )
        wait = " (waiting for the person to accept)" if kind in permissions.NEEDS_ACCEPTANCE else ""
        done(p, f"permission {p.id} {'refused' if refused else 'granted'}{wait}", fmt)


@permissions_app.command("accept")
def permissions_accept(permission: int, org: Org, as_: As, fmt: Format = "text") -> None:
    from rettesnor.governance import permissions

    with tenant(org) as (s, o):
        done(permissions.accept_permission(s, o, permission, as_), f"permission {permission} accepted", fmt)


@permissions_app.command("decline")
def permissions_decline(permission: int, org: Org, as_: As, fmt: Format = "text") -> None:
    """Decline a service assignment offered to you: it never comes into force."""
    from rettesnor.governance import permissions

    with tenant(org) as (s, o):
        done(permissions.decline_permission(s, o, permission, as_), f"permission {permission} declined", fmt)


@permissions_app.command("list")
def permissions_list(
    org: Org, person: Annotated[int | None, typer.Option()] = None, fmt: Format = "text"
) -> None:
    from rettesnor.governance import permissions

    with tenant(org) as (s, o):
        rows = [to_dict(p) for p in permissions.list_permissions(s, o, person)]
    table(rows, ["id", "person_id", "kind", "granted", "valid_from", "valid_until", "accepted_at"], fmt)


# --- approved channels (Norddjurs ND-3, ND-7) ------------------------------------------------------


@channels_app.command("approve")
def channels_approve(
    unit: Annotated[str, typer.Argument(help="the unit's slug or id")],
    key: Annotated[str, typer.Argument(help="the channel as the check names it: teams, email, journal …")],
    org: Org,
    by: By,
    name: Annotated[str, typer.Option(help="its name, e.g. Microsoft Teams")],
    open_to: Annotated[str, typer.Option(help="who can read it, e.g. everyone in the clinic and its leader")],
    closed_to_colleagues: Annotated[bool, typer.Option(help="colleagues concerned are left out")] = False,
    closed_to_management: Annotated[bool, typer.Option(help="management cannot see it")] = False,
    on: Day = "",
    fmt: Format = "text",
) -> None:
    from rettesnor.governance import channels

    with tenant(org) as (s, o):
        c = channels.approve_channel(
            s,
            o,
            unit,
            key,
            name,
            open_to,
            by,
            on=on or None,
            open_to_colleagues=not closed_to_colleagues,
            open_to_management=not closed_to_management,
        )
        done(c, f"channel {c.key} approved in unit {unit} (id {c.id})", fmt)


@channels_app.command("withdraw")
def channels_withdraw(channel: int, org: Org, by: By, on: Day = "", fmt: Format = "text") -> None:
    from rettesnor.governance import channels

    with tenant(org) as (s, o):
        done(channels.withdraw_channel(s, o, channel, by, on or None), f"channel {channel} withdrawn", fmt)


@channels_app.command("list")
def channels_list(
    unit: Annotated[str, typer.Argument(help="the unit's slug or id")], org: Org, fmt: Format = "text"
) -> None:
    """The channels in force in the unit (its own and those above it); the pack's default if none."""
    from rettesnor.governance import channels

    with tenant(org) as (s, o):
        rows = [to_dict(c) for c in channels.list_channels(s, o, unit)]
        keys = channels.approved_keys(s, o, unit)
    if rows or check_format(fmt) == "json":
        table(rows, ["id", "unit_id", "key", "name", "open_to", "approved_by_id", "approved_on"], fmt)
    else:
        out.print(f"no channels registered; the guideline's default applies: {', '.join(keys)}")


@channels_app.command("check")
def channels_check(
    unit: Annotated[str, typer.Argument(help="the unit's slug or id")],
    source: Annotated[str, typer.Argument(help="a text file, or - for standard input")],
    org: Org,
    channel: Annotated[str, typer.Option(help="where the message is sent: teams, messenger, snapchat …")],
    fmt: Format = "text",
) -> None:
    """Check an internal message with the unit's approved channels (exit 1 when something blocks)."""
    from rettesnor.governance import checking

    body = read_text(source)
    with tenant(org) as (s, o):
        result = checking.check_internal_message(s, o, unit, body, channel).to_dict()
    if check_format(fmt) == "json":
        print_json(result)
    else:
        for f in result["findings"]:
            out.print(f"{f['severity']}: {f['code']} {f['message']}")
        out.print(f"verdict: {result['verdict']}")
    if result["verdict"] == "block":
        raise typer.Exit(1)


# --- consents and tasks --------------------------------------------------------------------------


@consents_app.command("add")
def consents_add(
    org: Org,
    media: Annotated[str, typer.Option(help="file name, hash or URL of the photo or video")],
    subject: Annotated[str, typer.Option(help="who is pictured")],
    basis: Annotated[
        str, typer.Option(help="written_consent, public_event, public_interest, management_approval")
    ],
    given_on: Day = "",
    given_by: Annotated[str | None, typer.Option(help="who signed")] = None,
    given_by_role: Annotated[str | None, typer.Option(help="self, guardian, leader")] = None,
    child: Annotated[bool, typer.Option(help="the person pictured is a child")] = False,
    unit: Annotated[str | None, typer.Option()] = None,
    account: Annotated[int | None, typer.Option()] = None,
    by: Annotated[int | None, typer.Option("--by")] = None,
    fmt: Format = "text",
) -> None:
    from rettesnor.governance import consents

    with tenant(org) as (s, o):
        c = consents.record_consent(
            s,
            o,
            media_ref=media,
            subject=subject,
            basis=basis,
            given_on=given_on or today(),
            given_by=given_by,
            given_by_role=given_by_role,
            subject_is_child=child,
            unit=unit,
            account_id=account,
            recorded_by=by,
        )
        done(c, f"consent {c.id} recorded", fmt)


@consents_app.command("withdraw")
def consents_withdraw(consent: int, org: Org, on: Day = "", fmt: Format = "text") -> None:
    """The person objects: the consent ends and a takedown task is created."""
    from rettesnor.governance import consents

    with tenant(org) as (s, o):
        c, task = consents.withdraw_consent(s, o, consent, on or today())
        done(task, f"consent {c.id} withdrawn; takedown task {task.id} due {task.due_on.isoformat()}", fmt)


@consents_app.command("list")
def consents_list(
    org: Org, media: Annotated[str | None, typer.Option()] = None, fmt: Format = "text"
) -> None:
    from rettesnor.governance import consents

    with tenant(org) as (s, o):
        rows = [to_dict(c) for c in consents.list_consents(s, o, media)]
    table(rows, ["id", "media_ref", "basis", "given_on", "withdrawn_on"], fmt)


@consents_app.command("lookup")
def consents_lookup(media: str, org: Org, fmt: Format = "text") -> None:
    """May this medium be shown? Exit 1 when no consent covers it."""
    from rettesnor.governance import consents

    with tenant(org) as (s, o):
        status = consents.lookup(s, o, media)
    info = {
        "media_ref": media,
        "covered": status.covered,
        "consents": status.in_force,
        "withdrawn": status.withdrawn,
    }
    if check_format(fmt) == "json":
        print_json(info)
    else:
        out.print(
            f"{media}: {'covered' if status.covered else 'NOT covered'}"
            + (" (withdrawn)" if status.withdrawn else "")
        )
    raise typer.Exit(0 if status.covered else 1)


def _person(session: Session, org: Organisation, value: str, what: str) -> int:
    """A person named by their login (``hjorring.leder``, or ``leder`` within the organisation) or by
    their id; the login is what people know, the id is what ``people list`` shows."""
    from sqlalchemy import select

    from rettesnor.records.web_models import WebUser

    value = value.strip()
    if value.isdigit():
        return int(value)
    names = (value, f"{org.slug}.{value}") if "." not in value else (value,)
    person = session.scalars(
        select(WebUser.person_id).where(WebUser.organisation_id == org.id, WebUser.username.in_(names))
    ).first()
    if person is None:
        raise InputError(
            f"no login {value!r} in {org.slug} ({what}); name a login or a person id (rettesnor people list)"
        )
    return person


Who = Annotated[str, typer.Option("--by", help="login (e.g. hjorring.leder) or id of the person who acts")]


def _task_row(item: Any, names: dict[int, str], lang: str, today: dt.date) -> dict[str, Any]:
    from rettesnor import labels

    return {
        "id": item.ref,
        "kind": item.kind,
        "title": labels.task_title(item, lang),
        "owner_id": item.owner_id,
        "owner": names.get(item.owner_id) if item.owner_id is not None else None,
        "due_on": plain(item.due_on),
        "status": item.status,
        "overdue": item.overdue(today),
        "journal_ref": item.journal_ref,
        "done_at": plain(item.closed_at),
        "record_id": item.record_id,
    }


@tasks_app.command("list")
def tasks_list(
    org: Org,
    all_: Annotated[bool, typer.Option("--all", help="also done tasks")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="only open tasks past their due date")] = False,
    fmt: Format = "text",
) -> None:
    """Registration tasks of complaints and case questions (R1, R2 …) and takedowns (T1 …), earliest due
    first, with titles in the organisation's language."""
    from rettesnor.i18n import COUNTRY_LANGUAGE
    from rettesnor.moderation import worklist

    today = dt.date.today()
    with tenant(org) as (s, o):
        items = worklist.list_work(s, o, open_only=not all_, overdue_on=today if overdue else None)
        names = worklist.people_named(s, o, {i.owner_id for i in items if i.owner_id is not None})
        lang = COUNTRY_LANGUAGE.get(o.country, "en")
    rows = [_task_row(i, names, lang, today) for i in items]
    table(rows, ["id", "title", "owner", "due_on", "status", "journal_ref"], fmt)


@tasks_app.command("show")
def tasks_show(
    task: Annotated[str, typer.Argument(help="R1, T1 … as listed")], org: Org, fmt: Format = "text"
) -> None:
    """One task with its owner, due date and how it was closed."""
    from rettesnor.i18n import COUNTRY_LANGUAGE
    from rettesnor.moderation import worklist

    with tenant(org) as (s, o):
        item = worklist.get_work(s, o, task)
        ids = {p for p in (item.owner_id, item.closed_by_id) if p is not None}
        names = worklist.people_named(s, o, ids)
        row = _task_row(item, names, COUNTRY_LANGUAGE.get(o.country, "en"), dt.date.today())
    row["closed_by"] = names.get(item.closed_by_id) if item.closed_by_id is not None else None
    row["note"] = item.note
    if check_format(fmt) == "json":
        print_json(row)
    else:
        for key, value in row.items():
            if value is not None:
                out.print(f"{key}: {value}")


@tasks_app.command("close")
def tasks_close(
    task: Annotated[str, typer.Argument(help="R1, T1 … as listed (a bare number is a registration)")],
    org: Org,
    by: Who,
    journal_ref: Annotated[str | None, typer.Option(help="the case number in the journal system")] = None,
    reason: Annotated[
        str | None, typer.Option(help="why it is not registered (documented); for a takedown: what was done")
    ] = None,
    fmt: Format = "text",
) -> None:
    """Close a registration task with a journal reference or a documented reason (a complaint only with a
    journal reference: it cannot be rejected); a takedown with what was done."""
    from rettesnor.moderation import worklist

    with tenant(org) as (s, o):
        item = worklist.close(s, o, task, _person(s, o, by, "--by"), journal_ref, reason)
        info = {"id": item.ref, "status": item.status, "journal_ref": item.journal_ref, "note": item.note}
    if check_format(fmt) == "json":
        print_json(info)
    else:
        out.print(f"task {item.ref} closed" + (f" (journal {item.journal_ref})" if item.journal_ref else ""))


@tasks_app.command("done")
def tasks_done(
    task: Annotated[str, typer.Argument(help="T1 … as listed (a bare number is a takedown)")],
    org: Org,
    by: Who,
    note: Annotated[str, typer.Option(help="what was done")],
    fmt: Format = "text",
) -> None:
    """A takedown is done (the picture is taken down): say what was done."""
    from rettesnor.moderation import worklist

    kind, number = worklist.parse_ref(task, worklist.TAKEDOWN)
    with tenant(org) as (s, o):
        item = worklist.close(s, o, f"{kind}{number}", _person(s, o, by, "--by"), reason=note)
        info = {"id": item.ref, "status": item.status, "note": item.note}
    if check_format(fmt) == "json":
        print_json(info)
    else:
        out.print(f"task {item.ref} done")


@tasks_app.command("assign")
def tasks_assign(
    task: Annotated[str, typer.Argument(help="R1 … as listed")],
    owner: Annotated[str, typer.Argument(help="login or id of the new owner")],
    org: Org,
    fmt: Format = "text",
) -> None:
    """Give a registration task to someone (by login or id)."""
    from rettesnor.moderation import worklist

    with tenant(org) as (s, o):
        item = worklist.assign(s, o, task, _person(s, o, owner, "owner"))
        names = worklist.people_named(s, o, {item.owner_id} if item.owner_id else set())
    if check_format(fmt) == "json":
        print_json({"id": item.ref, "owner_id": item.owner_id})
    else:
        out.print(f"task {item.ref}: owner {names.get(item.owner_id or 0, item.owner_id)}")


@tasks_app.command("mark")
def tasks_mark(
    record: int,
    kind: Annotated[str, typer.Argument(help="complaint, case_inquiry or private_inquiry")],
    org: Org,
    by: Who,
    owner: Annotated[
        str | None, typer.Option(help="login or id of who registers it (default: the account's responsible)")
    ] = None,
    fmt: Format = "text",
) -> None:
    """Mark a message as a complaint or case question: a registration task is created."""
    from rettesnor.moderation import registration

    with tenant(org) as (s, o):
        owner_id = _person(s, o, owner, "--owner") if owner is not None else None
        t = registration.mark(s, o, record, kind, _person(s, o, by, "--by"), owner_id)
        done(t, f"registration task R{t.id} created, due {t.due_on}", fmt)


@tasks_app.command("export")
def tasks_export(
    task: Annotated[str, typer.Argument(help="R1 … as listed")],
    org: Org,
    export_format: Annotated[str, typer.Option("--format", "-f", help="json or noark5")] = "json",
) -> None:
    """A registration task for the journal: JSON with the record and thread, or a Noark 5 journalpost."""
    from rettesnor.moderation import registration, worklist

    if export_format not in ("json", "noark5"):
        raise InputError(f"unknown format {export_format!r}; choose one of: json, noark5")
    kind, number = worklist.parse_ref(task)
    if kind != worklist.REGISTRATION:
        raise InputError(f"task {task} is a takedown; only registration tasks (R1 …) go to the journal")
    with tenant(org) as (s, o):
        if export_format == "json":
            print_json(registration.task_document(s, o, number))
        else:
            from rettesnor.archive.export import journalpost_xml

            sys.stdout.write(journalpost_xml(s, o, number, os.environ.get("RETTESNOR_ACTOR", "cli")))


@tasks_app.command("journal-address")
def tasks_journal_address(
    address: Annotated[str, typer.Argument(help="the records system's mail-in address ('' turns it off)")],
    org: Org,
) -> None:
    """Where registration tasks are sent as e-mail: the journal address of the records system."""
    from rettesnor.archive import journalmail

    with tenant(org) as (s, o):
        journalmail.set_address(s, o, address)
        slug, now = o.slug, o.journal_address
    out.print(f"journal address of {slug}: {now or 'none (journal mail is off)'}")


@tasks_app.command("send")
def tasks_send(task: Annotated[str, typer.Argument(help="R1 … as listed")], org: Org) -> None:
    """Send a registration task to the records system's journal address: the thread as PDF/A and its
    metadata in the body and as XML, through the outbox (rettesnor mail send)."""
    from rettesnor.archive import journalmail
    from rettesnor.moderation import worklist

    kind, number = worklist.parse_ref(task)
    if kind != worklist.REGISTRATION:
        raise InputError(f"task {task} is a takedown; only registration tasks (R1 …) go to the journal")
    with tenant(org) as (s, o):
        note = journalmail.send_task(s, o, number)
        info = (note.id, note.recipient)
    out.print(f"registration task R{number} is in the outbox as message {info[0]} to {info[1]}")


# --- guidelines ----------------------------------------------------------------------------------


@guidelines_app.command("draft")
def guidelines_draft(
    org: Org,
    version: Annotated[str, typer.Option()],
    title: Annotated[str, typer.Option()],
    unit: Annotated[
        str | None, typer.Option(help="the unit whose guideline it is (default: the whole organisation)")
    ] = None,
    pack: Annotated[str | None, typer.Option()] = None,
    fmt: Format = "text",
) -> None:
    from rettesnor.governance import lifecycle

    with tenant(org) as (s, o):
        v = lifecycle.draft_policy(s, o, version=version, title=title, unit=unit, pack=pack)
        done(v, f"guideline version {v.id} ({v.pack}) drafted", fmt)


@guidelines_app.command("hearing")
def guidelines_hearing(
    version_id: int,
    org: Org,
    body: Annotated[list[str], typer.Option("--body", help="a committee it goes to (repeat)")],
    start: Day = "",
    fmt: Format = "text",
) -> None:
    from rettesnor.governance import lifecycle

    with tenant(org) as (s, o):
        v = lifecycle.send_to_hearing(s, o, version_id, body, start or today())
        done(v, f"guideline version {version_id} in hearing: {v.hearing_bodies}", fmt)


@guidelines_app.command("approve")
def guidelines_approve(
    version_id: int,
    org: Org,
    body: Annotated[str, typer.Option(help="e.g. MED")],
    on: Day = "",
    fmt: Format = "text",
) -> None:
    from rettesnor.governance import lifecycle

    with tenant(org) as (s, o):
        v = lifecycle.approve_policy(s, o, version_id, body, on or today())
        done(v, f"guideline version {version_id} approved by {body}", fmt)


@guidelines_app.command("publish")
def guidelines_publish(version_id: int, org: Org, on: Day = "", fmt: Format = "text") -> None:
    from rettesnor.governance import lifecycle

    with tenant(org) as (s, o):
        done(
            lifecycle.publish_policy(s, o, version_id, on or today()),
            f"guideline version {version_id} published",
            fmt,
        )


@guidelines_app.command("list")
def guidelines_list(org: Org, fmt: Format = "text") -> None:
    from rettesnor.governance import lifecycle

    with tenant(org) as (s, o):
        rows = [to_dict(v) for v in lifecycle.list_policy_versions(s, o)]
    table(
        rows,
        ["id", "unit_id", "version", "pack", "status", "approved_by_body", "approved_on", "published_on"],
        fmt,
    )


# --- reviews -------------------------------------------------------------------------------------


@reviews_app.command("record")
def reviews_record(
    person: int,
    org: Org,
    leader: Annotated[int, typer.Option()],
    kind: Annotated[str, typer.Option(help="yearly, onboarding or policy")],
    held_on: Day = "",
    version_id: Annotated[int | None, typer.Option(help="the published version gone through")] = None,
    fmt: Format = "text",
) -> None:
    from rettesnor.governance import reviews

    with tenant(org) as (s, o):
        r = reviews.record_review(
            s,
            o,
            person_id=person,
            leader_id=leader,
            kind=kind,
            held_on=held_on or today(),
            policy_version_id=version_id,
        )
        done(
            r,
            f"review {r.id} recorded; person {person} acknowledges it with `reviews acknowledge {r.id}`",
            fmt,
        )


@reviews_app.command("acknowledge")
def reviews_acknowledge(review: int, org: Org, as_: As, fmt: Format = "text") -> None:
    from rettesnor.governance import reviews

    with tenant(org) as (s, o):
        done(reviews.acknowledge(s, o, review, as_), f"review {review} acknowledged", fmt)


@reviews_app.command("overdue")
def reviews_overdue(
    org: Org,
    leader: Annotated[int | None, typer.Option(help="only this leader's people")] = None,
    today: Annotated[str | None, typer.Option(help="as of this day")] = None,
    fmt: Format = "text",
) -> None:
    """What is overdue, per leader. Exit 1 when something is."""
    from rettesnor.governance import reviews
    from rettesnor.governance.common import to_date

    day = to_date(today, "--today") if today else None
    with tenant(org) as (s, o):
        items = reviews.overdue(s, o, day, leader)
    rows = [{k: plain(v) for k, v in dataclasses.asdict(item).items()} for item in items]
    table(rows, ["leader_id", "person_id", "person_name", "kind", "due_on", "last_on", "reason"], fmt)
    raise typer.Exit(1 if items else 0)


# --- incidents -----------------------------------------------------------------------------------


@incidents_app.command("open")
def incidents_open(
    person: int,
    org: Org,
    by: By,
    category: Annotated[str, typer.Option(help="work_environment or misuse")],
    description: Annotated[str, typer.Option()],
    clause: Annotated[str | None, typer.Option()] = None,
    finding: Annotated[str | None, typer.Option(help="the rule code of the finding, e.g. ND001")] = None,
    fmt: Format = "text",
) -> None:
    from rettesnor.governance import incidents

    with tenant(org) as (s, o):
        i = incidents.open_incident(
            s,
            o,
            person_id=person,
            opened_by=by,
            category=category,
            description=description,
            clause=clause,
            finding_code=finding,
        )
        done(i, f"incident {i.id} opened", fmt)


@incidents_app.command("consequence")
def incidents_consequence(
    incident: int,
    org: Org,
    by: By,
    step: Annotated[str, typer.Option(help="conversation, formal_interview, written_warning, further_steps")],
    on: Day = "",
    fmt: Format = "text",
) -> None:
    from rettesnor.governance import incidents

    with tenant(org) as (s, o):
        done(
            incidents.set_consequence(s, o, incident, by, step, on or today()),
            f"incident {incident}: {step}",
            fmt,
        )


@incidents_app.command("close")
def incidents_close(incident: int, org: Org, by: By, fmt: Format = "text") -> None:
    from rettesnor.governance import incidents

    with tenant(org) as (s, o):
        done(incidents.close_incident(s, o, incident, by), f"incident {incident} closed", fmt)


@incidents_app.command("list")
def incidents_list(org: Org, as_: As, fmt: Format = "text") -> None:
    """The incidents this person may see."""
    from rettesnor.governance import incidents

    with tenant(org) as (s, o):
        rows = [to_dict(i) for i in incidents.list_incidents(s, o, as_)]
    table(rows, ["id", "person_id", "category", "clause", "consequence", "opened_at", "closed_at"], fmt)


@incidents_app.command("show")
def incidents_show(incident: int, org: Org, as_: As, fmt: Format = "text") -> None:
    from rettesnor.governance import incidents

    with tenant(org) as (s, o):
        data = to_dict(incidents.get_incident(s, o, incident, as_))
    if check_format(fmt) == "json":
        print_json(data)
    else:
        for key, value in data.items():
            out.print(f"{key}: {'' if value is None else value}")


# --- audit ---------------------------------------------------------------------------------------


@audit_app.command("list")
def audit_list(
    org: Org,
    object_type: Annotated[str | None, typer.Option("--type", help="e.g. account")] = None,
    object_id: Annotated[int | None, typer.Option("--id")] = None,
    limit: Annotated[int, typer.Option()] = 1000,
    fmt: Format = "text",
) -> None:
    """The change log; ``--format json`` gives the Noark 5 element names."""
    from rettesnor.governance import auditlog

    with tenant(org) as (s, o):
        entries = auditlog.history(s, o, object_type, object_id, limit)
        rows = [auditlog.as_noark(e) for e in entries]
    table(
        rows,
        ["endretDato", "endretAv", "referanseArkivenhet", "referanseMetadata", "tidligereVerdi", "nyVerdi"],
        fmt,
    )


# --- demo ----------------------------------------------------------------------------------------


def register_demo(demo_app: typer.Typer) -> None:
    """Add ``rettesnor demo load`` to the product's demo command."""

    @demo_app.command("load")
    def demo_load(fmt: Format = "text") -> None:
        """A demo municipality per seed guideline: units, people, accounts, consents, reviews, archive."""
        from rettesnor import demo

        with db_session() as s:
            summary = demo.load(s)
        if check_format(fmt) == "json":
            print_json(summary)
            return
        for row in summary:
            out.print(
                f"{row['organisation']:<12} {row['units']} units, {row['people']} people, "
                f"{row['accounts']} accounts, {row['consents']} consents, {row['overdue']} reviews overdue"
            )
