"""The web application on both backends (SQLite and PostgreSQL): log in, check, decide, list by API."""

from __future__ import annotations

import re

from support.dbsupport import FreshDatabase
from support.webapp import TestClient, api_token, load_demo, login, make_app


def test_journey_on_each_backend(empty_db: FreshDatabase) -> None:
    engine = empty_db.engine
    load_demo(engine)
    client = TestClient(make_app(engine))
    token = login(client, "hustadvika.komm")
    text = "Eleven har fødselsnummer 01129955131."
    checked = client.post("/check", data={"csrf": token, "text": text}).text
    assert "<mark" in checked
    page = client.get("/moderation").text
    record = re.findall(r'id="case-(\d+)"', page)[0]
    r = client.post(
        f"/moderation/{record}/decide", data={"csrf": token, "action": "keep", "reason": "Saklig"}
    )
    assert r.status_code == 200 and f'id="case-{record}"' not in r.text
    secret = api_token(engine, "hustadvika")
    auth = {"Authorization": f"Bearer {secret}"}
    queue = client.get("/api/v1/moderation/queue?status=decided", headers=auth)
    assert int(record) in {c["record"] for c in queue.json()["items"]}
    found = client.get("/api/v1/archive/search?q=kulturskolen", headers=auth)
    assert found.status_code == 200
