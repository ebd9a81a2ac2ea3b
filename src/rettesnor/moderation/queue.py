"""The moderation queue and the decisions on it.

Every incoming comment is checked with its organisation's pack at ingest; the ones the engine does not
simply keep land here with the recommended action, the categories, the rule and clause, and the ground.
A decision is recorded with who, when and why. Before anything is hidden or deleted on a platform the
evidence (the content and the author as the platform shows them, or as archived) is written to the
archive's chain and committed; if that fails, nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, get_args

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from rettesnor.archive import derived, fts
from rettesnor.archive.blobs import BlobStore
from rettesnor.archive.bulk import insert_rows, write_categories
from rettesnor.archive.chain import NewVersion, append, latest_doc, lock_chain
from rettesnor.archive.errors import EvidenceError, InvalidValue, NotAllowed, NotFound
from rettesnor.archive.ingest import Incoming, store
from rettesnor.governance import checking, notices, people
from rettesnor.governance.common import choice, get_in_org, text
from rettesnor.moderation.platform import Platform, PlatformError
from rettesnor.moderation.registration import create_many
from rettesnor.moderation.templates import reply_text
from rettesnor.policy.evaluate import Result, categories_of
from rettesnor.policy.loader import load_pack
from rettesnor.policy.model import ACTION_ORDER, Ground
from rettesnor.records.archive_models import (
    CASE_CATEGORY_TABLE,
    CASE_TABLE,
    DECISIONS,
    RECORD_TABLE,
    ArchiveRecord,
    CaseCategory,
    ModerationCase,
    ModerationDecision,
)
from rettesnor.records.models import Account, Organisation, Person
from rettesnor.records.types import utcnow

REGISTER = {"complaint": "complaint", "case_inquiry": "case_inquiry"}
MODERATED_KINDS = ("comment", "private_message")
ALL_GROUNDS: tuple[str, ...] = get_args(Ground)


def deletion_grounds(pack: str) -> tuple[str, ...]:
    """The grounds a comment may be deleted on under ``pack``: the guideline's own list where it has one
    (Hustadvika 2q: three), else every legal ground."""
    allowed = load_pack(pack).parameters.deletion_grounds
    return tuple(allowed) if allowed is not None else ALL_GROUNDS


def enqueue(
    session: Session, org: Organisation, items: Sequence[tuple[int, int | None, Result]]
) -> tuple[int, int]:
    """Queue checked comments (record id, account id, result); create registration tasks. Returns counts."""
    rows: list[dict[str, Any]] = []
    register: list[tuple[int, str]] = []
    for record_id, account_id, result in items:
        categories = categories_of(result.findings)  # every category of each finding: NB014's case_number too
        for category, kind in REGISTER.items():
            if category in categories:
                register.append((record_id, kind))
                break
        if not result.findings:
            continue
        top = max(result.findings, key=lambda f: ACTION_ORDER[f.rule.action or "review"])
        rows.append(
            {
                "organisation_id": org.id,
                "record_id": record_id,
                "account_id": account_id,
                "recommended": result.verdict,
                "categories": ",".join(categories)[:300],
                "rule_code": top.rule.code,
                "clauses": ",".join(c.id for c in top.rule.clauses)[:200] or None,
                "ground": top.rule.ground,
                "status": "open",
                "created_at": utcnow(),
            }
        )
    if rows:
        known = set(
            session.scalars(
                select(ModerationCase.record_id).where(
                    ModerationCase.organisation_id == org.id,
                    ModerationCase.record_id.in_([r["record_id"] for r in rows]),
                )
            )
        )
        fresh: list[dict[str, Any]] = []
        for r in rows:  # a record is queued once: its first check (as one event at a time would do)
            if r["record_id"] not in known:
                known.add(r["record_id"])
                fresh.append(r)
        rows = fresh
        if rows:
            insert_rows(session, CASE_TABLE, rows)
            ids = select(ModerationCase.record_id, ModerationCase.id).where(
                ModerationCase.organisation_id == org.id,
                ModerationCase.record_id.in_([r["record_id"] for r in rows]),
            )
            # the cases' ids, given by the database, for their category rows
            case_of: dict[int, int] = {record_id: case_id for record_id, case_id in session.execute(ids)}
            write_categories(
                session, CASE_CATEGORY_TABLE, [(case_of[r["record_id"]], r["categories"]) for r in rows]
            )
    return len(rows), create_many(session, org, register)


@dataclass(frozen=True, slots=True)
class QueueRow:
    case: ModerationCase
    record: ArchiveRecord
    parent_text: str | None
    thread_text: str | None = None  # the post that opened the thread, when it is not the parent


def queue_page(
    session: Session,
    org: Organisation,
    *,
    status: str = "open",
    account_id: int | None = None,
    category: str | None = None,
    recommended: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[QueueRow], int]:
    """The one read of the moderation queue (pages, API and CLI): its cases with the comment each answers
    and the post that opened its thread, newest first everywhere; and how many there are."""
    parent = aliased(ArchiveRecord)
    root = aliased(ArchiveRecord)
    where = [ModerationCase.organisation_id == org.id]
    if status != "all":
        where.append(ModerationCase.status == status)
    if account_id is not None:
        where.append(ModerationCase.account_id == account_id)
    if recommended:
        where.append(ModerationCase.recommended == recommended)
    if category:
        where.append(
            exists().where(CaseCategory.case_id == ModerationCase.id, CaseCategory.category == category)
        )
    total = session.scalar(select(func.count()).select_from(ModerationCase).where(*where)) or 0
    rows = session.execute(
        select(ModerationCase, ArchiveRecord, parent.text, root.text)
        .join(ArchiveRecord, ArchiveRecord.id == ModerationCase.record_id)
        .outerjoin(parent, (parent.id == ArchiveRecord.parent_id) & (parent.organisation_id == org.id))
        .outerjoin(
            root,
            (root.id == ArchiveRecord.thread_id)
            & (root.id != ArchiveRecord.parent_id)
            & (root.organisation_id == org.id),
        )
        .where(*where)
        .order_by(ModerationCase.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [QueueRow(r[0], r[1], r[2], r[3]) for r in rows], total


def list_queue(
    session: Session, org: Organisation, status: str = "open", account_id: int | None = None, limit: int = 100
) -> list[tuple[ModerationCase, ArchiveRecord]]:
    """The cases and their comments newest first, as the page and the API show them."""
    rows, _ = queue_page(session, org, status=status, account_id=account_id, limit=limit)
    return [(r.case, r.record) for r in rows]


def unanswered(
    session: Session, org: Organisation, account_id: int | None = None, older_than: dt.timedelta | None = None
) -> list[ArchiveRecord]:
    """Citizens' comments and messages that no reply of the organisation answers (Hustadvika 2p)."""
    replies = select(ArchiveRecord.parent_id).where(
        ArchiveRecord.organisation_id == org.id,
        ArchiveRecord.kind == "reply",
        ArchiveRecord.parent_id.is_not(None),
    )
    query = select(ArchiveRecord).where(
        ArchiveRecord.organisation_id == org.id,
        ArchiveRecord.kind.in_(MODERATED_KINDS),
        ArchiveRecord.state == "published",
        ArchiveRecord.id.not_in(replies),
    )
    if account_id is not None:
        query = query.where(ArchiveRecord.account_id == account_id)
    if older_than is not None:
        query = query.where(ArchiveRecord.received_at < utcnow() - older_than)
    return list(session.scalars(query.order_by(ArchiveRecord.received_at, ArchiveRecord.id)))


@dataclass(frozen=True, slots=True)
class Outcome:
    decision: ModerationDecision
    message: str
    failure: PlatformError | None = None  # the platform's answer when it refused (platform_result "failed")


def _new_version(
    session: Session, org: Organisation, record: ArchiveRecord, event: str, state: str, extra: dict[str, Any]
) -> int:
    """Append a version made from the record's latest one (content kept: a tombstone keeps it too)."""
    _, doc = latest_doc(session, record.id)
    if doc is None:
        raise EvidenceError(
            f"record {record.id} has no archived content (disposed); nothing is sent",
            code="evidence_missing",
            record=record.id,
        )
    doc = {k: v for k, v in doc.items() if not k.startswith("rettesnor:evidence")}
    version = record.version + 1
    doc.update({"rettesnor:version": version, "rettesnor:event": event, "rettesnor:state": state, **extra})
    former = doc.get("formerType", doc.get("type", "Note"))
    if state == "deleted":
        doc["type"], doc["formerType"] = "Tombstone", former
    else:
        doc["type"] = former
        doc.pop("formerType", None)
    now = utcnow()
    if state == "deleted":
        doc["deleted"] = now.isoformat(timespec="microseconds").replace("+00:00", "Z")
    doc["updated"] = now.isoformat(timespec="microseconds").replace("+00:00", "Z")
    [entry_id] = append(session, org.id, [NewVersion(record.id, version, event, doc)], now)
    session.execute(
        update(RECORD_TABLE).where(RECORD_TABLE.c.id == record.id).values(version=version, state=state)
    )
    set_committed_value(record, "version", version)
    set_committed_value(record, "state", state)
    return entry_id


def _set_decision(session: Session, org: Organisation, record: ArchiveRecord, action: str) -> None:
    """The record's last decision, and its filter token in the full-text index."""
    r, record_id = RECORD_TABLE.c, record.id
    row = session.execute(
        select(r.text, r.search_terms, r.account_id, r.author_id, r.author_name, r.categories, r.kind).where(
            r.id == record_id
        )
    ).one()
    terms = fts.terms(
        org.id,
        account_id=row.account_id,
        author_id=row.author_id,
        author_name=row.author_name,
        categories=row.categories,
        decision=action,
        kind=row.kind,
    )
    session.execute(update(RECORD_TABLE).where(r.id == record_id).values(decision=action, search_terms=terms))
    if row.search_terms is not None:
        fts.remove(session, [(record_id, row.text, row.search_terms)])
    fts.add(session, org.id, org.country, [(record_id, row.text, terms)])
    set_committed_value(record, "decision", action)
    set_committed_value(record, "search_terms", terms)


def capture_evidence(
    session: Session,
    org: Organisation,
    record: ArchiveRecord,
    action: str,
    platform: Platform | None,
    blobs: BlobStore | None = None,
) -> int:
    """Save the content and the author as they are now, before ``action``; the entry id, or EvidenceError."""
    snapshot = None
    source = "archive"
    if platform is not None:
        try:
            snapshot = platform.fetch(record.platform_id)
        except PlatformError:
            snapshot = None
    _, doc = latest_doc(session, record.id)
    if doc is None and snapshot is None:
        raise EvidenceError(
            f"the evidence for record {record.id} could not be captured (no archived content and "
            f"the platform did not give it); {action} refused, nothing was sent",
            code="evidence_missing",
            record=record.id,
        )
    store = blobs or BlobStore()
    for a in (doc or {}).get("attachment", []):
        if not store.has(a["rettesnor:sha256"]):
            raise EvidenceError(
                f"the evidence for record {record.id} is incomplete (attachment {a['name']!r} is missing "
                f"from the file store); {action} refused, nothing was sent",
                code="evidence_missing",
                record=record.id,
            )
    extra: dict[str, Any] = {"rettesnor:evidenceFor": action}
    if snapshot is not None:
        source = "platform"
        extra["content"] = snapshot.text
        author: dict[str, Any] = {"type": "Person"}
        if snapshot.author_id:
            author["id"] = f"{record.platform}:{snapshot.author_id}"
        if snapshot.author_name:
            author["name"] = snapshot.author_name
        if len(author) > 1:
            extra["attributedTo"] = author
    extra["rettesnor:evidenceSource"] = source
    if doc is None:  # disposed here, but the platform still shows it: the platform's copy is the evidence
        raise EvidenceError(
            f"record {record.id} was disposed from the archive; {action} refused",
            code="evidence_missing",
            record=record.id,
        )
    return _new_version(session, org, record, "evidence", record.state, extra)


def decide(
    session: Session,
    org: Organisation,
    record_id: int,
    action: str,
    *,
    by: int,
    reason: str,
    ground: str | None = None,
    platform: Platform | None = None,
    template: str | None = None,
    reply: str | None = None,
    lang: str | None = None,
    escalate_to: int | None = None,
    blobs: BlobStore | None = None,
) -> Outcome:
    """Decide on a comment. See the module docstring for the order of evidence and platform action.

    Refusals (bad values, a deletion without an allowed ground, failed evidence) leave nothing behind.
    Once the evidence is saved it is committed, so it survives whatever the platform does next.
    """
    with session.begin_nested():
        choice(action, DECISIONS, "decision")
        person = people.require_person(session, org, by, "decided by")
        if len((reason or "").strip()) < 3:
            raise InvalidValue("reason (why) is required (at least 3 characters)", code="reason_short")
        why = text(reason, "reason (why)", min_chars=3, max_chars=2000)
        record = get_in_org(session, ArchiveRecord, org, record_id, "record")
        if record.disposed_at is not None:
            raise NotAllowed(
                f"record {record_id} was disposed; nothing to decide", code="disposed", record=record_id
            )
        case = session.scalars(
            select(ModerationCase).where(
                ModerationCase.organisation_id == org.id, ModerationCase.record_id == record.id
            )
        ).first()
        if platform is not None and platform.name != record.platform:
            raise InvalidValue(
                f"record {record_id} is on {record.platform}, not on {platform.name}",
                code="wrong_platform",
                record=record_id,
                platform=record.platform,
            )
        ground = ground or (case.ground if case is not None and action in ("hide", "delete") else None)
        escalated_to = None
        if action == "delete":
            allowed = checking.pack_for(session, org, account=record.account_id).parameters.deletion_grounds
            if ground is None:
                raise NotAllowed(
                    f"deleting record {record_id} needs a ground (--ground)",
                    code="ground_needed",
                    record=record_id,
                )
            if allowed is not None and ground not in allowed:
                raise NotAllowed(
                    f"the guideline allows deletion only on the grounds {', '.join(allowed)}; "
                    f"{ground!r} is not one of them: hide the comment or escalate instead",
                    code="ground_not_allowed",
                    ground=ground,
                    grounds=list(allowed),
                )
        if action in ("hide", "delete") and record.state == "deleted":
            raise NotAllowed(
                f"record {record_id} is deleted already", code="deleted_already", record=record_id
            )
        if action == "unhide" and record.state != "hidden":
            raise NotAllowed(f"record {record_id} is not hidden", code="not_hidden", record=record_id)
        if action == "escalate":
            escalated_to = escalate_to or people.closest_leader(session, org, person)
            if escalated_to is None:
                raise NotFound(f"person {by} has no leader to escalate to; give --to", code="no_leader")
            people.require_person(session, org, escalated_to, "escalated to")
        body = None
        if action == "reply":
            if reply:
                body = text(reply, "reply", max_chars=8000)
            elif template:
                body = reply_text(template, org.country, org.name, lang)
            else:
                raise InvalidValue("a reply needs --template or --text", code="reply_empty")
        evidence = (
            capture_evidence(session, org, record, action, platform, blobs)
            if action
            in (
                "hide",
                "delete",
            )
            else None
        )
        decision = ModerationDecision(
            organisation_id=org.id,
            case_id=case.id if case is not None else None,
            record_id=record.id,
            action=action,
            ground=ground,
            reason=why,
            decided_by_id=person.id,
            evidence_entry_id=evidence,
            platform_result="none",
            reply_text=body,
            escalated_to_id=escalated_to,
        )
        session.add(decision)
        session.flush()
    if evidence is not None:
        session.commit()  # the evidence is durable before anything is sent
    outcome = _carry_out(session, org, record, case, decision, platform, body)
    lock_chain(session, org.id)  # one decision at a time per organisation is sealed (PostgreSQL)
    derived.seal(session, outcome.decision)  # who, what, why: archive verify notices a change
    return outcome


def _carry_out(
    session: Session,
    org: Organisation,
    record: ArchiveRecord,
    case: ModerationCase | None,
    decision: ModerationDecision,
    platform: Platform | None,
    body: str | None,
) -> Outcome:
    action = decision.action
    with session.begin_nested():
        sent = "none"
        try:
            if platform is not None and action in ("hide", "unhide", "delete"):
                getattr(platform, action)(record.platform_id)
                sent = "sent"
            reply_id = None
            if action == "reply":
                reply_id = platform.reply(record.platform_id, body or "") if platform is not None else None
                sent = "sent" if platform is not None else "none"
        except PlatformError as exc:
            decision.platform_result = "failed"
            session.flush()
            failed = f"{action} of record {record.id} failed on {record.platform}: {exc}"
            return Outcome(decision, failed, exc)
        decision.platform_result = sent
        state = {"hide": "hidden", "unhide": "published", "delete": "deleted"}.get(action)
        if state is not None:
            _new_version(session, org, record, action, state, {"rettesnor:decision": decision.id})
            if state == "deleted" and record.text:
                pass  # the tombstone keeps the last content; it stays searchable for access requests
        _set_decision(session, org, record, action)
        if case is not None:
            if action == "escalate":
                case.status, case.escalated_to_id = "escalated", decision.escalated_to_id
            else:
                case.status = "decided"
        if action == "escalate" and decision.escalated_to_id is not None:
            _tell_leader(session, org, record, decision.escalated_to_id)
        if action == "reply":
            _archive_reply(session, org, record, reply_id, body or "")
        session.flush()
    where = "" if sent != "sent" else f" on {record.platform}"
    manual = (
        " (no platform connector: do it on the platform by hand)"
        if sent == "none"
        and action
        in (
            "hide",
            "unhide",
            "delete",
            "reply",
        )
        else ""
    )
    return Outcome(decision, f"{action}: record {record.id}{where}{manual}")


def _tell_leader(session: Session, org: Organisation, record: ArchiveRecord, leader_id: int) -> None:
    """The leader hears of the escalation by e-mail (Hustadvika 2r): which account and record, a link;
    not the comment itself (it stays in the application, behind the login)."""
    leader = session.get(Person, leader_id)  # checked by decide(); in the session already
    assert leader is not None
    account = session.get(Account, record.account_id) if record.account_id is not None else None
    name = account.name if account is not None else record.platform
    notices.owe(
        session,
        org,
        "escalated",
        leader.email,
        {"record_id": record.id, "account": name, "platform": record.platform, "person": leader.id},
        subject=f"A comment on {name} was escalated to you (record {record.id})",
        body=f"A moderator escalated record {record.id} on {name} ({record.platform}) to you for a decision.",
        account_id=record.account_id,
    )


def _archive_reply(
    session: Session, org: Organisation, record: ArchiveRecord, reply_id: str | None, body: str
) -> None:
    """The organisation's reply goes into the archive; a reply is never queued for moderation."""
    account = session.get(Account, record.account_id) if record.account_id is not None else None
    store(
        session,
        org,
        [
            Incoming(
                platform=record.platform,
                platform_id=reply_id or f"local-{uuid.uuid4().hex}",
                kind="reply",
                text=body,
                account=account.id if account is not None else None,
                parent=record.platform_id,
                author_id=account.handle if account is not None else None,
                author_name=account.name if account is not None else org.name,
                published_at=utcnow(),
            )
        ],
        enqueue=None,
    )


__all__ = [
    "ALL_GROUNDS",
    "Outcome",
    "QueueRow",
    "capture_evidence",
    "decide",
    "deletion_grounds",
    "enqueue",
    "fts",
    "list_queue",
    "queue_page",
    "unanswered",
]
