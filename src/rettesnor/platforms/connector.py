"""The small interface every platform connector implements (fetch, act, settings, backfill), the Facebook
Page and Instagram implementations over the Graph API, and connecting an account of the registry to its
page with an encrypted token.

A connector is also a :class:`rettesnor.moderation.platform.Platform` (fetch, hide, unhide, delete, reply),
so ``moderation.queue.decide`` captures the evidence with ``fetch`` and then acts through it. LinkedIn,
YouTube or others are added by implementing :class:`Connector`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Protocol

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.errors import Conflict, InvalidValue, NotFound
from rettesnor.archive.ingest import Incoming, IngestReport
from rettesnor.governance import accounts
from rettesnor.intake import ingest
from rettesnor.moderation.platform import Snapshot
from rettesnor.platforms import tokens
from rettesnor.platforms.meta_client import GraphClient
from rettesnor.platforms.payload import meta_time
from rettesnor.platforms.settings import PlatformSettings
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.models import Account, Organisation
from rettesnor.records.platform_models import CONNECTION_PLATFORMS, PlatformConnection
from rettesnor.records.types import utcnow

ACTIONS = ("hide", "unhide", "delete", "reply")


@dataclass(frozen=True, slots=True)
class PageSettings:
    page_id: str
    name: str | None
    messaging: str  # on, off or unknown (as the registry's direct-messages state)


class Connector(Protocol):
    name: str

    def fetch(self, platform_id: str) -> Snapshot | None: ...

    def act(self, action: str, platform_id: str, text: str | None = None) -> str | None: ...

    def settings(self) -> PageSettings: ...

    def backfill(self, max_pages: int | None = None) -> Iterator[Incoming]: ...


class _Base:
    name = "facebook"

    def __init__(self, client: GraphClient, page_id: str) -> None:
        self.client, self.page_id = client, page_id

    def act(self, action: str, platform_id: str, text: str | None = None) -> str | None:
        if action not in ACTIONS:
            raise InvalidValue(f"unknown action {action!r}; choose one of: {', '.join(ACTIONS)}")
        if action == "reply":
            return self.reply(platform_id, text or "")
        getattr(self, action)(platform_id)
        return None

    def hide(self, platform_id: str) -> None:
        raise NotImplementedError

    def reply(self, platform_id: str, text: str) -> str:
        raise NotImplementedError

    def close(self) -> None:
        self.client.close()


class FacebookPage(_Base):
    name = "facebook"

    def fetch(self, platform_id: str) -> Snapshot | None:
        c = self.client.comment(platform_id)
        if c is None:
            return None
        author = c.get("from") or {}
        return Snapshot(
            platform_id,
            str(c.get("message") or ""),
            author.get("id"),
            author.get("name"),
            not c.get("is_hidden"),
        )

    def hide(self, platform_id: str) -> None:
        self.client.set_hidden(platform_id, True)

    def unhide(self, platform_id: str) -> None:
        self.client.set_hidden(platform_id, False)

    def delete(self, platform_id: str) -> None:
        self.client.delete(platform_id)

    def reply(self, platform_id: str, text: str) -> str:
        return self.client.reply(platform_id, text)

    def settings(self) -> PageSettings:
        page = self.client.page(self.page_id)
        return PageSettings(self.page_id, page.get("name"), self.client.messaging(self.page_id))

    def backfill(self, max_pages: int | None = None) -> Iterator[Incoming]:
        """The page's posts and every comment and reply under them, oldest comment first per post."""
        for post in self.client.feed(self.page_id, max_pages=max_pages):
            event = _fb_incoming(self.page_id, post, None, is_post=True)
            if event is not None:
                yield event
            for c in self.client.comments(str(post["id"]), max_pages=max_pages):
                parent = (c.get("parent") or {}).get("id") or str(post["id"])
                event = _fb_incoming(self.page_id, c, parent, is_post=False)
                if event is not None:
                    yield event


def _fb_incoming(page_id: str, obj: dict[str, Any], parent: str | None, is_post: bool) -> Incoming | None:
    text = str(obj.get("message") or "")
    if not text.strip():
        return None
    author = obj.get("from") or {}
    own = author.get("id") in (None, page_id)
    kind = ("post" if own else "comment") if is_post else ("reply" if own else "comment")
    return Incoming(
        platform="facebook",
        platform_id=str(obj["id"]),
        kind=kind,
        text=text,
        parent=parent,
        author_id=author.get("id"),
        author_name=author.get("name"),
        published_at=meta_time(obj.get("created_time")),
    )


class InstagramAccount(_Base):
    name = "instagram"

    def fetch(self, platform_id: str) -> Snapshot | None:
        c = self.client.ig_comment(platform_id)
        if c is None:
            return None
        author = c.get("from") or {}
        return Snapshot(
            platform_id,
            str(c.get("text") or ""),
            author.get("id"),
            c.get("username") or author.get("username"),
            not c.get("hidden"),
        )

    def hide(self, platform_id: str) -> None:
        self.client.ig_set_hidden(platform_id, True)

    def unhide(self, platform_id: str) -> None:
        self.client.ig_set_hidden(platform_id, False)

    def delete(self, platform_id: str) -> None:
        self.client.delete(platform_id)

    def reply(self, platform_id: str, text: str) -> str:
        return self.client.ig_reply(platform_id, text)

    def settings(self) -> PageSettings:
        # Instagram direct messages are not readable as a setting through the Graph API: unknown.
        account = self.client.ig_account(self.page_id)
        return PageSettings(self.page_id, account.get("username"), "unknown")

    def backfill(self, max_pages: int | None = None) -> Iterator[Incoming]:
        for media in self.client.ig_media(self.page_id, max_pages=max_pages):
            caption = str(media.get("caption") or "")
            if caption.strip():
                yield Incoming(
                    platform="instagram",
                    platform_id=str(media["id"]),
                    kind="post",
                    text=caption,
                    author_id=self.page_id,
                    published_at=meta_time(media.get("timestamp")),
                )
            for c in self.client.ig_comments(str(media["id"]), max_pages=max_pages):
                text = str(c.get("text") or "")
                if not text.strip():
                    continue
                author = c.get("from") or {}
                yield Incoming(
                    platform="instagram",
                    platform_id=str(c["id"]),
                    kind="reply" if author.get("id") == self.page_id else "comment",
                    text=text,
                    parent=c.get("parent_id") or str(media["id"]),
                    author_id=author.get("id"),
                    author_name=c.get("username") or author.get("username"),
                    published_at=meta_time(c.get("timestamp")),
                )


# --- connections ------------------------------------------------------------------------------------


def connect(
    session: Session,
    org: Organisation,
    account_id: int,
    page_id: str,
    token: str,
    settings: PlatformSettings,
    by: str,
) -> tuple[PlatformConnection, str]:
    """Connect an account of the registry to its page; the connection and the token's fingerprint.

    Connecting again replaces the token (a new token after expiry or a new permission)."""
    account = accounts.get_account(session, org, account_id)
    if account.platform not in CONNECTION_PLATFORMS:
        raise InvalidValue(
            f"account {account_id} is on {account.platform}; connectors exist for facebook, instagram"
        )
    page_id = page_id.strip()
    if not page_id or len(page_id) > 100 or not page_id.replace("_", "").isalnum():
        raise InvalidValue("the page id is the number Meta gives the page (or the Instagram account)")
    taken = session.scalars(
        select(PlatformConnection).where(
            PlatformConnection.platform == account.platform, PlatformConnection.page_id == page_id
        )
    ).first()
    if taken is not None and taken.account_id != account.id:
        raise Conflict(f"page {page_id} is connected to another account already")
    connection = session.scalars(
        select(PlatformConnection).where(PlatformConnection.account_id == account.id)
    ).first()
    if connection is None:
        connection = PlatformConnection(
            organisation_id=org.id,
            account_id=account.id,
            platform=account.platform,
            page_id=page_id,
            messaging="unknown",
            connected_by=by[:100],
        )
        session.add(connection)
    else:
        connection.page_id, connection.connected_by, connection.connected_at = page_id, by[:100], utcnow()
    session.flush()
    return connection, tokens.store(session, connection.id, token, settings)


def connection_of(session: Session, org: Organisation, account_id: int) -> PlatformConnection:
    connection = session.scalars(
        select(PlatformConnection).where(
            PlatformConnection.organisation_id == org.id, PlatformConnection.account_id == account_id
        )
    ).first()
    if connection is None:
        raise NotFound(
            f"account {account_id} is not connected to its page; run `rettesnor platforms connect`"
        )
    return connection


def connector(
    session: Session,
    connection: PlatformConnection,
    settings: PlatformSettings,
    http: httpx.Client | None = None,
) -> FacebookPage | InstagramAccount:
    client = GraphClient(settings, tokens.load(session, connection.id, settings), http=http)
    cls = FacebookPage if connection.platform == "facebook" else InstagramAccount
    return cls(client, connection.page_id)


def for_record_account(
    session: Session,
    org: Organisation,
    account_id: int | None,
    settings: PlatformSettings,
    http: httpx.Client | None = None,
) -> FacebookPage | InstagramAccount | None:
    """The connector of a record's account, or None when the account is not connected."""
    if account_id is None:
        return None
    try:
        return connector(session, connection_of(session, org, account_id), settings, http)
    except NotFound:
        return None


def sync_settings(
    session: Session, org: Organisation, connection: PlatformConnection, conn: Connector
) -> PageSettings:
    """Read the page's settings; a definite messaging state (on / off) goes into the registry, where the
    registry check and going live use it (Hjørring: direct messages off)."""
    found = conn.settings()
    connection.name = (found.name or connection.name or "")[:200] or None
    connection.messaging, connection.settings_read_at = found.messaging, utcnow()
    account = session.get(Account, connection.account_id)
    if (
        account is not None
        and found.messaging in ("on", "off")
        and account.direct_messages != found.messaging
    ):
        accounts.set_direct_messages(session, org, account.id, found.messaging)
    session.flush()
    return found


def backfill(
    session: Session,
    org: Organisation,
    connection: PlatformConnection,
    conn: Connector,
    max_pages: int | None = None,
) -> IngestReport:
    """Fetch the page's posts and comments and put them through the archive's ingest (idempotent)."""
    events = [replace(e, account=connection.account_id) for e in conn.backfill(max_pages=max_pages)]
    return ingest(session, org, events)


@contextmanager
def connected_platform(
    session: Session,
    org: Organisation,
    record_id: int,
    settings: PlatformSettings | None = None,
    http: httpx.Client | None = None,
) -> Iterator[FacebookPage | InstagramAccount | None]:
    """The connector of the page a record is on, for ``moderation.queue.decide(platform=…)``; None when
    its account is not connected (the decision is then recorded and carried out by hand)."""
    record = session.get(ArchiveRecord, record_id)
    found = None
    if record is not None and record.organisation_id == org.id and record.account_id is not None:
        found = for_record_account(
            session, org, record.account_id, settings or PlatformSettings.from_env(), http
        )
        if found is not None and found.name != record.platform:
            found.close()
            found = None
    try:
        yield found
    finally:
        if found is not None:
            found.close()
