"""What the API and the pages share: the database session of a request, pack choice, the check, rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from rettesnor.governance import checking
from rettesnor.governance.errors import InvalidValue, NotFound
from rettesnor.item import KINDS, LANGUAGES, MAX_TEXT_CHARS, TEXT_KINDS, Item, Photo
from rettesnor.policy.evaluate import Result
from rettesnor.policy.loader import builtin_packs, load_pack
from rettesnor.policy.model import Pack
from rettesnor.records.db import unit_of_work
from rettesnor.records.models import Organisation
from rettesnor.web.auth import Principal, engine_of

POST_KINDS = TEXT_KINDS


@contextmanager
def work(request: Request, principal: Principal) -> Iterator[tuple[Session, Organisation]]:
    """One transaction for the request, the audit log naming the principal; and its organisation."""
    with unit_of_work(engine_of(request), actor=principal.actor) as session:
        org = session.get(Organisation, principal.org_id)
        if org is None:
            raise NotFound("the organisation of this login no longer exists")
        yield session, org


def pack_for(
    session: Session, org: Organisation, account: int | None, unit: int | str | None, pack: str | None
) -> Pack:
    """A named built-in pack when one is asked for without an account or unit; else the check service's
    choice (the account's or the unit's guideline with its approved channels, else the organisation's)."""
    named = pack_named(pack)
    if named is not None and account is None and unit is None:
        return load_pack(named)
    return checking.pack_for(session, org, account, unit)


def pack_named(pack: str | None) -> str | None:
    """A built-in pack asked for by name (checked), or None."""
    if pack and pack not in builtin_packs():
        raise InvalidValue(f"unknown pack {pack!r}; choose one of: {', '.join(builtin_packs())}")
    return pack or None


def normalise_text(text: str) -> str:
    """Browsers send line breaks as CRLF; spans are counted on LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def run_check(
    text: str,
    kind: str,
    pack: Pack,
    lang: str | None,
    channel: str | None = None,
    photos: tuple[Photo, ...] = (),
) -> Result:
    """Check through the check service; bad input is a one-line InvalidValue."""
    if kind not in KINDS:
        raise InvalidValue(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    if lang is not None and lang not in LANGUAGES:
        raise InvalidValue(f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidValue(f"the text is over {MAX_TEXT_CHARS} characters")
    if not text.strip() and not photos:
        raise InvalidValue("the text is empty")
    if "\x00" in text:
        raise InvalidValue("the text contains a NUL character")
    if channel is not None and (len(channel) > 40 or not channel.strip()):
        raise InvalidValue("the channel must be a short name such as teams or messenger")
    item = Item(text=normalise_text(text), kind=kind, channel=channel or None, images=photos)
    return checking.check(item, pack, lang)


def plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def account_row(a: Any) -> dict[str, Any]:
    keys = (
        "id",
        "unit_id",
        "platform",
        "handle",
        "name",
        "url",
        "status",
        "direct_messages",
        "approved_on",
        "activated_at",
        "profile_verdict",
    )
    return {k: plain(getattr(a, k)) for k in keys}
