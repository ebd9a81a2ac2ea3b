"""E-mail for the outbox: the notifications the services owe people, written in the organisation's
language and sent over SMTP.

The services put a notification in the outbox (:mod:`rettesnor.governance.notices`) inside their own
transaction; ``rettesnor mail send`` (run it from cron or a systemd timer) sends what is waiting. Each
sent message is committed on its own, so a crash re-sends at most one. A refused message counts an
attempt and keeps its error; after :data:`MAX_ATTEMPTS` it waits for a person (``rettesnor mail outbox``
lists it). The e-mails carry names of accounts, ids and counts, never a citizen's words or name: the
details are behind the login, at the link.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from rettesnor.archive import journalmail
from rettesnor.governance import notices, people
from rettesnor.i18n import COUNTRY_LANGUAGE, N_, translator
from rettesnor.item import InputError
from rettesnor.records.archive_models import RegistrationTask
from rettesnor.records.db import session_factory
from rettesnor.records.models import Notification, Organisation, Person
from rettesnor.records.types import utcnow

MAX_ATTEMPTS = 5
BASE_URL = "http://127.0.0.1:8000"  # where `make run` serves; set RETTESNOR_BASE_URL in production
FOOTER = N_("This message was sent by Rettesnor for {organisation}. Replies are not read.")
# kind → (subject, body, the path of the page the link opens; the body ends with the full link)
MESSAGES: dict[str, tuple[str, str, str]] = {
    "account_live": (
        N_("New {platform} account: {account}"),
        N_(
            "{organisation} has opened {url} ({platform}). It is number {account_id} in the account "
            "registry and is now on the public list of accounts:"
        ),
        "/public/{slug}/accounts",
    ),
    "escalated": (
        N_("A comment on {account} was escalated to you"),
        N_(
            "A moderator has escalated a comment on {account} ({platform}) to you for a decision. "
            "It is waiting in the moderation queue:"
        ),
        "/moderation?status=escalated",
    ),
    "tasks_digest": (
        N_("Registration tasks: {open} open, {overdue} overdue"),
        N_(
            "You have {open} open registration tasks (complaints and case questions), {overdue} of them "
            "past their due date. Each must be registered in the journal or closed with a documented "
            "reason:"
        ),
        "/tasks",
    ),
    "publish_waiting": (
        N_("A post for {account} is waiting for your approval"),
        N_(
            "Post {post} for {account} is waiting for your approval. Its check and the author's "
            "acknowledgements are on its page:"
        ),
        "/publish/{post}",
    ),
    "publish_failed": (
        N_("Post {post} for {account} could not be published"),
        N_(
            "Post {post} for {account} could not be published. What happened, and what to do, is on its page:"
        ),
        "/publish/{post}",
    ),
}


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Where mail goes: ``RETTESNOR_SMTP_HOST``, ``…_PORT`` (587), ``…_USER``, ``…_PASSWORD``,
    ``…_SECURITY`` (``starttls``, ``tls`` or ``none``), ``RETTESNOR_MAIL_FROM`` and the address of the web
    application for the links, ``RETTESNOR_BASE_URL``."""

    host: str
    sender: str
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    base_url: str = BASE_URL
    timeout: float = 20.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> MailSettings:
        env = dict(os.environ) if environ is None else environ
        host = env.get("RETTESNOR_SMTP_HOST", "").strip()
        sender = env.get("RETTESNOR_MAIL_FROM", "").strip()
        if not host:
            raise InputError("no mail server: set RETTESNOR_SMTP_HOST (and RETTESNOR_MAIL_FROM)")
        if "@" not in sender:
            raise InputError(f"RETTESNOR_MAIL_FROM must be an e-mail address, not {sender!r}")
        security = env.get("RETTESNOR_SMTP_SECURITY", "starttls").strip().lower()
        if security not in ("starttls", "tls", "none"):
            raise InputError(f"RETTESNOR_SMTP_SECURITY is {security!r}; choose starttls, tls or none")
        port_text = env.get("RETTESNOR_SMTP_PORT", "465" if security == "tls" else "587").strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise InputError(f"RETTESNOR_SMTP_PORT must be a port number, not {port_text!r}")
        return cls(
            host=host,
            sender=sender,
            port=int(port_text),
            security=security,
            username=env.get("RETTESNOR_SMTP_USER") or None,
            password=env.get("RETTESNOR_SMTP_PASSWORD") or None,
            base_url=env.get("RETTESNOR_BASE_URL", BASE_URL).rstrip("/"),
        )


def language_of(org: Organisation) -> str:
    return COUNTRY_LANGUAGE.get(org.country, "en")


def compose(note: Notification, org: Organisation, settings: MailSettings) -> EmailMessage:
    """The e-mail for one notification, in the organisation's language."""
    lang = language_of(org)
    _ = translator(lang)
    values: dict[str, str | int] = json.loads(note.params) if note.params else {}
    values = {**values, "organisation": org.name, "slug": org.slug}
    subject, body = note.subject, note.body  # before 0008 only the English text was kept
    if note.kind in MESSAGES:
        subject_text, body_text, path = MESSAGES[note.kind]
        with contextlib.suppress(KeyError, ValueError):  # parameters missing: the English text goes
            subject, body = (
                _(subject_text).format(**values),
                _(body_text).format(**values) + "\n\n" + settings.base_url + path.format(**values),
            )
    if note.kind == "journal":  # a registration task for the records system (rettesnor.archive.journalmail)
        subject, body = journalmail.text(values, org, lang)
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = note.recipient
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = make_msgid(f"rettesnor.{note.id}", domain=settings.sender.rsplit("@", 1)[1])
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to us
    msg.set_content(body + "\n\n-- \n" + _(FOOTER).format(organisation=org.name) + "\n")
    msg["Content-Language"] = lang  # after set_content, which replaces the Content-* headers
    return msg


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0  # refused this time; tried again next run until MAX_ATTEMPTS
    given_up: int = 0  # no address, or MAX_ATTEMPTS reached: a person must look
    error: str | None = None  # the server could not be reached: nothing more was tried


Connect = Callable[[MailSettings], smtplib.SMTP]
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            smtp.starttls(context=context)
    if settings.username:
        smtp.login(settings.username, settings.password or "")
    return smtp


def _pending(session: Session, org_slug: str | None, limit: int | None) -> list[int]:
    query = select(Notification.id).where(
        Notification.sent_at.is_(None), Notification.attempts < MAX_ATTEMPTS
    )
    if org_slug is not None:
        query = query.join(Organisation, Organisation.id == Notification.organisation_id).where(
            Organisation.slug == org_slug
        )
    return list(session.scalars(query.order_by(Notification.id).limit(limit)))


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300]


def send_pending(
    engine: Engine,
    settings: MailSettings,
    *,
    org_slug: str | None = None,
    limit: int | None = None,
    opener: Connect = connect,
) -> SendReport:
    """Send what waits in the outbox, oldest first, one commit per message."""
    report = SendReport()
    factory = session_factory(engine)
    with factory() as session:
        ids = _pending(session, org_slug, limit)
    smtp: smtplib.SMTP | None = None
    try:
        for note_id in ids:
            with factory.begin() as session:
                note = session.get(Notification, note_id)
                if note is None or note.sent_at is not None:
                    continue
                if not note.recipient:
                    note.attempts, note.last_error = MAX_ATTEMPTS, "no e-mail address for the recipient"
                    report.given_up += 1
                    continue
                org = session.get(Organisation, note.organisation_id)
                assert org is not None  # the foreign key says so
                message = compose(note, org, settings)
                if note.kind == "journal":  # the thread as PDF/A and the metadata as XML
                    journalmail.attach(session, org, note, message)
                try:
                    if smtp is None:
                        smtp = opener(settings)
                    smtp.send_message(message)
                except REFUSED as exc:  # this message only: the next may go
                    _failed(note, exc, report)
                    continue
                except (OSError, smtplib.SMTPException) as exc:  # the server: stop, try all again later
                    _failed(note, exc, report)
                    report.error = f"the mail server {settings.host}:{settings.port} failed: {_short(exc)}"
                    break
                note.sent_at, note.last_error = utcnow(), None
                report.sent += 1
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return report


def _failed(note: Notification, exc: BaseException, report: SendReport) -> None:
    note.attempts += 1
    note.last_error = _short(exc)
    if note.attempts >= MAX_ATTEMPTS:
        report.given_up += 1
    else:
        report.failed += 1


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    organisation: str
    kind: str
    recipient: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    attempts: int
    last_error: str | None

    @property
    def state(self) -> str:
        if self.sent_at is not None:
            return "sent"
        return "stuck" if self.attempts >= MAX_ATTEMPTS else "waiting"


def outbox(session: Session, org: Organisation, include_sent: bool = False) -> list[OutboxRow]:
    query = select(Notification).where(Notification.organisation_id == org.id)
    if not include_sent:
        query = query.where(Notification.sent_at.is_(None))
    return [_row(n, org.slug) for n in session.scalars(query.order_by(Notification.id))]


def _row(n: Notification, slug: str) -> OutboxRow:
    return OutboxRow(
        n.id, slug, n.kind or "message", n.recipient, n.created_at, n.sent_at, n.attempts, n.last_error
    )


def retry(session: Session, org: Organisation, ids: list[int]) -> int:
    """Try stuck messages again (the relay or the address was fixed); returns how many."""
    query = select(Notification).where(
        Notification.organisation_id == org.id, Notification.id.in_(ids), Notification.sent_at.is_(None)
    )
    notes = [n for n in session.scalars(query) if n.recipient]
    for note in notes:
        note.attempts, note.last_error = 0, None
    return len(notes)


def task_digests(session: Session, org: Organisation, today: dt.date) -> int:
    """One message per owner of open registration tasks (unowned ones go to the records managers),
    at most one per person and day; returns how many were put in the outbox."""
    overdue_col = func.sum(case((RegistrationTask.due_on < today, 1), else_=0))
    rows = session.execute(
        select(RegistrationTask.owner_id, func.count(), overdue_col)
        .where(RegistrationTask.organisation_id == org.id, RegistrationTask.status == "open")
        .group_by(RegistrationTask.owner_id)
    ).all()
    managers = people.holders(session, org, "records_manager")
    counts: dict[int, list[int]] = {}
    for owner, total, overdue in rows:
        for person_id in [owner] if owner is not None else managers:
            mine = counts.setdefault(person_id, [0, 0])
            mine[0] += int(total)
            mine[1] += int(overdue or 0)
    done = _digested(session, org, today)
    made = 0
    for person_id, (total, overdue) in sorted(counts.items()):
        person = session.get(Person, person_id)
        if person is None or person.left_on is not None or person_id in done:
            continue
        params: notices.Params = {
            "day": today.isoformat(),
            "person": person_id,
            "open": total,
            "overdue": overdue,
        }
        notices.owe(
            session,
            org,
            "tasks_digest",
            person.email,
            params,
            subject=f"Registration tasks: {total} open, {overdue} overdue",
            body=f"Person {person_id} has {total} open registration tasks, {overdue} of them overdue.",
        )
        made += 1
    return made


def _digested(session: Session, org: Organisation, today: dt.date) -> set[int]:
    """The people who were given their digest of ``today`` already."""
    since = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(), dt.UTC)
    query = select(Notification.params).where(
        Notification.organisation_id == org.id,
        Notification.kind == "tasks_digest",
        Notification.created_at >= since,
    )
    found = (json.loads(p) for p in session.scalars(query) if p)
    return {int(p["person"]) for p in found if p.get("day") == today.isoformat()}
