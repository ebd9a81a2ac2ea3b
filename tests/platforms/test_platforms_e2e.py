"""Issue 7, done when: the Graph API stand-in posts a signed comment event with a CPR number and an insult
to the real server on loopback → archived, checked, queued with the right action and ground → a
moderator's hide decision captures the evidence, calls the stand-in's hide endpoint and records the
result; an unsigned event is rejected (401, nothing stored). On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine, func, select

from rettesnor.archive.chain import latest_doc, verify
from rettesnor.moderation import queue
from rettesnor.platforms import connector, events
from rettesnor.platforms.standin import GraphStandin
from rettesnor.records.archive_models import ArchiveEntry, ArchiveRecord, ModerationCase
from rettesnor.records.db import session_factory, unit_of_work
from rettesnor.records.platform_models import PlatformEvent
from support.platformdata import APP_SECRET, connected_town, cpr_comment, live_server, settings


@pytest.fixture
def standin() -> Iterator[GraphStandin]:
    with GraphStandin(app_secret=APP_SECRET) as s:
        yield s


def _count(engine: Engine, model: type) -> int:
    with session_factory(engine)() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_signed_comment_is_archived_checked_queued_and_hidden_with_evidence(
    fresh_engine: Engine, standin: GraphStandin
) -> None:
    cfg = settings(standin.base_url)
    with unit_of_work(fresh_engine, actor="test") as db:
        town = connected_town(db, standin, cfg)
    text, number = cpr_comment()
    post = standin.add_post(town.page, "Ny busplan fra 1. april.")
    comment = standin.add_comment(post, text, "u-4711", "Jonna Brask")
    body = standin.delivery(town.page, [standin.feed_change(post), standin.feed_change(comment)])

    with live_server(fresh_engine, cfg) as url:
        unsigned = standin.post_webhook(f"{url}/webhooks/meta", body, signed=False)
        wrong = standin.post_webhook(f"{url}/webhooks/meta", body, secret="not-the-app-secret")
        assert (unsigned.status_code, wrong.status_code) == (401, 401)
        assert unsigned.headers["content-type"].startswith("application/problem+json")
        assert _count(fresh_engine, PlatformEvent) == 0  # nothing stored
        ok = standin.post_webhook(f"{url}/webhooks/meta", body)
        assert ok.status_code == 200 and ok.text == "EVENT_RECEIVED"
        again = standin.post_webhook(f"{url}/webhooks/meta", body)  # Meta's retry of the same delivery
        assert again.status_code == 200
    assert _count(fresh_engine, PlatformEvent) == 1

    report = events.drain(fresh_engine)
    assert (report.rows, report.changes, report.ingested, report.queued) == (1, 2, 2, 1)

    with unit_of_work(fresh_engine, actor="moderator") as db:
        org = db.merge(town.town.org)
        record = db.scalars(select(ArchiveRecord).where(ArchiveRecord.platform_id == comment.id)).one()
        assert record.kind == "comment" and record.account_id == town.connection.account_id
        assert "national_id" in (record.categories or "") and "insult" in (record.categories or "")
        case = db.scalars(select(ModerationCase).where(ModerationCase.record_id == record.id)).one()
        assert (case.recommended, case.ground, case.status) == ("hide", "personal_data", "open")
        connection = connector.connection_of(db, org, record.account_id or 0)
        fb = connector.connector(db, connection, cfg)
        moderator = town.town.b.id
        outcome = queue.decide(
            db, org, record.id, "hide", by=moderator, reason="CPR-nummer og skældsord", platform=fb
        )
        fb.close()
        decision = outcome.decision
        assert decision.platform_result == "sent" and decision.ground == "personal_data"
        evidence = db.get(ArchiveEntry, decision.evidence_entry_id)
        assert evidence is not None and evidence.event == "evidence"
        _, doc = latest_doc(db, record.id)
        assert doc is not None and doc["rettesnor:state"] == "hidden" and number in doc["content"]
        assert verify(db, org).ok

    assert standin.objects[comment.id].hidden is True
    calls = [(m, p.rsplit("/", 1)[-1], q) for m, p, q in standin.calls]
    fetch = next(i for i, c in enumerate(calls) if c[0] == "GET" and c[1] == comment.id)
    hide = next(i for i, c in enumerate(calls) if c[0] == "POST" and c[1] == comment.id)
    assert fetch < hide and calls[hide][2]["is_hidden"] == "true"  # the evidence is fetched before the hide
    assert "appsecret_proof" in calls[hide][2]


def test_handshake_answers_the_challenge_only_with_our_verify_token(
    fresh_engine: Engine, standin: GraphStandin
) -> None:
    cfg = settings(standin.base_url)
    with live_server(fresh_engine, cfg) as url:
        good = httpx.get(
            f"{url}/webhooks/meta",
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": "test-verify-token",
                "hub.challenge": "1158201444",
            },
        )
        bad = httpx.get(
            f"{url}/webhooks/meta",
            params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"},
        )
    assert (good.status_code, good.text) == (200, "1158201444")
    assert bad.status_code == 403 and "1158201444" not in bad.text


def test_a_decision_through_the_rest_api_acts_on_the_connected_page(
    fresh_engine: Engine, standin: GraphStandin
) -> None:
    from rettesnor.web import tokens as web_tokens

    cfg = settings(standin.base_url)
    with unit_of_work(fresh_engine, actor="test") as db:
        town = connected_town(db, standin, cfg, slug="delta")
        secret, _ = web_tokens.create(db, "delta", town.town.comms.id, "moderation", ["moderation:write"])
    text, _ = cpr_comment(seed=11)
    post = standin.add_post(town.page, "Ny busplan fra 1. april.")
    comment = standin.add_comment(post, text, "u-815", "Signe Holmgaard")
    standin.fail("POST", comment.id, 613, times=1)  # Meta's rate limit once: retried, then done
    events.append(fresh_engine, standin.delivery(town.page, [standin.feed_change(comment)]))
    assert events.drain(fresh_engine).queued == 1
    with session_factory(fresh_engine)() as s:
        record_id = s.scalars(select(ArchiveRecord.id).where(ArchiveRecord.platform_id == comment.id)).one()
    with live_server(fresh_engine, cfg) as url:
        r = httpx.post(
            f"{url}/api/v1/moderation/records/{record_id}/decisions",
            json={"action": "hide", "reason": "CPR-nummer i kommentaren"},
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert r.status_code == 201, r.text
    assert r.json()["platform_result"] == "sent" and "on facebook" in r.json()["message"]
    assert standin.objects[comment.id].hidden is True
    assert sum(1 for m, p, _ in standin.calls if m == "POST" and p.endswith(comment.id)) == 2  # one retry


def test_decisions_in_the_moderation_queue_page_act_on_the_connected_page(
    fresh_engine: Engine, standin: GraphStandin
) -> None:
    from rettesnor.records.web_models import WebUser
    from rettesnor.web.security import hash_password
    from support.webapp import csrf_of

    cfg = settings(standin.base_url)
    with unit_of_work(fresh_engine, actor="test") as db:
        town = connected_town(db, standin, cfg, slug="epsilon")
        password = hash_password("long-enough-secret")
        login = WebUser(
            organisation_id=town.town.org.id,
            person_id=town.town.comms.id,
            username="epsilon.komm",
            password_hash=password,
        )
        db.add(login)
    post = standin.add_post(town.page, "Ny busplan fra 1. april.")
    comments = [
        standin.add_comment(post, cpr_comment(seed=s)[0], f"u-{s}", "Signe Holmgaard") for s in (21, 22, 23)
    ]
    standin.fail("POST", comments[1].id, 10, times=1)  # the page lacks a permission for the second one
    events.append(fresh_engine, standin.delivery(town.page, [standin.feed_change(c) for c in comments]))
    assert events.drain(fresh_engine).queued == 3
    with session_factory(fresh_engine)() as s:
        ids = [
            s.scalars(select(ArchiveRecord.id).where(ArchiveRecord.platform_id == c.id)).one()
            for c in comments
        ]
    with live_server(fresh_engine, cfg) as url, httpx.Client(base_url=url) as browser:
        token = csrf_of(browser.get("/login").text)
        signed_in = browser.post(
            "/login", data={"csrf": token, "username": "epsilon.komm", "password": "long-enough-secret"}
        )
        assert signed_in.status_code == 303, signed_in.text[:300]
        token = csrf_of(browser.get("/moderation").text)
        form = {"csrf": token, "action": "hide", "record": [str(i) for i in ids[:2]], "reason": "CPR-nummer"}
        done = browser.post("/moderation/bulk", data=form)  # two at once
        assert done.status_code == 303
        one = {"csrf": token, "action": "delete", "reason": "CPR-nummer", "ground": "personal_data"}
        assert browser.post(f"/moderation/{ids[2]}/decide", data=one).status_code == 303  # and one alone
        queue_page = browser.get("/moderation").text
    assert standin.objects[comments[0].id].hidden is True
    assert standin.objects[comments[1].id].hidden is False
    assert standin.objects[comments[2].id].deleted is True
    assert "pages_manage_engagement" in queue_page or "permission" in queue_page.lower()
    with session_factory(fresh_engine)() as s:
        results = dict(
            s.execute(
                select(queue.ModerationDecision.record_id, queue.ModerationDecision.platform_result)
            ).all()
        )
    assert results == {ids[0]: "sent", ids[1]: "failed", ids[2]: "sent"}
