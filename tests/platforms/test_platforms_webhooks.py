"""The webhook endpoint in the application (no session, no CSRF, verified by its signature): not
configured → 503, wrong or missing signature → 401 with nothing stored, too large → 413, GET handshake."""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine, func, select

from rettesnor.platforms.payload import sign
from rettesnor.platforms.settings import PlatformSettings
from rettesnor.records.platform_models import PlatformEvent
from support.platformdata import APP_SECRET, settings
from support.webapp import TestClient, make_app


def _stored(engine: Engine, body: bytes) -> int:
    digest = hashlib.sha256(body).hexdigest()
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).where(PlatformEvent.body_sha256 == digest)) or 0)


def test_webhook_endpoint_verifies_before_it_stores(engine: Engine) -> None:
    body = b'{"object": "page", "entry": [{"id": "4242", "time": 1764000000, "changes": []}]}'
    with TestClient(make_app(engine, platforms=PlatformSettings())) as client:
        r = client.post(
            "/webhooks/meta", content=body, headers={"X-Hub-Signature-256": sign(APP_SECRET, body)}
        )
        assert r.status_code == 503 and "not configured" in r.json()["detail"]
        r = client.get(
            "/webhooks/meta", params={"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
        )
        assert r.status_code == 403  # no verify token configured: no handshake
    with TestClient(make_app(engine, platforms=settings(), max_body_bytes=4096)) as client:
        for headers in (
            {},
            {"X-Hub-Signature-256": "sha256=" + "0" * 64},
            {"X-Hub-Signature-256": "garbage"},
            {"X-Hub-Signature-256": sign("another-secret", body)},
        ):
            r = client.post("/webhooks/meta", content=body, headers=headers)
            assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
            assert "set-cookie" not in r.headers  # no session is started for Meta
        assert _stored(engine, body) == 0
        big = b'{"object": "page", "entry": []}' + b" " * 5000
        r = client.post("/webhooks/meta", content=big, headers={"X-Hub-Signature-256": sign(APP_SECRET, big)})
        assert r.status_code == 413 and _stored(engine, big) == 0
        r = client.post(
            "/webhooks/meta", content=body, headers={"X-Hub-Signature-256": sign(APP_SECRET, body)}
        )
        assert (r.status_code, r.text) == (200, "EVENT_RECEIVED") and _stored(engine, body) == 1
        query = {"hub.mode": "unsubscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "77"}
        r = client.get("/webhooks/meta", params=query)
        assert r.status_code == 403
    with engine.begin() as conn:  # the shared test database: leave no row behind
        conn.execute(
            PlatformEvent.__table__.delete().where(
                PlatformEvent.body_sha256 == hashlib.sha256(body).hexdigest()
            )
        )
