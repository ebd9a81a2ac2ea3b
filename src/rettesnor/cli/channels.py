"""``rettesnor channels``: approved channels for work communication, per unit.

Thin: parse, call one service in one transaction, print. The services are imported inside the
commands so that ``rettesnor check`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rettesnor.cli.common import (
    By,
    Day,
    Format,
    Org,
    check_format,
    done,
    out,
    print_json,
    read_text,
    table,
    tenant,
    to_dict,
)

channels_app = typer.Typer(no_args_is_help=True, help="Approved channels for work communication, per unit.")
SUB_APPS: tuple[tuple[str, typer.Typer], ...] = (("channels", channels_app),)


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
