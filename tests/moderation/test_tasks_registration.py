"""Registration tasks: complaints and case questions become tasks with an owner and a due date, closed
only with a journal reference or a documented reason; overdue list; export for the journal. Both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.errors import InvalidValue
from rettesnor.archive.ingest import Incoming
from rettesnor.intake import ingest
from rettesnor.moderation import registration
from rettesnor.records.archive_models import ArchiveRecord
from support.archivedata import COMPLAINT_DA, FRIENDLY_DA, QUESTION_DA, comment, post, town_with_account
from support.govdata import snapshot


def _town(db: Session, pack: str = "dk-hjorring") -> object:
    town = town_with_account(db, "alpha", pack)
    assert town.account is not None
    acc = town.account.id
    ingest(
        db,
        town.org,
        [
            post("p1", "Hjemmeplejen har nye telefontider.", acc),
            comment("c1", COMPLAINT_DA, acc),
            comment("c2", QUESTION_DA, acc),
            comment("c3", FRIENDLY_DA, acc),
        ],
    )
    return town


def test_a_complaint_becomes_a_task_for_the_accounts_responsible_person(db: Session) -> None:
    town = _town(db)
    tasks = registration.list_registration_tasks(db, town.org)  # type: ignore[attr-defined]
    assert [(t.kind, t.owner_id) for t in tasks] == [("complaint", town.a.id), ("case_inquiry", town.a.id)]  # type: ignore[attr-defined]
    assert tasks[0].due_on == dt.date.today() + dt.timedelta(days=5) and tasks[0].status == "open"


def test_a_task_closes_only_with_a_journal_reference_or_a_documented_reason(db: Session) -> None:
    town = _town(db)
    complaint, question = registration.list_registration_tasks(db, town.org)  # type: ignore[attr-defined]
    before = snapshot(db)
    with pytest.raises(InvalidValue, match="--journal-ref"):
        registration.close(db, town.org, complaint.id, town.a.id)  # type: ignore[attr-defined]
    with pytest.raises(InvalidValue, match="at least 10"):
        registration.close(db, town.org, question.id, town.a.id, reason="nej")  # type: ignore[attr-defined]
    with pytest.raises(InvalidValue, match="cannot be rejected, only registered"):  # HJ-10
        registration.close(db, town.org, complaint.id, town.a.id, reason="Ikke relevant for kommunen")  # type: ignore[attr-defined]
    assert snapshot(db) == before
    done = registration.close(db, town.org, complaint.id, town.a.id, journal_ref="27.12.00-A00-1234-26")  # type: ignore[attr-defined]
    assert done.status == "closed" and done.journal_ref == "27.12.00-A00-1234-26"
    registration.close(
        db, town.org, question.id, town.a.id, reason="Besvaret som generel vejledning i tråden"
    )  # type: ignore[attr-defined]
    assert registration.list_registration_tasks(db, town.org) == []  # type: ignore[attr-defined]


def test_overdue_tasks_are_listed(db: Session) -> None:
    town = _town(db)
    later = dt.date.today() + dt.timedelta(days=6)
    assert len(registration.list_registration_tasks(db, town.org, overdue_on=later)) == 2  # type: ignore[attr-defined]
    assert registration.list_registration_tasks(db, town.org, overdue_on=dt.date.today()) == []  # type: ignore[attr-defined]


def test_a_privately_received_inquiry_is_marked_and_registered(db: Session) -> None:
    town = _town(db)
    ingest(
        db,
        town.org,
        [
            Incoming(
                "facebook",
                "m1",
                "private_message",
                "Hej, jeg skriver privat om min sag om bevilling af et hjælpemiddel.",
                account=town.account.id,
            )
        ],
    )  # type: ignore[attr-defined]
    record = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "m1")).one()
    task = registration.mark(db, town.org, record.id, "private_inquiry", by=town.b.id)  # type: ignore[attr-defined]
    assert task.kind == "private_inquiry" and task.owner_id == town.a.id  # type: ignore[attr-defined]


def test_task_export_carries_the_record_and_its_thread(db: Session) -> None:
    town = _town(db)
    complaint = registration.list_registration_tasks(db, town.org)[0]  # type: ignore[attr-defined]
    doc = registration.task_document(db, town.org, complaint.id)  # type: ignore[attr-defined]
    assert doc["task"]["kind"] == "complaint"
    assert [d["rettesnor:platform"]["id"] for d in doc["thread"]] == ["p1", "c1", "c2", "c3"]
