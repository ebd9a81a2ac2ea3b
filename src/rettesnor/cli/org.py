"""``rettesnor org``: organisations (municipalities) and their units.

Thin: parse, call one service in one transaction, print. The services are imported inside the
commands so that ``rettesnor check`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rettesnor.cli.common import (
    Format,
    Org,
    db_session,
    done,
    table,
    tenant,
    to_dict,
)

org_app = typer.Typer(no_args_is_help=True, help="Organisations (municipalities) and their units.")
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (("org", org_app),)


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
