"""Records: versions, tombstones, threads, attachments by SHA-256, findings and policy at the time;
one ingest for every source, idempotent on platform ids. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.canonical import dumps, sha256_text
from rettesnor.archive.errors import InvalidValue, NotFound
from rettesnor.archive.ingest import Attachment, Incoming, read_file
from rettesnor.intake import ingest
from rettesnor.item import InputError
from rettesnor.records.archive_models import ArchiveContent, ArchiveEntry, ArchiveRecord
from support.archivedata import COMPLAINT_DA, CPR_DA, FRIENDLY_DA, comment, post, town_with_account

PNG = b"\x89PNG fake image bytes"


def _docs(db: Session, record_id: int) -> list[dict[str, object]]:
    rows = db.execute(
        select(ArchiveContent.body)
        .join(ArchiveEntry, ArchiveEntry.id == ArchiveContent.entry_id)
        .where(ArchiveEntry.record_id == record_id)
        .order_by(ArchiveEntry.version)
    ).scalars()
    return [json.loads(b) for b in rows]


def test_a_thread_is_stored_with_findings_policy_and_canonical_json(db: Session, tmp_path: Path) -> None:
    town = town_with_account(db)
    acc = town.account
    assert acc is not None
    report = ingest(
        db,
        town.org,
        [
            post("p1", "Sommerfest på Skovbo Skole fredag kl. 15.", acc.id),
            comment("c1", CPR_DA, acc.id, attachments=(Attachment("kvittering.png", "image/png", PNG),)),
            comment("c2", FRIENDLY_DA, acc.id, author="Aske Melby"),
            Incoming(
                platform="facebook",
                platform_id="r1",
                kind="reply",
                text="Tak, vi ses!",
                account=acc.id,
                parent="c2",
                author_id="page",
                author_name="Skovbo Skole",
            ),
        ],
        blobs=BlobStore(tmp_path),
    )
    assert report.to_dict() == {
        "received": 4,
        "records": 4,
        "versions": 0,
        "duplicates": 0,
        "queued": 1,
        "tasks": 0,
    }
    records = {
        r.platform_id: r
        for r in db.scalars(select(ArchiveRecord).where(ArchiveRecord.organisation_id == town.org.id))
    }
    p1, c1, r1 = records["p1"], records["c1"], records["r1"]
    assert c1.parent_id == p1.id and c1.thread_id == p1.id and r1.thread_id == p1.id
    assert c1.author_name == "Jonna Brask" and c1.categories == "national_id" and c1.policy
    assert c1.policy.startswith("dk-hjorring@")
    [doc] = _docs(db, c1.id)
    assert doc["type"] == "Note" and doc["inReplyTo"] == "urn:rettesnor:alpha:facebook:p1"
    assert doc["context"] == "urn:rettesnor:alpha:facebook:p1"
    assert doc["attributedTo"]["name"] == "Jonna Brask"  # type: ignore[index]
    assert doc["rettesnor:findings"][0]["code"] == "NB003"  # type: ignore[index]
    sha = doc["attachment"][0]["rettesnor:sha256"]  # type: ignore[index]
    assert BlobStore(tmp_path).get(sha) == PNG
    entry = db.scalars(select(ArchiveEntry).where(ArchiveEntry.record_id == c1.id)).one()
    body = db.scalar(select(ArchiveContent.body).where(ArchiveContent.entry_id == entry.id))
    assert body == dumps(doc) and entry.content_sha256 == sha256_text(body)


def test_edit_is_a_new_version_and_deletion_a_tombstone_that_keeps_the_content(db: Session) -> None:
    town = town_with_account(db)
    acc = town.account
    assert acc is not None
    ingest(
        db,
        town.org,
        [post("p1", "Vejarbejde på Skolevej i uge 12.", acc.id), comment("c1", FRIENDLY_DA, acc.id)],
    )
    edited = comment("c1", COMPLAINT_DA, acc.id, event="edit")
    deleted = Incoming(platform="facebook", platform_id="c1", kind="comment", event="delete", account=acc.id)
    report = ingest(db, town.org, [edited, edited, deleted, deleted])
    assert (report.versions, report.duplicates, report.tasks) == (2, 2, 1)  # the edit made it a complaint
    record = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "c1")).one()
    assert (record.version, record.state, record.text) == (3, "deleted", COMPLAINT_DA)
    v1, v2, v3 = _docs(db, record.id)
    assert v1["content"] == FRIENDLY_DA and v2["content"] == COMPLAINT_DA and v2["rettesnor:event"] == "edit"
    assert v3["type"] == "Tombstone" and v3["formerType"] == "Note" and v3["content"] == COMPLAINT_DA
    assert "deleted" in v3


def test_the_same_event_twice_is_stored_once(db: Session) -> None:
    town = town_with_account(db)
    acc = town.account
    assert acc is not None
    events = [post("p1", "Åbent hus lørdag.", acc.id), comment("c1", CPR_DA, acc.id)]
    first = ingest(db, town.org, events)
    again = ingest(db, town.org, events + events)  # a webhook retried, an export imported twice
    assert first.records == 2 and again.records == 0 and again.duplicates == 4 and again.queued == 0
    count = db.scalar(
        select(func.count()).select_from(ArchiveEntry).where(ArchiveEntry.organisation_id == town.org.id)
    )
    assert count == 2
    assert again.record_ids == first.record_ids * 2


def test_batch_path_handles_chunks_and_replies_whose_parent_is_in_the_same_chunk(db: Session) -> None:
    town = town_with_account(db)
    acc = town.account
    assert acc is not None
    events: list[Incoming] = [post("p1", "Ny legeplads er åben.", acc.id)]
    for i in range(30):
        events.append(comment(f"c{i}", f"Fint initiativ nummer {i}.", acc.id))
        events.append(comment(f"d{i}", "Enig!", acc.id, parent=f"c{i}", author="Aske Melby"))
    report = ingest(db, town.org, events, chunk=7)
    assert report.records == 61
    orphans = db.scalar(
        select(func.count()).where(
            ArchiveRecord.organisation_id == town.org.id,
            ArchiveRecord.kind == "comment",
            ArchiveRecord.parent_id.is_(None),
        )
    )
    assert orphans == 0


def test_bad_input_is_one_line_and_changes_nothing(db: Session) -> None:
    town = town_with_account(db)
    assert town.account is not None
    with pytest.raises(InvalidValue, match="unknown kind"):
        Incoming(platform="facebook", platform_id="x", kind="tweet", text="hej")
    with pytest.raises(NotFound, match="no account 'nobody'"), db.begin_nested():
        ingest(
            db,
            town.org,
            [
                comment("c1", "hej", town.account.id),
                Incoming("facebook", "c2", "comment", "hej", account="nobody"),
            ],
        )
    assert db.scalar(select(func.count()).select_from(ArchiveRecord)) == 0
    with pytest.raises(InputError, match="line 2: field 'id' is missing"):
        list(
            read_file(
                b'{"platform":"facebook","id":"a","kind":"comment","text":"hej"}\n{"platform":"facebook"}\n'
            )
        )
    with pytest.raises(InputError, match="not valid JSON"):
        list(read_file(b"[{"))
    parsed = list(
        read_file(
            json.dumps(
                [
                    {
                        "platform": "facebook",
                        "id": 7,
                        "kind": "post",
                        "text": "Hej",
                        "published": "2026-03-01T10:00:00Z",
                    }
                ]
            ).encode()
        )
    )
    assert parsed[0].platform_id == "7" and parsed[0].published_at is not None
