"""Messages the system owes people, kept in the ``notification`` outbox until they are e-mailed.

Each has a ``kind`` and a few parameters (names of accounts, ids, counts: never a citizen's words or
name), and an English subject and body for the record. ``rettesnor mail send`` writes the e-mail in the
organisation's language from the kind and the parameters (:mod:`rettesnor.notify.mail`).
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from rettesnor.records.models import Notification, Organisation
from rettesnor.records.types import utcnow

# kind → what it tells (in English; the e-mail's texts in four languages are in rettesnor.notify.mail)
KINDS = {
    "account_live": "the service office: an account went live (Hustadvika 2i)",
    "escalated": "a leader: a comment was escalated to them (Hustadvika 2r)",
    "tasks_digest": "a task owner: open and overdue registration tasks (Hjørring 10, Norsjö 5.4)",
    "journal": "the records system: a registration task, its thread as PDF/A (Hjørring 10, Hustadvika 2m)",
    "publish_waiting": "an approver: a post is waiting for their approval (issue 18)",
    "publish_failed": "an author: their post could not be published (issue 18)",
}
Params = dict[str, str | int]


def owe(
    session: Session,
    org: Organisation,
    kind: str,
    recipient: str | None,
    params: Params,
    *,
    subject: str,
    body: str,
    account_id: int | None = None,
    at: dt.datetime | None = None,
) -> Notification:
    """Put one message in the outbox. A missing address is kept too: the outbox shows it as a problem
    rather than the message being lost."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    note = Notification(
        organisation_id=org.id,
        recipient=recipient or "",
        subject=subject[:300],
        body=body,
        account_id=account_id,
        kind=kind,
        params=json.dumps(params, ensure_ascii=False, sort_keys=True),
        created_at=at or utcnow(),
    )
    session.add(note)
    session.flush()
    return note


def readdress(session: Session, org: Organisation, person_id: int, email: str) -> int:
    """Give the unsent messages for ``person_id`` that had no address this one (tried afresh)."""
    waiting = select(Notification).where(
        Notification.organisation_id == org.id, Notification.recipient == "", Notification.sent_at.is_(None)
    )
    count = 0
    for note in session.scalars(waiting):
        params = json.loads(note.params) if note.params else {}
        if params.get("person") == person_id:
            note.recipient, note.attempts, note.last_error = email, 0, None
            count += 1
    session.flush()
    return count
