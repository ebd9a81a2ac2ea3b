"""The records manager's pages (issue 19): the thread and the record as PDF/A, an access request as PDF/A
in the requester's language, an E-ARK/FGS package as a ZIP that validates, and a registration task sent
to the journal and closed with the case number typed back. Over HTTP against the real application, on a
demo database of its own (the journal address is set in it)."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from rettesnor.archive import journalmail
from rettesnor.records.db import make_engine, unit_of_work
from rettesnor.records.models import Notification, Organisation
from support.earksupport import eark_errors
from support.pdfasupport import assert_pdfa
from support.webapp import TestClient, load_demo, login, make_app

VALIDATOR_BUG = ("schematron_results: SIP14 ",)  # see tests/archive/test_records_exports.py


@pytest.fixture(scope="module")
def engine() -> Iterator[object]:
    folder = Path(tempfile.mkdtemp(prefix="rettesnor-records-web-"))
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    load_demo(engine)
    yield engine
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def _client(engine: object, username: str) -> tuple[TestClient, str]:
    client = TestClient(make_app(engine))  # type: ignore[arg-type]
    return client, login(client, username)


def _records(client: TestClient) -> list[str]:
    return re.findall(r'name="record" value="(\d+)"', client.get("/archive?kind=comment").text)


def test_documents_and_access_request_as_pdfa(engine: object) -> None:
    client, csrf = _client(engine, "hjorring.arkiv")
    ids = _records(client)
    page = client.get(f"/archive/records/{ids[0]}").text
    assert f"/archive/records/{ids[0]}/document.pdf?of=thread" in page
    r = client.get(f"/archive/records/{ids[0]}/document.pdf?of=thread")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "attachment" in r.headers["content-disposition"]
    assert_pdfa(r.content, "da")
    r = client.get(f"/archive/records/{ids[0]}/document.pdf?of=record&lang=nb")
    assert assert_pdfa(r.content, "nb")["title"].startswith(f"Post {ids[0]} med alle versjoner")
    r = client.post("/archive/export.pdf", data={"csrf": csrf, "record": ids[:2], "lang": "sv"})
    assert r.status_code == 200 and assert_pdfa(r.content, "sv")["title"].startswith(
        "Begäran om allmän handling"
    )
    # Another organisation's record is not found; a forged form is refused; an odd language is refused.
    other = _client(engine, "norsjo.arkiv")[0]
    assert other.get(f"/archive/records/{ids[0]}/document.pdf").status_code == 404
    assert client.post("/archive/export.pdf", data={"csrf": "x", "record": ids[:1]}).status_code in (400, 403)
    r = client.post("/archive/export.pdf", data={"csrf": csrf, "record": ids[:1], "lang": "fr"})
    assert r.status_code == 422


def test_package_download_validates(engine: object, tmp_path: Path) -> None:
    client, csrf = _client(engine, "norsjo.arkiv")
    assert "Paket till arkivet" in client.get("/archive").text  # the Swedish records manager's language
    r = client.post("/archive/package", data={"csrf": csrf, "format": "fgs", "agreement": "LÖ 2026:3"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        z.extractall(tmp_path)
    [package] = list(tmp_path.iterdir())
    assert [e for e in eark_errors(package) if not e.startswith(VALIDATOR_BUG)] == []
    assert "LÖ 2026:3" in (package / "METS.xml").read_text(encoding="utf-8")
    bad = client.post("/archive/package", data={"csrf": csrf, "format": "eark", "since": "2026-13-01"})
    assert bad.status_code == 422


def test_send_a_task_to_the_journal_and_type_back_the_case_number(engine: object) -> None:
    client, csrf = _client(engine, "hjorring.arkiv")
    listed = re.search(r'href="/tasks/R(\d+)"', client.get("/tasks").text)
    assert listed, "the records manager sees the registration tasks"
    number = listed.group(1)
    assert f'action="/tasks/{number}/journal"' in client.get(f"/tasks/R{number}").text, "a send button"
    r = client.post(f"/tasks/{number}/journal", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 422 and "no journal address" in r.text
    with unit_of_work(engine, actor="test") as session:  # type: ignore[arg-type]
        org = session.scalars(select(Organisation).where(Organisation.slug == "hjorring")).one()
        journalmail.set_address(session, org, "journal@hjorring.example")
    r = client.post(f"/tasks/{number}/journal", data={"csrf": csrf}, follow_redirects=True)
    assert r.status_code == 200 and "journal@hjorring.example" in r.text
    with unit_of_work(engine, actor="test") as session:  # type: ignore[arg-type]
        notes = session.scalars(select(Notification).where(Notification.kind == "journal")).all()
        assert [n.recipient for n in notes] == ["journal@hjorring.example"]
    r = client.post(f"/tasks/{number}/journal-ref", data={"csrf": csrf, "journal_ref": "26/00042-1"})
    assert r.status_code == 200 and "26/00042-1" in r.text
    assert f'action="/tasks/{number}/journal"' not in client.get(f"/tasks/R{number}").text  # closed
    # A unit leader sees the tasks but may not send them to the journal.
    leader, leader_csrf = _client(engine, "hjorring.leder")
    assert "/journal-ref" not in leader.get(f"/tasks/R{number}").text
    assert leader.post(f"/tasks/{number}/journal", data={"csrf": leader_csrf}).status_code == 403
