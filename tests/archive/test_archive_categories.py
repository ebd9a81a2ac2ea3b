"""Categories as relations (issue 14): record_category and case_category hold one row per category, the
archive search and the moderation queue filter through them (EXISTS), on SQLite and PostgreSQL alike, and
migration 0014 fills them from the comma-separated columns it keeps."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from rettesnor.archive.search import Filters, search
from rettesnor.intake import ingest
from rettesnor.moderation import queue
from rettesnor.records import migrate
from rettesnor.records.archive_models import ArchiveRecord, CaseCategory, ModerationCase, RecordCategory
from rettesnor.records.audit import ACTOR_KEY
from support.archivedata import COMPLAINT_DA, CPR_DA, FRIENDLY_DA, INSULT_DA, comment, post, town_with_account
from support.dbsupport import FreshDatabase

TEXTS = (FRIENDLY_DA, CPR_DA, INSULT_DA, COMPLAINT_DA, f"{INSULT_DA} {CPR_DA}")


def _load(db: Session, slug: str = "alpha") -> object:
    town = town_with_account(db, slug)
    assert town.account is not None
    acc = town.account.id
    events = [post("p1", "Sommerfesten flyttes til idrætshallen.", acc)]
    events += [comment(f"c{i}", t, acc, minutes=5 + i) for i, t in enumerate(TEXTS)]
    ingest(db, town.org, events)
    return town


def _split(value: str | None) -> set[str]:
    return {c for c in (value or "").split(",") if c}


def _record_pairs(db: Session) -> set[tuple[int, str]]:
    return {(rid, c) for rid, c in db.execute(select(RecordCategory.record_id, RecordCategory.category))}


def _case_pairs(db: Session) -> set[tuple[int, str]]:
    return {(cid, c) for cid, c in db.execute(select(CaseCategory.case_id, CaseCategory.category))}


def _expected_records(db: Session) -> set[tuple[int, str]]:
    return {(r.id, c) for r in db.scalars(select(ArchiveRecord)) for c in _split(r.categories)}


def _expected_cases(db: Session) -> set[tuple[int, str]]:
    return {(m.id, c) for m in db.scalars(select(ModerationCase)) for c in _split(m.categories)}


def test_the_relations_hold_exactly_the_categories_of_the_lists(db: Session) -> None:
    _load(db)
    expected = _expected_records(db)
    assert len({c for _, c in expected}) >= 3  # the texts give several categories, one record two or more
    assert _record_pairs(db) == expected
    assert _case_pairs(db) == _expected_cases(db) != set()


def test_a_category_filter_finds_exactly_the_records_with_that_category(db: Session) -> None:
    town = _load(db)
    other = _load(db, "beta")  # another organisation's records with the same categories stay out
    org = town.org  # type: ignore[attr-defined]
    records = list(db.scalars(select(ArchiveRecord).where(ArchiveRecord.organisation_id == org.id)))
    categories = set().union(*(_split(r.categories) for r in records))
    assert len(categories) >= 3
    for category in [*sorted(categories), "no_such_category"]:
        want = sorted(r.platform_id for r in records if category in _split(r.categories))
        got = sorted(r.platform_id for r in search(db, org, None, Filters(category=category), limit=100))
        assert got == want, category
        cases, total = queue.queue_page(db, org, status="all", category=category, limit=100)
        queued = [r.case for r in cases]
        assert total == len(queued)
        assert all(c.organisation_id == org.id and category in _split(c.categories) for c in queued)
        every = db.scalars(select(ModerationCase).where(ModerationCase.organisation_id == org.id))
        assert {c.id for c in queued} == {c.id for c in every if category in _split(c.categories)}
    assert other.org.id != org.id  # type: ignore[attr-defined]


def test_a_new_version_replaces_the_categories_of_its_record(db: Session) -> None:
    town = _load(db)
    acc = town.account.id  # type: ignore[attr-defined]
    org = town.org  # type: ignore[attr-defined]
    record = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "c2")).one()
    assert "insult" in _split(record.categories)
    ingest(
        db, org, [comment("c2", FRIENDLY_DA, acc, minutes=30, event="edit")]
    )  # edited on the platform: now friendly
    db.refresh(record)
    assert record.version == 2 and "insult" not in _split(record.categories)
    assert {c for rid, c in _record_pairs(db) if rid == record.id} == _split(record.categories)
    assert "c2" not in {r.platform_id for r in search(db, org, None, Filters(category="insult"))}


def test_migration_0014_fills_the_relations_from_the_lists(empty_db: FreshDatabase) -> None:
    engine: Engine = empty_db.engine
    migrate.upgrade(engine)
    with Session(engine, expire_on_commit=False) as db:
        db.info[ACTOR_KEY] = "test"
        _load(db)
        db.commit()
        expected_records, expected_cases = _expected_records(db), _expected_cases(db)
        assert expected_records and expected_cases
        db.execute(delete(RecordCategory))
        db.execute(delete(CaseCategory))
        db.commit()
    migrate.downgrade(engine, "0013_publishing")
    migrate.upgrade(engine)
    with Session(engine) as db:
        assert _record_pairs(db) == expected_records
        assert _case_pairs(db) == expected_cases
