"""``rettesnor consents``: consents for photos and video; withdrawal.

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
    check_format,
    done,
    out,
    print_json,
    table,
    tenant,
    to_dict,
    today,
)

consents_app = typer.Typer(no_args_is_help=True, help="Consents for photos and video; withdrawal.")
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (("consents", consents_app),)


# --- consents --------------------------------------------------------------------------


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
