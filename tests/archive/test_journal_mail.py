"""Journal mail (issue 19): a registration task reaches the records system as an e-mail to its journal
address, with the thread as PDF/A and the metadata in the body and as XML, in the organisation's language;
sent through the outbox to a real SMTP server on loopback (aiosmtpd); nothing is lost while the relay is
down; the case number typed back closes the task. All through the CLI."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from lxml import etree

from rettesnor.archive import journalmail
from support.clisupport import run_cli
from support.pdfasupport import assert_pdfa

JOURNAL = "journal@hjorring.example"


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

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
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RETTESNOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RETTESNOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("RETTESNOR_SMTP_SECURITY", "none")
    monkeypatch.setenv("RETTESNOR_MAIL_FROM", "noreply@hjorring.example")
    run = lambda *args: run_cli(capsys, *args)  # noqa: E731
    assert run("db", "upgrade")[0] == 0 and run("demo", "load")[0] == 0
    return run


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setenv("RETTESNOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RETTESNOR_SMTP_PORT", str(controller.port))
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_complaint_reaches_the_journal_and_the_case_number_closes_it(cli, smtp: Inbox) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("tasks", "list", "--org", "hjorring", "--format", "json")
    task = next(t for t in json.loads(out) if t["kind"] == "complaint")
    number = task["id"][1:]
    code, _, err = cli("tasks", "send", number, "--org", "hjorring")
    assert code == 2 and "no journal address" in err and err.count("\n") == 1
    code, _, err = cli("tasks", "journal-address", "not-an-address", "--org", "hjorring")
    assert code == 2 and "must be an e-mail address" in err
    assert cli("tasks", "journal-address", JOURNAL, "--org", "hjorring")[0] == 0
    code, out, err = cli("tasks", "send", number, "--org", "hjorring")
    assert code == 0 and JOURNAL in out, err
    code, _, err = cli("tasks", "send", number, "--org", "hjorring")
    assert code == 2 and "sent to the journal already" in err

    # The relay is down: the message waits, nothing is lost.
    port = str(_free_port())  # nobody listens there
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RETTESNOR_SMTP_PORT", port)
        code, _, err = cli("mail", "send", "--org", "hjorring")
    assert code == 1 and "failed" in err and port in err and smtp.received == []
    code, out, _ = cli("mail", "outbox", "--org", "hjorring", "--format", "json")
    assert any(row["kind"] == "journal" and row["state"] == "waiting" for row in json.loads(out))

    code, out, err = cli("mail", "send", "--org", "hjorring")
    assert code == 0, err
    [message] = [m for t, m in smtp.received if JOURNAL in t]
    assert message["Content-Language"] == "da"
    assert message["Subject"].startswith("Til journalisering: klage modtaget på facebook")
    body = message.get_body(("plain",)).get_content()
    for expected in (
        "Organisation: Hjørring Kommune",
        "Meddelelsens id på platformen:",
        "Modtaget:",
        "Skal journaliseres efter: HJ-10",
        f"Registreringsopgave: R{number}",
    ):
        assert expected in body, (expected, body)
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert set(files) == {f"hjorring-R{number}.pdf", f"hjorring-R{number}.xml"}
    facts = assert_pdfa(files[f"hjorring-R{number}.pdf"], "da")
    assert facts["title"].startswith("Kommentartråd")
    meta = etree.fromstring(files[f"hjorring-R{number}.xml"])
    ns = {"r": journalmail.NS}
    assert meta.findtext("r:organisation", namespaces=ns) == "Hjørring Kommune"
    assert meta.findtext("r:kind", namespaces=ns) == "complaint"
    assert meta.findtext("r:task", namespaces=ns) == number
    assert "HJ-10" in meta.findtext("r:clauses", namespaces=ns)

    # The records system answers with a case number; typed back, it closes the task.
    code, out, _ = cli("people", "list", "--org", "hjorring", "--format", "json")
    person = str(json.loads(out)[0]["id"])
    close = ("tasks", "close", number, "--org", "hjorring", "--by", person, "--journal-ref", "26/01234-1")
    assert cli(*close)[0] == 0
    code, out, _ = cli("tasks", "list", "--org", "hjorring", "--all", "--format", "json")
    [done] = [t for t in json.loads(out) if t["id"] == task["id"]]
    assert done["journal_ref"] == "26/01234-1" and done["status"] == "closed"
