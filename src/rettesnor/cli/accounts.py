"""``rettesnor accounts|permissions``: the account registry, service assignments, work-time use.

Thin: parse, call one service in one transaction, print. The services are imported inside the
commands so that ``rettesnor check`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from rettesnor.cli.common import (
    As,
    By,
    Day,
    Format,
    Org,
    check_format,
    done,
    out,
    print_json,
    table,
    tenant,
    to_dict,
    today,
)

accounts_app = typer.Typer(no_args_is_help=True, help="The account registry: apply, approve, assign, check.")
permissions_app = typer.Typer(no_args_is_help=True, help="Service assignments, work-time use, blog links.")
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (
    ("accounts", accounts_app),
    ("permissions", permissions_app),
)


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
