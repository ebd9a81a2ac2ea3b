"""Tasks by the references people see (R1, T1) and people by their login, on the command line; and the
complaint rule (Hjørring HJ-10: a complaint cannot be rejected, only registered) on the CLI, the API and
the page. On the demo database."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from rettesnor.i18n import catalogue
from rettesnor.records.db import make_engine
from support.clisupport import run_cli
from support.webapp import TestClient, api_token, load_demo, login, make_app


def _tasks(capsys: pytest.CaptureFixture[str], org: str, *extra: str) -> list[dict[str, Any]]:
    code, out, err = run_cli(capsys, "tasks", "list", "--org", org, "--format", "json", *extra)
    assert code == 0, err
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def test_close_tasks_by_the_references_listed_and_people_by_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RETTESNOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RETTESNOR_DATABASE_URL", raising=False)
    assert run_cli(capsys, "db", "upgrade")[0] == 0
    assert run_cli(capsys, "demo", "load")[0] == 0
    org = ("--org", "hjorring")

    rows = _tasks(capsys, "hjorring")
    complaint = next(r for r in rows if r["kind"] == "complaint")
    question = next(r for r in rows if r["kind"] == "case_inquiry")
    takedown = next(r for r in rows if r["kind"] == "takedown")
    assert complaint["id"].startswith("R") and takedown["id"].startswith("T")
    danish = catalogue("da")["Register the complaint in message {record} ({platform})"].split("{")[0]
    assert complaint["title"].startswith(danish)  # in the organisation's language, not English

    close = ["tasks", "close", complaint["id"], *org]
    code, _, err = run_cli(capsys, *close, "--by", "hjorring.arkiv", "--reason", "Ikke relevant for kommunen")
    assert code == 2 and "cannot be rejected, only registered" in err and err.count("\n") == 1
    code, _, err = run_cli(capsys, *close, "--by", "nobody", "--journal-ref", "27.12.00-A00-1-26")
    assert code == 2 and "no login 'nobody'" in err
    code, _, err = run_cli(capsys, "tasks", "close", "X1", *org, "--by", "arkiv", "--journal-ref", "1")
    assert code == 2 and "R1 for a registration" in err

    code, out, err = run_cli(capsys, *close, "--by", "hjorring.arkiv", "--journal-ref", "27.12.00-A00-1-26")
    assert code == 0 and complaint["id"] in out, err
    code, out, _ = run_cli(capsys, "tasks", "show", complaint["id"], *org, "--format", "json")
    shown = json.loads(out)
    people = json.loads(run_cli(capsys, "people", "list", *org, "--format", "json")[1])
    archivist = next(p for p in people if p["login"] == "hjorring.arkiv")
    assert shown["status"] == "closed" and shown["journal_ref"] == "27.12.00-A00-1-26"
    assert shown["closed_by"] == archivist["name"]
    code, _, err = run_cli(capsys, *close, "--by", "arkiv", "--journal-ref", "again")
    assert code == 2 and "closed already" in err

    # a case question may be closed with a documented reason; the short login works within the org
    reason = "Besvaret som generel vejledning i tråden"
    assert (
        run_cli(capsys, "tasks", "close", question["id"], *org, "--by", "leder", "--reason", reason)[0] == 0
    )
    # a takedown closes with what was done; `tasks done` takes the T reference as well
    code, _, err = run_cli(capsys, "tasks", "done", takedown["id"], *org, "--by", "komm", "--note", "Fjernet")
    assert code == 0, err
    closed = {r["id"]: r for r in _tasks(capsys, "hjorring", "--all")}
    assert {closed[i]["status"] for i in (complaint["id"], question["id"], takedown["id"])} == {"closed"}
    assert not {complaint["id"], question["id"], takedown["id"]} & {
        r["id"] for r in _tasks(capsys, "hjorring")
    }

    other = next(r for r in _tasks(capsys, "hjorring") if r["id"].startswith("R"))
    code, out, _ = run_cli(capsys, "tasks", "assign", other["id"], "hjorring.leder", *org)
    leader = next(p for p in people if p["login"] == "hjorring.leder")
    assert code == 0 and leader["name"] in out
    assert next(r for r in _tasks(capsys, "hjorring") if r["id"] == other["id"])["owner"] == leader["name"]


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    folder = Path(tempfile.mkdtemp(prefix="rettesnor-tasks-"))
    made = make_engine(f"sqlite:///{folder / 'tasks.db'}")
    load_demo(made)
    yield made
    made.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def test_the_api_registers_a_complaint_and_never_rejects_one(engine: Engine) -> None:
    client = TestClient(make_app(engine))
    auth = {"Authorization": f"Bearer {api_token(engine, 'norsjo', username='norsjo.arkiv')}"}
    items = client.get("/api/v1/tasks?limit=200", headers=auth).json()["items"]
    complaint = next(t for t in items if t["kind"] == "complaint")
    swedish = catalogue("sv")["Register the complaint in message {record} ({platform})"].split("{")[0]
    assert complaint["title"].startswith(swedish)
    refused = client.post(
        f"/api/v1/tasks/{complaint['id']}/close", headers=auth, json={"reason": "Inte relevant för kommunen"}
    )
    assert refused.status_code == 422 and "cannot be rejected" in refused.json()["detail"]
    done = client.post(
        f"/api/v1/tasks/{complaint['id']}/close", headers=auth, json={"journal_ref": "KS 2026/7"}
    )
    assert done.status_code == 200 and done.json()["status"] == "closed", done.text
    reader = {"Authorization": f"Bearer {api_token(engine, 'norsjo', ['tasks:read'], 'norsjo.arkiv')}"}
    other = next(t for t in items if t["kind"] == "case_inquiry")
    closing = client.post(f"/api/v1/tasks/{other['id']}/close", headers=reader, json={"journal_ref": "x"})
    assert closing.status_code == 403


def _open_ref(engine: Engine, org: str, kind: str) -> str:
    from rettesnor.governance import tenants
    from rettesnor.moderation import worklist
    from rettesnor.records.db import session_factory

    with session_factory(engine)() as session:
        items = worklist.list_work(session, tenants.get_organisation(session, org))
    return next(i.ref for i in items if i.kind == kind)


def test_the_page_refuses_to_reject_a_complaint(engine: Engine) -> None:
    client = TestClient(make_app(engine))
    csrf = login(client, "hjorring.arkiv")
    ref = _open_ref(engine, "hjorring", "complaint")
    page = client.get(f"/tasks/{ref}")
    assert page.status_code == 200 and f'action="/tasks/{ref}/register"' in page.text
    assert f'action="/tasks/{ref}/close"' not in page.text  # no way to reject it on the page
    refused = client.post(f"/tasks/{ref}/close", data={"csrf": csrf, "reason": "Ikke relevant for kommunen"})
    assert refused.status_code == 422 and "cannot be rejected" in refused.text
    assert (
        client.get(f"/tasks/{ref}").status_code == 200 and _open_ref(engine, "hjorring", "complaint") == ref
    )
