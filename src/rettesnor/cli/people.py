"""``rettesnor people``: employees, elected officials, managers and roles.

Thin: parse, call one service in one transaction, print. The services are imported inside the
commands so that ``rettesnor check`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rettesnor.cli.common import (
    Day,
    Format,
    Org,
    done,
    table,
    tenant,
    to_dict,
    today,
)

people_app = typer.Typer(no_args_is_help=True, help="Employees, elected officials, managers and roles.")
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (("people", people_app),)


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
