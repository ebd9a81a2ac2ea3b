"""Retention and legal hold: disposal keeps metadata, the chain and a disposal log; a hold blocks it;
dry run first. Both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive import retention
from rettesnor.archive.chain import latest_doc, verify
from rettesnor.archive.errors import InvalidValue
from rettesnor.archive.search import search
from rettesnor.intake import ingest
from rettesnor.records.archive_models import ArchiveRecord, DisposalLog
from support.archivedata import CPR_DA, FRIENDLY_DA, comment, post, town_with_account

LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)


def _town(db: Session) -> object:
    town = town_with_account(db, "alpha", "se-norsjo")
    assert town.account is not None
    acc = town.account.id
    ingest(
        db,
        town.org,
        [
            post("p1", "Skidbacken öppnar på lördag.", acc),
            comment("c1", FRIENDLY_DA, acc),
            comment("c2", CPR_DA, acc),
        ],
    )
    retention.set_rule(
        db, town.org, "comment", dispose_after_days=365, decision_ref="Gallringsbeslut 2024:12"
    )  # type: ignore[attr-defined]
    retention.set_rule(db, town.org, "post", keep=True)  # type: ignore[attr-defined]
    return town


def test_dry_run_counts_and_the_run_disposes_content_keeping_metadata_and_log(db: Session) -> None:
    town = _town(db)
    dry = retention.run(db, town.org, by="arkivarie", dry_run=True, now=LATER)  # type: ignore[attr-defined]
    assert dry.due == {"comment": 2, "post": 0} or dry.due == {"comment": 2}
    assert db.scalars(select(ArchiveRecord).where(ArchiveRecord.disposed_at.is_not(None))).all() == []
    done = retention.run(db, town.org, by="arkivarie", dry_run=False, now=LATER)  # type: ignore[attr-defined]
    assert done.disposed == 2
    c1 = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "c1")).one()
    db.refresh(c1)
    assert c1.text is None and c1.disposed_at is not None and c1.author_name == "Jonna Brask"
    assert latest_doc(db, c1.id)[1] is None
    log = db.scalars(select(DisposalLog)).all()
    assert {(entry.record_kind, entry.disposed_by) for entry in log} == {("comment", "arkivarie")}
    result = verify(db, town.org)  # type: ignore[attr-defined]
    assert result.ok and result.disposed == 2
    assert search(db, town.org, "sommerfest") == []  # type: ignore[attr-defined]
    assert [r.platform_id for r in search(db, town.org, "skidbacken")] == ["p1"]  # type: ignore[attr-defined]


def test_legal_hold_blocks_disposal_until_lifted(db: Session) -> None:
    town = _town(db)
    hold = retention.place_hold(
        db, town.org, reason="Begäran om utlämnande pågår", by="jurist", account_id=town.account.id
    )  # type: ignore[attr-defined]
    blocked = retention.run(db, town.org, by="arkivarie", dry_run=False, now=LATER)  # type: ignore[attr-defined]
    assert (blocked.disposed, blocked.held) == (0, 2)
    retention.lift_hold(db, town.org, hold.id, by="jurist")  # type: ignore[attr-defined]
    assert retention.run(db, town.org, by="arkivarie", dry_run=False, now=LATER).disposed == 2  # type: ignore[attr-defined]


def test_a_rule_keeps_or_disposes(db: Session) -> None:
    town = _town(db)
    with pytest.raises(InvalidValue, match="either keeps"):
        retention.set_rule(db, town.org, "reply", keep=True, dispose_after_days=3)  # type: ignore[attr-defined]
