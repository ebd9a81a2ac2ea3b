"""Tenant isolation of the web application: every route, asked by a user (or token) of another
organisation with the ids of this one's records, answers 403 or 404, or shows nothing of them.

The test fails when a route is added to the application without being listed here.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select
from starlette.routing import Mount, Route

from rettesnor.records.archive_models import ModerationCase, RegistrationTask
from rettesnor.records.db import session_factory
from rettesnor.records.models import Account, Consent, Organisation, Review, Unit
from rettesnor.records.web_models import ApiToken, WebSession, WebUser
from rettesnor.web import api, pages
from support.webapp import TestClient, api_token, demo_engine, login, make_app

VICTIM, INTRUDER = "hjorring", "norsjo"
APPLICATION = (
    "purpose",
    "target_group",
    "dialogue_plan",
    "privacy_assessment",
    "confidentiality_assessment",
    "resources_plan",
)


def _victim() -> dict[str, Any]:
    with session_factory(demo_engine())() as session:
        org = session.scalars(select(Organisation).where(Organisation.slug == VICTIM)).one()
        accounts = list(session.scalars(select(Account).where(Account.organisation_id == org.id)))
        record = session.scalars(
            select(ModerationCase.record_id).where(ModerationCase.organisation_id == org.id)
        ).first()
        consent = session.scalars(select(Consent.id).where(Consent.organisation_id == org.id)).first()
        review = session.scalars(select(Review.id).where(Review.organisation_id == org.id)).first()
        unit = session.scalars(select(Unit.id).where(Unit.organisation_id == org.id)).first()
        task = session.scalars(
            select(RegistrationTask.id).where(RegistrationTask.organisation_id == org.id)
        ).first()
    assert accounts and record is not None and consent and review and unit and task
    api_token(demo_engine(), VICTIM)  # a token, a login and a session of the victim (issue 15)
    login(TestClient(make_app()), f"{VICTIM}.leder")
    with session_factory(demo_engine())() as session:
        token = session.scalars(select(ApiToken.id).where(ApiToken.organisation_id == org.id)).first()
        user = session.scalars(select(WebUser).where(WebUser.username == f"{VICTIM}.leder")).one()
        sid = session.scalars(select(WebSession.id).where(WebSession.user_id == user.id)).first()
    return {
        "account": accounts[0].id,
        "handles": [a.handle for a in accounts],
        "record": record,
        "consent": consent,
        "review": review,
        "unit": unit,
        "task": task,
        "token": token,
        "login": user.id,
        "session": sid,
        "post": _victim_post(),
    }


def _victim_post() -> int:
    """A draft of the victim's (the demo has no posts written through Rettesnor)."""
    from rettesnor.governance import tenants
    from rettesnor.publishing import service
    from rettesnor.records.db import unit_of_work
    from rettesnor.records.models import Person
    from rettesnor.records.publish_models import Publication

    with unit_of_work(demo_engine(), actor="test") as session:
        org = tenants.get_organisation(session, VICTIM)
        found = session.scalars(select(Publication.id).where(Publication.organisation_id == org.id)).first()
        if found is not None:
            return found
        meta = Account.platform.in_(("facebook", "instagram"))
        account = session.scalars(select(Account).where(Account.organisation_id == org.id, meta)).first()
        author = session.scalars(select(Person).where(Person.organisation_id == org.id)).first()
        assert account is not None and author is not None
        photos = () if account.platform == "facebook" else (service.NewPhoto("x.png", b"x"),)
        return service.save_draft(session, org, author.id, service.Draft(account.id, "Hej", photos=photos)).id


def _leaks(body: str, victim: dict[str, Any]) -> list[str]:
    return [h for h in victim["handles"] if h in body]


@pytest.fixture(scope="module")
def victim() -> dict[str, Any]:
    return _victim()


@pytest.fixture(scope="module")
def page_client() -> tuple[TestClient, str]:
    client = TestClient(make_app())
    return client, login(client, f"{INTRUDER}.komm")


@pytest.fixture(scope="module")
def token() -> str:
    return api_token(demo_engine(), INTRUDER)


# (method, route path) → how the intruder asks for the victim's data; None: a route without tenant data.
def _page_requests(v: dict[str, Any], csrf: str) -> dict[tuple[str, str], list[tuple[str, str, Any]] | None]:
    a, r, p = v["account"], v["record"], v["post"]
    consent = {
        "csrf": csrf,
        "media_ref": "x.jpg",
        "subject": "Elev",
        "basis": "written_consent",
        "given_by": "Mor",
        "account": str(a),
    }
    application = {
        "csrf": csrf,
        "unit": str(v["unit"]),
        "platform": "facebook",
        "handle": "x",
        "name": "X",
        "url": "https://x.example",
        **dict.fromkeys(APPLICATION, "a long answer"),
    }
    return {
        ("GET", "/"): None,
        ("GET", "/healthz"): None,
        ("GET", "/favicon.ico"): None,
        ("GET", "/login"): None,
        ("POST", "/login"): None,
        ("POST", "/logout"): None,
        ("GET", "/login/code"): None,  # the second factor of the login that just gave its password
        ("POST", "/login/code"): None,
        ("GET", "/login/oidc/{name}"): None,  # OpenID Connect: no records, only the signed-in person
        ("GET", "/login/oidc/{name}/callback"): None,
        ("GET", "/account/security"): None,  # the signed-in person's own login, by the session only
        ("POST", "/account/security/totp/start"): None,
        ("POST", "/account/security/totp/confirm"): None,
        ("POST", "/account/security/totp/disable"): None,
        ("POST", "/language"): None,
        ("GET", "/check"): [("GET", "/check", None)],
        ("POST", "/check"): [("POST", "/check", {"csrf": csrf, "text": "Hej", "account": str(a)})],
        ("POST", "/check/redact"): [
            ("POST", "/check/redact", {"csrf": csrf, "text": "Hej", "account": str(a), "finding": "1"})
        ],
        ("GET", "/moderation"): [("GET", f"/moderation?account={a}", None), ("GET", "/moderation", None)],
        ("POST", "/moderation/{record_id}/decide"): [
            ("POST", f"/moderation/{r}/decide", {"csrf": csrf, "action": "keep", "reason": "test"})
        ],
        ("GET", "/tasks"): [("GET", "/tasks", None), ("GET", "/tasks?show=all", None)],
        ("GET", "/tasks/{ref}"): [("GET", f"/tasks/R{v['task']}", None)],
        ("POST", "/tasks/{ref}/assign"): [
            ("POST", f"/tasks/R{v['task']}/assign", {"csrf": csrf, "owner": "1"})
        ],
        ("POST", "/tasks/{ref}/register"): [
            ("POST", f"/tasks/R{v['task']}/register", {"csrf": csrf, "journal_ref": "KS 1"})
        ],
        ("POST", "/tasks/{ref}/close"): [
            ("POST", f"/tasks/R{v['task']}/close", {"csrf": csrf, "reason": "not about the municipality"})
        ],
        ("POST", "/accounts/{account_id}/direct-messages-off"): [
            ("POST", f"/accounts/{a}/direct-messages-off", {"csrf": csrf})
        ],
        ("POST", "/accounts/{account_id}/activate"): [("POST", f"/accounts/{a}/activate", {"csrf": csrf})],
        ("GET", "/accounts"): [("GET", "/accounts", None)],
        ("GET", "/guideline"): [("GET", "/guideline", None)],
        ("GET", "/public/{org_slug}/accounts"): None,  # public by design (the list every citizen may see)
        ("GET", "/archive"): [("GET", f"/archive?account={a}", None), ("GET", "/archive?q=idioter", None)],
        ("GET", "/archive/records/{record_id}"): [("GET", f"/archive/records/{r}", None)],
        ("POST", "/archive/export"): [("POST", "/archive/export", {"csrf": csrf, "record": str(r)})],
        ("POST", "/archive/verify"): [("POST", "/archive/verify", {"csrf": csrf})],
        ("POST", "/archive/noark5"): [("POST", "/archive/noark5", {"csrf": csrf})],  # the login's own only
        ("POST", "/archive/package"): [
            ("POST", "/archive/package", {"csrf": csrf, "format": "eark"})
        ],  # own only
        ("POST", "/archive/export.pdf"): [("POST", "/archive/export.pdf", {"csrf": csrf, "record": str(r)})],
        ("GET", "/archive/records/{record_id}/document.pdf"): [
            ("GET", f"/archive/records/{r}/document.pdf", None)
        ],
        ("POST", "/tasks/{task_id}/journal"): [("POST", f"/tasks/{v['task']}/journal", {"csrf": csrf})],
        ("POST", "/tasks/{task_id}/journal-ref"): [
            ("POST", f"/tasks/{v['task']}/journal-ref", {"csrf": csrf, "journal_ref": "X 1"})
        ],
        ("GET", "/people"): [("GET", "/people", None)],
        ("POST", "/people/reviews"): [
            ("POST", "/people/reviews", {"csrf": csrf, "person": "1", "kind": "yearly"})
        ],
        ("POST", "/people/reviews/{review_id}/acknowledge"): [
            ("POST", f"/people/reviews/{v['review']}/acknowledge", {"csrf": csrf})
        ],
        ("GET", "/consents"): [("GET", "/consents", None)],
        ("POST", "/consents"): [("POST", "/consents", consent)],
        ("POST", "/consents/{consent_id}/withdraw"): [
            ("POST", f"/consents/{v['consent']}/withdraw", {"csrf": csrf})
        ],
        ("GET", "/accounts/apply"): [("GET", "/accounts/apply", None)],
        ("POST", "/accounts/apply"): [("POST", "/accounts/apply", application)],
        ("POST", "/accounts/{account_id}/approve"): [("POST", f"/accounts/{a}/approve", {"csrf": csrf})],
        ("POST", "/moderation/bulk"): [
            ("POST", "/moderation/bulk", {"csrf": csrf, "action": "keep", "record": str(r), "reason": "test"})
        ],
        ("GET", "/dashboard"): [("GET", "/dashboard", None)],
        # One's own login (issue 15): by the session only; another organisation's ids are not found.
        ("GET", "/account/sessions"): None,
        ("POST", "/account/sessions/end-all"): None,  # (it would sign this client out)
        ("POST", "/account/sessions/{session_id}/end"): [
            ("POST", f"/account/sessions/{v['session']}/end", {"csrf": csrf})
        ],
        ("GET", "/account/password"): None,
        ("POST", "/account/password"): None,
        ("GET", "/account/tokens"): [("GET", "/account/tokens", None)],
        ("POST", "/account/tokens/{token_id}/revoke"): [
            ("POST", f"/account/tokens/{v['token']}/revoke", {"csrf": csrf})
        ],
        ("GET", "/logins"): [("GET", "/logins", None)],
        ("POST", "/logins/{user_id}/reset"): [("POST", f"/logins/{v['login']}/reset", {"csrf": csrf})],
        ("POST", "/logins/{user_id}/{action}"): [
            ("POST", f"/logins/{v['login']}/{action}", {"csrf": csrf})
            for action in ("disable", "enable", "end-sessions")
        ],
        ("GET", "/publish"): [("GET", "/publish", None)],
        ("POST", "/publish"): [("POST", "/publish", {"csrf": csrf, "text": "Hej", "account": str(a)})],
        ("GET", "/publish/calendar"): [
            ("GET", f"/publish/calendar?account={a}", None),
            ("GET", "/publish/calendar", None),
        ],
        ("POST", "/publish/live"): [
            ("POST", "/publish/live", {"csrf": csrf, "text": "Hej", "account": str(a)})
        ],
        ("GET", "/publish/{pub_id}"): [("GET", f"/publish/{p}", None)],
        ("POST", "/publish/{pub_id}/edit"): [
            ("POST", f"/publish/{p}/edit", {"csrf": csrf, "text": "Hej", "account": str(a)})
        ],
        ("POST", "/publish/{pub_id}/revise"): [
            ("POST", f"/publish/{p}/revise", {"csrf": csrf, "text": "Hej"})
        ],
        ("POST", "/publish/{pub_id}/submit"): [("POST", f"/publish/{p}/submit", {"csrf": csrf})],
        ("POST", "/publish/{pub_id}/decide"): [
            ("POST", f"/publish/{p}/decide", {"csrf": csrf, "act": "reject", "comment": "x"})
        ],
        # the photos Meta fetches: no session, an HMAC-signed URL that expires (tests/publishing/)
        ("GET", "/media/publish/{photo_id}"): [("GET", "/media/publish/1?exp=9999999999&sig=00", None)],
        # Meta's webhook: no session; a payload is accepted only with Meta's signature (tests/platforms/)
        ("GET", "/webhooks/meta"): None,
        ("POST", "/webhooks/meta"): None,
    }


def _api_requests(v: dict[str, Any]) -> dict[tuple[str, str], list[tuple[str, str, Any]] | None]:
    a, r, p = v["account"], v["record"], v["post"]
    return {
        ("POST", "/api/v1/publications"): [("POST", "/api/v1/publications", {"account": a, "text": "Hej"})],
        ("GET", "/api/v1/publications"): [
            ("GET", f"/api/v1/publications?account={a}", None),
            ("GET", "/api/v1/publications?limit=200", None),
        ],
        ("GET", "/api/v1/publications/{pub_id}"): [("GET", f"/api/v1/publications/{p}", None)],
        ("POST", "/api/v1/publications/{pub_id}/revisions"): [
            ("POST", f"/api/v1/publications/{p}/revisions", {"text": "Hej"})
        ],
        ("POST", "/api/v1/publications/{pub_id}/submit"): [("POST", f"/api/v1/publications/{p}/submit", {})],
        ("POST", "/api/v1/publications/{pub_id}/decision"): [
            ("POST", f"/api/v1/publications/{p}/decision", {"act": "reject", "comment": "x"})
        ],
        ("GET", "/api/v1/openapi.json"): None,
        ("POST", "/api/v1/analyse"): None,  # a text's signals without any pack: reads no organisation's data
        ("POST", "/api/v1/check"): [("POST", "/api/v1/check", {"text": "Hej", "account": a})],
        ("GET", "/api/v1/accounts"): [("GET", "/api/v1/accounts?limit=200", None)],
        ("GET", "/api/v1/accounts/problems"): [("GET", "/api/v1/accounts/problems?limit=200", None)],
        ("GET", "/api/v1/accounts/public"): [("GET", "/api/v1/accounts/public?limit=200", None)],
        ("GET", "/api/v1/accounts/{account_id}"): [("GET", f"/api/v1/accounts/{a}", None)],
        ("GET", "/api/v1/moderation/queue"): [
            ("GET", f"/api/v1/moderation/queue?account={a}", None),
            ("GET", "/api/v1/moderation/queue?status=all&limit=200", None),
        ],
        ("POST", "/api/v1/moderation/records/{record_id}/decisions"): [
            ("POST", f"/api/v1/moderation/records/{r}/decisions", {"action": "keep", "reason": "test"})
        ],
        ("GET", "/api/v1/tasks"): [("GET", "/api/v1/tasks?limit=200", None)],
        ("POST", "/api/v1/tasks/{ref}/close"): [
            ("POST", f"/api/v1/tasks/R{v['task']}/close", {"journal_ref": "KS 1"})
        ],
        ("GET", "/api/v1/archive/search"): [
            ("GET", f"/api/v1/archive/search?account={a}", None),
            ("GET", "/api/v1/archive/search?limit=200", None),
        ],
        ("GET", "/api/v1/guideline"): [("GET", "/api/v1/guideline", None)],
        ("GET", "/api/v1/people"): [("GET", "/api/v1/people?limit=200", None)],
        ("GET", "/api/v1/reviews"): [("GET", "/api/v1/reviews?limit=200", None)],
        ("GET", "/api/v1/reviews/overdue"): [("GET", "/api/v1/reviews/overdue?limit=200", None)],
        ("GET", "/api/v1/consents"): [("GET", "/api/v1/consents?limit=200", None)],
        ("GET", "/api/v1/archive/records/{record_id}"): [("GET", f"/api/v1/archive/records/{r}", None)],
        ("POST", "/api/v1/archive/access-requests"): [
            ("POST", "/api/v1/archive/access-requests", {"records": [r]})
        ],
        ("POST", "/api/v1/archive/verify"): [("POST", "/api/v1/archive/verify", None)],
        ("GET", "/api/v1/archive/export.jsonl"): [("GET", "/api/v1/archive/export.jsonl", None)],
        ("GET", "/api/v1/archive/export.noark5.zip"): [("GET", "/api/v1/archive/export.noark5.zip", None)],
        ("GET", "/api/v1/tasks/{task_id}/journalpost"): [
            ("GET", f"/api/v1/tasks/R{v['task']}/journalpost", None)
        ],
    }


def _routes() -> set[tuple[str, str]]:
    """Every route of the application: its own and those of the routers it includes."""
    found = set()
    routes = [*make_app().routes, *api.router.routes, *pages.router.routes]
    while routes:
        route = routes.pop()
        included = getattr(route, "original_router", None)  # FastAPI ≥ 0.16x keeps included routers whole
        if included is not None:
            routes.extend(included.routes)
            continue
        if isinstance(route, Mount) or not isinstance(route, Route | APIRoute):
            continue
        for m in (route.methods or set()) - {"HEAD"}:
            found.add((m, route.path))
    return found


def test_every_route_is_in_the_isolation_test(victim: dict[str, Any]) -> None:
    listed = set(_page_requests(victim, "")) | set(_api_requests(victim))
    assert _routes() == listed, "add the new route to tests/web/test_web_isolation.py"


def test_pages_of_another_organisation(victim: dict[str, Any], page_client: tuple[TestClient, str]) -> None:
    client, csrf = page_client
    for key, requests in _page_requests(victim, csrf).items():
        for method, url, form in requests or ():
            r = client.request(method, url, data=form, follow_redirects=False)
            assert r.status_code in (200, 403, 404), (key, url, r.status_code)
            assert not _leaks(r.text, victim), (key, url)
            refuse = form and ("account" in form or "record" in form or "unit" in form)
            if refuse or "{" in key[1] or "account=" in url:
                assert r.status_code in (403, 404), (key, url, r.status_code)


def test_api_of_another_organisation(victim: dict[str, Any], token: str) -> None:
    client = TestClient(make_app())
    headers = {"Authorization": f"Bearer {token}"}
    for key, requests in _api_requests(victim).items():
        for method, url, body in requests or ():
            r = client.request(method, url, json=body, headers=headers)
            assert r.status_code in (200, 201, 403, 404), (key, url, r.status_code, r.text)
            assert not _leaks(r.text, victim), (key, url)
            if "account" in (body or {}) or "records" in (body or {}) or "{" in key[1] or "account=" in url:
                assert r.status_code in (403, 404), (key, url, r.status_code)
            is_json = r.headers["content-type"].split(";")[0] == "application/json"
            if r.status_code == 200 and is_json and "items" in r.json():
                assert all(i.get("account_id") not in (victim["account"],) for i in r.json()["items"])
