"""Retention (gallring) and legal hold. A disposal run removes the content of records past their rule's
period and keeps the metadata, the chain and a disposal log (who, when, which rule). A legal hold blocks
disposal of an account's records, or of one thread, until it is lifted. Dry run first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from rettesnor.archive import fts
from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.errors import Conflict, InvalidValue
from rettesnor.governance.common import atomic, choice, get_in_org, optional_text, text
from rettesnor.records.archive_models import (
    CONTENT_TABLE,
    DISPOSAL_TABLE,
    RECORD_KINDS,
    RECORD_TABLE,
    ArchiveAttachment,
    ArchiveEntry,
    ArchiveRecord,
    LegalHold,
    RetentionRule,
)
from rettesnor.records.models import Organisation
from rettesnor.records.types import utcnow


def list_rules(session: Session, org: Organisation) -> list[RetentionRule]:
    return list(session.scalars(select(RetentionRule).where(RetentionRule.organisation_id == org.id)))


@atomic
def set_rule(
    session: Session,
    org: Organisation,
    record_kind: str,
    *,
    keep: bool = False,
    dispose_after_days: int | None = None,
    decision_ref: str | None = None,
) -> RetentionRule:
    """Keep records of a kind, or dispose of them N days after they were received."""
    choice(record_kind, RECORD_KINDS, "record kind")
    if keep == (dispose_after_days is not None):
        raise InvalidValue(
            "a retention rule either keeps (--keep) or disposes after N days (--dispose-after)"
        )
    if dispose_after_days is not None and dispose_after_days < 1:
        raise InvalidValue("--dispose-after must be at least 1 day")
    rule = session.scalars(
        select(RetentionRule).where(
            RetentionRule.organisation_id == org.id, RetentionRule.record_kind == record_kind
        )
    ).first()
    if rule is None:
        rule = RetentionRule(organisation_id=org.id, record_kind=record_kind)
        session.add(rule)
    rule.keep, rule.dispose_after_days = keep, dispose_after_days
    rule.decision_ref = optional_text(decision_ref, "decision reference", max_chars=200)
    return rule


def get_hold(session: Session, org: Organisation, hold_id: int) -> LegalHold:
    return get_in_org(session, LegalHold, org, hold_id, "legal hold")


def list_holds(session: Session, org: Organisation, active_only: bool = True) -> list[LegalHold]:
    query = select(LegalHold).where(LegalHold.organisation_id == org.id)
    if active_only:
        query = query.where(LegalHold.lifted_at.is_(None))
    return list(session.scalars(query.order_by(LegalHold.id)))


@atomic
def place_hold(
    session: Session,
    org: Organisation,
    *,
    reason: str,
    by: str,
    account_id: int | None = None,
    thread_id: int | None = None,
) -> LegalHold:
    if account_id is None and thread_id is None:
        raise InvalidValue("a legal hold needs --account or --thread")
    hold = LegalHold(
        organisation_id=org.id,
        account_id=account_id,
        thread_id=thread_id,
        reason=text(reason, "reason", min_chars=3, max_chars=2000),
        placed_by=text(by, "placed by", max_chars=200),
    )
    session.add(hold)
    return hold


@atomic
def lift_hold(session: Session, org: Organisation, hold_id: int, by: str) -> LegalHold:
    hold = get_hold(session, org, hold_id)
    if hold.lifted_at is not None:
        raise Conflict(f"legal hold {hold_id} is lifted already")
    hold.lifted_at, hold.lifted_by = utcnow(), text(by, "lifted by", max_chars=200)
    return hold


@dataclass(slots=True)
class DisposalPlan:
    dry_run: bool
    due: dict[str, int] = field(default_factory=dict)  # per record kind
    held: int = 0  # due but under a legal hold
    disposed: int = 0


def run(
    session: Session,
    org: Organisation,
    *,
    by: str,
    dry_run: bool = True,
    now: dt.datetime | None = None,
    blobs: BlobStore | None = None,
) -> DisposalPlan:
    """Dispose of what the rules say is due (or, with ``dry_run``, only count it)."""
    at = now or utcnow()
    plan = DisposalPlan(dry_run)
    holds = list_holds(session, org)
    held_accounts = {h.account_id for h in holds if h.account_id is not None}
    held_threads = {h.thread_id for h in holds if h.thread_id is not None}
    store = blobs or BlobStore()
    for rule in list_rules(session, org):
        if rule.keep or rule.dispose_after_days is None:
            continue
        cutoff = at - dt.timedelta(days=rule.dispose_after_days)
        rows = session.execute(
            select(
                ArchiveRecord.id,
                ArchiveRecord.account_id,
                ArchiveRecord.thread_id,
                ArchiveRecord.text,
                ArchiveRecord.version,
                ArchiveRecord.search_terms,
            )
            .where(
                ArchiveRecord.organisation_id == org.id,
                ArchiveRecord.kind == rule.record_kind,
                ArchiveRecord.disposed_at.is_(None),
                ArchiveRecord.received_at < cutoff,
            )
            .order_by(ArchiveRecord.id)
        ).all()
        due = []
        for rid, account_id, thread_id, body, version, terms in rows:
            if account_id in held_accounts or (thread_id or rid) in held_threads:
                plan.held += 1
                continue
            due.append((rid, body, version, terms or ""))
        plan.due[rule.record_kind] = len(due)
        if dry_run or not due:
            continue
        with session.begin_nested():
            for k in range(0, len(due), 500):
                part = due[k : k + 500]
                ids = [rid for rid, _, _, _ in part]
                entries = select(ArchiveEntry.id).where(ArchiveEntry.record_id.in_(ids))
                files = list(
                    session.scalars(
                        select(ArchiveAttachment.sha256).where(
                            ArchiveAttachment.entry_id.in_(entries), ArchiveAttachment.disposed_at.is_(None)
                        )
                    )
                )
                session.execute(delete(CONTENT_TABLE).where(CONTENT_TABLE.c.entry_id.in_(entries)))
                session.execute(
                    update(ArchiveAttachment)
                    .where(ArchiveAttachment.entry_id.in_(entries))
                    .values(disposed_at=at)
                )
                fts.replace(  # the text leaves the index; the record stays findable by its filters
                    session,
                    org.id,
                    org.country,
                    [(rid, body, terms) for rid, body, _, terms in part],
                    [(rid, None, terms) for rid, _, _, terms in part],
                )
                session.execute(
                    update(RECORD_TABLE).where(RECORD_TABLE.c.id.in_(ids)).values(text=None, disposed_at=at)
                )
                session.execute(
                    insert(DISPOSAL_TABLE),
                    [
                        {
                            "organisation_id": org.id,
                            "record_id": rid,
                            "rule_id": rule.id,
                            "record_kind": rule.record_kind,
                            "versions": version,
                            "disposed_by": by,
                            "disposed_at": at,
                        }
                        for rid, _, version, _ in part
                    ],
                )
                for sha in set(files):
                    still = session.scalar(
                        select(ArchiveAttachment.id)
                        .where(ArchiveAttachment.sha256 == sha, ArchiveAttachment.disposed_at.is_(None))
                        .limit(1)
                    )
                    if still is None:
                        store.remove(sha)
            plan.disposed += len(due)
    return plan
