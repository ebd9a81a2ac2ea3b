"""The REST API for people, reviews, consents and the archive (record, access request, verify): scopes,
pagination, problem details, and the same answers as the services."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from rettesnor.archive import noark5
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import session_factory
from rettesnor.records.models import Organisation
from support.webapp import TestClient, api_token, demo_engine, make_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app())


@pytest.fixture(scope="module")
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(demo_engine(), 'hustadvika')}"}


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_people_reviews_and_overdue_are_paginated(client: TestClient, auth: dict[str, str]) -> None:
    first = _ok(client.get("/api/v1/people?limit=5", headers=auth))
    assert len(first["items"]) == 5 and first["total"] > 5 and first["next_offset"] == 5
    assert {"id", "name", "unit_id", "started_on"} <= set(first["items"][0])
    rest = _ok(client.get(f"/api/v1/people?limit=200&offset={first['next_offset']}", headers=auth))
    assert len(rest["items"]) == first["total"] - 5 and rest["next_offset"] is None
    reviews = _ok(client.get("/api/v1/reviews?limit=200", headers=auth))
    assert reviews["total"] > 0 and all(
        r["kind"] in ("yearly", "onboarding", "policy") for r in reviews["items"]
    )
    person = reviews["items"][0]["person_id"]
    own = _ok(client.get(f"/api/v1/reviews?person={person}", headers=auth))
    assert own["total"] >= 1 and {r["person_id"] for r in own["items"]} == {person}
    late = _ok(client.get("/api/v1/reviews/overdue?limit=200", headers=auth))
    today = dt.date.today().isoformat()
    assert late["total"] > 0 and all(r["due_on"] < today and r["person_name"] for r in late["items"])
    assert client.get("/api/v1/reviews?person=999999", headers=auth).status_code == 404


def test_consents(client: TestClient, auth: dict[str, str]) -> None:
    page = _ok(client.get("/api/v1/consents", headers=auth))
    assert page["total"] >= 2 and any(c["withdrawn_on"] for c in page["items"])
    ref = page["items"][0]["media_ref"]
    only = _ok(client.get("/api/v1/consents", params={"media_ref": ref}, headers=auth))
    assert {c["media_ref"] for c in only["items"]} == {ref}


def test_record_access_request_and_verify(client: TestClient, auth: dict[str, str]) -> None:
    with session_factory(demo_engine())() as session:
        org = session.scalars(select(Organisation.id).where(Organisation.slug == "hustadvika")).one()
        record = session.scalars(
            select(ArchiveRecord).where(ArchiveRecord.organisation_id == org, ArchiveRecord.kind == "comment")
        ).first()
        assert record is not None
        rid, author = record.id, record.author_name
    doc = _ok(client.get(f"/api/v1/archive/records/{rid}", headers=auth))
    assert doc["id"] == rid and doc["versions"] and doc["versions"][0]["event"] == "create"
    assert len(doc["versions"][0]["entry_hash"]) == 64
    released = _ok(client.post("/api/v1/archive/access-requests", json={"records": [rid]}, headers=auth))
    assert released["records"][0]["record"] == rid and author and author not in str(released)
    assert {"field": "attributedTo", "category": "person_name"} in released["records"][0]["redactions"]
    empty = client.post("/api/v1/archive/access-requests", json={"records": []}, headers=auth)
    assert empty.status_code == 422 and empty.headers["content-type"].startswith("application/problem+json")
    missing = client.post("/api/v1/archive/access-requests", json={"records": [99999999]}, headers=auth)
    assert missing.status_code == 404
    checked = _ok(client.post("/api/v1/archive/verify", headers=auth))
    assert checked["ok"] is True and checked["entries"] > 0 and checked["problem"] is None


def test_scopes_are_enforced(client: TestClient) -> None:
    narrow = {"Authorization": f"Bearer {api_token(demo_engine(), 'hustadvika', ['check'])}"}
    for method, url in (
        ("GET", "/api/v1/people"),
        ("GET", "/api/v1/reviews"),
        ("GET", "/api/v1/consents"),
        ("GET", "/api/v1/reviews/overdue"),
        ("POST", "/api/v1/archive/verify"),
    ):
        r = client.request(method, url, headers=narrow)
        assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json"), url
    assert client.get("/api/v1/people").status_code == 401


def test_exports_jsonl_noark5_and_journalpost(client: TestClient, auth: dict[str, str]) -> None:
    lines = client.get("/api/v1/archive/export.jsonl", headers=auth)
    assert lines.status_code == 200 and lines.headers["content-type"].startswith("application/jsonl")
    rows = [json.loads(line) for line in lines.text.splitlines()]
    assert rows and [r["seq"] for r in rows] == sorted(r["seq"] for r in rows)
    assert all(len(r["entry_hash"]) == 64 for r in rows)

    extract = client.get("/api/v1/archive/export.noark5.zip", headers=auth)
    assert extract.status_code == 200 and extract.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(extract.content)) as z:
        names = set(z.namelist())
        assert {"arkivuttrekk.xml", "arkivstruktur.xml", "endringslogg.xml"} <= names
        structure = etree.fromstring(z.read("arkivstruktur.xml"))
    schema = etree.XMLSchema(etree.parse(str(noark5.schema_path("arkivstruktur"))))
    assert schema.validate(structure), schema.error_log.last_error

    tasks = _ok(client.get("/api/v1/tasks?limit=200", headers=auth))["items"]
    registration = next(t for t in tasks if t["kind"] in ("complaint", "case_inquiry"))
    post = client.get(f"/api/v1/tasks/{registration['id']}/journalpost", headers=auth)
    assert post.status_code == 200 and post.headers["content-type"].startswith("application/xml")
    assert b"journalpost" in post.content
    assert client.get("/api/v1/tasks/R99999999/journalpost", headers=auth).status_code == 404
    assert client.get("/api/v1/tasks/T1/journalpost", headers=auth).status_code == 422
    narrow = {"Authorization": f"Bearer {api_token(demo_engine(), 'hustadvika', ['check'])}"}
    assert client.get("/api/v1/archive/export.jsonl", headers=narrow).status_code == 403
