"""``rettesnor incidents|audit``: breaches of the guideline (restricted) and the audit log.

Thin: parse, call one service in one transaction, print. The services are imported inside the
commands so that ``rettesnor check`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

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

incidents_app = typer.Typer(no_args_is_help=True, help="Breaches of the guideline (restricted).")
audit_app = typer.Typer(no_args_is_help=True, help="The audit log (Noark 5 change-log shape).")
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (
    ("incidents", incidents_app),
    ("audit", audit_app),
)


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
