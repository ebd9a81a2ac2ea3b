"""A comment asking about the writer's own case, with its case number, through intake: the moderation case,
its category filter, the registration task, the archive's category filter, the stored findings and the
access-request export. The case rule reads two signals; it gives one finding now, and nothing that read
the second finding's category loses it. Both backends."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.chain import latest_doc
from rettesnor.archive.search import Filters, access_request, redact, search
from rettesnor.intake import ingest
from rettesnor.moderation import queue, registration
from rettesnor.records.archive_models import ArchiveRecord, CaseCategory, ModerationCase
from support.archivedata import comment, post, town_with_account

CASE_DA = "Tak til Birthe for hjælpen. Hvornår får jeg svar på min ansøgning? Sagsnummer: 25/01234."


def _town(db: Session) -> object:
    town = town_with_account(db, "alpha", "dk-hjorring")
    assert town.account is not None
    acc = town.account.id
    ingest(
        db, town.org, [post("p1", "Borgerservice holder lukket fredag.", acc), comment("c1", CASE_DA, acc)]
    )
    return town


def test_a_case_question_with_its_number_is_queued_once_with_both_categories(db: Session) -> None:
    town = _town(db)
    org = town.org  # type: ignore[attr-defined]
    record = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "c1")).one()
    (case,) = db.scalars(select(ModerationCase).where(ModerationCase.record_id == record.id))
    rows = {c for (c,) in db.execute(select(CaseCategory.category).where(CaseCategory.case_id == case.id))}
    assert {"case_inquiry", "case_number"} <= rows == set(case.categories.split(","))
    # The queue's category filter finds it under either category, once.
    for category in ("case_inquiry", "case_number"):
        found, total = queue.queue_page(db, org, status="all", category=category)
        assert total == 1 and [r.case.id for r in found] == [case.id]
    # One registration task, for the case question.
    tasks = registration.list_registration_tasks(db, org)
    assert [t.kind for t in tasks if t.record_id == record.id] == ["case_inquiry"]
    # The archive's category filter finds the record by the case number too.
    assert [r.id for r in search(db, org, None, Filters(category="case_number"), limit=10)] == [record.id]


def test_the_stored_finding_keeps_each_places_category_and_the_export_redacts_the_number(db: Session) -> None:
    town = _town(db)
    org = town.org  # type: ignore[attr-defined]
    record = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "c1")).one()
    _, doc = latest_doc(db, record.id)
    assert doc is not None
    stored = [f for f in doc["rettesnor:findings"] if f["code"] == "NB014"]
    assert len(stored) == 1  # not once per category
    (finding,) = stored
    assert finding["category"] == "case_inquiry" and finding["categories"] == ["case_inquiry", "case_number"]
    number = CASE_DA.index("25/01234")
    assert [number, number + len("25/01234"), "case_number"] in finding["spans"]
    # The stored places alone: the case number goes, the question around it stays.
    text, log = redact(CASE_DA, [finding])
    assert "25/01234" not in text and "[case_number]" in text and "Hvornår får jeg svar" in text
    assert [x["category"] for x in log] == ["case_number"]
    released = access_request(db, org, [record.id])
    assert "25/01234" not in released["records"][0]["object"]["content"]
