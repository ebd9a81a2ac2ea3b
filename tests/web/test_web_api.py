"""The REST API: tokens with scopes, the check contract, pagination, problem details, decisions."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from rettesnor.records.db import session_factory
from rettesnor.records.web_models import ApiToken
from support.webapp import TestClient, api_token, demo_engine, make_app

CPR_TEXT = "Ring til Mette på 23 45 67 89. Hendes CPR er 120385-1234."


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app())


@pytest.fixture(scope="module")
def token() -> str:
    return api_token(demo_engine(), "hjorring")


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (
        body["status"] == status and body["title"] and body["detail"] and body["type"].startswith("https://")
    )
    return body


def test_the_openapi_document_is_the_contract(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    paths = set(doc["paths"])
    assert {
        "/api/v1/check",
        "/api/v1/accounts",
        "/api/v1/moderation/queue",
        "/api/v1/tasks",
        "/api/v1/archive/search",
        "/api/v1/moderation/records/{record_id}/decisions",
    } <= paths
    assert not any(p.startswith("/check") or p.startswith("/login") for p in paths)  # pages are not API
    assert "Problem" in doc["components"]["schemas"]


def test_without_a_token_the_answer_is_401_problem(client: TestClient) -> None:
    body = _problem(client.post("/api/v1/check", json={"text": "x"}), 401)
    assert "Bearer" in body["detail"]
    _problem(client.get("/api/v1/accounts", headers=_auth("rtn_not-a-real-token")), 401)


def test_check_gives_the_json_contract(client: TestClient, token: str) -> None:
    r = client.post("/api/v1/check", json={"text": CPR_TEXT, "kind": "official_post"}, headers=_auth(token))
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["policy"] == "dk-hjorring" and result["verdict"] == "block"
    cpr = next(f for f in result["findings"] if f["category"] == "national_id")
    assert cpr["spans"][0]["text"] == "120385-1234" and cpr["clauses"][0]["quote"] and cpr["remedy"]
    english = client.post("/api/v1/check", json={"text": CPR_TEXT, "lang": "en"}, headers=_auth(token)).json()
    assert english["findings"][0]["message"] != result["findings"][0]["message"]


def test_check_errors_are_clear_problems(client: TestClient, token: str) -> None:
    assert (
        "unknown kind"
        in _problem(
            client.post("/api/v1/check", json={"text": "Hej", "kind": "tweet"}, headers=_auth(token)), 422
        )["detail"]
    )
    assert (
        "unknown pack"
        in _problem(
            client.post("/api/v1/check", json={"text": "Hej", "pack": "/etc/passwd"}, headers=_auth(token)),
            422,
        )["detail"]
    )
    missing = _problem(client.post("/api/v1/check", json={"kind": "reply"}, headers=_auth(token)), 422)
    assert "text" in missing["detail"] and missing["errors"]
    _problem(client.post("/api/v1/check", json={"text": "Hej", "account": 999999}, headers=_auth(token)), 404)


def test_a_token_is_stored_only_as_its_hash(token: str) -> None:
    with session_factory(demo_engine())() as session:
        rows = list(session.scalars(select(ApiToken)))
    assert rows and all(token not in (r.token_sha256, r.prefix, r.name, r.scopes) for r in rows)
    assert any(len(r.token_sha256) == 64 and token.startswith(r.prefix) for r in rows)


def test_scopes_limit_a_token(client: TestClient) -> None:
    check_only = api_token(demo_engine(), "hjorring", ["check"])
    assert client.post("/api/v1/check", json={"text": "Hej"}, headers=_auth(check_only)).status_code == 200
    assert (
        "moderation"
        in _problem(client.get("/api/v1/moderation/queue", headers=_auth(check_only)), 403)["detail"]
    )


def test_lists_are_paginated(client: TestClient, token: str) -> None:
    first = client.get("/api/v1/accounts?limit=2", headers=_auth(token)).json()
    assert len(first["items"]) == 2 and first["total"] == 3 and first["next_offset"] == 2
    rest = client.get("/api/v1/accounts?limit=2&offset=2", headers=_auth(token)).json()
    assert len(rest["items"]) == 1 and rest["next_offset"] is None
    assert {a["id"] for a in first["items"]}.isdisjoint(a["id"] for a in rest["items"])
    _problem(client.get("/api/v1/accounts?limit=0", headers=_auth(token)), 422)
    for path in (
        "/api/v1/accounts/problems",
        "/api/v1/accounts/public",
        "/api/v1/moderation/queue",
        "/api/v1/tasks",
        "/api/v1/archive/search",
    ):
        page = client.get(f"{path}?limit=1", headers=_auth(token)).json()
        assert set(page) == {"items", "total", "limit", "offset", "next_offset"}, path
        assert len(page["items"]) <= 1


def test_queue_newest_first_and_a_decision_is_recorded(client: TestClient) -> None:
    token = api_token(demo_engine(), "hustadvika")
    queue = client.get("/api/v1/moderation/queue?limit=50", headers=_auth(token)).json()
    cases = [c["case"] for c in queue["items"]]
    assert cases == sorted(cases, reverse=True) and queue["total"] == len(cases) > 0
    target = queue["items"][0]
    body = {"action": "keep", "reason": "Saklig kritikk, den blir stående."}
    url = f"/api/v1/moderation/records/{target['record']}/decisions"
    r = client.post(url, json=body, headers=_auth(token))
    assert r.status_code == 201, r.text
    assert r.json()["action"] == "keep"
    decided = client.get("/api/v1/moderation/queue?status=decided", headers=_auth(token)).json()
    assert target["record"] in {c["record"] for c in decided["items"]}
    refused = client.post("/api/v1/moderation/records/999999/decisions", json=body, headers=_auth(token))
    _problem(refused, 404)


def test_tasks_search_and_guideline(client: TestClient, token: str) -> None:
    tasks = client.get("/api/v1/tasks", headers=_auth(token)).json()
    assert tasks["total"] > 0 and {"due_on", "overdue", "kind", "owner"} <= set(tasks["items"][0])
    found = client.get("/api/v1/archive/search?q=biblioteket", headers=_auth(token)).json()
    assert found["items"] and all("ibliotek" in (r["text"] or "") for r in found["items"])
    guideline = client.get("/api/v1/guideline", headers=_auth(token)).json()
    assert guideline["pack"] == "dk-hjorring" and guideline["rules"][0]["clauses"] and guideline["coverage"]
