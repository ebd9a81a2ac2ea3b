"""The publisher: Rettesnor's own durable queue of posts, sent through the Graph API and archived.

The queue is the ``publication`` table: a post in ``scheduled`` whose ``due_at`` has come is claimed in a
transaction of its own that sets it ``publishing`` and counts the attempt (committed before the platform
is called). A second transaction locks the row (``FOR UPDATE``; a live publisher's row is skipped by the
others, ``SKIP LOCKED``), calls the platform, and commits the outcome with the archive record. So:

* a publisher killed after the platform answered but before its commit leaves the row ``publishing``;
  the next one finds it and first looks the post up on the page (its text, since the attempt began), and
  records that post instead of posting again: never twice;
* a publisher killed before the platform answered leaves the same row; the look-up finds nothing and it
  posts: never lost;
* a restart loses nothing that was committed: the queue is the database.

Creating calls are made once (``retry=False``); a transient error or a rate limit puts the post back in
the queue with a growing wait (:data:`RETRY_BASE_S`, doubling, at most :data:`MAX_ATTEMPTS` attempts),
and the next attempt looks it up first. A permission, token or invalid-request error fails it at once:
the author is told on the page and by e-mail.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
from sqlalchemy import Engine, and_, or_, select
from sqlalchemy.orm import Session

from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.errors import NotFound
from rettesnor.archive.ingest import Attachment, Incoming
from rettesnor.governance import accounts, notices
from rettesnor.intake import ingest
from rettesnor.platforms import tokens
from rettesnor.platforms.connector import connection_of
from rettesnor.platforms.meta_client import GraphClient, GraphError
from rettesnor.platforms.settings import PlatformSettings
from rettesnor.publishing import media, service
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import unit_of_work
from rettesnor.records.models import Account, Organisation, Person
from rettesnor.records.platform_models import PlatformConnection
from rettesnor.records.publish_models import Publication
from rettesnor.records.types import utcnow

MAX_ATTEMPTS = 5
RETRY_BASE_S = 30.0
RETRY_MAX_S = 3600.0
LOOKUP_MARGIN_S = 120  # the platform's clock and ours may differ a little
ACTOR = "publisher"

AfterAnswer = Callable[[int, str], None]


@dataclass
class PublishReport:
    published: int = 0
    recovered: int = 0  # found on the platform after a crash: recorded, not posted again
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class PublishSettings:
    platforms: PlatformSettings
    secret: str  # signs the photos' URLs (the web application's secret)
    base_url: str = "http://127.0.0.1:8000"  # where Meta fetches the photos
    blobs: BlobStore | None = None


def publish_due(
    engine: Engine,
    cfg: PublishSettings,
    *,
    limit: int = 100,
    http: httpx.Client | None = None,
    after_answer: AfterAnswer | None = None,
    now: dt.datetime | None = None,
) -> PublishReport:
    """Send every post that is due (at most ``limit``). ``after_answer`` is called after the platform
    answered and before the commit (the crash tests kill the process there)."""
    report = PublishReport()
    client = http or httpx.Client(timeout=cfg.platforms.timeout_s)  # one connection pool for the run
    try:
        for _ in range(limit):
            claimed = _claim(engine, now or utcnow())
            if claimed is None:
                break
            _attempt(engine, cfg, claimed[0], claimed[1], report, client, after_answer)
    finally:
        if http is None:
            client.close()
    return report


def _claim(engine: Engine, now: dt.datetime) -> tuple[int, bool] | None:
    """Take the next due post: mark it ``publishing`` and count the attempt, committed before any call.
    The second value says whether an attempt was made before (so it is looked up first)."""
    with unit_of_work(engine, actor=ACTOR) as session:
        query = (
            select(Publication)
            .where(
                or_(
                    and_(Publication.status == "scheduled", Publication.due_at <= now),
                    Publication.status == "publishing",
                )
            )
            .order_by(Publication.due_at, Publication.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        pub = session.scalars(query).first()
        if pub is None:
            return None
        before = pub.status == "publishing" or pub.attempts > 0
        pub.status, pub.attempts = "publishing", pub.attempts + 1
        if pub.attempt_started_at is None:
            pub.attempt_started_at = now
        return pub.id, before


def _attempt(
    engine: Engine,
    cfg: PublishSettings,
    pub_id: int,
    before: bool,
    report: PublishReport,
    http: httpx.Client | None,
    after_answer: AfterAnswer | None,
) -> None:
    with unit_of_work(engine, actor=ACTOR) as session:
        query = select(Publication).where(Publication.id == pub_id, Publication.status == "publishing")
        pub = session.scalars(query.with_for_update()).first()
        if pub is None:
            return
        org = session.get(Organisation, pub.organisation_id)
        assert org is not None
        try:
            connection = connection_of(session, org, pub.account_id)
        except NotFound:
            _fail(session, org, pub, "not_connected", {}, report)
            return
        try:
            client = GraphClient(cfg.platforms, tokens.load(session, connection.id, cfg.platforms), http=http)
        except tokens.TokenError:
            _fail(session, org, pub, "token", {}, report)
            return
        try:
            if pub.revision_of is not None:  # setting a post's text is idempotent: no look-up needed
                _revise(session, org, pub, connection, client, cfg)
                report.published += 1
                return
            found = _look_up(session, client, connection, pub) if before else None
            if found is None:
                found = _post(session, client, connection, pub, cfg)
                if after_answer is not None:
                    after_answer(pub.id, found)
            else:
                report.recovered += 1
            _done(session, org, pub, connection, found, cfg)
            report.published += 1
        except GraphError as exc:
            _refused(session, org, pub, exc, report)
        finally:
            client.close()


def _revise(
    session: Session,
    org: Organisation,
    pub: Publication,
    connection: PlatformConnection,
    client: GraphClient,
    cfg: PublishSettings,
) -> None:
    """A change of a published post: its text edited on the page, a new version in the archive."""
    original = session.get(Publication, pub.revision_of)
    assert original is not None and original.platform_id is not None
    client.fb_edit(original.platform_id, pub.text)
    now = utcnow()
    pub.status, pub.platform_id, pub.published_at, pub.updated_at = (
        "published",
        original.platform_id,
        now,
        now,
    )
    pub.error_kind = pub.error = None
    original.text, original.updated_at = pub.text, now
    service.step(session, pub, "published", None, original.platform_id)
    session.flush()
    meta = json.dumps(metadata(session, pub), ensure_ascii=False, indent=1).encode("utf-8")
    event = Incoming(
        platform=connection.platform,
        platform_id=original.platform_id,
        kind="post",
        text=pub.text,
        event="edit",
        account=pub.account_id,
        author_id=connection.page_id,
        author_name=connection.name,
        published_at=now,
        attachments=(Attachment("publication.json", "application/json", meta),),
    )
    ingest(session, org, [event], blobs=cfg.blobs)
    pub.record_id = original.record_id


def _post(
    session: Session,
    client: GraphClient,
    connection: PlatformConnection,
    pub: Publication,
    cfg: PublishSettings,
) -> str:
    photos = service.photos_of(session, pub)
    urls = [media.signed_url(cfg.base_url, cfg.secret, p.id) for p in photos]
    if connection.platform == "instagram":
        container = client.ig_container(connection.page_id, urls[0], pub.text, photos[0].alt)
        return client.ig_publish(connection.page_id, container)
    attached = tuple(client.fb_photo(connection.page_id, u, p.alt) for u, p in zip(urls, photos, strict=True))
    return client.fb_publish(connection.page_id, pub.text, pub.link, attached)


def _look_up(
    session: Session, client: GraphClient, connection: PlatformConnection, pub: Publication
) -> str | None:
    """The post on the page made by an earlier attempt whose answer was lost: same text, made since the
    attempt began, not already recorded for another post."""
    started = pub.attempt_started_at or pub.updated_at
    since = int(started.timestamp()) - LOOKUP_MARGIN_S
    if connection.platform == "instagram":
        items = [
            (str(m["id"]), str(m.get("caption") or ""))
            for m in client.ig_recent(connection.page_id)
            if _epoch(m.get("timestamp")) >= since
        ]
    else:
        items = [
            (str(p["id"]), str(p.get("message") or "")) for p in client.fb_recent(connection.page_id, since)
        ]
    taken = set(
        session.scalars(
            select(Publication.platform_id).where(
                Publication.account_id == pub.account_id, Publication.platform_id.is_not(None)
            )
        )
    )
    for platform_id, text in items:
        if text.strip() == pub.text.strip() and platform_id not in taken:
            return platform_id
    return None


def _epoch(value: object) -> int:
    if not isinstance(value, str):
        return 0
    try:
        return int(dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").timestamp())
    except ValueError:
        return 0


def _done(
    session: Session,
    org: Organisation,
    pub: Publication,
    connection: PlatformConnection,
    platform_id: str,
    cfg: PublishSettings,
) -> None:
    now = utcnow()
    pub.status, pub.platform_id, pub.published_at = "published", platform_id, now
    pub.error_kind = pub.error = None
    pub.updated_at = now
    service.step(session, pub, "published", None, platform_id)
    session.flush()
    accounts.record_activity(session, org, pub.account_id, pub.author_id, at=now)
    _archive(session, org, pub, connection, cfg)


def metadata(session: Session, pub: Publication) -> dict[str, object]:
    """What the archive keeps beside the post: the check, the acknowledgements, the approval chain."""
    return {
        "publication": pub.id,
        "account": pub.account_id,
        "platform_id": pub.platform_id,
        "verdict": pub.verdict,
        "findings": json.loads(pub.findings) if pub.findings else [],
        "crisis": pub.crisis,
        "acknowledgements": json.loads(pub.acknowledgements) if pub.acknowledgements else {},
        "override_reason": pub.override_reason,
        "approval_chain": service.chain(session, pub),
        "link": pub.link,
        "photos": [{"name": p.name, "alt": p.alt} for p in service.photos_of(session, pub)],
    }


def _archive(
    session: Session,
    org: Organisation,
    pub: Publication,
    connection: PlatformConnection,
    cfg: PublishSettings,
) -> None:
    """The post as an outgoing record of the archive (Norsjö 4.6: every message sent is a public record),
    its photos and its metadata attached; the platform's id lets comments thread under it."""
    files = [Attachment(p.name, p.media_type, p.data) for p in service.photos_of(session, pub)]
    meta = json.dumps(metadata(session, pub), ensure_ascii=False, indent=1).encode("utf-8")
    files.append(Attachment("publication.json", "application/json", meta))
    event = Incoming(
        platform=connection.platform,
        platform_id=str(pub.platform_id),
        kind="post",
        text=pub.text,
        account=pub.account_id,
        author_id=connection.page_id,
        author_name=connection.name,
        published_at=pub.published_at,
        attachments=tuple(files),
    )
    ingest(session, org, [event], blobs=cfg.blobs)
    pub.record_id = session.scalars(
        select(ArchiveRecord.id).where(
            ArchiveRecord.organisation_id == org.id,
            ArchiveRecord.platform == connection.platform,
            ArchiveRecord.platform_id == pub.platform_id,
        )
    ).first()


def _refused(
    session: Session, org: Organisation, pub: Publication, exc: GraphError, report: PublishReport
) -> None:
    detail = {"code": exc.code, "detail": exc.detail[:200]}
    if exc.retryable and pub.attempts < MAX_ATTEMPTS:
        wait = min(RETRY_MAX_S, RETRY_BASE_S * 2.0 ** (pub.attempts - 1))
        if exc.retry_after is not None:
            wait = max(wait, exc.retry_after)
        pub.status, pub.due_at = "scheduled", utcnow() + dt.timedelta(seconds=wait)
        pub.error_kind, pub.error = exc.kind, json.dumps(detail)[:300]
        service.step(session, pub, "retry", None, f"{exc.kind} {exc.code or ''}".strip())
        report.retried += 1
        return
    _fail(session, org, pub, exc.kind, detail, report)


def _fail(
    session: Session,
    org: Organisation,
    pub: Publication,
    kind: str,
    detail: Mapping[str, object],
    report: PublishReport,
) -> None:
    """For good: on the page (the post's error) and by e-mail to the author."""
    pub.status, pub.error_kind, pub.error = "failed", kind, json.dumps(detail)[:300]
    pub.updated_at = utcnow()
    service.step(session, pub, "failed", None, kind)
    author = session.get(Person, pub.author_id)
    account = session.get(Account, pub.account_id)
    notices.owe(
        session,
        org,
        "publish_failed",
        author.email if author else None,
        {
            "account": account.name if account else str(pub.account_id),
            "post": pub.id,
            "person": pub.author_id,
            "error": kind,
        },
        subject=f"Post {pub.id} could not be published",
        body=f"Post {pub.id} was refused ({kind}).",
        account_id=pub.account_id,
    )
    report.failed += 1
