"""The archive's fast paths keep what the slow ones promised. On SQLite and PostgreSQL.

- The batch path (preallocated ids, one executemany per table, records written once) stores the same
  records, versions and canonical JSON as ingesting one event at a time, and both chains verify.
- Idempotency holds within a chunk, across chunk boundaries and across calls.
- Search filters are tokens in the full-text index: they follow decisions and disposal; a period is a
  range of ids.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rettesnor.archive import retention
from rettesnor.archive.chain import verify
from rettesnor.archive.ingest import Incoming
from rettesnor.archive.search import Filters, search
from rettesnor.governance import tenants
from rettesnor.intake import ingest
from rettesnor.moderation.queue import _set_decision
from rettesnor.records import migrate
from rettesnor.records.archive_models import ArchiveContent, ArchiveEntry, ArchiveRecord, ModerationCase
from rettesnor.records.types import utcnow
from support.archivedata import (
    COMPLAINT_DA,
    CPR_DA,
    FRIENDLY_DA,
    INSULT_DA,
    QUESTION_DA,
    comment,
    post,
    town_with_account,
)
from support.dbsupport import FreshDatabase

VOLATILE = ("rettesnor:received", "rettesnor:recorded", "updated", "deleted")


def _thread(acc: int) -> list[Incoming]:
    events: list[Incoming] = [post("p1", "Ny cykelsti langs åen åbner i maj.", acc)]
    texts = [FRIENDLY_DA, CPR_DA, INSULT_DA, COMPLAINT_DA, QUESTION_DA]
    for i, text in enumerate(texts * 2):
        events.append(comment(f"c{i}", text, acc, minutes=i))
        if i % 3 == 0:
            events.append(comment(f"r{i}", "Enig, tak for svaret.", acc, parent=f"c{i}", author="Aske Melby"))
    events.append(comment("c1", COMPLAINT_DA, acc, event="edit"))
    events.append(Incoming("facebook", "c2", "comment", event="delete", account=acc))
    events.append(Incoming("facebook", "c3", "comment", event="hide", account=acc))
    return events


def _stored(db: Session, org_id: int, slug: str) -> list[dict[str, Any]]:
    """Records with their versions' documents, without ids, times and the organisation's name."""
    out = []
    records = db.scalars(
        select(ArchiveRecord)
        .where(ArchiveRecord.organisation_id == org_id)
        .order_by(ArchiveRecord.platform_id)
    )
    for r in records:
        parent = db.get(ArchiveRecord, r.parent_id) if r.parent_id else None
        docs = []
        for body in db.scalars(
            select(ArchiveContent.body)
            .join(ArchiveEntry, ArchiveEntry.id == ArchiveContent.entry_id)
            .where(ArchiveEntry.record_id == r.id)
            .order_by(ArchiveEntry.version)
        ):
            doc = {k: v for k, v in json.loads(body).items() if k not in VOLATILE}
            docs.append(json.loads(json.dumps(doc).replace(slug, "ORG")))
        out.append(
            {
                "platform_id": r.platform_id,
                "kind": r.kind,
                "parent": parent and parent.platform_id,
                "author": (r.author_id, r.author_name),
                "published": r.published_at,
                "version": r.version,
                "state": r.state,
                "text": r.text,
                "categories": r.categories,
                "language": r.language,
                "policy": (r.policy or "").split("@")[0],
                "docs": docs,
            }
        )
    return out


def test_batch_path_stores_what_one_event_at_a_time_stores(db: Session) -> None:
    one = town_with_account(db, "alpha")
    many = town_with_account(db, "beta")
    assert one.account is not None and many.account is not None
    for event in _thread(one.account.id):
        ingest(db, one.org, [event])
    report = ingest(db, many.org, _thread(many.account.id), chunk=2000)
    assert report.records == 15 and report.versions == 3
    assert _stored(db, one.org.id, "alpha") == _stored(db, many.org.id, "beta")
    assert verify(db, one.org).ok and verify(db, many.org).ok
    queued = {
        org.id: db.scalar(select(func.count()).where(ModerationCase.organisation_id == org.id)) or 0
        for org in (one.org, many.org)
    }
    assert queued[one.org.id] == queued[many.org.id] > 0


def test_idempotent_within_a_chunk_across_chunks_and_across_calls(db: Session) -> None:
    town = town_with_account(db)
    assert town.account is not None
    acc = town.account.id
    events = [post("p1", "Åbent hus på rådhuset.", acc)]
    events += [comment(f"c{i}", f"Tak for invitationen nummer {i}.", acc) for i in range(5)]
    doubled = [e for e in events for _ in range(2)]  # each event twice in a row: within a chunk
    first = ingest(db, town.org, doubled + events, chunk=4)  # and again across chunk boundaries
    assert (first.records, first.duplicates) == (6, 12)
    again = ingest(db, town.org, events, chunk=3)
    assert (again.records, again.versions, again.duplicates) == (0, 0, 6)
    entries = db.scalar(select(func.count()).where(ArchiveEntry.organisation_id == town.org.id))
    assert entries == 6
    assert again.record_ids == first.record_ids[::2][:6]
    assert verify(db, town.org).ok


def test_filters_follow_decisions_and_disposal(db: Session) -> None:
    town = town_with_account(db)
    assert town.account is not None
    acc = town.account.id
    ingest(
        db,
        town.org,
        [
            post("p1", "Sommerfest i parken.", acc),
            comment("c1", INSULT_DA, acc),
            comment("c2", "Sommerfest? Fint, tak.", acc),
        ],
    )
    c1 = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "c1")).one()
    assert search(db, town.org, None, Filters(decision="hide")) == []
    _set_decision(db, town.org, c1, "hide")
    assert [r.platform_id for r in search(db, town.org, None, Filters(decision="hide"))] == ["c1"]
    assert [r.platform_id for r in search(db, town.org, "idiot", Filters(decision="hide"))] == ["c1"]
    _set_decision(db, town.org, c1, "unhide")
    assert search(db, town.org, None, Filters(decision="hide")) == []
    assert [r.platform_id for r in search(db, town.org, None, Filters(category="insult"))] == ["c1"]
    retention.set_rule(db, town.org, "comment", keep=False, dispose_after_days=1)
    done = retention.run(db, town.org, by="arkivar", dry_run=False, now=utcnow() + dt.timedelta(days=2))
    assert done.disposed == 2
    assert search(db, town.org, "sommerfest", Filters(kind="comment")) == []  # the text has left the index
    assert sorted(r.platform_id for r in search(db, town.org, None, Filters(kind="comment"))) == ["c1", "c2"]
    assert [r.platform_id for r in search(db, town.org, "sommerfest")] == ["p1"]


def test_a_period_is_a_range_of_ids_in_received_order(db: Session) -> None:
    town = town_with_account(db)
    assert town.account is not None
    acc = town.account.id
    ingest(
        db,
        town.org,
        [post("p1", "Vejarbejde på Skolevej.", acc), comment("c1", "Hvornår er vejen færdig?", acc)],
    )
    middle = utcnow()
    ingest(
        db, town.org, [comment("c2", "Vejen er stadig lukket.", acc), comment("c3", "Tak for vejen.", acc)]
    )
    after = sorted(r.platform_id for r in search(db, town.org, "vejen", Filters(since=middle)))
    before = sorted(r.platform_id for r in search(db, town.org, "vejen", Filters(until=middle)))
    assert (after, before) == (["c2", "c3"], ["c1"])
    assert search(db, town.org, "vejen", Filters(since=middle + dt.timedelta(days=1))) == []
    ids = [r.id for r in search(db, town.org, None)]
    assert ids == sorted(ids, reverse=True) and len(ids) == 4


def test_migration_0006_indexes_the_records_already_stored(empty_db: FreshDatabase) -> None:
    """Down to 0005 (no filter tokens) and up again: the tokens are filled in and the index rebuilt."""
    migrate.upgrade(empty_db.engine)
    with Session(empty_db.engine) as db, db.begin():
        town = town_with_account(db)
        assert town.account is not None
        acc = town.account.id
        ingest(db, town.org, [post("p1", "Sommerfest i parken.", acc), comment("c1", INSULT_DA, acc)])
        slug = town.org.slug
    migrate.downgrade(empty_db.engine, "0005_web_auth")
    migrate.upgrade(empty_db.engine)
    with Session(empty_db.engine) as db:
        org = tenants.get_organisation(db, slug)
        assert [r.platform_id for r in search(db, org, "idiot", Filters(category="insult"))] == ["c1"]
        assert [r.platform_id for r in search(db, org, "sommerfest", Filters(kind="post"))] == ["p1"]
        assert db.scalar(select(func.count()).where(ArchiveRecord.search_terms.is_(None))) == 0
