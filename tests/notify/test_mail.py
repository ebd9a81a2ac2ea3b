"""E-mail from the outbox: what is owed (service office, escalations, task digests), written in the
organisation's language, sent to a real SMTP server on loopback (aiosmtpd), retried, never lost."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from rettesnor.governance import notices, people
from rettesnor.governance.errors import InvalidValue
from rettesnor.intake import ingest
from rettesnor.moderation import queue, registration
from rettesnor.notify import mail
from rettesnor.records import migrate
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import session_factory, unit_of_work
from rettesnor.records.models import Notification, Organisation
from support.archivedata import comment, post, town_with_account
from support.clisupport import run_cli
from support.dbsupport import FreshDatabase
from support.govdata import TODAY, live_account, make_town

INSULT_NB = "Du er en idiot og en klovn, hele kommunen er en gjeng idioter."
LEADER_MAIL = "ragna.vestergaard@alpha.example"


class Inbox:
    """An SMTP server's handler: keeps what it accepts, refuses the addresses it is told to."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, mail.MailSettings]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = mail.MailSettings(
        host="127.0.0.1",
        port=controller.port,
        security="none",
        sender="noreply@kommune.example",
        base_url="https://rettesnor.kommune.example",
        timeout=5,
    )
    try:
        yield inbox, settings
    finally:
        controller.stop()


def _notes(db: Session, org: Organisation, kind: str) -> list[Notification]:
    query = select(Notification).where(Notification.organisation_id == org.id, Notification.kind == kind)
    return list(db.scalars(query.order_by(Notification.id)))


def test_escalation_tells_the_leader_without_the_comment(db: Session) -> None:
    town = town_with_account(db, "alpha", "no-hustadvika")
    assert town.account is not None
    town.leader.email = LEADER_MAIL
    ingest(
        db, town.org, [post("p1", "Ny busplan.", town.account.id), comment("c0", INSULT_NB, town.account.id)]
    )
    record = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "c0")).one()
    queue.decide(db, town.org, record.id, "escalate", by=town.b.id, reason="Vanskelig sak, trenger leder")
    (note,) = _notes(db, town.org, "escalated")
    assert note.recipient == LEADER_MAIL and note.sent_at is None
    assert json.loads(note.params or "{}") == {
        "record_id": record.id,
        "account": "Skovbo Skole",
        "platform": "facebook",
        "person": town.leader.id,
    }
    written = mail.compose(note, town.org, mail.MailSettings(host="x", sender="noreply@alpha.example"))
    text = written.get_content() + str(written["Subject"])
    assert "eskalert" not in text and "sendt videre til deg" in text  # Norwegian, the organisation's
    assert "idiot" not in text and "Vanskelig" not in text  # not the comment, not the moderator's reason
    assert "http://127.0.0.1:8000/moderation?status=escalated" in text


@pytest.mark.parametrize(
    ("pack", "subject"),
    [
        ("dk-hjorring", "Ny facebook-konto: Skovbo Skole"),
        ("no-hustadvika", "Ny facebook-konto: Skovbo Skole"),
        ("se-norsjo", "Nytt facebook-konto: Skovbo Skole"),
    ],
)
def test_the_service_office_is_told_in_the_organisations_language(
    db: Session, pack: str, subject: str
) -> None:
    town = make_town(db, f"lang{pack[:2]}", pack=pack)
    live_account(db, town)
    (note,) = _notes(db, town.org, "account_live")
    written = mail.compose(note, town.org, mail.MailSettings(host="x", sender="noreply@kommune.example"))
    assert written["Subject"] == subject and written["To"] == f"service@lang{pack[:2]}.example"
    assert written["Content-Language"] == mail.language_of(town.org) != "en"
    assert written["Auto-Submitted"] == "auto-generated"
    assert f"http://127.0.0.1:8000/public/lang{pack[:2]}/accounts" in written.get_content()


def _town_with_notes(engine: Engine) -> tuple[str, int]:
    """A live account (a note for the service office) and a note for someone without an address."""
    with unit_of_work(engine) as s:
        town = make_town(s, "mailtown", pack="no-hustadvika")
        live_account(s, town)
        params: notices.Params = {"record_id": 1, "account": "Skovbo Skole", "platform": "facebook"}
        notices.owe(s, town.org, "escalated", None, params, subject="x", body="y")
        return town.org.slug, town.org.id


def test_sent_over_smtp_once(fresh_engine: Engine, smtp: tuple[Inbox, mail.MailSettings]) -> None:
    inbox, settings = smtp
    slug, _ = _town_with_notes(fresh_engine)
    report = mail.send_pending(fresh_engine, settings)
    assert (report.sent, report.failed, report.given_up, report.error) == (1, 0, 1, None)
    ((to, message),) = inbox.received
    assert to == ["service@mailtown.example"] and message["From"] == "noreply@kommune.example"
    assert message["Subject"] == "Ny facebook-konto: Skovbo Skole"
    assert "https://rettesnor.kommune.example/public/mailtown/accounts" in message.get_content()
    again = mail.send_pending(fresh_engine, settings)
    assert (again.sent, again.given_up) == (0, 0) and len(inbox.received) == 1  # nothing twice
    with session_factory(fresh_engine)() as s:
        org = s.scalars(select(Organisation).where(Organisation.slug == slug)).one()
        states = {(r.kind, r.state, r.last_error) for r in mail.outbox(s, org, include_sent=True)}
    assert states == {
        ("account_live", "sent", None),
        ("escalated", "stuck", "no e-mail address for the recipient"),
    }


def test_a_refused_address_is_retried_then_left_for_a_person(
    fresh_engine: Engine, smtp: tuple[Inbox, mail.MailSettings]
) -> None:
    inbox, settings = smtp
    inbox.refuse.add("service@mailtown.example")
    _, org_id = _town_with_notes(fresh_engine)
    with unit_of_work(fresh_engine) as s:
        org = s.get(Organisation, org_id)
        assert org is not None
        notices.owe(
            s, org, "tasks_digest", "owner@mailtown.example", {"open": 2, "overdue": 1}, subject="x", body="y"
        )
    first = mail.send_pending(fresh_engine, settings)
    assert (first.sent, first.failed, first.error) == (1, 1, None)  # one refused, the next still sent
    assert [to for to, _ in inbox.received] == [["owner@mailtown.example"]]
    assert inbox.received[0][1]["Subject"] == "Journalføringsoppgaver: 2 åpne, 1 over fristen"
    for _ in range(mail.MAX_ATTEMPTS - 1):
        mail.send_pending(fresh_engine, settings)
    with session_factory(fresh_engine)() as s:
        org = s.get(Organisation, org_id)
        assert org is not None
        (row,) = [r for r in mail.outbox(s, org) if r.kind == "account_live"]
    assert (row.state, row.attempts) == ("stuck", mail.MAX_ATTEMPTS) and "550" in (row.last_error or "")
    assert mail.send_pending(fresh_engine, settings).failed == 0  # no longer tried


def test_a_server_that_is_down_loses_nothing(
    fresh_engine: Engine, smtp: tuple[Inbox, mail.MailSettings]
) -> None:
    inbox, settings = smtp
    _town_with_notes(fresh_engine)
    down = mail.MailSettings(host="127.0.0.1", port=_free_port(), security="none", sender=settings.sender)
    report = mail.send_pending(fresh_engine, down)
    assert report.sent == 0 and report.error is not None and "127.0.0.1" in report.error
    assert mail.send_pending(fresh_engine, settings).sent == 1 and len(inbox.received) == 1


def test_task_digest_once_a_day_unowned_to_the_records_managers(db: Session) -> None:
    town = make_town(db, "digesttown", pack="dk-hjorring")
    town.a.email, town.hr.email = "tove@digesttown.example", "halvard@digesttown.example"
    people.grant_role(db, town.org, town.hr.id, "records_manager")
    day = TODAY - dt.timedelta(days=10)
    owned = [registration.create_for_record(db, town.org, None, "complaint", today=d) for d in (day, TODAY)]
    for task in owned:
        assert task is not None
        task.owner_id = town.a.id
    registration.create_for_record(db, town.org, None, "case_inquiry", today=TODAY)  # nobody owns it
    db.flush()
    assert mail.task_digests(db, town.org, TODAY) == 2
    got = {n.recipient: json.loads(n.params or "{}") for n in _notes(db, town.org, "tasks_digest")}
    assert {k: (v["open"], v["overdue"]) for k, v in got.items()} == {
        "tove@digesttown.example": (2, 1),
        "halvard@digesttown.example": (1, 0),
    }
    assert mail.task_digests(db, town.org, TODAY) == 0  # once a day
    assert mail.task_digests(db, town.org, TODAY + dt.timedelta(days=1)) == 2


def test_settings_name_what_is_wrong() -> None:
    with pytest.raises(Exception, match="no mail server: set RETTESNOR_SMTP_HOST"):
        mail.MailSettings.from_env({})
    with pytest.raises(Exception, match="RETTESNOR_MAIL_FROM must be an e-mail address"):
        mail.MailSettings.from_env({"RETTESNOR_SMTP_HOST": "smtp.example", "RETTESNOR_MAIL_FROM": "x"})
    with pytest.raises(Exception, match="RETTESNOR_SMTP_PORT must be a port number"):
        mail.MailSettings.from_env(
            {"RETTESNOR_SMTP_HOST": "h", "RETTESNOR_MAIL_FROM": "a@b.example", "RETTESNOR_SMTP_PORT": "smtp"}
        )
    env = {
        "RETTESNOR_SMTP_HOST": "h",
        "RETTESNOR_MAIL_FROM": "a@b.example",
        "RETTESNOR_SMTP_SECURITY": "TLS",
        "RETTESNOR_SMTP_PASSWORD": "pw",
    }
    tls = mail.MailSettings.from_env(env)
    assert (tls.port, tls.security) == (465, "tls") and "pw" not in repr(tls)


def test_mail_cli(
    empty_db: FreshDatabase,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    smtp: tuple[Inbox, mail.MailSettings],
) -> None:
    inbox, settings = smtp
    migrate.upgrade(empty_db.engine)
    slug, _ = _town_with_notes(empty_db.engine)
    monkeypatch.setenv("RETTESNOR_DATABASE_URL", empty_db.url)
    for name in ("RETTESNOR_SMTP_HOST", "RETTESNOR_MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    code, out, err = run_cli(capsys, "mail", "send")
    assert code == 2 and out == "" and err.count("\n") == 1 and "RETTESNOR_SMTP_HOST" in err
    code, out, _ = run_cli(capsys, "mail", "outbox", "-o", slug, "--format", "json")
    assert code == 0 and sorted(r["state"] for r in json.loads(out)) == ["waiting", "waiting"]
    monkeypatch.setenv("RETTESNOR_SMTP_HOST", settings.host)
    monkeypatch.setenv("RETTESNOR_SMTP_PORT", str(settings.port))
    monkeypatch.setenv("RETTESNOR_SMTP_SECURITY", "none")
    monkeypatch.setenv("RETTESNOR_MAIL_FROM", settings.sender)
    code, out, err = run_cli(capsys, "mail", "send")
    assert code == 0 and "sent 1" in out and len(inbox.received) == 1, err
    code, out, _ = run_cli(capsys, "mail", "outbox", "-o", slug)
    assert code == 0 and "stuck" in out and "no e-mail address" in out
    code, out, err = run_cli(capsys, "mail", "digest", "-o", slug, "--date", "2026-02-30")
    assert code == 2 and err.count("\n") == 1 and "2026-02-30" in err
    people_ids = json.loads(run_cli(capsys, "people", "list", "-o", slug, "--format", "json")[1])
    first = str(people_ids[0]["id"])
    code, out, err = run_cli(capsys, "people", "set-email", first, "not-an-address", "-o", slug)
    assert code == 2 and out == "" and err.count("\n") == 1 and "invalid e-mail address" in err
    code, out, err = run_cli(capsys, "people", "set-email", first, "tove@mailtown.example", "-o", slug)
    assert code == 0, err
    code, out, _ = run_cli(capsys, "mail", "retry", "999999", "-o", slug)
    assert code == 0 and out.startswith("0 of 1")


def test_a_message_missing_its_parameters_goes_in_english(db: Session) -> None:
    town = make_town(db, "oldtown", pack="se-norsjo")
    for kind, params in (("escalated", '{"record_id": 3}'), (None, None)):  # a row from before 0008 too
        note = Notification(
            id=99,
            organisation_id=town.org.id,
            recipient="a@oldtown.example",
            kind=kind,
            params=params,
            subject="Record 3 was escalated",
            body="English body",
        )
        written = mail.compose(note, town.org, mail.MailSettings(host="x", sender="noreply@oldtown.example"))
        assert written["Subject"] == "Record 3 was escalated" and "English body" in written.get_content()


def test_a_leader_without_an_address_gets_the_message_once_one_is_set(
    fresh_engine: Engine, smtp: tuple[Inbox, mail.MailSettings]
) -> None:
    inbox, settings = smtp
    with unit_of_work(fresh_engine) as s:
        town = town_with_account(s, "alpha", "no-hustadvika")
        assert town.account is not None
        ingest(s, town.org, [comment("c0", INSULT_NB, town.account.id)])
        record = s.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == "c0")).one()
        queue.decide(s, town.org, record.id, "escalate", by=town.b.id, reason="Trenger leder")
        org_id, leader_id = town.org.id, town.leader.id
    assert mail.send_pending(fresh_engine, settings).given_up == 1  # the leader had no address
    with unit_of_work(fresh_engine) as s:
        org = s.get(Organisation, org_id)
        assert org is not None
        with pytest.raises(InvalidValue, match="invalid e-mail address 'ragna at alpha'"):
            people.set_email(s, org, leader_id, "ragna at alpha")
        people.set_email(s, org, leader_id, LEADER_MAIL)
    assert mail.send_pending(fresh_engine, settings).sent == 1
    escalations = [(to, m) for to, m in inbox.received if "sendt videre" in str(m["Subject"])]
    assert [to for to, _ in escalations] == [[LEADER_MAIL]]


def test_stuck_messages_are_tried_again_on_request(
    fresh_engine: Engine, smtp: tuple[Inbox, mail.MailSettings]
) -> None:
    inbox, settings = smtp
    inbox.refuse.add("service@mailtown.example")
    _, org_id = _town_with_notes(fresh_engine)
    for _ in range(mail.MAX_ATTEMPTS):
        mail.send_pending(fresh_engine, settings)
    inbox.refuse.clear()  # the relay's address book was fixed
    with unit_of_work(fresh_engine) as s:
        org = s.get(Organisation, org_id)
        assert org is not None
        ids = [r.id for r in mail.outbox(s, org)]
        assert mail.retry(s, org, ids) == 1  # the one without an address stays stuck
    assert mail.send_pending(fresh_engine, settings).sent == 1
    assert [to for to, _ in inbox.received] == [["service@mailtown.example"]]
