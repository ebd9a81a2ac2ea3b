"""Moderation: the queue from ingest, decisions with who/when/why, evidence before any hide or delete,
deletion grounds (Hustadvika 2q), escalation (2r), reply templates, unanswered list. Both backends."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.archive.chain import latest_doc, verify
from rettesnor.archive.errors import EvidenceError, NotAllowed
from rettesnor.intake import ingest
from rettesnor.moderation import queue
from rettesnor.moderation.platform import FakePlatform
from rettesnor.moderation.templates import TEMPLATES, reply_text
from rettesnor.records.archive_models import ArchiveEntry, ArchiveRecord, ModerationDecision
from rettesnor.records.models import AuditEntry
from support.archivedata import (
    CPR_DA,
    FRIENDLY_DA,
    INSULT_DA,
    QUESTION_DA,
    comment,
    post,
    town_with_account,
)
from support.govdata import snapshot

INSULT_NB = "Du er en idiot og en klovn, hele kommunen er en gjeng idioter."


def _setup(
    db: Session, pack: str = "dk-hjorring", texts: tuple[str, ...] = (CPR_DA,)
) -> tuple[object, FakePlatform]:
    town = town_with_account(db, "alpha", pack)
    assert town.account is not None
    fb = FakePlatform()
    events = [post("p1", "Ny busplan fra 1. april.", town.account.id)]
    for i, t in enumerate(texts):
        events.append(comment(f"c{i}", t, town.account.id))
        fb.add(f"c{i}", t, f"u{i}", "Jonna Brask")
    ingest(db, town.org, events)
    return town, fb


def _record(db: Session, pid: str) -> ArchiveRecord:
    return db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == pid)).one()


def test_comments_are_queued_with_action_rule_clause_and_ground(db: Session) -> None:
    town, _ = _setup(db, texts=(CPR_DA, FRIENDLY_DA, INSULT_DA))
    rows = queue.list_queue(db, town.org)  # type: ignore[attr-defined]
    assert [(r.platform_id, c.recommended, c.categories, c.rule_code, c.ground) for c, r in rows] == [
        ("c2", "review", "insult", "NB012", "personal_attack"),  # the ground a hide or delete would take
        ("c0", "hide", "national_id", "NB003", "personal_data"),
    ]  # newest first, as the page and the API


def test_evidence_is_saved_before_hiding_and_the_decision_records_who_when_why(db: Session) -> None:
    town, fb = _setup(db)
    record = _record(db, "c0")
    out = queue.decide(
        db, town.org, record.id, "hide", by=town.b.id, reason="CPR-nummer i kommentaren", platform=fb
    )  # type: ignore[attr-defined]
    assert fb.calls == [("fetch", "c0"), ("hide", "c0")]
    decision = out.decision
    assert (decision.platform_result, decision.ground, decision.decided_by_id) == (
        "sent",
        "personal_data",
        town.b.id,
    )  # type: ignore[attr-defined]
    evidence = db.get(ArchiveEntry, decision.evidence_entry_id)
    assert evidence is not None and evidence.event == "evidence" and evidence.version == 2
    hide = db.scalars(
        select(ArchiveEntry).where(ArchiveEntry.record_id == record.id, ArchiveEntry.version == 3)
    ).one()
    assert hide.event == "hide" and hide.seq > evidence.seq
    _, doc = latest_doc(db, record.id)
    assert doc is not None and doc["rettesnor:state"] == "hidden" and doc["content"] == CPR_DA
    assert db.get(ArchiveRecord, record.id).state == "hidden"  # type: ignore[union-attr]
    audit = db.scalars(select(AuditEntry).where(AuditEntry.object_type == "moderation_decision")).all()
    assert {a.field for a in audit} >= {"action", "reason", "decided_by_id"}  # who, why; when: changed_at
    assert all(a.changed_at is not None for a in audit)
    assert verify(db, town.org).ok  # type: ignore[attr-defined]


def test_nothing_is_sent_when_the_evidence_cannot_be_captured(db: Session) -> None:
    town, fb = _setup(db)
    record = _record(db, "c0")
    fb.fail_on.add("fetch")
    from sqlalchemy import delete

    from rettesnor.records.archive_models import ArchiveContent

    entry_ids = select(ArchiveEntry.id).where(ArchiveEntry.record_id == record.id)
    db.execute(delete(ArchiveContent).where(ArchiveContent.entry_id.in_(entry_ids)))
    before = snapshot(db)
    with pytest.raises(EvidenceError, match=r"could not be captured.*nothing was sent"):
        queue.decide(
            db, town.org, record.id, "delete", by=town.b.id, reason="CPR", ground="personal_data", platform=fb
        )  # type: ignore[attr-defined]
    assert ("delete", "c0") not in fb.calls and snapshot(db) == before


def test_deletion_needs_a_ground_the_guideline_allows(db: Session) -> None:
    town, fb = _setup(db, "no-hustadvika", (INSULT_NB, CPR_DA))
    insult, cpr = _record(db, "c0"), _record(db, "c1")
    before = snapshot(db)
    with pytest.raises(NotAllowed, match="only on the grounds personal_attack, third_person, illegal"):
        queue.decide(db, town.org, cpr.id, "delete", by=town.b.id, reason="personnummer", platform=fb)  # type: ignore[attr-defined]
    assert snapshot(db) == before and fb.calls == []
    out = queue.decide(db, town.org, insult.id, "delete", by=town.b.id, reason="personangrep", platform=fb)  # type: ignore[attr-defined]
    assert out.decision.ground == "personal_attack" and fb.calls[-1] == ("delete", "c0")
    _, doc = latest_doc(db, insult.id)
    assert doc is not None and doc["type"] == "Tombstone" and doc["content"] == INSULT_NB


def test_escalation_goes_to_the_closest_leader(db: Session) -> None:
    town, fb = _setup(db, "no-hustadvika", (INSULT_NB,))
    record = _record(db, "c0")
    out = queue.decide(
        db, town.org, record.id, "escalate", by=town.b.id, reason="Vanskelig sak, trenger leder"
    )  # type: ignore[attr-defined]
    assert out.decision.escalated_to_id == town.leader.id  # type: ignore[attr-defined]
    [(case, _)] = queue.list_queue(db, town.org, status="escalated")  # type: ignore[attr-defined]
    assert case.escalated_to_id == town.leader.id and fb.calls == []  # type: ignore[attr-defined]


def test_reply_templates_name_the_secure_channel_of_each_country() -> None:
    assert "Digital Post" in reply_text("personal_data", "DK", "Hjørring Kommune") and "e-Boks" in reply_text(
        "personal_data", "DK", "Hjørring Kommune"
    )
    assert "Digipost" in reply_text("case_inquiry", "NO", "Hustadvika kommune")
    assert "Mina meddelanden" in reply_text("case_inquiry", "SE", "Norsjö kommun")
    assert "Digipost" in reply_text("complaint", "NO", "Hustadvika kommune", "en")
    assert all(set(t) == {"da", "nb", "sv", "en"} for t in TEMPLATES.values())


def test_reply_is_sent_archived_in_the_thread_and_answers_the_inquiry(db: Session) -> None:
    town, fb = _setup(db, "no-hustadvika", (QUESTION_DA, FRIENDLY_DA))
    question = _record(db, "c0")
    assert {r.platform_id for r in queue.unanswered(db, town.org)} == {"c0", "c1"}  # type: ignore[attr-defined]
    out = queue.decide(
        db,
        town.org,
        question.id,
        "reply",
        by=town.b.id,
        reason="Saksbehandling",
        template="case_inquiry",
        platform=fb,
    )  # type: ignore[attr-defined]
    assert "Digipost" in (out.decision.reply_text or "") and fb.calls == [("reply", "c0")]
    reply = db.scalars(select(ArchiveRecord).where(ArchiveRecord.kind == "reply")).one()
    assert reply.parent_id == question.id and reply.platform_id == "c0_r1"
    assert {r.platform_id for r in queue.unanswered(db, town.org)} == {"c1"}  # type: ignore[attr-defined]


def test_a_failed_platform_call_is_recorded_and_the_evidence_stays(db: Session) -> None:
    town, fb = _setup(db)
    record = _record(db, "c0")
    fb.fail_on.add("hide")
    out = queue.decide(db, town.org, record.id, "hide", by=town.b.id, reason="CPR", platform=fb)  # type: ignore[attr-defined]
    assert out.decision.platform_result == "failed" and "failed" in out.message
    assert db.get(ArchiveEntry, out.decision.evidence_entry_id) is not None
    assert db.get(ArchiveRecord, record.id).state == "published"  # type: ignore[union-attr]
    assert db.scalars(select(ModerationDecision)).one().platform_result == "failed"
    assert json.dumps(out.decision.reason)
