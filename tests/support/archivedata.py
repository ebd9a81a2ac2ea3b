"""Invented threads for the archive and moderation tests: page posts, citizens' comments, replies.

Names are invented; platform ids are generated.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from rettesnor.archive.ingest import Incoming
from support.govdata import Town, live_account, make_town

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def town_with_account(db: Session, slug: str = "alpha", pack: str = "dk-hjorring") -> Town:
    town = make_town(db, slug, pack=pack)
    live_account(db, town, handle=f"{slug}-skole")
    return town


def post(pid: str, text: str, account: int, minutes: int = 0) -> Incoming:
    return Incoming(
        platform="facebook",
        platform_id=pid,
        kind="post",
        text=text,
        account=account,
        author_id="page",
        author_name="Skovbo Skole",
        published_at=T0 + dt.timedelta(minutes=minutes),
    )


def comment(
    pid: str,
    text: str,
    account: int,
    parent: str = "p1",
    author: str = "Jonna Brask",
    minutes: int = 5,
    **kw: object,
) -> Incoming:
    return Incoming(
        platform="facebook",
        platform_id=pid,
        kind="comment",
        text=text,
        account=account,
        parent=parent,
        author_id=f"u-{abs(hash(author)) % 10_000}",
        author_name=author,
        published_at=T0 + dt.timedelta(minutes=minutes),
        **kw,  # type: ignore[arg-type]
    )


INSULT_DA = "Du er en idiot og en klovn, hele forvaltningen er en flok idioter."
CPR_DA = "Min mor har ikke fået hjælp. Hendes CPR er 030578-1010, så kan I slå hende op."
COMPLAINT_DA = "Jeg vil gerne klage over hjemmeplejen. Min far har ikke fået sin medicin i tre dage."
QUESTION_DA = (
    "Hvornår får jeg svar på min ansøgning om boligstøtte? Jeg søgte i marts og har stadig ikke hørt noget."
)
FRIENDLY_DA = "Tak for en dejlig sommerfest, børnene var glade."
