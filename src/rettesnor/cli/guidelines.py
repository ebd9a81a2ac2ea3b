"""``rettesnor guidelines|reviews``: the guideline from draft to published; yearly reviews.

Thin: parse, call one service in one transaction, print. The services are imported inside the
commands so that ``rettesnor check`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from rettesnor.cli.common import (
    As,
    Day,
    Format,
    Org,
    done,
    plain,
    table,
    tenant,
    to_dict,
    today,
)

guidelines_app = typer.Typer(no_args_is_help=True, help="The guideline's versions: draft to published.")
reviews_app = typer.Typer(no_args_is_help=True, help="Yearly reviews, onboarding, overdue lists.")
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (
    ("guidelines", guidelines_app),
    ("reviews", reviews_app),
)


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
